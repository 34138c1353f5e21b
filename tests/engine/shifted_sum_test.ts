/**
 * `(x + y + imm) >>> k` in one instruction (`I32AddAddImmShrUImm`): the translator takes back an
 * `I32Add` and the `I32AddImm` overwriting its result when an `i32.shr_u` by a constant reads
 * that; stored as a byte to `local + imm`, with the store (`I32AddAddImmShrUStore8At`). Each case runs in the interpreter (fuel off and on) and in generated code, and is
 * checked against the same expression kept unfused (through a local the add is written to).
 */
import assert from "node:assert/strict";
import { eachTier as each } from "./harness.ts";

const MODULE = `(module (memory (export "mem") 1)
  (func (export "avg") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add i32.const 2 i32.add i32.const 2 i32.shr_u)
  ;; The add written to a local (read again) stays an I32Add: the reference.
  (func (export "avgRef") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add local.tee 2 i32.const 2 i32.add i32.const 2 i32.shr_u)
  ;; A shift count of 33 shifts by 1, as i32.shr_u does; a negative immediate.
  (func (export "wide") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add i32.const -5 i32.add i32.const 33 i32.shr_u)
  (func (export "wideRef") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add local.tee 2 i32.const -5 i32.add i32.const 33 i32.shr_u)
  ;; The blur's shape: a byte loaded into a local, added, rounded, stored as a byte.
  (func (export "blur") (param i32) (local i32 i32)
    local.get 0 i32.load8_u local.set 1
    local.get 0 i32.load8_u offset=1 local.set 2
    local.get 0 i32.const 8 i32.add
    local.get 1 local.get 2 i32.const 1 i32.shl i32.add
    local.get 0 i32.load8_u offset=2 i32.add
    i32.const 2 i32.add i32.const 2 i32.shr_u
    i32.store8)
  ;; Stored as a byte to local + 4 (I32AddAddImmShrUStore8At), and the same through a local.
  (func (export "put") (param i32 i32 i32)
    (i32.store8 (i32.add (local.get 2) (i32.const 4))
      (i32.shr_u (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const -5)) (i32.const 33))))
  (func (export "putRef") (param i32 i32 i32) (local i32)
    (local.set 3 (i32.shr_u (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const -5))
      (i32.const 33)))
    (i32.store8 (i32.add (local.get 2) (i32.const 4)) (local.get 3))))`;

Deno.test("i32.add, i32.add of a constant and i32.shr_u by a constant are one instruction", () => {
  each(MODULE, (t) => {
    assert.match(t.code("avg"), /I32AddAddImmShrUImm s2, s0, s1, 2, 2\n/);
    assert.doesNotMatch(t.code("avgRef"), /I32AddAddImmShrUImm/);
    assert.match(t.code("wide"), /I32AddAddImmShrUImm s2, s0, s1, -5, 33\n/);
    assert.match(t.code("blur"), /I32AddAddImmShrUStore8At s0, 8, \+0, s\d+, s\d+, 2, 2\n/);
    assert.match(t.code("put"), /I32AddAddImmShrUStore8At s2, 4, \+0, s0, s1, -5, 33\n/);
    assert.doesNotMatch(t.code("putRef"), /Store8At s2, 4, \+0, s0/);
    const values = [0, 1, 2, 3, 255, 510, -1, -2, -3, 0x7fffffff, -0x80000000, 0x7ffffffe, 12345];
    for (const a of values) {
      for (const b of values) {
        // The sum wraps before the shift (0x7fffffff + 1 + 2 is negative, then shifted
        // unsigned), exactly as the two adds and the shift do.
        assert.equal(t.call("avg", a, b), t.call("avgRef", a, b), `avg ${a} ${b}`);
        assert.equal(t.call("avg", a, b), (((a + b + 2) | 0) >>> 2) | 0);
        assert.equal(t.call("wide", a, b), t.call("wideRef", a, b), `wide ${a} ${b}`);
        // The byte stored: the low eight bits of the shifted sum.
        t.call("put", a, b, 300);
        t.call("putRef", a, b, 400);
        const [x, y] = [t.memory().read(t.store, 304, 1)[0], t.memory().read(t.store, 404, 1)[0]];
        assert.equal(x, y, `put ${a} ${b}`);
        assert.equal(x, (((a + b - 5) | 0) >>> 1) & 0xff);
      }
    }
  });
});

Deno.test("the fused blur step stores what the unfused one computes", () => {
  each(MODULE, (t) => {
    const mem = t.memory();
    mem.write(t.store, 100, Uint8Array.of(255, 254, 255, 0));
    t.call("blur", 100);
    assert.deepEqual([...mem.read(t.store, 108, 1)], [(255 + 2 * 254 + 255 + 2) >>> 2]);
    mem.write(t.store, 200, Uint8Array.of(1, 0, 2));
    t.call("blur", 200);
    assert.deepEqual([...mem.read(t.store, 208, 1)], [1]);
    // The store's bounds: the last byte, one past it, and an address that wraps to 0.
    t.call("put", 7, 9, 65531);
    assert.deepEqual([...mem.read(t.store, 65535, 1)], [5]);
    assert.throws(() => t.call("put", 7, 9, 65532), /out of bounds memory access/);
    t.call("put", 7, 9, -4);
    assert.deepEqual([...mem.read(t.store, 0, 1)], [5]);
  });
});
