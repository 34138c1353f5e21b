/**
 * The two engines the benchmark compares, behind one small interface: wasmi-ts (loaded from
 * `mod.ts` at run time) and the host's native `WebAssembly` as the reference.
 *
 * @module
 */

import { hostAdd, type Workload } from "./_bench_workloads.ts";

/** A workload instantiated on one engine: `run(size)` returns its checksum. */
export interface Runner {
  run(size: number): unknown;
}

/** Something that turns a workload's bytes into a runner. */
export interface BenchEngine {
  name: string;
  instantiate(bytes: Uint8Array, workload: Workload): Runner;
}

/** The native engine: the reference every checksum is compared with. */
export const nativeEngine: BenchEngine = {
  name: "native",
  instantiate(bytes, workload) {
    const imports: WebAssembly.Imports = workload.importsHostAdd
      ? { env: { host_add: hostAdd } }
      : {};
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, imports);
    const run = instance.exports.run;
    if (typeof run !== "function") throw new Error(`${workload.file} exports no function "run"`);
    return { run: run as (size: number) => unknown };
  },
};

// The slice of the public API the benchmark uses. It is declared here rather than imported so
// the harness type-checks and still measures the native side while `mod.ts` is missing or broken.
interface WasmiTypedFunc {
  call(store: unknown, ...args: unknown[]): unknown;
}
interface WasmiInstance {
  getTypedFunc(store: unknown, name: string): WasmiTypedFunc;
}
interface WasmiApi {
  Engine: new (config: unknown) => unknown;
  Config: new (
    options: {
      consumeFuel: boolean;
      wasmExceptions?: boolean;
      wasmGc?: boolean;
      executionTier?: string;
    },
  ) => unknown;
  Module: new (engine: unknown, bytes: Uint8Array) => unknown;
  Store: new (engine: unknown, data: unknown) => { setFuel(fuel: number): void };
  Linker: new (engine: unknown) => {
    funcWrap(
      module: string,
      name: string,
      type: { params: string[]; results: string[] },
      fn: (caller: unknown, a: number, b: number) => number,
    ): unknown;
    instantiate(store: unknown, module: unknown): WasmiInstance;
  };
}

/** Options of `loadWasmiEngine`. */
export interface WasmiEngineOptions {
  /** Meter fuel, from a budget set once that no run of a benchmark exhausts (default off). */
  fuel?: boolean;
  /**
   * `Config.executionTier` (`interpreter`, `codegen`, `auto`); unset leaves the library's
   * default (and works with an older tree that has no such option).
   */
  tier?: string;
}

/**
 * Loads wasmi-ts from `mod.ts`, or from `modulePath` (for example a copy of an older tree, to
 * compare two versions). The specifier is computed so that type-checking this script never
 * depends on the library compiling.
 */
export async function loadWasmiEngine(
  modulePath?: string,
  options: WasmiEngineOptions = {},
): Promise<BenchEngine> {
  const specifier = modulePath === undefined
    ? new URL("../mod.ts", import.meta.url).href
    : new URL(modulePath, `file://${Deno.cwd()}/`).href;
  const api = (await import(specifier)) as WasmiApi;
  const fuel = options.fuel ?? false;
  const tier = options.tier;
  // Options for the engines: the tier only when asked (an older tree has no such option).
  const config = (extra: Record<string, boolean>) =>
    new api.Config({
      consumeFuel: fuel,
      ...extra,
      ...(tier === undefined ? {} : { executionTier: tier }),
    });
  const plainEngine = new api.Engine(config({}));
  // Workloads of a proposal run on an engine with its switch on (off by default, as in wasmi).
  let exnEngine: unknown = null;
  let gcEngine: unknown = null;
  return {
    name: `wasmi-ts${tier === undefined ? "" : ` (${tier})`}${fuel ? " (fuel)" : ""}`,
    instantiate(bytes, workload) {
      const engine = workload.exceptions
        ? exnEngine ??= new api.Engine(config({ wasmExceptions: true }))
        : workload.gc
        ? gcEngine ??= new api.Engine(config({ wasmGc: true }))
        : plainEngine;
      const module = new api.Module(engine, bytes);
      const store = new api.Store(engine, {});
      const linker = new api.Linker(engine);
      if (workload.importsHostAdd) {
        linker.funcWrap(
          "env",
          "host_add",
          { params: ["i32", "i32"], results: ["i32"] },
          (_caller, a, b) => hostAdd(a, b),
        );
      }
      // Set once, as a long-lived store's budget: the store spends at most 2^30 - 1 of it before
      // it refills from its reserve, so later runs refill wherever their fuel runs out. Setting
      // it before every run gave each run a full chunk, and runs that use less never refilled
      // (generated code then never ran its refill path: `loop`, scale 1, fuel on / off CPU
      // 1.17x against 1.8x for runs that refill, see `charge` in src/engine/codegen.ts).
      if (fuel) store.setFuel(Number.MAX_SAFE_INTEGER);
      const instance = linker.instantiate(store, module);
      const run = instance.getTypedFunc(store, "run");
      return { run: (size) => run.call(store, size) };
    },
  };
}
