/**
 * Two v128 operators in one instruction: `i32x4.abs` of an `i32x4.sub` just computed
 * (`I32x4SubAbs`) and `i32x4.min_u` of an `i32x4.add` just computed (`I32x4AddMinU`). The helpers
 * against their parts on edge lanes, the translator's choice (the sum only as the min's first
 * operand), and the results in every tier.
 */
import assert from "node:assert/strict";
import {
  i32x4Abs,
  i32x4Add,
  i32x4AddMinU,
  i32x4MinU,
  i32x4Sub,
  i32x4SubAbs,
} from "../../src/engine/simd.ts";
import { eachTier } from "./harness.ts";

const EDGES = [0, 1, -1, 0x7fffffff, -0x80000000, 0x80, -0x7fffffff, 0x12345678, -0x2468ace];

Deno.test("i32x4SubAbs and i32x4AddMinU equal their two operators, in place too", () => {
  const s = new Int32Array(24), want = new Int32Array(24);
  for (const x of EDGES) {
    for (const y of EDGES) {
      for (let i = 0; i < 4; i++) {
        s[4 + i] = x + i * 0x01010101;
        s[8 + i] = y - i;
        s[12 + i] = (x ^ y) + i;
      }
      want.set(s);
      i32x4Sub(want, 16, 4, 8);
      i32x4Abs(want, 16, 16);
      i32x4SubAbs(s, 16, 4, 8);
      assert.deepEqual([...s.subarray(16, 20)], [...want.subarray(16, 20)], `abs ${x} ${y}`);
      i32x4Add(want, 20, 4, 8);
      i32x4MinU(want, 20, 20, 12);
      i32x4AddMinU(s, 20, 4, 8, 12);
      assert.deepEqual([...s.subarray(20, 24)], [...want.subarray(20, 24)], `min ${x} ${y}`);
      // The result over an operand.
      i32x4AddMinU(s, 12, 4, 8, 12);
      assert.deepEqual([...s.subarray(12, 16)], [...want.subarray(20, 24)], `min in place`);
      i32x4SubAbs(s, 4, 4, 8);
      assert.deepEqual([...s.subarray(4, 8)], [...want.subarray(16, 20)], `abs in place`);
    }
  }
});

const MODULE = `(module
  (func (export "sad") (param $a v128) (param $b v128) (result v128)
    (i32x4.abs (i32x4.sub (local.get $a) (local.get $b))))
  (func (export "sat") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (i32x4.min_u (i32x4.add (local.get $a) (local.get $b)) (local.get $c)))
  ;; The sum second: left as two instructions.
  (func (export "sat2") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (i32x4.min_u (local.get $c) (i32x4.add (local.get $a) (local.get $b)))))`;

/** An i32x4 as a v128 bigint (lane 0 lowest). */
function v128(lanes: readonly number[]): bigint {
  return lanes.reduce((acc, l, i) => acc | (BigInt(l >>> 0) << BigInt(32 * i)), 0n);
}

Deno.test("sub+abs and add+min_u are one instruction each, with the spec's lanes", () => {
  eachTier(MODULE, (t) => {
    assert.match(t.code("sad"), /I32x4SubAbs s\d+, s0, s1\n/);
    assert.match(t.code("sat"), /I32x4AddMinU s\d+, s0, s1, s2\n/);
    assert.doesNotMatch(t.code("sat2"), /I32x4AddMinU/);
    const a = [5, -0x80000000, 0x7fffffff, -7], b = [9, 1, -1, -0x80000000];
    const c = [255, 0x7fffffff, 0x10, -1];
    const abs = (x: number) => (x < 0 ? -x | 0 : x);
    const minU = (x: number, y: number) => ((x >>> 0) < (y >>> 0) ? x : y);
    // A v128 result comes back as its 16 bytes.
    const lanes = (v: unknown) => [...new Int32Array(Uint8Array.from(v as Uint8Array).buffer)];
    assert.deepEqual(
      lanes(t.call("sad", v128(a), v128(b))),
      a.map((x, i) => abs((x - b[i]!) | 0)),
    );
    const sat = a.map((x, i) => minU((x + b[i]!) | 0, c[i]!));
    assert.deepEqual(lanes(t.call("sat", v128(a), v128(b), v128(c))), sat);
    assert.deepEqual(lanes(t.call("sat2", v128(a), v128(b), v128(c))), sat);
  });
});
