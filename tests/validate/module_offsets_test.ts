/**
 * Byte offsets of module-level validation errors: each points at the entry that broke the rule.
 */
import assert from "node:assert/strict";
import { assertInvalid, without } from "./_helpers.ts";

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

Deno.test("offsets: a start function with the wrong type points at the start section's index", () => {
  // type section 8..15, function section 15..19, start section id at 19, size at 20, index at 21.
  const e = assertInvalid(`(module (func (param i32)) (start 0))`, "start function");
  assert.equal(e.offset, 21);
});

Deno.test("offsets: memory limits point at the memory's entry", () => {
  // memory section id at 8, size at 9, count at 10, first entry at 11.
  assert.equal(
    assertInvalid(`(module (memory 2 1))`, "size minimum must not be greater than maximum").offset,
    11,
  );
  assert.equal(
    assertInvalid(`(module (memory 65537))`, "memory size must be at most 65536 pages").offset,
    11,
  );
  // The second entry (flags 0, min 0) follows the first two-byte entry.
  assert.equal(assertInvalid(`(module (memory 0) (memory 0))`, "multiple memories").offset, 13);
});

Deno.test("offsets: table limits point at the table's entry", () => {
  // table section id at 8, size at 9, count at 10, first entry at 11.
  const e = assertInvalid(
    `(module (table 2 1 funcref))`,
    "size minimum must not be greater than maximum",
  );
  assert.equal(e.offset, 11);
});

Deno.test("offsets: a function's out-of-range type index points at the function section entry", () => {
  const bytes = new Uint8Array([
    ...HEADER,
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: () -> ()
    ...[0x03, 0x02, 0x01, 0x05], // function section: one function of type 5 (index at 17)
    ...[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b], // code section
  ]);
  assert.equal(assertInvalid(bytes, "unknown type 5").offset, 17);
});

Deno.test("offsets: a type entry needing a disabled feature points at the entry", () => {
  // type section id at 8, size at 9, count at 10, entries at 11 (() -> ()) and 14.
  const e = assertInvalid(
    `(module (type (func)) (type (func (result i32 i32))))`,
    "multi-value support is not enabled",
    without("wasmMultiValue"),
  );
  assert.equal(e.offset, 14);
});
