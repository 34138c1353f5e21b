/**
 * `boundedLanes` (`src/engine/codegen_v128.ts`): the i16x8 carry fix and the unsigned narrows'
 * range tests are dropped only where the bits the operands' words may have show them needless
 * (no carry between halfwords at the boundary 0xffff, lanes in range), facts forgotten where
 * control may enter, where a call flushes, where a helper or another view reaches a word; and
 * whole functions (widen, add, shift, narrow; unsigned minima; carries that do cross) give the
 * interpreter's words in the codegen tier.
 */

import assert from "node:assert/strict";
import * as v128 from "../../src/engine/codegen_v128.ts";
import * as simd from "../../src/engine/simd.ts";
import { instances } from "../../src/runtime/handles.ts";
import { Config, Engine, Linker, Module, Store, Val } from "../../mod.ts";
import { laneProgramsAgree } from "../_lib/lanes.ts";
import { wat } from "../_lib/wabt.ts";
import { directSource } from "./harness.ts";

Deno.test("codegen simd3: the widenings spelled on words give the helper's words", () => {
  const edges = [0, -1, 0x7f, 0x80, 0xff, 0x7f80, 0x8000, 0x7fff, 0xffff, 0x80808080, 0x7f7f7f7f];
  let seed = 13;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
  for (const op of [0x87, 0x88, 0x89, 0x8a, 0xa7, 0xa8, 0xa9, 0xaa]) {
    // The result in another slot, and in the operand's own (the high words read after the low
    // ones are written).
    for (const dest of [12, 4]) {
      const call = `simdUnary(${op}, s32, (fp + ${dest}), (fp + 4));`;
      const js = v128.lowerV128(call);
      assert.notEqual(js, call, `${op} is spelled`);
      assert.doesNotMatch(js, /simdUnary/);
      const f = new Function("s32", "fp", `"use strict";\n${js}`);
      for (let round = 0; round < 200; round++) {
        const words = Int32Array.from(
          { length: 16 },
          () => next() & 1 ? edges[(next() >>> 8) % edges.length]! : next(),
        );
        const expected = words.slice();
        simd.simdUnary(op, expected, dest, 4);
        f(words, 0);
        assert.deepEqual(words, expected, `${op} into ${dest}`);
      }
    }
  }
});

/** A word `w` of bits `mask` (an instruction writing it from a word nothing is known of). */
const masked = (w: number, mask: number) => `s32[(fp + ${w})] = s32[(fp + 40)] & ${mask};`;
/** `halfSum`'s spelling of an i16x8.add of words `a` and `b` into `d`. */
const add = (d: number, a: string, b: string) =>
  `{\nlet $t;\ns32[(fp + ${d})] = ($t = ${a} + ${b}) - (($t ^ ${a} ^ ${b}) & 65536);\n}`;
const w = (k: number) => `s32[(fp + ${k})]`;
const run = (texts: string[], isInstruction = texts.map(() => true)) =>
  v128.boundedLanes(texts, isInstruction);

Deno.test("codegen simd3: boundedLanes drops a carry fix only where no carry can cross", () => {
  // The fix's local goes with the last fix.
  const plain = `{\ns32[(fp + 16)] = ${w(8)} + ${w(12)};\n}`;
  // Widened bytes, one of them doubled: no carry.
  assert.equal(run([masked(8, 0xff00ff), masked(12, 0x1fe01fe), add(16, w(8), w(12))])[2], plain);
  // At the boundary: 0x7fff + 0x8000 is 0xffff (dropped), 0x8000 + 0x8000 carries (kept).
  assert.equal(run([masked(8, 0x7fff), masked(12, 0x8000), add(16, w(8), w(12))])[2], plain);
  const carries = add(16, w(8), w(12));
  assert.equal(run([masked(8, 0x8000), masked(12, 0x8000), carries])[2], carries);
  // A literal operand counts as its bits (131074: 2 in each halfword).
  assert.equal(
    run([masked(8, 0x3fc03fc), add(16, w(8), "131074")])[1],
    `{\ns32[(fp + 16)] = ${w(8)} + 131074;\n}`,
  );
  assert.equal(run([masked(8, 0xfffe), add(16, w(8), "131074")])[1], add(16, w(8), "131074"));
  // A word nothing is known of (loaded): kept.
  assert.equal(run([masked(8, 0xff), add(16, w(8), w(12))])[1], add(16, w(8), w(12)));
  // Sums of sums: each halfword bounded on its own (0xff + 0x1fe + 0xff = 0x3fc, no carry).
  const chain = run([
    masked(8, 0xff00ff),
    masked(12, 0x1fe01fe),
    add(16, w(8), w(12)),
    masked(20, 0xff00ff),
    add(16, w(16), w(20)),
    add(16, w(16), "131074"),
  ]);
  assert.equal(chain[5], `{\ns32[(fp + 16)] = ${w(16)} + 131074;\n}`);
});

Deno.test("codegen simd3: boundedLanes forgets what control, calls and other views may change", () => {
  const facts = [masked(8, 0xff00ff), masked(12, 0xff00ff)];
  const sum = add(16, w(8), w(12));
  // Kept after a piece between runs (a label: control may enter with other values).
  assert.equal(run([...facts, "L3: for (;;) {", sum], [true, true, false, true])[3], sum);
  // Kept after a call's flush, a helper given the word, a write through the f32 view, a write
  // the statement parser does not read (a compound assignment), or a conditional write.
  for (
    const between of [
      "/*flush*/\nf(s32);",
      "helper(s32, (fp + 8));",
      "f32[(fp + 12)] = 1.5;",
      "s32[(fp + 12)] += 1;",
      "if (s32[(fp + 4)] !== 0) {\ns32[(fp + 12)] = s32[(fp + 40)];\n}",
    ]
  ) {
    assert.equal(run([...facts, between, sum])[3], sum, between);
  }
  // Two statements on a line: the second write is seen (the line is not one of the spellings').
  assert.equal(run([...facts, `s32[(fp + 4)] = 1; s32[(fp + 12)] = s32[(fp + 44)];`, sum])[3], sum);
  // A word rewritten from one nothing is known of: kept; rewritten with small bits: dropped.
  assert.equal(run([...facts, `s32[(fp + 12)] = s32[(fp + 44)];`, sum])[3], sum);
  assert.notEqual(run([...facts, masked(12, 0xff), sum])[3], sum);
  // An instruction writing the word before reading it reads the new value.
  const writesFirst = `s32[(fp + 8)] = s32[(fp + 44)];\n${sum}`;
  assert.equal(run([...facts, writesFirst])[2], writesFirst);
  // The lanes of a v128 slot (`(fp + k) + i`) are words of their own, as `(fp + k + i)`.
  const lane = add(16, "s32[(fp + 8) + 1]", w(12));
  assert.equal(
    run([masked(9, 0xff00ff), ...facts.slice(1), lane])[2],
    `{\ns32[(fp + 16)] = s32[(fp + 8) + 1] + ${w(12)};\n}`,
  );
  assert.equal(run([masked(10, 0xff00ff), ...facts.slice(1), lane])[2], lane);
});

Deno.test("codegen simd3: boundedLanes drops a mask only where no bit outside it may be set", () => {
  const shl = `s32[(fp + 16)] = (${w(8)} << 1) & -65538;`;
  // Widened bytes doubled: no bit reaches bit 16 or bit 0.
  assert.equal(run([masked(8, 0xff00ff), shl])[1], `s32[(fp + 16)] = (${w(8)} << 1);`);
  // A halfword's top bit would cross into the next lane: kept.
  assert.equal(run([masked(8, 0x80ff), shl])[1], shl);
  // Only a mask that is the whole value's last operation (`|` binds looser than `&`).
  const or = `s32[(fp + 16)] = ${w(12)} | ${w(8)} & 255;`;
  assert.equal(run([masked(8, 0xff), or])[1], or);
  assert.equal(
    run([masked(8, 0xff), `s32[(fp + 16)] = ${w(8)} & 16711935;`])[1],
    `s32[(fp + 16)] = ${w(8)};`,
  );
  // Halfword bounds add up before they become bits: a word doubled three times from 0xff is at
  // most 0x7f8 (bits 0x7ff), each sum reading the word it writes (the bounds before the write).
  const double = `s32[(fp + 8)] = ${w(8)} + ${w(8)};`;
  const mask = (c: number) => `s32[(fp + 16)] = ${w(8)} & ${c};`;
  assert.equal(
    run([masked(8, 0xff), double, double, double, mask(2047)])[4],
    `s32[(fp + 16)] = ${w(8)};`,
  );
  assert.equal(run([masked(8, 0xff), double, double, double, mask(1023)])[4], mask(1023));
});

Deno.test("codegen simd3: boundedLanes drops the narrows' tests only for lanes in range", () => {
  const u8 = (d: number, a: string, b: string) =>
    `s32[(fp + ${d})] = ((${a} | ${b}) & -16711936) === 0 ? (${a} | ${a} >>> 8) & 65535 | (${b} | ${b} >>> 8) << 16 : v128NarrowU8(${a}, ${b});`;
  const fastU8 = (d: number, a: string, b: string) =>
    `s32[(fp + ${d})] = ((${a} | ${a} >>> 8) & 65535 | (${b} | ${b} >>> 8) << 16);`;
  assert.equal(
    run([masked(8, 0xff00ff), masked(12, 0xff00ff), u8(16, w(8), w(12))])[2],
    fastU8(16, w(8), w(12)),
  );
  // A lane that may be 256: kept.
  const wide = u8(16, w(8), w(12));
  assert.equal(run([masked(8, 0x1ff00ff), masked(12, 0xff00ff), wide])[2], wide);
  // An unsigned minimum with 255 (`i32x4.min_u`, its words' top bits flipped): in range of
  // either narrow, whatever the other operand.
  const minU = (d: number) =>
    `s32[(fp + ${d})] = Math.min(s32[(fp + 40)] ^ -2147483648, 255 ^ -2147483648) ^ -2147483648;`;
  const u16 = `s32[(fp + 16)] = (${w(8)} | ${w(12)}) >>> 16 === 0 ? ${w(8)} | ${
    w(12)
  } << 16 : v128NarrowU16(${w(8)}, ${w(12)});`;
  assert.equal(
    run([minU(8), minU(12), u16])[2],
    `s32[(fp + 16)] = (${w(8)} | ${w(12)} << 16);`,
  );
  // A signed minimum with 255 may be negative: kept.
  const minS = `s32[(fp + 12)] = Math.min(s32[(fp + 40)], 255);`;
  assert.equal(run([minU(8), minS, u16])[2], u16);
  // The narrowed words are bytes again: a second narrow's test goes too.
  const twice = run([
    minU(8),
    minU(12),
    u16,
    minU(20),
    minU(24),
    u16.replaceAll("(fp + 8)", "(fp + 20)").replaceAll("(fp + 12)", "(fp + 24)").replace(
      "(fp + 16)",
      "(fp + 28)",
    ),
    u8(32, w(16), w(28)),
  ]);
  assert.equal(twice[6], fastU8(32, w(16), w(28)));
});

/**
 * A [1 2 1] / 4 blur of bytes (as clang vectorises `bench/vec_bytes.c`'s: widen, double, add,
 * round, shift, narrow), a brightening with unsigned minima, and halfword sums that do carry,
 * over memory the test fills with edge values.
 */
const LANES = wat(`(module
  (memory (export "mem") 1)
  (func (export "blur") (param $n i32)
    (local $i i32) (local $a v128) (local $b v128) (local $c v128) (local $lo v128)
    (loop $l
      (local.set $a (i16x8.extend_low_i8x16_u (v128.load (local.get $i))))
      (local.set $b (i16x8.extend_low_i8x16_u (v128.load offset=16 (local.get $i))))
      (local.set $c (i16x8.extend_low_i8x16_u (v128.load offset=32 (local.get $i))))
      ;; masked to bytes before the narrow, as clang does (the shift's bound alone is 0x1ff)
      (local.set $lo
        (v128.and
          (i16x8.shr_u
            (i16x8.add
              (i16x8.add (i16x8.add (local.get $a) (i16x8.shl (local.get $b) (i32.const 1)))
                (local.get $c))
              (v128.const i16x8 2 2 2 2 2 2 2 2))
            (i32.const 2))
          (v128.const i16x8 255 255 255 255 255 255 255 255)))
      (local.set $a (i16x8.extend_high_i8x16_u (v128.load (local.get $i))))
      (local.set $b (i16x8.extend_high_i8x16_u (v128.load offset=16 (local.get $i))))
      (local.set $c (i16x8.extend_high_i8x16_u (v128.load offset=32 (local.get $i))))
      (v128.store offset=4096 (local.get $i)
        (i8x16.narrow_i16x8_u (local.get $lo)
          (v128.and
            (i16x8.shr_u
              (i16x8.add
                (i16x8.add (i16x8.add (local.get $a) (i16x8.shl (local.get $b) (i32.const 1)))
                  (local.get $c))
                (v128.const i16x8 2 2 2 2 2 2 2 2))
              (i32.const 2))
            (v128.const i16x8 255 255 255 255 255 255 255 255))))
      ;; unmasked, halved rather than quartered: up to 0x1fe, its narrow keeps its test
      (v128.store offset=16384 (local.get $i)
        (i8x16.narrow_i16x8_u (local.get $a)
          (i16x8.shr_u
            (i16x8.add (i16x8.add (local.get $a) (i16x8.shl (local.get $b) (i32.const 1)))
              (local.get $c))
            (i32.const 1))))
      ;; unmasked and quartered: at most (0xff + 0x1fe + 0xff) >> 2 = 0xff, its test goes
      (v128.store offset=20480 (local.get $i)
        (i8x16.narrow_i16x8_u (local.get $a)
          (i16x8.shr_u
            (i16x8.add (i16x8.add (local.get $a) (i16x8.shl (local.get $b) (i32.const 1)))
              (local.get $c))
            (i32.const 2))))
      ;; halfwords as loaded (up to 0xffff): their sums carry, and narrow out of range
      (v128.store offset=8192 (local.get $i)
        (i8x16.narrow_i16x8_u
          (i16x8.add (v128.load (local.get $i)) (v128.load offset=16 (local.get $i)))
          (i16x8.add (v128.load offset=32 (local.get $i)) (v128.const i16x8 1 1 1 1 1 1 1 1))))
      ;; brightening: bytes widened to i32 lanes, plus a splat, at most 255, narrowed twice
      (v128.store offset=12288 (local.get $i)
        (i8x16.narrow_i16x8_u
          (i16x8.narrow_i32x4_u
            (i32x4.min_u
              (i32x4.add (i32x4.extend_low_i16x8_u (local.get $lo)) (i32x4.splat (local.get $n)))
              (v128.const i32x4 255 255 255 255))
            (i32x4.min_u
              (i32x4.add (i32x4.extend_high_i16x8_u (local.get $lo)) (i32x4.splat (local.get $n)))
              (v128.const i32x4 255 255 255 255)))
          (v128.const i32x4 0 0 0 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1024))))))`);

Deno.test("codegen simd3: bounded lanes give the interpreter's words in both tiers", () => {
  const results: number[][] = [];
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, LANES));
    const memory = instance.getMemory(store, "mem")!;
    const data = memory.data(store);
    for (let i = 0; i < 1072; i++) {
      data[i] = i % 7 === 0 ? 255 : i % 5 === 0 ? 0 : i % 3 === 0 ? 254 : (i * 97 + 13) & 255;
    }
    for (const n of [0, 7, 200, 0x7fffffff, -1]) {
      instance.getFunc(store, "blur")!.call(store, [Val.i32(n)]);
      const bytes = memory.data(store);
      results.push([...new Int32Array(bytes.slice(4096, 4096 + 5 * 4096 + 1024).buffer)]);
    }
    if (tier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
  }
  assert.deepEqual(results.slice(5), results.slice(0, 5));
  // Spot checks against the arithmetic: the blur of three rows of 255 is 255; a carry crossed.
  const mem = new Uint8Array(Int32Array.from(results[0]!).buffer);
  const blur = (i: number) => {
    const at = (
      k: number,
    ) => (k % 7 === 0 ? 255 : k % 5 === 0 ? 0 : k % 3 === 0 ? 254 : (k * 97 + 13) & 255);
    return (at(i) + 2 * at(i + 16) + at(i + 32) + 2) >> 2;
  };
  for (let i = 0; i < 1024; i += 53) assert.equal(mem[i], blur(i), `byte ${i}`);
});

Deno.test("codegen simd3: the blur's generated code has no carry fix or range test left", () => {
  const engine = new Engine(new Config({ executionTier: "codegen" }));
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, LANES));
  instance.getFunc(store, "blur")!.call(store, [Val.i32(3)]);
  const func = instances.entity(store, instance).funcs[0]!;
  if (func.isHost || func.compiled === null) throw new Error("blur was not compiled");
  const cf = func.compiled;
  const result = directSource(cf, func.instance.module);
  assert.ok(!("reason" in result));
  const source = result.source;
  // The blur's 10 halfword sums lost their fix, the loaded halfwords' 2 kept theirs (4 words
  // each); the masked blur's and the brightening's narrows lost their tests, the carrying sums'
  // kept theirs (4 words), the halved blur's those of its second operand's words (2), the
  // quartered one's none.
  assert.equal(source.match(/& 65536\)/g)?.length, 2 * 4);
  assert.equal(source.match(/v128NarrowU8\(/g)?.length, 4 + 2);
  assert.equal(source.match(/v128NarrowU16\(/g), null);
});

/** A random straight-line program of halfword and word lane operations, run twice in a loop. */
function laneProgram(seed: number): string {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 8;
  const pick = <T>(xs: readonly T[]) => xs[next() % xs.length]!;
  const v = () => `(local.get $v${next() % 4})`;
  const splat = (shape: string, c: number) =>
    `(v128.const ${shape} ${`${c} `.repeat(shape === "i16x8" ? 8 : 4)})`;
  const ops: (() => string)[] = [
    () =>
      `(${
        pick([
          "i16x8.extend_low_i8x16_u",
          "i16x8.extend_high_i8x16_u",
          "i16x8.extend_low_i8x16_s",
          "i32x4.extend_low_i16x8_u",
          "i32x4.extend_high_i16x8_s",
        ])
      } ${v()})`,
    () =>
      `(${pick(["i16x8.shl", "i16x8.shr_u", "i32x4.shr_u", "i16x8.shr_s"])} ${v()} (i32.const ${
        pick([1, 2, 3, 8, 15])
      }))`,
    () =>
      `(${
        pick(["i16x8.add", "i16x8.sub", "i32x4.add", "i8x16.add", "v128.and", "v128.or"])
      } ${v()} ${v()})`,
    () =>
      `(${
        pick(["i8x16.narrow_i16x8_u", "i8x16.narrow_i16x8_s", "i16x8.narrow_i32x4_u"])
      } ${v()} ${v()})`,
    () =>
      `(${pick(["i32x4.min_u", "i32x4.max_u"])} ${v()} ${
        splat("i32x4", pick([255, 0x7fff, 0x10000]))
      })`,
    () => `(v128.and ${v()} ${splat("i16x8", pick([255, 0x7fff, 0x3ff, 0x8000]))})`,
    () => `(i16x8.add ${v()} ${splat("i16x8", pick([1, 2, 0x7fff, 0xff00]))})`,
  ];
  const body = Array.from({ length: 14 }, () => `(local.set $v${next() % 4} ${pick(ops)()})`);
  return `(module
  (memory (export "mem") 1)
  (func (export "run")
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $i i32)
    (local.set $v0 (v128.load (i32.const 0)))
    (local.set $v1 (v128.load (i32.const 16)))
    (local.set $v2 (v128.load (i32.const 32)))
    (local.set $v3 (v128.load (i32.const 48)))
    (loop $l
      ${body.join("\n      ")}
      (v128.store offset=1024 (i32.shl (local.get $i) (i32.const 6)) (local.get $v0))
      (v128.store offset=1040 (i32.shl (local.get $i) (i32.const 6)) (local.get $v1))
      (v128.store offset=1056 (i32.shl (local.get $i) (i32.const 6)) (local.get $v2))
      (v128.store offset=1072 (i32.shl (local.get $i) (i32.const 6)) (local.get $v3))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))))`;
}

Deno.test("codegen simd3: random lane programs give the interpreter's words in every spelling", () => {
  laneProgramsAgree({
    seeds: Array.from({ length: 60 }, (_, i) => i + 1),
    program: laneProgram,
    edges: [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff],
    configs: [
      { executionTier: "interpreter" },
      { executionTier: "codegen", codegenStyle: "jit" },
      { executionTier: "codegen", codegenStyle: "lean" },
    ],
  });
});
