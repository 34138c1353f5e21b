import assert from "node:assert/strict";
import * as num from "../../src/core/num/mod.ts";
import { CONVERSIONS_WAST } from "./num_wast_cases.ts";
import {
  assertTrap,
  checkF32,
  checkF64,
  f32FromBits,
  f64FromBits,
  get,
  i64Gen,
  put,
  rng,
  s,
} from "./num_test_util.ts";

type Kind = "i32" | "i64" | "f32" | "f64";
type Fn = (...args: never[]) => unknown;

/** Each conversion: argument kind, result kind, function (i64 arguments and results in slots). */
const OPS: Record<string, [Kind, Kind, Fn]> = {
  "i32.wrap_i64": ["i64", "i32", (s: Int32Array, a: number) => s[a]],
  "i64.extend_i32_s": ["i32", "i64", num.i64ExtendI32S],
  "i64.extend_i32_u": ["i32", "i64", num.i64ExtendI32U],
  "i32.trunc_f32_s": ["f32", "i32", num.i32TruncF32S],
  "i32.trunc_f32_u": ["f32", "i32", num.i32TruncF32U],
  "i32.trunc_f64_s": ["f64", "i32", num.i32TruncF64S],
  "i32.trunc_f64_u": ["f64", "i32", num.i32TruncF64U],
  "i64.trunc_f32_s": ["f32", "i64", num.i64TruncF32S],
  "i64.trunc_f32_u": ["f32", "i64", num.i64TruncF32U],
  "i64.trunc_f64_s": ["f64", "i64", num.i64TruncF64S],
  "i64.trunc_f64_u": ["f64", "i64", num.i64TruncF64U],
  "i32.trunc_sat_f32_s": ["f32", "i32", num.i32TruncSatF32S],
  "i32.trunc_sat_f32_u": ["f32", "i32", num.i32TruncSatF32U],
  "i32.trunc_sat_f64_s": ["f64", "i32", num.i32TruncSatF64S],
  "i32.trunc_sat_f64_u": ["f64", "i32", num.i32TruncSatF64U],
  "i64.trunc_sat_f32_s": ["f32", "i64", num.i64TruncSatF32S],
  "i64.trunc_sat_f32_u": ["f32", "i64", num.i64TruncSatF32U],
  "i64.trunc_sat_f64_s": ["f64", "i64", num.i64TruncSatF64S],
  "i64.trunc_sat_f64_u": ["f64", "i64", num.i64TruncSatF64U],
  "f32.convert_i32_s": ["i32", "f32", num.f32ConvertI32S],
  "f32.convert_i32_u": ["i32", "f32", num.f32ConvertI32U],
  "f32.convert_i64_s": ["i64", "f32", num.f32ConvertI64S],
  "f32.convert_i64_u": ["i64", "f32", num.f32ConvertI64U],
  "f64.convert_i32_s": ["i32", "f64", (x: number) => x],
  "f64.convert_i32_u": ["i32", "f64", num.f64ConvertI32U],
  "f64.convert_i64_s": ["i64", "f64", num.f64ConvertI64S],
  "f64.convert_i64_u": ["i64", "f64", num.f64ConvertI64U],
  "f32.demote_f64": ["f64", "f32", num.f32DemoteF64],
  "f64.promote_f32": ["f32", "f64", num.f64PromoteF32],
};

/** Runs a conversion on a testsuite-style argument (float args as bits); i64 results as bigint. */
function run(op: string, arg: number | bigint): number | bigint {
  const [from, to, fn] = OPS[op];
  const f = fn as (...args: unknown[]) => unknown;
  let args: unknown[];
  if (from === "i64") {
    put(0, BigInt(arg));
    args = [s, 0];
  } else if (from === "f32") {
    args = [f32FromBits(Number(arg))];
  } else if (from === "f64") {
    args = [f64FromBits(BigInt.asUintN(64, BigInt(arg)))];
  } else {
    args = [Number(arg)];
  }
  if (to === "i64") {
    f(s, 2, ...args);
    return get(2);
  }
  return f(...args) as number;
}

function check(op: string, arg: number | bigint, expected: number | bigint | string): void {
  const label = `${op}(0x${arg.toString(16)})`;
  if (typeof expected === "string" && expected.startsWith("trap:")) {
    assertTrap(() => run(op, arg), expected.slice(5), label);
    return;
  }
  const result = run(op, arg);
  const to = OPS[op][1];
  if (to === "f32") checkF32(result as number, expected, label);
  else if (to === "f64") checkF64(result as number, expected, label);
  else assert.ok(Object.is(result, expected), `${label} = ${result}, want ${expected}`);
}

Deno.test("convert: conversions.wast cases", () => {
  for (const [op, [arg], expected] of CONVERSIONS_WAST) {
    assert.ok(op in OPS, `no function for ${op}`);
    check(op, arg, expected);
  }
});

const OVF = "integer overflow", NAN = "invalid conversion to integer";
const f32 = Math.fround;

Deno.test("convert: trapping truncation boundaries", () => {
  // [op, input, result or trap]; inputs are exact in the source type.
  const table: [string, number, number | bigint | string][] = [
    ["i32.trunc_f32_s", -2147483648, -2147483648],
    ["i32.trunc_f32_s", -2147483904, OVF], // next f32 below -2^31
    ["i32.trunc_f32_s", 2147483520, 2147483520], // largest f32 below 2^31
    ["i32.trunc_f32_s", 2147483648, OVF],
    ["i32.trunc_f32_s", f32(-0.9), 0],
    ["i32.trunc_f32_s", -Infinity, OVF],
    ["i32.trunc_f32_s", NaN, NAN],
    ["i32.trunc_f64_s", -2147483648.9, -2147483648],
    ["i32.trunc_f64_s", -2147483649, OVF],
    ["i32.trunc_f64_s", 2147483647.9, 2147483647],
    ["i32.trunc_f64_s", 2147483648, OVF],
    ["i32.trunc_f64_s", -0, 0],
    ["i32.trunc_f32_u", f32(-0.99999), 0],
    ["i32.trunc_f32_u", -1, OVF],
    ["i32.trunc_f32_u", 4294967040, -256], // largest f32 below 2^32
    ["i32.trunc_f32_u", 4294967296, OVF],
    ["i32.trunc_f32_u", NaN, NAN],
    ["i32.trunc_f64_u", -0.99999, 0],
    ["i32.trunc_f64_u", -1, OVF],
    ["i32.trunc_f64_u", 2147483648, -2147483648],
    ["i32.trunc_f64_u", 4294967295.9, -1],
    ["i32.trunc_f64_u", 4294967296, OVF],
    ["i32.trunc_f64_u", Infinity, OVF],
    ["i64.trunc_f32_s", -(2 ** 63), -(2n ** 63n)],
    ["i64.trunc_f32_s", -(2 ** 63) - 2 ** 40, OVF], // next f32 below -2^63
    ["i64.trunc_f32_s", 2 ** 63 - 2 ** 39, 2n ** 63n - 2n ** 39n], // largest f32 below 2^63
    ["i64.trunc_f32_s", 2 ** 63, OVF],
    ["i64.trunc_f32_s", NaN, NAN],
    ["i64.trunc_f64_s", -(2 ** 63), -(2n ** 63n)],
    ["i64.trunc_f64_s", -(2 ** 63) - 2048, OVF], // next double below -2^63
    ["i64.trunc_f64_s", 2 ** 63 - 1024, 2n ** 63n - 1024n], // largest double below 2^63
    ["i64.trunc_f64_s", 2 ** 63, OVF],
    ["i64.trunc_f64_s", -1.5, -1n],
    ["i64.trunc_f64_s", -4294967296.5, -4294967296n],
    ["i64.trunc_f32_u", f32(-0.99999), 0n],
    ["i64.trunc_f32_u", -1, OVF],
    ["i64.trunc_f32_u", 2 ** 64 - 2 ** 40, -(2n ** 40n)], // largest f32 below 2^64
    ["i64.trunc_f32_u", 2 ** 64, OVF],
    ["i64.trunc_f64_u", -0.99999, 0n],
    ["i64.trunc_f64_u", 2 ** 64 - 2048, -2048n], // largest double below 2^64
    ["i64.trunc_f64_u", 2 ** 64, OVF],
    ["i64.trunc_f64_u", 2 ** 63, -(2n ** 63n)],
    ["i64.trunc_f64_u", 4294967296.7, 4294967296n],
    ["i64.trunc_f64_u", NaN, NAN],
  ];
  for (const [op, x, want] of table) runNumber(op, x, want);
});

/** Runs a conversion on a float given as a number (not bits). */
function runNumber(op: string, x: number, want: number | bigint | string): void {
  const [, to, fn] = OPS[op];
  const f = fn as (...args: unknown[]) => unknown;
  const label = `${op}(${x})`;
  const call = () => to === "i64" ? (f(s, 2, x), get(2)) : f(x);
  if (typeof want === "string") assertTrap(call, want, label);
  else assert.ok(Object.is(call(), want), `${label} = ${call()}, want ${want}`);
}

Deno.test("convert: saturating truncation boundaries", () => {
  const MIN64 = -(2n ** 63n), MAX64 = 2n ** 63n - 1n;
  const table: [string, number, number | bigint][] = [
    ["i32.trunc_sat_f32_s", -2147483648, -2147483648],
    ["i32.trunc_sat_f32_s", -2147483904, -2147483648],
    ["i32.trunc_sat_f32_s", 2147483520, 2147483520],
    ["i32.trunc_sat_f32_s", 2147483648, 2147483647],
    ["i32.trunc_sat_f32_s", NaN, 0],
    ["i32.trunc_sat_f32_s", -Infinity, -2147483648],
    ["i32.trunc_sat_f64_s", -2147483648.9, -2147483648],
    ["i32.trunc_sat_f64_s", -2147483649, -2147483648],
    ["i32.trunc_sat_f64_s", 2147483647.9, 2147483647],
    ["i32.trunc_sat_f64_s", Infinity, 2147483647],
    ["i32.trunc_sat_f64_s", -0.5, 0],
    ["i32.trunc_sat_f32_u", f32(-0.99999), 0],
    ["i32.trunc_sat_f32_u", -1, 0],
    ["i32.trunc_sat_f32_u", 4294967040, -256],
    ["i32.trunc_sat_f32_u", 4294967296, -1],
    ["i32.trunc_sat_f32_u", NaN, 0],
    ["i32.trunc_sat_f64_u", 4294967295.9, -1],
    ["i32.trunc_sat_f64_u", 1e300, -1],
    ["i32.trunc_sat_f64_u", -Infinity, 0],
    ["i64.trunc_sat_f32_s", 2 ** 63, MAX64],
    ["i64.trunc_sat_f32_s", -(2 ** 63), MIN64],
    ["i64.trunc_sat_f32_s", -(2 ** 63) - 2 ** 40, MIN64],
    ["i64.trunc_sat_f32_s", NaN, 0n],
    ["i64.trunc_sat_f64_s", 2 ** 63 - 1024, 2n ** 63n - 1024n],
    ["i64.trunc_sat_f64_s", 2 ** 63, MAX64],
    ["i64.trunc_sat_f64_s", -Infinity, MIN64],
    ["i64.trunc_sat_f64_s", -0.9, 0n],
    ["i64.trunc_sat_f32_u", 2 ** 64 - 2 ** 40, -(2n ** 40n)],
    ["i64.trunc_sat_f32_u", 2 ** 64, -1n],
    ["i64.trunc_sat_f32_u", -1, 0n],
    ["i64.trunc_sat_f64_u", 2 ** 64 - 2048, -2048n],
    ["i64.trunc_sat_f64_u", Infinity, -1n],
    ["i64.trunc_sat_f64_u", -0.99, 0n],
    ["i64.trunc_sat_f64_u", NaN, 0n],
  ];
  for (const [op, x, want] of table) runNumber(op, x, want);
});

Deno.test("convert: integer to float rounds once, to nearest even", () => {
  const table: [string, bigint, number][] = [
    ["f32.convert_i64_s", 0x0020000000000001n, 2 ** 53],
    ["f32.convert_i64_s", 9007199254740993n, 2 ** 53],
    ["f32.convert_i64_s", 0x0020000020000001n, 2 ** 53 + 2 ** 30], // double rounding would tie down
    ["f32.convert_i64_s", -0x0020000020000001n, -(2 ** 53 + 2 ** 30)],
    ["f32.convert_i64_s", 0x0020000020000000n, 2 ** 53], // a genuine tie: to even
    ["f32.convert_i64_s", 0x0020000060000000n, 2 ** 53 + 2 ** 31], // tie: to even, upwards
    ["f32.convert_i64_s", 0x7fffff4000000001n, 0x7fffff8000000000],
    ["f32.convert_i64_s", 0x7fffffffffffffffn, 2 ** 63],
    ["f32.convert_i64_s", -(2n ** 63n), -(2 ** 63)],
    ["f32.convert_i64_s", 16777217n, 16777216],
    ["f32.convert_i64_s", -16777219n, -16777220],
    ["f32.convert_i64_u", -1n, 2 ** 64],
    ["f32.convert_i64_u", 0x8000008000000001n - 2n ** 64n, 2 ** 63 + 2 ** 40],
    ["f32.convert_i64_u", 0x0020000020000001n, 2 ** 53 + 2 ** 30],
    ["f32.convert_i64_u", 0xffffff7fffffffffn - 2n ** 64n, 2 ** 64 - 2 ** 40],
    ["f64.convert_i64_s", 9007199254740993n, 2 ** 53],
    ["f64.convert_i64_s", 9007199254740995n, 2 ** 53 + 4],
    ["f64.convert_i64_s", -9007199254740993n, -(2 ** 53)],
    ["f64.convert_i64_u", 0x8000000000000401n - 2n ** 64n, 2 ** 63 + 2048],
    ["f64.convert_i64_u", -1n, 2 ** 64],
  ];
  for (const [op, v, want] of table) {
    const got = run(op, v);
    assert.ok(Object.is(got, want), `${op}(${v}) = ${got}, want ${want}`);
  }
  assert.equal(num.f32ConvertI32U(-1), 4294967296);
  assert.equal(num.f32ConvertI32U(-129), 4294967040); // 0xffffff7f rounds down
  assert.equal(num.f32ConvertI32S(16777217), 16777216);
  assert.equal(num.f64ConvertI32U(-1), 4294967295);
});

/** The exact f32 nearest to the integer v, ties to even, computed with BigInt. */
function refF32(v: bigint): number {
  const neg = v < 0n;
  let m = neg ? -v : v;
  let shift = 0n;
  const n = m.toString(2).length;
  if (n > 24) {
    shift = BigInt(n - 24);
    const q = m >> shift, rem = m - (q << shift), half = 1n << (shift - 1n);
    m = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  const x = Number(m) * 2 ** Number(shift);
  return neg ? -x : x;
}

Deno.test("convert: seeded random cross-check against BigInt", () => {
  const next = i64Gen(17);
  for (let i = 0; i < 20000; i++) {
    const v = next(), u = BigInt.asUintN(64, v);
    put(0, v);
    assert.equal(num.f32ConvertI64S(s, 0), refF32(v), `f32.convert_i64_s(${v})`);
    assert.equal(num.f32ConvertI64U(s, 0), refF32(u), `f32.convert_i64_u(${u})`);
    // Number(bigint) rounds once, to nearest even.
    assert.equal(num.f64ConvertI64S(s, 0), Number(v), `f64.convert_i64_s(${v})`);
    assert.equal(num.f64ConvertI64U(s, 0), Number(u), `f64.convert_i64_u(${u})`);
  }
  // Double-rounding hazards: values within one double ulp of an f32 rounding tie, where rounding
  // to double first would land exactly on the tie.
  const h = rng(5);
  for (let i = 0; i < 20000; i++) {
    const p = 53 + (h() % 11); // leading bit position
    const top = BigInt((h() & 0x7fffff) | 0x800000) << BigInt(p - 23);
    const tie = top + (1n << BigInt(p - 24));
    const tail = BigInt(h()) & ((1n << BigInt(p - 52)) - 1n);
    const v = h() & 1 ? tie + tail : tie - tail;
    put(0, v);
    assert.equal(num.f32ConvertI64U(s, 0), refF32(v), `f32.convert_i64_u(${v})`);
    if (p === 63) continue; // not a signed value
    assert.equal(num.f32ConvertI64S(s, 0), refF32(v), `f32.convert_i64_s(${v})`);
    put(0, -v);
    assert.equal(num.f32ConvertI64S(s, 0), refF32(-v), `f32.convert_i64_s(${-v})`);
  }
  const r = rng(99);
  for (let i = 0; i < 20000; i++) {
    // Random doubles of every magnitude up to 2^65, with fractions, both signs.
    const x = (r() / 2 ** 32 + r()) * 2 ** (r() % 66 - 32) * (r() & 1 ? -1 : 1);
    const t = BigInt(Math.trunc(x));
    const inS = t >= -(2n ** 63n) && t < 2n ** 63n, inU = t >= 0n && t < 2n ** 64n;
    runNumber("i64.trunc_f64_s", x, inS ? t : OVF);
    runNumber("i64.trunc_f64_u", x, inU ? BigInt.asIntN(64, t) : OVF);
    const sat = t < -(2n ** 63n) ? -(2n ** 63n) : t >= 2n ** 63n ? 2n ** 63n - 1n : t;
    runNumber("i64.trunc_sat_f64_s", x, sat);
    runNumber("i64.trunc_sat_f64_u", x, BigInt.asIntN(64, t < 0n ? 0n : t >= 2n ** 64n ? -1n : t));
    const i32s = t >= -(2n ** 31n) && t < 2n ** 31n, i32u = t >= 0n && t < 2n ** 32n;
    runNumber("i32.trunc_f64_s", x, i32s ? Number(t) : OVF);
    runNumber("i32.trunc_f64_u", x, i32u ? Number(BigInt.asIntN(32, t)) : OVF);
    const fx = f32(x), ft = BigInt(Math.trunc(fx));
    runNumber("i64.trunc_f32_s", fx, ft >= -(2n ** 63n) && ft < 2n ** 63n ? ft : OVF);
    runNumber(
      "i32.trunc_f32_u",
      fx,
      ft >= 0n && ft < 2n ** 32n ? Number(BigInt.asIntN(32, ft)) : OVF,
    );
  }
});
