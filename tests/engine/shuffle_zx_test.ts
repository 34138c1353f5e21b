/**
 * The zero-extending `i8x16.shuffle` shapes clang widens unsigned lanes with
 * (`shuffleZeroExtendKind`, `simdShuffleZx`, the `V128ShuffleZx` instruction): the shapes told
 * apart, and every one computing what `simdShuffle` computes, whether the input it reads zeros
 * from is zero (the fast path) or not (the general one), and through Wasm in each tier.
 */
import assert from "node:assert/strict";
import { shuffleZeroExtendKind, simdShuffle, simdShuffleZx } from "../../src/engine/simd.ts";
import { instantiate } from "./harness.ts";

/** The lanes of a zero-extending shape: `x`'s bytes from `from` every `step`, `z`'s between. */
function widening(step: number, from: number, xFirst: boolean, zLane: (i: number) => number) {
  const xBase = xFirst ? 0 : 16, zBase = 16 - xBase;
  return Array.from(
    { length: 16 },
    (_, i) => i % step === 0 ? xBase + from + i / step : zBase + zLane(i),
  );
}

/** Packs 16 lane indices into the four words the instructions take. */
function pack(lanes: readonly number[]): [number, number, number, number] {
  const w = (i: number) =>
    lanes[i]! | (lanes[i + 1]! << 8) | (lanes[i + 2]! << 16) | (lanes[i + 3]! << 24);
  return [w(0), w(4), w(8), w(12)];
}

/** Every zero-extending shape, with its kind, and a few near misses (kind -1). */
function shapes(): [number[], number][] {
  const out: [number[], number][] = [];
  for (const xFirst of [true, false]) {
    const xBit = xFirst ? 0 : 8;
    for (const zLane of [(i: number) => i, () => 0, (i: number) => 15 - i]) {
      for (let w = 0; w < 4; w++) out.push([widening(4, 4 * w, xFirst, zLane), xBit | w]);
      for (const h of [0, 1]) out.push([widening(2, 8 * h, xFirst, zLane), xBit | 4 | (2 * h)]);
    }
  }
  // Identity, one byte of x out of order, one zero byte from x itself, a splat of bytes.
  out.push([Array.from({ length: 16 }, (_, i) => i), -1]);
  const swapped = widening(4, 0, false, (i) => i);
  [swapped[0], swapped[4]] = [swapped[4]!, swapped[0]!];
  out.push([swapped, -1]);
  const self = widening(2, 0, true, (i) => i);
  self[1] = 5;
  out.push([self, -1]);
  out.push([Array.from({ length: 16 }, (_, i) => i >> 2), -1]);
  return out;
}

Deno.test("shuffleZeroExtendKind tells the zero-extending shapes apart", () => {
  for (const [lanes, kind] of shapes()) {
    assert.equal(shuffleZeroExtendKind(lanes), kind, lanes.join(" "));
  }
});

Deno.test("simdShuffleZx computes simdShuffle, with a zero input or not", () => {
  const s = new Int32Array(24);
  const fill = (at: number, seed: number) => {
    for (let i = 0; i < 4; i++) s[at + i] = Math.imul(seed + i, 0x9e3779b1) ^ (seed << 7);
  };
  for (const [lanes, kind] of shapes()) {
    if (kind < 0) continue;
    const [k0, k1, k2, k3] = pack(lanes);
    for (const zero of [true, false]) {
      for (let seed = 1; seed < 40; seed += 3) {
        // x at 4, z at 8 (or the other way round), the result at 12 and 16, then in place.
        const x = (kind & 8) === 0 ? 4 : 8, z = (kind & 8) === 0 ? 8 : 4;
        fill(x, seed);
        if (zero) s.fill(0, z, z + 4);
        else fill(z, seed * 31);
        simdShuffle(s, 12, 4, 8, k0, k1, k2, k3);
        simdShuffleZx(s, 16, 4, 8, k0, k1, k2, k3, kind);
        assert.deepEqual([...s.subarray(16, 20)], [...s.subarray(12, 16)], `${kind} ${seed}`);
        simdShuffleZx(s, x, 4, 8, k0, k1, k2, k3, kind);
        assert.deepEqual([...s.subarray(x, x + 4)], [...s.subarray(12, 16)], `in place ${kind}`);
      }
    }
  }
});

Deno.test("a widening shuffle is one V128ShuffleZx and gives i8x16.shuffle's bytes", () => {
  const text = `(module (memory (export "mem") 1)
    (func (export "u16") (param i32)
      (v128.store offset=32 (local.get 0)
        (i8x16.shuffle 16 1 17 3 18 5 19 7 20 9 21 11 22 13 23 15
          (v128.const i64x2 0 0) (v128.load (local.get 0)))))
    (func (export "u32") (param i32)
      (v128.store offset=32 (local.get 0)
        (i8x16.shuffle 4 17 18 19 5 21 22 23 6 25 26 27 7 29 30 31
          (v128.load (local.get 0)) (v128.load offset=16 (local.get 0))))))`;
  for (
    const config of [
      { executionTier: "interpreter" as const },
      { executionTier: "codegen" as const },
    ]
  ) {
    const t = instantiate(text, { config });
    assert.match(t.code("u16"), /V128ShuffleZx s\d+, s\d+, s\d+, (-?\d+, ){4}12\n/);
    assert.match(t.code("u32"), /V128ShuffleZx s\d+, s\d+, s\d+, (-?\d+, ){4}1\n/);
    const mem = t.memory();
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - 7 * i);
    mem.write(t.store, 100, bytes);
    t.call("u16", 100);
    const u16 = [...mem.read(t.store, 132, 16)];
    assert.deepEqual(u16, [...bytes.subarray(0, 8)].flatMap((b) => [b, 0]));
    // The second input zero: the fast path; not zero: the general one.
    mem.write(t.store, 116, new Uint8Array(16));
    t.call("u32", 100);
    assert.deepEqual(
      [...mem.read(t.store, 132, 16)],
      [...bytes.subarray(4, 8)].flatMap((b) => [b, 0, 0, 0]),
    );
    mem.write(t.store, 116, Uint8Array.from({ length: 16 }, (_, i) => i + 1));
    t.call("u32", 100);
    assert.deepEqual(
      [...mem.read(t.store, 132, 16)],
      [...bytes.subarray(4, 8)].flatMap((b, j) => [b, 4 * j + 2, 4 * j + 3, 4 * j + 4]),
    );
  }
});
