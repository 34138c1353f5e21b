/**
 * `AnyRef`: a reference of the GC proposal's `any` hierarchy at the API: a struct, an array, an
 * `i31`, or a host value that Wasm converted with `any.convert_extern`.
 *
 * @module
 */

import { GcArray, type GcObject, GcStruct, HostRef } from "../engine/gc.ts";
import { type Store, storeInner } from "./store.ts";
import { StoreMismatchError } from "./errors.ts";

/** What an `AnyRef` refers to. */
export type AnyRefKind = "i31" | "struct" | "array" | "host";

/** The store and object of each object reference (i31s have none). */
const bindings = new WeakMap<AnyRef, { readonly store: Store; readonly obj: GcObject }>();
/** The one `AnyRef` of each object. */
const byObject = new WeakMap<GcObject, AnyRef>();

// Set by `AnyRef`'s static block, which alone reads its private fields.
let anyRefOfImpl: (store: Store, obj: GcObject) => AnyRef;
let anyRefHandleImpl: (store: Store, ref: AnyRef) => number;

/**
 * An opaque reference of the `any` hierarchy (`anyref`, `eqref`, `i31ref`, `structref`,
 * `arrayref` and concrete struct and array types). Wasm hands these out; the host passes them
 * back in (`Val.anyref(ref)`, host function results, globals, tables), and the same object is
 * always the same `AnyRef`, so `===` is Wasm's `ref.eq` on objects. An `i31` is made by the host
 * with `AnyRef.i31` and compares by `i31Value`.
 *
 * @example An i31 reference
 * ```ts
 * import { AnyRef } from "../../mod.ts";
 * const r = AnyRef.i31(-5);
 * if (r.kind !== "i31" || r.i31Value !== -5) throw new Error();
 * // 31 bits: the value wraps like Wasm's `ref.i31`
 * if (AnyRef.i31(2 ** 30).i31Value !== -(2 ** 30)) throw new Error();
 * ```
 */
export class AnyRef {
  /** The i31 handle (odd), or 0 for an object. */
  readonly #i31: number;
  /** What it refers to. */
  readonly kind: AnyRefKind;

  private constructor(i31: number, kind: AnyRefKind) {
    this.#i31 = i31;
    this.kind = kind;
  }

  /**
   * An `i31` reference to `value`'s low 31 bits (as Wasm's `ref.i31` takes them).
   *
   * @param value an integer (ToInt32 first)
   */
  static i31(value: number): AnyRef {
    return new AnyRef(((value | 0) << 1) | 1, "i31");
  }

  /**
   * The value of an `i31` reference, sign-extended (`i31.get_s`).
   *
   * @throws {TypeError} when it is not an `i31`
   */
  get i31Value(): number {
    if (this.#i31 === 0) throw new TypeError(`Not an i31 reference but a ${this.kind}`);
    return this.#i31 >> 1;
  }

  /**
   * A host value as a reference of the `any` hierarchy (what Wasm's `any.convert_extern` makes of
   * an `externref`), in `store`.
   *
   * @example
   * ```ts
   * import { AnyRef, Config, Engine, Store } from "../../mod.ts";
   * const store = new Store(new Engine(new Config({ wasmGc: true })), null);
   * const r = AnyRef.host(store, "hi");
   * if (r.kind !== "host" || r.hostValue !== "hi") throw new Error();
   * ```
   */
  static host(store: Store, value: unknown): AnyRef {
    if (value === null) throw new TypeError("AnyRef.host expects a non-null value");
    return readAnyRef(store, storeInner(store).externHandle(value))!;
  }

  /**
   * The host value of a `host` reference.
   *
   * @throws {TypeError} when it is not a `host` reference
   */
  get hostValue(): unknown {
    const obj = bindings.get(this)?.obj;
    if (!(obj instanceof HostRef)) throw new TypeError(`Not a host reference but a ${this.kind}`);
    return obj.value;
  }

  /** `any:i31:5`, `any:struct`, ... */
  toString(): string {
    return this.#i31 !== 0 ? `any:i31:${this.#i31 >> 1}` : `any:${this.kind}`;
  }

  static {
    anyRefOfImpl = (store, obj) => {
      const known = byObject.get(obj);
      if (known !== undefined) return known;
      const kind = obj instanceof GcStruct ? "struct" : obj instanceof GcArray ? "array" : "host";
      const ref = new AnyRef(0, kind);
      bindings.set(ref, { store, obj });
      byObject.set(obj, ref);
      return ref;
    };
    anyRefHandleImpl = (store, ref) => {
      if (ref.#i31 !== 0) return ref.#i31;
      const binding = bindings.get(ref)!;
      if (binding.store !== store) {
        throw new StoreMismatchError("AnyRef used with a store that does not own it");
      }
      return storeInner(store).gc.handle(binding.obj);
    };
  }
}

/** The API value of the `any`-hierarchy handle `h` of `store` (null for 0). */
export function readAnyRef(store: Store, h: number): AnyRef | null {
  if (h === 0) return null;
  if ((h & 1) !== 0) return AnyRef.i31(h >> 1);
  const obj = storeInner(store).gc.objs[h >>> 1];
  if (obj === null || obj === undefined) throw new Error(`Invalid anyref handle ${h}`);
  return anyRefOfImpl(store, obj);
}

/**
 * The handle of `ref` (null is 0) in `store`.
 *
 * @throws {StoreMismatchError} when an object reference belongs to another store
 */
export function anyRefHandle(store: Store, ref: AnyRef | null): number {
  return ref === null ? 0 : anyRefHandleImpl(store, ref);
}

/**
 * An `externref` handle's host value: a host value as it was passed in, anything else (a GC
 * object or an `i31` that Wasm converted with `extern.convert_any`) as its `AnyRef`.
 */
export function readExternValue(store: Store, h: number): unknown {
  if (h === 0) return null;
  if ((h & 1) === 0) {
    const obj = storeInner(store).gc.objs[h >>> 1];
    if (obj instanceof HostRef) return obj.value;
  }
  return readAnyRef(store, h);
}

/** The handle of a host value as an `externref`: an `AnyRef` is the reference it names. */
export function externValueHandle(store: Store, value: unknown): number {
  return value instanceof AnyRef
    ? anyRefHandle(store, value)
    : storeInner(store).externHandle(value);
}
