/**
 * `Linker`: definitions by (module, name), from which it resolves a module's imports.
 *
 * @module
 */

import { LinkError } from "../core/errors.ts";
import type { FuncType } from "../core/types.ts";
import type { Engine } from "../engine/engine.ts";
import { type Extern, externEntity, isExtern } from "./extern.ts";
import { type FuncTypeLike, toFuncType } from "./call.ts";
import type { Func } from "./func.ts";
import { funcs, instances } from "./handles.ts";
import {
  createHostFunc,
  type HostFuncFlavour,
  type HostFuncNew,
  type HostFuncWrap,
} from "./host_func.ts";
import type { Instance } from "./instance.ts";
import { instantiateModule, unknownImport } from "./instantiate.ts";
import { type Module, moduleDecl } from "./module.ts";
import type { HostFuncTyped } from "./signature.ts";
import { checkEngine, type Store, storeInner } from "./store.ts";

/**
 * A host function defined in a linker, not yet in any store: like wasmi's, it becomes a `Func` in
 * a store the first time that store needs it, and stays the same `Func` there.
 */
class HostFuncDef {
  readonly #funcs = new WeakMap<Store, Func>();

  constructor(
    readonly type: FuncType,
    readonly fn: HostFuncNew<unknown> | HostFuncWrap<unknown>,
    readonly flavour: HostFuncFlavour,
    readonly label: string,
  ) {}

  funcIn(store: Store): Func {
    let func = this.#funcs.get(store);
    if (func === undefined) {
      const entity = createHostFunc(store, this.type, this.fn, this.flavour, this.label);
      storeInner(store).addFunc(entity);
      func = funcs.handle(store, entity);
      this.#funcs.set(store, func);
    }
    return func;
  }
}

type Definition = Extern | HostFuncDef;

function label(module: string, name: string): string {
  return `${JSON.stringify(module)}.${JSON.stringify(name)}`;
}

/**
 * Resolves imports by module and field name. Host functions defined here (`funcWrap`,
 * `funcNew`) are not tied to a store, so one linker serves every store of its engine; externs
 * from `define` and `instance` belong to the store they were made in.
 *
 * @example Linking a host function and a memory
 * ```ts
 * import { Engine, Linker, Memory, MemoryType, Module, Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 * const wat = `(module
 *   (import "env" "add1" (func $add1 (param i32) (result i32)))
 *   (import "env" "mem" (memory 1))
 *   (func (export "run") (result i32) (i32.store (i32.const 0) (i32.const 41))
 *     (call $add1 (i32.load (i32.const 0)))))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const engine = new Engine();
 * const store = new Store(engine, null);
 * const linker = new Linker(engine);
 * linker.funcWrap("env", "add1", { params: ["i32"], results: ["i32"] }, (_caller, x) => x + 1);
 * linker.define("env", "mem", new Memory(store, new MemoryType({ minimum: 1 })));
 * const instance = linker.instantiate(store, new Module(engine, bytes));
 * assert.equal(instance.getTypedFunc(store, "run").call(store), 42);
 * ```
 */
export class Linker<T = unknown> {
  /** The engine whose modules this linker instantiates. */
  readonly engine: Engine;
  readonly #defs = new Map<string, Map<string, Definition>>();
  #shadowing = false;

  /**
   * Creates an empty linker.
   *
   * @param engine the engine of every module and store used with this linker
   */
  constructor(engine: Engine) {
    this.engine = engine;
  }

  /**
   * Whether a new definition may replace an existing one with the same names (off by default:
   * a duplicate throws `LinkError`).
   */
  allowShadowing(allow: boolean): this {
    this.#shadowing = allow;
    return this;
  }

  #insert(module: string, name: string, def: Definition): this {
    let fields = this.#defs.get(module);
    if (fields === undefined) this.#defs.set(module, fields = new Map());
    if (!this.#shadowing && fields.has(name)) {
      throw new LinkError(`Duplicate definition of ${label(module, name)}`);
    }
    fields.set(name, def);
    return this;
  }

  /** Defines `module`.`name` as `extern`. */
  define(module: string, name: string, extern: Extern): this {
    if (!isExtern(extern)) {
      throw new TypeError("Linker.define expects a Func, Table, Memory or Global");
    }
    return this.#insert(module, name, extern);
  }

  /**
   * Defines `module`.`name` as a host function with plain JS values (see `Func.wrap`); the
   * callback's types are inferred from a `{ params, results }` literal.
   */
  funcWrap<const S extends FuncTypeLike = FuncTypeLike>(
    module: string,
    name: string,
    type: S,
    fn: NoInfer<HostFuncTyped<T, S>>,
  ): this {
    const def = new HostFuncDef(
      toFuncType(type),
      fn as HostFuncWrap<unknown>,
      "plain",
      `host function ${label(module, name)}`,
    );
    return this.#insert(module, name, def);
  }

  /** Defines `module`.`name` as a host function with `Val`s (see `new Func`). */
  funcNew(module: string, name: string, type: FuncTypeLike, fn: HostFuncNew<T>): this {
    const def = new HostFuncDef(
      toFuncType(type),
      fn as HostFuncNew<unknown>,
      "vals",
      `host function ${label(module, name)}`,
    );
    return this.#insert(module, name, def);
  }

  /** Defines every export of `instance` under the module name `module`. */
  instance(store: Store<T>, module: string, instance: Instance): this {
    for (const { name, value } of instance.exports(store)) this.#insert(module, name, value);
    return this;
  }

  /**
   * The definition of `module`.`name` as an extern of `store`, or `undefined`.
   *
   * @throws {StoreMismatchError} when it was defined with an extern of another store
   */
  get(store: Store<T>, module: string, name: string): Extern | undefined {
    const def = this.#defs.get(module)?.get(name);
    if (def === undefined) return undefined;
    if (def instanceof HostFuncDef) {
      checkEngine("The linker", this.engine, store);
      return def.funcIn(store);
    }
    externEntity(store, def);
    return def;
  }

  /**
   * Instantiates `module` in `store`, its imports resolved from this linker, and runs its start
   * function.
   *
   * @throws {LinkError} when an import is missing or has the wrong type (the message names the
   *   import and both types)
   * @throws {Trap} when a segment is out of bounds or the start function traps
   */
  instantiate(store: Store<T>, module: Module): Instance {
    checkEngine("The linker", this.engine, store);
    checkEngine("The module", module.engine, store);
    const imports = moduleDecl(module).imports.map((imp) => {
      const extern = this.get(store, imp.module, imp.name);
      if (extern === undefined) throw unknownImport(module, imp);
      return extern;
    });
    return instances.handle(store, instantiateModule(store, module, imports));
  }
}
