// An xxHash64-style hash (the published algorithm's structure and primes) of a 256 KiB buffer,
// run n times with a changing seed: 64-bit multiplies, rotations and xor-shift finalisation in a
// four-lane main loop. Returns the xor of the hashes. Built with bench/build.sh (no libc).
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define BUF_LEN 262144

static const u64 P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL;
static const u64 P3 = 0x165667B19E3779F9ULL, P4 = 0x85EBCA77C2B2AE63ULL;
static const u64 P5 = 0x27D4EB2F165667C5ULL;

static u8 buf[BUF_LEN];

static u64 rotl(u64 x, int k) { return (x << k) | (x >> (64 - k)); }

static u64 read64(const u8 *p) {
  u64 v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

static u32 read32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static u64 round64(u64 acc, u64 input) {
  acc += input * P2;
  acc = rotl(acc, 31);
  return acc * P1;
}

static u64 merge(u64 acc, u64 val) {
  acc ^= round64(0, val);
  return acc * P1 + P4;
}

static u64 xxh64(const u8 *p, unsigned len, u64 seed) {
  const u8 *end = p + len;
  u64 h;
  if (len >= 32) {
    u64 v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    const u8 *limit = end - 32;
    do {
      v1 = round64(v1, read64(p));
      v2 = round64(v2, read64(p + 8));
      v3 = round64(v3, read64(p + 16));
      v4 = round64(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = seed + P5;
  }
  h += len;
  for (; p + 8 <= end; p += 8) h = rotl(h ^ round64(0, read64(p)), 27) * P1 + P4;
  if (p + 4 <= end) {
    h = rotl(h ^ ((u64)read32(p) * P1), 23) * P2 + P3;
    p += 4;
  }
  for (; p < end; p++) h = rotl(h ^ (*p * P5), 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

u64 run(int n) {
  u32 x = 987654321u;
  for (int i = 0; i < BUF_LEN; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (u8)x;
  }
  u64 acc = 0;
  for (int r = 0; r < n; r++) acc ^= xxh64(buf + (r & 7), BUF_LEN - 8 - (r & 15), (u64)r);
  return acc;
}
