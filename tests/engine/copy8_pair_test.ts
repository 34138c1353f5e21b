/**
 * Two byte copies in a row in one instruction (`I32Copy8At2`): consecutive `I32Copy8At`s pair up
 * (four make two pairs, three a pair and a copy), a label between keeps them apart, each copy
 * reads and writes as it would alone (the second sees the first's byte), a trap of the second
 * leaves the first's byte written, and generated code spells both copies without a call.
 */
import assert from "node:assert/strict";
import { generateSource } from "../../src/engine/codegen.ts";
import { eachTier, instantiate } from "./harness.ts";

/** `i32.store8 (d + dImm) (i32.load8_u (s + sImm))` with locals 0 (d) and 1 (s). */
const copy = (dImm: number, sImm: number) =>
  `local.get 0 i32.const ${dImm} i32.add local.get 1 i32.const ${sImm} i32.add i32.load8_u
    i32.store8`;

const MODULE = `(module (memory (export "mem") 1)
  ;; An RGBA to BGRA swap of one pixel.
  (func (export "swap") (param i32 i32)
    ${copy(0, 2)} ${copy(1, 1)} ${copy(2, 0)} ${copy(3, 3)})
  ;; Three: a pair, then a copy; the third reads the byte the first wrote.
  (func (export "three") (param i32 i32)
    ${copy(0, 0)} ${copy(1, 1)} local.get 0 i32.const 2 i32.add local.get 0 i32.load8_u
    i32.store8)
  ;; A branch target (the block's end) between two copies.
  (func (export "apart") (param i32 i32)
    (block (br_if 0 (i32.eqz (local.get 1))) ${copy(0, 0)}) ${copy(1, 1)}))`;

Deno.test("byte copies in a row pair up into I32Copy8At2", () => {
  eachTier(MODULE, (t) => {
    assert.equal(t.code("swap").match(/I32Copy8At2 /g)?.length, 2);
    assert.doesNotMatch(t.code("swap"), /I32Copy8At /);
    assert.equal(t.code("three").match(/I32Copy8At2 /g)?.length, 1);
    assert.doesNotMatch(t.code("apart"), /I32Copy8At2/);
    const mem = t.memory();
    const rgba = Uint8Array.of(0x11, 0x22, 0x33, 0x44);
    mem.write(t.store, 100, rgba);
    t.call("swap", 200, 100);
    assert.deepEqual([...mem.read(t.store, 200, 4)], [0x33, 0x22, 0x11, 0x44]);
    t.call("three", 300, 100);
    assert.deepEqual([...mem.read(t.store, 300, 3)], [0x11, 0x22, 0x11]);
    t.call("apart", 400, 102);
    assert.deepEqual([...mem.read(t.store, 400, 2)], [0x33, 0x44]);
    // In place: each copy reads what the one before wrote.
    mem.write(t.store, 500, rgba);
    t.call("swap", 500, 500);
    assert.deepEqual([...mem.read(t.store, 500, 4)], [0x33, 0x22, 0x33, 0x44]);
  });
});

Deno.test("a pair of byte copies traps where either copy would, after the first's write", () => {
  eachTier(MODULE, (t) => {
    const mem = t.memory();
    const last = 65536;
    mem.write(t.store, last - 4, Uint8Array.of(1, 2, 3, 4));
    // The second copy's store (d + 1) past the end: the first (d + 0) is written.
    mem.write(t.store, 100, Uint8Array.of(9, 8, 7, 6));
    assert.throws(() => t.call("swap", last - 1, 100), /out of bounds memory access/);
    assert.deepEqual([...mem.read(t.store, last - 1, 1)], [7]);
    // The first copy's load past the end: nothing written.
    mem.write(t.store, 200, Uint8Array.of(0, 0, 0, 0));
    assert.throws(() => t.call("swap", 200, last - 2), /out of bounds memory access/);
    assert.deepEqual([...mem.read(t.store, 200, 4)], [0, 0, 0, 0]);
    // Unsigned addresses: past 2^31 is out of bounds, never a negative offset.
    assert.throws(() => t.call("swap", 0x7ffffffe, 0), /out of bounds memory access/);
    t.call("swap", 300, 100);
    assert.deepEqual([...mem.read(t.store, 300, 4)], [7, 8, 9, 6]);
  });
});

Deno.test("generated code spells a pair of byte copies without a call", () => {
  const t = instantiate(MODULE);
  const generated = generateSource(t.engine.compile(t.entity("swap")).code, {
    numResults: 0,
    structured: true,
  });
  assert.ok("source" in generated);
  assert.doesNotMatch(generated.source, /copyBytes2|copyByte\(/);
});
