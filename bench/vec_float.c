/*
 * Float kernels that compilers vectorise, written for the wasmi-ts benchmark suite; built twice
 * by build.sh, with -msimd128 (vec_float.wasm) and without (vec_float_scalar.wasm), so the two
 * builds of one program can be compared.
 *
 * run(rounds): for each round, over 2048-element f32 arrays: a saxpy-style update
 * (y = a*x + b*y), a clamp (min/max), an 8-way partial-sum dot product (eight accumulators, so
 * the vectoriser needs no reassociation and both builds round alike), and a 32x32 matrix times
 * vector; the checksum folds the bits of the dot products and of a few outputs. Freestanding.
 */

typedef unsigned int u32;

#define N 2048
#define M 32

static float x[N], y[N], z[N];
static float mat[M * M], vec[M], outv[M];
static u32 rng;

static u32 next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* A float in [-1, 1). */
static float random_unit(void) {
  return (float)(int)(next_random() >> 8) * (1.0f / 8388608.0f) - 1.0f;
}

static u32 bits(float f) {
  union {
    float f;
    u32 u;
  } v = {f};
  return v.u;
}

static void saxpy(float a, float b) {
  for (int i = 0; i < N; i++) y[i] = a * x[i] + b * y[i];
}

static void clamp(float lo, float hi) {
  for (int i = 0; i < N; i++) {
    float v = y[i];
    v = v < lo ? lo : v;
    z[i] = v > hi ? hi : v;
  }
}

static float dot8(const float *p, const float *q) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (int i = 0; i < N; i += 8) {
    s0 += p[i] * q[i];
    s1 += p[i + 1] * q[i + 1];
    s2 += p[i + 2] * q[i + 2];
    s3 += p[i + 3] * q[i + 3];
    s4 += p[i + 4] * q[i + 4];
    s5 += p[i + 5] * q[i + 5];
    s6 += p[i + 6] * q[i + 6];
    s7 += p[i + 7] * q[i + 7];
  }
  return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
}

/* outv = mat * vec, the inner loop over columns kept in four accumulators per row. */
static void matvec(void) {
  for (int r = 0; r < M; r++) {
    const float *row = mat + r * M;
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int c = 0; c < M; c += 4) {
      a0 += row[c] * vec[c];
      a1 += row[c + 1] * vec[c + 1];
      a2 += row[c + 2] * vec[c + 2];
      a3 += row[c + 3] * vec[c + 3];
    }
    outv[r] = (a0 + a1) + (a2 + a3);
  }
  /* Contracting (the matrix's spectral radius is about 3.3), fed by x so it never dies out. */
  for (int r = 0; r < M; r++) vec[r] = outv[r] * 0.25f + x[r];
}

u32 run(int rounds) {
  rng = 0x2545f491u;
  for (int i = 0; i < N; i++) {
    x[i] = random_unit();
    y[i] = random_unit();
  }
  for (int i = 0; i < M * M; i++) mat[i] = random_unit();
  for (int i = 0; i < M; i++) vec[i] = random_unit();
  u32 h = 0;
  for (int r = 0; r < rounds; r++) {
    saxpy(0.75f, 0.5f);
    clamp(-0.5f, 0.5f);
    float d = dot8(x, z);
    matvec();
    h = (h ^ bits(d)) * 16777619u;
    h = (h ^ bits(y[r & (N - 1)])) * 16777619u;
    h = (h ^ bits(vec[r & (M - 1)])) * 16777619u;
  }
  return h;
}
