import assert from "node:assert/strict";
import { formatF32Bits, formatF64Bits, parseF32Bits, parseF64Bits } from "../../repl/float_text.ts";

const f32 = (text: string) => parseF32Bits(text)?.toString(16);
const f64 = (text: string) => parseF64Bits(text)?.toString(16);

Deno.test("parseF32Bits: decimal, signed zero, infinities, NaN payloads", () => {
  assert.equal(f32("1.5"), "3fc00000");
  assert.equal(f32("-0"), "80000000");
  assert.equal(f32("+0.0"), "0");
  assert.equal(f32("inf"), "7f800000");
  assert.equal(f32("-infinity"), "ff800000");
  assert.equal(f32("nan"), "7fc00000");
  assert.equal(f32("-nan"), "ffc00000");
  assert.equal(f32("nan:0x1"), "7f800001");
  assert.equal(f32("-nan:0x7fffff"), "ffffffff");
  assert.equal(f32("1e39"), "7f800000");
  assert.equal(f32("1_000"), "447a0000");
});

Deno.test("parseF32Bits: hex floats round once, to nearest even, into subnormals", () => {
  assert.equal(f32("0x1p-149"), "1");
  assert.equal(f32("0x1p-150"), "0"); // a tie rounds to even: zero
  assert.equal(f32("0x1.8p-149"), "2"); // a tie rounds to even: 2
  assert.equal(f32("0x1.fffffep127"), "7f7fffff");
  assert.equal(f32("0x1.ffffffp127"), "7f800000"); // rounds up past the largest: infinity
  assert.equal(f32("0x1.000001p0"), "3f800000"); // tie, even stays
  assert.equal(f32("0x1.000003p0"), "3f800002"); // tie, odd rounds up
  assert.equal(f32("0x.8"), "3f000000");
  assert.equal(f32("0x1P4"), "41800000");
  assert.equal(f32("-0x0p0"), "80000000");
});

Deno.test("parseF64Bits: decimal and hex, subnormal and huge", () => {
  assert.equal(f64("0.1"), "3fb999999999999a");
  assert.equal(f64("0x1.8p3"), "4028000000000000");
  assert.equal(f64("0x1p-1074"), "1");
  assert.equal(f64("0x1p-1075"), "0");
  assert.equal(f64("0x1.fffffffffffffp1023"), "7fefffffffffffff");
  assert.equal(f64("0x1p1024"), "7ff0000000000000");
  assert.equal(f64("nan:0x8000000000000"), "7ff8000000000000");
  assert.equal(f64("-nan:0x1"), "fff0000000000001");
});

Deno.test("parse*Bits: not floats give null", () => {
  for (const bad of ["", "x", "1.2.3", "nan:0x0", "nan:0x800000", "0x", "0xg", "--1", "1e"]) {
    assert.equal(parseF32Bits(bad), null, bad);
  }
  assert.equal(parseF64Bits("nan:0x10000000000000"), null);
});

Deno.test("format*Bits: shortest text that reads back to the same bits", () => {
  assert.equal(formatF32Bits(0x3dcccccd), "0.1");
  assert.equal(formatF32Bits(0x80000000), "-0");
  assert.equal(formatF32Bits(0x7f800000), "inf");
  assert.equal(formatF32Bits(0xffc00000), "-nan");
  assert.equal(formatF32Bits(0x7fa00001), "nan:0x200001");
  assert.equal(formatF32Bits(1), "1e-45");
  assert.equal(formatF64Bits(0x3fb999999999999an), "0.1");
  assert.equal(formatF64Bits(0x8000000000000000n), "-0");
  assert.equal(formatF64Bits(0xfff0000000000000n), "-inf");
  assert.equal(formatF64Bits(0x7ff0000000000001n), "nan:0x1");
  for (const bits of [0x3dcccccd, 1, 0x7f7fffff, 0x00800000, 0xc0490fdb]) {
    assert.equal(parseF32Bits(formatF32Bits(bits)), bits);
  }
});
