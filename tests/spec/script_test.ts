/**
 * Unit tests of the `.wast` reader: S-expressions, literals, commands and value matching.
 */

import assert from "node:assert/strict";
import { readSExprs, type SList } from "./sexpr.ts";
import { parseF32Bits, parseF64Bits, parseI32, parseI64 } from "./literals.ts";
import { type Command, parseScript } from "./script.ts";
import { type Expected, matches, type WastValue } from "./values.ts";
import { quotedModuleText } from "./wat.ts";

const decoder = new TextDecoder();

Deno.test("sexpr: strings are byte strings with every escape", () => {
  const [string] = readSExprs(String.raw`"\00asm\t\n\r\\\'\"\u{1F600}\ff"`);
  assert.equal(string.kind, "string");
  if (string.kind !== "string") return;
  assert.deepEqual(
    [...string.bytes],
    [0, 0x61, 0x73, 0x6d, 9, 10, 13, 0x5c, 0x27, 0x22, 0xf0, 0x9f, 0x98, 0x80, 0xff],
  );
});

Deno.test("sexpr: comments, lines and source spans", () => {
  const source = ';; line comment\n(; block (; nested ;)\n ;)\n(module\n  (func))  (get "g")';
  const [module, get] = readSExprs(source) as SList[];
  assert.equal(module.line, 4);
  assert.equal(module.endLine, 5);
  assert.equal(source.slice(module.start, module.end), "(module\n  (func))");
  assert.equal(get.line, 5);
  assert.equal(get.items.length, 2);
});

Deno.test("sexpr: unbalanced input is an error with a line", () => {
  assert.throws(() => readSExprs("(module\n(func"), /line 2: unclosed/);
  assert.throws(() => readSExprs("(; open"), /unterminated block comment/);
});

Deno.test("literals: f32 edge cases round exactly", () => {
  assert.equal(parseF32Bits("0x1p-149"), 0x0000_0001);
  assert.equal(parseF32Bits("1e-45"), 0x0000_0001);
  assert.equal(parseF32Bits("3.4028235e38"), 0x7f7f_ffff);
  // Rounding through f64 first would tie and round up to infinity.
  assert.equal(parseF32Bits("0x1.fffffefffffffffffp127"), 0x7f7f_ffff);
  assert.equal(parseF32Bits("nan:0x200000"), 0x7fa0_0000);
  assert.equal(parseF32Bits("-nan"), 0xffc0_0000);
  assert.equal(parseF32Bits("-0"), 0x8000_0000);
  assert.equal(parseF32Bits("+inf"), 0x7f80_0000);
  assert.equal(parseF32Bits("0x1.000002p0"), 0x3f80_0001);
  assert.equal(parseF32Bits("1_000.5e-0_1"), 0x42c8_199a);
  assert.equal(parseF32Bits("0x1."), 0x3f80_0000);
  assert.throws(() => parseF32Bits("0x1p128"), /out of range/);
  assert.throws(() => parseF32Bits("nan:0x800000"), /payload/);
  assert.throws(() => parseF32Bits("1__0"), /malformed/);
});

Deno.test("literals: f64 edge cases round exactly", () => {
  assert.equal(parseF64Bits("0x1p-1074"), 1n);
  assert.equal(parseF64Bits("4.9e-324"), 1n);
  assert.equal(parseF64Bits("1.7976931348623157e308"), 0x7fef_ffff_ffff_ffffn);
  assert.equal(parseF64Bits("-0"), 0x8000_0000_0000_0000n);
  assert.equal(parseF64Bits("nan:0x4000000000000"), 0x7ff4_0000_0000_0000n);
  assert.equal(parseF64Bits("0.1"), 0x3fb9_9999_9999_999an);
  assert.equal(parseF64Bits("1e-400"), 0n);
  assert.throws(() => parseF64Bits("0x1.fffffffffffff8p1023"), /out of range/);
});

Deno.test("literals: integers in every syntax", () => {
  assert.equal(parseI64("0xffffffffffffffff"), -1n);
  assert.equal(parseI64("-0x8000000000000000"), -0x8000_0000_0000_0000n);
  assert.equal(parseI32("0xffff_ffff"), -1);
  assert.equal(parseI32("-2147483648"), -2147483648);
  assert.equal(parseI32("+0x7fffffff"), 0x7fff_ffff);
  assert.equal(parseI32("-0"), 0);
  assert.throws(() => parseI32("4294967296"), /out of range/);
  assert.throws(() => parseI32("-2147483649"), /out of range/);
  assert.throws(() => parseI32("0x"), /malformed/);
});

function only(source: string): Command {
  const commands = parseScript("test.wast", source);
  assert.equal(commands.length, 1);
  return commands[0];
}

Deno.test("script: assert_return arguments and expectations", () => {
  const command = only(
    `(assert_return (invoke $M "f" (i64.const -1) (f32.const -0x1p-1) (ref.null extern)
       (v128.const i16x8 -1 0 1 2 3 4 5 0x8000) (ref.extern 7))
     (f64.const nan:canonical) (v128.const f32x4 nan:arithmetic 1 -0 0x1p-149) (ref.func)
     (either (i32.const 1) (i32.const 2)))`,
  );
  assert.equal(command.kind, "assert_return");
  if (command.kind !== "assert_return") return;
  const action = command.action;
  assert.equal(action.kind, "invoke");
  if (action.kind !== "invoke") return;
  assert.equal(action.module, "$M");
  assert.equal(action.field, "f");
  const [i64, f32, nullRef, v128, extern] = action.args;
  assert.deepEqual(i64, { type: "i64", value: -1n });
  assert.deepEqual(f32, { type: "f32", bits: 0xbf00_0000 });
  assert.deepEqual(nullRef, { type: "externref", ref: null });
  assert.deepEqual(extern, { type: "externref", ref: 7 });
  assert.deepEqual(
    v128,
    {
      type: "v128",
      bytes: Uint8Array.from([255, 255, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0, 0x80]),
    },
  );
  assert.deepEqual(command.expected, [
    { kind: "nan", type: "f64", nan: "canonical" },
    {
      kind: "lanes",
      shape: "f32x4",
      lanes: [{ nan: "arithmetic" }, { bits: 0x3f80_0000n }, { bits: 0x8000_0000n }, { bits: 1n }],
    },
    { kind: "nonNullRef", type: "funcref" },
    {
      kind: "either",
      options: [
        { kind: "value", value: { type: "i32", value: 1 } },
        { kind: "value", value: { type: "i32", value: 2 } },
      ],
    },
  ]);
});

Deno.test("script: module forms keep their name, bytes and verbatim text", () => {
  const source = `(module $M binary "\\00asm" "\\01\\00\\00\\00")
(module (func))
(assert_malformed (module quote "(func" ")") "unexpected token")
(register "reg" $M)
(assert_trap (module (func $start unreachable) (start $start)) "unreachable")`;
  const [binary, text, malformed, register, trap] = parseScript("t.wast", source);
  assert.equal(binary.kind === "module" && binary.module.name, "$M");
  assert.deepEqual(
    binary.kind === "module" && binary.module.source,
    { format: "binary", bytes: Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) },
  );
  assert.equal(text.line, 2);
  assert.equal(
    text.kind === "module" && text.module.source.format === "text" &&
      decoder.decode(text.module.source.text),
    "(module (func))",
  );
  assert.equal(malformed.kind, "assert_malformed");
  if (malformed.kind === "assert_malformed" && malformed.module.source.format === "quote") {
    assert.equal(
      decoder.decode(quotedModuleText(malformed.module.source.text)),
      "(module (func)\n)",
    );
  } else {
    assert.fail("expected a quoted module");
  }
  assert.deepEqual(register.kind === "register" && [register.as, register.module], ["reg", "$M"]);
  assert.equal(trap.kind === "assert_trap" && trap.target.kind, "module");
});

Deno.test("script: a file of bare module fields is one inline module", () => {
  const commands = parseScript("inline.wast", '(func) (memory 0)\n(func (export "f"))');
  assert.equal(commands.length, 1);
  assert.equal(commands[0].kind, "module");
  assert.equal(commands[0].endLine, 2);
});

Deno.test("values: NaN patterns match either sign, exact values match bits", () => {
  const f32 = (bits: number): WastValue => ({ type: "f32", bits });
  const canonical: Expected = { kind: "nan", type: "f32", nan: "canonical" };
  const arithmetic: Expected = { kind: "nan", type: "f32", nan: "arithmetic" };
  assert.ok(matches(canonical, f32(0x7fc0_0000)));
  assert.ok(matches(canonical, f32(0xffc0_0000)));
  assert.ok(!matches(canonical, f32(0x7fc0_0001)));
  assert.ok(matches(arithmetic, f32(0xffc0_0001)));
  assert.ok(!matches(arithmetic, f32(0x7fa0_0000)));
  const f64Canonical: Expected = { kind: "nan", type: "f64", nan: "canonical" };
  assert.ok(matches(f64Canonical, { type: "f64", bits: 0xfff8_0000_0000_0000n }));
  assert.ok(!matches(f64Canonical, f32(0x7fc0_0000)));
  const zero: Expected = { kind: "value", value: f32(0) };
  assert.ok(!matches(zero, f32(0x8000_0000)));
});
