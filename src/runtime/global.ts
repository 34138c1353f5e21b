/**
 * `Global`: a handle to a global variable in a store.
 *
 * @module
 */

import { GlobalType } from "../core/types.ts";
import { GlobalEntity } from "../engine/entities.ts";
import { holdsGcRefs } from "../engine/gc.ts";
import { GlobalError } from "./errors.ts";
import { globals } from "./handles.ts";
import { type Store, storeInner } from "./store.ts";
import { readVal, Val, valFits, writeVal } from "./val.ts";
import { valRepr } from "../core/type_registry.ts";

/** Whether a global can change: wasmi's `Mutability`. */
export type Mutability = "const" | "var";

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
  /**
   * Creates a global.
   *
   * @param store the store that will own it
   * @param value its initial value (and so its type)
   * @param mutability `"var"` (or `true`) if it can be set, `"const"` (or `false`, the default)
   *   if not
   */
  constructor(store: Store, value: Val, mutability: Mutability | boolean = "const") {
    if (!(value instanceof Val)) throw new TypeError("A global's initial value must be a Val");
    const mutable = mutability === true || mutability === "var";
    const entity = new GlobalEntity(new GlobalType(value.type, mutable));
    writeVal(store, value, entity.value, 0);
    if (valRepr(value.type) === "exnref") storeInner(store).exnHolders.push(entity);
    if (holdsGcRefs(value.type)) storeInner(store).gc.holders.push(entity);
    globals.bind(this, store, entity);
  }

  /** The global's type. */
  ty(store: Store): GlobalType {
    return globals.entity(store, this).type;
  }

  /** The current value. */
  get(store: Store): Val {
    const e = globals.entity(store, this);
    return readVal(store, e.type.content, e.value, 0);
  }

  /**
   * Sets the value.
   *
   * @throws {GlobalError} when the global is immutable or `value` has another type
   */
  set(store: Store, value: Val): void {
    const e = globals.entity(store, this);
    if (!e.type.mutable) throw new GlobalError(`Cannot set an immutable ${e.type}`);
    if (!(value instanceof Val) || !valFits(value, e.type.content, store)) {
      const got = value instanceof Val ? value.type : String(value);
      throw new GlobalError(`Type mismatch: cannot set a ${e.type} to a ${got}`);
    }
    writeVal(store, value, e.value, 0);
  }
}
globals.define(Global);
