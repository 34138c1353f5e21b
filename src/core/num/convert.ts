/**
 * Conversions between integers and floats.
 *
 * f32 and f64 inputs are JS numbers (an f32 is an f32-exact double, so one implementation serves
 * both widths wherever the valid range is the same); i64 values live in the slot array as in
 * `i64.ts`. Wrapping, extension of i32s, reinterpretation and promotion need no arithmetic.
 *
 * @module
 */

import { Trap, TrapCode } from "../trap.ts";
import { i64FromNumber } from "./i64.ts";

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;

/** The trap for an out-of-range truncation: NaN has no integer value at all. */
function truncTrap(x: number): Trap {
  return new Trap(Number.isNaN(x) ? TrapCode.BadConversionToInteger : TrapCode.IntegerOverflow);
}

// ---------------------------------------------------------------------------------------------
// Trapping truncations. The range tests are strict on the side where a fraction could still
// truncate into range: trunc(x) ≥ -2^31 holds for every x > -2^31 - 1, and -0.9 truncates to 0 for
// the unsigned ones. NaN fails every comparison, so it reaches the trap without a test of its own.

/** `i32.trunc_f64_s`: valid for -2^31 - 1 < x < 2^31. */
export function i32TruncF64S(x: number): number {
  if (x > -2147483649 && x < 2147483648) return x | 0;
  throw truncTrap(x);
}

/** `i32.trunc_f64_u`: valid for -1 < x < 2^32. */
export function i32TruncF64U(x: number): number {
  // ToInt32 truncates, then wraps values ≥ 2^31 to the same bits as a signed i32.
  if (x > -1 && x < TWO_32) return x | 0;
  throw truncTrap(x);
}

/** `i32.trunc_f32_s`: the f64 range test, as no f32 lies in (-2^31 - 1, -2^31) either. */
export const i32TruncF32S: (x: number) => number = i32TruncF64S;
/** `i32.trunc_f32_u`: the f64 range test is the same for f32 inputs. */
export const i32TruncF32U: (x: number) => number = i32TruncF64U;

/** `i64.trunc_f64_s` into the slot at `d`: valid for -2^63 ≤ x < 2^63. */
export function i64TruncF64S(s: Int32Array, d: number, x: number): void {
  // The lower bound is inclusive: the next double below -2^63 is -2^63 - 2048, far out of range.
  if (x >= -TWO_63 && x < TWO_63) i64FromNumber(s, d, Math.trunc(x));
  else throw truncTrap(x);
}

/** `i64.trunc_f64_u` into the slot at `d`: valid for -1 < x < 2^64. */
export function i64TruncF64U(s: Int32Array, d: number, x: number): void {
  if (x > -1 && x < TWO_64) i64FromNumber(s, d, Math.trunc(x));
  else throw truncTrap(x);
}

/** `i64.trunc_f32_s`: the f64 version is exact for f32 inputs. */
export const i64TruncF32S: (s: Int32Array, d: number, x: number) => void = i64TruncF64S;
/** `i64.trunc_f32_u`: the f64 version is exact for f32 inputs. */
export const i64TruncF32U: (s: Int32Array, d: number, x: number) => void = i64TruncF64U;

// ---------------------------------------------------------------------------------------------
// Saturating truncations: the same range tests; out of range, NaN gives 0 and the rest clamp.

/** `i32.trunc_sat_f64_s`. */
export function i32TruncSatF64S(x: number): number {
  if (x > -2147483649 && x < 2147483648) return x | 0;
  if (Number.isNaN(x)) return 0;
  return x < 0 ? -2147483648 : 2147483647;
}

/** `i32.trunc_sat_f64_u` (the result is the i32 with the same bits). */
export function i32TruncSatF64U(x: number): number {
  if (x > -1 && x < TWO_32) return x | 0;
  return x > 0 ? -1 : 0;
}

/** `i32.trunc_sat_f32_s`: the f64 version is exact for f32 inputs. */
export const i32TruncSatF32S: (x: number) => number = i32TruncSatF64S;
/** `i32.trunc_sat_f32_u`: the f64 version is exact for f32 inputs. */
export const i32TruncSatF32U: (x: number) => number = i32TruncSatF64U;

/** `i64.trunc_sat_f64_s` into the slot at `d`. */
export function i64TruncSatF64S(s: Int32Array, d: number, x: number): void {
  if (x >= -TWO_63 && x < TWO_63) {
    i64FromNumber(s, d, Math.trunc(x));
  } else if (Number.isNaN(x)) {
    s[d] = s[d + 1] = 0;
  } else if (x < 0) {
    s[d] = 0;
    s[d + 1] = -0x80000000;
  } else {
    s[d] = -1;
    s[d + 1] = 0x7fffffff;
  }
}

/** `i64.trunc_sat_f64_u` into the slot at `d`. */
export function i64TruncSatF64U(s: Int32Array, d: number, x: number): void {
  if (x > -1 && x < TWO_64) i64FromNumber(s, d, Math.trunc(x));
  else s[d] = s[d + 1] = x > 0 ? -1 : 0;
}

/** `i64.trunc_sat_f32_s`: the f64 version is exact for f32 inputs. */
export const i64TruncSatF32S: (s: Int32Array, d: number, x: number) => void = i64TruncSatF64S;
/** `i64.trunc_sat_f32_u`: the f64 version is exact for f32 inputs. */
export const i64TruncSatF32U: (s: Int32Array, d: number, x: number) => void = i64TruncSatF64U;

// ---------------------------------------------------------------------------------------------
// Integer to float, rounding to nearest, ties to even, in a single rounding.

/** `f32.convert_i32_s`: the i32 is exact as a double, so one `Math.fround` rounds it. */
export function f32ConvertI32S(x: number): number {
  return Math.fround(x);
}

/** `f32.convert_i32_u`. */
export function f32ConvertI32U(x: number): number {
  return Math.fround(x >>> 0);
}

/** `f64.convert_i32_u` (an i32 is already exact as a double, so `convert_i32_s` is identity). */
export function f64ConvertI32U(x: number): number {
  return x >>> 0;
}

/** `f64.convert_i64_s` of the slot at `a`. */
export function f64ConvertI64S(s: Int32Array, a: number): number {
  // hi·2^32 and lo are both exact, so their sum is the only rounding.
  return s[a + 1] * TWO_32 + (s[a] >>> 0);
}

/** `f64.convert_i64_u` of the slot at `a`. */
export function f64ConvertI64U(s: Int32Array, a: number): number {
  return (s[a + 1] >>> 0) * TWO_32 + (s[a] >>> 0);
}

/** An unsigned 64-bit value (uint32 halves) rounded once to f32. */
function u64ToF32(hi: number, lo: number): number {
  if (hi >= 0x200000) {
    // ≥ 2^53: going through a rounded double first could round twice (e.g. 2^53 + 2^29 + 1
    // becomes the tie 2^53 + 2^29, which then rounds to even, 2^53, instead of up). Here an f32
    // ulp is ≥ 2^30, so bits 0..28 all lie below the rounding bit and only matter as a "sticky"
    // nonzero flag: fold them into bit 28. What is left spans at most bits 63..28, which a double
    // holds exactly, leaving Math.fround as the only rounding.
    lo = ((lo & 0xe0000000) | ((lo & 0x1fffffff) !== 0 ? 0x10000000 : 0)) >>> 0;
  }
  return Math.fround(hi * TWO_32 + lo);
}

/** `f32.convert_i64_s` of the slot at `a`, with a single rounding. */
export function f32ConvertI64S(s: Int32Array, a: number): number {
  const lo = s[a], hi = s[a + 1];
  // Within ±2^53 the double is exact, so Math.fround rounds once.
  if (hi >= -0x200000 && hi < 0x200000) return Math.fround(hi * TWO_32 + (lo >>> 0));
  if (hi >= 0) return u64ToF32(hi, lo >>> 0);
  // Ties-to-even is symmetric, so round the magnitude (-x = ~x + 1 on the halves).
  return -u64ToF32((lo === 0 ? -hi : ~hi) >>> 0, -lo >>> 0);
}

/** `f32.convert_i64_u` of the slot at `a`, with a single rounding. */
export function f32ConvertI64U(s: Int32Array, a: number): number {
  return u64ToF32(s[a + 1] >>> 0, s[a] >>> 0);
}

// ---------------------------------------------------------------------------------------------
// Between float widths

/** `f32.demote_f64`: one rounding to f32; NaN stays NaN (any quiet NaN is allowed). */
export function f32DemoteF64(x: number): number {
  return Math.fround(x);
}

/** `f64.promote_f32`: every f32 is exactly a double already. */
export function f64PromoteF32(x: number): number {
  return x;
}
