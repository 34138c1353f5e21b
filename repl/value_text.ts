/**
 * Wasm values as the REPL reads and prints them, driven by the expected type: `42 : i32`,
 * `-0x10` for an i64, `nan:0x200000` for an f32, `i32x4 1 2 3 4` for a v128, `null` or a handle
 * `#3` for references.
 *
 * @module
 */

import { valRepr } from "../src/core/type_registry.ts";
import { AnyRef, type Func, Val, type ValType } from "../mod.ts";
import { formatF32Bits, formatF64Bits, parseF32Bits, parseF64Bits } from "./float_text.ts";
import type { RefHandles } from "./ref_handles.ts";
import { ReplError } from "./repl_error.ts";

/** What parsing references needs from the session. */
export interface ValueContext {
  /** Handles of references printed earlier. */
  readonly refs: RefHandles;
  /** An exported function named `name` or `$inst.name`, if there is one. */
  findFunc(name: string): Func | undefined;
}

/** The lane shapes a v128 literal may be written in, with lane count and lane parser. */
const V128_SHAPES: Record<
  string,
  { lanes: number; write: (v: DataView, i: number, t: string) => boolean }
> = {
  i8x16: { lanes: 16, write: (v, i, t) => writeInt(t, 8, (n) => v.setUint8(i, Number(n))) },
  i16x8: {
    lanes: 8,
    write: (v, i, t) => writeInt(t, 16, (n) => v.setUint16(i * 2, Number(n), true)),
  },
  i32x4: {
    lanes: 4,
    write: (v, i, t) => writeInt(t, 32, (n) => v.setUint32(i * 4, Number(n), true)),
  },
  i64x2: { lanes: 2, write: (v, i, t) => writeInt(t, 64, (n) => v.setBigUint64(i * 8, n, true)) },
  f32x4: {
    lanes: 4,
    write: (v, i, t) => writeBits(parseF32Bits(t), (b) => v.setUint32(i * 4, b, true)),
  },
  f64x2: {
    lanes: 2,
    write: (v, i, t) => writeBits(parseF64Bits(t), (b) => v.setBigUint64(i * 8, b, true)),
  },
};

function writeInt(text: string, bits: number, set: (n: bigint) => void): boolean {
  const n = parseInteger(text, bits);
  if (n === null) return false;
  set(BigInt.asUintN(bits, n));
  return true;
}

function writeBits<T>(bits: T | null, set: (b: T) => void): boolean {
  if (bits === null) return false;
  set(bits);
  return true;
}

/**
 * Parses an integer literal (decimal or `0x` hex, optional sign, `_` separators) that fits in
 * `bits` bits as either a signed or an unsigned number; returns it, or `null`.
 */
export function parseInteger(text: string, bits: number): bigint | null {
  const m = /^([+-]?)(0x[0-9a-f]+(?:_?[0-9a-f]+)*|\d+(?:_?\d+)*)$/i.exec(text);
  if (!m) return null;
  const magnitude = BigInt(m[2]!.replaceAll("_", ""));
  const n = m[1] === "-" ? -magnitude : magnitude;
  const width = BigInt(bits);
  if (n < -(1n << (width - 1n)) || n >= 1n << width) return null;
  return n;
}

/**
 * Reads one value of type `type` from `tokens` starting at `at`.
 *
 * @returns the value and how many tokens it used (a v128 in lane form uses several)
 * @throws ReplError when the tokens are not a value of that type
 */
export function parseValue(
  type: ValType,
  tokens: readonly string[],
  at: number,
  ctx: ValueContext,
): { value: Val; used: number } {
  const text = tokens[at];
  if (text === undefined) throw new ReplError(`Expected a ${type} value`);
  const bad = (hint: string) => new ReplError(`Expected ${hint}, got '${text}'`);
  switch (valRepr(type)) {
    case "i32": {
      const n = parseInteger(text, 32);
      if (n === null) throw bad("an i32 (decimal or 0x hex, -2^31 to 2^32-1)");
      return { value: Val.i32(Number(BigInt.asIntN(32, n))), used: 1 };
    }
    case "i64": {
      const n = parseInteger(text, 64);
      if (n === null) throw bad("an i64 (decimal or 0x hex, -2^63 to 2^64-1)");
      return { value: Val.i64(BigInt.asIntN(64, n)), used: 1 };
    }
    case "f32": {
      const bits = parseF32Bits(text);
      if (bits === null) throw bad("an f32 (like 1.5, -0, 0x1p-3, inf, nan, nan:0x200000)");
      return { value: Val.f32Bits(bits), used: 1 };
    }
    case "f64": {
      const bits = parseF64Bits(text);
      if (bits === null) throw bad("an f64 (like 1.5, -0, 0x1p-3, inf, nan, nan:0x8000000000000)");
      return { value: Val.f64Bits(bits), used: 1 };
    }
    case "v128":
      return parseV128(tokens, at);
    case "funcref":
      return { value: Val.funcref(parseFuncRef(text, ctx)), used: 1 };
    case "externref":
      return { value: Val.externref(parseExternRef(text, ctx)), used: 1 };
    case "exnref":
      if (text === "null") return { value: Val.exnref(null), used: 1 };
      throw bad("null (an exnref argument can only be null)");
    case "anyref": {
      // null, a handle a result printed (`#3`), or `i31:N`
      if (text === "null") return { value: Val.anyref(null), used: 1 };
      const i31 = /^i31:(-?\d+)$/.exec(text);
      if (i31 !== null) return { value: Val.anyref(AnyRef.i31(Number(i31[1]))), used: 1 };
      const ref = parseHandle(text, ctx);
      if (ref instanceof AnyRef) return { value: Val.anyref(ref), used: 1 };
      throw bad("null, i31:N or a handle like #1 of a struct or array");
    }
  }
}

/**
 * Parses every token of `tokens` as the values `types` lists, checking the count.
 *
 * @param what names the callee in error messages, e.g. `"fib"`
 */
export function parseValues(
  types: readonly ValType[],
  tokens: readonly string[],
  ctx: ValueContext,
  what: string,
): Val[] {
  const values: Val[] = [];
  let at = 0;
  for (const [i, type] of types.entries()) {
    if (at >= tokens.length) throw countError(types, tokens.length, what);
    try {
      const { value, used } = parseValue(type, tokens, at, ctx);
      values.push(value);
      at += used;
    } catch (e) {
      if (!(e instanceof ReplError)) throw e;
      throw new ReplError(`Argument ${i + 1} of ${what}: ${e.message}`);
    }
  }
  if (at < tokens.length) throw countError(types, tokens.length, what);
  return values;
}

function countError(types: readonly ValType[], got: number, what: string): ReplError {
  const n = types.length;
  const list = n === 0 ? "" : ` (${types.join(", ")})`;
  return new ReplError(`${what} expects ${n} argument${n === 1 ? "" : "s"}${list}, got ${got}`);
}

function parseV128(tokens: readonly string[], at: number): { value: Val; used: number } {
  const first = tokens[at]!;
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  const shape = V128_SHAPES[first];
  if (shape) {
    for (let i = 0; i < shape.lanes; i++) {
      const lane = tokens[at + 1 + i];
      if (lane === undefined) {
        throw new ReplError(`Expected ${shape.lanes} lanes after '${first}', got ${i}`);
      }
      if (!shape.write(view, i, lane)) {
        throw new ReplError(`Lane ${i} of ${first}: '${lane}' is not a valid lane value`);
      }
    }
    return { value: Val.v128(bytes), used: 1 + shape.lanes };
  }
  const m = /^0x([0-9a-f]{1,32})$/i.exec(first.replaceAll("_", ""));
  if (!m) {
    throw new ReplError(
      `Expected a v128 (a shape like 'i32x4 1 2 3 4' or 0x followed by up to 32 hex digits), got '${first}'`,
    );
  }
  // A single hex number is the whole 128-bit value, stored little endian.
  let n = BigInt("0x" + m[1]);
  for (let i = 0; i < 16; i++, n >>= 8n) bytes[i] = Number(n & 0xffn);
  return { value: Val.v128(bytes), used: 1 };
}

function parseHandle(text: string, ctx: ValueContext): unknown | undefined {
  const m = /^#(\d+)$/.exec(text);
  if (!m) return undefined;
  const id = Number(m[1]);
  if (!ctx.refs.has(id)) throw new ReplError(`No reference has the handle ${text}`);
  return ctx.refs.get(id);
}

function parseFuncRef(text: string, ctx: ValueContext): Func | null {
  if (text === "null") return null;
  const byHandle = parseHandle(text, ctx);
  if (byHandle !== undefined) {
    // Only functions ever get a handle through a funcref result, but externrefs share numbering.
    const f = byHandle as Func;
    return f;
  }
  const f = ctx.findFunc(text);
  if (!f) {
    throw new ReplError(`Expected a funcref (null, a handle like #1, or an export), got '${text}'`);
  }
  return f;
}

function parseExternRef(text: string, ctx: ValueContext): unknown {
  if (text === "null") return null;
  const byHandle = parseHandle(text, ctx);
  if (byHandle !== undefined) return byHandle;
  const n = parseInteger(text, 64);
  if (n !== null) return Number(n);
  if (/^".*"$/.test(text)) return JSON.parse(text);
  throw new ReplError(
    `Expected an externref (null, a number, a "string" or a handle like #1), got '${text}'`,
  );
}

/** Prints a value without its type: `42`, `-0`, `nan:0x1`, `i32x4 0x... `, `null`, `#2`. */
export function formatValue(value: Val, refs: RefHandles): string {
  switch (valRepr(value.type)) {
    case "i32":
    case "i64":
      return String(value.value);
    case "f32":
      return formatF32Bits(Number(value.bits));
    case "f64":
      return formatF64Bits(BigInt(value.bits as bigint));
    case "v128":
      return formatV128(value.value as Uint8Array);
    case "funcref":
      return value.value === null ? "null" : `#${refs.handleOf(value.value)}`;
    case "externref":
      return formatExtern(value.value, refs);
    case "exnref":
      return value.value === null ? "null" : "exception";
    case "anyref": {
      const ref = value.value as AnyRef | null;
      if (ref === null) return "null";
      return ref.kind === "i31" ? `i31:${ref.i31Value}` : `#${refs.handleOf(ref)}`;
    }
  }
}

/** Prints a value with its type: `42 : i32`. */
export function formatTyped(value: Val, refs: RefHandles): string {
  return `${formatValue(value, refs)} : ${value.type}`;
}

function formatV128(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const lanes = [0, 1, 2, 3].map((i) =>
    "0x" + view.getUint32(i * 4, true).toString(16).padStart(8, "0")
  );
  return `i32x4 ${lanes.join(" ")}`;
}

function formatExtern(x: unknown, refs: RefHandles): string {
  if (x === null || x === undefined) return "null";
  if (typeof x === "number" && Number.isSafeInteger(x)) return String(x);
  if (typeof x === "string") return JSON.stringify(x);
  return `#${refs.handleOf(x)}`;
}
