/**
 * `Func`: a handle to a Wasm or host function in a store, and the one place that runs a function
 * entity from the API.
 *
 * @module
 */

import { FuncType, type ValType } from "../core/types.ts";
import { SLOT_WORDS } from "../engine/entities.ts";
import type { FuncEntity } from "../engine/entities.ts";
import { WasmError } from "../core/errors.ts";
import { createHostFunc, type HostFuncNew, type HostFuncWrap } from "./host_func.ts";
import { checkStore, type Store, storeInner } from "./store.ts";
import { TypedFunc } from "./typed_func.ts";
import { checkVals, readVal, type Val, writeVal } from "./val.ts";

/** A function type, or anything with the same `params` and `results`. */
export type FuncTypeLike = FuncType | {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
};

/** `type` as a `FuncType` (validating its value types). */
export function toFuncType(type: FuncTypeLike): FuncType {
  return type instanceof FuncType ? type : new FuncType(type.params, type.results);
}

/** Handles by entity: an entity lives in one store, so it alone identifies its handle. */
const handles = new WeakMap<FuncEntity, Func>();
/** Set while `funcHandle` constructs a handle for an existing entity. */
let adopting: FuncEntity | null = null;
let entityOf: (store: Store, func: Func) => FuncEntity;

/**
 * A function in a store: defined in Wasm and exported by an instance, or defined by the host.
 *
 * `new Func(store, type, (caller, params) => results)` defines a host function that takes and
 * returns `Val`s; `Func.wrap` defines one that takes and returns plain JS values.
 *
 * @example A host function, called from the API
 * ```ts
 * import { Engine, Func, FuncType, Store, Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const add = new Func(store, new FuncType(["i32", "i32"], ["i32"]), (_caller, [a, b]) => [
 *   Val.i32((a!.value as number) + (b!.value as number)),
 * ]);
 * assert.equal(add.call(store, [Val.i32(2), Val.i32(3)])[0]!.value, 5);
 * assert.equal(add.ty(store).toString(), "(i32, i32) -> (i32)");
 * ```
 */
export class Func {
  readonly #store: Store;
  readonly #entity: FuncEntity;

  /**
   * Defines a host function whose parameters and results are `Val`s.
   *
   * @param store the store that will own it
   * @param type its signature
   * @param fn called with a `Caller` and the parameters; returns the results (an array of `Val`
   *   matching `type.results`; `undefined` is accepted when there are none)
   */
  constructor(store: Store, type: FuncTypeLike, fn: HostFuncNew<unknown>) {
    this.#store = store;
    if (adopting !== null) {
      // Wrapping an entity that already exists (see `funcHandle`).
      this.#entity = adopting;
      adopting = null;
    } else {
      this.#entity = createHostFunc(store, toFuncType(type), fn, "vals");
      storeInner(store).addFunc(this.#entity);
    }
    handles.set(this.#entity, this);
  }

  /**
   * Defines a host function whose parameters and results are plain JS values: i32/f32/f64 as
   * numbers, i64 as bigints, v128 as `Uint8Array`, funcref as `Func | null`, externref as any
   * value. It returns nothing for no results, the value for one, an array for several.
   *
   * @example
   * ```ts
   * import { Engine, Func, Store } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * const store = new Store(new Engine(), 10);
   * const f = Func.wrap(store, { params: ["i64"], results: ["i64"] }, (caller, x: bigint) =>
   *   x + BigInt(caller.data));
   * assert.equal(f.typed(store).call(store, 5n), 15n);
   * ```
   *
   * @param store the store that will own it
   * @param type its signature
   * @param fn called with a `Caller` and one argument per parameter
   */
  static wrap<T>(store: Store<T>, type: FuncTypeLike, fn: HostFuncWrap<T>): Func {
    const entity = createHostFunc(store, toFuncType(type), fn as HostFuncWrap<unknown>, "plain");
    storeInner(store).addFunc(entity);
    return funcHandle(store, entity);
  }

  /** The function's signature. */
  ty(store: Store): FuncType {
    return entityOf(store, this).type;
  }

  /**
   * Calls the function.
   *
   * @param store the store that owns it
   * @param params one `Val` per parameter, of the parameter's type
   * @returns one `Val` per result
   * @throws {FuncError} when `params` do not match the signature (nothing runs)
   * @throws {Trap} when execution traps; the store stays usable
   */
  call(store: Store, params: readonly Val[] = []): Val[] {
    const entity = entityOf(store, this);
    const type = entity.type;
    checkVals(params, type.params, `parameters of ${type}`);
    const io = new Int32Array(Math.max(type.params.length, type.results.length, 1) * SLOT_WORDS);
    for (let i = 0; i < params.length; i++) writeVal(store, params[i]!, io, i * SLOT_WORDS);
    callEntity(store, entity, io);
    const results = new Array<Val>(type.results.length);
    for (let i = 0; i < results.length; i++) {
      results[i] = readVal(store, type.results[i]!, io, i * SLOT_WORDS);
    }
    return results;
  }

  /**
   * A typed view of this function, called with plain JS values.
   *
   * @param store the store that owns it
   * @param type if given, the signature the caller expects; a different one throws `FuncError`
   */
  typed<P extends readonly unknown[] = unknown[], R = unknown>(
    store: Store,
    type?: FuncTypeLike,
  ): TypedFunc<P, R> {
    return new TypedFunc<P, R>(store, this, type);
  }

  static {
    entityOf = (store, func) => {
      checkStore("Func", func.#store, store);
      return func.#entity;
    };
  }
}

/** The entity behind `func`, after checking that `store` owns it. */
export function funcEntity(store: Store, func: Func): FuncEntity {
  return entityOf(store, func);
}

/** The handle of `entity`, which `store` owns (the same handle every time). */
export function funcHandle(store: Store, entity: FuncEntity): Func {
  const known = handles.get(entity);
  if (known !== undefined) return known;
  adopting = entity;
  return new Func(store, entity.type, () => []);
}

/**
 * Runs `entity` with its parameters in the slots of `io` and leaves its results there. Wasm
 * functions go to the engine; host functions are called directly, with no calling instance.
 */
export function callEntity(store: Store, entity: FuncEntity, io: Int32Array): void {
  if (!entity.isHost) {
    store.engine.execute(storeInner(store), entity, io);
    return;
  }
  const out = entity.invoke(null, io, 0);
  if (out !== undefined) {
    // A host function that returned a Promise cannot finish within a synchronous call.
    out.catch(() => {});
    throw new WasmError("A host function returned a Promise in a synchronous call");
  }
}
