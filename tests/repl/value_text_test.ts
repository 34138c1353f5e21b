import assert from "node:assert/strict";
import { AnyRef, Val } from "../../mod.ts";
import { RefHandles } from "../../repl/ref_handles.ts";
import { ReplError } from "../../repl/repl_error.ts";
import {
  formatTyped,
  formatValue,
  parseInteger,
  parseValue,
  parseValues,
  type ValueContext,
} from "../../repl/value_text.ts";

const ctx: ValueContext = { refs: new RefHandles(), findFunc: () => undefined };

Deno.test("parseInteger: signed or unsigned, decimal or hex, with separators, within range", () => {
  assert.equal(parseInteger("42", 32), 42n);
  assert.equal(parseInteger("-0x10", 32), -16n);
  assert.equal(parseInteger("0xFFFF_FFFF", 32), 0xffffffffn);
  assert.equal(parseInteger("+7", 32), 7n);
  assert.equal(parseInteger("4294967296", 32), null);
  assert.equal(parseInteger("-2147483649", 32), null);
  assert.equal(parseInteger("18446744073709551615", 64), 2n ** 64n - 1n);
  for (const bad of ["", "1.0", "0x", "1__0", "_1", "abc", "--1"]) {
    assert.equal(parseInteger(bad, 32), null, bad);
  }
});

Deno.test("parseValue: each number type, wrapping unsigned input to signed", () => {
  const one = (type: Parameters<typeof parseValue>[0], text: string) =>
    parseValue(type, [text], 0, ctx).value;
  assert.equal(one("i32", "0xffffffff").value, -1);
  assert.equal(one("i64", "0xffffffffffffffff").value, -1n);
  assert.equal(one("f32", "nan:0x1").bits, 0x7f800001);
  assert.equal(one("f64", "-0").bits, 0x8000000000000000n);
  assert.equal(one("externref", "7").value, 7);
  assert.equal(one("externref", '"s"').value, "s");
  assert.equal(one("externref", "null").value, null);
  assert.equal(one("funcref", "null").value, null);
});

Deno.test("parseValue: v128 by shape uses the lane tokens, or one hex number", () => {
  const { value, used } = parseValue(
    "v128",
    ["i16x8", "1", "2", "3", "4", "5", "6", "7", "-1"],
    0,
    ctx,
  );
  assert.equal(used, 9);
  assert.equal(formatValue(value, ctx.refs), "i32x4 0x00020001 0x00040003 0x00060005 0xffff0007");
  const hex = parseValue("v128", ["0x0102"], 0, ctx);
  assert.equal(hex.used, 1);
  assert.equal(
    formatValue(hex.value, ctx.refs),
    "i32x4 0x00000102 0x00000000 0x00000000 0x00000000",
  );
  assert.throws(() => parseValue("v128", ["i64x2", "1"], 0, ctx), /Expected 2 lanes/);
  assert.throws(() => parseValue("v128", ["i8x16", ...Array(16).fill("256")], 0, ctx), /Lane 0/);
});

Deno.test("parseValues: counts arguments and names the bad one", () => {
  assert.deepEqual(parseValues(["i32", "i64"], ["1", "2"], ctx, "f").map((v) => v.value), [1, 2n]);
  assert.throws(() => parseValues(["i32"], [], ctx, "f"), {
    message: "f expects 1 argument (i32), got 0",
  });
  assert.throws(() => parseValues([], ["1"], ctx, "g"), {
    message: "g expects 0 arguments, got 1",
  });
  assert.throws(
    () => parseValues(["i32", "f32"], ["1", "x"], ctx, "f"),
    (e: unknown) =>
      e instanceof ReplError && e.message.startsWith("Argument 2 of f: Expected an f32"),
  );
});

Deno.test("references: handles number what was shown and read back", () => {
  const refs = new RefHandles();
  const local: ValueContext = { refs, findFunc: () => undefined };
  const thing = { some: "object" };
  assert.equal(formatTyped(Val.externref(thing), refs), "#1 : externref");
  assert.equal(formatTyped(Val.externref(thing), refs), "#1 : externref");
  assert.equal(parseValue("externref", ["#1"], 0, local).value.value, thing);
  assert.throws(() => parseValue("externref", ["#2"], 0, local), /No reference has the handle #2/);
  assert.throws(() => parseValue("funcref", ["nope"], 0, local), /Expected a funcref/);
});

Deno.test("formatTyped: value and type", () => {
  const refs = new RefHandles();
  assert.equal(formatTyped(Val.i32(-5), refs), "-5 : i32");
  assert.equal(formatTyped(Val.i64(2n ** 63n - 1n), refs), "9223372036854775807 : i64");
  assert.equal(formatTyped(Val.f32(0.1), refs), "0.1 : f32");
  assert.equal(formatTyped(Val.f64Bits(0x7ff4000000000000n), refs), "nan:0x4000000000000 : f64");
  assert.equal(formatTyped(Val.funcref(null), refs), "null : funcref");
});

Deno.test("anyref values: null, i31:N, and handles of the AnyRefs results printed", () => {
  const refs = new RefHandles();
  const local: ValueContext = { refs, findFunc: () => undefined };
  const i31 = parseValue("anyref", ["i31:-4"], 0, local).value;
  assert.equal(formatValue(i31, refs), "i31:-4");
  assert.equal(formatTyped(parseValue("i31ref", ["null"], 0, local).value, refs), "null : anyref");
  const ref = AnyRef.i31(1);
  const text = formatValue(Val.anyref(ref), refs);
  assert.equal(text, "i31:1");
  assert.throws(() => parseValue("anyref", ["7"], 0, local), ReplError);
});
