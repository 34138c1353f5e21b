/**
 * Numeric literals of the WebAssembly text format, converted exactly to bits.
 *
 * Floats are rounded with BigInt rational arithmetic (round to nearest, ties to even) straight
 * to the target format, so neither long hex floats nor decimals are double-rounded through f64.
 *
 * @module
 */

/** A numeric literal that is malformed or out of range for its type. */
export class LiteralError extends Error {
  override name = "LiteralError";
}

const DEC_DIGITS = /^[0-9](_?[0-9])*$/;
const HEX_DIGITS = /^[0-9a-fA-F](_?[0-9a-fA-F])*$/;

/** Splits an optional leading sign off a literal. */
function splitSign(text: string): { negative: boolean; signed: boolean; body: string } {
  const first = text[0];
  if (first === "-" || first === "+") {
    return { negative: first === "-", signed: true, body: text.slice(1) };
  }
  return { negative: false, signed: false, body: text };
}

/** The value of an unsigned decimal or `0x` hex digit string (with `_` separators). */
function parseNat(body: string, literal: string): bigint {
  if (body.startsWith("0x")) {
    const digits = body.slice(2);
    if (!HEX_DIGITS.test(digits)) throw new LiteralError(`malformed integer: ${literal}`);
    return BigInt("0x" + digits.replaceAll("_", ""));
  }
  if (!DEC_DIGITS.test(body)) throw new LiteralError(`malformed integer: ${literal}`);
  return BigInt(body.replaceAll("_", ""));
}

/**
 * Parses an `iN` literal: unsigned `0 .. 2^N-1`, or signed `-2^(N-1) .. 2^(N-1)-1` when it has a
 * sign, as the text format's `iN ::= uN | sN` says.
 *
 * @returns the value as a signed N-bit integer
 * @throws {LiteralError} if malformed or out of range
 */
export function parseIntBits(text: string, bits: number): bigint {
  const { negative, signed, body } = splitSign(text);
  const magnitude = parseNat(body, text);
  const limit = signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits);
  const inRange = negative ? magnitude <= limit : magnitude < limit;
  if (!inRange) throw new LiteralError(`i${bits} constant out of range: ${text}`);
  return BigInt.asIntN(bits, negative ? -magnitude : magnitude);
}

/** Parses an `i32` literal into a signed 32-bit integer. */
export function parseI32(text: string): number {
  return Number(parseIntBits(text, 32));
}

/** Parses an `i64` literal into a signed 64-bit bigint. */
export function parseI64(text: string): bigint {
  return parseIntBits(text, 64);
}

/** An IEEE 754 binary interchange format. */
interface FloatFormat {
  /** Stored significand bits (without the implicit leading one). */
  readonly mantBits: number;
  /** Exponent field bits. */
  readonly expBits: number;
}

const F32: FloatFormat = { mantBits: 23, expBits: 8 };
const F64: FloatFormat = { mantBits: 52, expBits: 11 };

/** Number of bits in the binary representation of a positive bigint. */
function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** A finite literal's magnitude: `num / den`, exact. */
interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * Rounds a positive rational to the nearest float (ties to even).
 *
 * @returns the unsigned bit pattern, or `null` if it rounds to infinity (out of range)
 */
function roundRational({ num, den }: Rational, format: FloatFormat): bigint | null {
  const { mantBits, expBits } = format;
  const precision = mantBits + 1;
  const bias = (1 << (expBits - 1)) - 1;
  const minExp = 1 - bias;
  // Binary exponent e with 2^e <= num/den < 2^(e+1).
  let exp = bitLength(num) - bitLength(den);
  if (exp >= 0 ? num < den << BigInt(exp) : num << BigInt(-exp) < den) exp--;
  // Below the normal range the spacing is fixed: that of the smallest normal exponent.
  const scaleExp = Math.max(exp, minExp);
  const shift = precision - 1 - scaleExp;
  const scaledNum = shift >= 0 ? num << BigInt(shift) : num;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  let significand = scaledNum / scaledDen;
  const twiceRemainder = 2n * (scaledNum - significand * scaledDen);
  if (twiceRemainder > scaledDen || (twiceRemainder === scaledDen && (significand & 1n) === 1n)) {
    significand++;
  }
  // Adding the significand to the exponent field carries naturally: a subnormal that rounds up
  // becomes the smallest normal, a significand that rounds up to 2^precision bumps the exponent.
  const bits = (BigInt(scaleExp + bias - 1) << BigInt(mantBits)) + significand;
  const infinityBits = BigInt((1 << expBits) - 1) << BigInt(mantBits);
  return bits >= infinityBits ? null : bits;
}

/** The parts of a finite literal: `digits` in `radix`, with `fracDigits` after the point. */
interface FloatParts {
  readonly hex: boolean;
  readonly mantissa: bigint;
  readonly fracDigits: number;
  /** The exponent after `e` / `p` (base 10 for decimal, base 2 for hex). */
  readonly exponent: number;
}

const DEC_FLOAT =
  /^([0-9](?:_?[0-9])*)(?:\.((?:[0-9](?:_?[0-9])*)?))?(?:[eE]([+-]?[0-9](?:_?[0-9])*))?$/;
const HEX_FLOAT =
  /^0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)(?:\.((?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?))?(?:[pP]([+-]?[0-9](?:_?[0-9])*))?$/;

/** Splits an unsigned finite float literal into its parts, or returns `null` if malformed. */
function splitFloat(body: string): FloatParts | null {
  const hex = body.startsWith("0x");
  const match = (hex ? HEX_FLOAT : DEC_FLOAT).exec(body);
  if (match === null) return null;
  const intPart = match[1].replaceAll("_", "");
  const fracPart = (match[2] ?? "").replaceAll("_", "");
  const digits = intPart + fracPart;
  const mantissa = BigInt(hex ? "0x" + digits : digits);
  // Exponents far past any format's range are clamped; the result is the same infinity or zero.
  const exponent = Math.max(-1e6, Math.min(1e6, Number((match[3] ?? "0").replaceAll("_", ""))));
  return { hex, mantissa, fracDigits: fracPart.length, exponent };
}

/** The exact value of finite float parts, or `"huge"` / `"tiny"` when far outside any format. */
function toRational(parts: FloatParts): Rational | "huge" | "tiny" {
  const { hex, mantissa, fracDigits, exponent } = parts;
  const digitCount = hex ? bitLength(mantissa) : mantissa.toString().length;
  if (hex) {
    const exp2 = exponent - 4 * fracDigits;
    if (digitCount + exp2 > 1100) return "huge";
    if (digitCount + exp2 < -1200) return "tiny";
    return exp2 >= 0
      ? { num: mantissa << BigInt(exp2), den: 1n }
      : { num: mantissa, den: 1n << BigInt(-exp2) };
  }
  const exp10 = exponent - fracDigits;
  if (digitCount + exp10 > 340) return "huge";
  if (digitCount + exp10 < -360) return "tiny";
  return exp10 >= 0
    ? { num: mantissa * 10n ** BigInt(exp10), den: 1n }
    : { num: mantissa, den: 10n ** BigInt(-exp10) };
}

/** The unsigned bits of a float literal's magnitude (sign already removed). */
function magnitudeBits(body: string, format: FloatFormat, literal: string): bigint {
  const { mantBits, expBits } = format;
  const infinityBits = BigInt((1 << expBits) - 1) << BigInt(mantBits);
  if (body === "inf") return infinityBits;
  if (body === "nan") return infinityBits | (1n << BigInt(mantBits - 1));
  if (body.startsWith("nan:0x")) {
    const payload = parseNat(body.slice(4), literal);
    if (payload === 0n || payload >= 1n << BigInt(mantBits)) {
      throw new LiteralError(`NaN payload out of range: ${literal}`);
    }
    return infinityBits | payload;
  }
  const parts = splitFloat(body);
  if (parts === null) throw new LiteralError(`malformed float: ${literal}`);
  const value = toRational(parts);
  if (value === "tiny" || parts.mantissa === 0n) return 0n;
  const bits = value === "huge" ? null : roundRational(value, format);
  if (bits === null) throw new LiteralError(`float constant out of range: ${literal}`);
  return bits;
}

/** Bits of a float literal in `format`: sign bit plus magnitude. */
function floatBits(text: string, format: FloatFormat): bigint {
  const { negative, body } = splitSign(text);
  const magnitude = magnitudeBits(body, format, text);
  const signBit = 1n << BigInt(format.mantBits + format.expBits);
  return negative ? magnitude | signBit : magnitude;
}

/**
 * Parses an `f32` literal (decimal, hex float, `inf`, `nan`, `nan:0x...`, with optional sign).
 *
 * @returns the IEEE 754 bit pattern as an unsigned 32-bit number
 * @throws {LiteralError} if malformed, out of range, or a NaN payload is out of range
 */
export function parseF32Bits(text: string): number {
  return Number(floatBits(text, F32));
}

/**
 * Parses an `f64` literal (decimal, hex float, `inf`, `nan`, `nan:0x...`, with optional sign).
 *
 * @returns the IEEE 754 bit pattern as an unsigned 64-bit bigint
 * @throws {LiteralError} if malformed, out of range, or a NaN payload is out of range
 */
export function parseF64Bits(text: string): bigint {
  return floatBits(text, F64);
}
