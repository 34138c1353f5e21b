/**
 * Shared helpers for the `src/core/num` tests: a slot array laid out like the engine's, bit-level
 * float views, trap assertions and a seeded random generator.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Trap, TRAP_MESSAGES } from "../../src/core/trap.ts";
import { i64FromBigInt, i64ToBigInt } from "../../src/core/num/mod.ts";
import { mulberry32 } from "../_lib/prng.ts";

/** A small slot array: 8 slots of 8 bytes, as `Int32Array` words (slot k at word 2k). */
export const s: Int32Array = new Int32Array(16);

const bits32 = new Uint32Array(1);
const f32View = new Float32Array(bits32.buffer);
const bits64 = new BigUint64Array(1);
const f64View = new Float64Array(bits64.buffer);

/** The f32 whose bit pattern is `bits`. */
export function f32FromBits(bits: number): number {
  bits32[0] = bits;
  return f32View[0];
}

/** The bit pattern of the f32 `x` (as stored into a Float32Array), as a uint32. */
export function f32Bits(x: number): number {
  f32View[0] = x;
  return bits32[0];
}

/** The f64 whose bit pattern is `bits`. */
export function f64FromBits(bits: bigint): number {
  bits64[0] = bits;
  return f64View[0];
}

/** The bit pattern of the f64 `x`, as an unsigned bigint. */
export function f64Bits(x: number): bigint {
  f64View[0] = x;
  return bits64[0];
}

/** Stores the i64 `v` at word `w` of `s`. */
export function put(w: number, v: bigint): void {
  i64FromBigInt(s, w, v);
}

/** The i64 at word `w` of `s`, signed. */
export function get(w: number): bigint {
  return i64ToBigInt(s, w);
}

/** Asserts that `f` throws a `Trap` whose message is the spec's `message`. */
export function assertTrap(f: () => unknown, message: string, label: string): void {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Trap, `${label}: expected a Trap, got ${e}`);
    assert.equal(e.message, message, label);
    assert.equal(TRAP_MESSAGES[e.code], message, label);
    return;
  }
  assert.fail(`${label}: expected trap "${message}"`);
}

/** Float format masks: all exponent bits, the quiet bit, all significand bits. */
interface Format {
  exp: bigint;
  quiet: bigint;
  mant: bigint;
}
const F32: Format = { exp: 0x7f800000n, quiet: 0x400000n, mant: 0x7fffffn };
const F64: Format = { exp: 0x7ff0000000000000n, quiet: 0x8000000000000n, mant: 0xfffffffffffffn };

/** Checks float bits against a testsuite expectation: exact bits, or a NaN kind (either sign). */
function checkFloat(actual: bigint, expected: bigint | string, f: Format, label: string): void {
  const hex = `0x${actual.toString(16)}`;
  const magnitude = actual & (f.exp | f.mant);
  if (expected === "nan:canonical") {
    assert.equal(magnitude, f.exp | f.quiet, `${label}: ${hex} is not a canonical NaN`);
  } else if (expected === "nan:arithmetic") {
    const want = f.exp | f.quiet;
    assert.ok((magnitude & want) === want, `${label}: ${hex} is not an arithmetic NaN`);
  } else {
    assert.equal(hex, `0x${(expected as bigint).toString(16)}`, label);
  }
}

/** Checks f32 result bits (a uint32 or int32) against an expected bit pattern or NaN kind. */
export function checkF32Bits(
  actual: number,
  expected: number | bigint | string,
  label: string,
): void {
  const exp = typeof expected === "string" ? expected : BigInt(Number(expected) >>> 0);
  checkFloat(BigInt(actual >>> 0), exp, F32, label);
}

/** Checks an f32 result (a JS number) against an expected bit pattern or NaN kind. */
export function checkF32(actual: number, expected: number | bigint | string, label: string): void {
  checkF32Bits(f32Bits(actual), expected, label);
}

/** Checks an f64 result given as bits against an expected bit pattern or NaN kind. */
export function checkF64Bits(
  actual: bigint,
  expected: number | bigint | string,
  label: string,
): void {
  const exp = typeof expected === "string" ? expected : BigInt.asUintN(64, BigInt(expected));
  checkFloat(actual, exp, F64, label);
}

/** Checks an f64 result (a JS number) against an expected bit pattern or NaN kind. */
export function checkF64(actual: number, expected: number | bigint | string, label: string): void {
  checkF64Bits(f64Bits(actual), expected, label);
}

/** The toolkit's seeded PRNG (unsigned 32-bit integers). */
export const rng: typeof mulberry32 = mulberry32;

/**
 * A generator of "interesting" signed 64-bit values: uniform ones, and ones near the fast-path
 * boundaries of the implementation (32-bit, 53-bit, powers of two, INT64_MIN/MAX, small).
 */
export function i64Gen(seed: number): () => bigint {
  const r = rng(seed);
  const u64 = () => (BigInt(r()) << 32n) | BigInt(r());
  return () => {
    const kind = r() % 10;
    let v: bigint;
    switch (kind) {
      case 0:
        v = BigInt((r() % 201) - 100);
        break;
      case 1:
        v = BigInt(r() | 0);
        break;
      case 2:
        v = BigInt(r());
        break;
      case 3: // up to 53 bits
        v = u64() >> BigInt(11 + (r() % 53));
        break;
      case 4: { // 2^k + small
        v = (1n << BigInt(r() % 64)) + BigInt((r() % 7) - 3);
        break;
      }
      case 5:
        v = [0n, 1n, -1n, -(1n << 63n), (1n << 63n) - 1n, 1n << 32n, (1n << 32n) - 1n, 1n << 53n][
          r() % 8
        ];
        break;
      default:
        v = u64() >> BigInt(r() % 40);
    }
    if (r() & 1) v = -v;
    return BigInt.asIntN(64, v);
  };
}
