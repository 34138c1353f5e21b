/**
 * `F32x4MulLoad2` and `F32x4MulLoad2Add`: `f32x4.mul` of two v128 loads from one base plus two
 * constants (then `f32x4.add` of another v128), as the translator fuses a dot product's step;
 * `F32x4MaxMinLoad`: a clamp `f32x4.min(f32x4.max(load, lo), hi)` of a v128 just loaded.
 * Each gives, bit for bit, what the unfused operators give (products through locals), on lanes
 * with NaN payloads, signed zeros, infinities, subnormals and rounding; and traps as either load
 * would. In every tier, plain and under fuel.
 */
import assert from "node:assert/strict";
import { eachTier, F32_EDGE_BITS } from "./harness.ts";

const MODULE = `(module
  (memory (export "mem") 1)
  ;; x at base + 16, y at base + 48, acc at 80: the fused product (and sum) to 128 (144), the
  ;; unfused ones to 160 (176).
  (func (export "fused") (param $b i32)
    (local $acc v128)
    (local.set $acc (v128.load (i32.const 80)))
    (v128.store (i32.const 128)
      (f32x4.mul (v128.load (i32.add (local.get $b) (i32.const 16)))
                 (v128.load (i32.add (local.get $b) (i32.const 48)))))
    (v128.store (i32.const 144)
      (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $b) (i32.const 16)))
                            (v128.load (i32.add (local.get $b) (i32.const 48))))
                 (local.get $acc))))
  ;; The clamp of the v128 at base + 16 between lo (at 48) and hi (at 80): fused to 192,
  ;; unfused to 208.
  (func (export "clamp") (param $b i32)
    (local $lo v128) (local $hi v128) (local $x v128)
    (local.set $lo (v128.load (i32.const 48)))
    (local.set $hi (v128.load (i32.const 80)))
    (v128.store (i32.const 192)
      (f32x4.min (f32x4.max (v128.load (i32.add (local.get $b) (i32.const 16))) (local.get $lo))
                 (local.get $hi)))
    (local.set $x (v128.load (i32.add (local.get $b) (i32.const 16))))
    (v128.store (i32.const 208)
      (f32x4.min (f32x4.max (local.get $x) (local.get $lo)) (local.get $hi))))
  (func (export "unfused") (param $b i32)
    (local $x v128) (local $y v128)
    (local.set $x (v128.load (i32.add (local.get $b) (i32.const 16))))
    (local.set $y (v128.load (i32.add (local.get $b) (i32.const 48))))
    (v128.store (i32.const 160) (f32x4.mul (local.get $x) (local.get $y)))
    (v128.store (i32.const 176)
      (f32x4.add (f32x4.mul (local.get $x) (local.get $y)) (v128.load (i32.const 80)))))
)`;

/** Lane bit patterns: NaNs with payloads, zeros, infinities, subnormals, ordinary values. */
const LANES = F32_EDGE_BITS;

Deno.test("F32x4MulLoad2(Add), F32x4MaxMinLoad compute the unfused operators bit for bit", () => {
  eachTier(MODULE, (t) => {
    assert.match(t.code("clamp"), /F32x4MaxMinLoad s\d+, s1, s2, s0, 16\n/);
    const code = t.code("fused");
    assert.match(code, /F32x4MulLoad2 s\d+, s0, 16, 48\n/);
    assert.match(code, /F32x4MulLoad2Add s\d+, s0, 16, 48, s\d+\n/);
    const data = t.memory().data(t.store);
    const mem = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = LANES.length;
    for (let round = 0; round < n * n; round += 5) {
      for (let i = 0; i < 4; i++) {
        mem.setUint32(16 + 4 * i, LANES[(round + i) % n]!, true);
        mem.setUint32(48 + 4 * i, LANES[(Math.floor(round / n) + 3 * i) % n]!, true);
        mem.setUint32(80 + 4 * i, LANES[(round + 7 * i + 1) % n]!, true);
      }
      t.call("fused", 0);
      t.call("unfused", 0);
      t.call("clamp", 0);
      for (let i = 0; i < 8; i++) {
        const got = mem.getUint32(128 + 4 * i, true), want = mem.getUint32(160 + 4 * i, true);
        assert.equal(got, want, `round ${round} word ${i}`);
      }
      for (let i = 0; i < 4; i++) {
        const got = mem.getUint32(192 + 4 * i, true), want = mem.getUint32(208 + 4 * i, true);
        assert.equal(got, want, `clamp round ${round} word ${i}`);
      }
    }
  });
});

Deno.test("F32x4MulLoad2 and F32x4MaxMinLoad trap as their loads would", () => {
  eachTier(MODULE, (t) => {
    // Out of bounds: the first load (past the end, or wrapped below 0), the second alone.
    for (const b of [65536 - 16, -20, 65536 - 48]) {
      assert.throws(() => t.call("fused", b), /out of bounds memory access/);
      assert.throws(() => t.call("unfused", b), /out of bounds memory access/);
    }
    assert.throws(() => t.call("clamp", 65536 - 16), /out of bounds memory access/);
    assert.throws(() => t.call("clamp", -20), /out of bounds memory access/);
    t.call("clamp", 65536 - 32);
    t.call("fused", 65536 - 64);
    t.call("fused", -16); // base + 16 wraps to 0
  });
});
