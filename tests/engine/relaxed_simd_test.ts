/**
 * Relaxed SIMD: every operator gives its documented deterministic choice (the Arm lowering, see
 * `src/engine/simd.ts`) on the inputs where the lowerings differ, through the engine's SIMD
 * functions and end to end through the public API; and the fused multiply-add it relies on
 * (`src/core/num/fma.ts`) is exact on the cases where one and two roundings differ.
 */

import assert from "node:assert/strict";
import { f32Fma, f64Fma } from "../../src/core/num/fma.ts";
import { simdBinary, simdTernary, simdUnary } from "../../src/engine/simd.ts";
import { Config, DecodeError, Engine, Linker, Module, Store, Val } from "../../mod.ts";
import { wat } from "../api/_wat.ts";

// Slot word indices of the operands and the result in a 4-slot array.
const A = 0, B = 4, C = 8, D = 12;

type Lanes = "i8" | "u8" | "i16" | "i32" | "f32" | "f64";

function view(s: Int32Array, shape: Lanes, w: number) {
  const buf = s.buffer, at = w * 4;
  switch (shape) {
    case "i8":
      return new Int8Array(buf, at, 16);
    case "u8":
      return new Uint8Array(buf, at, 16);
    case "i16":
      return new Int16Array(buf, at, 8);
    case "i32":
      return new Int32Array(buf, at, 4);
    case "f32":
      return new Float32Array(buf, at, 4);
    case "f64":
      return new Float64Array(buf, at, 2);
  }
}

/** Runs relaxed operator `op` (`0xFD op`) on operands of `inShape`; the result as `outShape`. */
function run(
  op: number,
  inShape: Lanes,
  outShape: Lanes,
  a: number[],
  b?: number[],
  c?: number[],
  cShape: Lanes = inShape,
): number[] {
  const s = new Int32Array(16);
  view(s, inShape, A).set(a);
  if (b !== undefined) view(s, inShape, B).set(b);
  if (c !== undefined) view(s, cShape, C).set(c);
  if (c !== undefined) simdTernary(op, s, D, A, B, C);
  else if (b !== undefined) simdBinary(op, s, D, A, B);
  else simdUnary(op, s, D, A);
  return [...view(s, outShape, D)];
}

const I8_IDS = Array.from({ length: 16 }, (_, i) => i);

Deno.test("relaxed SIMD: swizzle selects 0 for every index past 15 (Arm TBL)", () => {
  const table = I8_IDS.map((i) => 100 + i);
  const idx = [0, 15, 16, 31, 127, 128, 200, 255, 1, 2, 3, 4, 5, 6, 7, 8];
  assert.deepEqual(
    run(0x100, "u8", "u8", table, idx),
    [100, 115, 0, 0, 0, 0, 0, 0, 101, 102, 103, 104, 105, 106, 107, 108],
  );
});

Deno.test("relaxed SIMD: truncations saturate and give 0 for NaN (Arm FCVTZS/FCVTZU)", () => {
  const f = [NaN, 5e9, -3e9, -1.5];
  assert.deepEqual(run(0x101, "f32", "i32", f), [0, 2147483647, -2147483648, -1]);
  assert.deepEqual(run(0x102, "f32", "i32", f), [0, -1, /* 0xffffffff */ 0, 0]);
  assert.deepEqual(run(0x103, "f64", "i32", [NaN, -1e10]), [0, -2147483648, 0, 0]);
  assert.deepEqual(run(0x104, "f64", "i32", [1e10, -7]), [-1, 0, 0, 0]);
});

Deno.test("relaxed SIMD: madd and nmadd are fused (Arm FMLA/FMLS: one rounding)", () => {
  // x·x - 1 = 2^-22 + 2^-46 exactly; rounding x·x to f32 first loses the 2^-46.
  const x = Math.fround(1 + 2 ** -23);
  const fused = Math.fround(2 ** -22 + 2 ** -46);
  assert.deepEqual(run(0x105, "f32", "f32", [x, 1, 2, 0], [x, 1, 3, 0], [-1, 1, 1, 0]), [
    fused,
    2,
    7,
    0,
  ]);
  assert.deepEqual(run(0x106, "f32", "f32", [x, 2, 0, 0], [x, 3, 0, 0], [1, 10, 0, 0]), [
    Math.fround(-(2 ** -22) - 2 ** -46),
    4,
    0,
    0,
  ]);
  const e = 2 ** -52;
  assert.deepEqual(run(0x107, "f64", "f64", [1 + e, 2], [1 - e, 3], [-1, 1]), [-(2 ** -104), 7]);
  assert.deepEqual(run(0x108, "f64", "f64", [1 + e, 2], [1 - e, 3], [1, 1]), [2 ** -104, -5]);
});

Deno.test("relaxed SIMD: laneselect selects bit by bit, at every lane width (Arm BSL)", () => {
  const a = [-1, -1, -1, -1], b = [0, 0, 0, 0];
  // A mask that is not all-ones or all-zeros per lane: x86's blend would follow the top bit.
  const mask = [0x0f0f0f0f, 0x7fffffff, -0x80000000, 0x00ff00ff];
  for (const op of [0x109, 0x10a, 0x10b, 0x10c]) {
    assert.deepEqual(run(op, "i32", "i32", a, b, mask), mask, op.toString(16));
  }
});

Deno.test("relaxed SIMD: min and max propagate NaN and order -0 < +0 (Arm FMIN/FMAX)", () => {
  const [minF, maxF] = [
    run(0x10d, "f32", "f32", [NaN, -0, 1, 2], [1, 0, NaN, -3]),
    run(
      0x10e,
      "f32",
      "f32",
      [NaN, -0, 1, 2],
      [1, 0, NaN, -3],
    ),
  ];
  assert.ok(Number.isNaN(minF[0]) && Number.isNaN(minF[2]) && Object.is(minF[1], -0));
  assert.equal(minF[3], -3);
  assert.ok(Number.isNaN(maxF[0]) && Number.isNaN(maxF[2]) && Object.is(maxF[1], 0));
  assert.equal(maxF[3], 2);
  const minD = run(0x10f, "f64", "f64", [0, NaN], [-0, 1]);
  assert.ok(Object.is(minD[0], -0) && Number.isNaN(minD[1]));
  const maxD = run(0x110, "f64", "f64", [-0, 5], [0, NaN]);
  assert.ok(Object.is(maxD[0], 0) && Number.isNaN(maxD[1]));
});

Deno.test("relaxed SIMD: q15mulr saturates -32768 · -32768 (Arm SQRDMULH)", () => {
  const a = [-32768, 16384, -16384, 3, 0, 0, 0, 0];
  const b = [-32768, 16384, 16384, 4, 0, 0, 0, 0];
  assert.deepEqual(run(0x111, "i16", "i16", a, b), [32767, 8192, -8192, 0, 0, 0, 0, 0]);
});

Deno.test("relaxed SIMD: i8×i7 dot products treat both as signed; i16 sums wrap (Arm)", () => {
  const a = [-128, -128, 127, 127, -1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const b = [-128, -128, 127, 127, -128, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  // 16384 + 16384 wraps to -32768 in an i16 lane; -1 · -128 is 128 (b read as signed).
  assert.deepEqual(run(0x112, "i8", "i16", a, b), [-32768, 32258, 134, 0, 0, 0, 0, 0]);
  // Four products per i32 lane, plus the accumulator (wrapping).
  assert.deepEqual(
    run(0x113, "i8", "i32", a, b, [1, 2147483647, 0, -5], "i32"),
    [32768 + 32258 + 1, (134 + 2147483647) | 0, 0, -5],
  );
});

Deno.test("fma: one rounding where two differ, and the special cases", () => {
  const e = 2 ** -52;
  assert.equal(f64Fma(1 + e, 1 - e, -1), -(2 ** -104));
  assert.equal(f64Fma(2, 3, 4), 10);
  // A product past the double range, brought back by c.
  assert.equal(f64Fma(2 ** 1000, 2 ** 100, -(2 ** 1023)), Infinity);
  assert.equal(f64Fma(1.5 * 2 ** 600, 2 ** 424, -Number.MAX_VALUE), 2 ** 1023 + 2 ** 971);
  // Subnormal results rounded once.
  assert.equal(f64Fma(2 ** -600, 2 ** -500, 0), 0);
  // 3·2^-1075 + 2^-1074 is 2.5 subnormal units: 2, ties to even (rounding the product first
  // gives 2, plus 1: 3).
  assert.equal(f64Fma(3 * 2 ** -540, 2 ** -535, 2 ** -1074), 2 * 2 ** -1074);
  assert.equal(3 * 2 ** -540 * 2 ** -535 + 2 ** -1074, 3 * 2 ** -1074);
  assert.equal(f64Fma(-(2 ** -1074), 0.5, 0), -0);
  // Exact zero sums are +0; zeros keep IEEE's sign rules.
  assert.ok(Object.is(f64Fma(-2, 3, 6), 0));
  assert.ok(Object.is(f64Fma(-0, 1, -0), -0));
  assert.ok(Number.isNaN(f64Fma(Infinity, 0, 1)));
  assert.ok(Number.isNaN(f64Fma(Infinity, 1, -Infinity)));
  assert.equal(f64Fma(Infinity, 1, 5), Infinity);
  // f32: the product is exact in double; the sum is rounded once, at 24 bits.
  const x = Math.fround(1 + 2 ** -23);
  assert.equal(f32Fma(x, x, -1), Math.fround(2 ** -22 + 2 ** -46));
  // A tie at 24 bits that the double sum would hide: 1 + 2^-24 + 2^-60 rounds up in f32.
  const big = Math.fround(1 + 2 ** -23), small = Math.fround(2 ** -24);
  assert.equal(f32Fma(small, small, 1 + 2 ** -24), Math.fround(1 + 2 ** -23));
  assert.equal(f32Fma(big, small, -small), 2 ** -47);
  assert.equal(f32Fma(3.4e38, 10, 0), Infinity);
  // Every random f32 case agrees with exact rational arithmetic in BigInt.
  for (let i = 0; i < 2000; i++) {
    const [a, b, c] = [rand32(), rand32(), rand32()];
    assert.equal(f32Fma(a, b, c), ref(a, b, c, 24), `${a} * ${b} + ${c}`);
  }
  // And every random f64 case (the product is rarely exact: mostly the BigInt path).
  for (let i = 0; i < 2000; i++) {
    const [a, b, c] = [rand64(), rand64(), rand64()];
    assert.equal(f64Fma(a, b, c), ref(a, b, c, 53), `${a} * ${b} + ${c}`);
  }
});

/** A random double of moderate exponent (within 2^±21). */
function rand64(): number {
  return (Math.random() - 0.5) * 2 ** Math.floor(Math.random() * 40 - 20);
}

/** A random f32 of moderate exponent. */
function rand32(): number {
  return Math.fround(rand64());
}

/**
 * The number of `bits` significant bits nearest `a * b + c`, from the exact sum in units of
 * 2^-300 (the operands are of moderate exponent: no overflow or subnormal here).
 */
function ref(a: number, b: number, c: number, bits: number): number {
  const scale = 300n;
  const toFixed = (x: number): bigint => {
    // x is of moderate exponent: x · 2^150 is an integer.
    return BigInt(x * 2 ** 150);
  };
  const exact = toFixed(a) * toFixed(b) + (toFixed(c) << 150n);
  // Round `exact · 2^-300` to `bits` significant bits, ties to even.
  if (exact === 0n) return 0;
  const neg = exact < 0n;
  const mag = neg ? -exact : exact;
  const shift = BigInt(Math.max(mag.toString(2).length - bits, 0));
  let q = mag >> shift;
  const rem = mag - (q << shift);
  const half = shift > 0n ? 1n << (shift - 1n) : 0n;
  if (shift > 0n && (rem > half || (rem === half && (q & 1n) === 1n))) q += 1n;
  const r = Number(q) * 2 ** (Number(shift) - Number(scale));
  return neg ? -r : r;
}

Deno.test("relaxed SIMD: end to end through the API, and the wasmRelaxedSimd switch", () => {
  const text = `(module
    (func (export "swz") (param v128 v128) (result v128)
      (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
    (func (export "madd") (param f64 f64 f64) (result f64)
      (f64x2.extract_lane 0 (f64x2.relaxed_madd
        (f64x2.splat (local.get 0)) (f64x2.splat (local.get 1)) (f64x2.splat (local.get 2))))))`;
  const bytes = wat(text);
  const engine = new Engine();
  assert.equal(engine.config.wasmRelaxedSimd, true, "on by default, as in wasmi 2.0");
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const idx = Uint8Array.from([16, 0, 1, 200, ...new Array(12).fill(2)]);
  const out = instance.getFunc(store, "swz")!.call(store, [
    Val.v128(Uint8Array.from(I8_IDS.map((i) => i + 1))),
    Val.v128(idx),
  ])[0]!.value as Uint8Array;
  assert.deepEqual([...out.subarray(0, 5)], [0, 1, 2, 0, 3]);
  const e = 2 ** -52;
  const madd = instance.getTypedFunc<[number, number, number], number>(store, "madd");
  assert.equal(madd.call(store, 1 + e, 1 - e, -1), -(2 ** -104));

  // Bodies checked at `new Module` (in `lazy` mode a body is checked when first called).
  const off = new Engine(
    new Config({ wasmRelaxedSimd: false, compilationMode: "lazyTranslation" }),
  );
  assert.throws(
    () => new Module(off, bytes),
    (err) => err instanceof DecodeError && err.message.includes("i8x16.relaxed_swizzle"),
  );
  // Relaxed SIMD extends SIMD: with SIMD off, its operators are off too (even in dead code).
  const dead = wat(`(module (func unreachable i8x16.relaxed_swizzle drop))`);
  new Module(engine, dead);
  assert.throws(
    () =>
      new Module(
        new Engine(new Config({ wasmSimd: false, compilationMode: "lazyTranslation" })),
        dead,
      ),
    (err) => err instanceof DecodeError && err.message.includes("i8x16.relaxed_swizzle"),
  );
});
