/**
 * The lean spelling of generated code (`Config.codegenStyle`, `src/engine/codegen_lean.ts`):
 * the option is checked and honoured (the generated source differs), its rewrites keep every
 * value, and both styles compute the same results. The spec suites run under both styles
 * (`tests/spec/main.ts --tier codegen --style lean|jit`).
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Config, ConfigError, Engine, Linker, Module, Store } from "../../mod.ts";
import { leanSource, realmLacksWebAssembly } from "../../src/engine/codegen_lean.ts";
import { generateBody } from "../../src/engine/codegen.ts";
import { CompiledFunc } from "../../src/engine/code_map.ts";
import { I } from "../../src/engine/isa.ts";
import { instances } from "../../src/runtime/handles.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { wat } from "../_lib/wabt.ts";
import { i32Rotl, i32Rotr } from "../../src/core/num/i32.ts";
import { f32LaneMax, f32LaneMin, laneMax, laneMin } from "../../src/engine/codegen_v128.ts";

/** A factory source as `generateSource` shapes it, around `body`. */
const factory = (body: string) =>
  `"use strict";\nconst { RETURN } = rt;\nreturn function wasm(store, st) {\n${body}\n};`;

/** The body part of `leanSource(factory(body))`. */
const leanBody = (body: string) => {
  const out = leanSource(factory(body));
  return out.slice(out.indexOf("{\n") + 2, out.lastIndexOf("\n};"));
};

Deno.test("codegen lean: Config.codegenStyle is checked, and auto resolves by the realm", () => {
  assert.equal(new Config().codegenStyle, "auto");
  assert.throws(
    () => new Config({ codegenStyle: "fast" as "auto" }),
    (e) => e instanceof ConfigError && /codegenStyle/.test(e.message),
  );
  // Deno has `WebAssembly`: auto is the JIT style here.
  assert.equal(realmLacksWebAssembly(), false);
  assert.equal(new Engine().codegenStyle, "jit");
  assert.equal(new Engine(new Config({ codegenStyle: "lean" })).codegenStyle, "lean");
  assert.equal(new Engine(new Config({ codegenStyle: "jit" })).codegenStyle, "jit");
});

Deno.test("codegen lean: auto picks lean where WebAssembly is missing", async () => {
  const script = new URL("./_style_probe.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.success, true, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "lean");
});

Deno.test("codegen lean: redundant int32 conversions go, the needed ones stay", () => {
  // The inner `| 0` of a left operand of an integer operator.
  assert.equal(leanBody("r4 = ((r4 + 1) | 0) | 0;"), "r4 = ((r4 + 1)) | 0;");
  assert.equal(leanBody("x = ((a + b) | 0) >>> 0;"), "x = ((a + b)) >>> 0;");
  // Not where something to its left applies to the group first, nor under `?:`.
  assert.equal(leanBody("x = y * ((a + b) | 0) | 0;"), "x = y * ((a + b) | 0) | 0;");
  assert.equal(leanBody("x = (c ? a : b | 0) | 0;"), "x = (c ? a : b | 0) | 0;");
  // A value already int32: a cached i32 word, an int32 literal, a bitwise result, imul.
  assert.equal(leanBody("r12 = (r8) | 0;"), "r12 = (r8);");
  assert.equal(leanBody("r1 = (-8192) | 0;"), "r1 = (-8192);");
  assert.equal(leanBody("r2 = ($a ^ ($b >>> 3)) | 0;"), "r2 = ($a ^ ($b >>> 3));");
  assert.equal(leanBody("r2 = ($a << 3) | 0;"), "r2 = ($a << 3);");
  // A slot's or a v128 load's word in a local; a complement of one operand.
  assert.equal(leanBody("r2 = ($w0) | 0; r3 = ($x12) | 0;"), "r2 = ($w0); r3 = ($x12);");
  assert.equal(leanBody("r2 = (~((a & b) * 255)) | 0;"), "r2 = (~((a & b) * 255));");
  assert.equal(leanBody("r2 = (~a) | 0;"), "r2 = (~a);");
  assert.equal(leanBody("r2 = (~a + b) | 0;"), "r2 = (~a + b) | 0;");
  assert.equal(leanBody("r2 = (~(a) + b) | 0;"), "r2 = (~(a) + b) | 0;");
  assert.equal(leanBody("r2 = ($x_r4) | 0;"), "r2 = ($x_r4) | 0;");
  // Not uint32, sums, comparisons, other names, out-of-range literals.
  for (
    const kept of [
      "r2 = ($a >>> 0) | 0;",
      "r2 = ($a + $b) | 0;",
      "r2 = ($a << 1 < 3) | 0;",
      "r2 = ($r0) | 0;",
      "r2 = (2147483648) | 0;",
      "r2 = f(r8) | 0;",
    ]
  ) assert.equal(leanBody(kept), kept);
});

Deno.test("codegen lean: Math functions are read once, f32 constants folded", () => {
  const out = leanSource(factory("x = Math.imul(a, b); y = Math.fround(0.1); z = Math.fround(w);"));
  assert.match(out, /^var \{ RETURN \} = rt;$/m);
  assert.match(out, /^var \$math_fround = Math\.fround, \$math_imul = Math\.imul;$/m);
  assert.ok(out.includes("x = $math_imul(a, b);"));
  assert.ok(out.includes(`y = ${Math.fround(0.1)};`));
  assert.ok(out.includes("z = $math_fround(w);"));
  assert.ok(leanBody("y = x - Math.fround(-1.5);").includes("y = x - (-1.5);"));
  // A product by a small constant is exact in a double: a multiply, not a call.
  assert.ok(leanBody("r1 = Math.imul(r2, 60239);").includes("r1 = (r2 * 60239 | 0);"));
  assert.ok(leanBody("r1 = Math.imul(r2, 668265295);").includes("$math_imul(r2, 668265295)"));
  // Rotations by a constant or a name, inline: the helpers' own expressions.
  assert.ok(leanBody("r1 = (i32Rotl(r2, 5)) | 0;").includes("r1 = (((r2 << 5) | (r2 >>> 27)));"));
  assert.ok(
    leanBody("r1 = i32Rotr(s32[fp + 2], r3) | 0;")
      .includes("r1 = ((s32[fp + 2] >>> r3) | (s32[fp + 2] << (32 - (r3 & 31))));"),
  );
  assert.ok(leanBody("r1 = i32Rotl(f(r2), 5);").includes("i32Rotl(f(r2), 5)"));
  for (const x of [0x12345678, -1, 0x40000001, 7]) {
    for (const k of [0, 1, 5, 31, 32, 33, -3]) {
      for (const [name, helper] of [["i32Rotl", i32Rotl], ["i32Rotr", i32Rotr]] as const) {
        const byName = leanBody(`r1 = ${name}(r2, r3);`).replace(/^r1 = /, "return ");
        const byValue = leanBody(`r1 = ${name}(r2, ${k});`).replace(/^r1 = /, "return ");
        assert.ok(!byName.includes(name) && !byValue.includes(name));
        assert.equal(new Function("r2", "r3", byName)(x, k), helper(x, k));
        assert.equal(new Function("r2", byValue)(x), helper(x, k));
      }
    }
  }
  for (const [x, c] of [[0x7fffffff, 1 << 20], [-0x80000000, -(1 << 20)], [0xffffffff, 60239]]) {
    assert.equal((x * c) | 0, Math.imul(x, c));
  }
  assert.ok(leanBody("y = Math.fround(-0);").includes("y = (-0);"));
});

Deno.test("codegen lean: block temporaries copying a local or a constant are inlined", () => {
  // An i64 add: `$ah` is read in the statement that assigns `h4`, before it is assigned.
  assert.equal(
    leanBody(`{
const $al = r4, $ah = h4, $bl = (5), $bh = (0);
const $l = ($al + $bl) | 0;
h4 = ($ah + $bh + +(($l >>> 0) < ($al >>> 0))) | 0;
r4 = $l | 0;
}`),
    `var $l;
{
$l = (r4 + (5)) | 0;
h4 = (h4 + +(($l ^ -2147483648) < (r4 ^ -2147483648))) | 0;
r4 = $l | 0;
}`,
  );
  // Not where the local is assigned before the temporary's last use, nor over a redeclaration;
  // the declarators kept read the inlined ones.
  const kept = `{
const $a = r4, $b = r5, $c = $b + 1;
r4 = 0;
r6 = $a + $b + $c;
{
const $b = r6 + 2;
r7 = $b;
}
}`;
  // (`$b`, declared again inside its block, keeps its declarations: see the hoisting test.)
  assert.equal(
    leanBody(kept),
    "var $a, $c;\n" +
      kept.replace("const $a = r4, $b = r5, $c = $b + 1;", "$a = r4; const $b = r5; $c = $b + 1;"),
  );
  assert.equal(
    leanBody("{\nconst $a = r4, $c = $a + 1;\nr4 = 0;\nr6 = $c;\n}"),
    "var $c;\n{\n$c = r4 + 1;\nr4 = 0;\nr6 = $c;\n}",
  );
  assert.equal(
    leanBody("{\nconst $a = r4, $c = $a + 1;\nr6 = $c + $a;\nr4 = 0;\n}"),
    "var $c;\n{\n$c = r4 + 1;\nr6 = $c + r4;\nr4 = 0;\n}",
  );
});

Deno.test("codegen lean: memory accesses go through typed arrays where aligned", () => {
  const out = leanSource(factory(`let mem = inst.memories[0] ?? null;
let mview = mem !== null ? mem.view : EMPTY_VIEW;
let memLen = mview.byteLength;
s32[fp] = mview.getUint8(ea) + mview.getInt8(ea + 1);
mview.setInt8(ea, s32[fp]);
x = mview.getInt32(ea + 4, true);
w = mview.getUint16(ea, true);
mview.setFloat64(ea, y, true);
z = mview.getInt32(f(ea), true);
if (mem !== null) {
  mview = mem.view;
  memLen = mview.byteLength;
}`));
  assert.ok(out.includes("s32[fp] = mu8[ea] + (mu8[ea + 1] << 24 >> 24);"), out);
  assert.ok(out.includes("mu8[ea] = s32[fp];"), out);
  assert.ok(
    out.includes("x = ((ea + 4) & 3 ? mview.getInt32(ea + 4, true) : mi32[(ea + 4) >>> 2]);"),
    out,
  );
  assert.ok(
    out.includes("if ((ea) & 7) mview.setFloat64(ea, y, true); else mf64[(ea) >>> 3] = y;"),
    out,
  );
  // Bytes and words read are int32 already; a zero offset is not added.
  const word = leanSource(factory(`let mview = mem.view;
let memLen = mview.byteLength;
const ea = (r8 >>> 0) + (0 >>> 0);
r4 = (mview.getInt32(ea, true)) | 0;
r5 = (mview.getUint8(ea)) | 0;`));
  assert.ok(word.includes("const ea = (r8 >>> 0);\n"), word);
  assert.equal(leanBody("r0 = s32[fp + 0]; s32[fp + 0] = r0;"), "r0 = s32[fp]; s32[fp] = r0;");
  assert.equal(
    leanBody("f32[(fp + 60) + 1] = f32[(fp + 4) + 3];"),
    "f32[fp + 61] = f32[fp + 7];",
  );
  // A byte's bounds check without the add; a wider access's against a limit computed with
  // the length, wherever that is read.
  const checks = leanSource(factory(`let mview = mem.view;
let memLen = mview.byteLength;
if (ea + 1 > memLen) throw trap(1);
if ($ea + 4 > memLen) throw trap(1);
if (mem !== null) {
  mview = mem.view;
  memLen = mview.byteLength;
}
if (ea + 16 > memLen) throw trap(1);`));
  assert.ok(
    checks.includes(`let memLen = mview.byteLength;
let $memLim4 = memLen - 4, $memLim16 = memLen - 16;
if (ea >= memLen) throw trap(1);
if ($ea > $memLim4) throw trap(1);`),
    checks,
  );
  assert.ok(
    checks.includes(`  memLen = mview.byteLength;
$memLim4 = memLen - 4, $memLim16 = memLen - 16;
}
if (ea > $memLim16) throw trap(1);`),
    checks,
  );
  // Not where the length is assigned anything else.
  assert.ok(leanBody("memLen = 7;\nif (ea + 4 > memLen) x();").includes("ea + 4 > memLen"));
  assert.equal(
    leanBody("if (f(r4) < (-2 >>> 0)) x = f(2 >>> 0);"),
    "if (f(r4) < 4294967294) x = f(2 >>> 0);",
  );
  // Both operands words: flipped (see the unsigned compares' test).
  assert.equal(
    leanBody("if ((r4 >>> 0) < (-2 >>> 0)) x = f(2 >>> 0);"),
    "if ((r4 ^ -2147483648) < (2147483646)) x = f(2 >>> 0);",
  );
  assert.ok(
    word.includes("r4 = (((ea) & 3 ? mview.getInt32(ea, true) : mi32[(ea) >>> 2]));"),
    word,
  );
  assert.ok(word.includes("r5 = (mu8[ea]);"), word);
  assert.ok(
    out.includes("w = ((ea) & 1 ? mview.getUint16(ea, true) : mi16[(ea) >>> 1] & 0xffff);"),
    out,
  );
  // An address that is not a name (plus a constant) would be computed twice: left alone.
  assert.ok(out.includes("z = mview.getInt32(f(ea), true);"), out);
  // The views are read wherever the DataView is.
  const read = "mu8 = mem !== null ? mem.u8 : null, mi16 = mem !== null ? mem.i16 : null, " +
    "mi32 = mem !== null ? mem.i32 : null, mf64 = mem !== null ? mem.f64 : null;";
  assert.ok(out.includes(`let memLen = mview.byteLength;\nlet ${read}`), out);
  assert.ok(out.includes(`  memLen = mview.byteLength;\n${read}`), out);
});

Deno.test("codegen lean: a v128 access tests its alignment once", () => {
  const head = `let mview = mem.view;
let memLen = mview.byteLength;
`;
  const out = leanSource(factory(`${head}{
const $ea = ((r4 + 16) >>> 0);
if ($ea + 16 > memLen) throw trap(1);
$f1 = mview.getFloat32($ea, true);
$f2 = mview.getFloat32($ea + 4, true);
$f3 = mview.getFloat32($ea + 8, true);
$f4 = mview.getFloat32($ea + 12, true);
}
{
const $ea = ((r8) >>> 0);
if ($ea + 16 > memLen) throw trap(1);
mview.setInt32($ea, r1, true);
mview.setInt32($ea + 4, r2, true);
mview.setInt32($ea + 8, r3, true);
mview.setInt32($ea + 12, r4, true);
}`));
  assert.ok(
    out.includes(`if ($ea & 3) {
$f1 = mview.getFloat32($ea, true);
$f2 = mview.getFloat32($ea + 4, true);
$f3 = mview.getFloat32($ea + 8, true);
$f4 = mview.getFloat32($ea + 12, true);
} else {
$ix = $ea >>> 2;
$f1 = mf32[$ix];
$f2 = mf32[$ix + 1];
$f3 = mf32[$ix + 2];
$f4 = mf32[$ix + 3];
}`),
    out,
  );
  assert.ok(out.includes("mi32[$ix + 3] = r4;\n}"), out);
  assert.ok(out.includes("mf32 = mem !== null ? mem.f32 : null"), out);
  // Two addresses (`f32x4MulLoad2`): one test for both.
  const two = leanSource(factory(`${head}{
const $ea = (r4 + 16) >>> 0, $eb = (r4 + 48) >>> 0;
if ($ea + 16 > memLen || $eb + 16 > memLen) throw trap(1);
$f1 = $math_fround(mview.getFloat32($ea, true) * mview.getFloat32($eb, true));
$f2 = $math_fround(mview.getFloat32($ea + 4, true) * mview.getFloat32($eb + 4, true));
}`));
  assert.ok(
    two.includes(
      "if (($ea | $eb) & 3) {\n$f1 = $lmath_fround(mview.getFloat32($ea, true) * " +
        "mview.getFloat32($eb, true));\n$f2 = $lmath_fround(mview.getFloat32($ea + 4, true) * " +
        "mview.getFloat32($eb + 4, true));\n} else {\n$ix = $ea >>> 2; $jx = $eb >>> 2;\n" +
        "$f1 = $lmath_fround(mf32[$ix] * mf32[$jx]);\n" +
        "$f2 = $lmath_fround(mf32[$ix + 1] * mf32[$jx + 1]);\n}",
    ),
    two,
  );
  // An i64's two words (a scalar access's `ea`, a metered body's throw) likewise.
  const pair = leanSource(factory(`${head}{
const ea = (r8 >>> 0) + 8;
if (ea + 8 > memLen) throw (fuelLive && (store.fuel = fuel)), trap(TrapCode.MemoryOutOfBounds);
r5 = mview.getInt32(ea + 4, true);
r4 = mview.getInt32(ea, true);
}`));
  assert.ok(
    pair.includes(
      "if (ea & 3) {\nr5 = mview.getInt32(ea + 4, true);\nr4 = mview.getInt32(ea, true);\n" +
        "} else {\n$ix = ea >>> 2;\nr5 = mi32[$ix + 1];\nr4 = mi32[$ix];\n}",
    ),
    pair,
  );
  // As a scalar i64 access spells its bounds test (`ea > memLen - 8`).
  const scalar = leanSource(factory(`${head}{
const ea = (r8 >>> 0) + 8;
if (ea > memLen - 8) throw trap(TrapCode.MemoryOutOfBounds);
r4 = mview.getInt32(ea, true);
r5 = mview.getInt32(ea + 4, true);
}`));
  assert.ok(
    scalar.includes(
      "if (ea & 3) {\nr4 = mview.getInt32(ea, true);\nr5 = mview.getInt32(ea + 4, true);\n" +
        "} else {\n$ix = ea >>> 2;\nr4 = mi32[$ix];\nr5 = mi32[$ix + 1];\n}",
    ),
    scalar,
  );
  // A byte copy (`I32Copy8At`): its statements on the byte view, the trap read once.
  const copy = leanSource(factory(`${head}copyByte(mview, memLen, r4 + 1, 0, r12, 8);
copyByte(mview, memLen, f(r4), 0, r12, 8);`));
  assert.ok(
    copy.includes(
      "{\n$src = (r4 + 1) >>> 0; $dst = ((r12) >>> 0) + 8;\n" +
        "if ($src + 1 > memLen || $dst + 1 > memLen) throw $lean_trap($lean_oob);\n" +
        "mu8[$dst] = mu8[$src];\n}\n",
    ),
    copy,
  );
  assert.ok(copy.includes("copyByte(mview, memLen, f(r4), 0, r12, 8);"), copy);
  assert.match(
    copy,
    /^var \$lean_trap = rt\.trap, \$lean_oob = rt\.TrapCode\.MemoryOutOfBounds;$/m,
  );
  // Mixed widths, a store inside an expression, an address not a word apart: per access.
  for (
    const lines of [
      "x = mview.getInt32($ea, true);\ny = mview.getFloat64($ea + 8, true);",
      "x = mview.getInt32($ea, true);\ny = mview.getInt32($ea + 2, true);",
      "mview.setInt32($ea, 1, true);\ny = (mview.setInt32($ea + 4, 2, true), 3);",
    ]
  ) {
    const kept = leanSource(factory(`${head}{
const $ea = ((r8) >>> 0);
if ($ea + 16 > memLen) throw trap(1);
${lines}
}`));
    assert.ok(!kept.includes("$ix"), kept);
  }
});

Deno.test("codegen lean: f32 min and max inline their common case, immediates are literals", () => {
  const clamp = leanSource(factory("$f1 = $math_fround(f32LaneMin(f32LaneMax($f1, e2), e3));"));
  assert.ok(
    clamp.includes(
      "$f1 = $math_fround((($mm = ($f1 > e2 ? $f1 : e2 > $f1 ? e2 : f32LaneMax($f1, e2))) < e3 " +
        "? $mm : e3 < $mm ? e3 : f32LaneMin($mm, e3)));",
    ),
    clamp,
  );
  assert.ok(clamp.includes("return function wasm(store, st) {\nlet $mm = 0;\n"), clamp);
  // A direct entry declares it too (strict code assigning an undeclared name throws).
  const direct = leanSource(
    `"use strict";\nconst direct = function direct(store, st, fp) {\n` +
      `return f32LaneMin(f32LaneMax(e1, e2), e3);\n};\nreturn function wasm(store, st) {\n` +
      `return direct(store, st, 0);\n};`,
  );
  assert.ok(direct.includes("var direct = function direct(store, st, fp) {\nlet $mm = 0;\n"));
  assert.equal(
    new Function("rt", "f32LaneMin", "f32LaneMax", "e1", "e2", "e3", direct)(
      {},
      f32LaneMin,
      f32LaneMax,
      0.5,
      0.25,
      -1,
    )(null, null),
    -1,
  );
  // So does a split loop's function (`leanLoops` spells its body alone, without a head).
  const loop = leanSource(
    `"use strict";\nfunction $loop3(e1) {\nreturn f32LaneMin(f32LaneMax(e1, e2), e3);\n}\n` +
      `return function wasm(store, st) {\nreturn $loop3(0.5);\n};`,
  );
  assert.ok(loop.includes("function $loop3(e1) {\nlet $mm = 0;\nreturn (($mm = "), loop);
  for (const [e2, e3, want] of [[0.25, -1, -1], [0.75, 2, 0.75], [NaN, 2, NaN]]) {
    assert.ok(
      Object.is(
        new Function("rt", "f32LaneMin", "f32LaneMax", "e2", "e3", loop)(
          {},
          f32LaneMin,
          f32LaneMax,
          e2,
          e3,
        )(null, null),
        want,
      ),
      `${e2} ${e3}`,
    );
  }
  const values = [0, -0, NaN, 1, -1.5, 2, Infinity];
  for (const [name, helper] of [["f32LaneMin", f32LaneMin], ["f32LaneMax", f32LaneMax]] as const) {
    const inline = leanBody(`return ${name}(x, f32[(fp + 4) + 1]);`);
    assert.ok(inline.startsWith("return (x "), inline);
    const run = new Function("x", "f32", "fp", `${name} = arguments[3];\n${inline}`);
    for (const x of values) {
      for (const y of values) {
        const f32 = new Float64Array(8);
        f32[5] = y;
        assert.ok(Object.is(run(x, f32, 0, helper), helper(x, y)), `${name}(${x}, ${y})`);
      }
    }
  }
  // 0.75 and -0.5 as bits; -0 is spelled so; a NaN's bits stay in the scratch word.
  assert.equal(
    leanBody(`IMM_WORDS[0] = 1061158912;
$f68 = $math_fround($f68 * IMM_F32[0]);
IMM_WORDS[0] = -1090519040;
f32[fp] = Math.max(f32[fp], IMM_F32[0]);
IMM_WORDS[0] = -2147483648;
f32[fp] = f32[fp] + IMM_F32[0];
IMM_WORDS[0] = 2143289345;
f32[fp] = f32[fp] + IMM_F32[0];`),
    `$f68 = $math_fround($f68 * 0.75);
f32[fp] = $math_max(f32[fp], (-0.5));
f32[fp] = f32[fp] + (-0);
IMM_WORDS[0] = 2143289345;
f32[fp] = f32[fp] + IMM_F32[0];`,
  );
  // The scratch read again further on keeps its write.
  const reread = "IMM_WORDS[0] = 1061158912;\nx = IMM_F32[0];\ny = IMM_F32[0];";
  assert.equal(leanBody(reread), reread);
});

const MODULE = wat(`(module
  (memory 1)
  (func (export "mix") (param i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.const 7)))
  (func (export "sum") (param i32) (result i64) (local i32 i64)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
      (local.set 2 (i64.add (local.get 2)
        (i64.mul (i64.extend_i32_u (local.get 1)) (i64.const 0x9e3779b97f4a7c15))))
      (f32.store (i32.const 8)
        (f32.add (f32.load (i32.const 8)) (f32.const 0.1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br 0)))
    (i64.add (local.get 2) (i64.extend_i32_u (i32.load (i32.const 8)))))
  (func (export "unaligned") (param i32) (result i64)
    (i64.store (i32.const 13) (i64.const 0x0123456789abcdef))
    (f64.store offset=1 (local.get 0) (f64.const -1.5))
    (i64.add (i64.load (i32.const 13))
      (i64.add (i64.load offset=1 (local.get 0)) (i64.load8_s (i32.const 14)))))
  (func (export "halves") (param i32) (result i32)
    (i32.store16 (local.get 0) (i32.const 0x1fedc))
    (i32.add (i32.load16_u (local.get 0))
      (i32.add (i32.load16_s (local.get 0)) (i32.load16_u offset=1 (local.get 0))))))`);

/** An instance of `bytes` in a store of its own, run by `tier` in `style`. */
function instantiateIn(
  tier: "interpreter" | "codegen",
  style: "jit" | "lean",
  bytes: Uint8Array,
) {
  const engine = new Engine(new Config({ executionTier: tier, codegenStyle: style }));
  const store = new Store(engine, null);
  return {
    store,
    instance: new Linker<null>(engine).instantiate(store, new Module(engine, bytes)),
  };
}

/** `mix` and `sum` under `style`, and the generated source of `mix`. */
function runIn(style: "jit" | "lean") {
  const { store, instance } = instantiateIn("codegen", style, MODULE);
  const mix = instance.getTypedFunc<[number, number], number>(store, "mix");
  const sum = instance.getTypedFunc<[number], bigint>(store, "sum");
  const unaligned = instance.getTypedFunc<[number], bigint>(store, "unaligned");
  const results = [
    mix.call(store, 123456789, -98765),
    sum.call(store, 1000),
    unaligned.call(store, 40),
    unaligned.call(store, 43),
    ...[100, 101].map((at) =>
      instance.getTypedFunc<[number], number>(store, "halves").call(store, at)
    ),
  ];
  const funcs = instances.entity(store, instance).funcs;
  const compiled = "compiled" in funcs[0]! ? funcs[0].compiled : null;
  // The body itself: a function with a direct entry is that entry and a small wrapper.
  const body = compiled?.generated as { directFor?: unknown } | null | undefined;
  return { results, source: String(body?.directFor ?? body) };
}

Deno.test("codegen lean: unsigned compares flip sign bits, zero terms of words go", () => {
  // Two words, a word and a literal (folded), stack words; under `!`, `&&`, `||`, `?:`.
  assert.equal(
    leanBody("if ((r4 >>> 0) < (r0 >>> 0)) {\n}"),
    "if ((r4 ^ -2147483648) < (r0 ^ -2147483648)) {\n}",
  );
  assert.equal(
    leanBody("x = +((r4 >>> 0) >= (5 >>> 0));"),
    "x = +((r4 ^ -2147483648) >= (-2147483643));",
  );
  assert.equal(
    leanBody("x = !((s32[fp + 2] >>> 0) <= ((-7) >>> 0)) && (r4 >>> 0) > (r0 >>> 0) ? 1 : 0;"),
    "x = !((s32[fp + 2] ^ -2147483648) <= (2147483641)) && " +
      "(r4 ^ -2147483648) > (r0 ^ -2147483648) ? 1 : 0;",
  );
  // Not where a tighter operator takes either group (its operands are not the groups).
  for (
    const kept of [
      "x = y + (r4 >>> 0) < (r0 >>> 0);",
      "x = (r4 >>> 0) < (r0 >>> 0) + 1;",
      "x = f(r4 >>> 0) < (r0 >>> 0);",
      "x = y <= (r4 >>> 0) < (r0 >>> 0);",
    ]
  ) assert.equal(leanBody(kept), kept);
  // The same outcome as the unsigned compare for every pair of edge words, each operator.
  const words = [0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 0x7ffffffe, -0x7fffffff, 12345];
  for (const op of ["<", ">", "<=", ">="]) {
    const jit = `return (a >>> 0) ${op} (b >>> 0);`;
    const lean = leanBody(jit);
    assert.notEqual(lean, jit);
    const f = new Function("a", "b", jit) as (a: number, b: number) => boolean;
    const g = new Function("a", "b", lean) as (a: number, b: number) => boolean;
    for (const a of words) {
      for (const b of words) assert.equal(g(a, b), f(a, b), `${a} ${op} ${b}`);
      // A literal operand, folded.
      const literal = `return (b >>> 0) ${op} (${a} >>> 0);`;
      assert.ok(!leanBody(literal).includes(">>>"), leanBody(literal));
      const h = new Function("b", leanBody(literal)) as (b: number) => boolean;
      const k = new Function("b", literal) as (b: number) => boolean;
      for (const b of words) assert.equal(h(b), k(b), `${b} ${op} ${a}`);
    }
  }
  // A zero high half: `| (0)` and `+ (0)` of a cached word go, a statement left `r = r;` too.
  assert.equal(leanBody("r12 = r12 | (0);\nr8 = (r12 | (0));"), "r8 = (r12);");
  assert.equal(
    leanBody("r20 = (r20 + (0) + (($sl ^ -2147483648) < (r8 ^ -2147483648) ? 1 : 0)) | 0;"),
    "r20 = (r20 + (($sl ^ -2147483648) < (r8 ^ -2147483648) ? 1 : 0)) | 0;",
  );
  // Not a word a tighter operator takes, nor what may be -0 (a float, an unknown name).
  for (
    const kept of ["x = a + r12 | (0);", "x = y * r8 + (0);", "x = (d8 + (0));", "x = ($a + (0));"]
  ) assert.equal(leanBody(kept), kept);
});

Deno.test("codegen lean: the option is honoured, and both styles compute the same", () => {
  const jit = runIn("jit");
  const lean = runIn("lean");
  assert.deepEqual(lean.results, jit.results);
  assert.deepEqual(lean.results.slice(2, 4), [
    0x0123456789abcdefn - 4613937818241073152n - 51n,
    0x0123456789abcdefn - 4613937818241073152n - 51n,
  ]);
  // 0xfedc, as u16 and as s16, and the byte above it (0xfe) with the zero byte after it.
  assert.deepEqual(lean.results.slice(4), [0xfedc - 0x124 + 0xfe, 0xfedc - 0x124 + 0xfe]);
  assert.ok(jit.source.includes("Math.imul("), jit.source);
  assert.ok(!lean.source.includes("Math.imul("), lean.source);
  assert.ok(lean.source.includes("$math_imul("), lean.source);
});

Deno.test("codegen lean: the rewrites stay linear in the body size", () => {
  const n = 50_000;
  const rep = (k: number, words: number[]) => Array.from({ length: k }, () => words).flat();
  const shapes: Record<string, number[]> = {
    "straight-line": rep(n, [I.I32AddImm, 0, 0, 1]),
    "many labels": [...rep(n, [I.BrIfNez, 0, 3 * n]), I.ReturnSlot, 0],
    // i64 work on n slots: n blocks of temporaries
    "many slots": rep(n, [I.I64Add, 4 * (n % 997), 0, 4]),
  };
  for (const [name, words] of Object.entries(shapes)) {
    const code = Int32Array.from([...words, I.ReturnSlot, 0]);
    const time = (lean: boolean) => {
      const start = performance.now();
      const result = generateBody(
        new CompiledFunc(code, 4, 4, 4 * 1000, 1, 0),
        undefined,
        false,
        0,
        false,
        undefined,
        lean,
      );
      assert.ok(typeof result !== "string", `${name}: ${result}`);
      return performance.now() - start;
    };
    const jit = time(false);
    const lean = time(true);
    // The lean pass is a few linear scans over the source: a quadratic one would take minutes.
    // The margin is wide because both times swing with the machine's load (lean 8 s alone and
    // 15 s beside two spec runs, against jit's 4 s: 3x + 2 s failed there).
    assert.ok(
      lean < 6 * jit + 5000,
      `${name}: lean ${lean.toFixed(0)} ms, jit ${jit.toFixed(0)} ms`,
    );
  }
});

Deno.test("codegen lean: v128 copies and f32 clamps agree with the interpreter", () => {
  const bytes = wat(`(module
  (memory 1)
  (func (export "copy") (param i32 i32) (result i64)
    (v128.store (local.get 1) (v128.load (local.get 0)))
    (v128.store offset=64 (local.get 1)
      (f32x4.min
        (f32x4.max (v128.load (local.get 1)) (v128.const f32x4 -0.5 0 nan -0))
        (v128.const f32x4 0.5 -0 1 nan)))
    (i64.add (i64.load (local.get 1))
      (i64.add (i64.load offset=8 (local.get 1))
        (i64.add (i64.load offset=64 (local.get 1)) (i64.load offset=72 (local.get 1))))))
  (func (export "fill")
    (local $i i32)
    (loop
      (f32.store (i32.shl (local.get $i) (i32.const 2))
        (f32.mul (f32.convert_i32_s (i32.sub (local.get $i) (i32.const 20))) (f32.const 0.25)))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const 64))))))`);
  const results = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const { store, instance } = instantiateIn(tier, style, bytes);
    instance.getTypedFunc<[], void>(store, "fill").call(store);
    const copy = instance.getTypedFunc<[number, number], bigint>(store, "copy");
    // Aligned and not, source and destination.
    return [[0, 512], [4, 1024], [1, 2048], [16, 3001], [78, 4002], [81, 5003]].map(([a, b]) =>
      copy.call(store, a!, b!)
    );
  };
  const expected = results("interpreter", "jit");
  assert.deepEqual(results("codegen", "lean"), expected);
  assert.deepEqual(results("codegen", "jit"), expected);
});

Deno.test("codegen lean: a br_table on a constant index keeps its switch's parentheses", () => {
  // The unsigned-constant fold once turned `switch (1 >>> 0)` into `switch 1` (br_if.wast).
  assert.match(leanSource("return function wasm() {\nswitch (1 >>> 0) {\n}\n};"), /switch \(1/);
  assert.match(leanSource("return function wasm() {\nif (1 >>> 0) {\n}\n};"), /if \(1/);
  const engine = new Engine(new Config({ executionTier: "codegen", codegenStyle: "lean" }));
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (func (export "f") (param i32) (result i32)
      (block $b (block $a (br_table $a $b (i32.const 1)))
        (return (i32.const 8)))
      (i32.add (local.get 0) (i32.const 1))))`),
  );
  const f = new Linker<null>(engine).instantiate(store, module)
    .getTypedFunc<[number], number>(store, "f");
  assert.equal(f.call(store, 4), 5);
  assert.deepEqual(engine.codegenStats().reasons, {});
});

Deno.test("codegen lean: a clamp on an f32 slot runs in a local; fused bounds precomputed", () => {
  const step = (k: number, op: string, b: string) =>
    `f32[(fp + ${k})] = Math.${op}(f32[(fp + ${k})], ${b});`;
  const fix = (k: number) => `if (f32[(fp + ${k})] !== f32[(fp + ${k})]) f32[(fp + ${k})] = NaN;`;
  const out = leanBody(
    [step(68, "max", "(-0.5)"), step(68, "min", "f32[(fp + 72)]"), fix(68), "x = 1;"].join("\n"),
  );
  assert.ok(
    out.includes(
      "{ $cl = $math_max(f32[(fp + 68)], (-0.5)); $cl = $math_min($cl, f32[(fp + 72)]); " +
        "f32[(fp + 68)] = $cl !== $cl ? NaN : $cl; }\nx = 1;",
    ),
    out,
  );
  // Not a float32 operand (0.1 rounds), the slot itself as the operand, or no NaN fix-up: kept.
  for (const body of [[step(8, "max", "0.1"), fix(8)], [step(8, "max", "f32[(fp + 8)]"), fix(8)]]) {
    assert.ok(!leanBody(body.join("\n")).includes("$cl"), body.join("\n"));
  }
  assert.ok(
    !leanBody([step(8, "max", "(-0.5)"), step(8, "min", "0.5")].join("\n")).includes("$cl"),
  );
  // Loaded into the slot just before, in the block testing its address: read as a float there.
  const loaded = leanBody(`{
const ea = (r4 >>> 0);
s32[(fp + 8)] = mview.getInt32(ea, true);
}
${step(8, "max", "(-0.5)")}
${fix(8)}`);
  assert.ok(
    loaded.includes(`{
ea = (r4 >>> 0);
$cl = $math_max(mview.getFloat32(ea, true), (-0.5)); f32[(fp + 8)] = $cl !== $cl ? NaN : $cl;
}`),
    loaded,
  );
  // A fused load-op-load checks both addresses against the precomputed limit.
  const fused = leanBody(`let memLen = mview.byteLength;
if (ea + 4 > memLen || v + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);`);
  assert.ok(fused.includes("let $memLim4 = memLen - 4;"), fused);
  assert.ok(fused.includes("if (ea > $memLim4 || v > $memLim4) throw"), fused);
  // As a scalar access spells its test, and two v128 loads theirs.
  const spelled = leanBody(`let memLen = mview.byteLength;
if (ea > memLen - 8) throw trap(TrapCode.MemoryOutOfBounds);
if ($ea + 16 > memLen || $eb + 16 > memLen) throw trap(1);`);
  assert.ok(spelled.includes("let $memLim8 = memLen - 8, $memLim16 = memLen - 16;"), spelled);
  assert.ok(spelled.includes("if (ea > $memLim8) throw"), spelled);
  assert.ok(spelled.includes("if ($ea > $memLim16 || $eb > $memLim16) throw"), spelled);
});

Deno.test("codegen lean: a scalar f32 clamp keeps the interpreter's bits", () => {
  const bytes = wat(`(module
  (memory 1)
  (func (export "set") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.load offset=4096 (local.get 0)))
  (func (export "clamp") (param $n i32)
    (local $i i32)
    (loop
      (i32.store offset=4096 (local.get $i)
        (i32.reinterpret_f32
          (f32.min
            (f32.max (f32.reinterpret_i32 (i32.load (local.get $i))) (f32.const -0.5))
            (f32.const 0.5))))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $n))))))`);
  const f32Bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0]!;
  // NaNs of either sign, quiet and signalling, with payloads; zeros; infinities; a subnormal.
  const inputs = [0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800001, 0xff800123, 0x80000000, 0, 1]
    .map((b) => b | 0)
    .concat([Infinity, -Infinity, 0.25, -0.25, 0.5, -0.5, 0.75, -3, 1e30].map(f32Bits));
  const results = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const { store, instance } = instantiateIn(tier, style, bytes);
    const set = instance.getTypedFunc<[number, number], void>(store, "set");
    const get = instance.getTypedFunc<[number], number>(store, "get");
    inputs.forEach((bits, i) => set.call(store, 4 * i, bits));
    instance.getTypedFunc<[number], void>(store, "clamp").call(store, 4 * inputs.length);
    return inputs.map((_, i) => get.call(store, 4 * i));
  };
  const expected = results("interpreter", "jit");
  assert.equal(expected[6], 0);
  assert.equal(expected[5], 0x80000000 | 0);
  assert.equal(expected[15], f32Bits(-0.5));
  assert.deepEqual(results("codegen", "lean"), expected);
  assert.deepEqual(results("codegen", "jit"), expected);
});

Deno.test("codegen lean: a computed byte's store and a byte copy go through the byte view", () => {
  const memory = `let mem = inst.memories[0] ?? null;
let mview = mem !== null ? mem.view : EMPTY_VIEW;
let memLen = mview.byteLength;
`;
  const out = leanBody(
    memory + `storeByte(mview, memLen, r4 + 66561, 0, ((r40 + r8 + 2) | 0) >>> 2);
storeByte(mview, memLen, r4, 7, ((r40 + r8 + 1) | 0) >>> 1);
storeByte(mview, memLen, r4, 7, f(r40));
{
const $s = ((r4 + 17414) >>> 0) + 0, $d = ((r4 + 50180) >>> 0) + 0;
if ($s + 1 > memLen || $d + 1 > memLen) throw trap(1);
mview.setInt8($d, mview.getUint8($s));
}`,
  );
  assert.ok(
    out.includes(`{
$dst = (r4 + 66561) >>> 0;
if ($dst >= memLen) throw $lean_trap($lean_oob);
mu8[$dst] = ((r40 + r8 + 2)) >>> 2;
}`),
    out,
  );
  assert.ok(out.includes("$dst = ((r4) >>> 0) + 7;"), out);
  // A value with a call in it is left to the helper (it would run after the bounds test).
  assert.ok(out.includes("storeByte(mview, memLen, r4, 7, f(r40));"), out);
  assert.ok(out.includes("$s = ((r4 + 17414) >>> 0); $d = ((r4 + 50180) >>> 0);"), out);
  assert.ok(out.includes("if ($s >= memLen || $d >= memLen) throw trap(1);"), out);
  assert.ok(out.includes("mu8[$d] = mu8[$s];"), out);
  assert.ok(
    leanSource(factory(memory + "storeByte(mview, memLen, r4, 0, r8);")).includes(
      "var $lean_trap = rt.trap, $lean_oob = rt.TrapCode.MemoryOutOfBounds;",
    ),
  );
});

Deno.test("codegen lean: the byte and float workloads keep the interpreter's checksums", async () => {
  const { loadWorkloadBytes, WORKLOADS } = await import("../../scripts/_bench_workloads.ts");
  for (const name of ["vec_bytes", "vec_bytes_scalar", "lz", "vec_float_scalar", "vec_float"]) {
    const workload = WORKLOADS.find((w) => w.name === name)!;
    const bytes = await loadWorkloadBytes(workload);
    const size = workload.size(0.002);
    for (const consumeFuel of [false, true]) {
      const run = (tier: "interpreter" | "codegen") => {
        const engine = new Engine(
          new Config({ executionTier: tier, codegenStyle: "lean", consumeFuel }),
        );
        const store = new Store(engine, null);
        if (consumeFuel) store.setFuel(Number.MAX_SAFE_INTEGER);
        const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
        const checksum = instance.getTypedFunc<[number], unknown>(store, "run").call(store, size);
        return { checksum, stats: engine.codegenStats(), fuel: consumeFuel && store.getFuel() };
      };
      const want = run("interpreter");
      const got = run("codegen");
      assert.equal(got.checksum, want.checksum, `${name} (fuel ${consumeFuel})`);
      assert.equal(got.fuel, want.fuel, `${name} (fuel ${consumeFuel})`);
      assert.equal(got.stats.interpreted, 0, name);
    }
  }
});

Deno.test("codegen lean: a masked word tested for zero is tested by its truthiness", () => {
  const out = leanBody(
    "if ((($lo + 2048) & -4096) === 0) {\nx = 1;\n}\nif (((a + b) & c) === 0) {",
  );
  assert.ok(out.includes("if (!(($lo + 2048) & -4096)) {\nx = 1;\n}"), out);
  // Only a mask by a number (an int32 either way) is rewritten.
  assert.ok(out.includes("if (((a + b) & c) === 0) {"), out);
  for (const x of [0, 1, -1, 2047, -2048, -2049, 2048, 4095, 0x7fffffff, -0x80000000]) {
    assert.equal(!((x + 2048) & -4096), ((x + 2048) & -4096) === 0, `${x}`);
  }
});

Deno.test("codegen lean: block temporaries are declared once at the function's top", () => {
  // Sibling blocks' temporaries: one binding each, assigned where they were declared.
  const loop = `for (let k = 0; k < 3; k++) {
{
const $a = r1 + k, $b = $a * 2;
let $l, $t;
r2 = ($l = $b + 1, $t = $l * 3, $t + r2);
}
{
const $a = r2 - 1;
r3 = $a;
}
}
return r2 + r3;`;
  const out = leanBody(loop);
  assert.ok(out.startsWith("var $a, $b, $l, $t;\n"), out);
  assert.ok(out.includes("{\n$a = r1 + k; $b = $a * 2;\nr2 = ($l = $b + 1,"), out);
  assert.ok(out.includes("{\n$a = r2 - 1;\nr3 = $a;\n}"), out);
  const run = (body: string) => new Function("r1", "r2", "r3", body)(5, 7, 0);
  assert.equal(run(out), run(loop));
  // Left declared where they are: a name declared again inside its block, a name read outside
  // its blocks (or before its declaration), a name the function's top declares, a parameter,
  // one in a `for` head.
  for (
    const body of [
      "{\nconst $a = r1 * 3;\n{\nconst $a = r2 * 3;\nr3 = $a;\n}\nr4 = $a;\n}",
      "{\nconst $a = r1 * 3;\nr3 = $a;\n}\nr4 = $a;",
      "{\nr4 = $a;\nconst $a = r1 * 3;\nr3 = $a;\n}",
      "let $a = 0;\n{\nconst $a = r1 * 3;\nr3 = $a;\n}",
      "{\nconst st = r1 * 3;\nr3 = st;\n}",
      "{\nconst k = r1 * 3;\nr3 = k;\n}\nfor (let k = 0; k < 2; k++) r4 = k;",
    ]
  ) {
    assert.equal(leanBody(body), body);
  }
  // A closure anywhere in the function leaves all of it alone (it could keep a binding alive).
  const closure = "{\nconst $a = r1 * 3;\nr3 = () => $a;\n}";
  assert.equal(leanBody(closure), closure);
  // A declaration without a value is dropped only where an assignment surely comes first.
  const unassigned = [
    "{\nlet $t;\nr3 = $t;\n}",
    "{\nlet $t;\nif (r1) $t = 1;\nr3 = $t;\n}",
    "{\nlet $t;\nr2 = r1 ? ($t = 1) : 2;\nr3 = $t;\n}",
  ];
  for (const body of unassigned) assert.equal(leanBody(body), body);
});

Deno.test("codegen lean: hoisted temporaries keep the interpreter's results in a loop", () => {
  // The vector and hash kernels declare temporaries in every block of their loops.
  const bytes = wat(`(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc v128) (local $h i64)
    (loop $top
      (v128.store (i32.const 64)
        (f32x4.max (f32x4.min (v128.load (i32.const 64)) (f32x4.splat (f32.const 0.5)))
                   (f32x4.splat (f32.const -0.25))))
      (v128.store (i32.const 64)
        (f32x4.add (v128.load (i32.const 64)) (f32x4.splat (f32.convert_i32_s (local.get $i)))))
      (local.set $h (i64.rotl (i64.mul (i64.xor (local.get $h) (i64.load (i32.const 64)))
        (i64.const 0x9e3779b97f4a7c15)) (i64.const 31)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
    (i32.xor (i32.wrap_i64 (local.get $h)) (i32.wrap_i64 (i64.shr_u (local.get $h) (i64.const 32))))))`);
  const results = [];
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier, codegenStyle: "lean" }));
    const store = new Store(engine, undefined);
    const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
    results.push(instance.getTypedFunc<[number], number>(store, "run").call(store, 1000));
  }
  assert.equal(results[0], results[1]);
});

Deno.test("codegen lean: an f32 lane's min or max is not rounded again", () => {
  // The result is one of its f32 operands, or NaN: `Math.fround` of it changes nothing.
  const clamp = `($t = ${laneMax("e2", "f32[(fp + 8) + 1]")}, ${laneMin("$t", "e3")})`;
  const load = `($l = mview.getFloat32($ea + 4, true), $t = ${laneMax("$l", "e2")}, ${
    laneMin("$t", "e3")
  })`;
  for (const e of [laneMin("e2", "e3"), laneMax("$f4", "f32[(fp + 8)]"), clamp, load]) {
    // (A lane's slot index is one add: `[(fp + 8) + 1]` is `[fp + 9]`.)
    const folded = e.replaceAll("[(fp + 8) + 1]", "[fp + 9]");
    assert.equal(leanBody(`$f1 = Math.fround(${e});`), `$f1 = ${folded};`);
  }
  // Anything else keeps its rounding: another shape, an operand that is not a name or a slot.
  for (
    const e of [
      "(e2 > e3 ? e2 : e3)",
      laneMin("e2", "(e3 + 1)"),
      `($l = f(), $t = ${laneMax("$l", "e2")}, ${laneMin("$t", "e3")})`,
      `($t = e2 * 2, ${laneMin("$t", "e3")})`,
    ]
  ) {
    assert.ok(leanBody(`$f1 = Math.fround(${e});`).startsWith("$f1 = $math_fround("), e);
  }
  // The values: each operand, a NaN, and the zeros' signs as Wasm orders them.
  const values = [0.5, -0.25, 0, -0, NaN, Infinity, -Infinity, 1e-40];
  const min = new Function("e2", "e3", `return ${laneMin("e2", "e3")};`);
  const max = new Function("e2", "e3", `return ${laneMax("e2", "e3")};`);
  for (const a of values.map(Math.fround)) {
    for (const b of values.map(Math.fround)) {
      assert.ok(Object.is(min(a, b), Math.fround(f32LaneMin(a, b))), `${a} ${b}`);
      assert.ok(Object.is(max(a, b), Math.fround(f32LaneMax(a, b))), `${a} ${b}`);
    }
  }
});

Deno.test("codegen lean: an entry drops the declarations it never reads, takes its arguments", () => {
  const source = `"use strict";
const make = function make($store, $inst) {
const direct = function direct(st, depth, nesting, fp, $a0_0, $a1_0) {
const store = $store, inst = $inst;
let s32 = st.s32;
let frames = st.frames;
let pc = 0;
let r0 = 0, h0 = 0, r4 = 0, r8 = 0;
r0 = $a0_0; h0 = 0;
r4 = $a1_0;
r8 = Math.imul(r0, r4) + Math.imul(h0, 668265295);
if (r8 === 7) { s32[fp] = r8; return inst; }
return r8;
};
return direct;
};`;
  const out = leanSource(source);
  // The arguments are the registers' parameters; `inst` is read where it is used; `r8`'s zero,
  // which its one read never sees, is not set.
  const entry = "function direct(st, depth, nesting, fp, r0, r4) {\n";
  assert.ok(out.includes(entry), out);
  const body = out.slice(out.indexOf(entry) + entry.length, out.indexOf("\n};"));
  assert.equal(
    body,
    `const $lmath_imul = $math_imul;
let s32 = st.s32;
let h0 = 0;
var r8;
r8 = $lmath_imul(r0, r4) + $lmath_imul(h0, 668265295);
if (r8 === 7) { s32[fp] = r8; return $inst; }
return r8;`,
  );
  // What is left computes what the source did.
  const st = { s32: new Int32Array(4), frames: [] };
  const run = (src: string, a: number, b: number) =>
    new Function(src.replace(/^"use strict";\n/, "") + "\nreturn make(null, 'I');")()(
      st,
      0,
      0,
      1,
      a,
      b,
    );
  for (const [a, b] of [[3, 4], [7, 1], [-5, 0x7fffffff]]) {
    assert.equal(run(out, a, b), run(source, a, b));
  }
  // A declaration whose initializer may throw stays, read or not.
  const kept = leanSource(
    source.replace("let pc = 0;", "let pc = 0;\nlet memLen = mview.byteLength;"),
  );
  assert.ok(kept.includes("let memLen = mview.byteLength;"), kept);
});

Deno.test("codegen lean: leaf and recursive entries agree with the interpreter", () => {
  const bytes = wat(`(module
    (func $leaf (param i32 i32) (result i32) (i32.xor (i32.add (local.get 0) (local.get 1))
      (i32.shr_u (local.get 0) (i32.const 11))))
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (call $leaf
          (call $fib (i32.sub (local.get 0) (i32.const 1)))
          (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`);
  for (const consumeFuel of [false, true]) {
    const run = (tier: "interpreter" | "codegen") => {
      const engine = new Engine(
        new Config({ executionTier: tier, codegenStyle: "lean", consumeFuel }),
      );
      const store = new Store(engine, null);
      if (consumeFuel) store.setFuel(1_000_000);
      const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
      const fib = instance.getTypedFunc<[number], number>(store, "fib");
      const result = fib.call(store, 18);
      return { result, again: fib.call(store, 12), fuel: consumeFuel && store.getFuel() };
    };
    assert.deepEqual(run("codegen"), run("interpreter"));
  }
});

Deno.test("codegen lean: a load every read re-does first is not done on entry", () => {
  const entry = (body: string) => {
    const out = leanSource(`"use strict";
const make = function make($store, $inst) {
const direct = function direct(st, depth, nesting, fp, $a0_0) {
let frames = st.frames;
${body}
};
return direct;
};`);
    return out.slice(out.indexOf("$a0_0) {\n") + 9, out.indexOf("\n};"));
  };
  // Each read after `frames = st.frames;` in its block or an enclosing one: the entry's is dead.
  const dead = "if (nesting > 1) {\nframes = st.frames;\nframes[depth] = 1;\n" +
    "if (fp) {\nframes[fp] = 2;\n}\n}\nframes = st.frames; frames[0] = $a0_0;";
  assert.equal(entry(dead), `var frames;\n${dead}`);
  // A read before any, one after a conditional one, one in a later case of a switch, one on the
  // right of its own assignment: the entry's load stays.
  for (
    const live of [
      "frames[0] = 1;\nframes = st.frames;",
      "if (fp) {\nframes = st.frames;\n}\nframes[0] = 1;",
      "if (fp) frames = st.frames;\nframes[0] = 1;",
      "switch (fp) {\ncase 0:\nframes = st.frames;\ncase 1:\nframes[0] = 1;\n}",
      "frames = frames.concat([]);",
    ]
  ) assert.equal(entry(live), `let frames = st.frames;\n${live}`, live);
});

Deno.test("codegen lean: an entry without a loop reads store and inst where it uses them", () => {
  const entry = (body: string) => {
    const out = leanSource(`"use strict";
const make = function make($store, $inst) {
const direct = function direct(st, depth, nesting, fp, $a0_0) {
const store = $store, inst = $inst;
${body}
};
return direct;
};`);
    return out.slice(out.indexOf("$a0_0) {\n") + 9, out.indexOf("\n};"));
  };
  assert.equal(
    entry("if ($a0_0 === 0) return callOut(inst.funcs[0], st, store, inst.store);\nreturn 1;"),
    "if ($a0_0 === 0) return callOut($inst.funcs[0], st, $store, $inst.store);\nreturn 1;",
  );
  // With a loop (a use may run many times per call) or a name it cannot tell apart: kept.
  for (
    const body of [
      "for (;;) {\nif (inst.funcs[$a0_0]) break;\n}\nreturn store;",
      "return { store, x: inst };",
      "return f(inst ? store : 0);",
    ]
  ) assert.ok(entry(body).startsWith("const store = $store, inst = $inst;\n"), body);
});

Deno.test("codegen lean: an entry returns a register without copying it to $res", () => {
  const entry = (body: string) => {
    const out = leanSource(`"use strict";
const make = function make($store, $inst) {
const direct = function direct(st, depth, nesting, fp, $a0_0) {
let r0 = $a0_0, r4 = 0;
let $res = 0;
${body}
};
return direct;
};`);
    const head = "function direct(st, depth, nesting, fp, r0) {\n";
    assert.ok(out.includes(head), out);
    return out.slice(out.indexOf(head) + head.length, out.indexOf("\n};"));
  };
  assert.equal(
    entry(
      "if (r0) {\n$res = r0;\nreturn $res;\n}\nr4 = r0 + 1 | 0;\n$res = r4;\nHIGH[0] = 7;\nreturn $res;",
    ),
    "var r4;\nif (r0) {\nreturn r0;\n}\nr4 = r0 + 1 | 0;\nHIGH[0] = 7;\nreturn r4;",
  );
  // A value read from the frame is not moved past the high word's store; any other use keeps it.
  const kept = "$res = s32[fp + 1];\nHIGH[0] = 7;\nreturn $res;";
  assert.equal(entry(kept), `var $res;\n${kept}`);
});

const CALLS = wat(`(module
  (type $unary (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $inc $triple $flip $deep)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $triple (type $unary) (i32.mul (local.get 0) (i32.const 3)))
  (func $flip (type $unary) (i32.xor (local.get 0) (i32.const 0x5555)))
  ;; Recursion 150 deep: its calls cross the depth window (32 frames) both ways.
  (func $deep (type $unary)
    (if (result i32) (i32.lt_u (i32.and (local.get 0) (i32.const 255)) (i32.const 150))
      (then (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 2)))
      (else (local.get 0))))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (call_indirect (type $unary)
        (i32.shl (local.get $acc) (i32.const 8)) (i32.and (local.get $i) (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $acc)))`);

Deno.test("codegen lean: indirect targets, leaves and recursion across the depth window compute as the interpreter", () => {
  const run = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const { store, instance } = instantiateIn(tier, style, CALLS);
    const f = instance.getTypedFunc<[number], number>(store, "run");
    // Past the tier-up threshold: the first calls may run in the interpreter.
    const results = [0, 1, 5, 4000, 4001, 4003].map((n) => f.call(store, n));
    const funcs = instances.entity(store, instance).funcs;
    const sources = funcs.map((func) => {
      const body = "compiled" in func ? func.compiled?.generated : null;
      return String((body as { directFor?: unknown } | null | undefined)?.directFor ?? body);
    });
    return { results, sources };
  };
  const reference = run("interpreter", "jit").results;
  assert.deepEqual(run("codegen", "jit").results, reference);
  const lean = run("codegen", "lean");
  assert.deepEqual(lean.results, reference);
  // A leaf computes no window nesting; the recursion tests its window by the low bits; the
  // indirect site keeps no slots for other targets.
  const leaf = lean.sources[0]!.split("var wasm")[0]!;
  assert.ok(leaf.includes("function direct(") && !/\bnesting\b/.test(leaf), leaf);
  assert.ok(lean.sources[3]!.includes("if (~depth & 31) {"), lean.sources[3]);
  assert.ok(!lean.sources[4]!.includes("$p"), lean.sources[4]);
});

/**
 * A `call_indirect` whose index may be past the table's end, at a null element, at a function
 * of another type, or at an element `table.grow` added: each call returns its result or the
 * trap's message.
 */
const INDIRECT = wat(`(module
  (type $unary (func (param i32) (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (table $t 4 funcref)
  (elem (i32.const 0) $inc $triple $wrong)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $triple (type $unary) (i32.mul (local.get 0) (i32.const 3)))
  (func $wrong (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func (export "grow") (result i32) (table.grow $t (ref.func $inc) (i32.const 2)))
  (func (export "run") (param $n i32) (param $k i32) (result i32) (local $i i32) (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (call_indirect (type $unary)
        (i32.add (local.get $acc) (local.get $i))
        (i32.add (i32.and (local.get $i) (i32.const 1)) (local.get $k))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $acc)))`);

Deno.test("codegen lean: an indirect callee looked up inline traps and grows as the interpreter", () => {
  const run = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const { store, instance } = instantiateIn(tier, style, INDIRECT);
    const f = instance.getTypedFunc<[number, number], number>(store, "run");
    const grow = instance.getTypedFunc<[], number>(store, "grow");
    const attempt = (n: number, k: number) => {
      try {
        return f.call(store, n, k);
      } catch (e) {
        return (e as Error).message;
      }
    };
    // The index is `(i & 1) + k`. Warm (k 0: $inc and $triple), then each way out: a null
    // element (k 3), the wrong type (k 2), past the end (k 6); then grown, indices 4 and 5
    // hold $inc (k 4), and 6 is past the end again (k 5, from its second call).
    const results: (number | string)[] = [4000, 4001].map((n) => attempt(n, 0));
    for (const k of [3, 2, 6]) results.push(attempt(4000, k));
    results.push(grow.call(store));
    for (const n of [4, 7]) results.push(attempt(n, 4));
    for (const n of [1, 2]) results.push(attempt(n, 5));
    const funcs = instances.entity(store, instance).funcs;
    const body = (funcs[4] as { compiled?: { generated?: { directFor?: unknown } } }).compiled
      ?.generated;
    return { results, source: String(body?.directFor ?? body) };
  };
  const reference = run("interpreter", "jit").results;
  // Three traps (null, wrong type, out of bounds), each at least once.
  assert.equal(new Set(reference.filter((r) => typeof r === "string")).size, 3, String(reference));
  assert.deepEqual(run("codegen", "jit").results, reference);
  const lean = run("codegen", "lean");
  assert.deepEqual(lean.results, reference);
  // The lean source looks the callee up itself and keeps the helper for what it rejects.
  assert.ok(
    lean.source.includes("$tc.typeId === inst.typeIds[0] ? $tc : indirectCallee("),
    lean.source,
  );
});

Deno.test("codegen lean: a register's zero goes only where every read follows a write", () => {
  const source = `"use strict";
const make = function make($store, $inst) {
const direct = function direct(st, depth, nesting, fp, $a0_0) {
let r0 = $a0_0, r4 = 0, r8 = 0, r12 = 0;
if (r0 > 2) {
r4 = r0 + 1 | 0;
}
r8 = r0 * 3 | 0;
r12 = r4 + r8 | 0;
return r12;
};
return direct;
};`;
  const out = leanSource(source);
  // `r4` is read where the `if` may not have set it: its zero stays; `r8` and `r12` are set
  // before every read; `r0` is the parameter.
  assert.ok(
    out.includes("function direct(st, depth, nesting, fp, r0) {\nlet r4 = 0;\nvar r8, r12;\n"),
    out,
  );
  const run = (src: string, a: number) =>
    new Function(src.replace(/^"use strict";\n/, "") + "\nreturn make(null, null);")()(
      null,
      0,
      0,
      0,
      a,
    );
  for (const a of [0, 2, 3, 100, -7]) assert.equal(run(out, a), run(source, a));
});

Deno.test("codegen lean: a scalar f32 clamp on a local compares inline, keeps the interpreter's bits", () => {
  // As bench/vec_float.c's scalar clamp: an f32 loaded, clamped and stored as an f32, the
  // value a local (`$f`); the second clamp's bounds include a zero, whose sign matters.
  const bytes = wat(`(module
  (memory 1)
  (func (export "set") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.load offset=4096 (local.get 0)))
  (func (export "clamp") (param $n i32) (param $zero i32)
    (local $i i32)
    (loop
      (if (local.get $zero)
        (then (f32.store offset=4096 (local.get $i)
          (f32.max (f32.min (f32.load (local.get $i)) (f32.const 0)) (f32.const -2))))
        (else (f32.store offset=4096 (local.get $i)
          (f32.min (f32.max (f32.load (local.get $i)) (f32.const -0.5)) (f32.const 0.5)))))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $n))))))`);
  const f32Bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0]!;
  const inputs = [0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800001, 0xff800123, 0x80000000, 0, 1]
    .map((b) => b | 0)
    .concat([Infinity, -Infinity, 0.25, -0.25, 0.5, -0.5, 0.75, -3, 1e30, -2].map(f32Bits));
  const results = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const { store, instance } = instantiateIn(tier, style, bytes);
    const set = instance.getTypedFunc<[number, number], void>(store, "set");
    const get = instance.getTypedFunc<[number], number>(store, "get");
    const clamp = instance.getTypedFunc<[number, number], void>(store, "clamp");
    inputs.forEach((bits, i) => set.call(store, 4 * i, bits));
    const out: number[] = [];
    for (const zero of [0, 1]) {
      clamp.call(store, 4 * inputs.length, zero);
      out.push(...inputs.map((_, i) => get.call(store, 4 * i)));
    }
    const func = instances.entity(store, instance).funcs[2]!;
    const body = "compiled" in func ? func.compiled?.generated : null;
    const direct = (body as { directFor?: unknown } | null | undefined)?.directFor;
    return { out, source: String(direct ?? body) };
  };
  const expected = results("interpreter", "jit").out;
  assert.equal(expected[5], f32Bits(-0));
  assert.equal(expected[inputs.length + 6], 0);
  assert.equal(expected[inputs.length + 5], f32Bits(-0));
  const lean = results("codegen", "lean");
  assert.deepEqual(lean.out, expected);
  assert.deepEqual(results("codegen", "jit").out, expected);
  // The bounds other than zero compare inline, not rounded again; the zero's clamp calls.
  assert.ok(lean.source.includes("<= (-0.5) ? (-0.5) : $f"), lean.source);
  assert.ok(
    /\$m = \$m >= 0\.5 \? 0\.5 : \$m;\n\$f\d+ = \$m !== \$m \? 0 \/ 0 : \$m;/.test(lean.source),
    lean.source,
  );
  assert.ok(lean.source.includes("$math_min($f"), lean.source);
});

Deno.test("codegen lean: a call site's result is declared once, where every read follows its call", () => {
  const site = (arg: string) =>
    `{
let $r;
if (~depth & 31) {
  try {
    $r = direct(st, depth + 1, fp + 4, ${arg});
  } catch (e) {
    throw e;
  }
} else {
  $r = -1;
}
if ($r === 7) return 0;
r4 = $r + r4 | 0;
}`;
  const source = (tail: string) =>
    `"use strict";
const make = function make($store, $inst) {
const direct = function direct(st, depth, fp, $a0_0) {
let r0 = $a0_0, r4 = 0;
if (r0 < 2) return r0;
${site("r0 - 1 | 0")}
${site("r0 - 2 | 0")}
${tail}return r4;
};
return direct;
};`;
  const out = leanSource(source(""));
  assert.ok(out.includes("function direct(st, depth, fp, r0) {\nvar $r;\n"), out);
  assert.ok(!out.includes("let $r;"), out);
  // What is left computes what the source did: the sum of the two calls' results, each less
  // the depth window's fallback (-1) for the calls past it.
  const run = (src: string, n: number) =>
    new Function(src.replace(/^"use strict";\n/, "") + "\nreturn make(null, null);")()(
      null,
      0,
      0,
      n,
    );
  for (const n of [0, 1, 5, 12]) assert.equal(run(out, n), run(source(""), n));
  // A read of `$r` outside the sites' blocks (another binding's): left as it was.
  const outside = leanSource(source("r4 = typeof $r === 'number' ? 1 : r4;\n"));
  assert.equal(outside.split("let $r;").length, 3, outside);
});

Deno.test("codegen lean: a rounding only float32 stores read is left to them", () => {
  const sum = "$f1 = Math.fround(e2 + e3);";
  const rounded = (body: string) => /\$f1 = \$l?math_fround\(e2 \+ e3\);/.test(leanBody(body));
  // Stored (aligned or not), then assigned again: the stores round.
  const stored = `{
if ($ea > $memLim16) throw trap(1);
if ($ea & 3) {
mview.setFloat32($ea, $f1, true);
} else {
mf32[$ix] = $f1;
}
}`;
  assert.ok(!rounded(`${sum}\n${stored}\n$f1 = e4;`));
  // Assigned again in both arms of an `if`, before any read.
  assert.ok(
    !rounded(
      `${sum}\n${stored}\nif ($ea & 3) {\n$f1 = e4;\n} else {\nconst $ix = 1;\n$f1 = e5;\n}`,
    ),
  );
  // Through a loop's back edge to a head that assigns it, and past the loop to one that does.
  assert.ok(
    !rounded(
      `L1: for (;;) {\n$f1 = e4;\n${sum}\n${stored}\nif (r4 !== 0) {\ncontinue L1;\n}\nbreak L1;\n}\n$f1 = e6;`,
    ),
  );
  // Anything else keeps it: a read that is no float32 store, an assignment in one arm only, a
  // read of it on the way to the next assignment, a loop whose head reads it, a return.
  for (
    const after of [
      `${stored}\nr1 = f32Bits($f1);`,
      `${stored}\nif (c) {\n$f1 = e4;\n}\n$f1 = e5;`.replace("\n$f1 = e5;", "\nr1 = $f1;"),
      `${stored}\n$f1 = $f1 + e4;`,
      `${stored}\ns32[fp + 1] = $f1;\n$f1 = e4;`,
      `${stored}\nreturn 0;`,
      `${stored}\nif (c) {\n$f1 = e4;\n} else {\nr1 = $f1;\n}`,
    ]
  ) {
    assert.ok(rounded(`${sum}\n${after}`), after);
  }
  assert.ok(
    rounded(`L1: for (;;) {\nr1 = $f1 | 0;\n${sum}\n${stored}\ncontinue L1;\n}`),
    "a head that reads it",
  );
});

Deno.test("codegen lean: a store's own rounding keeps the interpreter's bits", () => {
  // f32x4 sums stored and then overwritten (saxpy's shape), NaNs with payloads among them.
  const bytes = wat(`(module
  (memory (export "memory") 1)
  (func (export "saxpy") (param $n i32) (result i64)
    (local $i i32)
    (loop
      (v128.store offset=1024 (local.get $i)
        (f32x4.add (f32x4.mul (v128.load (local.get $i)) (v128.const f32x4 1.5 -2 0.1 3))
          (v128.load offset=1024 (local.get $i))))
      (v128.store offset=2048 (local.get $i)
        (f32x4.add (f32x4.mul (v128.load (local.get $i)) (v128.const f32x4 0.3 7 -1e30 1e-30))
          (v128.load offset=2048 (local.get $i))))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16)))
        (local.get $n))))
    (i64.add (i64.load offset=1024 (i32.const 0))
      (i64.add (i64.load offset=1032 (i32.const 0)) (i64.load offset=2056 (i32.const 16)))))
  (func (export "fill") (param $bits i32)
    (local $i i32)
    (loop
      (i32.store (local.get $i) (i32.add (local.get $bits) (i32.mul (local.get $i) (i32.const 0x10001))))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4)))
        (i32.const 3072))))))`);
  const results = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const { store, instance } = instantiateIn(tier, style, bytes);
    const out: bigint[] = [];
    // Ordinary floats, then NaNs with payloads (0x7fc00001..., 0xff800001...), infinities.
    for (const bits of [0x3f800000, 0x7fc00001, 0xff800001 | 0, 0x7f7fffff, 0x00000001]) {
      instance.getTypedFunc<[number], void>(store, "fill").call(store, bits);
      out.push(instance.getTypedFunc<[number], bigint>(store, "saxpy").call(store, 512));
      const memory = new Uint8Array(instance.getMemory(store, "memory")?.data(store) ?? []);
      out.push(BigInt(memory.slice(1024, 3072).reduce((h, b) => (h * 31 + b) | 0, 7)));
    }
    return out;
  };
  const expected = results("interpreter", "jit");
  assert.deepEqual(results("codegen", "lean"), expected);
  assert.deepEqual(results("codegen", "jit"), expected);
  // The lanes' sums are left unrounded (the pass did fire here).
  const { store, instance } = instantiateIn("codegen", "lean", bytes);
  instance.getTypedFunc<[number], bigint>(store, "saxpy").call(store, 16);
  const func = instances.entity(store, instance).funcs[0]!;
  const body = ("compiled" in func ? func.compiled?.generated : null) as
    | { directFor?: unknown }
    | null
    | undefined;
  assert.match(String(body?.directFor ?? body), /^\$f\d+ = \$f\d+ \+ [$\w]+;$/m);
});

/**
 * A list of `n` structs built in a loop, whose last `next` is an i31, walked by its `next`
 * fields, then an array of a null, an i31 and the list read back: collections run while the
 * list is built (past the handle table's limit), so the walk reads nodes whose handles the
 * sweep took back (given new ones) as well as nodes that kept theirs, each step allocating
 * a struct that takes the sweep's next free entry (the node just read must be marked in use).
 * Its `struct.new` and `array.new_fixed` store references their handles name.
 */
const FIELD_REFS = await parse(`(module
  (type $node (struct (field $next (mut anyref)) (field $v i32)))
  (type $arr (array (mut anyref)))
  (func $build (param $n i32) (result anyref)
    (local $h anyref) (local $i i32)
    (local.set $h (ref.i31 (i32.const 7)))
    (loop $l
      (local.set $h (struct.new $node (local.get $h) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $h))
  (func (export "walk") (param $n i32) (result i32)
    (local $p anyref) (local $sum i32) (local $a (ref $arr))
    (local.set $p (call $build (local.get $n)))
    (local.set $a (array.new_fixed $arr 3 (ref.null any) (ref.i31 (i32.const 5)) (local.get $p)))
    (block $done (loop $l
      (br_if $done (i32.eqz (ref.test (ref $node) (local.get $p))))
      (local.set $sum (i32.add (local.get $sum)
        (struct.get $node $v (ref.cast (ref $node) (local.get $p)))))
      (local.set $p (struct.get $node $next (ref.cast (ref $node) (local.get $p))))
      ;; Garbage: it takes the sweep's next free entry, never one a read marked in use.
      (drop (struct.new $node (ref.null any) (i32.const -1)))
      (br $l)))
    (i32.add
      (i32.add (local.get $sum)
        (i32.mul (i31.get_s (ref.cast (ref i31) (local.get $p))) (i32.const 1000000)))
      (i32.add
        (i32.mul (ref.is_null (array.get $arr (local.get $a) (i32.const 0))) (i32.const 100000000))
        (i32.add
          (i32.mul (i31.get_s (ref.cast (ref i31) (array.get $arr (local.get $a) (i32.const 1))))
            (i32.const 200000000))
          (i32.mul (ref.test (ref $node) (array.get $arr (local.get $a) (i32.const 2)))
            (i32.const 300000000)))))))`);

Deno.test("codegen lean: a reference read from a field takes its handle inline, as the interpreter", () => {
  const run = (tier: "interpreter" | "codegen", style: "jit" | "lean") => {
    const engine = new Engine(
      new Config({ executionTier: tier, codegenStyle: style, wasmGc: true }),
    );
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, FIELD_REFS));
    const walk = instance.getTypedFunc<[number], number>(store, "walk");
    const results = [0, 1, 3, 20_000, 20_000].map((n) => walk.call(store, n));
    const funcs = instances.entity(store, instance).funcs;
    const sourceOf = (k: number) => {
      const body = (funcs[k] as { compiled?: { generated?: { directFor?: unknown } } }).compiled
        ?.generated;
      return String(body?.directFor ?? body);
    };
    const collections = storeInner(store).gc.collections;
    return { results, source: sourceOf(1), build: sourceOf(0), collections };
  };
  const reference = run("interpreter", "jit");
  assert.ok(reference.collections > 0, "the list's build collects");
  assert.deepEqual(run("codegen", "jit").results, reference.results);
  const lean = run("codegen", "lean");
  assert.deepEqual(lean.results, reference.results);
  assert.ok(lean.collections > 0, "the list's build collects");
  // Each field and element read converts inline; `handleOf` only gives a handle.
  assert.ok(!lean.source.includes("handleOfRef("), lean.source);
  assert.ok(lean.source.includes("else if ($hv.id !== 0) {\n"), lean.source);
  assert.ok(lean.source.includes(".gc.handleOf($hv);"), lean.source);
  // The handles `struct.new` and `array.new_fixed` store are made references inline.
  for (const source of [lean.build, lean.source]) {
    assert.ok(!source.includes("refOfHandle("), source);
    assert.ok(source.includes(" & 1) !== 0 ? ") && source.includes(" >>> 1] ?? null)"), source);
  }
});
