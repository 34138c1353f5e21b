/**
 * Wasm 2.0 SIMD (v128) and relaxed SIMD operations, in place on the engine's slot array.
 *
 * A v128 occupies a whole slot: words `w..w+3` of the `Int32Array` `s`, lanes in little-endian
 * order (byte lane `i` is byte `4w + i` of the buffer, 16-bit lane `i` is halfword `2w + i`,
 * f64 lane `i` is double `w / 2 + i`). Narrower views over the same buffer are cached here (made
 * again only when `s` is a different array, e.g. after the value stack grew), so no operation
 * allocates.
 *
 * The common operations (bitwise, integer add/sub/mul and shifts, float arithmetic, min/max)
 * have instructions of their own, which call their own small function here (`i32x4Add`, ...).
 * The others go through a few generic instructions; each generic function below takes the Wasm
 * sub-opcode (`0xFD n` → `n`) and switches on it:
 * - `simdUnary(op, s, d, a)`: one operand, one result: v128 → v128, the splats (a scalar → v128)
 *   and the tests (any_true, all_true, bitmask: v128 → i32);
 * - `simdBinary(op, s, d, a, b)`: v128 × v128 → v128, and the shifts (v128 × i32 → v128);
 * - `simdTernary(op, s, d, a, b, c)`: `v128.bitselect` and the relaxed ternaries;
 * - `simdExtractLane` / `simdReplaceLane` with the lane index, and `simdShuffle` with its 16 lane
 *   indices packed into 4 words.
 * Loads and stores are in `simd_mem.ts`.
 *
 * Every input is read before the result is written, so `d` may equal any operand: lane-wise
 * operations read lane `i` of each input before writing lane `i`, the others go through a scratch
 * vector.
 *
 * Relaxed SIMD (`0xFD 0x100` to `0x113`): each operator computes what its Arm (AArch64)
 * lowering computes, on every host and in every tier, as wasmi and V8 on arm64 do, so results
 * never depend on the machine: swizzle selects 0 for an index past 15 (TBL), the truncations
 * saturate and give 0 for NaN (FCVTZS/FCVTZU), madd and nmadd are fused, rounded once
 * (FMLA/FMLS, `core/num/fma.ts`), laneselect selects bit by bit (BSL), min and max are the
 * NaN-propagating `min`/`max` (FMIN/FMAX), q15mulr saturates (SQRDMULH), and the i8×i7 dot
 * products treat both operands as signed (SMULL/SDOT; the i16 pair sums wrap). Most of them are
 * thus a second `case` label on the deterministic operator they equal.
 *
 * Floats: f32 lanes are computed in double and rounded once by the `Float32Array` store, which is
 * correctly rounded for + − × ÷ √ (see `float.ts`); min, max and rounding reuse `float.ts` for
 * their NaN quirks; abs, neg, pmin and pmax work on bits, so NaN payloads survive.
 *
 * @module
 */

import {
  f32Fma,
  f64Ceil,
  f64Floor,
  f64Fma,
  f64Nearest,
  f64Trunc,
  fMax,
  fMin,
  i32TruncSatF32S,
  i32TruncSatF32U,
  i32TruncSatF64S,
  i32TruncSatF64U,
  i64Add,
  i64Eq,
  i64GeS,
  i64GtS,
  i64LeS,
  i64LtS,
  i64Mul,
  i64Ne,
  i64ShlImm,
  i64ShrSImm,
  i64ShrUImm,
  i64Sub,
} from "../core/num/mod.ts";

// ---------------------------------------------------------------------------------------------
// Views over the slot array, and a scratch vector

let bound: Int32Array | null = null;
let U8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
let I8: Int8Array<ArrayBufferLike> = new Int8Array(0);
let U16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
let I16: Int16Array<ArrayBufferLike> = new Int16Array(0);
let F32: Float32Array<ArrayBufferLike> = new Float32Array(0);
let F64: Float64Array<ArrayBufferLike> = new Float64Array(0);

/** Makes the cached views look at `s`'s memory (a no-op when they already do). */
function bind(s: Int32Array): void {
  if (s === bound) return;
  const buf = s.buffer, off = s.byteOffset, n = s.byteLength;
  U8 = new Uint8Array(buf, off, n);
  I8 = new Int8Array(buf, off, n);
  U16 = new Uint16Array(buf, off, n >> 1);
  I16 = new Int16Array(buf, off, n >> 1);
  F32 = new Float32Array(buf, off, n >> 2);
  F64 = new Float64Array(buf, off, n >> 3);
  bound = s;
}

/** The scratch vector, for results whose lanes do not line up with their inputs' lanes. */
const T = new Int32Array(4);
const TU8 = new Uint8Array(T.buffer);
const TU16 = new Uint16Array(T.buffer);
const TI16 = new Int16Array(T.buffer);

/** Copies the scratch vector to the slot at `d`. */
function fromScratch(s: Int32Array, d: number): void {
  s[d] = T[0];
  s[d + 1] = T[1];
  s[d + 2] = T[2];
  s[d + 3] = T[3];
}

/** Bit counts of every byte. */
const POPCNT8 = Uint8Array.from({ length: 256 }, (_, x) => {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
});

function satS8(x: number): number {
  return x < -128 ? -128 : x > 127 ? 127 : x;
}

function satU8(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

function satS16(x: number): number {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

function satU16(x: number): number {
  return x < 0 ? 0 : x > 65535 ? 65535 : x;
}

// The narrowing helpers name their saturation rather than take it as a parameter: passed the
// function, V8 inlined neither it nor the helper (`satU16` and `narrowBytes` 2% of vec_bytes'
// interpreter profile on their own, beside their caller's share).

/** The four i16 lanes of words `x`, `y` saturated to signed bytes, as one word. */
function narrowBytesS(x: number, y: number): number {
  return (satS8((x << 16) >> 16) & 0xff) | ((satS8(x >> 16) & 0xff) << 8) |
    ((satS8((y << 16) >> 16) & 0xff) << 16) | (satS8(y >> 16) << 24);
}

/** The four i16 lanes of words `x`, `y` saturated to unsigned bytes, as one word. */
function narrowBytesU(x: number, y: number): number {
  return satU8((x << 16) >> 16) | (satU8(x >> 16) << 8) | (satU8((y << 16) >> 16) << 16) |
    (satU8(y >> 16) << 24);
}

/** High 32 bits of the unsigned 64-bit product of two uint32s, from 16-bit limbs (all exact). */
function mulHiU32(x: number, y: number): number {
  const x0 = x & 0xffff, x1 = x >>> 16, y0 = y & 0xffff, y1 = y >>> 16;
  const p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return x1 * y1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

/** The full product of two i32s (signed) into `T[w]`, `T[w + 1]`. */
function mulWideS(w: number, x: number, y: number): void {
  // The unsigned high half, corrected for each negative factor (x·y = xu·yu - 2^32·(...)).
  T[w + 1] = mulHiU32(x >>> 0, y >>> 0) - (x < 0 ? y : 0) - (y < 0 ? x : 0);
  T[w] = Math.imul(x, y);
}

/** The full product of two u32s into `T[w]`, `T[w + 1]`. */
function mulWideU(w: number, x: number, y: number): void {
  T[w + 1] = mulHiU32(x >>> 0, y >>> 0);
  T[w] = Math.imul(x, y);
}

/** Negates the i64 at `a` into `d` (wrapping: -(-2^63) is -2^63). */
function i64Neg(s: Int32Array, d: number, a: number): void {
  const lo = s[a], hi = s[a + 1];
  s[d] = -lo | 0;
  s[d + 1] = (lo === 0 ? -hi : ~hi) | 0;
}

// ---------------------------------------------------------------------------------------------
// The common operations, one small function each: the executor calls them from rows of their
// own (`I32x4Add`, ...), and the generic functions below from their cases. `d`, `a`, `b` are word
// indices; the f32 ones take the `Float32Array` view (its index is the word index), the f64 ones
// the `Float64Array` view (index `w >> 1`). Byte and halfword lanes are computed within 32-bit
// words (SWAR), so no narrower view is needed: an add sums the lanes' low 7 (15) bits, which
// cannot carry out of the lane, then sets each lane's top bit to the xor of the operands' and
// that carry.

/** `v128.and` */
export function v128And(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = s[a] & s[b];
  s[d + 1] = s[a + 1] & s[b + 1];
  s[d + 2] = s[a + 2] & s[b + 2];
  s[d + 3] = s[a + 3] & s[b + 3];
}

/** `v128.andnot` */
export function v128Andnot(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = s[a] & ~s[b];
  s[d + 1] = s[a + 1] & ~s[b + 1];
  s[d + 2] = s[a + 2] & ~s[b + 2];
  s[d + 3] = s[a + 3] & ~s[b + 3];
}

/** `v128.or` */
export function v128Or(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = s[a] | s[b];
  s[d + 1] = s[a + 1] | s[b + 1];
  s[d + 2] = s[a + 2] | s[b + 2];
  s[d + 3] = s[a + 3] | s[b + 3];
}

/** `v128.xor` */
export function v128Xor(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = s[a] ^ s[b];
  s[d + 1] = s[a + 1] ^ s[b + 1];
  s[d + 2] = s[a + 2] ^ s[b + 2];
  s[d + 3] = s[a + 3] ^ s[b + 3];
}

/** `v128.not` */
export function v128Not(s: Int32Array, d: number, a: number): void {
  s[d] = ~s[a];
  s[d + 1] = ~s[a + 1];
  s[d + 2] = ~s[a + 2];
  s[d + 3] = ~s[a + 3];
}

/** `i32x4.splat` and `f32x4.splat` (the bits of the scalar at `a` in every lane) */
export function v128Splat32(s: Int32Array, d: number, a: number): void {
  const w = s[a];
  s[d] = w;
  s[d + 1] = w;
  s[d + 2] = w;
  s[d + 3] = w;
}

/** `v128.any_true` (an i32 result) */
export function v128AnyTrue(s: Int32Array, d: number, a: number): void {
  s[d] = (s[a] | s[a + 1] | s[a + 2] | s[a + 3]) !== 0 ? 1 : 0;
}

/** 0xff in each byte of words `x` and `y` that is equal, 0 in the others. */
function eqBytes(x: number, y: number): number {
  const t = x ^ y;
  // The top bit of each byte of t that is not 0 (the low 7 bits' sum carries into it).
  const nonzero = (((t & 0x7f7f7f7f) + 0x7f7f7f7f) | t) & -0x7f7f7f80;
  return ~((nonzero >>> 7) * 0xff);
}

/**
 * The top bit of each lane (of the lanes whose top bits `high` marks) of words `x` and `y`
 * where `x >= y` as unsigned numbers: the top bits decide where they differ, else the sum of
 * the other bits (which cannot borrow out of the lane) does.
 */
function geLanesU(x: number, y: number, high: number): number {
  return ((x & ~y) | (~(x ^ y) & ((x | high) - (y & ~high)))) & high;
}

/** 0xff in each byte where `x >= y` as unsigned bytes (`signed`: as signed ones), else 0. */
function geBytes(x: number, y: number, signed: boolean): number {
  const h = -0x7f7f7f80; // 0x80808080
  const top = signed ? geLanesU(x ^ h, y ^ h, h) : geLanesU(x, y, h);
  return (top >>> 7) * 0xff;
}

/** 0xffff in each halfword where `x >= y` as unsigned halfwords (`signed`: signed), else 0. */
function geHalves(x: number, y: number, signed: boolean): number {
  const h = -0x7fff8000; // 0x80008000
  const top = signed ? geLanesU(x ^ h, y ^ h, h) : geLanesU(x, y, h);
  return (top >>> 15) * 0xffff;
}

/** `i8x16.gt_u` */
export function i8x16GtU(s: Int32Array, d: number, a: number, b: number): void {
  const h = -0x7f7f7f80; // 0x80808080
  const a0 = s[a], a1 = s[a + 1], a2 = s[a + 2], a3 = s[a + 3];
  const b0 = s[b], b1 = s[b + 1], b2 = s[b + 2], b3 = s[b + 3];
  // Not b >= a: all eight words read first (`d` may be `a` or `b`).
  s[d] = ~((geLanesU(b0, a0, h) >>> 7) * 0xff);
  s[d + 1] = ~((geLanesU(b1, a1, h) >>> 7) * 0xff);
  s[d + 2] = ~((geLanesU(b2, a2, h) >>> 7) * 0xff);
  s[d + 3] = ~((geLanesU(b3, a3, h) >>> 7) * 0xff);
}

/** `i32x4.min_u` (on int32s: `Math.min` of the u32s took doubles) */
export function i32x4MinU(s: Int32Array, d: number, a: number, b: number): void {
  for (let i = 0; i < 4; i++) {
    const x = s[a + i], y = s[b + i];
    s[d + i] = (x >>> 0) < (y >>> 0) ? x : y;
  }
}

/** `i32x4.sub` of `a` and `b`, then `i32x4.abs` of the difference (the `I32x4SubAbs` row). */
export function i32x4SubAbs(s: Int32Array, d: number, a: number, b: number): void {
  for (let i = 0; i < 4; i++) {
    const x = (s[a + i]! - s[b + i]!) | 0;
    s[d + i] = x < 0 ? -x | 0 : x;
  }
}

/** `i32x4.add` of `a` and `b`, then `i32x4.min_u` of the sum and `c` (`I32x4AddMinU`). */
export function i32x4AddMinU(s: Int32Array, d: number, a: number, b: number, c: number): void {
  for (let i = 0; i < 4; i++) {
    const x = (s[a + i]! + s[b + i]!) | 0, y = s[c + i]!;
    s[d + i] = (x >>> 0) < (y >>> 0) ? x : y;
  }
}

/** `i32x4.abs` */
export function i32x4Abs(s: Int32Array, d: number, a: number): void {
  for (let i = 0; i < 4; i++) {
    const x = s[a + i];
    s[d + i] = x < 0 ? -x | 0 : x;
  }
}

/** `i8x16.narrow_i16x8_u`: all eight input words are read before the result is written. */
export function i8x16NarrowI16x8U(s: Int32Array, d: number, a: number, b: number): void {
  const a0 = s[a], a1 = s[a + 1], a2 = s[a + 2], a3 = s[a + 3];
  const b0 = s[b], b1 = s[b + 1], b2 = s[b + 2], b3 = s[b + 3];
  s[d] = narrowBytesU(a0, a1);
  s[d + 1] = narrowBytesU(a2, a3);
  s[d + 2] = narrowBytesU(b0, b1);
  s[d + 3] = narrowBytesU(b2, b3);
}

/** `i16x8.narrow_i32x4_u`: all eight input words are read before the result is written. */
export function i16x8NarrowI32x4U(s: Int32Array, d: number, a: number, b: number): void {
  const a0 = s[a], a1 = s[a + 1], a2 = s[a + 2], a3 = s[a + 3];
  const b0 = s[b], b1 = s[b + 1], b2 = s[b + 2], b3 = s[b + 3];
  s[d] = satU16(a0) | (satU16(a1) << 16);
  s[d + 1] = satU16(a2) | (satU16(a3) << 16);
  s[d + 2] = satU16(b0) | (satU16(b1) << 16);
  s[d + 3] = satU16(b2) | (satU16(b3) << 16);
}

/** `i8x16.eq` */
export function i8x16Eq(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = eqBytes(s[a], s[b]);
  s[d + 1] = eqBytes(s[a + 1], s[b + 1]);
  s[d + 2] = eqBytes(s[a + 2], s[b + 2]);
  s[d + 3] = eqBytes(s[a + 3], s[b + 3]);
}

/** The lane-wise sum of words `x` and `y`; `low` masks each lane's bits but the top one. */
function addLanes(x: number, y: number, low: number): number {
  return ((x & low) + (y & low)) ^ ((x ^ y) & ~low);
}

/** The lane-wise difference of words `x` and `y` (`low` as in `addLanes`). */
function subLanes(x: number, y: number, low: number): number {
  return ((x | ~low) - (y & low)) ^ ((x ^ ~y) & ~low);
}

/** `i8x16.add` */
export function i8x16Add(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = addLanes(s[a], s[b], 0x7f7f7f7f);
  s[d + 1] = addLanes(s[a + 1], s[b + 1], 0x7f7f7f7f);
  s[d + 2] = addLanes(s[a + 2], s[b + 2], 0x7f7f7f7f);
  s[d + 3] = addLanes(s[a + 3], s[b + 3], 0x7f7f7f7f);
}

/** `i8x16.sub` */
export function i8x16Sub(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = subLanes(s[a], s[b], 0x7f7f7f7f);
  s[d + 1] = subLanes(s[a + 1], s[b + 1], 0x7f7f7f7f);
  s[d + 2] = subLanes(s[a + 2], s[b + 2], 0x7f7f7f7f);
  s[d + 3] = subLanes(s[a + 3], s[b + 3], 0x7f7f7f7f);
}

/** `i16x8.add` */
export function i16x8Add(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = addLanes(s[a], s[b], 0x7fff7fff);
  s[d + 1] = addLanes(s[a + 1], s[b + 1], 0x7fff7fff);
  s[d + 2] = addLanes(s[a + 2], s[b + 2], 0x7fff7fff);
  s[d + 3] = addLanes(s[a + 3], s[b + 3], 0x7fff7fff);
}

/** `i16x8.sub` */
export function i16x8Sub(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = subLanes(s[a], s[b], 0x7fff7fff);
  s[d + 1] = subLanes(s[a + 1], s[b + 1], 0x7fff7fff);
  s[d + 2] = subLanes(s[a + 2], s[b + 2], 0x7fff7fff);
  s[d + 3] = subLanes(s[a + 3], s[b + 3], 0x7fff7fff);
}

/** The lane-wise product of the halfwords of words `x` and `y`. */
function mulHalves(x: number, y: number): number {
  return (Math.imul(x >> 16, y >> 16) << 16) | (Math.imul(x, y) & 0xffff);
}

/** `i16x8.mul` */
export function i16x8Mul(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = mulHalves(s[a], s[b]);
  s[d + 1] = mulHalves(s[a + 1], s[b + 1]);
  s[d + 2] = mulHalves(s[a + 2], s[b + 2]);
  s[d + 3] = mulHalves(s[a + 3], s[b + 3]);
}

/** `i32x4.add` */
export function i32x4Add(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = s[a] + s[b];
  s[d + 1] = s[a + 1] + s[b + 1];
  s[d + 2] = s[a + 2] + s[b + 2];
  s[d + 3] = s[a + 3] + s[b + 3];
}

/** `i32x4.sub` */
export function i32x4Sub(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = s[a] - s[b];
  s[d + 1] = s[a + 1] - s[b + 1];
  s[d + 2] = s[a + 2] - s[b + 2];
  s[d + 3] = s[a + 3] - s[b + 3];
}

/** `i32x4.mul` */
export function i32x4Mul(s: Int32Array, d: number, a: number, b: number): void {
  s[d] = Math.imul(s[a], s[b]);
  s[d + 1] = Math.imul(s[a + 1], s[b + 1]);
  s[d + 2] = Math.imul(s[a + 2], s[b + 2]);
  s[d + 3] = Math.imul(s[a + 3], s[b + 3]);
}

// Shifts take the count `n` (an i32) modulo the lane width; in narrow lanes a mask `m` clears
// the bits that crossed into the next lane.

/** `i8x16.shl` */
export function i8x16Shl(s: Int32Array, d: number, a: number, n: number): void {
  const k = n & 7, m = Math.imul((0xff << k) & 0xff, 0x01010101);
  s[d] = (s[a] << k) & m;
  s[d + 1] = (s[a + 1] << k) & m;
  s[d + 2] = (s[a + 2] << k) & m;
  s[d + 3] = (s[a + 3] << k) & m;
}

/** `i8x16.shr_u` */
export function i8x16ShrU(s: Int32Array, d: number, a: number, n: number): void {
  const k = n & 7, m = Math.imul(0xff >>> k, 0x01010101);
  s[d] = (s[a] >>> k) & m;
  s[d + 1] = (s[a + 1] >>> k) & m;
  s[d + 2] = (s[a + 2] >>> k) & m;
  s[d + 3] = (s[a + 3] >>> k) & m;
}

/** `i16x8.shl` */
export function i16x8Shl(s: Int32Array, d: number, a: number, n: number): void {
  const k = n & 15, m = Math.imul((0xffff << k) & 0xffff, 0x10001);
  s[d] = (s[a] << k) & m;
  s[d + 1] = (s[a + 1] << k) & m;
  s[d + 2] = (s[a + 2] << k) & m;
  s[d + 3] = (s[a + 3] << k) & m;
}

/** `i16x8.shr_u` */
export function i16x8ShrU(s: Int32Array, d: number, a: number, n: number): void {
  const k = n & 15, m = Math.imul(0xffff >>> k, 0x10001);
  s[d] = (s[a] >>> k) & m;
  s[d + 1] = (s[a + 1] >>> k) & m;
  s[d + 2] = (s[a + 2] >>> k) & m;
  s[d + 3] = (s[a + 3] >>> k) & m;
}

/**
 * `i16x8.add` of the v128 at `c` and the v128 at `a` shifted left by `k` (`i16x8.shl`): the
 * `I16x8AddShlImm` row. Each word is read before its result word is written (`d` may be `c`).
 */
export function i16x8AddShl(s: Int32Array, d: number, a: number, k: number, c: number): void {
  const n = k & 15, m = Math.imul((0xffff << n) & 0xffff, 0x10001);
  s[d] = addLanes(s[c], (s[a] << n) & m, 0x7fff7fff);
  s[d + 1] = addLanes(s[c + 1], (s[a + 1] << n) & m, 0x7fff7fff);
  s[d + 2] = addLanes(s[c + 2], (s[a + 2] << n) & m, 0x7fff7fff);
  s[d + 3] = addLanes(s[c + 3], (s[a + 3] << n) & m, 0x7fff7fff);
}

/**
 * `i16x8.shr_u` by `k` of the `i16x8.add` of the v128s at `a` and `b`: the `I16x8AddShrUImm`
 * row. Each word is read before its result word is written.
 */
export function i16x8AddShrU(s: Int32Array, d: number, a: number, b: number, k: number): void {
  const n = k & 15, m = Math.imul(0xffff >>> n, 0x10001);
  s[d] = (addLanes(s[a], s[b], 0x7fff7fff) >>> n) & m;
  s[d + 1] = (addLanes(s[a + 1], s[b + 1], 0x7fff7fff) >>> n) & m;
  s[d + 2] = (addLanes(s[a + 2], s[b + 2], 0x7fff7fff) >>> n) & m;
  s[d + 3] = (addLanes(s[a + 3], s[b + 3], 0x7fff7fff) >>> n) & m;
}

/**
 * The `I16x8AddShlImm` row (`d a k c t` from the code at `pc`, slots from the frame's first
 * slot `fp`): `i16x8AddShl`.
 */
export function i16x8AddShlAt(s: Int32Array, code: Int32Array, pc: number, fp: number): void {
  i16x8AddShl(s, fp + code[pc + 1]!, fp + code[pc + 2]!, code[pc + 3]!, fp + code[pc + 4]!);
}

/** The `I16x8AddShrUImm` row (`d a b k` from the code at `pc`): `i16x8AddShrU`. */
export function i16x8AddShrUAt(s: Int32Array, code: Int32Array, pc: number, fp: number): void {
  i16x8AddShrU(s, fp + code[pc + 1]!, fp + code[pc + 2]!, fp + code[pc + 3]!, code[pc + 4]!);
}

/** Both halfwords of word `x` shifted right by `k` (< 16), keeping their signs. */
function shrHalvesS(x: number, k: number): number {
  return ((x >> k) & -0x10000) | (((x << 16) >> (k + 16)) & 0xffff);
}

/** `i16x8.shr_s` */
export function i16x8ShrS(s: Int32Array, d: number, a: number, n: number): void {
  const k = n & 15;
  s[d] = shrHalvesS(s[a], k);
  s[d + 1] = shrHalvesS(s[a + 1], k);
  s[d + 2] = shrHalvesS(s[a + 2], k);
  s[d + 3] = shrHalvesS(s[a + 3], k);
}

/** `i32x4.shl` (JS shifts take the count mod 32 already) */
export function i32x4Shl(s: Int32Array, d: number, a: number, n: number): void {
  s[d] = s[a] << n;
  s[d + 1] = s[a + 1] << n;
  s[d + 2] = s[a + 2] << n;
  s[d + 3] = s[a + 3] << n;
}

/** `i32x4.shr_s` */
export function i32x4ShrS(s: Int32Array, d: number, a: number, n: number): void {
  s[d] = s[a] >> n;
  s[d + 1] = s[a + 1] >> n;
  s[d + 2] = s[a + 2] >> n;
  s[d + 3] = s[a + 3] >> n;
}

/** `i32x4.shr_u` */
export function i32x4ShrU(s: Int32Array, d: number, a: number, n: number): void {
  s[d] = s[a] >>> n;
  s[d + 1] = s[a + 1] >>> n;
  s[d + 2] = s[a + 2] >>> n;
  s[d + 3] = s[a + 3] >>> n;
}

// f32 lanes are computed in double and rounded once by the store (see the module doc).

/** `f32x4.add` */
export function f32x4Add(f: Float32Array, d: number, a: number, b: number): void {
  f[d] = f[a] + f[b];
  f[d + 1] = f[a + 1] + f[b + 1];
  f[d + 2] = f[a + 2] + f[b + 2];
  f[d + 3] = f[a + 3] + f[b + 3];
}

/** `f32x4.sub` */
export function f32x4Sub(f: Float32Array, d: number, a: number, b: number): void {
  f[d] = f[a] - f[b];
  f[d + 1] = f[a + 1] - f[b + 1];
  f[d + 2] = f[a + 2] - f[b + 2];
  f[d + 3] = f[a + 3] - f[b + 3];
}

/** `f32x4.mul` */
export function f32x4Mul(f: Float32Array, d: number, a: number, b: number): void {
  f[d] = f[a] * f[b];
  f[d + 1] = f[a + 1] * f[b + 1];
  f[d + 2] = f[a + 2] * f[b + 2];
  f[d + 3] = f[a + 3] * f[b + 3];
}

/** `f32x4.mul` then `f32x4.add` of the product and `c`, each lane rounded after each step. */
export function f32x4MulAdd(f: Float32Array, d: number, a: number, b: number, c: number): void {
  f[d] = Math.fround(f[a] * f[b]) + f[c];
  f[d + 1] = Math.fround(f[a + 1] * f[b + 1]) + f[c + 1];
  f[d + 2] = Math.fround(f[a + 2] * f[b + 2]) + f[c + 2];
  f[d + 3] = Math.fround(f[a + 3] * f[b + 3]) + f[c + 3];
}

/** `f32x4.div` */
export function f32x4Div(f: Float32Array, d: number, a: number, b: number): void {
  f[d] = f[a] / f[b];
  f[d + 1] = f[a + 1] / f[b + 1];
  f[d + 2] = f[a + 2] / f[b + 2];
  f[d + 3] = f[a + 3] / f[b + 3];
}

/**
 * Wasm's `min` of two numbers: NaN if either is NaN, and -0 below +0. Written with compares
 * rather than `Math.min` (which optimised V8 code may return a non-canonical NaN from, and which
 * measured slower inline: f32x4.min 2.3x the time of f32x4.mul with Math.min, 1.9x with this).
 */
function min(x: number, y: number): number {
  return x < y ? x : y < x ? y : x === y ? (x !== 0 || 1 / x < 0 ? x : y) : NaN;
}

/** Wasm's `max` of two numbers, as `min`: NaN if either is NaN, and +0 above -0. */
function max(x: number, y: number): number {
  return x > y ? x : y > x ? y : x === y ? (x !== 0 || 1 / x > 0 ? x : y) : NaN;
}

/** `f32x4.min` (and `f32x4.relaxed_min`, Arm FMIN: NaN-propagating, -0 < +0) */
export function f32x4Min(f: Float32Array, d: number, a: number, b: number): void {
  f[d] = min(f[a], f[b]);
  f[d + 1] = min(f[a + 1], f[b + 1]);
  f[d + 2] = min(f[a + 2], f[b + 2]);
  f[d + 3] = min(f[a + 3], f[b + 3]);
}

/** `f32x4.max` (and `f32x4.relaxed_max`, Arm FMAX) */
export function f32x4Max(f: Float32Array, d: number, a: number, b: number): void {
  f[d] = max(f[a], f[b]);
  f[d + 1] = max(f[a + 1], f[b + 1]);
  f[d + 2] = max(f[a + 2], f[b + 2]);
  f[d + 3] = max(f[a + 3], f[b + 3]);
}

/** `f32x4.max` of `a` and `b`, then `f32x4.min` of that and `c`: a clamp. */
export function f32x4MaxMin(f: Float32Array, d: number, a: number, b: number, c: number): void {
  f[d] = min(max(f[a], f[b]), f[c]);
  f[d + 1] = min(max(f[a + 1], f[b + 1]), f[c + 1]);
  f[d + 2] = min(max(f[a + 2], f[b + 2]), f[c + 2]);
  f[d + 3] = min(max(f[a + 3], f[b + 3]), f[c + 3]);
}

/** `f64x2.add` */
export function f64x2Add(f: Float64Array, d: number, a: number, b: number): void {
  const x = d >> 1, y = a >> 1, z = b >> 1;
  f[x] = f[y] + f[z];
  f[x + 1] = f[y + 1] + f[z + 1];
}

/** `f64x2.sub` */
export function f64x2Sub(f: Float64Array, d: number, a: number, b: number): void {
  const x = d >> 1, y = a >> 1, z = b >> 1;
  f[x] = f[y] - f[z];
  f[x + 1] = f[y + 1] - f[z + 1];
}

/** `f64x2.mul` */
export function f64x2Mul(f: Float64Array, d: number, a: number, b: number): void {
  const x = d >> 1, y = a >> 1, z = b >> 1;
  f[x] = f[y] * f[z];
  f[x + 1] = f[y + 1] * f[z + 1];
}

/** `f64x2.div` */
export function f64x2Div(f: Float64Array, d: number, a: number, b: number): void {
  const x = d >> 1, y = a >> 1, z = b >> 1;
  f[x] = f[y] / f[z];
  f[x + 1] = f[y + 1] / f[z + 1];
}

// ---------------------------------------------------------------------------------------------
// One operand

/**
 * A one-operand SIMD operation: `d = op(a)`. `op` is the Wasm sub-opcode of a v128 → v128
 * operation, of a splat (`a` a scalar slot) or of a test (`d` an i32 slot).
 *
 * @param op the sub-opcode (`0xFD n` → `n`)
 * @param s the slot array
 * @param d the result's word index
 * @param a the operand's word index
 */
export function simdUnary(op: number, s: Int32Array, d: number, a: number): void {
  bind(s);
  const d2 = d << 1, a2 = a << 1, d4 = d << 2, a4 = a << 2, dh = d >> 1, ah = a >> 1;
  switch (op) {
    // Splats
    case 0x0f: { // i8x16.splat
      const w = Math.imul(s[a] & 0xff, 0x01010101);
      s[d] =
        s[d + 1] =
        s[d + 2] =
        s[d + 3] =
          w;
      return;
    }
    case 0x10: { // i16x8.splat
      const w = Math.imul(s[a] & 0xffff, 0x00010001);
      s[d] =
        s[d + 1] =
        s[d + 2] =
        s[d + 3] =
          w;
      return;
    }
    case 0x11: // i32x4.splat
    case 0x13: // f32x4.splat
      return v128Splat32(s, d, a);
    case 0x12: // i64x2.splat
    case 0x14: { // f64x2.splat
      const lo = s[a], hi = s[a + 1];
      s[d] = s[d + 2] = lo;
      s[d + 1] = s[d + 3] = hi;
      return;
    }
    // Tests (i32 results)
    case 0x53: // v128.any_true
      return v128AnyTrue(s, d, a);
    case 0x63: { // i8x16.all_true
      let r = 1;
      for (let i = 0; i < 16; i++) if (U8[a4 + i] === 0) r = 0;
      s[d] = r;
      return;
    }
    case 0x64: { // i8x16.bitmask
      let r = 0;
      for (let i = 0; i < 16; i++) r |= (U8[a4 + i] >>> 7) << i;
      s[d] = r;
      return;
    }
    case 0x83: { // i16x8.all_true
      let r = 1;
      for (let i = 0; i < 8; i++) if (U16[a2 + i] === 0) r = 0;
      s[d] = r;
      return;
    }
    case 0x84: { // i16x8.bitmask
      let r = 0;
      for (let i = 0; i < 8; i++) r |= (U16[a2 + i] >>> 15) << i;
      s[d] = r;
      return;
    }
    case 0xa3: // i32x4.all_true
      s[d] = s[a] !== 0 && s[a + 1] !== 0 && s[a + 2] !== 0 && s[a + 3] !== 0 ? 1 : 0;
      return;
    case 0xa4: // i32x4.bitmask
      s[d] = (s[a] >>> 31) | ((s[a + 1] >>> 31) << 1) | ((s[a + 2] >>> 31) << 2) |
        ((s[a + 3] >>> 31) << 3);
      return;
    case 0xc3: // i64x2.all_true
      s[d] = (s[a] | s[a + 1]) !== 0 && (s[a + 2] | s[a + 3]) !== 0 ? 1 : 0;
      return;
    case 0xc4: // i64x2.bitmask
      s[d] = (s[a + 1] >>> 31) | ((s[a + 3] >>> 31) << 1);
      return;
    // Bitwise
    case 0x4d: // v128.not
      return v128Not(s, d, a);
    // Integer lane-wise
    case 0x60: // i8x16.abs (abs(-128) wraps to -128 in the Int8Array store)
      for (let i = 0; i < 16; i++) I8[d4 + i] = Math.abs(I8[a4 + i]);
      return;
    case 0x61: // i8x16.neg
      for (let i = 0; i < 16; i++) I8[d4 + i] = -I8[a4 + i];
      return;
    case 0x62: // i8x16.popcnt
      for (let i = 0; i < 16; i++) U8[d4 + i] = POPCNT8[U8[a4 + i]];
      return;
    case 0x80: // i16x8.abs
      for (let i = 0; i < 8; i++) I16[d2 + i] = Math.abs(I16[a2 + i]);
      return;
    case 0x81: // i16x8.neg
      for (let i = 0; i < 8; i++) I16[d2 + i] = -I16[a2 + i];
      return;
    case 0xa0: // i32x4.abs
      return i32x4Abs(s, d, a);
    case 0xa1: // i32x4.neg
      for (let i = 0; i < 4; i++) s[d + i] = -s[a + i];
      return;
    case 0xc0: // i64x2.abs
      for (let i = 0; i < 4; i += 2) {
        if (s[a + i + 1] < 0) {
          i64Neg(s, d + i, a + i);
        } else {
          s[d + i] = s[a + i];
          s[d + i + 1] = s[a + i + 1];
        }
      }
      return;
    case 0xc1: // i64x2.neg
      i64Neg(s, d, a);
      i64Neg(s, d + 2, a + 2);
      return;
    // Pairwise sums: output lane i covers the same bytes as input lanes 2i and 2i + 1.
    case 0x7c: // i16x8.extadd_pairwise_i8x16_s
      for (let i = 0; i < 8; i++) I16[d2 + i] = I8[a4 + 2 * i] + I8[a4 + 2 * i + 1];
      return;
    case 0x7d: // i16x8.extadd_pairwise_i8x16_u
      for (let i = 0; i < 8; i++) I16[d2 + i] = U8[a4 + 2 * i] + U8[a4 + 2 * i + 1];
      return;
    case 0x7e: // i32x4.extadd_pairwise_i16x8_s
      for (let i = 0; i < 4; i++) s[d + i] = I16[a2 + 2 * i] + I16[a2 + 2 * i + 1];
      return;
    case 0x7f: // i32x4.extadd_pairwise_i16x8_u
      for (let i = 0; i < 4; i++) s[d + i] = U16[a2 + 2 * i] + U16[a2 + 2 * i + 1];
      return;
    // Widening
    // Widening: both input words are read before the result is written (d may be a).
    case 0x87: // i16x8.extend_low_i8x16_s
    case 0x88: // i16x8.extend_high_i8x16_s
    case 0x89: // i16x8.extend_low_i8x16_u
    case 0x8a: { // i16x8.extend_high_i8x16_u
      const k = op === 0x87 || op === 0x89 ? a : a + 2;
      const x = s[k], y = s[k + 1];
      if (op <= 0x88) {
        s[d] = (((x << 24) >> 24) & 0xffff) | (((x << 16) >> 24) << 16);
        s[d + 1] = (((x << 8) >> 24) & 0xffff) | ((x >> 24) << 16);
        s[d + 2] = (((y << 24) >> 24) & 0xffff) | (((y << 16) >> 24) << 16);
        s[d + 3] = (((y << 8) >> 24) & 0xffff) | ((y >> 24) << 16);
      } else {
        s[d] = (x & 0xff) | ((x << 8) & 0xff0000);
        s[d + 1] = ((x >>> 16) & 0xff) | ((x >>> 8) & 0xff0000);
        s[d + 2] = (y & 0xff) | ((y << 8) & 0xff0000);
        s[d + 3] = ((y >>> 16) & 0xff) | ((y >>> 8) & 0xff0000);
      }
      return;
    }
    case 0xa7: // i32x4.extend_low_i16x8_s
    case 0xa8: { // i32x4.extend_high_i16x8_s
      const k = op === 0xa7 ? a : a + 2;
      const x = s[k], y = s[k + 1];
      s[d] = (x << 16) >> 16;
      s[d + 1] = x >> 16;
      s[d + 2] = (y << 16) >> 16;
      s[d + 3] = y >> 16;
      return;
    }
    case 0xa9: // i32x4.extend_low_i16x8_u
    case 0xaa: { // i32x4.extend_high_i16x8_u
      const k = op === 0xa9 ? a : a + 2;
      const x = s[k], y = s[k + 1];
      s[d] = x & 0xffff;
      s[d + 1] = x >>> 16;
      s[d + 2] = y & 0xffff;
      s[d + 3] = y >>> 16;
      return;
    }
    case 0xc7: // i64x2.extend_low_i32x4_s
    case 0xc8: { // i64x2.extend_high_i32x4_s
      const k = op === 0xc7 ? a : a + 2;
      const x = s[k], y = s[k + 1];
      s[d] = x;
      s[d + 1] = x >> 31;
      s[d + 2] = y;
      s[d + 3] = y >> 31;
      return;
    }
    case 0xc9: // i64x2.extend_low_i32x4_u
    case 0xca: { // i64x2.extend_high_i32x4_u
      const k = op === 0xc9 ? a : a + 2;
      const x = s[k], y = s[k + 1];
      s[d] = x;
      s[d + 1] = 0;
      s[d + 2] = y;
      s[d + 3] = 0;
      return;
    }
    // f32x4
    case 0x67: // f32x4.ceil
      for (let i = 0; i < 4; i++) F32[d + i] = f64Ceil(F32[a + i]);
      return;
    case 0x68: // f32x4.floor
      for (let i = 0; i < 4; i++) F32[d + i] = f64Floor(F32[a + i]);
      return;
    case 0x69: // f32x4.trunc
      for (let i = 0; i < 4; i++) F32[d + i] = f64Trunc(F32[a + i]);
      return;
    case 0x6a: // f32x4.nearest
      for (let i = 0; i < 4; i++) F32[d + i] = f64Nearest(F32[a + i]);
      return;
    case 0xe0: // f32x4.abs
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] & 0x7fffffff;
      return;
    case 0xe1: // f32x4.neg
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] ^ 0x80000000;
      return;
    case 0xe3: // f32x4.sqrt
      for (let i = 0; i < 4; i++) F32[d + i] = Math.sqrt(F32[a + i]);
      return;
    // f64x2
    case 0x74: // f64x2.ceil
      for (let i = 0; i < 2; i++) F64[dh + i] = f64Ceil(F64[ah + i]);
      return;
    case 0x75: // f64x2.floor
      for (let i = 0; i < 2; i++) F64[dh + i] = f64Floor(F64[ah + i]);
      return;
    case 0x7a: // f64x2.trunc
      for (let i = 0; i < 2; i++) F64[dh + i] = f64Trunc(F64[ah + i]);
      return;
    case 0x94: // f64x2.nearest
      for (let i = 0; i < 2; i++) F64[dh + i] = f64Nearest(F64[ah + i]);
      return;
    case 0xec: // f64x2.abs
      s[d] = s[a];
      s[d + 1] = s[a + 1] & 0x7fffffff;
      s[d + 2] = s[a + 2];
      s[d + 3] = s[a + 3] & 0x7fffffff;
      return;
    case 0xed: // f64x2.neg
      s[d] = s[a];
      s[d + 1] = s[a + 1] ^ 0x80000000;
      s[d + 2] = s[a + 2];
      s[d + 3] = s[a + 3] ^ 0x80000000;
      return;
    case 0xef: // f64x2.sqrt
      for (let i = 0; i < 2; i++) F64[dh + i] = Math.sqrt(F64[ah + i]);
      return;
    // Conversions
    case 0x5e: { // f32x4.demote_f64x2_zero
      const x = F64[ah], y = F64[ah + 1];
      F32[d] = x;
      F32[d + 1] = y;
      s[d + 2] = s[d + 3] = 0;
      return;
    }
    case 0x5f: { // f64x2.promote_low_f32x4
      const x = F32[a], y = F32[a + 1];
      F64[dh] = x;
      F64[dh + 1] = y;
      return;
    }
    case 0xf8: // i32x4.trunc_sat_f32x4_s
    case 0x101: // i32x4.relaxed_trunc_f32x4_s (Arm: saturating, NaN → 0)
      for (let i = 0; i < 4; i++) s[d + i] = i32TruncSatF32S(F32[a + i]);
      return;
    case 0xf9: // i32x4.trunc_sat_f32x4_u
    case 0x102: // i32x4.relaxed_trunc_f32x4_u (Arm: saturating, NaN → 0)
      for (let i = 0; i < 4; i++) s[d + i] = i32TruncSatF32U(F32[a + i]);
      return;
    case 0xfa: // f32x4.convert_i32x4_s (an i32 is exact in double: the store rounds once)
      for (let i = 0; i < 4; i++) F32[d + i] = s[a + i];
      return;
    case 0xfb: // f32x4.convert_i32x4_u
      for (let i = 0; i < 4; i++) F32[d + i] = s[a + i] >>> 0;
      return;
    case 0xfc: // i32x4.trunc_sat_f64x2_s_zero
    case 0xfd: // i32x4.trunc_sat_f64x2_u_zero
    case 0x103: // i32x4.relaxed_trunc_f64x2_s_zero (Arm: saturating, NaN → 0)
    case 0x104: { // i32x4.relaxed_trunc_f64x2_u_zero (Arm: saturating, NaN → 0)
      const x = F64[ah], y = F64[ah + 1];
      const f = op === 0xfc || op === 0x103 ? i32TruncSatF64S : i32TruncSatF64U;
      s[d] = f(x);
      s[d + 1] = f(y);
      s[d + 2] = s[d + 3] = 0;
      return;
    }
    case 0xfe: { // f64x2.convert_low_i32x4_s
      const x = s[a], y = s[a + 1];
      F64[dh] = x;
      F64[dh + 1] = y;
      return;
    }
    case 0xff: { // f64x2.convert_low_i32x4_u
      const x = s[a] >>> 0, y = s[a + 1] >>> 0;
      F64[dh] = x;
      F64[dh + 1] = y;
      return;
    }
  }
  throw new Error(`Not a unary SIMD operator: 0xfd${op.toString(16).padStart(2, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// Two operands

/**
 * A two-operand SIMD operation: `d = op(a, b)`, all v128 except the shifts, whose `b` is an i32
 * count (taken modulo the lane width).
 *
 * @param op the sub-opcode (`0xFD n` → `n`)
 * @param s the slot array
 * @param d the result's word index
 * @param a the left operand's word index
 * @param b the right operand's word index
 */
export function simdBinary(op: number, s: Int32Array, d: number, a: number, b: number): void {
  bind(s);
  const d2 = d << 1, a2 = a << 1, b2 = b << 1, d4 = d << 2, a4 = a << 2, b4 = b << 2;
  const dh = d >> 1, ah = a >> 1, bh = b >> 1;
  switch (op) {
    case 0x0e: // i8x16.swizzle
    case 0x100: // i8x16.relaxed_swizzle (Arm TBL: an index past 15 selects 0)
      for (let i = 0; i < 16; i++) {
        const k = U8[b4 + i];
        TU8[i] = k < 16 ? U8[a4 + k] : 0;
      }
      return fromScratch(s, d);
    // Bitwise
    case 0x4e: // v128.and
      return v128And(s, d, a, b);
    case 0x4f: // v128.andnot
      return v128Andnot(s, d, a, b);
    case 0x50: // v128.or
      return v128Or(s, d, a, b);
    case 0x51: // v128.xor
      return v128Xor(s, d, a, b);
    // i8x16 compares
    case 0x23: // i8x16.eq
      return i8x16Eq(s, d, a, b);
    case 0x24: // i8x16.ne
      for (let i = 0; i < 4; i++) s[d + i] = ~eqBytes(s[a + i], s[b + i]);
      return;
    // The orders, word by word: x < y is not x >= y; x > y is not y >= x; x <= y is y >= x.
    case 0x25: // i8x16.lt_s
      for (let i = 0; i < 4; i++) s[d + i] = ~geBytes(s[a + i], s[b + i], true);
      return;
    case 0x26: // i8x16.lt_u
      for (let i = 0; i < 4; i++) s[d + i] = ~geBytes(s[a + i], s[b + i], false);
      return;
    case 0x27: // i8x16.gt_s
      for (let i = 0; i < 4; i++) s[d + i] = ~geBytes(s[b + i], s[a + i], true);
      return;
    case 0x28: // i8x16.gt_u
      return i8x16GtU(s, d, a, b);
    case 0x29: // i8x16.le_s
      for (let i = 0; i < 4; i++) s[d + i] = geBytes(s[b + i], s[a + i], true);
      return;
    case 0x2a: // i8x16.le_u
      for (let i = 0; i < 4; i++) s[d + i] = geBytes(s[b + i], s[a + i], false);
      return;
    case 0x2b: // i8x16.ge_s
      for (let i = 0; i < 4; i++) s[d + i] = geBytes(s[a + i], s[b + i], true);
      return;
    case 0x2c: // i8x16.ge_u
      for (let i = 0; i < 4; i++) s[d + i] = geBytes(s[a + i], s[b + i], false);
      return;
    // i16x8 compares
    case 0x2d: // i16x8.eq
      for (let i = 0; i < 8; i++) I16[d2 + i] = I16[a2 + i] === I16[b2 + i] ? -1 : 0;
      return;
    case 0x2e: // i16x8.ne
      for (let i = 0; i < 8; i++) I16[d2 + i] = I16[a2 + i] !== I16[b2 + i] ? -1 : 0;
      return;
    case 0x2f: // i16x8.lt_s
      for (let i = 0; i < 4; i++) s[d + i] = ~geHalves(s[a + i], s[b + i], true);
      return;
    case 0x30: // i16x8.lt_u
      for (let i = 0; i < 4; i++) s[d + i] = ~geHalves(s[a + i], s[b + i], false);
      return;
    case 0x31: // i16x8.gt_s
      for (let i = 0; i < 4; i++) s[d + i] = ~geHalves(s[b + i], s[a + i], true);
      return;
    case 0x32: // i16x8.gt_u
      for (let i = 0; i < 4; i++) s[d + i] = ~geHalves(s[b + i], s[a + i], false);
      return;
    case 0x33: // i16x8.le_s
      for (let i = 0; i < 4; i++) s[d + i] = geHalves(s[b + i], s[a + i], true);
      return;
    case 0x34: // i16x8.le_u
      for (let i = 0; i < 4; i++) s[d + i] = geHalves(s[b + i], s[a + i], false);
      return;
    case 0x35: // i16x8.ge_s
      for (let i = 0; i < 4; i++) s[d + i] = geHalves(s[a + i], s[b + i], true);
      return;
    case 0x36: // i16x8.ge_u
      for (let i = 0; i < 4; i++) s[d + i] = geHalves(s[a + i], s[b + i], false);
      return;
    // i32x4 compares
    case 0x37: // i32x4.eq
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] === s[b + i] ? -1 : 0;
      return;
    case 0x38: // i32x4.ne
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] !== s[b + i] ? -1 : 0;
      return;
    case 0x39: // i32x4.lt_s
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] < s[b + i] ? -1 : 0;
      return;
    case 0x3a: // i32x4.lt_u
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] >>> 0 < s[b + i] >>> 0 ? -1 : 0;
      return;
    case 0x3b: // i32x4.gt_s
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] > s[b + i] ? -1 : 0;
      return;
    case 0x3c: // i32x4.gt_u
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] >>> 0 > s[b + i] >>> 0 ? -1 : 0;
      return;
    case 0x3d: // i32x4.le_s
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] <= s[b + i] ? -1 : 0;
      return;
    case 0x3e: // i32x4.le_u
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] >>> 0 <= s[b + i] >>> 0 ? -1 : 0;
      return;
    case 0x3f: // i32x4.ge_s
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] >= s[b + i] ? -1 : 0;
      return;
    case 0x40: // i32x4.ge_u
      for (let i = 0; i < 4; i++) s[d + i] = s[a + i] >>> 0 >= s[b + i] >>> 0 ? -1 : 0;
      return;
    // f32x4 compares (NaN compares unequal, as in JS)
    case 0x41: // f32x4.eq
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] === F32[b + i] ? -1 : 0;
      return;
    case 0x42: // f32x4.ne
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] !== F32[b + i] ? -1 : 0;
      return;
    case 0x43: // f32x4.lt
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] < F32[b + i] ? -1 : 0;
      return;
    case 0x44: // f32x4.gt
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] > F32[b + i] ? -1 : 0;
      return;
    case 0x45: // f32x4.le
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] <= F32[b + i] ? -1 : 0;
      return;
    case 0x46: // f32x4.ge
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] >= F32[b + i] ? -1 : 0;
      return;
    // f64x2 compares
    case 0x47: // f64x2.eq
      for (let i = 0; i < 2; i++) {
        s[d + 2 * i] = s[d + 2 * i + 1] = F64[ah + i] === F64[bh + i] ? -1 : 0;
      }
      return;
    case 0x48: // f64x2.ne
      for (let i = 0; i < 2; i++) {
        s[d + 2 * i] = s[d + 2 * i + 1] = F64[ah + i] !== F64[bh + i] ? -1 : 0;
      }
      return;
    case 0x49: // f64x2.lt
      for (let i = 0; i < 2; i++) {
        s[d + 2 * i] = s[d + 2 * i + 1] = F64[ah + i] < F64[bh + i] ? -1 : 0;
      }
      return;
    case 0x4a: // f64x2.gt
      for (let i = 0; i < 2; i++) {
        s[d + 2 * i] = s[d + 2 * i + 1] = F64[ah + i] > F64[bh + i] ? -1 : 0;
      }
      return;
    case 0x4b: // f64x2.le
      for (let i = 0; i < 2; i++) {
        s[d + 2 * i] = s[d + 2 * i + 1] = F64[ah + i] <= F64[bh + i] ? -1 : 0;
      }
      return;
    case 0x4c: // f64x2.ge
      for (let i = 0; i < 2; i++) {
        s[d + 2 * i] = s[d + 2 * i + 1] = F64[ah + i] >= F64[bh + i] ? -1 : 0;
      }
      return;
    // Narrowing (saturating): all eight input words are read before the result is written.
    case 0x65: { // i8x16.narrow_i16x8_s
      const a0 = s[a], a1 = s[a + 1], a2 = s[a + 2], a3 = s[a + 3];
      const b0 = s[b], b1 = s[b + 1], b2 = s[b + 2], b3 = s[b + 3];
      s[d] = narrowBytesS(a0, a1);
      s[d + 1] = narrowBytesS(a2, a3);
      s[d + 2] = narrowBytesS(b0, b1);
      s[d + 3] = narrowBytesS(b2, b3);
      return;
    }
    case 0x66: // i8x16.narrow_i16x8_u
      return i8x16NarrowI16x8U(s, d, a, b);
    case 0x85: { // i16x8.narrow_i32x4_s
      const a0 = s[a], a1 = s[a + 1], a2 = s[a + 2], a3 = s[a + 3];
      const b0 = s[b], b1 = s[b + 1], b2 = s[b + 2], b3 = s[b + 3];
      s[d] = (satS16(a0) & 0xffff) | (satS16(a1) << 16);
      s[d + 1] = (satS16(a2) & 0xffff) | (satS16(a3) << 16);
      s[d + 2] = (satS16(b0) & 0xffff) | (satS16(b1) << 16);
      s[d + 3] = (satS16(b2) & 0xffff) | (satS16(b3) << 16);
      return;
    }
    case 0x86: // i16x8.narrow_i32x4_u
      return i16x8NarrowI32x4U(s, d, a, b);
    // Shifts: b is an i32 count
    case 0x6b: // i8x16.shl
      return i8x16Shl(s, d, a, s[b]);
    case 0x6c: { // i8x16.shr_s
      const k = s[b] & 7;
      for (let i = 0; i < 16; i++) I8[d4 + i] = I8[a4 + i] >> k;
      return;
    }
    case 0x6d: // i8x16.shr_u
      return i8x16ShrU(s, d, a, s[b]);
    case 0x8b: // i16x8.shl
      return i16x8Shl(s, d, a, s[b]);
    case 0x8c: // i16x8.shr_s
      return i16x8ShrS(s, d, a, s[b]);
    case 0x8d: // i16x8.shr_u
      return i16x8ShrU(s, d, a, s[b]);
    case 0xab: // i32x4.shl
      return i32x4Shl(s, d, a, s[b]);
    case 0xac: // i32x4.shr_s
      return i32x4ShrS(s, d, a, s[b]);
    case 0xad: // i32x4.shr_u
      return i32x4ShrU(s, d, a, s[b]);
    case 0xcb: { // i64x2.shl (the i64 helpers take the count mod 64)
      const k = s[b];
      i64ShlImm(s, d, a, k);
      i64ShlImm(s, d + 2, a + 2, k);
      return;
    }
    case 0xcc: { // i64x2.shr_s
      const k = s[b];
      i64ShrSImm(s, d, a, k);
      i64ShrSImm(s, d + 2, a + 2, k);
      return;
    }
    case 0xcd: { // i64x2.shr_u
      const k = s[b];
      i64ShrUImm(s, d, a, k);
      i64ShrUImm(s, d + 2, a + 2, k);
      return;
    }
    // i8x16 arithmetic
    case 0x6e: // i8x16.add
      return i8x16Add(s, d, a, b);
    case 0x6f: // i8x16.add_sat_s
      for (let i = 0; i < 16; i++) I8[d4 + i] = satS8(I8[a4 + i] + I8[b4 + i]);
      return;
    case 0x70: // i8x16.add_sat_u
      for (let i = 0; i < 16; i++) U8[d4 + i] = satU8(U8[a4 + i] + U8[b4 + i]);
      return;
    case 0x71: // i8x16.sub
      return i8x16Sub(s, d, a, b);
    case 0x72: // i8x16.sub_sat_s
      for (let i = 0; i < 16; i++) I8[d4 + i] = satS8(I8[a4 + i] - I8[b4 + i]);
      return;
    case 0x73: // i8x16.sub_sat_u
      for (let i = 0; i < 16; i++) U8[d4 + i] = satU8(U8[a4 + i] - U8[b4 + i]);
      return;
    case 0x76: // i8x16.min_s
      for (let i = 0; i < 16; i++) I8[d4 + i] = Math.min(I8[a4 + i], I8[b4 + i]);
      return;
    case 0x77: // i8x16.min_u
      for (let i = 0; i < 16; i++) U8[d4 + i] = Math.min(U8[a4 + i], U8[b4 + i]);
      return;
    case 0x78: // i8x16.max_s
      for (let i = 0; i < 16; i++) I8[d4 + i] = Math.max(I8[a4 + i], I8[b4 + i]);
      return;
    case 0x79: // i8x16.max_u
      for (let i = 0; i < 16; i++) U8[d4 + i] = Math.max(U8[a4 + i], U8[b4 + i]);
      return;
    case 0x7b: // i8x16.avgr_u
      for (let i = 0; i < 16; i++) U8[d4 + i] = (U8[a4 + i] + U8[b4 + i] + 1) >>> 1;
      return;
    // i16x8 arithmetic
    case 0x82: // i16x8.q15mulr_sat_s: only -32768 · -32768 overflows
    case 0x111: // i16x8.relaxed_q15mulr_s (Arm SQRDMULH: saturating)
      for (let i = 0; i < 8; i++) {
        const r = (I16[a2 + i] * I16[b2 + i] + 0x4000) >> 15;
        I16[d2 + i] = r > 32767 ? 32767 : r;
      }
      return;
    case 0x8e: // i16x8.add
      return i16x8Add(s, d, a, b);
    case 0x8f: // i16x8.add_sat_s
      for (let i = 0; i < 8; i++) I16[d2 + i] = satS16(I16[a2 + i] + I16[b2 + i]);
      return;
    case 0x90: // i16x8.add_sat_u
      for (let i = 0; i < 8; i++) U16[d2 + i] = satU16(U16[a2 + i] + U16[b2 + i]);
      return;
    case 0x91: // i16x8.sub
      return i16x8Sub(s, d, a, b);
    case 0x92: // i16x8.sub_sat_s
      for (let i = 0; i < 8; i++) I16[d2 + i] = satS16(I16[a2 + i] - I16[b2 + i]);
      return;
    case 0x93: // i16x8.sub_sat_u
      for (let i = 0; i < 8; i++) U16[d2 + i] = satU16(U16[a2 + i] - U16[b2 + i]);
      return;
    case 0x95: // i16x8.mul
      return i16x8Mul(s, d, a, b);
    case 0x96: // i16x8.min_s
      for (let i = 0; i < 8; i++) I16[d2 + i] = Math.min(I16[a2 + i], I16[b2 + i]);
      return;
    case 0x97: // i16x8.min_u
      for (let i = 0; i < 8; i++) U16[d2 + i] = Math.min(U16[a2 + i], U16[b2 + i]);
      return;
    case 0x98: // i16x8.max_s
      for (let i = 0; i < 8; i++) I16[d2 + i] = Math.max(I16[a2 + i], I16[b2 + i]);
      return;
    case 0x99: // i16x8.max_u
      for (let i = 0; i < 8; i++) U16[d2 + i] = Math.max(U16[a2 + i], U16[b2 + i]);
      return;
    case 0x9b: // i16x8.avgr_u
      for (let i = 0; i < 8; i++) U16[d2 + i] = (U16[a2 + i] + U16[b2 + i] + 1) >>> 1;
      return;
    case 0x9c: // i16x8.extmul_low_i8x16_s
      for (let i = 0; i < 8; i++) TI16[i] = I8[a4 + i] * I8[b4 + i];
      return fromScratch(s, d);
    case 0x9d: // i16x8.extmul_high_i8x16_s
      for (let i = 8; i < 16; i++) TI16[i - 8] = I8[a4 + i] * I8[b4 + i];
      return fromScratch(s, d);
    case 0x9e: // i16x8.extmul_low_i8x16_u
      for (let i = 0; i < 8; i++) TU16[i] = U8[a4 + i] * U8[b4 + i];
      return fromScratch(s, d);
    case 0x9f: // i16x8.extmul_high_i8x16_u
      for (let i = 8; i < 16; i++) TU16[i - 8] = U8[a4 + i] * U8[b4 + i];
      return fromScratch(s, d);
    // i32x4 arithmetic
    case 0xae: // i32x4.add
      return i32x4Add(s, d, a, b);
    case 0xb1: // i32x4.sub
      return i32x4Sub(s, d, a, b);
    case 0xb5: // i32x4.mul
      return i32x4Mul(s, d, a, b);
    case 0xb6: // i32x4.min_s
      for (let i = 0; i < 4; i++) s[d + i] = Math.min(s[a + i], s[b + i]);
      return;
    case 0xb7: // i32x4.min_u
      return i32x4MinU(s, d, a, b);
    case 0xb8: // i32x4.max_s
      for (let i = 0; i < 4; i++) s[d + i] = Math.max(s[a + i], s[b + i]);
      return;
    case 0xb9: // i32x4.max_u
      for (let i = 0; i < 4; i++) s[d + i] = Math.max(s[a + i] >>> 0, s[b + i] >>> 0);
      return;
    case 0xba: // i32x4.dot_i16x8_s (lane i covers the same bytes as the i16 lanes 2i, 2i + 1)
      for (let i = 0; i < 4; i++) {
        const j = 2 * i;
        s[d + i] = I16[a2 + j] * I16[b2 + j] + I16[a2 + j + 1] * I16[b2 + j + 1];
      }
      return;
    case 0x112: // i16x8.relaxed_dot_i8x16_i7x16_s (Arm SMULL + ADDP: both signed, sums wrap)
      for (let i = 0; i < 8; i++) {
        const j = 2 * i;
        TI16[i] = I8[a4 + j] * I8[b4 + j] + I8[a4 + j + 1] * I8[b4 + j + 1];
      }
      return fromScratch(s, d);
    case 0xbc: // i32x4.extmul_low_i16x8_s
      for (let i = 0; i < 4; i++) T[i] = I16[a2 + i] * I16[b2 + i];
      return fromScratch(s, d);
    case 0xbd: // i32x4.extmul_high_i16x8_s
      for (let i = 4; i < 8; i++) T[i - 4] = I16[a2 + i] * I16[b2 + i];
      return fromScratch(s, d);
    case 0xbe: // i32x4.extmul_low_i16x8_u
      for (let i = 0; i < 4; i++) T[i] = U16[a2 + i] * U16[b2 + i];
      return fromScratch(s, d);
    case 0xbf: // i32x4.extmul_high_i16x8_u
      for (let i = 4; i < 8; i++) T[i - 4] = U16[a2 + i] * U16[b2 + i];
      return fromScratch(s, d);
    // i64x2 arithmetic
    case 0xce: // i64x2.add
      i64Add(s, d, a, b);
      i64Add(s, d + 2, a + 2, b + 2);
      return;
    case 0xd1: // i64x2.sub
      i64Sub(s, d, a, b);
      i64Sub(s, d + 2, a + 2, b + 2);
      return;
    case 0xd5: // i64x2.mul
      i64Mul(s, d, a, b);
      i64Mul(s, d + 2, a + 2, b + 2);
      return;
    case 0xdc: // i64x2.extmul_low_i32x4_s
      mulWideS(0, s[a], s[b]);
      mulWideS(2, s[a + 1], s[b + 1]);
      return fromScratch(s, d);
    case 0xdd: // i64x2.extmul_high_i32x4_s
      mulWideS(0, s[a + 2], s[b + 2]);
      mulWideS(2, s[a + 3], s[b + 3]);
      return fromScratch(s, d);
    case 0xde: // i64x2.extmul_low_i32x4_u
      mulWideU(0, s[a], s[b]);
      mulWideU(2, s[a + 1], s[b + 1]);
      return fromScratch(s, d);
    case 0xdf: // i64x2.extmul_high_i32x4_u
      mulWideU(0, s[a + 2], s[b + 2]);
      mulWideU(2, s[a + 3], s[b + 3]);
      return fromScratch(s, d);
    // i64x2 compares
    case 0xd6: // i64x2.eq
    case 0xd7: // i64x2.ne
    case 0xd8: // i64x2.lt_s
    case 0xd9: // i64x2.gt_s
    case 0xda: // i64x2.le_s
    case 0xdb: { // i64x2.ge_s
      const cmp = op === 0xd6
        ? i64Eq
        : op === 0xd7
        ? i64Ne
        : op === 0xd8
        ? i64LtS
        : op === 0xd9
        ? i64GtS
        : op === 0xda
        ? i64LeS
        : i64GeS;
      const r0 = -cmp(s, a, b), r1 = -cmp(s, a + 2, b + 2);
      s[d] = s[d + 1] = r0;
      s[d + 2] = s[d + 3] = r1;
      return;
    }
    // f32x4 arithmetic (the Float32Array store rounds)
    case 0xe4: // f32x4.add
      return f32x4Add(F32, d, a, b);
    case 0xe5: // f32x4.sub
      return f32x4Sub(F32, d, a, b);
    case 0xe6: // f32x4.mul
      return f32x4Mul(F32, d, a, b);
    case 0xe7: // f32x4.div
      return f32x4Div(F32, d, a, b);
    case 0xe8: // f32x4.min
    case 0x10d: // f32x4.relaxed_min (Arm FMIN: NaN-propagating, -0 < +0)
      return f32x4Min(F32, d, a, b);
    case 0xe9: // f32x4.max
    case 0x10e: // f32x4.relaxed_max (Arm FMAX)
      return f32x4Max(F32, d, a, b);
    case 0xea: // f32x4.pmin: b < a ? b : a, as bits
      for (let i = 0; i < 4; i++) s[d + i] = F32[b + i] < F32[a + i] ? s[b + i] : s[a + i];
      return;
    case 0xeb: // f32x4.pmax: a < b ? b : a, as bits
      for (let i = 0; i < 4; i++) s[d + i] = F32[a + i] < F32[b + i] ? s[b + i] : s[a + i];
      return;
    // f64x2 arithmetic
    case 0xf0: // f64x2.add
      return f64x2Add(F64, d, a, b);
    case 0xf1: // f64x2.sub
      return f64x2Sub(F64, d, a, b);
    case 0xf2: // f64x2.mul
      return f64x2Mul(F64, d, a, b);
    case 0xf3: // f64x2.div
      return f64x2Div(F64, d, a, b);
    case 0xf4: // f64x2.min
    case 0x10f: // f64x2.relaxed_min (Arm FMIN)
      for (let i = 0; i < 2; i++) F64[dh + i] = fMin(F64[ah + i], F64[bh + i]);
      return;
    case 0xf5: // f64x2.max
    case 0x110: // f64x2.relaxed_max (Arm FMAX)
      for (let i = 0; i < 2; i++) F64[dh + i] = fMax(F64[ah + i], F64[bh + i]);
      return;
    case 0xf6: // f64x2.pmin
    case 0xf7: // f64x2.pmax
      for (let i = 0; i < 4; i += 2) {
        const x = F64[(a + i) >> 1], y = F64[(b + i) >> 1];
        const src = (op === 0xf6 ? y < x : x < y) ? b + i : a + i;
        const lo = s[src], hi = s[src + 1];
        s[d + i] = lo;
        s[d + i + 1] = hi;
      }
      return;
  }
  throw new Error(`Not a binary SIMD operator: 0xfd${op.toString(16).padStart(2, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// Three operands, lanes, shuffle

/**
 * A three-operand SIMD operation: `v128.bitselect` (the only one in Wasm 2.0):
 * `d = (a & c) | (b & ~c)`.
 *
 * @param op the sub-opcode (`0x52`)
 * @param s the slot array
 * @param d the result's word index
 * @param a the first operand's word index
 * @param b the second operand's word index
 * @param c the mask's word index
 */
export function simdTernary(
  op: number,
  s: Int32Array,
  d: number,
  a: number,
  b: number,
  c: number,
): void {
  bind(s);
  switch (op) {
    case 0x52: // v128.bitselect
    case 0x109: // i8x16.relaxed_laneselect (Arm BSL: bit by bit, whatever the lane width)
    case 0x10a: // i16x8.relaxed_laneselect
    case 0x10b: // i32x4.relaxed_laneselect
    case 0x10c: // i64x2.relaxed_laneselect
      for (let i = 0; i < 4; i++) {
        const m = s[c + i];
        s[d + i] = (s[a + i] & m) | (s[b + i] & ~m);
      }
      return;
    case 0x105: // f32x4.relaxed_madd (Arm FMLA: fused, one rounding)
      for (let i = 0; i < 4; i++) F32[d + i] = f32Fma(F32[a + i], F32[b + i], F32[c + i]);
      return;
    case 0x106: // f32x4.relaxed_nmadd (Arm FMLS: fused -a·b + c)
      for (let i = 0; i < 4; i++) F32[d + i] = f32Fma(-F32[a + i], F32[b + i], F32[c + i]);
      return;
    case 0x107: { // f64x2.relaxed_madd
      const dh = d >> 1, ah = a >> 1, bh = b >> 1, ch = c >> 1;
      for (let i = 0; i < 2; i++) F64[dh + i] = f64Fma(F64[ah + i], F64[bh + i], F64[ch + i]);
      return;
    }
    case 0x108: { // f64x2.relaxed_nmadd
      const dh = d >> 1, ah = a >> 1, bh = b >> 1, ch = c >> 1;
      for (let i = 0; i < 2; i++) F64[dh + i] = f64Fma(-F64[ah + i], F64[bh + i], F64[ch + i]);
      return;
    }
    case 0x113: { // i32x4.relaxed_dot_i8x16_i7x16_add_s (Arm SDOT: both signed, then add)
      const a4 = a << 2, b4 = b << 2;
      for (let i = 0; i < 4; i++) {
        let sum = 0;
        for (let j = 4 * i; j < 4 * i + 4; j++) sum += I8[a4 + j] * I8[b4 + j];
        T[i] = (sum + s[c + i]) | 0;
      }
      return fromScratch(s, d);
    }
  }
  throw new Error(`Not a ternary SIMD operator: 0xfd${op.toString(16).padStart(2, "0")}`);
}

/**
 * `*.extract_lane`: lane `lane` of the v128 at `a` as a scalar at `d` (floats as their bits).
 *
 * @param op the sub-opcode (`0x15`..`0x21`)
 * @param s the slot array
 * @param d the result's word index
 * @param a the vector's word index
 * @param lane the lane index (valid for the shape)
 */
export function simdExtractLane(
  op: number,
  s: Int32Array,
  d: number,
  a: number,
  lane: number,
): void {
  bind(s);
  switch (op) {
    case 0x15: // i8x16.extract_lane_s
      s[d] = I8[(a << 2) + lane];
      return;
    case 0x16: // i8x16.extract_lane_u
      s[d] = U8[(a << 2) + lane];
      return;
    case 0x18: // i16x8.extract_lane_s
      s[d] = I16[(a << 1) + lane];
      return;
    case 0x19: // i16x8.extract_lane_u
      s[d] = U16[(a << 1) + lane];
      return;
    case 0x1b: // i32x4.extract_lane
    case 0x1f: // f32x4.extract_lane
      s[d] = s[a + lane];
      return;
    case 0x1d: // i64x2.extract_lane
    case 0x21: { // f64x2.extract_lane
      const lo = s[a + 2 * lane], hi = s[a + 2 * lane + 1];
      s[d] = lo;
      s[d + 1] = hi;
      return;
    }
  }
  throw new Error(`Not an extract_lane operator: 0xfd${op.toString(16).padStart(2, "0")}`);
}

/**
 * `*.replace_lane`: the v128 at `a` with lane `lane` replaced by the scalar at `b`.
 *
 * @param op the sub-opcode (`0x17`..`0x22`)
 * @param s the slot array
 * @param d the result's word index
 * @param a the vector's word index
 * @param b the scalar's word index
 * @param lane the lane index (valid for the shape)
 */
export function simdReplaceLane(
  op: number,
  s: Int32Array,
  d: number,
  a: number,
  b: number,
  lane: number,
): void {
  bind(s);
  const lo = s[b], hi = s[b + 1];
  if (d !== a) {
    s[d] = s[a];
    s[d + 1] = s[a + 1];
    s[d + 2] = s[a + 2];
    s[d + 3] = s[a + 3];
  }
  switch (op) {
    case 0x17: // i8x16.replace_lane
      U8[(d << 2) + lane] = lo;
      return;
    case 0x1a: // i16x8.replace_lane
      U16[(d << 1) + lane] = lo;
      return;
    case 0x1c: // i32x4.replace_lane
    case 0x20: // f32x4.replace_lane
      s[d + lane] = lo;
      return;
    case 0x1e: // i64x2.replace_lane
    case 0x22: // f64x2.replace_lane
      s[d + 2 * lane] = lo;
      s[d + 2 * lane + 1] = hi;
      return;
  }
  throw new Error(`Not a replace_lane operator: 0xfd${op.toString(16).padStart(2, "0")}`);
}

/** The shuffle's 32 input bytes: `a` then `b`. */
const SHUFFLE = new Int32Array(8);
const SHUFFLE_U8 = new Uint8Array(SHUFFLE.buffer);

/** The four input bytes that the lane indices packed in `k` select, as one word. */
function pick4(k: number): number {
  const t = SHUFFLE_U8;
  return t[k & 31] | (t[(k >>> 8) & 31] << 8) | (t[(k >>> 16) & 31] << 16) |
    (t[(k >>> 24) & 31] << 24);
}

/**
 * `i8x16.shuffle`: byte `i` of the result is byte `k[i]` of the 32 bytes of `a` then `b`.
 * The 16 lane indices come packed little endian in four words (`k0` holds lanes 0..3).
 * Both inputs are copied to a scratch buffer first, so each byte is one indexed load (no
 * branch on which input it comes from), and `d` may be either input.
 *
 * @param s the slot array
 * @param d the result's word index
 * @param a the first vector's word index
 * @param b the second vector's word index
 * @param k0 lane indices 0..3
 * @param k1 lane indices 4..7
 * @param k2 lane indices 8..11
 * @param k3 lane indices 12..15
 */
export function simdShuffle(
  s: Int32Array,
  d: number,
  a: number,
  b: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): void {
  if (a === b) return shuffleOne(s, d, a, k0, k1, k2, k3);
  const t = SHUFFLE;
  t[0] = s[a];
  t[1] = s[a + 1];
  t[2] = s[a + 2];
  t[3] = s[a + 3];
  t[4] = s[b];
  t[5] = s[b + 1];
  t[6] = s[b + 2];
  t[7] = s[b + 3];
  s[d] = pick4(k0);
  s[d + 1] = pick4(k1);
  s[d + 2] = pick4(k2);
  s[d + 3] = pick4(k3);
}

/**
 * `i8x16.shuffle` of one vector with itself (`a` and `b` the same slot; the translator gives a
 * shuffle that reads only one of its inputs that input twice, see `shuffleOneInput`): each byte
 * read straight from the slot, index mod 16, without `simdShuffle`'s 32-byte scratch copy.
 * vec_bytes' threshold count spreads a compare's bytes so (4,096 shuffles a round); there the
 * row took 4.6% of the interpreter's profile ticks for 2.1% of its dispatches.
 */
function shuffleOne(
  s: Int32Array,
  d: number,
  a: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): void {
  bind(s);
  const u = U8, x = a << 2;
  // All four words read before any is written: `d` may be `a`.
  const w0 = u[x + (k0 & 15)]! | (u[x + ((k0 >>> 8) & 15)]! << 8) |
    (u[x + ((k0 >>> 16) & 15)]! << 16) | (u[x + ((k0 >>> 24) & 15)]! << 24);
  const w1 = u[x + (k1 & 15)]! | (u[x + ((k1 >>> 8) & 15)]! << 8) |
    (u[x + ((k1 >>> 16) & 15)]! << 16) | (u[x + ((k1 >>> 24) & 15)]! << 24);
  const w2 = u[x + (k2 & 15)]! | (u[x + ((k2 >>> 8) & 15)]! << 8) |
    (u[x + ((k2 >>> 16) & 15)]! << 16) | (u[x + ((k2 >>> 24) & 15)]! << 24);
  const w3 = u[x + (k3 & 15)]! | (u[x + ((k3 >>> 8) & 15)]! << 8) |
    (u[x + ((k3 >>> 16) & 15)]! << 16) | (u[x + ((k3 >>> 24) & 15)]! << 24);
  s[d] = w0;
  s[d + 1] = w1;
  s[d + 2] = w2;
  s[d + 3] = w3;
}

/**
 * Which of an `i8x16.shuffle`'s inputs its lane indices `lanes` (16 of them) read: 1 the first
 * only (every index below 16), 2 the second only, 3 both. A shuffle of one input is given that
 * input twice (`shuffleOne`); its indices then work mod 16.
 */
export function shuffleOneInput(lanes: ArrayLike<number>): number {
  let used = 0;
  for (let i = 0; i < 16; i++) used |= lanes[i]! < 16 ? 1 : 2;
  return used;
}

/**
 * Which zero-extending shape, if any, the `i8x16.shuffle` lane indices `lanes` (16 of them)
 * have: every even byte (u8 to u16) or every fourth byte (u8 to u32) of the result taken in
 * order from one half or word of one input `x`, every other byte from anywhere in the other
 * input `z`, which clang makes a zero vector to widen unsigned lanes that way (vec_bytes' blur,
 * brighten and sum of differences). Returns -1, or the `kind` of `simdShuffleZx`: bit 3 set when
 * `x` is the second input; bit 2 set for u8 to u16, then bits 0-1 the first word of the half
 * (0 or 2); else bits 0-1 the word (u8 to u32).
 */
export function shuffleZeroExtendKind(lanes: ArrayLike<number>): number {
  for (const xBase of [0, 16]) {
    const zBase = 16 - xBase;
    const fromZ = (i: number) => lanes[i]! >= zBase && lanes[i]! < zBase + 16;
    for (let w = 0; w < 4; w++) {
      let ok = true;
      for (let i = 0; i < 16 && ok; i++) {
        ok = (i & 3) === 0 ? lanes[i] === xBase + 4 * w + (i >> 2) : fromZ(i);
      }
      if (ok) return (xBase === 16 ? 8 : 0) | w;
    }
    for (let h = 0; h < 2; h++) {
      let ok = true;
      for (let i = 0; i < 16 && ok; i++) {
        ok = (i & 1) === 0 ? lanes[i] === xBase + 8 * h + (i >> 1) : fromZ(i);
      }
      if (ok) return (xBase === 16 ? 8 : 0) | 4 | (2 * h);
    }
  }
  return -1;
}

/**
 * `i8x16.shuffle` of a zero-extending shape (`kind`, see `shuffleZeroExtendKind`; `k0`..`k3` its
 * lane indices as for `simdShuffle`): when the input the shape reads zeros from is zero, the
 * bytes of the other are spread with shifts and masks, else it is `simdShuffle`. The shuffles
 * were 15% of vec_bytes' interpreter profile (its v128 build) through the scratch buffer.
 */
export function simdShuffleZx(
  s: Int32Array,
  d: number,
  a: number,
  b: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
  kind: number,
): void {
  const x = (kind & 8) !== 0 ? b : a, z = (kind & 8) !== 0 ? a : b;
  if ((s[z]! | s[z + 1]! | s[z + 2]! | s[z + 3]!) !== 0) {
    return simdShuffle(s, d, a, b, k0, k1, k2, k3);
  }
  const w = x + (kind & 3);
  const v = s[w]!;
  if ((kind & 4) !== 0) {
    const u = s[w + 1]!;
    s[d] = (v & 0xff) | ((v & 0xff00) << 8);
    s[d + 1] = ((v >>> 16) & 0xff) | ((v >>> 8) & 0xff0000);
    s[d + 2] = (u & 0xff) | ((u & 0xff00) << 8);
    s[d + 3] = ((u >>> 16) & 0xff) | ((u >>> 8) & 0xff0000);
  } else {
    s[d] = v & 0xff;
    s[d + 1] = (v >>> 8) & 0xff;
    s[d + 2] = (v >>> 16) & 0xff;
    s[d + 3] = v >>> 24;
  }
}

/** Copies the v128 at `a` to `d` (the four words of a slot). */
export function v128Copy(s: Int32Array, d: number, a: number): void {
  s[d] = s[a];
  s[d + 1] = s[a + 1];
  s[d + 2] = s[a + 2];
  s[d + 3] = s[a + 3];
}
