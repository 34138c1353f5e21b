/**
 * `demandedLanes` (`src/engine/codegen_v128.ts`): a word written and written again before any
 * read is not written, a declared local nothing reads is not declared, and a word's `|` terms
 * and last masks that give only bits no later read takes are dropped; never across a place
 * where control may leave the run or choose what runs, a call's flush, a helper given a slot's
 * index, or for a value that may throw. Random lane programs (shuffles, compares, masks,
 * splats, extracts) give the interpreter's words in every spelling, fuel on and off.
 */

import assert from "node:assert/strict";
import * as v128 from "../../src/engine/codegen_v128.ts";
import { laneProgramsAgree } from "../_lib/lanes.ts";

const w = (k: number) => `s32[(fp + ${k})]`;
/** A v128 lane's write (word 2 of slot 96, which nothing else names): the pass runs only in a
 * body with lanes. */
const LANE = "s32[(fp + 96) + 2] = 0;";
const run = (texts: string[], isInstruction = texts.map(() => true)) =>
  v128.demandedLanes([LANE, ...texts], [true, ...isInstruction]).slice(1);

Deno.test("codegen v128 demand: a body without v128 lanes is left as it is", () => {
  const texts = [`${w(8)} = ${w(40)} + 1;`, `${w(8)} = 0;`, `s32[(fp + 8) + 1] = 0;`];
  assert.deepEqual(v128.demandedLanes(texts, [true, true, true]), texts);
  assert.deepEqual(run(texts), ["", ...texts.slice(1)]);
});

Deno.test("codegen v128 demand: a word written again before any read is not written", () => {
  const first = `${w(8)} = ${w(40)} + 1;`;
  const again = `${w(8)} = ${w(44)} & 255;`;
  const use = `${w(12)} = ${w(8)};`;
  assert.deepEqual(run([first, again, use]), ["", again, use]);
  // Read in between (by the same instruction that writes it again, too): kept.
  assert.deepEqual(run([first, use, again]), [first, use, again]);
  const readsOwn = `${w(8)} = ${w(8)} + 2;`;
  assert.deepEqual(run([first, readsOwn]), [first, readsOwn]);
  // A lane of a v128 slot (`(fp + k) + i`) is a word of its own.
  const lane = `s32[(fp + 8) + 1] = ${w(40)};`;
  assert.deepEqual(run([lane, `s32[(fp + 8) + 1] = 0;`])[0], "");
  assert.deepEqual(run([lane, `s32[(fp + 9)] = 0;`])[0], "");
  assert.deepEqual(run([lane, `${w(8)} = 0;`])[0], lane);
  // At the run's end every word may be read: the last write stays.
  assert.deepEqual(run([again]), [again]);
  // A word assigned to itself is not assigned.
  assert.deepEqual(run([`{\n${w(8)} = ${w(8)};\n${w(12)} = 1;\n}`]), [`{\n${w(12)} = 1;\n}`]);
});

Deno.test("codegen v128 demand: control, calls, helpers and effects keep writes", () => {
  const first = `${w(8)} = ${w(40)} + 1;`;
  const again = `${w(8)} = 0;`;
  // A piece between runs (a label: control leaves and enters), a branch, a return, a call's
  // flush, a helper given the slot, the f64 view, a conditional write, a throw other than a
  // trap: the first write stays.
  assert.equal(run([first, "L3: for (;;) {", again], [true, false, true])[0], first);
  for (
    const between of [
      "if (s32[(fp + 4)] !== 0) break L3;",
      "return 1;",
      "/*flush*/\nf();",
      "helper(s32, (fp + 8));",
      "f64[((fp + 8) >> 1)] = 1.5;",
      "if (s32[(fp + 4)] !== 0) {\ns32[(fp + 8)] = 1;\n}",
      "throw e;",
    ]
  ) {
    assert.equal(run([first, between, again])[0], first, between);
  }
  // A trap ends the run for good: the write before it still goes.
  assert.equal(run([first, "if (s32[(fp + 4)] > memLen) throw trap(1);", again])[0], "");
  // A value that may throw or has an effect stays (as a write).
  for (const value of [`i32DivS(${w(40)}, ${w(44)})`, `mu8[${w(40)}]`, "$t = 1"]) {
    const effect = `${w(8)} = ${value};`;
    assert.equal(run([effect, again])[0], effect, value);
  }
  // A value that may trap reads its words whole, even where nothing reads what it writes, or
  // only bits that a mask clears (the fuzzer's `i32.div_u` whose quotient a later `local.set`
  // overwrote lost its divisor's write).
  const divisor = `${w(20)} = 490386615 | 1;`;
  for (const value of [`i32DivU(${w(0)}, ${w(20)})`, `(i32DivU(${w(0)}, ${w(20)}) & 0) | 1`]) {
    const quotient = `${w(16)} = ${value};`;
    assert.deepEqual(
      run([divisor, quotient, `${w(16)} = 0;`, `${w(20)} = 1;`]).slice(0, 2),
      [divisor, quotient],
      value,
    );
    assert.deepEqual(
      run([divisor, quotient, `${w(12)} = ${w(16)} & 1;`, `${w(16)} = 0;`, `${w(20)} = 1;`])
        .slice(0, 2),
      [divisor, quotient],
      value,
    );
  }
  // A load behind its instruction's bounds check may go; one without it stays.
  const checked = [
    "{",
    "const $ea = (s32[(fp + 4)] >>> 0);",
    "if ($ea + 16 > memLen) throw trap(1);",
    `${w(8)} = mview.getInt32($ea, true);`,
    `s32[(fp + 8) + 1] = mview.getInt32($ea + 4, true);`,
    "}",
  ].join("\n");
  assert.equal(
    run([checked, `s32[(fp + 8) + 1] = 0;`, `${w(12)} = ${w(8)};`])[0],
    checked.replace(/\ns32\[\(fp \+ 8\) \+ 1\] = [^\n]*/, ""),
  );
  const unchecked = `${w(8)} = mview.getInt32(${w(4)}, true);`;
  assert.equal(run([unchecked, again])[0], unchecked);
});

Deno.test("codegen v128 demand: bits no read takes are not computed", () => {
  // A byte shuffle's word, then `& 1`, then the word written again: only bit 0 of the byte
  // moved to bit 0 is read.
  const shuffle = `${w(8)} = ((${w(40)} >>> 8) & 255) | ((${w(40)} & 255) << 8) | (${
    w(44)
  } << 24);`;
  const and1 = `${w(12)} = ${w(8)} & 1;`;
  const again = `${w(8)} = 0;`;
  assert.deepEqual(run([shuffle, and1, again]), [`${w(8)} = (${w(40)} >>> 8);`, and1, again]);
  // Not written again: at the run's end every bit may be read.
  assert.deepEqual(run([shuffle, and1]), [shuffle, and1]);
  // Bits read through shifts and sums: `<< 8` reads bits 0-23 (a sum: and every bit below).
  const shifted = `${w(12)} = (${w(8)} << 8) + 1;`;
  assert.deepEqual(
    run([shuffle, shifted, again])[0],
    `${w(8)} = ((${w(40)} >>> 8) & 255) | ((${w(40)} & 255) << 8);`,
  );
  const high = `${w(12)} = ${w(8)} >>> 24;`;
  assert.deepEqual(run([shuffle, high, again])[0], `${w(8)} = (${w(44)} << 24);`);
  const sum = `${w(12)} = (${w(8)} + ${w(16)}) & 65280;`;
  assert.deepEqual(
    run([shuffle, sum, again])[0],
    `${w(8)} = ((${w(40)} >>> 8) & 255) | ((${w(40)} & 255) << 8);`,
  );
  // Read whole by a statement that is not a word's assignment (a store): kept.
  assert.deepEqual(run([shuffle, `mview.setInt32(0, ${w(8)}, true);`, and1, again])[0], shuffle);
  // A local nothing reads is not declared; one that is read stays.
  const locals = `{\nconst $a0 = ${w(8)}, $a1 = ${w(12)};\n${w(16)} = $a0 & 255;\n}`;
  assert.deepEqual(run([locals]), [`{\nconst $a0 = ${w(8)};\n${w(16)} = $a0 & 255;\n}`]);
});

Deno.test("codegen v128 demand: an f32 lane's number goes to a word only arithmetic reads", () => {
  const f = (k: number) => `f32[(fp + ${k})]`;
  const extract = `${w(8)} = f32Bits(${f(40)});`;
  const add = `${f(8)} = ${f(8)} + ${f(12)};`;
  // Read as an f32 only, then written whole: the number itself.
  assert.deepEqual(run([extract, add]), [`${f(8)} = ${f(40)};`, add]);
  // Read as bits (a store of its bits, an f32.neg on words) or left at the run's end: kept.
  assert.deepEqual(run([extract, `${w(12)} = ${w(8)} ^ -2147483648;`, add])[0], extract);
  assert.deepEqual(run([extract, `mview.setInt32(0, ${w(8)}, true);`, add])[0], extract);
  assert.deepEqual(run([extract, `${f(12)} = ${f(8)} * 2;`])[0], extract);
  assert.deepEqual(run([extract, "L3: for (;;) {", add], [true, false, true])[0], extract);
});

/** A random straight-line program of lane operations (moves, compares, masks), run twice. */
function laneProgram(seed: number): string {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 8;
  const pick = <T>(xs: readonly T[]) => xs[next() % xs.length]!;
  const v = () => `(local.get $v${next() % 4})`;
  const splat = (c: number) => `(v128.const i32x4 ${`${c} `.repeat(4)})`;
  const lanes = () => Array.from({ length: 16 }, () => next() % 32).join(" ");
  const ops: (() => string)[] = [
    () => `(i8x16.shuffle ${lanes()} ${v()} ${v()})`,
    () => `(i8x16.shuffle 0 0 0 0 1 0 0 0 2 0 0 0 3 0 0 0 ${v()} ${v()})`,
    () => `(i8x16.shuffle 16 1 2 3 17 5 6 7 18 9 10 11 19 13 14 15 ${v()} ${splat(0)})`,
    () => `(${pick(["i8x16.gt_u", "i8x16.eq", "i32x4.add", "i32x4.sub"])} ${v()} ${v()})`,
    () => `(v128.and ${v()} ${splat(pick([1, 0xff, 0x8000, 0xff00ff, 0x80000000]))})`,
    () =>
      `(${pick(["i32x4.shl", "i32x4.shr_u", "i32x4.shr_s"])} ${v()} (i32.const ${
        pick([1, 7, 8, 16, 24, 31])
      }))`,
    () => `(i32x4.splat (i32x4.extract_lane ${next() % 4} ${v()}))`,
    () => `(i8x16.splat (i8x16.extract_lane_u ${next() % 16} ${v()}))`,
    () => `(i32x4.mul ${v()} ${splat(pick([16843009, 3, 255]))})`,
    () => `(v128.load32_splat (i32.const ${4 * (next() % 16)}))`,
    () => `(v128.load64_zero (i32.const ${8 * (next() % 8)}))`,
    () => `(v128.bitselect ${v()} ${v()} ${v()})`,
    () => `(f32x4.add ${v()} ${v()})`,
    () =>
      `(f32x4.splat (f32.add (f32x4.extract_lane ${next() % 4} ${v()}) (f32x4.extract_lane ${
        next() % 4
      } ${v()})))`,
    () =>
      `(f32x4.replace_lane ${next() % 4} ${v()} (f32.neg (f32x4.extract_lane ${
        next() % 4
      } ${v()})))`,
  ];
  const body = Array.from({ length: 16 }, () => `(local.set $v${next() % 4} ${pick(ops)()})`);
  return `(module
  (memory (export "mem") 1)
  (func (export "run") (result i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $i i32)
    (local $sum i32)
    (local.set $v0 (v128.load (i32.const 0)))
    (local.set $v1 (v128.load (i32.const 16)))
    (local.set $v2 (v128.load (i32.const 32)))
    (local.set $v3 (v128.load (i32.const 48)))
    (loop $l
      ${body.join("\n      ")}
      (local.set $sum (i32.add (local.get $sum) (i32x4.extract_lane ${next() % 4} (local.get $v${
    next() % 4
  }))))
      (v128.store offset=1024 (i32.shl (local.get $i) (i32.const 6)) (local.get $v0))
      (v128.store offset=1040 (i32.shl (local.get $i) (i32.const 6)) (local.get $v1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (local.get $sum)))`;
}

Deno.test("codegen v128 demand: random lane programs give the interpreter's words in every spelling", () => {
  // Where both operands of an f32 add are NaN, which payload the result keeps is the machine's
  // (and V8's) choice, in both tiers alike (see codegen_v128.ts, "Same bits"): such words need
  // only both be NaNs, and the sum (results[0]) that may have read one is not compared.
  const nan = (x: number) => (x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0;
  laneProgramsAgree({
    seeds: Array.from({ length: 80 }, (_, i) => i + 1),
    program: laneProgram,
    edges: [0, 1, 0x7f, 0x80, 0xfe, 0xff],
    configs: [
      { executionTier: "interpreter" },
      { executionTier: "codegen", codegenStyle: "jit" },
      { executionTier: "codegen", codegenStyle: "lean" },
      { executionTier: "codegen", codegenStyle: "jit", consumeFuel: true },
    ],
    compare: (want, got, where) => {
      const exact = want.every((x, j) => j === 0 || x === got[j]);
      want.forEach((x, j) => {
        if (j === 0 ? exact : !(nan(x) && nan(got[j]!))) {
          assert.equal(got[j], x, `${where}, word ${j}`);
        }
      });
    },
  });
});
