/**
 * Float operations whose Wasm semantics are not a single JS operator.
 *
 * An f32 travels as a JS number that is already f32-exact (`Math.fround`ed), an f64 as a number.
 * Most arithmetic needs no function: f64 add/sub/mul/div/sqrt are the JS operators and compares
 * behave as in Wasm (NaN compares unequal). Wasm wants a NaN result to be the canonical NaN when
 * every NaN operand is canonical, and any quiet NaN otherwise: hardware arithmetic does exactly
 * that (it quietens and propagates an operand's NaN, or makes the canonical one), so the JS
 * operators comply; the functions below fix the builtins that do not. Only abs, neg and copysign
 * must keep NaN payloads intact, so they work on bit patterns.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------
// f32 arithmetic: computing in double and rounding once to f32 is correctly rounded for these
// five operations because 53 ≥ 2·24 + 2 (double rounding is innocuous at that precision).

/** `f32.add`. */
export function f32Add(a: number, b: number): number {
  return Math.fround(a + b);
}

/** `f32.sub`. */
export function f32Sub(a: number, b: number): number {
  return Math.fround(a - b);
}

/** `f32.mul`. */
export function f32Mul(a: number, b: number): number {
  return Math.fround(a * b);
}

/** `f32.div`. */
export function f32Div(a: number, b: number): number {
  return Math.fround(a / b);
}

/** `f32.sqrt`. */
export function f32Sqrt(a: number): number {
  return Math.fround(Math.sqrt(a));
}

// ---------------------------------------------------------------------------------------------
// Constants as immediates: an f32 constant travels in the internal code as its bit pattern (an
// int32 word), turned back into the number through these views.

/** A scratch word: the executor's immediate rows write an f32 constant's bits here. */
export const IMM_WORDS: Int32Array = new Int32Array(1);
/**
 * The f32 over `IMM_WORDS`, read back inline in the executor's rows (a function returning the
 * number, called from the executor's loop, is not inlined there, and its double result is
 * boxed: a heap number per dispatch).
 */
export const IMM_F32: Float32Array = new Float32Array(IMM_WORDS.buffer);

// ---------------------------------------------------------------------------------------------
// min / max / rounding.
//
// These need an explicit NaN test. V8 passes NaN bit patterns through untouched where the
// hardware does not: unoptimised `Math.floor` returns a signalling NaN as is (Wasm wants a quiet
// one), and optimised `Math.min` turns a canonical NaN into 0xffffffffffffffff (Wasm wants it to
// stay canonical). Returning JS's own NaN, the canonical quiet NaN, is right in every case.
//
// Otherwise JS already has Wasm semantics: Math.min/max order -0 below +0, and ceil/floor/trunc
// keep the sign of zero (`Math.ceil(-0.5)` is -0). Their integral results are exact in f32 (an
// f32 with a fraction is below 2^23 in magnitude), so the f32 versions need no Math.fround.

/** `f32.min` / `f64.min`: NaN if either operand is NaN, and -0 < +0. */
export function fMin(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.min(a, b);
}

/** `f32.max` / `f64.max`: NaN if either operand is NaN, and -0 < +0. */
export function fMax(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.max(a, b);
}

/** `f64.ceil` (quietening NaNs, see above). */
export function f64Ceil(x: number): number {
  return x !== x ? NaN : Math.ceil(x);
}

/** `f64.floor` (quietening NaNs, see above). */
export function f64Floor(x: number): number {
  return x !== x ? NaN : Math.floor(x);
}

/** `f64.trunc` (quietening NaNs, see above). */
export function f64Trunc(x: number): number {
  return x !== x ? NaN : Math.trunc(x);
}

const TWO_52 = 4503599627370496;

/** `f64.nearest`: round half to even, keeping the sign of zero (`nearest(-0.5)` is -0). */
export function f64Nearest(x: number): number {
  const t = Math.abs(x);
  // ±0, ±∞ and anything ≥ 2^52 (already integral) round to themselves; NaN goes quiet.
  if (!(t > 0 && t < TWO_52)) return x !== x ? NaN : x;
  // Adding 2^52 lands where doubles are spaced 1 apart, so the addition itself rounds t to the
  // nearest integer, ties to even; taking 2^52 away again is exact.
  const r = t + TWO_52 - TWO_52;
  return x < 0 ? -r : r;
}

/** `f32.ceil`: the f64 version is exact for f32 inputs. */
export const f32Ceil: (x: number) => number = f64Ceil;
/** `f32.floor`: the f64 version is exact for f32 inputs. */
export const f32Floor: (x: number) => number = f64Floor;
/** `f32.trunc`: the f64 version is exact for f32 inputs. */
export const f32Trunc: (x: number) => number = f64Trunc;
/** `f32.nearest`: the f64 version is exact for f32 inputs. */
export const f32Nearest: (x: number) => number = f64Nearest;

// ---------------------------------------------------------------------------------------------
// Sign-bit operations, on bits so that NaN payloads survive: an f32 as its i32 bit pattern, an
// f64 as its two words in the slot array (the sign is bit 31 of the high word `s[w + 1]`).

/** `f32.abs` on the i32 bit pattern. */
export function f32Abs(bits: number): number {
  return bits & 0x7fffffff;
}

/** `f32.neg` on the i32 bit pattern. */
export function f32Neg(bits: number): number {
  return bits ^ 0x80000000;
}

/** `f32.copysign` on the i32 bit patterns. */
export function f32Copysign(a: number, b: number): number {
  return (a & 0x7fffffff) | (b & 0x80000000);
}

/** `f64.abs` on the slot at `a`, result at `d`. */
export function f64AbsBits(s: Int32Array, d: number, a: number): void {
  s[d + 1] = s[a + 1] & 0x7fffffff;
  s[d] = s[a];
}

/** `f64.neg` on the slot at `a`, result at `d`. */
export function f64NegBits(s: Int32Array, d: number, a: number): void {
  s[d + 1] = s[a + 1] ^ 0x80000000;
  s[d] = s[a];
}

/** `f64.copysign`: magnitude from the slot at `a`, sign from the slot at `b`, result at `d`. */
export function f64CopysignBits(s: Int32Array, d: number, a: number, b: number): void {
  s[d + 1] = (s[a + 1] & 0x7fffffff) | (s[b + 1] & 0x80000000);
  s[d] = s[a];
}
