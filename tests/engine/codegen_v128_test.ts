/**
 * The v128 operations the code generator spells on lane words (`src/engine/codegen_v128.ts`):
 * each rewritten helper call leaves the value stack and memory exactly as the helper does, NaN
 * payloads (signalling ones included) bit for bit, with the result aliasing an operand or not;
 * and whole functions moving signalling NaN lanes through loads, stores, shuffles, splats,
 * lane extracts and locals give the interpreter's bits in the codegen tier.
 */

import assert from "node:assert/strict";
import * as simd from "../../src/engine/simd.ts";
import * as simdMem from "../../src/engine/simd_mem.ts";
import * as v128 from "../../src/engine/codegen_v128.ts";
import * as slots from "../../src/engine/codegen_slots.ts";
import { trap } from "../../src/engine/exec_support.ts";
import { Config, Engine, Linker, Module, Store, Trap, TrapCode, Val } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

/** Words with every kind of f32 in them: NaNs (signalling, quiet, payloads), zeros, infinities. */
const SPECIAL = [
  0x7fa00001, // signalling NaN
  -0x005fffff, // 0xffa00001: negative signalling NaN
  0x7fc12345, // quiet NaN with a payload
  0x7f800001, // the smallest signalling NaN
  0,
  -0x80000000, // -0
  0x7f800000, // +inf
  -0x00800000, // -inf
  1, // a denormal
  0x3f800000, // 1
  -0x40800000, // -1
  0x7fff7fff,
  0x00ff00ff,
  -1,
];

let seed = 2026;
const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
/** A word: a special one or a random one. */
const someWord = () => (next() & 1 ? SPECIAL[(next() >>> 8) % SPECIAL.length]! : next());

const RT: Record<string, unknown> = { ...v128, ...slots, trap, TrapCode };

/** The lowered spelling of `call`, as a function of the value stack and memory. */
function lowered(call: string) {
  const js = v128.lowerV128(call);
  assert.notEqual(js, call, `${call} is lowered`);
  // No helper given the value stack (pure word helpers may read its words: \`f(s32[...])\`).
  assert.doesNotMatch(js, /\b(?:simd|v128|i8x16|i16x8|i32x4|f32x4)[A-Z]\w*\((?:\d+, )?[sf]32,/);
  const names = Object.keys(RT);
  const f = new Function(...names, "s32", "f32", "mview", "memLen", "fp", `"use strict";\n${js}`);
  return (s32: Int32Array, mview: DataView) =>
    f(...names.map((n) => RT[n]), s32, new Float32Array(s32.buffer), mview, mview.byteLength, 0);
}

/** An address for a 64-byte memory: in bounds, at its end, past it. */
function address(): number {
  const r = next() >>> 0;
  return r % 5 === 0 ? 64 - (r % 17) : r % 7 === 0 ? -(r % 3) : r % 60;
}

/**
 * A value stack of 5 slots (words 0-19) and a 64-byte memory, filled with `someWord`s; slot 16
 * holds an address.
 */
function state(): { s32: Int32Array; mem: Int32Array } {
  const s32 = Int32Array.from({ length: 20 }, someWord);
  s32[16] = address();
  return { s32, mem: Int32Array.from({ length: 16 }, someWord) };
}

/**
 * Runs `call` (its slots 4, 8 and 12 the operands, `dest` the result) lowered and as the
 * helper `run` does, from the same random states, and compares every word of both.
 */
function check(
  call: (dest: string) => string,
  run: (s32: Int32Array, mem: DataView, dest: number) => void,
  rounds = 300,
  arithmetic = false,
) {
  for (const dest of [0, 4, 8, 12]) {
    const spelled = lowered(call(`(fp + ${dest})`));
    for (let round = 0; round < rounds; round++) {
      const { s32, mem } = state();
      // A count operand (slot 12's low word) is any i32, mostly a small one.
      if (round % 2 === 0) s32[12] = next() & 63;
      const [s1, m1, s2, m2] = [s32.slice(), mem.slice(), s32.slice(), mem.slice()];
      let want: unknown = null, got: unknown = null;
      try {
        run(s1, new DataView(m1.buffer), dest);
      } catch (e) {
        want = e instanceof Trap ? e.code : e;
      }
      try {
        spelled(s2, new DataView(m2.buffer));
      } catch (e) {
        got = e instanceof Trap ? e.code : e;
      }
      const label = `${call(`(fp + ${dest})`)} round ${round}`;
      assert.equal(got, want, label);
      if (arithmetic) {
        // An f32 arithmetic result that is NaN may be any arithmetic (quiet) NaN (Wasm's NaN
        // propagation; V8 itself picks the payload differently in its tiers): such lanes of
        // the result are compared as "a quiet NaN" on both sides.
        for (let i = dest; i < dest + 4; i++) {
          if (isNaNBits(s1[i]!) && isNaNBits(s2[i]!) && (s2[i]! & 0x400000) !== 0) s2[i] = s1[i]!;
        }
      }
      assert.deepEqual([...s2], [...s1], label);
      assert.deepEqual([...m2], [...m1], label);
    }
  }
}

const f32Of = (s: Int32Array) => new Float32Array(s.buffer);
/** Whether the f32 with bits `w` is a NaN. */
const isNaNBits = (w: number) => (w & 0x7f800000) === 0x7f800000 && (w & 0x7fffff) !== 0;

Deno.test("codegen v128: bitwise and integer lanes give the helpers' words", () => {
  const binary = [
    "v128And",
    "v128Andnot",
    "v128Or",
    "v128Xor",
    "i8x16Eq",
    "i8x16Add",
    "i8x16Sub",
    "i16x8Add",
    "i16x8Sub",
    "i16x8Mul",
    "i32x4Add",
    "i32x4Sub",
    "i32x4Mul",
  ] as const;
  for (const name of binary) {
    check(
      (d) => `${name}(s32, ${d}, (fp + 4), (fp + 8));`,
      (s, _, d) => simd[name](s, d, 4, 8),
    );
  }
  for (const name of ["v128Not", "v128Splat32", "v128AnyTrue"] as const) {
    check((d) => `${name}(s32, ${d}, (fp + 8));`, (s, _, d) => simd[name](s, d, 8));
  }
  const shifts = [
    "i8x16Shl",
    "i8x16ShrU",
    "i16x8Shl",
    "i16x8ShrU",
    "i16x8ShrS",
    "i32x4Shl",
    "i32x4ShrS",
    "i32x4ShrU",
  ] as const;
  for (const name of shifts) {
    check(
      (d) => `${name}(s32, ${d}, (fp + 4), s32[(fp + 12)]);`,
      (s, _, d) => simd[name](s, d, 4, s[12]!),
    );
  }
});

Deno.test("codegen v128: f32 lanes give the helpers' bits, NaN payloads included", () => {
  const binary = [
    "f32x4Add",
    "f32x4Sub",
    "f32x4Mul",
    "f32x4Div",
    "f32x4Min",
    "f32x4Max",
  ] as const;
  for (const name of binary) {
    check(
      (d) => `${name}(f32, ${d}, (fp + 4), (fp + 8));`,
      (s, _, d) => simd[name](f32Of(s), d, 4, 8),
      300,
      true,
    );
  }
  for (const name of ["f32x4MulAdd", "f32x4MaxMin"] as const) {
    check(
      (d) => `${name}(f32, ${d}, (fp + 4), (fp + 8), (fp + 12));`,
      (s, _, d) => simd[name](f32Of(s), d, 4, 8, 12),
      300,
      true,
    );
  }
});

Deno.test("codegen v128: shuffles and the generic rows spelled move bits exactly", () => {
  // Zero extensions and interleaves (one mask per input word and displacement), byte splats.
  const shapes = [
    [16, 1, 17, 3, 18, 5, 19, 7, 20, 9, 21, 11, 22, 13, 23, 15],
    [8, 17, 9, 19, 10, 21, 11, 23, 12, 25, 13, 27, 14, 29, 15, 31],
    [2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15],
    ...[0, 1, 2, 3, 7, 16, 18, 31].map((b) => Array(16).fill(b)),
  ];
  for (let i = 0; i < 40 + shapes.length; i++) {
    // Lane indices: runs of consecutive bytes (whole words, halfwords) and random picks.
    const lanes = shapes[i - 40] ??
      Array.from({ length: 16 }, (_, j) => (i % 3 === 0 ? (i + j) & 31 : next() & 31));
    const ks = [0, 1, 2, 3].map((w) =>
      lanes[4 * w]! | (lanes[4 * w + 1]! << 8) | (lanes[4 * w + 2]! << 16) |
      (lanes[4 * w + 3]! << 24)
    );
    check(
      (d) => `simdShuffle(s32, ${d}, (fp + 4), (fp + 8), ${ks.join(", ")});`,
      (s, _, d) => simd.simdShuffle(s, d, 4, 8, ks[0]!, ks[1]!, ks[2]!, ks[3]!),
      20,
    );
  }
  for (const op of [0x0f, 0x10, 0x11, 0x13, 0xa0, 0xa1]) {
    check(
      (d) => `simdUnary(${op}, s32, ${d}, (fp + 8));`,
      (s, _, d) => simd.simdUnary(op, s, d, 8),
    );
  }
  for (const op of [0x52, 0x109, 0x10a, 0x10b, 0x10c]) {
    check(
      (d) => `simdTernary(${op}, s32, ${d}, (fp + 4), (fp + 8), (fp + 12));`,
      (s, _, d) => simd.simdTernary(op, s, d, 4, 8, 12),
    );
  }
  const lanes = { 0x15: 16, 0x16: 16, 0x18: 8, 0x19: 8, 0x1b: 4, 0x1f: 4, 0x1d: 2, 0x21: 2 };
  for (const [op, n] of Object.entries(lanes)) {
    for (let lane = 0; lane < n; lane++) {
      check(
        (d) => `simdExtractLane(${op}, s32, ${d}, (fp + 4), ${lane});`,
        (s, _, d) => simd.simdExtractLane(Number(op), s, d, 4, lane),
        20,
      );
    }
  }
  for (const op of [0x28, 0x65, 0x66, 0x85, 0x86, 0xb6, 0xb7, 0xb8, 0xb9]) {
    check(
      (d) => `simdBinary(${op}, s32, ${d}, (fp + 4), (fp + 8));`,
      (s, _, d) => simd.simdBinary(op, s, d, 4, 8),
    );
  }
});

Deno.test("codegen v128: narrows give the helpers' words for lanes in range and out of it", () => {
  // Lanes mostly in the result's range already (the spellings' fast path) or just outside it.
  const near = (bits: number) => {
    const r = next();
    const lane = (x: number) => r & 1 ? x & ((1 << bits) - 1) : r & 2 ? (x & 0x1ff) - 0x80 : x;
    return bits === 8
      ? (lane(next()) & 0xffff) | (lane(next()) << 16)
      : r & 1
      ? next() & 0xffff
      : r & 2
      ? 0x10000 - (next() & 3)
      : next();
  };
  for (const [op, bits] of [[0x65, 8], [0x66, 8], [0x85, 16], [0x86, 16]] as const) {
    for (const dest of [0, 4, 8]) {
      const spelled = lowered(`simdBinary(${op}, s32, (fp + ${dest}), (fp + 4), (fp + 8));`);
      for (let round = 0; round < 2000; round++) {
        const s32 = Int32Array.from({ length: 20 }, () => near(bits));
        const want = s32.slice(), got = s32.slice();
        simd.simdBinary(op, want, dest, 4, 8);
        spelled(got, new DataView(new ArrayBuffer(64)));
        assert.deepEqual([...got], [...want], `op ${op} into ${dest}, round ${round}`);
      }
    }
  }
});

Deno.test("codegen v128: loads and stores move bits exactly and trap before writing", () => {
  // Addresses (slot 16) in bounds, at the end, and past it (the offset too).
  for (const offset of [0, 1, 3, 48, 0xffffffff]) {
    const loads = [0x00, 0x03, 0x04, 0x05, 0x06, 0x09, 0x5c, 0x5d];
    for (const op of loads) {
      check(
        (d) => `simdLoad(${op}, s32, mview, ${d}, s32[(fp + 16)], ${offset});`,
        (s, m, d) => simdMem.simdLoad(op, s, m, d, s[16]!, offset),
      );
    }
    // The address read from the result's own slot, through an expression.
    check(
      (d) => `v128Load(s32, mview, ${d}, (s32[${d}] + 3) | 0, ${offset});`,
      (s, m, d) => simdMem.v128Load(s, m, d, (s[d]! + 3) | 0, offset),
    );
    // The shape of a fused address, `((x + c) | 0)` (its `| 0` dropped as the lowering drops it).
    check(
      (d) => `simdLoad(0, s32, mview, ${d}, ((s32[${d}] + -5) | 0), ${offset});`,
      (s, m, d) => simdMem.simdLoad(0, s, m, d, (s[d]! - 5) | 0, offset),
    );
    check(
      () => `simdStore(s32, mview, ((s32[(fp + 16)] + 4) | 0), ${offset}, (fp + 4));`,
      (s, m) => simdMem.simdStore(s, m, (s[16]! + 4) | 0, offset, 4),
    );
    check(
      () => `simdStore(s32, mview, s32[(fp + 16)], ${offset}, (fp + 4));`,
      (s, m) => simdMem.simdStore(s, m, s[16]!, offset, 4),
    );
    check(
      (d) => `f32x4MulLoad(f32, mview, ${d}, (fp + 4), (s32[(fp + 16)] + 2) | 0, ${offset});`,
      (s, m, d) => simdMem.f32x4MulLoad(f32Of(s), m, d, 4, (s[16]! + 2) | 0, offset),
      300,
      true,
    );
    // A clamp on the lanes' bits: its NaNs are the helper's exactly (not merely quiet ones).
    check(
      (d) =>
        `f32x4MaxMinLoad(f32, mview, ${d}, (fp + 4), (fp + 8), (s32[(fp + 16)] + ${offset}) | 0);`,
      (s, m, d) => simdMem.f32x4MaxMinLoad(f32Of(s), m, d, 4, 8, (s[16]! + offset) | 0),
      300,
    );
    check(
      (d) =>
        `f32x4MulLoadAdd(f32, mview, ${d}, (fp + 4), (s32[(fp + 16)] + 0) | 0, ${offset}, (fp + 8));`,
      (s, m, d) => simdMem.f32x4MulLoadAdd(f32Of(s), m, d, 4, s[16]!, offset, 8),
      300,
      true,
    );
  }
});

/** A module moving v128s with signalling NaN lanes through memory, locals and shuffles. */
const NAN_MOVES = wat(`(module
  (memory (export "mem") 1)
  ;; words 0-3 hold the input lanes; the results go from byte 64 on.
  (func (export "moves") (param $n i32) (result i32)
    (local $v v128) (local $w v128) (local $i i32) (local $x i32)
    (local.set $v (v128.load (i32.const 0)))
    (loop $l
      ;; lanes swapped around, two by two (a shuffle of whole words), and back
      (local.set $w (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
        (local.get $v) (local.get $v)))
      (local.set $v (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
        (local.get $w) (local.get $w)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (v128.store (i32.const 64) (local.get $v))
    (v128.store (i32.const 80) (local.get $w))
    ;; a byte shuffle across both operands, the halves of each lane moved apart
    (v128.store (i32.const 96)
      (i8x16.shuffle 2 3 0 1 22 23 20 21 10 11 8 9 30 31 28 29 (local.get $v) (local.get $w)))
    ;; a splat of a loaded f32 lane, and of an extracted one
    (v128.store (i32.const 112) (v128.load32_splat (i32.const 4)))
    (v128.store (i32.const 128) (f32x4.splat (f32x4.extract_lane 2 (local.get $v))))
    ;; bitwise operations keep payloads too
    (v128.store (i32.const 144) (v128.xor (local.get $v) (v128.const i32x4 0 0 0 0)))
    (local.set $x (i32.reinterpret_f32 (f32x4.extract_lane 1 (local.get $w))))
    (local.get $x)))`);

Deno.test("codegen v128: signalling NaN lanes keep their bits through moves in both tiers", () => {
  const input = [0x7fa00001, -0x005fffff, 0x7f800001, 0x7fc12345];
  const expected = new Map<string, number[]>();
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, NAN_MOVES));
    const memory = instance.getMemory(store, "mem")!;
    const data = memory.data(store);
    new Int32Array(data.buffer, data.byteOffset, 4).set(input);
    for (const n of [1, 2, 7]) {
      const [x] = instance.getFunc(store, "moves")!.call(store, [Val.i32(n)]);
      const bytes = memory.data(store);
      const out = [...new Int32Array(bytes.buffer, bytes.byteOffset + 64, 24), x!.value as number];
      const key = `${n}`;
      if (tier === "interpreter") expected.set(key, out);
      else assert.deepEqual(out, expected.get(key), `codegen, ${n} rounds`);
    }
    if (tier === "codegen") {
      assert.equal(engine.codegenStats().interpreted, 0, "every function is generated");
    }
  }
  // And they are the input's bits, moved (n = 7: an odd number of swaps).
  const out = expected.get("7")!;
  const [v, w] = [out.slice(0, 4), out.slice(4, 8)];
  assert.deepEqual(v, input);
  assert.deepEqual(w, [input[1], input[0], input[3], input[2]]);
  assert.deepEqual(out.slice(12, 16), [input[1], input[1], input[1], input[1]]);
  assert.deepEqual(out.slice(16, 20), [input[2], input[2], input[2], input[2]]);
  assert.deepEqual(out.slice(20, 24), v);
  assert.equal(out[24], input[0]);
});

/**
 * A loop-invariant vector and an accumulator (the shapes `f32Slots` keeps in number locals for
 * the whole function), next to vectors whose signalling NaN lanes are loaded and stored, a NaN
 * constant with a payload stored as it is, and lanes moved out as bits.
 */
const NAN_LOOP = wat(`(module
  (memory (export "mem") 1)
  (func (export "loop") (param $n i32) (result i32)
    (local $k v128) (local $acc v128) (local $v v128) (local $i i32)
    (local.set $k (v128.load (i32.const 16)))
    (loop $l
      ;; loaded with signalling NaNs and stored back as they are, each round
      (local.set $v (v128.load (i32.const 0)))
      (v128.store (i32.const 64) (local.get $v))
      ;; arithmetic on the invariant vector and the accumulator
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $k) (local.get $k))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (v128.store (i32.const 80) (local.get $acc))
    (v128.store (i32.const 96) (v128.const i32x4 0x7fa00001 0xffc00005 0x7f800000 0x3f800000))
    (i32.reinterpret_f32 (f32x4.extract_lane 3 (local.get $acc)))))`);

Deno.test("codegen v128: lanes in number locals keep loads, stores and constants exact", () => {
  const input = [0x7fa00001, -0x005fffff, 0x7f800001, 0x7fc12345];
  const factors = [0x3f800000, 0x40000000, 0x7fa00009, -0x40000000]; // 1, 2, sNaN, -2
  const results: number[][] = [];
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, NAN_LOOP));
    const memory = instance.getMemory(store, "mem")!;
    const data = memory.data(store);
    new Int32Array(data.buffer, data.byteOffset, 8).set([...input, ...factors]);
    const [x] = instance.getFunc(store, "loop")!.call(store, [Val.i32(3)]);
    const bytes = memory.data(store);
    results.push([...new Int32Array(bytes.buffer, bytes.byteOffset + 64, 12), x!.value as number]);
    if (tier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
  }
  const [interpreted, generated] = results;
  // The moves are exact in both tiers.
  assert.deepEqual(generated!.slice(0, 4), input);
  assert.deepEqual(interpreted!.slice(0, 4), input);
  const constant = [0x7fa00001, 0xffc00005 | 0, 0x7f800000, 0x3f800000];
  assert.deepEqual(generated!.slice(8, 12), constant);
  assert.deepEqual(interpreted!.slice(8, 12), constant);
  // The sums: 3, 12, a NaN (any quiet one), 12.
  for (const out of results) {
    assert.deepEqual([out[4], out[5], out[7], out[12]], [
      0x40400000,
      0x41400000,
      0x41400000,
      0x41400000,
    ]);
    assert.ok(isNaNBits(out[6]!) && (out[6]! & 0x400000) !== 0);
  }
});

Deno.test("codegen v128: f32Slots respells the loads, stores and constants of the slots it keeps", () => {
  const texts = [
    // A v128 load of an invariant vector: one 4-byte load per word (words 1-3 as `laneSlots`
    // numbers them).
    "s32[(fp + 16)] = mview.getInt32($ea, true);\ns32[(fp + 268435524)] = mview.getInt32($ea + 4, true);",
    // A v128.const accumulator: its words written one after the other.
    "s32[(fp + 20)] = 0;\ns32[(fp + 268435540)] = 0;",
    // Arithmetic on both.
    "f32[(fp + 20)] = Math.fround(f32[(fp + 20)] * f32[(fp + 16)]);\nf32[(fp + 268435540)] = Math.fround(f32[(fp + 268435540)] * f32[(fp + 268435524)]);",
    // The accumulator stored, and its word 1 moved out as bits.
    "mview.setInt32($ea, s32[(fp + 20)], true);\ns32[(fp + 24)] = s32[(fp + 268435540)];",
    // An i64 constant's words are not two f32 constants.
    "s32[(fp + 28)] = 1;\ns32[(fp + 28) + 1] = 2;\nf32[(fp + 28)] = 0;",
  ];
  const { texts: out, chosen } = v128.f32Slots(texts, texts.map(() => true), 0, 0);
  assert.deepEqual([...chosen].sort(), [16, 20, 268435524, 268435540]);
  assert.equal(
    out[0],
    "f32[(fp + 16)] = mview.getFloat32($ea, true);\nf32[(fp + 268435524)] = mview.getFloat32($ea + 4, true);",
  );
  assert.equal(out[1], "f32[(fp + 20)] = 0;\nf32[(fp + 268435540)] = 0;");
  assert.equal(
    out[3],
    "mview.setFloat32($ea, f32[(fp + 20)], true);\ns32[(fp + 24)] = f32Bits(f32[(fp + 268435540)]);",
  );
  assert.equal(out[4], texts[4]);
});

Deno.test("codegen v128: laneSlots numbers lanes apart only where nothing else reaches them", () => {
  const texts = [
    "s32[(fp + 16)] = s32[(fp + 20) + 1];\nf32[(fp + 16) + 3] = f32[(fp + 20) + 2];",
    "helper(s32, (fp + 20));",
    "s32[(fp + 0) + 2] = 1;",
  ];
  const laned = v128.laneSlots(texts, [true, true, true], 0, 4);
  // Slot 16's lanes are slots of their own; slot 20 is given to a helper, slot 0 is a result.
  assert.match(
    laned[0]!,
    /^s32\[\(fp \+ 16\)\] = s32\[\(fp \+ 20\) \+ 1\];\nf32\[\(fp \+ \d{9}\)\]/,
  );
  assert.equal(laned[1], texts[1]);
  assert.equal(laned[2], texts[2]);
  assert.equal(v128.lanesBack(laned.join("\n")), texts.join("\n"));
  // A flush of a lane (`s32[fp + n]`) is the lane's word again.
  const lane = /\(fp \+ (\d{9})\)/.exec(laned[0]!)![1];
  assert.equal(v128.lanesBack(`s32[fp + ${lane}] = e${lane};`), `s32[fp + 19] = e${lane};`);
});

Deno.test("codegen v128: constantValue computes constant expressions as JavaScript does", () => {
  const cases = [
    "(0 & -16711936)",
    "((0 >>> 16) & 255)",
    "5 << 0",
    "0 - 5",
    "(0 & 255) * 16843009",
    "1 + 2 * 3",
    "1 | 2 & 3",
    "-1 >>> 28",
    "~0 & 7",
    "2 - -3",
    "(0 << 8) & 16711680",
  ];
  const values = [0, 0, 5, -5, 0, 7, 3, 15, 7, 5, 0];
  assert.deepEqual(cases.map(v128.constantValue), values);
  for (const e of ["x & 0", "(1", "1 +", "f(0)", "1 < 2", "0 ? 1 : 2"]) {
    assert.equal(v128.constantValue(e), null, e);
  }
});

Deno.test("codegen v128: zeroLanes drops only terms of words known to be 0", () => {
  const zero = "{\ns32[(fp + 8)] = 0;\n}\n{\ns32[(fp + 9)] = 0;\n}";
  const shuffle =
    "s32[(fp + 0)] = (s32[(fp + 4)] & 255) | (s32[(fp + 8)] & -16711936) | ((s32[(fp + 4)] & 65280) << 8);";
  const dropped = "s32[(fp + 0)] = (s32[(fp + 4)] & 255) | ((s32[(fp + 4)] & 65280) << 8);";
  const run = (texts: string[], isInstruction = texts.map(() => true)) =>
    v128.zeroLanes(texts, isInstruction);
  // In the same straight-line run, after other instructions: dropped.
  assert.deepEqual(run([zero, "s32[(fp + 12)] = 1;", shuffle]).at(-1), dropped);
  // Not after a piece between runs (a label: control may enter with another value).
  assert.equal(run([zero, "L3: for (;;) {", shuffle], [true, false, true]).at(-1), shuffle);
  // Not after another write of the word, nor after a call's flush, nor from a helper given it.
  for (const between of ["s32[(fp + 8)] = 7;", "/*flush*/\nf(s32);", "helper(s32, (fp + 8));"]) {
    assert.equal(run([zero, between, shuffle]).at(-1), shuffle, between);
  }
  // Not in an instruction that writes the word before it reads it.
  const writesFirst = `s32[(fp + 8)] = s32[(fp + 12)];\n${shuffle}`;
  assert.equal(run([zero, writesFirst]).at(-1), writesFirst);
  // A term that is not 0 with the word as 0 (a shift by it) stays; a chain of zeros is 0.
  const shifted = "s32[(fp + 0)] = (5 << s32[(fp + 8)]) | (s32[(fp + 9)] << 8);";
  assert.equal(run([zero, shifted]).at(-1), "s32[(fp + 0)] = (5 << s32[(fp + 8)]);");
  const all = "s32[(fp + 0) + 1] = (s32[(fp + 8)] & 3) | s32[(fp + 9)];";
  assert.equal(run([zero, all]).at(-1), "s32[(fp + 0) + 1] = 0;");
});

/** clang's zero extension of bytes, a shuffle with a zero vector, in a loop and out of it. */
const ZERO_EXTEND = wat(`(module
  (memory (export "mem") 1)
  (func (export "widen") (param $n i32)
    (local $z v128) (local $i i32)
    (loop $l
      (local.set $z (v128.const i32x4 0 0 0 0))
      (v128.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 5)))
        (i8x16.shuffle 16 1 17 3 18 5 19 7 20 9 21 11 22 13 23 15
          (local.get $z) (v128.load (i32.shl (local.get $i) (i32.const 4)))))
      (v128.store (i32.add (i32.const 80) (i32.shl (local.get $i) (i32.const 5)))
        (i8x16.shuffle 8 17 9 19 10 21 11 23 12 25 13 27 14 29 15 31
          (v128.load (i32.shl (local.get $i) (i32.const 4))) (local.get $z)))
      ;; the zero vector's slot written with something else: no longer zero
      (local.set $z (v128.load (i32.const 0)))
      (v128.store (i32.const 1024)
        (i8x16.shuffle 16 1 17 3 18 5 19 7 20 9 21 11 22 13 23 15
          (local.get $z) (local.get $z)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`);

Deno.test("codegen v128: shuffles with a zero vector widen bytes alike in both tiers", () => {
  const results: number[][] = [];
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, ZERO_EXTEND));
    const memory = instance.getMemory(store, "mem")!;
    const data = memory.data(store);
    for (let i = 0; i < 64; i++) data[i] = (i * 37 + 200) & 255;
    instance.getFunc(store, "widen")!.call(store, [Val.i32(4)]);
    const bytes = memory.data(store);
    results.push([
      ...new Int32Array(bytes.buffer, bytes.byteOffset + 64, 32),
      ...new Int32Array(bytes.buffer, bytes.byteOffset + 1024, 4),
    ]);
    if (tier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
  }
  assert.deepEqual(results[1], results[0]);
  // Each byte widened to a halfword: the low 8 bytes of 16 at 64, the high 8 at 80.
  const halves = new Uint16Array(Int32Array.from(results[0]!.slice(0, 8)).buffer);
  assert.deepEqual([...halves], Array.from({ length: 16 }, (_, i) => (i * 37 + 200) & 255));
});

/**
 * A kernel of f32 and integer lanes through memory, with the memory grown between calls: its
 * v128 accesses run on the memory's typed arrays where aligned (`typedLanes`), on the
 * `DataView` where not, and on the grown memory's arrays after a grow.
 */
const TYPED_LANES = wat(`(module
  (memory (export "mem") 1)
  (func (export "kernel") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32)
    (loop $l
      ;; an f32 product, a word copy and a clamp of each 16 bytes
      (v128.store (local.get $dst)
        (f32x4.mul (v128.load (local.get $src)) (v128.load offset=16 (local.get $src))))
      (v128.store offset=16 (local.get $dst) (v128.load offset=32 (local.get $src)))
      (v128.store offset=32 (local.get $dst)
        (f32x4.min (f32x4.max (v128.load (local.get $src)) (v128.const f32x4 -1 -1 -1 -1))
          (v128.const f32x4 1 1 1 1)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 48)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))`);

Deno.test("codegen v128: v128 accesses on typed arrays where aligned give the DataView's bits", () => {
  const words = Int32Array.from({ length: 64 }, someWord);
  const results: number[][] = [];
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, TYPED_LANES));
    const memory = instance.getMemory(store, "mem")!;
    const out: number[] = [];
    // Aligned and misaligned sources and destinations, then the same after a grow, where the
    // accesses reach the new page.
    for (const [src, dst, grow] of [[0, 1024, false], [2, 2051, false], [65532, 70000, true]]) {
      if (grow) instance.getFunc(store, "grow")!.call(store, []);
      const data = memory.data(store);
      new Uint8Array(data.buffer, data.byteOffset + (src as number), 256).set(
        new Uint8Array(words.buffer),
      );
      instance.getFunc(store, "kernel")!.call(store, [
        Val.i32(src as number),
        Val.i32(dst as number),
        Val.i32(8),
      ]);
      const bytes = memory.data(store);
      out.push(...new Int32Array(bytes.slice(dst as number, (dst as number) + 384).buffer));
    }
    results.push(out);
    if (tier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
  }
  const [interpreted, generated] = results;
  for (let i = 0; i < interpreted!.length; i++) {
    const [a, b] = [interpreted![i]!, generated![i]!];
    // A product that is a NaN may be any quiet NaN (see `check`); all else is exact.
    if (isNaNBits(a) && isNaNBits(b) && (b & 0x400000) !== 0) continue;
    assert.equal(b, a, `word ${i}`);
  }
});

Deno.test("codegen v128: typedLanes spells groups of whole words on typed arrays", () => {
  const group = (lines: string, eb = "") =>
    `{\nconst $ea = ((r4 + 16) >>> 0)${eb};\nif ($ea + 16 > memLen${
      eb === "" ? "" : " || $eb + 16 > memLen"
    }) throw trap(1);\n${lines}}`;
  const names = new Set<string>();
  const loads = group("x = mview.getInt32($ea, true);\ny = mview.getInt32($ea + 12, true) * 2;\n");
  assert.equal(
    v128.typedLanes(loads, names),
    "{\nconst $ea = ((r4 + 16) >>> 0);\nif ($ea + 16 > memLen) throw trap(1);\n" +
      "const $ix = $ea & 3 ? unalignedLoad(mview, $ea, 0) : $ea >>> 2, " +
      "$ia = $ea & 3 ? UNALIGNED_I32 : mi32;\nx = $ia[$ix];\ny = $ia[$ix + 3] * 2;\n}",
  );
  assert.deepEqual([...names], ["mi32"]);
  const stores = group("mview.setInt32($ea + 4, (a + b) | 0, true);\n");
  assert.equal(
    v128.typedLanes(stores, new Set()),
    "{\nconst $ea = ((r4 + 16) >>> 0);\nif ($ea + 16 > memLen) throw trap(1);\n" +
      "const $ix = $ea & 3 ? 0 : $ea >>> 2, $ia = $ea & 3 ? UNALIGNED_I32 : mi32;\n" +
      "$ia[$ix + 1] = (a + b) | 0;\nif ($ea & 3) unalignedStore(mview, $ea);\n}",
  );
  const two = group(
    "x = mview.getInt32($ea, true) ^ mview.getInt32($eb + 4, true);\n",
    ", $eb = 8",
  );
  assert.match(
    v128.typedLanes(two, new Set()),
    /\$jx = \$eb & 3 \? unalignedLoad\(mview, \$eb, 4\) : \$eb >>> 2, \$ib = /,
  );
  // f32 words, halfwords, a store inside an expression, loads and stores together: left on the
  // DataView.
  for (
    const lines of [
      "x = mview.getFloat32($ea, true);\n",
      "x = mview.getInt16($ea + 2, true);\n",
      "x = (mview.setInt32($ea, 1, true), 2);\n",
      "x = mview.getInt32($ea, true);\nmview.setInt32($ea, 1, true);\n",
    ]
  ) {
    assert.equal(v128.typedLanes(group(lines), new Set()), group(lines));
  }
});

Deno.test("codegen v128: knownWords spells constant words, across loops that keep them", () => {
  const mask = "{\ns32[(fp + 8)] = 0;\n}\n{\ns32[(fp + 12)] = 255;\n}";
  const use = "s32[(fp + 0)] = (s32[(fp + 4)] & s32[(fp + 12)]) | (s32[(fp + 8)] & -256);";
  const spelled = "s32[(fp + 0)] = (s32[(fp + 4)] & 255);";
  const run = (
    texts: string[],
    isInstruction = texts.map((t) => !/^(L|B)\d+: |^\}|^break /.test(t)),
  ) => v128.knownWords(texts, isInstruction);
  // In a straight-line run, and inside a loop (at its joins too) that never writes the words.
  assert.equal(run([mask, "s32[(fp + 16)] = 1;", use]).at(-1), spelled);
  const loop = run([mask, "L3: for (;;) {", "B9: {", "x();", "}", use, "break L3;\n}", use]);
  assert.equal(loop[5], spelled);
  // After the loop, the words are still known (nothing wrote them).
  assert.equal(loop[7], spelled);
  // A loop that writes a word: not known in it (nor after it), the other one still is.
  const written = run([mask, "L3: for (;;) {", use, "s32[(fp + 8)] = x;", "break L3;\n}", use]);
  assert.equal(written[2], "s32[(fp + 0)] = (s32[(fp + 4)] & 255) | (s32[(fp + 8)] & -256);");
  assert.equal(written[5], written[2]);
  // Not after another write, nor where a helper is given the word's slot, nor where the
  // instruction writes it before reading it.
  for (const between of ["s32[(fp + 12)] = x;", "helper(s32, (fp + 12));"]) {
    assert.equal(
      run([mask, between, use]).at(-1),
      "s32[(fp + 0)] = (s32[(fp + 4)] & s32[(fp + 12)]);",
    );
  }
  const writesFirst = `s32[(fp + 12)] = y;\n${use}`;
  assert.equal(
    run([mask, writesFirst]).at(-1),
    "s32[(fp + 12)] = y;\ns32[(fp + 0)] = (s32[(fp + 4)] & s32[(fp + 12)]);",
  );
  // Not after a dispatch `case` (control enters from anywhere), and f32 reads stay reads.
  assert.equal(run([mask, "case 7:", use], [true, false, true]).at(-1), use);
  assert.equal(
    run([mask, "f32[(fp + 0)] = f32[(fp + 12)];"]).at(-1),
    "f32[(fp + 0)] = f32[(fp + 12)];",
  );
  // A negative constant is parenthesised.
  assert.equal(
    run(["s32[(fp + 4)] = -5;", "s32[(fp + 0)] = 2 - s32[(fp + 4)];"]).at(-1),
    "s32[(fp + 0)] = 2 - (-5);",
  );
});

/** Constant vectors set before a loop, one of them rewritten in it on some iterations only. */
const LOOP_CONSTANTS = wat(`(module
  (memory (export "mem") 1)
  (func (export "masks") (param $n i32) (result i32)
    (local $keep v128) (local $change v128) (local $i i32)
    (local.set $keep (v128.const i32x4 0x00ff00ff 0 -1 0x12345678))
    (local.set $change (v128.const i32x4 7 7 7 7))
    (loop $l
      (v128.store (i32.shl (local.get $i) (i32.const 4))
        (v128.or (v128.and (v128.load (i32.const 1024)) (local.get $keep)) (local.get $change)))
      (if (i32.eq (i32.and (local.get $i) (i32.const 3)) (i32.const 2))
        (then (local.set $change (v128.load (i32.const 1040)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32x4.extract_lane 3 (local.get $change))))`);

Deno.test("codegen v128: constants known across a loop give the interpreter's results", () => {
  const results: number[][] = [];
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(
      store,
      new Module(engine, LOOP_CONSTANTS),
    );
    const memory = instance.getMemory(store, "mem")!;
    const data = memory.data(store);
    new Int32Array(data.buffer, data.byteOffset + 1024, 8).set([
      0x11223344,
      -0x55667788,
      0x7fa00001,
      -1,
      0x100,
      0x200,
      0x300,
      0x400,
    ]);
    const [x] = instance.getFunc(store, "masks")!.call(store, [Val.i32(9)]);
    const bytes = memory.data(store);
    results.push([...new Int32Array(bytes.slice(0, 144).buffer), x!.value as number]);
    if (tier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
  }
  assert.deepEqual(results[1], results[0]);
  // The rewritten vector reached the stores after the 3rd iteration.
  assert.equal(results[0]![12], 0x11223344 & 0x00ff00ff | 0x100);
});
