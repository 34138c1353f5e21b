/**
 * i64 operations on 32-bit halves, in place on the engine's slot array.
 *
 * The i64 at word index `w` of the slot view `s` is `lo = s[w]`, `hi = s[w + 1]` (little endian),
 * both int32s. Binary operations take `(s, d, a, b)` and write the result at `d`; unary ones take
 * `(s, d, a)`. Every input word is read before anything is written, so `d` may equal `a` or `b`.
 * The `*Imm` variants take the right operand as `(lo, hi)` numbers (or a plain shift count), for
 * constants the translator folds into the instruction. Tests and compares return an i32 0 or 1.
 *
 * No BigInt on any of these paths: everything is int32 arithmetic, or double arithmetic where it
 * is provably exact. BigInt appears only in `i64FromBigInt` / `i64ToBigInt`, for the API boundary.
 *
 * @module
 */

import { Trap, TrapCode } from "../trap.ts";

const TWO_32 = 4294967296;

// ---------------------------------------------------------------------------------------------
// Boundary and helper conversions

/** Stores `v` (taken mod 2^64) at `d`; allocates, so meant for the API boundary only. */
export function i64FromBigInt(s: Int32Array, d: number, v: bigint): void {
  s[d] = Number(BigInt.asIntN(32, v));
  s[d + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** The signed value of the i64 at `a`; allocates, so meant for the API boundary only. */
export function i64ToBigInt(s: Int32Array, a: number): bigint {
  return (BigInt(s[a + 1]) << 32n) | BigInt(s[a] >>> 0);
}

/**
 * Stores the integral double `x` mod 2^64 at `d`: exact for every integer in [-2^63, 2^64), which
 * is what the float-to-int truncations and the double-based division fast paths need.
 */
export function i64FromNumber(s: Int32Array, d: number, x: number): void {
  // x / 2^32 and the product below are exact (power-of-two scaling), and the difference is an
  // integer in [0, 2^32) no finer than x itself, so it is exact too. Int32Array stores wrap.
  const hi = Math.floor(x / TWO_32);
  s[d] = x - hi * TWO_32;
  s[d + 1] = hi;
}

/** `i64.extend_i32_s` of the i32 `x`. */
export function i64ExtendI32S(s: Int32Array, d: number, x: number): void {
  s[d] = x;
  s[d + 1] = x >> 31;
}

/** `i64.extend_i32_u` of the i32 `x`. */
export function i64ExtendI32U(s: Int32Array, d: number, x: number): void {
  s[d] = x;
  s[d + 1] = 0;
}

/** `i64.extend8_s`. */
export function i64Extend8S(s: Int32Array, d: number, a: number): void {
  const lo = (s[a] << 24) >> 24;
  s[d] = lo;
  s[d + 1] = lo >> 31;
}

/** `i64.extend16_s`. */
export function i64Extend16S(s: Int32Array, d: number, a: number): void {
  const lo = (s[a] << 16) >> 16;
  s[d] = lo;
  s[d + 1] = lo >> 31;
}

/** `i64.extend32_s`. */
export function i64Extend32S(s: Int32Array, d: number, a: number): void {
  const lo = s[a];
  s[d] = lo;
  s[d + 1] = lo >> 31;
}

// ---------------------------------------------------------------------------------------------
// Add, sub, mul. The private helpers take operand halves as arguments, so the slot and
// immediate variants share one body and the aliasing rule holds by construction.

// The carry out of the low halves, and the borrow, are spelled without a condition: on hash
// and cipher data they are random, and V8 compiles `c ? 1 : 0` to a branch that then mispredicts
// half the time (`bench/sha512.c`, a quarter of whose dispatches are i64 adds, interpreter, min
// CPU of 7 runs: 345 -> 287 ms with this carry alone).

/** The carry out of `al + bl` (low halves; `lo` their wrapped sum): bit 31 of the majority. */
function carryOut(al: number, bl: number, lo: number): number {
  return ((al & bl) | ((al | bl) & ~lo)) >>> 31;
}

/** The borrow out of `al - bl` (low halves; `lo` their wrapped difference). */
function borrowOut(al: number, bl: number, lo: number): number {
  return ((~al & bl) | (~(al ^ bl) & lo)) >>> 31;
}

function add(s: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const lo = (al + bl) | 0;
  s[d + 1] = (ah + bh + carryOut(al, bl, lo)) | 0;
  s[d] = lo;
}

function sub(s: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const lo = (al - bl) | 0;
  s[d + 1] = (ah - bh - borrowOut(al, bl, lo)) | 0;
  s[d] = lo;
}

/**
 * High 32 bits of the unsigned 64-bit product of two uint32s (as a uint32). The double product
 * is within 2^11 of the true one P = hi·2^32 + lo, and so is the difference with the exact low
 * word (`Math.imul`), again rounded: scaled by 2^-32 it is hi plus less than 2^-20, and
 * truncating it plus 1/2 gives hi exactly. Against 16-bit limbs: 3-4x faster on its own (20M
 * calls, 35-72 ms against 102-148 ms) and a quarter of the bytecode, which matters because V8
 * inlines helpers into the executor's `run` only up to a total budget (`--trace-turbo-inlining`
 * on `bench/hashtab.c` had left a `mul`'s `mulHiU32` call out).
 */
function mulHiU32(x: number, y: number): number {
  return (((x >>> 0) * (y >>> 0) - (Math.imul(x, y) >>> 0)) * 2.3283064365386963e-10 + 0.5) >>> 0;
}

function mul(s: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  // (ah·2^32 + al)(bh·2^32 + bl) mod 2^64: the ah·bh term vanishes and the cross terms only
  // matter mod 2^32, which is exactly what Math.imul gives.
  s[d + 1] = (Math.imul(al, bh) + Math.imul(ah, bl) + mulHiU32(al, bl)) | 0;
  s[d] = Math.imul(al, bl);
}

/** `i64.add`. */
export function i64Add(s: Int32Array, d: number, a: number, b: number): void {
  add(s, d, s[a], s[a + 1], s[b], s[b + 1]);
}

/** `i64.add` with a constant right operand. */
export function i64AddImm(s: Int32Array, d: number, a: number, lo: number, hi: number): void {
  add(s, d, s[a], s[a + 1], lo, hi);
}

/**
 * `i64.add128`: the 128-bit sum of `(aLo, aHi)` and `(bLo, bHi)`, each half an i64 at that word
 * index of `s`; the sum's low and high halves go to `dLo` and `dHi` (which may be any of the
 * operands: every operand is read first).
 */
export function i64Add128(
  s: Int32Array,
  dLo: number,
  dHi: number,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): void {
  // Four 32-bit limbs, low first; each limb sum is exact in a double.
  const s0 = (s[aLo] >>> 0) + (s[bLo] >>> 0);
  const s1 = (s[aLo + 1] >>> 0) + (s[bLo + 1] >>> 0) + (s0 > 0xffffffff ? 1 : 0);
  const s2 = (s[aHi] >>> 0) + (s[bHi] >>> 0) + (s1 > 0xffffffff ? 1 : 0);
  const s3 = (s[aHi + 1] + s[bHi + 1] + (s2 > 0xffffffff ? 1 : 0)) | 0;
  s[dLo] = s0 | 0;
  s[dLo + 1] = s1 | 0;
  s[dHi] = s2 | 0;
  s[dHi + 1] = s3;
}

/**
 * `i64.sub128`: the 128-bit difference `(aLo, aHi) - (bLo, bHi)`, as `i64Add128` lays it out.
 */
export function i64Sub128(
  s: Int32Array,
  dLo: number,
  dHi: number,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): void {
  // Four 32-bit limbs, low first; a negative limb difference borrows from the next.
  const d0 = (s[aLo] >>> 0) - (s[bLo] >>> 0);
  const d1 = (s[aLo + 1] >>> 0) - (s[bLo + 1] >>> 0) - (d0 < 0 ? 1 : 0);
  const d2 = (s[aHi] >>> 0) - (s[bHi] >>> 0) - (d1 < 0 ? 1 : 0);
  const d3 = (s[aHi + 1] - s[bHi + 1] - (d2 < 0 ? 1 : 0)) | 0;
  s[dLo] = d0 | 0;
  s[dLo + 1] = d1 | 0;
  s[dHi] = d2 | 0;
  s[dHi + 1] = d3;
}

/**
 * `i64.mul_wide_s`: the signed 128-bit product of the i64s at `a` and `b`; its low and high
 * halves go to `dLo` and `dHi` (which may be operands: both are read first).
 */
export function i64MulWideS(s: Int32Array, dLo: number, dHi: number, a: number, b: number): void {
  mulWide(s, dLo, dHi, s[a], s[a + 1], s[b], s[b + 1], true);
}

/** `i64.mul_wide_u`: the unsigned 128-bit product, as `i64MulWideS` lays it out. */
export function i64MulWideU(s: Int32Array, dLo: number, dHi: number, a: number, b: number): void {
  mulWide(s, dLo, dHi, s[a], s[a + 1], s[b], s[b + 1], false);
}

/** The 128-bit product of `(a1·2^32 + a0)` and `(b1·2^32 + b0)`, from 32-bit limb products. */
function mulWide(
  s: Int32Array,
  dLo: number,
  dHi: number,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  signed: boolean,
): void {
  // Column sums of the unsigned limb products (each below 2^35: exact in a double).
  const c1 = mulHiU32(a0, b0) + (Math.imul(a0, b1) >>> 0) + (Math.imul(a1, b0) >>> 0);
  const c2 = mulHiU32(a0, b1) + mulHiU32(a1, b0) + (Math.imul(a1, b1) >>> 0) +
    Math.floor(c1 / 0x100000000);
  let r2 = c2 >>> 0;
  let r3 = mulHiU32(a1, b1) + Math.floor(c2 / 0x100000000);
  if (signed) {
    // As signed values a = a_u - 2^64·[a < 0]: the high half loses b if a < 0 and a if b < 0.
    if (a1 < 0) {
      const t = r2 - (b0 >>> 0);
      r3 = r3 - b1 - (t < 0 ? 1 : 0);
      r2 = t >>> 0;
    }
    if (b1 < 0) {
      const t = r2 - (a0 >>> 0);
      r3 = r3 - a1 - (t < 0 ? 1 : 0);
      r2 = t >>> 0;
    }
  }
  s[dLo] = Math.imul(a0, b0);
  s[dLo + 1] = c1 | 0;
  s[dHi] = r2 | 0;
  s[dHi + 1] = r3 | 0;
}

/**
 * xxHash64's round with the load of its input, as the interpreter's
 * `I64LoadMulImmAddRotlMulImm d, u, a, acc, x, t, C1, k, C2, base, imm, offset` runs it: `x` =
 * the i64 at byte `(s[base] + imm) mod 2^32 + offset` of `view` (trapping past `len`), `t = x *
 * C1`, `a = acc + t`, `u = rotl(a, k)`, `d = u * C2`, each written to its slot in that order, the
 * values carried in locals (only `base` and `acc` are read from `s`, each when the steps before
 * have written theirs, so any slots may coincide; `x` and `t` are not written where the sum
 * overwrites them unread: 4 stores less per round, `bench/xxh64.c` interpreter min CPU of 7
 * runs, 4 alternating rounds, 159-164 -> 152-155 ms). Against the five helper calls on slots it
 * replaces (each re-reading what the one before wrote, and the code words after every store):
 * `bench/xxh64.c`, interpreter, CPU time, min of 21 runs in one process against the five calls:
 * -27% and -11% (the two orders). It must stay under V8's 460 bytes of bytecode for inlining
 * (477 with the last product spelled out: not inlined, and 34% slower than the five calls).
 */
export function i64LoadMulImmAddRotlMulImm(
  s: Int32Array,
  view: DataView,
  len: number,
  d: number,
  u: number,
  a: number,
  acc: number,
  x: number,
  t: number,
  c1l: number,
  c1h: number,
  k: number,
  c2l: number,
  c2h: number,
  base: number,
  imm: number,
  offset: number,
): void {
  const ea = ((s[base]! + imm) >>> 0) + (offset >>> 0);
  if (ea + 8 > len) throw new Trap(TrapCode.MemoryOutOfBounds);
  const xl = view.getInt32(ea, true), xh = view.getInt32(ea + 4, true);
  const th = (Math.imul(xl, c1h) + Math.imul(xh, c1l) + mulHiU32(xl, c1l)) | 0;
  const tl = Math.imul(xl, c1l);
  // `x` and `t` are stored unless the sum overwrites them before anything reads them (the
  // translator gives all three one temporary): only `acc` could, read after these stores.
  if (x !== a || acc === x) {
    s[x + 1] = xh;
    s[x] = xl;
  }
  if (t !== a || acc === t) {
    s[t + 1] = th;
    s[t] = tl;
  }
  const accl = s[acc]!, acch = s[acc + 1]!;
  const al = (accl + tl) | 0;
  const ah = (acch + th + carryOut(accl, tl, al)) | 0;
  s[a + 1] = ah;
  s[a] = al;
  // Rotating by 32 swaps the halves; what is left is a rotation by r = k mod 32, whose carried
  // bits `y >>> (32 - r)` are spelled `(y >>> 1) >>> (31 - r)`: 0 for r = 0 without a branch
  // (which kept this function under V8's 460-byte limit for inlining).
  const rl = k & 32 ? ah : al, rh = k & 32 ? al : ah;
  const r = k & 31;
  const ul = (rl << r) | ((rh >>> 1) >>> (31 - r));
  const uh = (rh << r) | ((rl >>> 1) >>> (31 - r));
  s[u + 1] = uh;
  s[u] = ul;
  mul(s, d, ul, uh, c2l, c2h);
}

/**
 * `I64AddAdd d, t, a, b, x`: `t = a + b`, then `d = t + x`, the sum carried in locals (`x` is
 * read after `t` is written, so any slots may coincide).
 */
export function i64AddAdd(
  s: Int32Array,
  d: number,
  t: number,
  a: number,
  b: number,
  x: number,
): void {
  const al = s[a]!, bl = s[b]!;
  const tl = (al + bl) | 0;
  const th = (s[a + 1]! + s[b + 1]! + carryOut(al, bl, tl)) | 0;
  s[t + 1] = th;
  s[t] = tl;
  add(s, d, tl, th, s[x]!, s[x + 1]!);
}

/**
 * `I64AddLoad d, x, t, base, imm, offset`: `t` = the i64 at byte `(s[base] + imm) mod 2^32 +
 * offset` of `view` (trapping past `len`), then `d = x + t`, the loaded value carried in locals
 * (`x` is read after `t` is written, so any slots may coincide). With `i64AddAdd` against the
 * two calls each replaced: `bench/sha512.c`, interpreter, CPU time, min of 21 runs in one
 * process, -5% to -7% (both orders, twice); `run` 93 bytes smaller.
 */
export function i64AddLoad(
  s: Int32Array,
  view: DataView,
  len: number,
  d: number,
  x: number,
  t: number,
  base: number,
  imm: number,
  offset: number,
): void {
  const ea = ((s[base]! + imm) >>> 0) + (offset >>> 0);
  if (ea + 8 > len) throw new Trap(TrapCode.MemoryOutOfBounds);
  const tl = view.getInt32(ea, true), th = view.getInt32(ea + 4, true);
  s[t + 1] = th;
  s[t] = tl;
  add(s, d, s[x]!, s[x + 1]!, tl, th);
}

/** `i64.sub`. */
export function i64Sub(s: Int32Array, d: number, a: number, b: number): void {
  sub(s, d, s[a], s[a + 1], s[b], s[b + 1]);
}

/** `i64.sub` with a constant right operand. */
export function i64SubImm(s: Int32Array, d: number, a: number, lo: number, hi: number): void {
  sub(s, d, s[a], s[a + 1], lo, hi);
}

/**
 * `x - (y << k)` for the i64s at word indices `x` and `y` and a constant count (only its low 6
 * bits matter): an `i64.shl` by a constant whose result an `i64.sub` subtracts (both read
 * before `d` is written, so any slots may coincide).
 */
export function i64SubShlImm(s: Int32Array, d: number, x: number, y: number, k: number): void {
  const yl = s[y]!, yh = s[y + 1]!, r = k & 31;
  // y << k in locals, its carried bits `(yl >>> 1) >>> (31 - r)` (0 for r = 0 without a branch).
  const sl = k & 32 ? 0 : yl << r;
  const sh = k & 32 ? yl << r : (yh << r) | ((yl >>> 1) >>> (31 - r));
  sub(s, d, s[x]!, s[x + 1]!, sl, sh);
}

/** `i64.mul`. */
export function i64Mul(s: Int32Array, d: number, a: number, b: number): void {
  mul(s, d, s[a], s[a + 1], s[b], s[b + 1]);
}

/** `i64.mul` with a constant right operand. */
export function i64MulImm(s: Int32Array, d: number, a: number, lo: number, hi: number): void {
  mul(s, d, s[a], s[a + 1], lo, hi);
}

// ---------------------------------------------------------------------------------------------
// Division. Fast paths use one double division when both operands are sign-extended i32s or lie
// within ±2^53 (a double quotient of such integers never rounds across an integer, so truncating
// it is exact, and `%` on doubles is always exact). The general case is an exact long division
// on 32-bit halves, still without BigInt.

// Results of `divModU` / `divModS`: quotient low and high halves, remainder low and high, reduced
// mod 2^32 as the callers' stores would. An Int32Array rather than module-scope `let`s: a `let`
// assigned a non-Smi number (any half >= 2^30) boxes it in a fresh HeapNumber on every division
// (measured, the i64 workload's operations without dispatch, min of 10 runs of 3M: the div_u
// step went from ~88 ns to ~59 ns, and to ~38 ns with the two-step path below).
const qr = new Int32Array(4);
const QUO_LO = 0, QUO_HI = 1, REM_LO = 2, REM_HI = 3;

/** Whether an i64 with high half `hi` lies within ±2^53, where doubles hold it exactly. */
function isSafeHi(hi: number): boolean {
  return hi > -0x200000 && hi < 0x200000;
}

/**
 * Unsigned 64-bit `h`·2^32 + `l` divided by `b` (uint32s, `b` nonzero), into quo* / rem* (the
 * remainder's high word is 0), exact, by one reciprocal `i = 1 / b` (the codegen tier's
 * `longDivision` in engine/codegen_i64.ts, whose steps these are):
 * - the high word: `q2 = floor(h·i)` is within one of `floor(h / b)` (the product's error is
 *   below 2^-19), and `r = h - q2·b` (exact) corrects it;
 * - the low word: `t = r·2^32 + l` is below `b`·2^32, and `floor(r·(i·2^32) + l·i)` is again
 *   within one of `floor(t / b)`, so the exact remainder `t - q·b` lies in [-b, 2b). For
 *   `b <= 2^30` that is within the int32 range, and its low 32 bits, `l - q·b` in int32
 *   arithmetic, are the whole of it; larger divisors compute it in doubles, `q` split into
 *   16-bit halves so that every term stays below 2^51. One step corrects `q`.
 * Against two double divisions with the remainder always in doubles: `bench/i64.wat`
 * (`x / (i | 1)` for i up to 3M), interpreter, min CPU of 7 runs, three alternating rounds
 * against the old tree: 281-308 -> 247-250 ms.
 */
function divU32(h: number, l: number, b: number): void {
  const i = 1 / b;
  let q2 = Math.floor(h * i), r = h - q2 * b;
  if (r < 0) {
    q2--;
    r += b;
  } else if (r >= b) {
    q2++;
    r -= b;
  }
  let q = Math.floor(r * (i * TWO_32) + l * i), m = 0;
  if (b <= 0x40000000) {
    m = (l - Math.imul(q, b)) | 0;
    if (m < 0) {
      q--;
      m += b;
    } else if (m >= b) {
      q++;
      m -= b;
    }
  } else {
    const qh = Math.floor(q / 65536);
    let n = (r * 65536 - qh * b) * 65536 + l - (q - qh * 65536) * b;
    if (n < 0) {
      q--;
      n += b;
    } else if (n >= b) {
      q++;
      n -= b;
    }
    m = n;
  }
  qr[QUO_HI] = q2;
  qr[QUO_LO] = q;
  qr[REM_HI] = 0;
  qr[REM_LO] = m;
}

/**
 * `divU32` for the code-generation tier's lean spelling (`divideWords` in
 * engine/codegen_i64.ts): returns the quotient's low word, puts its high word in `out[0]` and the
 * remainder in `out[1]`.
 */
export function divU32Words(h: number, l: number, b: number, out: Int32Array): number {
  divU32(h, l, b);
  out[0] = qr[QUO_HI];
  out[1] = qr[REM_LO];
  return qr[QUO_LO];
}

/** Unsigned 64-bit a / b and a % b on uint32 halves (b ≠ 0), into quo* / rem*. */
function divModU(ah: number, al: number, bh: number, bl: number): void {
  if (bh === 0) {
    divU32(ah, al, bl);
    return;
  }
  if (ah < bh || (ah === bh && al < bl)) {
    qr[QUO_HI] = qr[QUO_LO] = 0;
    qr[REM_HI] = ah;
    qr[REM_LO] = al;
    return;
  }
  // Divisor ≥ 2^32, so the quotient is below 2^32, and its double estimate (three roundings,
  // relative error < 2^-51) is within one of the truth. Starting one lower makes q·b ≤ a, so the
  // product cannot overflow and the remainder is non-negative; then correct upwards (≤ 2 steps).
  let q = Math.floor((ah * TWO_32 + al) / (bh * TWO_32 + bl));
  if (q > 0) q--;
  const pl = Math.imul(q, bl) >>> 0;
  const ph = (mulHiU32(q, bl) + Math.imul(q, bh)) >>> 0;
  let rl = al - pl, rh = ah - ph;
  if (rl < 0) {
    rl += TWO_32;
    rh--;
  }
  while (rh > bh || (rh === bh && rl >= bl)) {
    rl -= bl;
    rh -= bh;
    if (rl < 0) {
      rl += TWO_32;
      rh--;
    }
    q++;
  }
  qr[QUO_HI] = 0;
  qr[QUO_LO] = q;
  qr[REM_HI] = rh;
  qr[REM_LO] = rl;
}

/** Signed 64-bit a / b and a % b (b ≠ 0, not INT64_MIN / -1 for the quotient), truncating. */
function divModS(al: number, ah: number, bl: number, bh: number): void {
  const aNeg = ah < 0, bNeg = bh < 0;
  // Magnitudes as uint32 halves: -x = ~x + 1, the +1 carrying into the high half only when the
  // low half is 0. |INT64_MIN| = 2^63 is fine unsigned.
  divModU(
    (aNeg ? (al === 0 ? -ah : ~ah) : ah) >>> 0,
    (aNeg ? -al : al) >>> 0,
    (bNeg ? (bl === 0 ? -bh : ~bh) : bh) >>> 0,
    (bNeg ? -bl : bl) >>> 0,
  );
  if (aNeg !== bNeg) {
    qr[QUO_HI] = qr[QUO_LO] === 0 ? -qr[QUO_HI] : ~qr[QUO_HI];
    qr[QUO_LO] = -qr[QUO_LO];
  }
  // The remainder takes the dividend's sign.
  if (aNeg) {
    qr[REM_HI] = qr[REM_LO] === 0 ? -qr[REM_HI] : ~qr[REM_HI];
    qr[REM_LO] = -qr[REM_LO];
  }
}

/** `i64.div_s`: traps on a zero divisor and on INT64_MIN / -1. */
export function i64DivS(s: Int32Array, d: number, a: number, b: number): void {
  const al = s[a], ah = s[a + 1], bl = s[b], bh = s[b + 1];
  if ((bl | bh) === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  if (ah === al >> 31 && bh === bl >> 31) {
    // The quotient can be 2^31 (-2^31 / -1), so the high half comes from its sign.
    const q = Math.trunc(al / bl);
    s[d] = q;
    s[d + 1] = q < 0 ? -1 : 0;
  } else if (isSafeHi(ah) && isSafeHi(bh)) {
    i64FromNumber(s, d, Math.trunc((ah * TWO_32 + (al >>> 0)) / (bh * TWO_32 + (bl >>> 0))));
  } else {
    if (al === 0 && ah === -0x80000000 && (bl & bh) === -1) {
      throw new Trap(TrapCode.IntegerOverflow);
    }
    divModS(al, ah, bl, bh);
    s[d] = qr[QUO_LO];
    s[d + 1] = qr[QUO_HI];
  }
}

/** `i64.div_u`: traps on a zero divisor. */
export function i64DivU(s: Int32Array, d: number, a: number, b: number): void {
  const al = s[a], ah = s[a + 1], bl = s[b], bh = s[b + 1];
  if ((bl | bh) === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  if ((ah | bh) === 0) {
    s[d] = Math.floor((al >>> 0) / (bl >>> 0));
    s[d + 1] = 0;
  } else if ((ah >>> 0) < 0x200000 && (bh >>> 0) < 0x200000) {
    i64FromNumber(s, d, Math.floor((ah * TWO_32 + (al >>> 0)) / (bh * TWO_32 + (bl >>> 0))));
  } else if (bh === 0) {
    // A divisor below 2^32 (hash-style `x / (i | 1)`): `divModU`'s path, without its call.
    divU32(ah >>> 0, al >>> 0, bl >>> 0);
    s[d] = qr[QUO_LO];
    s[d + 1] = qr[QUO_HI];
  } else {
    divModU(ah >>> 0, al >>> 0, bh >>> 0, bl >>> 0);
    s[d] = qr[QUO_LO];
    s[d + 1] = qr[QUO_HI];
  }
}

/** `i64.rem_s`: traps on a zero divisor; INT64_MIN % -1 is 0, not a trap. */
export function i64RemS(s: Int32Array, d: number, a: number, b: number): void {
  const al = s[a], ah = s[a + 1], bl = s[b], bh = s[b + 1];
  if ((bl | bh) === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  if (ah === al >> 31 && bh === bl >> 31) {
    // `%` takes the dividend's sign, as Wasm does; a -0 result stores as 0.
    const r = al % bl;
    s[d] = r;
    s[d + 1] = r < 0 ? -1 : 0;
  } else if (isSafeHi(ah) && isSafeHi(bh)) {
    i64FromNumber(s, d, (ah * TWO_32 + (al >>> 0)) % (bh * TWO_32 + (bl >>> 0)));
  } else {
    divModS(al, ah, bl, bh);
    s[d] = qr[REM_LO];
    s[d + 1] = qr[REM_HI];
  }
}

/** `i64.rem_u`: traps on a zero divisor. */
export function i64RemU(s: Int32Array, d: number, a: number, b: number): void {
  const al = s[a], ah = s[a + 1], bl = s[b], bh = s[b + 1];
  if ((bl | bh) === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  if ((ah | bh) === 0) {
    s[d] = (al >>> 0) % (bl >>> 0);
    s[d + 1] = 0;
  } else if ((ah >>> 0) < 0x200000 && (bh >>> 0) < 0x200000) {
    i64FromNumber(s, d, (ah * TWO_32 + (al >>> 0)) % (bh * TWO_32 + (bl >>> 0)));
  } else if (bh === 0) {
    // A divisor below 2^32 (hash-style `x / (i | 1)`): `divModU`'s path, without its call.
    divU32(ah >>> 0, al >>> 0, bl >>> 0);
    s[d] = qr[REM_LO];
    s[d + 1] = qr[REM_HI];
  } else {
    divModU(ah >>> 0, al >>> 0, bh >>> 0, bl >>> 0);
    s[d] = qr[REM_LO];
    s[d + 1] = qr[REM_HI];
  }
}

// ---------------------------------------------------------------------------------------------
// Bitwise

/** `i64.and`. */
export function i64And(s: Int32Array, d: number, a: number, b: number): void {
  const hi = s[a + 1] & s[b + 1];
  s[d] = s[a] & s[b];
  s[d + 1] = hi;
}

/** `i64.and` with a constant right operand. */
export function i64AndImm(s: Int32Array, d: number, a: number, lo: number, hi: number): void {
  const h = s[a + 1] & hi;
  s[d] = s[a] & lo;
  s[d + 1] = h;
}

/** `x & ~y` for the i64s at word indices `x` and `y` (an `i64.xor` with -1 and the `i64.and`). */
export function i64AndNot(s: Int32Array, d: number, x: number, y: number): void {
  s[d + 1] = s[x + 1] & ~s[y + 1];
  s[d] = s[x] & ~s[y];
}

/** `(x ^ y) & z` for the i64s at word indices `x`, `y` and `z`. */
export function i64XorAnd(s: Int32Array, d: number, x: number, y: number, z: number): void {
  s[d + 1] = (s[x + 1] ^ s[y + 1]) & s[z + 1];
  s[d] = (s[x] ^ s[y]) & s[z];
}

/** `(x & y) ^ z` for the i64s at word indices `x`, `y` and `z`. */
export function i64AndXor(s: Int32Array, d: number, x: number, y: number, z: number): void {
  s[d + 1] = (s[x + 1] & s[y + 1]) ^ s[z + 1];
  s[d] = (s[x] & s[y]) ^ s[z];
}

/** `i64.or`. */
export function i64Or(s: Int32Array, d: number, a: number, b: number): void {
  const hi = s[a + 1] | s[b + 1];
  s[d] = s[a] | s[b];
  s[d + 1] = hi;
}

/** `i64.or` with a constant right operand. */
export function i64OrImm(s: Int32Array, d: number, a: number, lo: number, hi: number): void {
  const h = s[a + 1] | hi;
  s[d] = s[a] | lo;
  s[d + 1] = h;
}

/** `i64.xor`. */
export function i64Xor(s: Int32Array, d: number, a: number, b: number): void {
  const hi = s[a + 1] ^ s[b + 1];
  s[d] = s[a] ^ s[b];
  s[d + 1] = hi;
}

/** `i64.xor` with a constant right operand. */
export function i64XorImm(s: Int32Array, d: number, a: number, lo: number, hi: number): void {
  const h = s[a + 1] ^ hi;
  s[d] = s[a] ^ lo;
  s[d + 1] = h;
}

// ---------------------------------------------------------------------------------------------
// Shifts and rotations: the count is the low 6 bits of the right operand. JS shifts only take a
// count mod 32, so counts of 0 (where `x >>> 32` would be `x`, not 0) and ≥ 32 are split out.

function shl(s: Int32Array, d: number, al: number, ah: number, k: number): void {
  k &= 63;
  if (k === 0) {
    s[d] = al;
    s[d + 1] = ah;
  } else if (k < 32) {
    s[d] = al << k;
    s[d + 1] = (ah << k) | (al >>> (32 - k));
  } else {
    s[d] = 0;
    s[d + 1] = al << (k - 32);
  }
}

function shrS(s: Int32Array, d: number, al: number, ah: number, k: number): void {
  k &= 63;
  if (k === 0) {
    s[d] = al;
    s[d + 1] = ah;
  } else if (k < 32) {
    s[d] = (al >>> k) | (ah << (32 - k));
    s[d + 1] = ah >> k;
  } else {
    s[d] = ah >> (k - 32);
    s[d + 1] = ah >> 31;
  }
}

function shrU(s: Int32Array, d: number, al: number, ah: number, k: number): void {
  k &= 63;
  if (k === 0) {
    s[d] = al;
    s[d + 1] = ah;
  } else if (k < 32) {
    s[d] = (al >>> k) | (ah << (32 - k));
    s[d + 1] = ah >>> k;
  } else {
    s[d] = ah >>> (k - 32);
    s[d + 1] = 0;
  }
}

function rotl(s: Int32Array, d: number, al: number, ah: number, k: number): void {
  // Rotating by 32 swaps the halves; what is left is a rotation by k mod 32. Shorter spellings
  // without the branches (`(x >>> 1) >>> ~k`, 78 bytes of bytecode against 117, so that V8
  // would inline it outside its budget) ran slower: `bench/i64.wat`, interpreter, min CPU of 5
  // alternating runs in one process, +3.5% and +6% (December 2026).
  const lo = k & 32 ? ah : al, hi = k & 32 ? al : ah;
  k &= 31;
  if (k === 0) {
    s[d] = lo;
    s[d + 1] = hi;
  } else {
    s[d] = (lo << k) | (hi >>> (32 - k));
    s[d + 1] = (hi << k) | (lo >>> (32 - k));
  }
}

/** `i64.shl`. */
export function i64Shl(s: Int32Array, d: number, a: number, b: number): void {
  shl(s, d, s[a], s[a + 1], s[b]);
}

/** `i64.shl` by a constant count (only its low 6 bits matter). */
export function i64ShlImm(s: Int32Array, d: number, a: number, k: number): void {
  shl(s, d, s[a], s[a + 1], k);
}

/** `i64.shr_s`. */
export function i64ShrS(s: Int32Array, d: number, a: number, b: number): void {
  shrS(s, d, s[a], s[a + 1], s[b]);
}

/** `i64.shr_s` by a constant count (only its low 6 bits matter). */
export function i64ShrSImm(s: Int32Array, d: number, a: number, k: number): void {
  shrS(s, d, s[a], s[a + 1], k);
}

/** `i64.shr_u`. */
export function i64ShrU(s: Int32Array, d: number, a: number, b: number): void {
  shrU(s, d, s[a], s[a + 1], s[b]);
}

/** `i64.shr_u` by a constant count (only its low 6 bits matter). */
export function i64ShrUImm(s: Int32Array, d: number, a: number, k: number): void {
  shrU(s, d, s[a], s[a + 1], k);
}

/** `i64.rotl`. */
export function i64Rotl(s: Int32Array, d: number, a: number, b: number): void {
  rotl(s, d, s[a], s[a + 1], s[b]);
}

/** `i64.rotl` by a constant count (only its low 6 bits matter). */
export function i64RotlImm(s: Int32Array, d: number, a: number, k: number): void {
  rotl(s, d, s[a], s[a + 1], k);
}

/** `i64.rotr`, as a left rotation by 64 - k. */
export function i64Rotr(s: Int32Array, d: number, a: number, b: number): void {
  rotl(s, d, s[a], s[a + 1], 64 - (s[b] & 63));
}

/** `i64.rotr` by a constant count (only its low 6 bits matter). */
export function i64RotrImm(s: Int32Array, d: number, a: number, k: number): void {
  rotl(s, d, s[a], s[a + 1], 64 - (k & 63));
}

/**
 * `x ^ (y >>> k)` for the i64s at word indices `x` and `y` and a constant count (only its low
 * 6 bits matter): an `i64.shr_u` by a constant fused with the `i64.xor` of its result.
 */
export function i64XorShrUImm(s: Int32Array, d: number, x: number, y: number, k: number): void {
  const xl = s[x], xh = s[x + 1], yl = s[y], yh = s[y + 1];
  k &= 63;
  if (k === 0) {
    s[d] = xl ^ yl;
    s[d + 1] = xh ^ yh;
  } else if (k < 32) {
    s[d] = xl ^ ((yl >>> k) | (yh << (32 - k)));
    s[d + 1] = xh ^ (yh >>> k);
  } else {
    // The shifted value's high half is 0.
    s[d] = xl ^ (yh >>> (k - 32));
    s[d + 1] = xh;
  }
}

/**
 * `I64XorShrUMulImm d, t, x, y, k, C`: `t = x ^ (y >>> k)`, then `d = t * C`, the xor carried
 * to the product in locals rather than re-read from `t` (only `x` and `y` are read, before
 * either write, so any slots may coincide). splitmix64's and xxHash64's avalanche steps
 * (`bench/i64.wat`: 2 of its 14 dispatches per iteration). Against the two calls it replaces:
 * `run` 52 bytes smaller, `bench/i64.wat` no faster (CPU, min of 15 in one process, +-1%).
 * `t` equal to `d` (the product overwrites the xor unread) is not written: the translator gives
 * a xor only the product reads the product's slot (`#shiftThenMul`), which took 2 of the 4
 * stores off each step (`bench/i64.wat`, interpreter, min CPU of 7 alternating runs in one
 * process: 225 -> 211 ms, 0.94x).
 */
export function i64XorShrUMulImm(
  s: Int32Array,
  d: number,
  t: number,
  x: number,
  y: number,
  k: number,
  lo: number,
  hi: number,
): void {
  const yl = s[y]!, yh = s[y + 1]!;
  k &= 63;
  // y >>> k, its carried bits `(yh << 1) << (31 - k)` (0 for k = 0 without a branch).
  const sl = k < 32 ? (yl >>> k) | ((yh << 1) << (31 - k)) : yh >>> (k - 32);
  const sh = k < 32 ? yh >>> k : 0;
  const tl = s[x]! ^ sl, th = s[x + 1]! ^ sh;
  // `t` equal to `d`: the translator's mark of a temporary nothing reads.
  if (t !== d) {
    s[t + 1] = th;
    s[t] = tl;
  }
  mul(s, d, tl, th, lo, hi);
}

/**
 * `rotl(x ^ y, k)` for the i64s at word indices `x` and `y` and a constant count (only its low
 * 6 bits matter): an `i64.xor` whose result an `i64.rotl` (or `rotr`) by a constant reads.
 */
export function i64RotlImmOfXor(s: Int32Array, d: number, x: number, y: number, k: number): void {
  rotl(s, d, s[x]! ^ s[y]!, s[x + 1]! ^ s[y + 1]!, k);
}

/**
 * `x ^ rotl(y, k)` for the i64s at word indices `x` and `y` and a constant count (only its low
 * 6 bits matter): an `i64.rotl` by a constant fused with the `i64.xor` of its result.
 */
export function i64XorRotlImm(s: Int32Array, d: number, x: number, y: number, k: number): void {
  const xl = s[x], xh = s[x + 1];
  // Rotating by 32 swaps the halves; what is left is a rotation by k mod 32.
  const lo = k & 32 ? s[y + 1] : s[y], hi = k & 32 ? s[y] : s[y + 1];
  k &= 31;
  if (k === 0) {
    s[d] = xl ^ lo;
    s[d + 1] = xh ^ hi;
  } else {
    s[d] = xl ^ ((lo << k) | (hi >>> (32 - k)));
    s[d + 1] = xh ^ ((hi << k) | (lo >>> (32 - k)));
  }
}

/**
 * A SHA-2 sigma function of the i64 at `y`: `t = rotl(y, k1) ^ rotl(y, k2)`, then
 * `rotl(y, k3) ^ t` at `d`, or `(y >>> k3) ^ t` when `shr` is nonzero (counts in 0..63). One
 * function for the three steps and both kinds: V8 inlines helpers into the executor's `run` only
 * up to a total bytecode budget per call site (`--trace-turbo-inlining`), which the three
 * helpers' calls per sigma row had used up on `bench/sha512.c`. Rotations split a count into
 * its `& 32` (swap the halves) and `& 31` parts; `(x >>> 1) >>> (31 - r)` is `x >>> (32 - r)`
 * for r in 1..31 and 0 for r = 0, where `x >>> 32` would be `x`.
 */
export function i64Sigma(
  s: Int32Array,
  d: number,
  t: number,
  y: number,
  k1: number,
  k2: number,
  k3: number,
  shr: number,
): void {
  const yl = s[y], yh = s[y + 1];
  let a = k1 & 32 ? yh : yl, b = k1 & 32 ? yl : yh, r = k1 & 31;
  let lo = (a << r) | ((b >>> 1) >>> (31 - r)), hi = (b << r) | ((a >>> 1) >>> (31 - r));
  a = k2 & 32 ? yh : yl;
  b = k2 & 32 ? yl : yh;
  r = k2 & 31;
  lo ^= (a << r) | ((b >>> 1) >>> (31 - r));
  hi ^= (b << r) | ((a >>> 1) >>> (31 - r));
  s[t] = lo;
  s[t + 1] = hi;
  r = k3 & 31;
  if (shr !== 0) {
    // The shifted value: its high half is 0 for counts of 32 and more.
    if (k3 & 32) {
      lo ^= yh >>> r;
    } else {
      lo ^= (yl >>> r) | ((yh << 1) << (31 - r));
      hi ^= yh >>> r;
    }
  } else {
    a = k3 & 32 ? yh : yl;
    b = k3 & 32 ? yl : yh;
    lo ^= (a << r) | ((b >>> 1) >>> (31 - r));
    hi ^= (b << r) | ((a >>> 1) >>> (31 - r));
  }
  s[d] = lo;
  s[d + 1] = hi;
}

/** The int32 `x` with its four bytes in reverse order. */
function bswap32(x: number): number {
  return (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/**
 * The i64 at `a` with its eight bytes in reverse order: a byte swap, which Wasm has no
 * instruction for, so that compilers spell it in shifts, masks and ors (clang's
 * `__builtin_bswap64`: 21 instructions), and the translator recognises it.
 */
export function i64Bswap(s: Int32Array, d: number, a: number): void {
  const lo = s[a], hi = s[a + 1];
  s[d] = bswap32(hi);
  s[d + 1] = bswap32(lo);
}

// ---------------------------------------------------------------------------------------------
// Bit counts (results are i64s: the count in the low half, 0 in the high half)

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** `i64.clz`: 64 for 0. */
export function i64Clz(s: Int32Array, d: number, a: number): void {
  const hi = s[a + 1];
  s[d] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(s[a]);
  s[d + 1] = 0;
}

/** `i64.ctz`: 64 for 0. */
export function i64Ctz(s: Int32Array, d: number, a: number): void {
  const lo = s[a];
  s[d] = lo !== 0 ? ctz32(lo) : 32 + ctz32(s[a + 1]);
  s[d + 1] = 0;
}

/** `i64.popcnt`. */
export function i64Popcnt(s: Int32Array, d: number, a: number): void {
  s[d] = popcnt32(s[a]) + popcnt32(s[a + 1]);
  s[d + 1] = 0;
}

// ---------------------------------------------------------------------------------------------
// Tests and compares, returning an i32 0 or 1

function ltS(al: number, ah: number, bl: number, bh: number): number {
  return ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0)) ? 1 : 0;
}

function ltU(al: number, ah: number, bl: number, bh: number): number {
  const ahu = ah >>> 0, bhu = bh >>> 0;
  return ahu < bhu || (ahu === bhu && (al >>> 0) < (bl >>> 0)) ? 1 : 0;
}

/** `i64.eqz`. */
export function i64Eqz(s: Int32Array, a: number): number {
  return (s[a] | s[a + 1]) === 0 ? 1 : 0;
}

/** `i64.eq`. */
export function i64Eq(s: Int32Array, a: number, b: number): number {
  return s[a] === s[b] && s[a + 1] === s[b + 1] ? 1 : 0;
}

/** `i64.ne`. */
export function i64Ne(s: Int32Array, a: number, b: number): number {
  return s[a] !== s[b] || s[a + 1] !== s[b + 1] ? 1 : 0;
}

/** `i64.lt_s`. */
export function i64LtS(s: Int32Array, a: number, b: number): number {
  return ltS(s[a], s[a + 1], s[b], s[b + 1]);
}

/** `i64.lt_u`. */
export function i64LtU(s: Int32Array, a: number, b: number): number {
  return ltU(s[a], s[a + 1], s[b], s[b + 1]);
}

/** `i64.gt_s`, as b < a. */
export function i64GtS(s: Int32Array, a: number, b: number): number {
  return ltS(s[b], s[b + 1], s[a], s[a + 1]);
}

/** `i64.gt_u`, as b < a. */
export function i64GtU(s: Int32Array, a: number, b: number): number {
  return ltU(s[b], s[b + 1], s[a], s[a + 1]);
}

/** `i64.le_s`, as not b < a. */
export function i64LeS(s: Int32Array, a: number, b: number): number {
  return ltS(s[b], s[b + 1], s[a], s[a + 1]) ^ 1;
}

/** `i64.le_u`, as not b < a. */
export function i64LeU(s: Int32Array, a: number, b: number): number {
  return ltU(s[b], s[b + 1], s[a], s[a + 1]) ^ 1;
}

/** `i64.ge_s`, as not a < b. */
export function i64GeS(s: Int32Array, a: number, b: number): number {
  return ltS(s[a], s[a + 1], s[b], s[b + 1]) ^ 1;
}

/** `i64.ge_u`, as not a < b. */
export function i64GeU(s: Int32Array, a: number, b: number): number {
  return ltU(s[a], s[a + 1], s[b], s[b + 1]) ^ 1;
}

/** `i64.eq` against a constant. */
export function i64EqImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return s[a] === lo && s[a + 1] === hi ? 1 : 0;
}

/** `i64.ne` against a constant. */
export function i64NeImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return s[a] !== lo || s[a + 1] !== hi ? 1 : 0;
}

/** `i64.lt_s` against a constant right operand. */
export function i64LtSImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltS(s[a], s[a + 1], lo, hi);
}

/** `i64.lt_u` against a constant right operand. */
export function i64LtUImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltU(s[a], s[a + 1], lo, hi);
}

/** `i64.gt_s` against a constant right operand. */
export function i64GtSImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltS(lo, hi, s[a], s[a + 1]);
}

/** `i64.gt_u` against a constant right operand. */
export function i64GtUImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltU(lo, hi, s[a], s[a + 1]);
}

/** `i64.le_s` against a constant right operand. */
export function i64LeSImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltS(lo, hi, s[a], s[a + 1]) ^ 1;
}

/** `i64.le_u` against a constant right operand. */
export function i64LeUImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltU(lo, hi, s[a], s[a + 1]) ^ 1;
}

/** `i64.ge_s` against a constant right operand. */
export function i64GeSImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltS(s[a], s[a + 1], lo, hi) ^ 1;
}

/** `i64.ge_u` against a constant right operand. */
export function i64GeUImm(s: Int32Array, a: number, lo: number, hi: number): number {
  return ltU(s[a], s[a + 1], lo, hi) ^ 1;
}
