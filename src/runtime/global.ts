/**
 * `Global`: a handle to a global variable in a store.
 *
 * @module
 */

import { GlobalType } from "../core/types.ts";
import { GlobalEntity } from "../engine/entities.ts";
import { GlobalError } from "./errors.ts";
import { checkStore, type Store } from "./store.ts";
import { readVal, Val, writeVal } from "./val.ts";

/** Whether a global can change: wasmi's `Mutability`. */
export type Mutability = "const" | "var";

const handles = new WeakMap<GlobalEntity, Global>();
let adopting: GlobalEntity | null = null;
let entityOf: (store: Store, global: Global) => GlobalEntity;

/**
 * A global variable holding one value.
 *
 * @example A mutable global
 * ```ts
 * import { Engine, Global, Store, Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const g = new Global(store, Val.i64(1n), "var");
 * g.set(store, Val.i64(42n));
 * assert.equal(g.get(store).value, 42n);
 * assert.equal(g.ty(store).toString(), "global (mut i64)");
 * ```
 */
export class Global {
  readonly #store: Store;
  readonly #entity: GlobalEntity;

  /**
   * Creates a global.
   *
   * @param store the store that will own it
   * @param value its initial value (and so its type)
   * @param mutability `"var"` (or `true`) if it can be set, `"const"` (or `false`, the default)
   *   if not
   */
  constructor(store: Store, value: Val, mutability: Mutability | boolean = "const") {
    this.#store = store;
    if (adopting !== null) {
      // Wrapping an entity that already exists (see `globalHandle`).
      this.#entity = adopting;
      adopting = null;
    } else {
      if (!(value instanceof Val)) throw new TypeError("A global's initial value must be a Val");
      const mutable = mutability === true || mutability === "var";
      this.#entity = new GlobalEntity(new GlobalType(value.type, mutable));
      writeVal(store, value, this.#entity.value, 0);
    }
    handles.set(this.#entity, this);
  }

  /** The global's type. */
  ty(store: Store): GlobalType {
    return entityOf(store, this).type;
  }

  /** The current value. */
  get(store: Store): Val {
    const e = entityOf(store, this);
    return readVal(store, e.type.content, e.value, 0);
  }

  /**
   * Sets the value.
   *
   * @throws {GlobalError} when the global is immutable or `value` has another type
   */
  set(store: Store, value: Val): void {
    const e = entityOf(store, this);
    if (!e.type.mutable) throw new GlobalError(`Cannot set an immutable ${e.type}`);
    if (!(value instanceof Val) || value.type !== e.type.content) {
      const got = value instanceof Val ? value.type : String(value);
      throw new GlobalError(`Type mismatch: cannot set a ${e.type} to a ${got}`);
    }
    writeVal(store, value, e.value, 0);
  }

  static {
    entityOf = (store, global) => {
      checkStore("Global", global.#store, store);
      return global.#entity;
    };
  }
}

/** The entity behind `global`, after checking that `store` owns it. */
export function globalEntity(store: Store, global: Global): GlobalEntity {
  return entityOf(store, global);
}

/** The handle of `entity`, which `store` owns (the same handle every time). */
export function globalHandle(store: Store, entity: GlobalEntity): Global {
  const known = handles.get(entity);
  if (known !== undefined) return known;
  adopting = entity;
  return new Global(store, Val.default(entity.type.content));
}
