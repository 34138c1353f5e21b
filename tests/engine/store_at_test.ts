/**
 * Stores to `local + imm` (`I32StoreAt`, `I32Store8At`, `V128StoreAt`): the translator keeps an
 * `i32.add` of a local and a constant lazy (an `ADDR` entry, see operand_stack.ts) until a store
 * takes it in. Each case runs in the interpreter (fuel off and on) and in generated code, and
 * is checked against the same store through a local, which keeps the add unfused.
 */
import assert from "node:assert/strict";
import { Trap, Val } from "../../mod.ts";
import { eachTier as each, type TestInstance } from "./harness.ts";

function bytes(t: TestInstance, at: number, n: number): number[] {
  return [...t.memory().read(t.store, at, n)];
}

Deno.test("a store to local + imm is one instruction that wraps the sum as i32.add", () => {
  const text = `(module (memory (export "mem") 1)
    (func (export "s8") (param i32 i32)
      local.get 0 i32.const 8 i32.add local.get 1 i32.store8 offset=4)
    (func (export "s8ref") (param i32 i32) (local i32)
      local.get 0 i32.const 8 i32.add local.tee 2 local.get 1 i32.store8 offset=4)
    (func (export "s32") (param i32 i32)
      local.get 0 i32.const 8 i32.add local.get 1 i32.store offset=4)
    (func (export "f32") (param i32 f32)
      local.get 0 i32.const 8 i32.add local.get 1 f32.store offset=4)
    (func (export "v128") (param i32 i32)
      local.get 0 i32.const 16 i32.add local.get 1 i32x4.splat v128.store offset=2))`;
  each(text, (t) => {
    assert.match(t.code("s8"), /I32Store8At s0, 8, \+4, s1\n\d+: Return/);
    assert.match(t.code("s8ref"), /I32AddImm s2, s0, 8\n.*I32Store8 s2, \+4, s1/);
    assert.match(t.code("s32"), /I32StoreAt s0, 8, \+4, s1\n\d+: Return/);
    assert.match(t.code("f32"), /I32StoreAt s0, 8, \+4, s1\n\d+: Return/);
    assert.match(t.code("v128"), /V128StoreAt s0, 16, \+2, s3/);
    // -8 + 8 wraps to 0, then + 4: byte 4 (folding 8 into the offset would trap at 2^32 + 4).
    t.call("s8", -8, 0x1ab);
    assert.deepEqual(bytes(t, 4, 1), [0xab]);
    t.call("s8ref", 100, 0x7f);
    t.call("s8", 100, 0x7f);
    assert.deepEqual(bytes(t, 112, 1), [0x7f]);
    t.call("s32", -4, 0x04030201);
    assert.deepEqual(bytes(t, 8, 4), [1, 2, 3, 4]);
    // An f32 NaN's payload is stored as it is (the value moves as bits).
    t.func("f32").call(t.store, [Val.i32(20), Val.f32Bits(0x7fa00001)]);
    assert.deepEqual(bytes(t, 32, 4), [0x01, 0x00, 0xa0, 0x7f]);
    t.call("v128", -16, 0x0d0c0b0a);
    assert.deepEqual(bytes(t, 2, 8), [0x0a, 0x0b, 0x0c, 0x0d, 0x0a, 0x0b, 0x0c, 0x0d]);
    // 0x7ffffff8 + 8 does not wrap: out of bounds, as unfused; the store stays usable.
    for (const f of ["s8", "s8ref", "s32", "f32", "v128"]) {
      assert.throws(() => t.call(f, 0x7ffffff8, 1), (e) => e instanceof Trap);
    }
    assert.throws(() => t.call("s32", 65536 - 8 - 4 - 3, 1), /out of bounds memory access/);
    t.call("s32", 65536 - 8 - 4 - 4, 0x55);
    assert.deepEqual(bytes(t, 65532, 4), [0x55, 0, 0, 0]);
  });
});

Deno.test("a lazy local + imm still reads the local as it was when the add was read", () => {
  const text = `(module (memory (export "mem") 1)
    ;; The base local is written between the add and the store.
    (func (export "set") (param i32 i32)
      local.get 0 i32.const 4 i32.add
      i32.const 100 local.set 0
      local.get 1 i32.store)
    ;; A block between them (its boundary computes the sum).
    (func (export "block") (param i32 i32)
      local.get 0 i32.const 4 i32.add
      (block (local.set 0 (i32.const 200)))
      local.get 1 i32.store)
    ;; Read by an ordinary instruction, and passed to a call.
    (func $id (param i32) (result i32) local.get 0)
    (func (export "other") (param i32) (result i32)
      local.get 0 i32.const 4 i32.add local.get 0 i32.mul)
    (func (export "call") (param i32) (result i32)
      local.get 0 i32.const 4 i32.add i32.const 1 local.set 0 call $id)
    ;; Two results, the second the sum of a local the first result overwrites.
    (func (export "two") (param i32 i32) (result i32 i32)
      local.get 1 local.get 0 i32.const 5 i32.add)
    ;; Returned on a conditional path, then read again on the other.
    (func (export "brif") (param i32 i32) (result i32)
      local.get 0 i32.const 7 i32.add local.get 1 br_if 0 i32.const 1 i32.add)
    ;; Compared by a loop's back edge (the counter step fuses with it).
    (func (export "loop") (param i32 i32) (result i32) (local i32)
      (loop $l
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (br_if $l (i32.lt_u (i32.add (local.get 2) (i32.const 1)) (local.get 1))))
      local.get 2))`;
  each(text, (t) => {
    t.call("set", 8, 0x11223344);
    assert.deepEqual(bytes(t, 12, 4), [0x44, 0x33, 0x22, 0x11]);
    assert.deepEqual(bytes(t, 104, 4), [0, 0, 0, 0]);
    t.call("block", 16, 0x01020304);
    assert.deepEqual(bytes(t, 20, 4), [4, 3, 2, 1]);
    assert.equal(t.call("other", 3), 21);
    assert.equal(t.call("call", 3), 7);
    assert.deepEqual(t.call("two", 10, 20), [20, 15]);
    assert.equal(t.call("brif", 1, 1), 8);
    assert.equal(t.call("brif", 1, 0), 9);
    assert.equal(t.call("brif", -7, 1), 0);
    assert.equal(t.call("loop", 0, 5), 4);
  });
});
