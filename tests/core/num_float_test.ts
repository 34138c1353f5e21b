import assert from "node:assert/strict";
import * as num from "../../src/core/num/mod.ts";
import {
  F32_BITWISE_WAST,
  F32_WAST,
  F64_BITWISE_WAST,
  F64_WAST,
  FLOAT_MISC_WAST,
} from "./num_wast_cases.ts";
import {
  checkF32Bits,
  checkF64Bits,
  f32Bits,
  f32FromBits,
  f64Bits,
  f64FromBits,
  get,
  put,
  s,
} from "./num_test_util.ts";

/** An f32 operation on bit patterns (uint32 numbers), returning result bits. */
type F32Op = (x: number, y: number) => number;
/** An f64 operation on bit patterns (bigints), returning result bits. */
type F64Op = (x: bigint, y: bigint) => bigint;

const onF32 = (f: (x: number, y: number) => number): F32Op => (x, y) =>
  f32Bits(f(f32FromBits(x), f32FromBits(y)));
const onF64 = (f: (x: number, y: number) => number): F64Op => (x, y) =>
  f64Bits(f(f64FromBits(x), f64FromBits(y)));
/** Runs an f64 bit operation through the slot array, result written over the first operand. */
const inSlots = (f: (s: Int32Array, d: number, a: number, b: number) => void): F64Op => (x, y) => {
  put(0, x);
  put(2, y);
  f(s, 0, 0, 2);
  return BigInt.asUintN(64, get(0));
};

const F32_OPS: Record<string, F32Op> = {
  add: onF32(num.f32Add),
  sub: onF32(num.f32Sub),
  mul: onF32(num.f32Mul),
  div: onF32(num.f32Div),
  sqrt: onF32(num.f32Sqrt),
  min: onF32(num.fMin),
  max: onF32(num.fMax),
  ceil: onF32(num.f32Ceil),
  floor: onF32(num.f32Floor),
  trunc: onF32(num.f32Trunc),
  nearest: onF32(num.f32Nearest),
  abs: (x) => num.f32Abs(x | 0),
  neg: (x) => num.f32Neg(x | 0),
  copysign: (x, y) => num.f32Copysign(x | 0, y | 0),
};

const F64_OPS: Record<string, F64Op> = {
  add: onF64((x, y) => x + y),
  sub: onF64((x, y) => x - y),
  mul: onF64((x, y) => x * y),
  div: onF64((x, y) => x / y),
  sqrt: onF64(Math.sqrt),
  min: onF64(num.fMin),
  max: onF64(num.fMax),
  ceil: onF64(num.f64Ceil),
  floor: onF64(num.f64Floor),
  trunc: onF64(num.f64Trunc),
  nearest: onF64(num.f64Nearest),
  abs: inSlots((s, d, a) => num.f64AbsBits(s, d, a)),
  neg: inSlots((s, d, a) => num.f64NegBits(s, d, a)),
  copysign: inSlots(num.f64CopysignBits),
};

function runF32(op: string, args: readonly (number | bigint)[], expected: unknown): void {
  const f = F32_OPS[op];
  assert.ok(f, `no f32 function for ${op}`);
  const [x, y] = args.map(Number);
  const label = `f32.${op}(${args.map((a) => `0x${a.toString(16)}`).join(", ")})`;
  checkF32Bits(f(x, y ?? 0), expected as number | string, label);
}

function runF64(op: string, args: readonly (number | bigint)[], expected: unknown): void {
  const f = F64_OPS[op];
  assert.ok(f, `no f64 function for ${op}`);
  const [x, y] = args.map((a) => BigInt.asUintN(64, BigInt(a)));
  const label = `f64.${op}(${args.map((a) => `0x${a.toString(16)}`).join(", ")})`;
  checkF64Bits(f(x, y ?? 0n), expected as bigint | string, label);
}

Deno.test("float: f32.wast and f32_bitwise.wast cases", () => {
  for (const [op, args, expected] of [...F32_WAST, ...F32_BITWISE_WAST]) {
    runF32(op, args, expected);
  }
});

Deno.test("float: f64.wast and f64_bitwise.wast cases", () => {
  for (const [op, args, expected] of [...F64_WAST, ...F64_BITWISE_WAST]) {
    runF64(op, args, expected);
  }
});

Deno.test("float: float_misc.wast cases", () => {
  for (const [name, args, expected] of FLOAT_MISC_WAST) {
    const [width, op] = name.split(".");
    if (width === "f32") runF32(op, args, expected);
    else runF64(op, args, expected);
  }
});

Deno.test("float: nearest rounds half to even and keeps the sign of zero", () => {
  const cases: [number, number][] = [
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [-0.5, -0],
    [-1.5, -2],
    [-2.5, -2],
    [-0.4, -0],
    [0.49999999999999994, 0], // where Math.round-style x + 0.5 goes wrong
    [-0, -0],
    [0, 0],
    [4503599627370495.5, 4503599627370496],
    [-4503599627370495.5, -4503599627370496],
    [4503599627370497, 4503599627370497],
    [2 ** 60, 2 ** 60],
    [5e-324, 0],
    [-5e-324, -0],
    [Infinity, Infinity],
    [-Infinity, -Infinity],
  ];
  for (const [x, want] of cases) {
    assert.ok(Object.is(num.f64Nearest(x), want), `f64Nearest(${x}) = ${num.f64Nearest(x)}`);
  }
  assert.ok(Number.isNaN(num.f64Nearest(NaN)));
  // f32: 2^23 - 0.5 is an f32; its neighbours below 2^24 are all integral.
  assert.equal(num.f32Nearest(8388607.5), 8388608);
  assert.equal(num.f32Nearest(8388606.5), 8388606);
  assert.equal(num.f32Nearest(Math.fround(-1.5)), -2);
});

Deno.test("float: min/max with -0 and NaN, and signed-zero rounding", () => {
  assert.ok(Object.is(num.fMin(-0, 0), -0));
  assert.ok(Object.is(num.fMin(0, -0), -0));
  assert.ok(Object.is(num.fMax(-0, 0), 0));
  assert.ok(Object.is(num.fMax(0, -0), 0));
  for (const f of [num.fMin, num.fMax]) {
    assert.ok(Number.isNaN(f(NaN, 1)));
    assert.ok(Number.isNaN(f(-Infinity, NaN)));
    assert.ok(Number.isNaN(f(NaN, NaN)));
  }
  assert.equal(num.fMin(-Infinity, 3), -Infinity);
  assert.equal(num.fMax(-Infinity, 3), 3);
  assert.ok(Object.is(num.f64Trunc(-0.5), -0));
  assert.ok(Object.is(num.f32Trunc(Math.fround(-0.7)), -0));
  assert.ok(Object.is(num.f64Ceil(-0.5), -0));
  assert.ok(Object.is(num.f32Ceil(-0.5), -0));
  assert.ok(Object.is(num.f64Floor(-0), -0));
  assert.ok(Object.is(num.f32Floor(0.5), 0));
  assert.equal(num.f32Floor(-0.5), -1);
  assert.ok(Object.is(num.f32Sqrt(-0), -0));
  assert.ok(Number.isNaN(num.f32Sqrt(-1)));
});

Deno.test("float: abs/neg/copysign keep NaN payloads", () => {
  const sNaN32 = 0x7fa00001; // signalling, with payload
  assert.equal(num.f32Abs(sNaN32 | 0x80000000) >>> 0, sNaN32);
  assert.equal(num.f32Neg(sNaN32) >>> 0, 0xffa00001);
  assert.equal(num.f32Copysign(sNaN32, 0x80000000) >>> 0, 0xffa00001);
  assert.equal(num.f32Copysign(0xffa00001 | 0, 0) >>> 0, sNaN32);
  assert.equal(num.f32Neg(0) >>> 0, 0x80000000);
  const sNaN64 = 0x7ff4000000000001n;
  assert.equal(F64_OPS.neg(sNaN64, 0n), 0xfff4000000000001n);
  assert.equal(F64_OPS.abs(0xfff4000000000001n, 0n), sNaN64);
  assert.equal(F64_OPS.copysign(sNaN64, 0x8000000000000000n), 0xfff4000000000001n);
  assert.equal(F64_OPS.copysign(0x8000000000000000n, 1n), 0n);
  // In place, with the sign operand aliasing the destination.
  put(0, 0x3ff0000000000000n); // 1.0
  put(2, -0x4010000000000000n); // bits 0xbff0000000000000: -1.0
  num.f64CopysignBits(s, 2, 0, 2);
  assert.equal(BigInt.asUintN(64, get(2)), 0xbff0000000000000n);
});
