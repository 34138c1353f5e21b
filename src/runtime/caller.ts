/**
 * `Caller`: what a host function sees of the call that reached it.
 *
 * @module
 */

import type { Engine } from "../engine/engine.ts";
import type { InstanceEntity } from "../engine/entities.ts";
import { type Extern, externHandle } from "./extern.ts";
import type { Store } from "./store.ts";

let create: <T>(store: Store<T>, instance: InstanceEntity | null) => Caller<T>;

/**
 * The context of a host function call: the store (and its data) and the instance whose Wasm code
 * made the call, if any (none when the host function is called from the API).
 *
 * @example Reading the caller's memory
 * ```ts
 * import { Engine, Linker, Memory, Module, Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 * const wat = `(module (import "env" "log" (func $log (param i32 i32)))
 *   (memory (export "memory") 1) (data (i32.const 8) "hi!")
 *   (func (export "run") (call $log (i32.const 8) (i32.const 3))))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const engine = new Engine();
 * const store = new Store(engine, [] as string[]);
 * const linker = new Linker<string[]>(engine);
 * linker.funcWrap("env", "log", { params: ["i32", "i32"], results: [] }, (caller, ptr, len) => {
 *   const mem = caller.getExport("memory") as Memory;
 *   caller.data.push(new TextDecoder().decode(mem.read(caller.store, ptr, len)));
 * });
 * const instance = linker.instantiate(store, new Module(engine, bytes));
 * instance.getFunc(store, "run")!.call(store, []);
 * assert.deepEqual(store.data, ["hi!"]);
 * ```
 */
export class Caller<T = unknown> {
  /** The store the call runs in. */
  readonly store: Store<T>;
  readonly #instance: InstanceEntity | null;

  private constructor(store: Store<T>, instance: InstanceEntity | null) {
    this.store = store;
    this.#instance = instance;
  }

  static {
    create = (store, instance) => new Caller(store, instance);
  }

  /** The store's host data. */
  get data(): T {
    return this.store.data;
  }

  set data(value: T) {
    this.store.data = value;
  }

  /** The store's engine. */
  get engine(): Engine {
    return this.store.engine;
  }

  /**
   * The export `name` of the calling instance, or `undefined` when it has none or there is no
   * calling instance.
   */
  getExport(name: string): Extern | undefined {
    const entity = this.#instance?.exports.get(name);
    return entity === undefined ? undefined : externHandle(this.store, entity);
  }
}

/**
 * The `Caller` for a host function call in `store` made by `instance` (`null`: from the API).
 * Host function trampolines are its only users.
 */
export function createCaller<T>(store: Store<T>, instance: InstanceEntity | null): Caller<T> {
  return create(store, instance);
}
