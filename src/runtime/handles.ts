/**
 * The one handle registry of the runtime: how a public handle (`Func`, `Memory`, `Table`,
 * `Global`, `Instance`) names an entity in one store, as wasmi's `Stored<T>` does.
 *
 * A handle object holds no state of its own: the registry of its kind maps it to its store and
 * entity, and each entity to its one handle (so an entity seen twice, say a function exported
 * by an instance and read back from a table, gives the same handle both times). A handle for an
 * entity the runtime created itself (a Wasm function, an instance's memory) is made from its
 * class's prototype without running the public constructor.
 *
 * This module sits below every handle class: a module that converts between handles and
 * entities (values, externs, resumable calls) imports the registries, not the classes, so
 * `src/runtime/` has no import cycle (see `tests/runtime/import_cycles_test.ts`).
 *
 * @module
 */

import type {
  FuncEntity,
  GlobalEntity,
  InstanceEntity,
  MemoryEntity,
  TableEntity,
  TagEntity,
} from "../engine/entities.ts";
import type { Func } from "./func.ts";
import type { Global } from "./global.ts";
import type { Instance } from "./instance.ts";
import type { Memory } from "./memory.ts";
import type { Table } from "./table.ts";
import type { Tag } from "./tag.ts";
import { checkStore, type Store } from "./store.ts";

interface Binding<E> {
  readonly store: Store;
  readonly entity: E;
}

/**
 * The handles of one kind: `H` the public class, `E` its entity. The class's module calls
 * `define` once, with the class, before any handle of it is adopted.
 */
export class HandleRegistry<H extends object, E extends object> {
  readonly #bindings = new WeakMap<object, Binding<E>>();
  readonly #handles = new WeakMap<E, H>();
  #prototype: object | null = null;

  /** @param kind the class's name, for error messages */
  constructor(readonly kind: string) {}

  /** Names the class whose instances are this kind's handles. */
  define(cls: abstract new (...args: never[]) => H): void {
    this.#prototype = cls.prototype as object;
  }

  /** Makes `handle` (a fresh instance of the class) the handle of `entity` in `store`. */
  bind(handle: H, store: Store, entity: E): void {
    this.#bindings.set(handle, { store, entity });
    this.#handles.set(entity, handle);
  }

  /** Whether `x` is a handle of this kind. */
  is(x: unknown): x is H {
    return typeof x === "object" && x !== null && this.#bindings.has(x);
  }

  /**
   * The entity behind `handle`, after checking that `store` owns it.
   *
   * @throws {TypeError} when `handle` is not a handle of this kind
   * @throws {StoreMismatchError} when `store` does not own it
   */
  entity(store: Store, handle: H): E {
    const binding = this.#bindings.get(handle);
    if (binding === undefined) throw new TypeError(`Not a ${this.kind} handle: ${String(handle)}`);
    checkStore(this.kind, binding.store, store);
    return binding.entity;
  }

  /** The handle of `entity`, which `store` owns: the same handle every time. */
  handle(store: Store, entity: E): H {
    const known = this.#handles.get(entity);
    if (known !== undefined) return known;
    if (this.#prototype === null) throw new Error(`${this.kind} handles are not defined yet`);
    const handle = Object.create(this.#prototype) as H;
    this.bind(handle, store, entity);
    return handle;
  }
}

/** `Func` handles. */
export const funcs: HandleRegistry<Func, FuncEntity> = new HandleRegistry("Func");
/** `Memory` handles. */
export const memories: HandleRegistry<Memory, MemoryEntity> = new HandleRegistry("Memory");
/** `Table` handles. */
export const tables: HandleRegistry<Table, TableEntity> = new HandleRegistry("Table");
/** `Global` handles. */
export const globals: HandleRegistry<Global, GlobalEntity> = new HandleRegistry("Global");
/** `Instance` handles. */
export const instances: HandleRegistry<Instance, InstanceEntity> = new HandleRegistry("Instance");
/** `Tag` handles (exception handling). */
export const tags: HandleRegistry<Tag, TagEntity> = new HandleRegistry("Tag");
