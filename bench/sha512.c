// SHA-512 (FIPS 180-4) over a 16 KiB message, hashed again and again: 64-bit rotations, shifts,
// xors and additions, with the message schedule in memory. run(n) hashes the message n times,
// feeding each digest back into the message's first 64 bytes, and returns the digest's first
// word. Built with bench/build.sh (freestanding: no libc).
typedef unsigned long long u64;
typedef unsigned char u8;

#define MSG_LEN 16384

static const u64 K[80] = {
0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL
};

static u8 msg[MSG_LEN];
static u64 state[8];

static u64 rotr(u64 x, int k) { return (x >> k) | (x << (64 - k)); }

static u64 load_be(const u8 *p) {
  u64 v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}

static void compress(const u8 *block) {
  u64 w[80];
  for (int t = 0; t < 16; t++) w[t] = load_be(block + 8 * t);
  for (int t = 16; t < 80; t++) {
    u64 s0 = rotr(w[t - 15], 1) ^ rotr(w[t - 15], 8) ^ (w[t - 15] >> 7);
    u64 s1 = rotr(w[t - 2], 19) ^ rotr(w[t - 2], 61) ^ (w[t - 2] >> 6);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  u64 a = state[0], b = state[1], c = state[2], d = state[3];
  u64 e = state[4], f = state[5], g = state[6], h = state[7];
  for (int t = 0; t < 80; t++) {
    u64 t1 = h + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
    u64 t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a; state[1] += b; state[2] += c; state[3] += d;
  state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

static void sha512(const u8 *data, unsigned len) {
  static const u64 H0[8] = {
0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL
  };
  for (int i = 0; i < 8; i++) state[i] = H0[i];
  unsigned full = len & ~127u;
  for (unsigned off = 0; off < full; off += 128) compress(data + off);
  // Padding: 0x80, zeros, then the length in bits as a 128-bit big-endian number.
  u8 tail[256];
  unsigned rest = len - full, n = rest + 17 <= 128 ? 128 : 256;
  for (unsigned i = 0; i < n; i++) tail[i] = i < rest ? data[full + i] : 0;
  tail[rest] = 0x80;
  u64 bits = (u64)len * 8;
  for (int i = 0; i < 8; i++) tail[n - 1 - i] = (u8)(bits >> (8 * i));
  for (unsigned off = 0; off < n; off += 128) compress(tail + off);
}

u64 run(int n) {
  unsigned x = 12345;
  for (int i = 0; i < MSG_LEN; i++) {
    x = x * 1103515245u + 12345u;
    msg[i] = (u8)(x >> 16);
  }
  for (int r = 0; r < n; r++) {
    sha512(msg, MSG_LEN);
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) msg[8 * i + j] = (u8)(state[i] >> (56 - 8 * j));
    }
  }
  return state[0];
}
