/**
 * Test toolkit: a seeded PRNG, so random and fuzz tests are reproducible from their seed.
 *
 * @module
 */

/** Mulberry32: a tiny seeded generator of unsigned 32-bit integers. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Mulberry32 scaled to a float in `[0, 1)`. */
export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** `n` bytes drawn from `seed`, the same bytes for the same seed on every run. */
export function seededBytes(seed: number, n: number): Uint8Array {
  const rand = uniform(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}

/** Mixes two 32-bit numbers into one seed (FNV-1a over their bytes). */
export function mixSeed(a: number, b: number): number {
  let h = 0x811c9dc5;
  for (const x of [a >>> 0, b >>> 0]) {
    for (let i = 0; i < 4; i++) {
      h ^= (x >>> (i * 8)) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h;
}
