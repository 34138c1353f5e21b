/**
 * `i8x16.shuffle` of one input (`shuffleOneInput`, `simdShuffle`'s path for `a === b`): the
 * translator gives a shuffle whose lane indices read only one of its inputs that input twice,
 * and the result is the spec's whichever input that is, in place or not, in every tier.
 */
import assert from "node:assert/strict";
import { shuffleOneInput, simdShuffle } from "../../src/engine/simd.ts";
import { eachTier, instantiate } from "./harness.ts";

/** Packs 16 lane indices into the four words the instructions take. */
function pack(lanes: readonly number[]): [number, number, number, number] {
  const w = (i: number) =>
    lanes[i]! | (lanes[i + 1]! << 8) | (lanes[i + 2]! << 16) | (lanes[i + 3]! << 24);
  return [w(0), w(4), w(8), w(12)];
}

/** The spec's shuffle of the bytes `x` then `y`. */
function reference(x: Uint8Array, y: Uint8Array, lanes: readonly number[]): number[] {
  return lanes.map((l) => (l < 16 ? x[l]! : y[l - 16]!));
}

/** A deterministic pseudo-random sequence. */
function* numbers(seed: number): Generator<number> {
  for (let x = seed;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield x >>> 0;
  }
}

Deno.test("shuffleOneInput tells which inputs the lane indices read", () => {
  assert.equal(shuffleOneInput(Array.from({ length: 16 }, (_, i) => 15 - i)), 1);
  assert.equal(shuffleOneInput(Array.from({ length: 16 }, (_, i) => 16 + i)), 2);
  assert.equal(shuffleOneInput(Array.from({ length: 16 }, (_, i) => (i === 7 ? 16 : 0))), 3);
  assert.equal(shuffleOneInput(Array.from({ length: 16 }, (_, i) => (i === 7 ? 15 : 31))), 3);
});

Deno.test("simdShuffle of one slot twice gives the spec's bytes, in place or not", () => {
  const rnd = numbers(0x2545f491);
  const s = new Int32Array(16);
  const bytes = new Uint8Array(s.buffer);
  for (let round = 0; round < 200; round++) {
    // Indices below 16, or from 16 on (the same bytes, since both inputs are one slot).
    const high = round % 2 === 1 ? 16 : 0;
    const lanes = Array.from({ length: 16 }, () => high + (rnd.next().value! & 15));
    for (let i = 0; i < 16; i++) s[i] = rnd.next().value! | 0;
    const x = bytes.slice(16, 32);
    const want = reference(x, x, lanes);
    const [k0, k1, k2, k3] = pack(lanes);
    simdShuffle(s, 8, 4, 4, k0, k1, k2, k3);
    assert.deepEqual([...bytes.subarray(32, 48)], want, lanes.join(" "));
    simdShuffle(s, 4, 4, 4, k0, k1, k2, k3);
    assert.deepEqual([...bytes.subarray(16, 32)], want, `in place: ${lanes.join(" ")}`);
  }
});

Deno.test("a shuffle reading one input is translated with that input twice", () => {
  const t = instantiate(
    `(module (func (export "f") (param v128 v128) (result v128)
      (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (local.get 0) (local.get 1)))
    (func (export "g") (param v128 v128) (result v128)
      (i8x16.shuffle 16 16 17 17 18 18 19 19 20 20 21 21 22 22 23 23
        (local.get 0) (local.get 1))))`,
    { config: { executionTier: "interpreter" } },
  );
  assert.match(t.code("f"), /V128Shuffle s(\d+), s0, s0,/);
  // The second parameter's slot (a v128 is one slot).
  assert.match(t.code("g"), /V128Shuffle s(\d+), s1, s1,/);
});

Deno.test("one-input shuffles give i8x16.shuffle's bytes in every tier", () => {
  const x = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + 3 * i);
  const y = Uint8Array.from({ length: 16 }, (_, i) => 0x11 * (i + 1));
  const cases = [
    Array.from({ length: 16 }, (_, i) => 15 - i),
    Array.from({ length: 16 }, (_, i) => 16 + ((i * 5) & 15)),
    // vec_bytes' spread of a compare's bytes, then a sum's halves.
    [0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0],
    [8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0],
    // Both inputs: the general path still.
    Array.from({ length: 16 }, (_, i) => (i * 7) & 31),
  ];
  const funcs = cases.map((lanes, i) =>
    `(func (export "f${i}") (param i32)
      (v128.store offset=32 (local.get 0)
        (i8x16.shuffle ${lanes.join(" ")}
          (v128.load (local.get 0)) (v128.load offset=16 (local.get 0)))))`
  );
  eachTier(`(module (memory (export "mem") 1) ${funcs.join("\n")})`, (t) => {
    const mem = t.memory();
    cases.forEach((lanes, i) => {
      mem.write(t.store, 0, x);
      mem.write(t.store, 16, y);
      t.call(`f${i}`, 0);
      assert.deepEqual([...mem.read(t.store, 32, 16)], reference(x, y, lanes), `f${i}`);
    });
  });
});
