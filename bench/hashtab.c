// An i64 hash table: open addressing with linear probing over 64-bit keys from a splitmix64
// stream, inserting, looking up and deleting (backward-shift), so 64-bit compares, multiplies and
// shifts sit in data-dependent loops. run(n) performs n operations and returns a checksum of
// the hits and the table's contents. Built with bench/build.sh (no libc).
typedef unsigned long long u64;

#define BITS 14
#define SIZE (1u << BITS)
#define MASK (SIZE - 1)

static u64 keys[SIZE];
static u64 vals[SIZE];
static unsigned count;

static u64 mix(u64 z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static unsigned home(u64 key) { return (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> (64 - BITS)); }

// Key 0 marks an empty slot; keys are made nonzero by the caller.
static u64 *find(u64 key) {
  for (unsigned i = home(key);; i = (i + 1) & MASK) {
    if (keys[i] == key) return &vals[i];
    if (keys[i] == 0) return 0;
  }
}

static void insert(u64 key, u64 val) {
  unsigned i = home(key);
  while (keys[i] != 0 && keys[i] != key) i = (i + 1) & MASK;
  if (keys[i] == 0) count++;
  keys[i] = key;
  vals[i] = val;
}

static int erase(u64 key) {
  unsigned i = home(key);
  while (keys[i] != key) {
    if (keys[i] == 0) return 0;
    i = (i + 1) & MASK;
  }
  // Backward-shift deletion: pull later entries of the probe run into the hole.
  for (unsigned j = (i + 1) & MASK; keys[j] != 0; j = (j + 1) & MASK) {
    unsigned h = home(keys[j]);
    if (((j - h) & MASK) >= ((j - i) & MASK)) {
      keys[i] = keys[j];
      vals[i] = vals[j];
      i = j;
    }
  }
  keys[i] = 0;
  count--;
  return 1;
}

u64 run(int n) {
  for (unsigned i = 0; i < SIZE; i++) keys[i] = 0;
  count = 0;
  u64 sum = 0, state = 0;
  for (int op = 0; op < n; op++) {
    state += 0x9e3779b97f4a7c15ULL;
    u64 r = mix(state);
    // Keys from a range of 3/4 of the table, so lookups hit about half the time.
    u64 key = mix(r % (SIZE * 3 / 4)) | 1;
    unsigned kind = (unsigned)(r >> 61);
    if (kind < 4) {
      u64 *v = find(key);
      if (v) sum += *v;
    } else if (kind < 7) {
      if (count < SIZE / 2) insert(key, r);
    } else {
      sum += erase(key);
    }
  }
  for (unsigned i = 0; i < SIZE; i++) sum = sum * 31 + (keys[i] ^ vals[i]);
  return sum ^ count;
}
