/*
 * An LZ77 (LZSS-style) round trip, written for the wasmi-ts benchmark suite.
 *
 * run(rounds): for each round, generate a 32 KiB text-like buffer from a seeded xorshift
 * generator and a small dictionary of words, compress it, decompress it, check the round trip,
 * and fold the CRC-32 of the compressed bytes and its length into the checksum. Freestanding:
 * no libc, so memset/memcpy are defined here for the calls clang may emit for loop idioms.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#define BLOCK 32768u
#define HASH_BITS 12u
#define WINDOW 4095u /* offsets fit in 12 bits */
#define MIN_MATCH 3u
#define MAX_MATCH 18u /* lengths 3..18 fit in 4 bits */

static u8 input[BLOCK];
static u8 packed[BLOCK + BLOCK / 8u + 16u];
static u8 unpacked[BLOCK];
static u32 heads[1u << HASH_BITS];
static u32 crc_table[256];
static u32 rng;

void *memset(void *dst, int c, unsigned long n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, unsigned long n) {
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

static u32 next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static const char *const words[16] = {
    "the ",     "quick ",    "brown ",  "fox ",   "jumps ",    "over ",  "lazy ",  "dog ",
    "wasm ",    "interpreter ", "stack ", "value ", "memory ", "table ", "call ", "\n",
};

/* Mostly dictionary words, with a random byte now and then so the matcher must work. */
static void generate(u32 seed) {
  u32 i = 0;
  rng = seed * 2654435761u + 0x9e3779b9u;
  if (rng == 0) rng = 1;
  while (i < BLOCK) {
    u32 r = next_random();
    if ((r & 7u) == 0) {
      input[i++] = (u8)(r >> 8);
    } else {
      const char *w = words[(r >> 4) & 15u];
      while (*w && i < BLOCK) input[i++] = (u8)*w++;
    }
  }
}

static u32 hash3(const u8 *p) {
  u32 v = (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16);
  return (v * 2654435761u) >> (32u - HASH_BITS);
}

/*
 * Output: groups of up to eight items led by a flag byte; a set bit is a match written as two
 * bytes (12-bit offset, 4-bit length - 3), a clear bit a literal byte.
 */
static u32 compress(u32 n) {
  u32 in = 0, out = 0, flag_pos = 0, bit = 8;
  memset(heads, 0xff, sizeof heads);
  while (in < n) {
    u32 best_len = 0, best_off = 0;
    if (bit == 8) {
      flag_pos = out++;
      packed[flag_pos] = 0;
      bit = 0;
    }
    if (in + MIN_MATCH <= n) {
      u32 h = hash3(input + in);
      u32 cand = heads[h];
      heads[h] = in;
      if (cand != 0xffffffffu && in - cand <= WINDOW) {
        u32 limit = n - in;
        u32 len = 0;
        if (limit > MAX_MATCH) limit = MAX_MATCH;
        while (len < limit && input[cand + len] == input[in + len]) len++;
        if (len >= MIN_MATCH) {
          best_len = len;
          best_off = in - cand;
        }
      }
    }
    if (best_len) {
      u32 code = (best_off << 4) | (best_len - MIN_MATCH);
      packed[flag_pos] |= (u8)(1u << bit);
      packed[out++] = (u8)(code >> 8);
      packed[out++] = (u8)code;
      /* index the positions inside the match too, so later repeats find it */
      for (u32 k = 1; k < best_len && in + k + MIN_MATCH <= n; k++) {
        heads[hash3(input + in + k)] = in + k;
      }
      in += best_len;
    } else {
      packed[out++] = input[in++];
    }
    bit++;
  }
  return out;
}

static u32 decompress(u32 packed_len) {
  u32 in = 0, out = 0;
  while (in < packed_len) {
    u32 flags = packed[in++];
    for (u32 bit = 0; bit < 8 && in < packed_len; bit++) {
      if (flags & (1u << bit)) {
        u32 code = ((u32)packed[in] << 8) | packed[in + 1];
        u32 off = code >> 4, len = (code & 15u) + MIN_MATCH;
        in += 2;
        if (off == 0 || off > out || out + len > BLOCK) return 0xffffffffu;
        /* byte by byte: a match may overlap the bytes it produces */
        for (u32 k = 0; k < len; k++, out++) unpacked[out] = unpacked[out - off];
      } else {
        if (out >= BLOCK) return 0xffffffffu;
        unpacked[out++] = packed[in++];
      }
    }
  }
  return out;
}

static void crc_init(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (u32 k = 0; k < 8; k++) c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static u32 crc32(const u8 *p, u32 n) {
  u32 c = 0xffffffffu;
  for (u32 i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xffu] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* Returns the checksum, or 0 if any round trip failed. */
u32 run(u32 rounds) {
  u32 acc = 0;
  crc_init();
  for (u32 r = 0; r < rounds; r++) {
    generate(r);
    u32 clen = compress(BLOCK);
    u32 dlen = decompress(clen);
    if (dlen != BLOCK) return 0;
    for (u32 i = 0; i < BLOCK; i++) {
      if (unpacked[i] != input[i]) return 0;
    }
    acc = (acc * 31u + crc32(packed, clen)) ^ clen;
  }
  return acc;
}
