/*
 * Byte and 16-bit kernels that compilers vectorise, written for the wasmi-ts benchmark suite;
 * built twice by build.sh, with -msimd128 (vec_bytes.wasm) and without (vec_bytes_scalar.wasm).
 *
 * run(rounds): on a 128x128 grayscale image and a 64x64 RGBA one, for each round: a [1 2 1]
 * blur, horizontal then vertical (widen to 16 bits, add, shift, narrow), a brightness step with
 * saturation, a count of pixels above a threshold (compare, then sum), a sum of absolute
 * differences between the image and its blur, an RGBA to BGRA swap (a byte shuffle), and an i16
 * dot product; the checksum folds the counts, sums and a few pixels. Freestanding.
 */

typedef unsigned char u8;
typedef short i16;
typedef unsigned int u32;

#define W 128
#define H 128
#define PIXELS (W * H)
#define RGBA_PIXELS (64 * 64)
#define TAPS 4096

static u8 image[PIXELS], tmp[PIXELS], blurred[PIXELS];
static u8 rgba[RGBA_PIXELS * 4], bgra[RGBA_PIXELS * 4];
static i16 signal[TAPS], kernel[TAPS];
static u32 rng;

/* Freestanding: clang turns some copy loops into calls to these. */
void *memcpy(void *dst, const void *src, unsigned long n) {
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, unsigned long n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

static u32 next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* [1 2 1] / 4 along rows, then along columns; the borders are copied. */
static void blur(void) {
  for (int r = 0; r < H; r++) {
    const u8 *p = image + r * W;
    u8 *q = tmp + r * W;
    q[0] = p[0];
    q[W - 1] = p[W - 1];
    for (int c = 1; c < W - 1; c++) q[c] = (u8)((p[c - 1] + 2 * p[c] + p[c + 1] + 2) >> 2);
  }
  for (int c = 0; c < W; c++) {
    blurred[c] = tmp[c];
    blurred[(H - 1) * W + c] = tmp[(H - 1) * W + c];
  }
  for (int r = 1; r < H - 1; r++) {
    const u8 *a = tmp + (r - 1) * W, *b = tmp + r * W, *d = tmp + (r + 1) * W;
    u8 *q = blurred + r * W;
    for (int c = 0; c < W; c++) q[c] = (u8)((a[c] + 2 * b[c] + d[c] + 2) >> 2);
  }
}

/* image = min(255, blurred + k): saturating add. */
static void brighten(u8 k) {
  for (int i = 0; i < PIXELS; i++) {
    unsigned v = blurred[i] + k;
    image[i] = (u8)(v > 255 ? 255 : v);
  }
}

static u32 count_above(u8 t) {
  u32 n = 0;
  for (int i = 0; i < PIXELS; i++) n += image[i] > t;
  return n;
}

static u32 sad(void) {
  u32 s = 0;
  for (int i = 0; i < PIXELS; i++) {
    int d = image[i] - blurred[i];
    s += (u32)(d < 0 ? -d : d);
  }
  return s;
}

static void swap_rb(void) {
  for (int i = 0; i < RGBA_PIXELS * 4; i += 4) {
    bgra[i] = rgba[i + 2];
    bgra[i + 1] = rgba[i + 1];
    bgra[i + 2] = rgba[i];
    bgra[i + 3] = rgba[i + 3];
  }
  for (int i = 0; i < RGBA_PIXELS * 4; i++) rgba[i] = (u8)(bgra[i] + 1);
}

static int dot16(void) {
  int s = 0;
  for (int i = 0; i < TAPS; i++) s += signal[i] * kernel[i];
  return s;
}

u32 run(int rounds) {
  rng = 0x9e3779b9u;
  for (int i = 0; i < PIXELS; i++) image[i] = (u8)next_random();
  for (int i = 0; i < RGBA_PIXELS * 4; i++) rgba[i] = (u8)next_random();
  for (int i = 0; i < TAPS; i++) {
    signal[i] = (i16)next_random();
    kernel[i] = (i16)(next_random() & 0x3ff) - 512;
  }
  u32 h = 0;
  for (int r = 0; r < rounds; r++) {
    blur();
    u32 s = sad();
    brighten((u8)(r & 7));
    u32 n = count_above((u8)(100 + (r & 63)));
    swap_rb();
    signal[r & (TAPS - 1)] ^= (i16)r;
    int d = dot16();
    h = (h ^ n) * 16777619u;
    h = (h ^ s) * 16777619u;
    h = (h ^ (u32)d) * 16777619u;
    h = (h ^ image[(r * 97) & (PIXELS - 1)] ^ ((u32)bgra[r & (RGBA_PIXELS * 4 - 1)] << 8)) *
        16777619u;
  }
  return h;
}
