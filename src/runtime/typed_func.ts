/**
 * `TypedFunc`: a function called with plain JS values.
 *
 * @module
 */

import type { FuncType } from "../core/types.ts";
import { type FuncEntity, SLOT_WORDS } from "../engine/entities.ts";
import { FuncError } from "./errors.ts";
import { callEntity, type Func, funcEntity, type FuncTypeLike, toFuncType } from "./func.ts";
import type { Store } from "./store.ts";
import { readJs, writeJs } from "./val.ts";

/**
 * A function called with one plain JS value per parameter (i32/f32/f64: number, i64: bigint or
 * integer number, v128: 16 bytes or bigint, funcref: `Func | null`, externref: any), returning
 * `undefined` for no results, the value for one, an array for several. `P` and `R` only type the
 * call; they are not checked at run time (pass the expected type to `Func.typed` for that).
 *
 * @example
 * ```ts
 * import { Engine, Func, Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const swap = Func.wrap(store, { params: ["i32", "f64"], results: ["f64", "i32"] },
 *   (_caller, a: number, b: number) => [b, a]);
 * const typed = swap.typed<[number, number], [number, number]>(store);
 * assert.deepEqual(typed.call(store, 1, 2.5), [2.5, 1]);
 * ```
 */
export class TypedFunc<P extends readonly unknown[] = unknown[], R = unknown> {
  readonly #func: Func;
  readonly #entity: FuncEntity;
  readonly #type: FuncType;

  /**
   * A typed view of `func` (`func.typed(store)` and `instance.getTypedFunc` make these).
   *
   * @param store the store that owns `func`
   * @param func the function
   * @param expected the signature the caller expects; a different one throws `FuncError`
   */
  constructor(store: Store, func: Func, expected?: FuncTypeLike) {
    this.#func = func;
    this.#entity = funcEntity(store, func);
    this.#type = this.#entity.type;
    if (expected !== undefined && !toFuncType(expected).equals(this.#type)) {
      throw new FuncError(
        `Function type mismatch: expected ${toFuncType(expected)}, got ${this.#type}`,
      );
    }
  }

  /** The underlying function. */
  get func(): Func {
    return this.#func;
  }

  /** The function's signature. */
  ty(store: Store): FuncType {
    funcEntity(store, this.#func);
    return this.#type;
  }

  /**
   * Calls the function.
   *
   * @throws {FuncError} when the arguments do not match the signature (nothing runs)
   * @throws {Trap} when execution traps; the store stays usable
   */
  call(store: Store, ...params: P): R {
    funcEntity(store, this.#func);
    const { params: types, results } = this.#type;
    if (params.length !== types.length) {
      throw new FuncError(
        `Expected ${types.length} arguments for ${this.#type}, got ${params.length}`,
      );
    }
    const io = new Int32Array(Math.max(types.length, results.length, 1) * SLOT_WORDS);
    for (let i = 0; i < types.length; i++) {
      writeJs(store, types[i]!, params[i], io, i * SLOT_WORDS, `argument ${i}`);
    }
    callEntity(store, this.#entity, io);
    if (results.length === 0) return undefined as R;
    if (results.length === 1) return readJs(store, results[0]!, io, 0) as R;
    const out = new Array<unknown>(results.length);
    for (let i = 0; i < out.length; i++) out[i] = readJs(store, results[i]!, io, i * SLOT_WORDS);
    return out as R;
  }
}
