/**
 * Float literals as the Wasm text format writes them, for f32 and f64 bit patterns: decimal,
 * hexadecimal (`0x1.8p3`), `inf`, `nan`, `nan:0x...` (payload), each with an optional sign.
 *
 * Everything works on bit patterns so that NaN payloads and `-0` survive parsing and printing.
 *
 * @module
 */

/** The layout of one IEEE 754 binary format. */
interface FloatFormat {
  /** Total width in bits. */
  readonly bits: bigint;
  /** Stored mantissa bits (without the implicit leading one). */
  readonly mantissa: bigint;
  /** Exponent bias. */
  readonly bias: bigint;
}

const F32: FloatFormat = { bits: 32n, mantissa: 23n, bias: 127n };
const F64: FloatFormat = { bits: 64n, mantissa: 52n, bias: 1023n };

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Parses a float literal into f32 bits (an unsigned 32-bit number), or returns `null` when the
 * text is not a float literal.
 */
export function parseF32Bits(text: string): number | null {
  const bits = parseFloatBits(text, F32);
  return bits === null ? null : Number(bits);
}

/** Parses a float literal into f64 bits (an unsigned 64-bit bigint), or `null`. */
export function parseF64Bits(text: string): bigint | null {
  return parseFloatBits(text, F64);
}

/** Prints f32 bits as the shortest literal that reads back to the same bits. */
export function formatF32Bits(bits: number): string {
  return formatFloatBits(BigInt(bits >>> 0), F32);
}

/** Prints f64 bits as the shortest literal that reads back to the same bits. */
export function formatF64Bits(bits: bigint): string {
  return formatFloatBits(BigInt.asUintN(64, bits), F64);
}

function parseFloatBits(text: string, fmt: FloatFormat): bigint | null {
  let s = text.replaceAll("_", "").toLowerCase();
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  const sign = negative ? 1n << (fmt.bits - 1n) : 0n;
  const expAllOnes = ((1n << (fmt.bits - 1n - fmt.mantissa)) - 1n) << fmt.mantissa;
  if (s === "inf" || s === "infinity") return sign | expAllOnes;
  if (s === "nan") return sign | expAllOnes | (1n << (fmt.mantissa - 1n));
  if (s.startsWith("nan:0x")) {
    const payload = parseHexInt(s.slice(6));
    if (payload === null || payload === 0n || payload >= 1n << fmt.mantissa) return null;
    return sign | expAllOnes | payload;
  }
  let magnitude: bigint | null;
  if (s.startsWith("0x")) magnitude = parseHexFloat(s.slice(2), fmt);
  else magnitude = parseDecimalFloat(s, fmt);
  return magnitude === null ? null : sign | magnitude;
}

function parseHexInt(s: string): bigint | null {
  return /^[0-9a-f]+$/.test(s) ? BigInt("0x" + s) : null;
}

/** Hex floats are exact in binary, so they are rounded once, straight to the target format. */
function parseHexFloat(s: string, fmt: FloatFormat): bigint | null {
  const m = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(s);
  if (!m) return null;
  const intPart = m[1] ?? "";
  const fracPart = m[2] ?? "";
  if (intPart === "" && fracPart === "") return null;
  const digits = BigInt("0x0" + intPart + fracPart);
  const exp = BigInt(m[3] ?? "0") - 4n * BigInt(fracPart.length);
  return roundToFormat(digits, exp, fmt);
}

/**
 * Rounds `digits * 2^exp` (exact) to the nearest representable value (ties to even) and returns
 * its bits without sign; overflow gives infinity.
 */
function roundToFormat(digits: bigint, exp: bigint, fmt: FloatFormat): bigint {
  if (digits === 0n) return 0n;
  const precision = fmt.mantissa + 1n;
  const width = BigInt(digits.toString(2).length);
  // Exponent of the leading bit, and the lowest exponent a normal or subnormal bit may have.
  const top = exp + width - 1n;
  const minExp = 1n - fmt.bias - fmt.mantissa;
  let shift = width - precision; // how many low bits to drop to keep `precision` bits
  if (exp + shift < minExp) shift = minExp - exp; // subnormal: keep fewer bits
  let mant: bigint;
  let e: bigint;
  if (shift > 0n) {
    const dropped = digits & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    mant = digits >> shift;
    if (dropped > half || (dropped === half && (mant & 1n) === 1n)) mant += 1n;
    e = exp + shift;
  } else {
    mant = digits << -shift;
    e = exp + shift;
  }
  if (mant >= 1n << precision) {
    mant >>= 1n;
    e += 1n;
  }
  const maxExp = fmt.bias;
  if (top > maxExp + 1n || e + fmt.mantissa > maxExp) {
    return ((1n << (fmt.bits - 1n - fmt.mantissa)) - 1n) << fmt.mantissa;
  }
  if (mant < 1n << fmt.mantissa) return mant; // subnormal (or rounded to zero)
  const biased = e + fmt.mantissa + fmt.bias;
  return (biased << fmt.mantissa) | (mant & ((1n << fmt.mantissa) - 1n));
}

function parseDecimalFloat(s: string, fmt: FloatFormat): bigint | null {
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return null;
  const x = Number(s);
  if (fmt === F64) {
    scratch.setFloat64(0, x);
    return scratch.getBigUint64(0);
  }
  // Decimal → f64 → f32 can round twice; fine for a REPL, and exact for hex literals.
  scratch.setFloat32(0, x);
  return BigInt(scratch.getUint32(0));
}

function formatFloatBits(bits: bigint, fmt: FloatFormat): string {
  const signBit = 1n << (fmt.bits - 1n);
  const sign = (bits & signBit) !== 0n ? "-" : "";
  const expMask = ((1n << (fmt.bits - 1n - fmt.mantissa)) - 1n) << fmt.mantissa;
  const mantMask = (1n << fmt.mantissa) - 1n;
  if ((bits & expMask) === expMask) {
    const payload = bits & mantMask;
    if (payload === 0n) return `${sign}inf`;
    if (payload === 1n << (fmt.mantissa - 1n)) return `${sign}nan`;
    return `${sign}nan:0x${payload.toString(16)}`;
  }
  const x = bitsToNumber(bits, fmt);
  if (x === 0) return sign ? "-0" : "0";
  return fmt === F64 ? String(x) : shortestF32(x);
}

function bitsToNumber(bits: bigint, fmt: FloatFormat): number {
  if (fmt === F64) {
    scratch.setBigUint64(0, bits);
    return scratch.getFloat64(0);
  }
  scratch.setUint32(0, Number(bits));
  return scratch.getFloat32(0);
}

/** The shortest decimal that rounds back to the same f32 (JS only does this for f64). */
function shortestF32(x: number): string {
  for (let p = 1; p < 17; p++) {
    const text = String(Number(x.toPrecision(p)));
    if (Math.fround(Number(text)) === x) return text;
  }
  return String(x);
}
