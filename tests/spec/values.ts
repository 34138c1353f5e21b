/**
 * The runner's own value representation (independent of the library), expected results, and
 * how an actual result is matched against an expectation.
 *
 * Floats are kept as raw bit patterns so NaN payloads and signed zeros compare exactly.
 *
 * @module
 */

/** A value type of Wasm 2.0, or `ref` for the references Wasm 3.0 adds. */
export type ValueType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref" | "ref";

/**
 * A concrete Wasm value.
 *
 * - `i32` is kept as a signed 32-bit number, `i64` as a signed 64-bit bigint.
 * - `f32` bits are an unsigned 32-bit number, `f64` bits an unsigned 64-bit bigint.
 * - `v128` is 16 little-endian bytes.
 * - A `funcref` is `null` or an opaque host handle (scripts can only write `ref.null func`).
 * - An `externref` is `null` or the number `N` of the script's `ref.extern N`, or an opaque
 *   handle a host returns (an internal reference that Wasm converted with `extern.convert_any`).
 * - A `ref` is any other reference of Wasm 3.0 scripts: `ref.null HEAPTYPE` (`ref: null`) or
 *   `ref.host N` (`heap: "host"`, `ref: N`), or an opaque handle a host returns.
 */
export type WastValue =
  | { readonly type: "i32"; readonly value: number }
  | { readonly type: "i64"; readonly value: bigint }
  | { readonly type: "f32"; readonly bits: number }
  | { readonly type: "f64"; readonly bits: bigint }
  | { readonly type: "v128"; readonly bytes: Uint8Array }
  | { readonly type: "funcref"; readonly ref: object | null }
  | { readonly type: "externref"; readonly ref: number | object | null }
  | { readonly type: "ref"; readonly heap: string; readonly ref: unknown };

/** The reference kinds a script can expect without naming one: `(ref.i31)`, `(ref.struct)`, ... */
export type RefKind = "func" | "extern" | "any" | "eq" | "i31" | "struct" | "array" | "exn";

/** `nan:canonical` (only the quiet bit set) or `nan:arithmetic` (quiet bit set, any payload). */
export type NanPattern = "canonical" | "arithmetic";

/** The lane shapes of `v128.const`. */
export type LaneShape = "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4" | "f64x2";

/** One expected float lane of a v128: exact bits, or a NaN pattern. */
export type ExpectedLane = { readonly bits: bigint } | { readonly nan: NanPattern };

/** What an `assert_return` expects of one result. */
export type Expected =
  /** Exactly this value (bit-exact for floats and v128). */
  | { readonly kind: "value"; readonly value: WastValue }
  /** A scalar NaN of the given pattern, either sign. */
  | { readonly kind: "nan"; readonly type: "f32" | "f64"; readonly nan: NanPattern }
  /** A float-shaped v128 with at least one NaN-pattern lane. */
  | {
    readonly kind: "lanes";
    readonly shape: "f32x4" | "f64x2";
    readonly lanes: readonly ExpectedLane[];
  }
  /** Any non-null reference of the type: `(ref.func)` / `(ref.extern)` without an index. */
  | { readonly kind: "nonNullRef"; readonly type: "funcref" | "externref" }
  /**
   * A non-null reference of a Wasm 3.0 kind (`(ref.i31)`, `(ref.struct)`, ...), which a host
   * reports as a `ref` value whose `heap` is that kind (or a subtype it names in `heap`).
   */
  | { readonly kind: "refOf"; readonly heap: RefKind }
  /** Any null reference: `(ref.null)` without a heap type. */
  | { readonly kind: "anyNull" }
  /** Any one of the alternatives: `(either ...)`. */
  | { readonly kind: "either"; readonly options: readonly Expected[] };

/** The width in bits of one lane of `shape`. */
export function laneBits(shape: LaneShape): number {
  return Number(shape.slice(1, shape.indexOf("x")));
}

const F32_QUIET = 0x0040_0000;
const F32_EXP = 0x7f80_0000;
const F64_QUIET = 0x0008_0000_0000_0000n;
const F64_EXP = 0x7ff0_0000_0000_0000n;

/** True if the f32 bits are a NaN of the pattern. */
export function f32MatchesNan(bits: number, nan: NanPattern): boolean {
  const magnitude = bits & 0x7fff_ffff;
  if (nan === "canonical") return magnitude === (F32_EXP | F32_QUIET);
  return (magnitude & (F32_EXP | F32_QUIET)) === (F32_EXP | F32_QUIET);
}

/** True if the f64 bits are a NaN of the pattern. */
export function f64MatchesNan(bits: bigint, nan: NanPattern): boolean {
  const magnitude = bits & 0x7fff_ffff_ffff_ffffn;
  if (nan === "canonical") return magnitude === (F64_EXP | F64_QUIET);
  return (magnitude & (F64_EXP | F64_QUIET)) === (F64_EXP | F64_QUIET);
}

/** The lane at `index` of a v128 as unsigned bits. */
function laneAt(bytes: Uint8Array, bits: 32 | 64, index: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bits === 32 ? BigInt(view.getUint32(index * 4, true)) : view.getBigUint64(index * 8, true);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * True if `v` is a null reference of any type: nulls compare equal whatever their heap type, as
 * in the reference interpreter's JS harness (every null is `null` there).
 */
function isNullRef(v: WastValue): boolean {
  return (v.type === "funcref" || v.type === "externref" || v.type === "ref") && v.ref === null;
}

/** True if two values are identical (bit-exact; nulls of any reference type are equal). */
export function valuesEqual(a: WastValue, b: WastValue): boolean {
  switch (a.type) {
    case "i32":
    case "i64":
      return a.type === b.type && a.value === (b as typeof a).value;
    case "f32":
    case "f64":
      return a.type === b.type && a.bits === (b as typeof a).bits;
    case "v128":
      return b.type === "v128" && bytesEqual(a.bytes, b.bytes);
    case "funcref":
    case "externref":
      if (a.ref === null) return isNullRef(b);
      return a.type === b.type && a.ref === (b as typeof a).ref;
    case "ref":
      if (a.ref === null) return isNullRef(b);
      return b.type === "ref" && a.heap === b.heap && a.ref === b.ref;
  }
}

/** The heap kinds a `refOf` expectation accepts for each kind (its subtypes). */
const REF_KIND_ACCEPTS: Readonly<Record<RefKind, readonly string[]>> = {
  func: ["func"],
  extern: ["extern", "host"],
  any: ["any", "eq", "i31", "struct", "array", "host"],
  eq: ["eq", "i31", "struct", "array"],
  i31: ["i31"],
  struct: ["struct"],
  array: ["array"],
  exn: ["exn"],
};

/** True if `actual` satisfies `expected`. */
export function matches(expected: Expected, actual: WastValue): boolean {
  switch (expected.kind) {
    case "value":
      return valuesEqual(expected.value, actual);
    case "nan":
      if (actual.type !== expected.type) return false;
      return actual.type === "f32"
        ? f32MatchesNan(actual.bits, expected.nan)
        : f64MatchesNan((actual as { bits: bigint }).bits, expected.nan);
    case "lanes":
      return actual.type === "v128" && lanesMatch(expected.shape, expected.lanes, actual.bytes);
    case "nonNullRef":
      return actual.type === expected.type && actual.ref !== null;
    case "refOf":
      if (expected.heap === "func" && actual.type === "funcref") return actual.ref !== null;
      if (expected.heap === "extern" && actual.type === "externref") return actual.ref !== null;
      return actual.type === "ref" && actual.ref !== null &&
        REF_KIND_ACCEPTS[expected.heap].includes(actual.heap);
    case "anyNull":
      return (actual.type === "funcref" || actual.type === "externref" || actual.type === "ref") &&
        actual.ref === null;
    case "either":
      return expected.options.some((option) => matches(option, actual));
  }
}

function lanesMatch(
  shape: "f32x4" | "f64x2",
  lanes: readonly ExpectedLane[],
  bytes: Uint8Array,
): boolean {
  const bits = shape === "f32x4" ? 32 : 64;
  return lanes.every((lane, i) => {
    const actual = laneAt(bytes, bits, i);
    if ("bits" in lane) return actual === lane.bits;
    return bits === 32 ? f32MatchesNan(Number(actual), lane.nan) : f64MatchesNan(actual, lane.nan);
  });
}

function hex(bits: bigint, width: number): string {
  return "0x" + bits.toString(16).padStart(width / 4, "0");
}

/** A readable rendering of a value for failure reasons, e.g. `f32:0x7fc00000 (NaN)`. */
export function formatValue(value: WastValue): string {
  switch (value.type) {
    case "i32":
      return `i32:${value.value} (${hex(BigInt(value.value >>> 0), 32)})`;
    case "i64":
      return `i64:${value.value} (${hex(BigInt.asUintN(64, value.value), 64)})`;
    case "f32": {
      const float = new Float32Array(new Uint32Array([value.bits]).buffer)[0];
      return `f32:${hex(BigInt(value.bits), 32)} (${float})`;
    }
    case "f64": {
      const float = new Float64Array(new BigUint64Array([value.bits]).buffer)[0];
      return `f64:${hex(value.bits, 64)} (${float})`;
    }
    case "v128":
      return `v128:${[...value.bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
    case "funcref":
      return value.ref === null ? "ref.null func" : "ref.func";
    case "externref":
      return value.ref === null ? "ref.null extern" : `ref.extern ${value.ref}`;
    case "ref":
      return value.ref === null ? `ref.null ${value.heap}` : `ref.${value.heap}`;
  }
}

/** A readable rendering of an expectation. */
export function formatExpected(expected: Expected): string {
  switch (expected.kind) {
    case "value":
      return formatValue(expected.value);
    case "nan":
      return `${expected.type}:nan:${expected.nan}`;
    case "lanes":
      return `v128 ${expected.shape} ${
        expected.lanes.map((lane) => "bits" in lane ? hex(lane.bits, 0) : `nan:${lane.nan}`)
          .join(" ")
      }`;
    case "nonNullRef":
      return expected.type === "funcref" ? "(ref.func)" : "(ref.extern)";
    case "refOf":
      return `(ref.${expected.heap})`;
    case "anyNull":
      return "(ref.null)";
    case "either":
      return `either(${expected.options.map(formatExpected).join(" | ")})`;
  }
}
