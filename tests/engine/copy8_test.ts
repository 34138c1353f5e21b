/**
 * A byte copy in one instruction (`I32Copy8At`): an `i32.store8` to `local + imm` of an
 * `i32.load8_u` just made takes the load in. Each case runs in the interpreter (fuel off and on)
 * and in generated code, and is checked against the same copy through a local (which keeps the
 * load and the store apart), including the traps and their order.
 */
import assert from "node:assert/strict";
import { Trap } from "../../mod.ts";
import { eachTier as each } from "./harness.ts";

const MODULE = `(module (memory (export "mem") 1)
  ;; dst + 8 <- [src + 3 + 1]: the load's add is taken in too (I32Load8UAddImm).
  (func (export "copy") (param i32 i32)
    local.get 0 i32.const 8 i32.add
    local.get 1 i32.const 3 i32.add i32.load8_u offset=1
    i32.store8 offset=2)
  (func (export "copyRef") (param i32 i32) (local i32)
    local.get 0 i32.const 8 i32.add
    local.get 1 i32.const 3 i32.add i32.load8_u offset=1 local.tee 2
    i32.store8 offset=2)
  ;; A plain load (its address not local + imm).
  (func (export "plain") (param i32 i32)
    local.get 0 i32.const 8 i32.add
    local.get 1 i32.load8_u offset=5
    i32.store8)
  ;; The store's local written by the load's address computation: the store reads it as it
  ;; was when its add was read.
  (func (export "clobber") (param i32 i32)
    local.get 0 i32.const 1 i32.add
    local.get 1 local.tee 0 i32.load8_u
    i32.store8))`;

Deno.test("an i32.store8 of an i32.load8_u just made is one byte copy", () => {
  each(MODULE, (t) => {
    assert.match(t.code("copy"), /I32Copy8At s0, 8, \+2, s1, 3, \+1\n/);
    assert.doesNotMatch(t.code("copyRef"), /I32Copy8At/);
    assert.match(t.code("plain"), /I32Copy8At s0, 8, \+0, s1, 0, \+5\n/);
    const mem = t.memory();
    mem.write(t.store, 0, Uint8Array.from({ length: 64 }, (_, i) => 0x80 + i));
    t.call("copy", 100, 10);
    t.call("copyRef", 200, 10);
    assert.deepEqual([...mem.read(t.store, 110, 1)], [0x80 + 14]);
    assert.deepEqual([...mem.read(t.store, 210, 1)], [0x80 + 14]);
    // The sums wrap as i32.add does: -8 + 8 = 0, -3 + 3 = 0.
    t.call("copy", -8, -3);
    assert.deepEqual([...mem.read(t.store, 2, 1)], [0x80 + 1]);
    t.call("plain", 300, 7);
    assert.deepEqual([...mem.read(t.store, 308, 1)], [0x80 + 12]);
    t.call("clobber", 400, 20);
    assert.deepEqual([...mem.read(t.store, 401, 1)], [0x80 + 20]);
    assert.deepEqual([...mem.read(t.store, 21, 1)], [0x80 + 21]);
  });
});

Deno.test("a byte copy traps where the load or the store would, and writes nothing then", () => {
  each(MODULE, (t) => {
    const mem = t.memory();
    mem.write(t.store, 0, Uint8Array.from({ length: 64 }, (_, i) => 0x80 + i));
    const last = 65536;
    for (const f of ["copy", "copyRef"]) {
      // The load out of bounds (the store's address in bounds): nothing written.
      mem.write(t.store, 500, Uint8Array.of(0x11));
      assert.throws(() => t.call(f, 500 - 10, last - 4), /out of bounds memory access/);
      assert.deepEqual([...mem.read(t.store, 500, 1)], [0x11]);
      // The store out of bounds; the last byte in bounds on either side works.
      assert.throws(() => t.call(f, last - 10, 0), (e) => e instanceof Trap);
      mem.write(t.store, last - 2, Uint8Array.of(0x5a, 0));
      t.call(f, last - 11, last - 6);
      assert.deepEqual([...mem.read(t.store, last - 1, 1)], [0x5a]);
      // Addresses past 2^31 are unsigned: out of bounds, never negative offsets.
      assert.throws(() => t.call(f, 0x7ffffff8, 0), /out of bounds memory access/);
      assert.throws(() => t.call(f, 0, 0x7ffffffc), /out of bounds memory access/);
    }
    // The store stays usable after a trap.
    t.call("copy", 600, 10);
    assert.deepEqual([...mem.read(t.store, 610, 1)], [0x80 + 14]);
  });
});
