/**
 * i32 operations that are not a single JS operator.
 *
 * Values are signed JS numbers (`x | 0`); every function returns a value normalised the same way.
 * The rest of the i32 instruction set maps straight onto JS: `(a + b) | 0`, `Math.imul(a, b)`,
 * `a << b`, `a >> b`, `a >>> b | 0` (shift counts are already taken mod 32 by JS), and unsigned
 * compares as `(a >>> 0) < (b >>> 0)`.
 *
 * @module
 */

import { Trap, TrapCode } from "../trap.ts";

/** `i32.div_s`: traps on a zero divisor and on the one overflowing quotient, INT_MIN / -1. */
export function i32DivS(a: number, b: number): number {
  if (b === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  if (a === -0x80000000 && b === -1) throw new Trap(TrapCode.IntegerOverflow);
  // A double quotient of two 32-bit integers never rounds across an integer, so truncating it is
  // exact.
  return (a / b) | 0;
}

/** `i32.div_u`: traps on a zero divisor. */
export function i32DivU(a: number, b: number): number {
  if (b === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  return ((a >>> 0) / (b >>> 0)) | 0;
}

/** `i32.rem_s`: traps on a zero divisor; INT_MIN % -1 is 0, not a trap. */
export function i32RemS(a: number, b: number): number {
  if (b === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  // JS `%` is exact and takes the dividend's sign, as Wasm does; `| 0` turns a -0 into 0.
  return (a % b) | 0;
}

/** `i32.rem_u`: traps on a zero divisor. */
export function i32RemU(a: number, b: number): number {
  if (b === 0) throw new Trap(TrapCode.IntegerDivisionByZero);
  return ((a >>> 0) % (b >>> 0)) | 0;
}

/** `i32.rotl`. */
export function i32Rotl(a: number, b: number): number {
  // JS shifts take their count mod 32, so a count of 0 gives `a | a`.
  return (a << b) | (a >>> (32 - (b & 31)));
}

/** `i32.rotr`. */
export function i32Rotr(a: number, b: number): number {
  return (a >>> b) | (a << (32 - (b & 31)));
}

/** `i32.clz`: 32 for 0, like `Math.clz32`. */
export function i32Clz(a: number): number {
  return Math.clz32(a);
}

/** `i32.ctz`: 32 for 0. */
export function i32Ctz(a: number): number {
  // `a & -a` isolates the lowest set bit, whose index is 31 minus its leading zeros.
  return a === 0 ? 32 : 31 - Math.clz32(a & -a);
}

/** `i32.popcnt`, by the classic SWAR bit count (no loop, no table). */
export function i32Popcnt(a: number): number {
  a = a - ((a >>> 1) & 0x55555555);
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  a = (a + (a >>> 4)) & 0x0f0f0f0f;
  return Math.imul(a, 0x01010101) >>> 24;
}

/** `i32.extend8_s`. */
export function i32Extend8S(a: number): number {
  return (a << 24) >> 24;
}

/** `i32.extend16_s`. */
export function i32Extend16S(a: number): number {
  return (a << 16) >> 16;
}
