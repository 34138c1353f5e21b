/**
 * Fused multiply-add: `a * b + c` rounded once, to f64 (`f64Fma`) or to f32 (`f32Fma`), as
 * IEEE 754's fusedMultiplyAdd in round-to-nearest-even. JavaScript has no `Math.fma`, and two
 * roundings differ from one in rare cases, so:
 * - when `a * b` is exact in double, `a * b + c` is rounded once already (an f32 product always
 *   is: 24 + 24 bits fit in 53; an f64 product is when its error term, from Veltkamp's split,
 *   is zero);
 * - otherwise the exact value `a * b + c` is computed as an integer times a power of two with
 *   BigInt and rounded once to the target precision (subnormals and overflow included).
 * f32 results are computed the same way at 24 bits, then stored through `Math.fround`, which is
 * exact on a value already rounded to 24 bits (or rounds an out-of-range one to infinity).
 *
 * Infinities and NaNs follow `a * b + c` (a NaN operand or an invalid operation gives NaN).
 *
 * @module
 */

/** 2^27 + 1: Veltkamp's splitter for doubles. */
const SPLITTER = 134217729;

/** Words of a double, for taking its bits apart. */
const F64_BUF = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64_BUF.buffer);
/** Whether the platform is little endian (the low word comes first). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

/**
 * `a * b + c` with one rounding to double.
 *
 * @example
 * ```ts
 * import { f64Fma } from "./fma.ts";
 * // (1 + 2^-52)(1 - 2^-52) - 1 is -2^-104 exactly; rounding the product first gives 0.
 * const e = 2 ** -52;
 * if (f64Fma(1 + e, 1 - e, -1) !== -(2 ** -104)) throw new Error();
 * if ((1 + e) * (1 - e) - 1 !== 0) throw new Error();
 * ```
 */
export function f64Fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || a === 0 || b === 0) {
    // A zero product is exact; an infinite or NaN operand makes the result what `a * b + c` is.
    return p + c;
  }
  const ea = Math.abs(a), eb = Math.abs(b), ep = Math.abs(p);
  // Veltkamp's split is exact away from overflow, and the error term from underflow.
  if (ea < 2 ** 995 && eb < 2 ** 995 && ep < 2 ** 1020 && ep > 2 ** -968) {
    if (productError(a, b, p) === 0) return p + c;
  }
  return exactFma(a, b, c, 53, -1074);
}

/**
 * `a * b + c` with one rounding to f32 (the operands are f32 values).
 *
 * @example
 * ```ts
 * import { f32Fma } from "./fma.ts";
 * const x = Math.fround(1 + 2 ** -23);
 * if (f32Fma(x, x, -1) !== Math.fround(2 ** -22 + 2 ** -46)) throw new Error();
 * ```
 */
export function f32Fma(a: number, b: number, c: number): number {
  // The product of two f32s is exact in double (48 bits, exponents well inside the range).
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s) || p === 0) return Math.fround(s);
  // TwoSum: the rounding error of `s`; zero means `s` is the exact sum, rounded once by fround.
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return Math.fround(s);
  return Math.fround(exactFma(a, b, c, 24, -149));
}

/** The error of the double product `p = a * b`: `a * b - p` exactly (Dekker's TwoProduct). */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** A finite nonzero double as `m * 2^e` with an integer `m` (signed). */
function decompose(x: number): [bigint, number] {
  F64_BUF[0] = x;
  const hi = F64_WORDS[HI]!, lo = F64_WORDS[LO]!;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074; // subnormal
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return [hi >>> 31 ? -m : m, e];
}

/**
 * The exact `a * b + c` (finite operands) rounded to nearest-even at `precision` significant
 * bits, with no bit below 2^`minExp` (the target's smallest subnormal); as a double.
 */
function exactFma(a: number, b: number, c: number, precision: number, minExp: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  let mp = ma * mb;
  const ep = ea + eb;
  let total: bigint;
  let e: number;
  if (c === 0) {
    total = mp;
    e = ep;
  } else {
    const [mc, ec] = decompose(c);
    e = Math.min(ep, ec);
    mp <<= BigInt(ep - e);
    total = mp + (mc << BigInt(ec - e));
  }
  // An exact zero sum: +0 in round-to-nearest (the signs differ, or the product was zero).
  if (total === 0n) return 0;
  const negative = total < 0n;
  let mag = negative ? -total : total;
  const bits = mag.toString(2).length;
  const shift = Math.max(bits - precision, minExp - e);
  if (shift > 0) {
    const big = BigInt(shift);
    const q = mag >> big;
    const rem = mag - (q << big);
    const half = 1n << (big - 1n);
    mag = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    e += shift;
  }
  // `mag` has at most `precision` + 1 bits: exact as a double; scale in two exact steps so that
  // a subnormal result is not rounded twice.
  const m = Number(mag);
  const half1 = Math.trunc(e / 2);
  const result = m * 2 ** half1 * 2 ** (e - half1);
  return negative ? -result : result;
}
