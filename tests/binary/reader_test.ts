/** LEB128 and name decoding in `BinaryReader`, including the spec's error order. */
import assert from "node:assert/strict";
import { DecodeError } from "../../src/core/errors.ts";
import { BinaryReader } from "../../src/binary/reader.ts";

const reader = (bytes: number[]) => new BinaryReader(new Uint8Array(bytes));

function assertFails(read: () => unknown, message: string, offset?: number): void {
  assert.throws(read, (e: unknown) => {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${e}`);
    assert.equal(e.reason, message);
    if (offset !== undefined) assert.equal(e.offset, offset);
    return true;
  });
}

Deno.test("u32", () => {
  assert.equal(reader([0x00]).u32(), 0);
  assert.equal(reader([0xe5, 0x8e, 0x26]).u32(), 624485);
  assert.equal(reader([0x80, 0x80, 0x80, 0x80, 0x00]).u32(), 0);
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).u32(), 0xffff_ffff);
  assertFails(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).u32(), "integer too large", 0);
  assertFails(
    () => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32(),
    "integer representation too long",
  );
  // Excess payload bits are reported before the continuation bit, as the spec interpreter does.
  assertFails(() => reader([0x80, 0x80, 0x80, 0x80, 0xf0, 0x00]).u32(), "integer too large");
  assertFails(() => reader([0x80]).u32(), "unexpected end", 1);
});

Deno.test("s32", () => {
  assert.equal(reader([0x7f]).s32(), -1);
  assert.equal(reader([0x3f]).s32(), 63);
  assert.equal(reader([0xc0, 0x00]).s32(), 64);
  assert.equal(reader([0x80, 0x80, 0x80, 0x80, 0x78]).s32(), -(2 ** 31));
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x07]).s32(), 2 ** 31 - 1);
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x7f]).s32(), -1);
  assertFails(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f]).s32(), "integer too large");
  assertFails(() => reader([0x80, 0x80, 0x80, 0x80, 0x70]).s32(), "integer too large");
  assertFails(
    () => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).s32(),
    "integer representation too long",
  );
});

Deno.test("one-byte u32 and s32: every value, the position after it, and the end limit", () => {
  for (let b = 0; b < 0x80; b++) {
    const u = reader([b, 0x01]);
    assert.equal(u.u32(), b);
    assert.equal(u.pos, 1);
    const s = reader([b, 0x01]);
    assert.equal(s.s32(), b < 0x40 ? b : b - 0x80);
    assert.equal(s.pos, 1);
  }
  // A byte past `end` is not read, even when the array holds one.
  const r = new BinaryReader(new Uint8Array([0x05, 0x05]), 1, 1);
  assertFails(() => r.u32(), "unexpected end", 1);
  assertFails(() => r.s32(), "unexpected end", 1);
});

Deno.test("u64: one byte and more, its halves in lo and hi, and the end limit", () => {
  for (let b = 0; b < 0x80; b++) {
    // A reader whose last u64 left other halves: the one-byte path sets both.
    const r = reader([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, b, 0x01]);
    assert.equal(r.u64(), 2 ** 36 - 1);
    assert.deepEqual([r.lo, r.hi], [-1, 0xf]);
    assert.equal(r.u64(), b);
    assert.deepEqual([r.lo, r.hi, r.pos], [b, 0, 7]);
  }
  const long = reader([0x80, 0x01]);
  assert.equal(long.u64(), 128);
  assert.deepEqual([long.lo, long.hi, long.pos], [128, 0, 2]);
  const r = new BinaryReader(new Uint8Array([0x05, 0x05]), 1, 1);
  assertFails(() => r.u64(), "unexpected end", 1);
  assertFails(() => reader([0x80]).u64(), "unexpected end", 1);
});

Deno.test("s33", () => {
  assert.equal(reader([0x40]).s33(), -64);
  assert.equal(reader([0x80, 0x80, 0x80, 0x80, 0x0f]).s33(), 0xf000_0000);
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).s33(), 2 ** 32 - 1);
  assert.equal(reader([0x80, 0x80, 0x80, 0x80, 0x70]).s33(), -(2 ** 32));
  assertFails(() => reader([0x80, 0x80, 0x80, 0x80, 0x20]).s33(), "integer too large");
  assertFails(
    () => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s33(),
    "integer representation too long",
  );
});

Deno.test("s64 in two halves", () => {
  const s64 = (bytes: number[]) => {
    const r = reader(bytes);
    const lo = r.s64();
    return (BigInt(r.hi) << 32n) | BigInt(lo >>> 0);
  };
  assert.equal(s64([0x7f]), -1n);
  assert.equal(s64([0x80, 0x80, 0x80, 0x80, 0x10]), 1n << 32n);
  assert.equal(
    s64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]),
    -(1n << 63n),
  );
  assert.equal(
    s64([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]),
    (1n << 63n) - 1n,
  );
  assert.equal(s64([0xc0, 0xbb, 0x78]), -123456n);
  assertFails(
    () => s64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    "integer too large",
  );
  assertFails(
    () => s64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
    "integer representation too long",
  );
});

Deno.test("lengths are checked against the bytes left", () => {
  // The count's own byte is part of the budget: [2, x] fits the check, then ends early.
  assert.equal(reader([2, 0]).vecLen(), 2);
  assertFails(() => reader([3, 0]).vecLen(), "length out of bounds", 0);
  assertFails(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f]).vecLen(), "length out of bounds", 0);
});

Deno.test("names", () => {
  assert.equal(reader([3, 0x61, 0xc3, 0xa9]).name(), "aé");
  assert.equal(reader([3, 0xef, 0xbb, 0xbf]).name(), "\ufeff");
  assertFails(() => reader([2, 0xc0, 0x80]).name(), "malformed UTF-8 encoding", 0);
  assertFails(() => reader([3, 0xed, 0xa0, 0x80]).name(), "malformed UTF-8 encoding", 0);
  assertFails(() => reader([2, 0x61]).name(), "unexpected end", 2);
  const r = reader([1, 0x61]);
  r.eofMessage = "unexpected end of section or function";
  r.end = 1;
  assertFails(() => r.name(), "unexpected end of section or function", 1);
  assertFails(() => reader([5, 0x61]).name(), "length out of bounds", 0);
});
