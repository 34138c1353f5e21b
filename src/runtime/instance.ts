/**
 * `Instance`: a handle to an instantiated module in a store.
 *
 * @module
 */

import { FuncError } from "./errors.ts";
import { type ExportItem, type Extern, externHandle } from "./extern.ts";
import type { FuncTypeLike } from "./call.ts";
import type { Func } from "./func.ts";
import type { Global } from "./global.ts";
import { funcs, globals, instances, memories, tables, tags } from "./handles.ts";
import { instantiateModule } from "./instantiate.ts";
import type { Memory } from "./memory.ts";
import type { Module } from "./module.ts";
import type { JsParams, JsResults, Signature } from "./signature.ts";
import type { Store } from "./store.ts";
import type { Table } from "./table.ts";
import type { Tag } from "./tag.ts";
import { TypedFunc } from "./typed_func.ts";

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
  /**
   * Instantiates `module` with one extern per import, in the module's import order, and runs its
   * start function. A `Linker` resolves imports by name instead.
   *
   * @throws {LinkError} when an import is missing or has the wrong type
   * @throws {Trap} when a segment is out of bounds or the start function traps
   */
  constructor(store: Store, module: Module, imports: readonly Extern[]) {
    instances.bind(this, store, instantiateModule(store, module, imports));
  }

  /** The export `name`, or `undefined`. */
  getExport(store: Store, name: string): Extern | undefined {
    const entity = instances.entity(store, this).exports.get(name);
    return entity === undefined ? undefined : externHandle(store, entity);
  }

  /** The exported function `name`, or `undefined` (also when `name` is not a function). */
  getFunc(store: Store, name: string): Func | undefined {
    const e = this.getExport(store, name);
    return funcs.is(e) ? e : undefined;
  }

  /**
   * The exported function `name` as a `TypedFunc`.
   *
   * @param type if given, the signature the caller expects
   * @throws {FuncError} when there is no such function, or its type is not `type`
   */
  getTypedFunc<const S extends Signature>(
    store: Store,
    name: string,
    type: S,
  ): TypedFunc<JsParams<S["params"]>, JsResults<S["results"]>>;
  /**
   * The exported function `name` as a `TypedFunc`, its argument and result types given as type
   * arguments (checked against the function's signature only when `type` is given).
   *
   * @param type if given, the signature the caller expects
   * @throws {FuncError} when there is no such function, or its type is not `type`
   */
  getTypedFunc<P extends readonly unknown[] = unknown[], R = unknown>(
    store: Store,
    name: string,
    type?: FuncTypeLike,
  ): TypedFunc<P, R>;
  getTypedFunc(store: Store, name: string, type?: FuncTypeLike): TypedFunc<unknown[], unknown> {
    const func = this.getFunc(store, name);
    if (func === undefined) {
      throw new FuncError(`No exported function named ${JSON.stringify(name)}`);
    }
    return new TypedFunc(store, func, type);
  }

  /** The exported memory `name`, or `undefined`. */
  getMemory(store: Store, name: string): Memory | undefined {
    const e = this.getExport(store, name);
    return memories.is(e) ? e : undefined;
  }

  /** The exported table `name`, or `undefined`. */
  getTable(store: Store, name: string): Table | undefined {
    const e = this.getExport(store, name);
    return tables.is(e) ? e : undefined;
  }

  /** The exported global `name`, or `undefined`. */
  getGlobal(store: Store, name: string): Global | undefined {
    const e = this.getExport(store, name);
    return globals.is(e) ? e : undefined;
  }

  /** The exported tag `name` (exception handling), or `undefined`. */
  getTag(store: Store, name: string): Tag | undefined {
    const e = this.getExport(store, name);
    return tags.is(e) ? e : undefined;
  }

  /** Every export, in the module's order. */
  exports(store: Store): ExportItem[] {
    const items: ExportItem[] = [];
    for (const [name, entity] of instances.entity(store, this).exports) {
      items.push({ name, value: externHandle(store, entity) });
    }
    return items;
  }
}
instances.define(Instance);
