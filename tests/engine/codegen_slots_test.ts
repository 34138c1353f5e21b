/**
 * Short-lived slot values in JS locals (`src/engine/codegen_slots.ts`): which values the
 * generator keeps apart from the value stack, and that code doing so computes what the
 * interpreter computes, NaN bits included.
 */

import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";
import { charge as chargeJs, generateSource } from "../../src/engine/codegen.ts";
import { instances } from "../../src/runtime/handles.ts";
import {
  f32Bits,
  f32Of,
  f64Hi,
  f64Lo,
  f64Of,
  isInt32Expr,
  numberSlots,
  splitSlotValues,
} from "../../src/engine/codegen_slots.ts";

const LOAD = (k: number, at: string) =>
  `{\nconst ea = (${at} >>> 0) + (0 >>> 0);\nif (ea + 8 > memLen) throw trap(TrapCode.MemoryOutOfBounds);\n` +
  `s32[(fp + ${k})] = mview.getInt32(ea, true);\ns32[(fp + ${k}) + 1] = mview.getInt32(ea + 4, true);\n}`;
const STORE = (k: number, at: string) =>
  `{\nconst ea = (${at} >>> 0) + (0 >>> 0);\nif (ea + 8 > memLen) throw trap(TrapCode.MemoryOutOfBounds);\n` +
  `mview.setInt32(ea, s32[(fp + ${k})], true);\nmview.setInt32(ea + 4, s32[(fp + ${k}) + 1], true);\n}`;
const MUL = (d: number, a: number, b: number) =>
  `f64[(fp + ${d}) >> 1] = f64[(fp + ${a}) >> 1] * f64[(fp + ${b}) >> 1];`;
const SHL = (d: number, a: number) => `s32[(fp + ${d})] = s32[(fp + ${a})] << 3;`;

/** `texts` as instructions, split with the structure `entryOf` (none: a dispatch body). */
function split(texts: string[], entryOf: Map<number, number> | null = new Map()) {
  return splitSlotValues(texts, texts.map(() => true), entryOf, new Set());
}

Deno.test("codegen slots: isInt32Expr knows an int32 by its top-level bitwise operators", () => {
  for (
    const e of [
      "a | b",
      "(a + b) | 0",
      "((x >>> 16) & 255) | (x & -256)",
      "-a & 3",
      "a >> 3",
      "mview.getInt32($ea + 4, true)",
      "Math.imul(a, b)",
    ]
  ) {
    assert.ok(isInt32Expr(e), e);
  }
  for (
    const e of [
      "a + b",
      "a >>> 3",
      "(x & 255) * 16843009",
      "a ? b | 1 : c",
      "a + b | c",
      "x",
      "a, b | c",
      "mview.getUint32(ea, true)",
      "mview.getInt32(ea, true) + 1",
    ]
  ) assert.ok(!isInt32Expr(e), e);
});

Deno.test("codegen slots: a loaded f64 read by arithmetic, then overwritten, is a number", () => {
  const { texts, locals } = split([LOAD(8, "r4"), MUL(8, 8, 8), STORE(8, "r4"), SHL(8, 0)]);
  assert.match(texts[0]!, /\$n8 = mview\.getFloat64\(ea, true\);/);
  assert.match(texts[1]!, /\$n8 = \$n8 \* \$n8;/);
  // Written by arithmetic and stored: one setFloat64 of the number.
  assert.match(texts[2]!, /mview\.setFloat64\(ea, \$n8, true\);/);
  // An int32 already (a shift): no `| 0`.
  assert.equal(texts[3], "$w8 = s32[(fp + 0)] << 3;");
  assert.deepEqual(locals.sort(), ["$n8", "$w8"]);
});

Deno.test("codegen slots: a loaded f64 stored as it is keeps its words", () => {
  // The bits of a signalling NaN must reach memory unchanged: no number in between.
  const { texts } = split([LOAD(8, "r4"), STORE(8, "r0"), SHL(8, 0)]);
  assert.doesNotMatch(texts[0]!, /getFloat64/);
  assert.match(texts[0]!, /\$w8 = mview\.getInt32\(ea, true\);/);
  assert.match(texts[1]!, /mview\.setInt32\(ea, \$w8, true\);/);
  assert.match(texts[1]!, /mview\.setInt32\(ea \+ 4, \$x8, true\);/);
});

Deno.test("codegen slots: values live past their run, or written conditionally, stay", () => {
  // Not overwritten before the end, where a dispatch body may read it again.
  const live = [LOAD(8, "r4"), MUL(12, 8, 8)];
  assert.deepEqual(split(live, null).texts, live);
  // Overwritten only when a condition holds: the old value may still be read.
  const cond = [MUL(8, 4, 4), `if (r0 !== 0) {\n${SHL(8, 0)}\n}`, MUL(12, 8, 8)];
  assert.deepEqual(split(cond).texts.slice(0, 2), cond.slice(0, 2));
  assert.match(split(cond).texts[2]!, /= f64\[\(fp \+ 8\) >> 1\] \* f64\[\(fp \+ 8\) >> 1\];$/);
  // Reached by a helper by index.
  const helper = [MUL(8, 4, 4), "f64AbsBits(s32, (fp + 12), (fp + 8));", SHL(8, 0)];
  assert.deepEqual(split(helper).texts.slice(0, 2), helper.slice(0, 2));
  // A sync point between the write and the overwrite.
  const sync = [MUL(8, 4, 4), "/*flush*/\nfoo();", SHL(8, 0)];
  assert.deepEqual(split(sync).texts.slice(0, 2), sync.slice(0, 2));
  // Dead at the end of structured code (the body returns without reading it): kept apart.
  const dead = [MUL(8, 4, 4), MUL(12, 8, 8), "/*flush<4*/\n/*fuelout*/\nreturn 11;"];
  assert.match(split(dead).texts[0]!, /\$n8 = /);
});

Deno.test("codegen slots: conversions between a number and its words are the value stack's", () => {
  for (const [lo, hi] of [[0, 0], [1, 0x7ff00000], [0, -0x80000000], [-1, 0x3ff00000]]) {
    const x = f64Of(lo!, hi!);
    assert.equal(f64Lo(x), lo);
    assert.equal(f64Hi(x), hi);
  }
});

/** The bytes of memory after `run` in each tier (the module reuses scratch slots by type). */
const MEMORY_NAN = wat(`(module
  (memory (export "mem") 1)
  (func (export "run") (param $n i32) (result f64)
    (local $i i32) (local $acc f64) (local $x f64) (local $y f64)
    ;; memory[0..8): a signalling NaN with a payload, memory[8..16): 1.5
    (i64.store (i32.const 0) (i64.const 0x7ff0000000000123))
    (i32.store (i32.const 620) (i32.const 0x7f800042))
    (f64.store (i32.const 8) (f64.const 1.5))
    (loop $l
      ;; copy the NaN as an f64: its bits must arrive unchanged
      (f64.store (i32.add (i32.const 16) (i32.shl (local.get $i) (i32.const 3)))
        (f64.load (i32.const 0)))
      ;; arithmetic on a loaded f64, stored
      (f64.store (i32.add (i32.const 256) (i32.shl (local.get $i) (i32.const 3)))
        (f64.mul (f64.load (i32.const 8)) (f64.convert_i32_u (local.get $i))))
      (local.set $acc (f64.add (local.get $acc)
        (f64.mul (f64.load (i32.const 8)) (f64.load (i32.const 8)))))
      ;; an f64 local loaded and stored as it is, and one holding a signalling NaN constant
      (local.set $x (f64.load (i32.const 0)))
      (f64.store (i32.const 600) (local.get $x))
      (local.set $y (f64.const nan:0x4))
      (f64.store (i32.const 608) (local.get $y))
      (local.set $y (f64.add (local.get $y) (local.get $x)))
      ;; f32: a signalling NaN copied, and arithmetic on loaded f32s, stored
      (f32.store (i32.const 616) (f32.load (i32.const 620)))
      (f32.store (i32.add (i32.const 624) (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 2)))
        (f32.add (f32.mul (f32.load (i32.const 620)) (f32.const 0.75))
          (f32.mul (f32.convert_i32_u (local.get $i)) (f32.const 0.5))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    ;; a NaN from arithmetic on the signalling NaN, stored
    (f64.store (i32.const 512) (f64.add (f64.load (i32.const 0)) (f64.const 1)))
    (local.get $acc)))`);

Deno.test("codegen slots: memory and results equal the interpreter's, NaN bits included", () => {
  const results = (["interpreter", "codegen"] as const).map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, MEMORY_NAN));
    // Enough iterations, and calls, for V8 to optimize the generated code (where its moves of
    // a number may quiet a signalling NaN).
    const run = instance.getTypedFunc<[number], number>(store, "run");
    for (let i = 0; i < 5; i++) run.call(store, 3000);
    const result = run.call(store, 20);
    const bytes = instance.getMemory(store, "mem")!.data(store).slice(0, 660);
    return { result, bytes: [...bytes] };
  });
  assert.deepEqual(results[1], results[0]);
  // The copied signalling NaN kept its bits.
  const view = new DataView(Uint8Array.from(results[1]!.bytes).buffer);
  assert.equal(view.getUint32(16, true), 0x123);
  assert.equal(view.getUint32(20, true), 0x7ff00000);
  assert.equal(view.getUint32(600, true), 0x123);
  assert.equal(view.getUint32(604, true), 0x7ff00000);
  assert.equal(view.getUint32(608, true), 4);
  assert.equal(view.getUint32(612, true), 0x7ff00000);
  assert.equal(view.getUint32(616, true), 0x7f800042);
  assert.equal(results[1]!.result, 2.25 * 20);
});

Deno.test("codegen slots: f64 slots spelled through the f64 view where a number keeps them", () => {
  const CONST = (k: number, lo: number, hi: number) =>
    `s32[(fp + ${k})] = ${lo};\ns32[(fp + ${k}) + 1] = ${hi};`;
  const ADD = (d: number, a: number, b: number) =>
    `f64[(fp + ${d}) >> 1] = f64[(fp + ${a}) >> 1] + f64[(fp + ${b}) >> 1];`;
  const texts = (list: string[]) => numberSlots(list, list.map(() => true), 4, 4);
  // An accumulator: a constant, arithmetic, stored.
  const acc = texts([CONST(8, 0, 0), LOAD(12, "r0"), ADD(8, 8, 12), STORE(8, "r4")]);
  assert.equal(acc[0], "f64[(fp + 8) >> 1] = 0;");
  assert.match(acc[1]!, /f64\[\(fp \+ 12\) >> 1\] = mview\.getFloat64\(ea, true\);/);
  assert.match(acc[3]!, /mview\.setFloat64\(ea, f64\[\(fp \+ 8\) >> 1\], true\);/);
  // Loaded and stored, a NaN constant stored, a parameter, a call's slots: words kept.
  for (
    const list of [
      [LOAD(8, "r0"), STORE(8, "r4")],
      [CONST(8, 4, 0x7ff00000), ADD(8, 8, 8), STORE(8, "r4")],
      [CONST(0, 0, 0), ADD(0, 0, 0), STORE(0, "r4")],
      [CONST(8, 0, 0), ADD(8, 8, 8), STORE(8, "r4"), "/*flush*/\n/*reload>=8*/"],
    ]
  ) assert.deepEqual(texts(list).slice(0, 3), list.slice(0, 3));
});

Deno.test("codegen slots: an f32 loaded, computed on and stored is a rounded number", () => {
  const LOAD32 = (k: number) =>
    `{\nconst ea = (r4 >>> 0) + (0 >>> 0);\nif (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);\n` +
    `s32[(fp + ${k})] = mview.getInt32(ea, true);\n}`;
  const STORE32 = (k: number) =>
    `{\nconst ea = (r4 >>> 0) + (0 >>> 0);\nif (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);\n` +
    `mview.setInt32(ea, s32[(fp + ${k})], true);\n}`;
  const { texts } = split([
    LOAD32(8),
    "s32[(fp + 12)] = 1061158912;",
    "f32[(fp + 8)] = f32[(fp + 8)] * f32[(fp + 12)];",
    STORE32(8),
    SHL(8, 0),
    SHL(12, 0),
  ]);
  assert.match(texts[0]!, /\$f8 = mview\.getFloat32\(ea, true\);/);
  assert.equal(texts[1], "$f12 = 0.75;");
  assert.equal(texts[2], "$f8 = Math.fround($f8 * $f12);");
  assert.match(texts[3]!, /mview\.setFloat32\(ea, \$f8, true\);/);
  // Loaded and stored as it is: words.
  const copy = split([LOAD32(8), STORE32(8), SHL(8, 0)]).texts;
  assert.doesNotMatch(copy.join("\n"), /Float32/);
  for (const bits of [0, 1, 0x3f400000, -0x80000000, 0x7f800000, 0x7fc00001]) {
    assert.equal(f32Bits(f32Of(bits)), bits);
  }
});

Deno.test("codegen slots: a fuel charge at a loop header keeps values dead across the back edge", () => {
  const charge = chargeJs(5, 0);
  const texts = [
    "L0: for (;;) {",
    charge,
    LOAD(8, "r4"),
    MUL(12, 8, 8),
    "if (r0 !== 0) {\n  continue L0;\n}",
    "break L0;\n}",
    "/*flush<4*/\n/*fuelout*/\nreturn 11;",
  ];
  const isInstruction = texts.map((t) => !/^(L0: for|break L0)/.test(t));
  const { texts: out } = splitSlotValues(texts, isInstruction, new Map([[0, 0]]), new Set());
  // The load's value is read once, then overwritten by the next iteration's load (past the
  // charge) or dead at the return.
  assert.match(out[2]!, /\$n8 = mview\.getFloat64\(ea, true\);/);
  assert.match(out[3]!, /= \$n8 \* \$n8;$/);
});

Deno.test("codegen slots: a back edge that pays the loop's charge keeps values dead across it", () => {
  const texts = [
    "L0: for (;;) {",
    LOAD(8, "r4"),
    MUL(12, 8, 8),
    `if (r0 !== 0) {\n${chargeJs(5, 0)}\ncontinue L0;\n}`,
    "break L0;\n}",
    "/*flush<4*/\n/*fuelout*/\nreturn 11;",
  ];
  const isInstruction = texts.map((t) => !/^(L0: for|break L0)/.test(t));
  const { texts: out } = splitSlotValues(texts, isInstruction, new Map([[0, 0]]), new Set());
  // Stopping at the charge continues at the loop header, where the load writes the slot again.
  assert.match(out[1]!, /\$n8 = mview\.getFloat64\(ea, true\);/);
  assert.match(out[2]!, /= \$n8 \* \$n8;$/);
});

Deno.test("codegen slots: bench/matmul's loaded f64s are numbers in the engine's generated body", async () => {
  // A whole function as the engine generates it: its return reads the same scratch slot as
  // words. Once, the return's code changed and both loads went back to the value stack, with
  // nothing failing but the benchmark (matmul 1.8x -> 9.7x native).
  const engine = new Engine(new Config({ executionTier: "codegen" }));
  const text = await Deno.readTextFile(new URL("../../bench/matmul.wat", import.meta.url));
  const store = new Store(engine, undefined);
  const instance = new Linker(engine).instantiate(store, new Module(engine, wat(text)));
  instance.getTypedFunc<[number], number>(store, "run").call(store, 3);
  let source = "";
  for (const func of instances.entity(store, instance).funcs) {
    if (func.isHost || func.compiled?.numResults !== 1) continue; // `run`, not `$reserve`
    const cf = func.compiled;
    const result = generateSource(cf.code, {
      numResults: 1,
      structured: true,
      paramWords: cf.paramWords,
      localWords: cf.localWords,
    });
    source = "reason" in result ? result.reason : result.source;
  }
  assert.equal(source.match(/= mview\.getFloat64\(ea, true\);/g)?.length, 2);
});
