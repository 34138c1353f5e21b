/**
 * `Val`, a typed Wasm value at the API boundary, and every conversion between API values and the
 * engine's 4-word slots (see `src/engine/entities.ts`): `Val` ↔ slot for `Func.call` and host
 * functions written with `Func`/`funcNew`, plain JS value ↔ slot for typed functions and
 * `funcWrap`.
 *
 * Floats are kept as bit patterns so a NaN's payload survives `Val` → slot → memory → slot → `Val`;
 * only `val.value` turns them into JS numbers.
 *
 * @module
 */

import { type FuncType, HeapCode, isValType, refInfo, type ValType } from "../core/types.ts";
import { defaultable, TYPES, valRepr } from "../core/type_registry.ts";
import { exnErrors, exnOfError, NULL_REF } from "../engine/entities.ts";
import { AnyRef, anyRefHandle, externValueHandle, readAnyRef, readExternValue } from "./any_ref.ts";
import { refTest } from "../engine/gc.ts";
import type { WasmException } from "./exception.ts";
import type { Func } from "./func.ts";
import { funcs } from "./handles.ts";
import { FuncError } from "./errors.ts";
import { type Store, storeInner } from "./store.ts";

// Scratch views for moving between JS numbers and float bit patterns.
const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const F64_WORDS = new Int32Array(F64.buffer);

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function bytesOfWords(words: Int32Array, w: number): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset + w * 4, 16);
}

function v128FromBigInt(v: bigint): Uint8Array {
  const bytes = new Uint8Array(16);
  let x = BigInt.asUintN(128, v);
  for (let i = 0; i < 16; i++) {
    bytes[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return bytes;
}

function hex(n: number | bigint, digits: number): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
}

/** Internal constructor payload; `a`/`b` are the low/high words of numeric values. */
interface Payload {
  a: number;
  b: number;
  ref: unknown;
}

let writeValImpl: (store: Store, val: Val, words: Int32Array, w: number) => void;
let readValImpl: (store: Store, type: ValType, words: Int32Array, w: number) => Val;

/**
 * A Wasm value and its type: i32 as a signed number, i64 as a signed bigint, f32/f64 as bit
 * patterns with number accessors, v128 as 16 bytes, funcref as `Func | null`, externref as any
 * JS value or `null`, exnref as a `WasmException` or `null`.
 *
 * @example Values and their bits
 * ```ts
 * import { Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(Val.i32(0xffff_ffff).value, -1);
 * assert.equal(Val.i64(-1n).bits, 0xffff_ffff_ffff_ffffn);
 * const nan = Val.f32Bits(0x7fa0_0001);
 * assert.ok(Number.isNaN(nan.value));
 * assert.equal(nan.bits, 0x7fa0_0001);
 * assert.equal(Val.f64(1.5).toString(), "f64:1.5");
 * ```
 */
export class Val {
  /** The value's type. */
  readonly type: ValType;
  readonly #a: number;
  readonly #b: number;
  readonly #ref: unknown;

  private constructor(type: ValType, payload: Payload) {
    this.type = type;
    this.#a = payload.a;
    this.#b = payload.b;
    this.#ref = payload.ref;
  }

  /**
   * An i32; `n` is wrapped to 32 bits (ToInt32) and stored signed.
   *
   * @param n an integer (fractions are truncated, as JS's `| 0`)
   */
  static i32(n: number): Val {
    if (typeof n !== "number") throw new TypeError(`Val.i32 expects a number, got ${typeof n}`);
    return new Val("i32", { a: n | 0, b: 0, ref: null });
  }

  /**
   * An i64; `v` is wrapped to 64 bits and stored signed.
   *
   * @param v a bigint, or an integer number
   */
  static i64(v: bigint | number): Val {
    const big = toBigInt64(v, "Val.i64");
    return new Val("i64", {
      a: Number(BigInt.asIntN(32, big)),
      b: Number(BigInt.asIntN(32, big >> 32n)),
      ref: null,
    });
  }

  /**
   * An f32 from a number.
   *
   * @param n the value, rounded to f32
   */
  static f32(n: number): Val {
    if (typeof n !== "number") throw new TypeError(`Val.f32 expects a number, got ${typeof n}`);
    F32[0] = n;
    return new Val("f32", { a: F32_BITS[0]! | 0, b: 0, ref: null });
  }

  /**
   * An f64 from a number.
   *
   * @param n the value
   */
  static f64(n: number): Val {
    if (typeof n !== "number") throw new TypeError(`Val.f64 expects a number, got ${typeof n}`);
    F64[0] = n;
    return new Val("f64", { a: F64_WORDS[0]!, b: F64_WORDS[1]!, ref: null });
  }

  /**
   * An f32 from its bit pattern (any NaN payload is kept).
   *
   * @param bits the f32's bit pattern (wrapped to 32 bits)
   */
  static f32Bits(bits: number): Val {
    return new Val("f32", { a: bits | 0, b: 0, ref: null });
  }

  /**
   * An f64 from its bit pattern (any NaN payload is kept).
   *
   * @param bits the f64's bit pattern (wrapped to 64 bits)
   */
  static f64Bits(bits: bigint): Val {
    const big = BigInt.asUintN(64, bits);
    return new Val("f64", {
      a: Number(BigInt.asIntN(32, big)),
      b: Number(BigInt.asIntN(32, big >> 32n)),
      ref: null,
    });
  }

  /**
   * A v128.
   *
   * @param v 16 bytes (little endian lanes, copied), or a bigint wrapped to 128 bits
   */
  static v128(v: Uint8Array | bigint): Val {
    let bytes: Uint8Array;
    if (typeof v === "bigint") bytes = v128FromBigInt(v);
    else if (v instanceof Uint8Array && v.length === 16) bytes = v.slice();
    else throw new TypeError("Val.v128 expects a bigint or a Uint8Array of 16 bytes");
    return new Val("v128", { a: 0, b: 0, ref: bytes });
  }

  /**
   * A function reference.
   *
   * @param func a function, or `null`
   */
  static funcref(func: Func | null): Val {
    if (func !== null && !funcs.is(func)) {
      throw new TypeError("Val.funcref expects a Func or null");
    }
    return new Val("funcref", { a: 0, b: 0, ref: func });
  }

  /**
   * An external reference to a host value.
   *
   * @param value any JS value; `null` is the null reference
   */
  static externref(value: unknown): Val {
    return new Val("externref", { a: 0, b: 0, ref: value });
  }

  /**
   * An exception reference (exception handling): a `WasmException`, as a Wasm exception
   * escapes a call or a host function creates one, or `null`.
   *
   * @param exn the exception, or `null`
   */
  static exnref(exn: WasmException | null): Val {
    if (exn !== null && exnOfError(exn) === undefined) {
      throw new TypeError("Val.exnref expects a WasmException or null");
    }
    return new Val("exnref", { a: 0, b: 0, ref: exn });
  }

  /**
   * A reference of the GC proposal's `any` hierarchy: a struct, array or i31 (`AnyRef`), or
   * `null`.
   *
   * @example An i31 as an anyref
   * ```ts
   * import { AnyRef, Val } from "../../mod.ts";
   * const v = Val.anyref(AnyRef.i31(7));
   * if (v.type !== "anyref" || (v.value as AnyRef).i31Value !== 7) throw new Error();
   * ```
   */
  static anyref(ref: AnyRef | null): Val {
    return Val.#gcRef("anyref", ref, null);
  }

  /**
   * An `eqref` (GC): a struct, array or i31 (`AnyRef`, not a converted host value), or `null`.
   *
   * @example
   * ```ts
   * import { AnyRef, Val } from "../../mod.ts";
   * if (Val.eqref(AnyRef.i31(1)).type !== "eqref") throw new Error();
   * ```
   */
  static eqref(ref: AnyRef | null): Val {
    return Val.#gcRef("eqref", ref, ["i31", "struct", "array"]);
  }

  /**
   * An `i31ref` (GC): an i31 (an `AnyRef`, or a number whose low 31 bits it takes), or `null`.
   *
   * @example
   * ```ts
   * import { type AnyRef, Val } from "../../mod.ts";
   * if ((Val.i31ref(-3).value as AnyRef).i31Value !== -3) throw new Error();
   * ```
   */
  static i31ref(ref: AnyRef | number | null): Val {
    return Val.#gcRef("i31ref", typeof ref === "number" ? AnyRef.i31(ref) : ref, ["i31"]);
  }

  /**
   * A `structref` (GC): a struct `AnyRef` (Wasm made it), or `null`.
   *
   * @example
   * ```ts
   * import { Val } from "../../mod.ts";
   * if (Val.structref(null).value !== null) throw new Error();
   * ```
   */
  static structref(ref: AnyRef | null): Val {
    return Val.#gcRef("structref", ref, ["struct"]);
  }

  /**
   * An `arrayref` (GC): an array `AnyRef` (Wasm made it), or `null`.
   *
   * @example
   * ```ts
   * import { Val } from "../../mod.ts";
   * if (Val.arrayref(null).type !== "arrayref") throw new Error();
   * ```
   */
  static arrayref(ref: AnyRef | null): Val {
    return Val.#gcRef("arrayref", ref, ["array"]);
  }

  static #gcRef(type: ValType, ref: AnyRef | null, kinds: readonly string[] | null): Val {
    if (ref !== null && !(ref instanceof AnyRef)) {
      throw new TypeError(`Val.${type} expects an AnyRef or null`);
    }
    if (ref !== null && kinds !== null && !kinds.includes(ref.kind)) {
      throw new TypeError(`Val.${type} cannot hold a ${ref.kind} reference`);
    }
    return new Val(type, { a: 0, b: 0, ref });
  }

  /** The zero value of `type`: 0 for numbers, all-zero bytes for v128, null for references. */
  static default(type: ValType): Val {
    if (!isValType(type)) throw new TypeError(`Not a value type: ${String(type)}`);
    if (type === "v128") return Val.v128(0n);
    if (!defaultable(type)) throw new TypeError(`A ${type} has no default value`);
    return new Val(type, { a: 0, b: 0, ref: null });
  }

  /**
   * The value as JS sees it: i32 → number, i64 → bigint, f32/f64 → number (a NaN loses its
   * payload here; use `bits`), v128 → a fresh `Uint8Array`, funcref → `Func | null`, externref →
   * the host value.
   */
  get value(): unknown {
    switch (this.type) {
      case "i32":
        return this.#a;
      case "i64":
        return BigInt.asIntN(64, u64(this.#a, this.#b));
      case "f32":
        F32_BITS[0] = this.#a;
        return F32[0]!;
      case "f64":
        F64_WORDS[0] = this.#a;
        F64_WORDS[1] = this.#b;
        return F64[0]!;
      case "v128":
        return (this.#ref as Uint8Array).slice();
      default:
        return this.#ref;
    }
  }

  /**
   * The bit pattern: i32/f32 → unsigned 32-bit number, i64/f64 → unsigned 64-bit bigint, v128 →
   * unsigned 128-bit bigint.
   *
   * @throws {TypeError} for references, which have no bits
   */
  get bits(): number | bigint {
    switch (this.type) {
      case "i32":
      case "f32":
        return this.#a >>> 0;
      case "i64":
      case "f64":
        return u64(this.#a, this.#b);
      case "v128": {
        const bytes = this.#ref as Uint8Array;
        let x = 0n;
        for (let i = 15; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
        return x;
      }
    }
    throw new TypeError(`A ${this.type} has no bit pattern`);
  }

  /** Same type and same bits (references: same object). */
  equals(other: Val): boolean {
    if (this.type !== other.type) return false;
    if (this.type === "v128") {
      const x = this.#ref as Uint8Array, y = other.#ref as Uint8Array;
      return x.every((b, i) => b === y[i]);
    }
    return this.#a === other.#a && this.#b === other.#b && this.#ref === other.#ref;
  }

  /** `i32:-1`, `f32:nan:0x7fa00001`, `v128:0x…`, `funcref:null`. */
  toString(): string {
    switch (valRepr(this.type)) {
      case "i32":
      case "i64":
        return `${this.type}:${this.value}`;
      case "f32":
      case "f64": {
        const n = this.value as number;
        if (!Number.isNaN(n)) return `${this.type}:${Object.is(n, -0) ? "-0" : n}`;
        return `${this.type}:nan:${hex(this.bits, this.type === "f32" ? 8 : 16)}`;
      }
      case "v128":
        return `v128:${hex(this.bits, 32)}`;
      case "funcref":
        return `${this.type}:${this.#ref === null ? "null" : "func"}`;
      case "exnref":
        return `${this.type}:${this.#ref === null ? "null" : "exn"}`;
      case "anyref":
        return `${this.type}:${this.#ref === null ? "null" : String(this.#ref)}`;
      default:
        return `externref:${this.#ref === null ? "null" : String(this.#ref)}`;
    }
  }

  static {
    writeValImpl = (store, val, words, w) => {
      switch (valRepr(val.type)) {
        case "i32":
        case "f32":
          words[w] = val.#a;
          return;
        case "i64":
        case "f64":
          words[w] = val.#a;
          words[w + 1] = val.#b;
          return;
        case "v128":
          bytesOfWords(words, w).set(val.#ref as Uint8Array);
          return;
        case "funcref":
          words[w] = val.#ref === null ? NULL_REF : funcs.entity(store, val.#ref as Func).id;
          return;
        case "externref":
          words[w] = externValueHandle(store, val.#ref);
          return;
        case "exnref":
          words[w] = exnHandle(store, val.#ref);
          return;
        case "anyref":
          words[w] = anyRefHandle(store, val.#ref as AnyRef | null);
          return;
      }
    };
    readValImpl = (store, type, words, w) => {
      switch (valRepr(type)) {
        case "i32":
        case "f32":
          return new Val(type, { a: words[w]!, b: 0, ref: null });
        case "i64":
        case "f64":
          return new Val(type, { a: words[w]!, b: words[w + 1]!, ref: null });
        case "v128":
          return new Val(type, { a: 0, b: 0, ref: bytesOfWords(words, w).slice() });
        case "funcref":
          return new Val(type, { a: 0, b: 0, ref: readFuncRef(store, words[w]!) });
        case "externref":
          return new Val(type, { a: 0, b: 0, ref: readExternRef(store, words[w]!) });
        case "exnref":
          return new Val(type, { a: 0, b: 0, ref: readExnRef(store, words[w]!) });
        case "anyref":
          return new Val(type, { a: 0, b: 0, ref: readAnyRef(store, words[w]!) });
      }
    };
  }
}

function toBigInt64(v: unknown, what: string): bigint {
  if (typeof v === "bigint") return BigInt.asIntN(64, v);
  if (typeof v === "number" && Number.isInteger(v)) return BigInt.asIntN(64, BigInt(v));
  throw new TypeError(`${what} expects a bigint or an integer number, got ${describe(v)}`);
}

function readFuncRef(store: Store, id: number): Func | null {
  if (id === NULL_REF) return null;
  const entity = storeInner(store).funcs[id];
  if (!entity) throw new Error(`Invalid funcref handle ${id}`);
  return funcs.handle(store, entity);
}

function readExternRef(store: Store, id: number): unknown {
  if (id === NULL_REF) return null;
  return readExternValue(store, id);
}

/** The handle of an exnref's value: null, or an error that carries an exception. */
function exnHandle(store: Store, value: unknown): number {
  return value === null ? NULL_REF : storeInner(store).exnHandle(exnOfError(value)!);
}

function readExnRef(store: Store, id: number): WasmException | null {
  if (id === NULL_REF) return null;
  const exn = storeInner(store).exns[id];
  if (!exn) throw new Error(`Invalid exnref handle ${id}`);
  // The runtime's `WasmException` makes these (see `exnErrors`).
  return exnErrors.make(exn) as WasmException;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "object" || typeof v === "function") return v.constructor?.name ?? typeof v;
  return String(v);
}

/**
 * Writes `val` into the slot at word `w` of `words`. The caller has checked its type; a funcref
 * must belong to `store` (else `StoreMismatchError`).
 */
export function writeVal(store: Store, val: Val, words: Int32Array, w: number): void {
  writeValImpl(store, val, words, w);
}

/** Reads the slot at word `w` of `words` as a `Val` of `type`. */
export function readVal(store: Store, type: ValType, words: Int32Array, w: number): Val {
  return readValImpl(store, type, words, w);
}

/**
 * Writes the plain JS value `value` as a `type` into the slot at word `w`: i32 from a number
 * (ToInt32), i64 from a bigint or (unless `strict`) an integer number, f32/f64 from a number,
 * v128 from 16 bytes or a bigint, funcref from `Func | null`, externref from anything.
 *
 * @param what names the value in the error message, e.g. `"parameter 0"`
 * @param strict an i64 must be a bigint (host function results, as wasmi's typed host
 *   functions have them)
 * @throws {FuncError} when `value` cannot be a `type`
 */
export function writeJs(
  store: Store,
  type: ValType,
  value: unknown,
  words: Int32Array,
  w: number,
  what: string,
  strict = false,
): void {
  switch (type) {
    case "i32":
      if (typeof value !== "number") break;
      words[w] = value | 0;
      return;
    case "i64": {
      let big: bigint;
      if (typeof value === "bigint") big = value;
      else if (!strict && typeof value === "number" && Number.isInteger(value)) {
        big = BigInt(value);
      } else break;
      words[w] = Number(BigInt.asIntN(32, big));
      words[w + 1] = Number(BigInt.asIntN(32, big >> 32n));
      return;
    }
    case "f32":
      if (typeof value !== "number") break;
      F32[0] = value;
      words[w] = F32_BITS[0]! | 0;
      return;
    case "f64":
      if (typeof value !== "number") break;
      F64[0] = value;
      words[w] = F64_WORDS[0]!;
      words[w + 1] = F64_WORDS[1]!;
      return;
    case "v128":
      if (typeof value === "bigint") {
        bytesOfWords(words, w).set(v128FromBigInt(value));
        return;
      }
      if (!(value instanceof Uint8Array) || value.length !== 16) break;
      bytesOfWords(words, w).set(value);
      return;
    case "funcref":
      if (value === null) {
        words[w] = NULL_REF;
        return;
      }
      if (!funcs.is(value)) break;
      words[w] = funcs.entity(store, value).id;
      return;
    case "externref":
      words[w] = externValueHandle(store, value);
      return;
    case "exnref":
      if (value !== null && exnOfError(value) === undefined) break;
      words[w] = exnHandle(store, value);
      return;
    case "anyref": {
      if (value !== null && !(value instanceof AnyRef)) break;
      const h = anyRefHandle(store, value);
      // The host is not type checked statically: a reference must be in the declared type.
      const info = refInfo(type)!;
      if (!refTest(storeInner(store), h, info.heap, info.nullable ? 1 : 0)) break;
      words[w] = h;
      return;
    }
  }
  throw new FuncError(`Type mismatch: ${what} must be a ${type}, got ${describe(value)}`);
}

/**
 * Reads the slot at word `w` as a plain JS value of `type` (see `writeJs`; i64 comes out as a
 * bigint, v128 as a fresh `Uint8Array`).
 */
export function readJs(store: Store, type: ValType, words: Int32Array, w: number): unknown {
  switch (valRepr(type)) {
    case "i32":
      return words[w]!;
    case "i64":
      return BigInt.asIntN(64, u64(words[w]!, words[w + 1]!));
    case "f32":
      F32_BITS[0] = words[w]!;
      return F32[0]!;
    case "f64":
      F64_WORDS[0] = words[w]!;
      F64_WORDS[1] = words[w + 1]!;
      return F64[0]!;
    case "v128":
      return bytesOfWords(words, w).slice();
    case "funcref":
      return readFuncRef(store, words[w]!);
    case "externref":
      return readExternRef(store, words[w]!);
    case "exnref":
      return readExnRef(store, words[w]!);
    case "anyref":
      return readAnyRef(store, words[w]!);
  }
}

/**
 * Checks that `vals` fit `types` (count and each type).
 *
 * @param what what the values are, e.g. `"parameters of (i32) -> ()"`
 * @param store the store a function reference belongs to (needed for typed function references)
 * @param of a signature appended to `what` in the message (`"parameters of"` and a `FuncType`):
 *   built only when the check fails, since a message built per `Func.call` (a template string
 *   formatting the type) was a fifth of its CPU profile (`ArrayPrototypeJoin`, `StringAdd`)
 * @throws {FuncError} naming the first mismatch
 */
export function checkVals(
  vals: readonly Val[],
  types: readonly ValType[],
  what: string,
  store?: Store,
  of?: FuncType,
): void {
  if (!Array.isArray(vals)) throw new FuncError(`Expected an array of Val as ${named(what, of)}`);
  if (vals.length !== types.length) {
    throw new FuncError(`Expected ${types.length} ${named(what, of)}, got ${vals.length}`);
  }
  for (let i = 0; i < types.length; i++) {
    const v = vals[i];
    if (!(v instanceof Val)) {
      throw new FuncError(
        `Type mismatch in ${named(what, of)}: value ${i} is not a Val (${describe(v)})`,
      );
    }
    if (v.type !== types[i] && !valFits(v, types[i]!, store)) {
      throw new FuncError(
        `Type mismatch in ${named(what, of)}: value ${i} is ${v.type}, expected ${types[i]}`,
      );
    }
  }
}

/** `what`, followed by the signature `of` when there is one (see `checkVals`). */
function named(what: string, of: FuncType | undefined): string {
  return of === undefined ? what : `${what} ${of}`;
}

/**
 * Whether `v` is a value of type `t`: its type is a subtype of `t`, or it is a function
 * reference whose function's type is (a `Func` is a `(ref $t)` when its type matches `$t`),
 * or a null whose type shares `t`'s hierarchy when `t` is nullable.
 *
 * @param store the store of a function reference (without it only the static type counts)
 */
export function valFits(v: Val, t: ValType, store?: Store): boolean {
  if (v.type === t || TYPES.valSub(v.type, t)) return true;
  const want = refInfo(t);
  if (want === null || refInfo(v.type) === null) return false;
  if (TYPES.topOf(want.heap) !== TYPES.topOf(refInfo(v.type)!.heap)) return false;
  const ref = v.value;
  if (ref === null) return want.nullable;
  // A non-null value of the hierarchy's top type: an `externref` value is a `(ref extern)`.
  if (want.heap === HeapCode.Extern || want.heap === HeapCode.Exn) return true;
  if (ref instanceof AnyRef && store !== undefined) {
    // An object's or i31's own type decides, as `ref.test` would.
    return refTest(storeInner(store), anyRefHandle(store, ref), want.heap, 0);
  }
  if (valRepr(t) !== "funcref" || !funcs.is(ref)) return false;
  if (want.heap === HeapCode.Func) return true;
  return store !== undefined && TYPES.heapSub(funcs.entity(store, ref as Func).typeId, want.heap);
}
