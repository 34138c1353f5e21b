/**
 * `Instance`: a handle to an instantiated module in a store.
 *
 * @module
 */

import type { InstanceEntity } from "../engine/entities.ts";
import { FuncError } from "./errors.ts";
import { type ExportItem, type Extern, externHandle } from "./extern.ts";
import { Func, type FuncTypeLike } from "./func.ts";
import { Global } from "./global.ts";
import { instantiateModule } from "./instantiate.ts";
import { Memory } from "./memory.ts";
import type { Module } from "./module.ts";
import { checkStore, type Store } from "./store.ts";
import { Table } from "./table.ts";
import type { TypedFunc } from "./typed_func.ts";

let adopting: InstanceEntity | null = null;
let entityOf: (store: Store, instance: Instance) => InstanceEntity;

/**
 * An instance of a module: its functions, tables, memories and globals, reached through its
 * exports.
 *
 * @example Instantiating without a linker
 * ```ts
 * import { Engine, Global, Instance, Module, Store, Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 * const wat = `(module (import "env" "g" (global i32)) (global (export "h") i32 (global.get 0)))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const engine = new Engine();
 * const store = new Store(engine, null);
 * const g = new Global(store, Val.i32(7));
 * const instance = new Instance(store, new Module(engine, bytes), [g]);
 * assert.equal(instance.getGlobal(store, "h")!.get(store).value, 7);
 * assert.deepEqual(instance.exports(store).map((e) => e.name), ["h"]);
 * ```
 */
export class Instance {
  readonly #store: Store;
  readonly #entity: InstanceEntity;

  /**
   * Instantiates `module` with one extern per import, in the module's import order, and runs its
   * start function. A `Linker` resolves imports by name instead.
   *
   * @throws {LinkError} when an import is missing or has the wrong type
   * @throws {Trap} when a segment is out of bounds or the start function traps
   */
  constructor(store: Store, module: Module, imports: readonly Extern[]) {
    this.#store = store;
    if (adopting !== null) {
      this.#entity = adopting;
      adopting = null;
    } else {
      this.#entity = instantiateModule(store, module, imports);
    }
  }

  /** The export `name`, or `undefined`. */
  getExport(store: Store, name: string): Extern | undefined {
    const entity = entityOf(store, this).exports.get(name);
    return entity === undefined ? undefined : externHandle(store, entity);
  }

  /** The exported function `name`, or `undefined` (also when `name` is not a function). */
  getFunc(store: Store, name: string): Func | undefined {
    const e = this.getExport(store, name);
    return e instanceof Func ? e : undefined;
  }

  /**
   * The exported function `name` as a `TypedFunc`.
   *
   * @param type if given, the signature the caller expects
   * @throws {FuncError} when there is no such function, or its type is not `type`
   */
  getTypedFunc<P extends readonly unknown[] = unknown[], R = unknown>(
    store: Store,
    name: string,
    type?: FuncTypeLike,
  ): TypedFunc<P, R> {
    const func = this.getFunc(store, name);
    if (func === undefined) {
      throw new FuncError(`No exported function named ${JSON.stringify(name)}`);
    }
    return func.typed<P, R>(store, type);
  }

  /** The exported memory `name`, or `undefined`. */
  getMemory(store: Store, name: string): Memory | undefined {
    const e = this.getExport(store, name);
    return e instanceof Memory ? e : undefined;
  }

  /** The exported table `name`, or `undefined`. */
  getTable(store: Store, name: string): Table | undefined {
    const e = this.getExport(store, name);
    return e instanceof Table ? e : undefined;
  }

  /** The exported global `name`, or `undefined`. */
  getGlobal(store: Store, name: string): Global | undefined {
    const e = this.getExport(store, name);
    return e instanceof Global ? e : undefined;
  }

  /** Every export, in the module's order. */
  exports(store: Store): ExportItem[] {
    const items: ExportItem[] = [];
    for (const [name, entity] of entityOf(store, this).exports) {
      items.push({ name, value: externHandle(store, entity) });
    }
    return items;
  }

  static {
    entityOf = (store, instance) => {
      checkStore("Instance", instance.#store, store);
      return instance.#entity;
    };
  }
}

/** The handle for an instance entity that `instantiateModule` just made. */
export function instanceHandle(store: Store, entity: InstanceEntity): Instance {
  adopting = entity;
  return new Instance(store, null as unknown as Module, []);
}
