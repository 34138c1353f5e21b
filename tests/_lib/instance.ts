/**
 * Test toolkit: instantiation through the public API only (`Engine`, `Store`, `Linker`, `Module`),
 * so what a test exercises is what users get.
 *
 * @module
 */

import {
  Config,
  type ConfigOptions,
  Engine,
  type Instance,
  Linker,
  Module,
  Store,
  type Val,
  type ValType,
} from "../../mod.ts";
import { wat, type WatOptions } from "./wabt.ts";

/** A host function to define before instantiating: its type and its callback. */
export interface HostDef {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  // deno-lint-ignore no-explicit-any
  readonly fn: (...args: any[]) => any;
}

/** Options of `instantiate`. */
export interface InstantiateOptions extends WatOptions {
  /** Engine configuration. */
  readonly config?: ConfigOptions;
  /** Host functions, keyed `"module.name"`. */
  readonly imports?: Readonly<Record<string, HostDef>>;
}

/** What `instantiate` returns. */
export interface Instantiated {
  readonly engine: Engine;
  readonly store: Store<undefined>;
  readonly linker: Linker<undefined>;
  readonly instance: Instance;
  /** Calls the export `name` with `args`, returning its results. */
  call(name: string, ...args: Val[]): Val[];
}

/**
 * Instantiates `module` (WAT text or binary) with a fresh engine, store and linker, defining
 * `options.imports` first.
 */
export function instantiate(
  module: string | Uint8Array,
  options: InstantiateOptions = {},
): Instantiated {
  const engine = new Engine(new Config(options.config ?? {}));
  const store = new Store(engine, undefined);
  const linker = new Linker<undefined>(engine);
  for (const [key, def] of Object.entries(options.imports ?? {})) {
    const dot = key.indexOf(".");
    linker.funcWrap(
      key.slice(0, dot),
      key.slice(dot + 1),
      def,
      (_caller, ...args) => def.fn(...args),
    );
  }
  const bytes = typeof module === "string" ? wat(module, options) : module;
  const instance = linker.instantiate(store, new Module(engine, bytes));
  return {
    engine,
    store,
    linker,
    instance,
    call(name, ...args) {
      const func = instance.getFunc(store, name);
      if (func === undefined) throw new Error(`no exported function "${name}"`);
      return func.call(store, args);
    },
  };
}
