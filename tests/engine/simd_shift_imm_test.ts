/**
 * `i16x8` shifts by a constant: `I16x8ShlImm` and `I16x8ShrUImm` (no `ConstI32` for the count),
 * `I16x8AddShlImm` (`i16x8.add` of a left shift just computed) and `I16x8AddShrUImm`
 * (`i16x8.shr_u` of an `i16x8.add` just computed), vec_bytes' blur. The helpers against their
 * parts on edge lanes and counts (in place too), the translator's choices, and the results in
 * every tier against the same operators with the count from a parameter (never fused), fuel
 * included.
 */
import assert from "node:assert/strict";
import { i16x8Add, i16x8AddShl, i16x8AddShrU, i16x8Shl, i16x8ShrU } from "../../src/engine/simd.ts";
import { eachTier } from "./harness.ts";

const EDGES = [0, 1, -1, 0x7fff7fff, -0x80000000, 0x00ff00ff, 0x80008000, 0x12345678, -0x2468ace];

Deno.test("i16x8AddShl and i16x8AddShrU equal their two operators, in place too", () => {
  const s = new Int32Array(24), want = new Int32Array(24);
  for (const x of EDGES) {
    for (const y of EDGES) {
      for (const k of [0, 1, 2, 7, 15, 16, 17, -1]) {
        for (let i = 0; i < 4; i++) {
          s[4 + i] = x + i * 0x01010101;
          s[8 + i] = y - i;
        }
        want.set(s);
        i16x8Shl(want, 16, 4, k);
        i16x8Add(want, 16, 8, 16);
        i16x8AddShl(s, 20, 4, k, 8);
        assert.deepEqual([...s.subarray(20, 24)], [...want.subarray(16, 20)], `shl ${x} ${y} ${k}`);
        i16x8Add(want, 12, 4, 8);
        i16x8ShrU(want, 12, 12, k);
        i16x8AddShrU(s, 16, 4, 8, k);
        assert.deepEqual([...s.subarray(16, 20)], [...want.subarray(12, 16)], `shr ${x} ${y} ${k}`);
        // The result over an operand (the sum's other operand `c`, the shifted `a`).
        const t = s.slice();
        i16x8AddShl(t, 8, 4, k, 8);
        assert.deepEqual([...t.subarray(8, 12)], [...want.subarray(16, 20)], `shl in place`);
        i16x8AddShrU(s, 4, 4, 8, k);
        assert.deepEqual([...s.subarray(4, 8)], [...want.subarray(12, 16)], `shr in place`);
      }
    }
  }
});

// Each fused function has a twin that takes the count as a parameter: the same operators and
// as many instructions, nothing fused.
const MODULE = `(module
  (func (export "blur") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (i16x8.shr_u
      (i16x8.add (i16x8.add (local.get $a) (i16x8.shl (local.get $b) (i32.const 1)))
                 (local.get $c))
      (i32.const 18)))
  (func (export "blurN") (param $a v128) (param $b v128) (param $c v128) (param $n i32)
    (param $k i32) (result v128)
    (i16x8.shr_u
      (i16x8.add (i16x8.add (local.get $a) (i16x8.shl (local.get $b) (local.get $n)))
                 (local.get $c))
      (local.get $k)))
  ;; The shift first in the sum, then alone: shl and shr_u by a constant, nothing to fuse.
  (func (export "shifts") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (i16x8.add (i16x8.shl (local.get $b) (i32.const 3)) (local.get $a))
    (i16x8.shr_u (local.get $c) (i32.const 5))
    (v128.xor))
  (func (export "shiftsN") (param $a v128) (param $b v128) (param $c v128) (param $n i32)
    (param $k i32) (result v128)
    (i16x8.add (i16x8.shl (local.get $b) (local.get $n)) (local.get $a))
    (i16x8.shr_u (local.get $c) (local.get $k))
    (v128.xor)))`;

/** An i16x8 as a v128 bigint (lane 0 lowest). */
function v128(lanes: readonly number[]): bigint {
  return lanes.reduce((acc, l, i) => acc | (BigInt(l & 0xffff) << BigInt(16 * i)), 0n);
}

Deno.test("I16x8AddShlImm and I16x8AddShrUImm give the unfused results in every tier", () => {
  eachTier(MODULE, (t) => {
    if (t.engine.config.executionTier === "interpreter") {
      const blur = t.code("blur");
      assert.match(blur, /I16x8AddShlImm s\d+, s1, 1, s0, s\d+\n/);
      assert.match(blur, /I16x8AddShrUImm s\d+, s\d+, s2, 2\n/);
      assert.doesNotMatch(blur, /ConstI32/);
      const shifts = t.code("shifts");
      assert.match(shifts, /I16x8AddShlImm s\d+, s1, 3, s0, s\d+\n/);
      assert.match(shifts, /I16x8ShrUImm s\d+, s2, 5\n/);
      assert.doesNotMatch(t.code("blurN"), /Imm/);
    }
    const lanes = [0, 1, 0x7fff, 0x8000, 0xffff, 0x00ff, 0x1234, 0xfedc, 0x4000, 0x0101];
    const fuel = () => t.engine.config.consumeFuel ? t.store.getFuel() : 0n;
    for (let r = 0; r < lanes.length; r++) {
      const a = v128(lanes.map((_, i) => lanes[(r + i) % lanes.length]!));
      const b = v128(lanes.map((_, i) => lanes[(3 * r + i + 1) % lanes.length]!));
      const c = v128(lanes.map((_, i) => lanes[(r + 7 * i + 2) % lanes.length]!));
      const f0 = fuel();
      const got = t.call("blur", a, b, c);
      const f1 = fuel();
      assert.deepEqual(got, t.call("blurN", a, b, c, 1, 18), `blur ${r}`);
      const f2 = fuel();
      assert.equal(f1 - f0, f2 - f1, "fuel");
      assert.deepEqual(t.call("shifts", a, b, c), t.call("shiftsN", a, b, c, 3, 5), `shifts ${r}`);
    }
  });
});
