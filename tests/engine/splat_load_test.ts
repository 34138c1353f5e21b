/**
 * `i32x4.splat` / `f32x4.splat` of an `i32.load` just emitted becomes the `v128.load32_splat` of
 * the same address (`V128Load32SplatAt`): the same lanes, NaN payloads included, and the same
 * traps, at `local + constant` and at a plain address. In every tier.
 */
import assert from "node:assert/strict";
import { eachTier } from "./harness.ts";

const MODULE = `(module
  (memory (export "mem") 1)
  (func (export "at") (param $p i32) (result i32 i32 i32 i32)
    (local $v v128)
    (local.set $v (i32x4.splat (i32.load offset=4 (i32.add (local.get $p) (i32.const 8)))))
    (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v))
    (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))
  (func (export "plain") (param $p i32) (result i32)
    (i32x4.extract_lane 3 (f32x4.splat (f32.reinterpret_i32 (i32.load (local.get $p))))))
  (func (export "plainF") (param $p i32) (result i32)
    (i32x4.extract_lane 2 (i32x4.splat (i32.load (local.get $p)))))
)`;

Deno.test("a splat of an i32.load just emitted is a v128.load32_splat", () => {
  eachTier(MODULE, (t) => {
    assert.match(t.code("at"), /V128Load32SplatAt s\d+, s0, 8, \+4\n/);
    assert.match(t.code("plainF"), /V128Load32SplatAt s\d+, s0, 0, \+0\n/);
    const data = t.memory().data(t.store);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (const [p, bits] of [[0, 0x7fa01234], [100, -1], [65536 - 16, 0x12345678]] as const) {
      view.setInt32(p + 12, bits, true);
      view.setInt32(p, bits ^ 0x55, true);
      assert.deepEqual(t.call("at", p), [bits, bits, bits, bits]);
      assert.equal(t.call("plainF", p), bits ^ 0x55);
    }
    // An f32x4.splat of the reinterpreted load keeps a NaN's payload.
    view.setInt32(200, 0x7fa00001, true);
    assert.equal(t.call("plain", 200), 0x7fa00001);
    // The i32 load's bounds: the last four bytes load, one byte further traps; `p + 8` wraps
    // and the offset does not.
    view.setInt32(65532, 0x7f812345, true);
    assert.equal(t.call("plainF", 65532), 0x7f812345);
    assert.deepEqual(t.call("at", 65520), Array(4).fill(0x7f812345));
    for (const p of [65533, -1]) assert.throws(() => t.call("plainF", p), /out of bounds/);
    for (const p of [65521, -12, -13, -20]) assert.throws(() => t.call("at", p), /out of bounds/);
    assert.deepEqual(t.call("at", -8), Array(4).fill(view.getInt32(4, true)));
  });
});
