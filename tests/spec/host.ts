/**
 * `SpecHost`: everything the runner asks of the library, at the level of the runner's own
 * values. This file is the only one that knows the library's API.
 *
 * @module
 */

import { valRepr } from "../../src/core/type_registry.ts";
import {
  AnyRef,
  type CodegenStyle,
  Config,
  DecodeError,
  Engine,
  type ExecutionTier,
  type Func,
  Global,
  type Instance,
  InstantiationError,
  Linker,
  LinkError,
  Memory,
  MemoryType,
  Module,
  Store,
  Table,
  TableType,
  Trap,
  Val,
  ValidationError,
  type ValType,
  WasmException,
} from "../../mod.ts";
import type { WastValue } from "./values.ts";

declare const moduleBrand: unique symbol;
declare const instanceBrand: unique symbol;

/** A compiled module, opaque to the runner (hosts cast their own objects to it). */
export type HostModule = { readonly [moduleBrand]: true };
/** A module instance, opaque to the runner (hosts cast their own objects to it). */
export type HostInstance = { readonly [instanceBrand]: true };

/** Result of decoding and validating a binary. */
export type CompileOutcome =
  | { readonly ok: true; readonly module: HostModule }
  /** `decode`: the library threw `DecodeError`; `validate`: it threw `ValidationError`. */
  | { readonly ok: false; readonly stage: "decode" | "validate"; readonly message: string };

/** Result of instantiating a module against `spectest` and the registered instances. */
export type InstantiateOutcome =
  | { readonly ok: true; readonly instance: HostInstance }
  | {
    readonly ok: false;
    /**
     * `unlinkable`: an import is missing or has the wrong type; `trap`: the start function or
     * a segment initialisation trapped; `uninstantiable`: any other instantiation failure.
     */
    readonly stage: "unlinkable" | "trap" | "uninstantiable";
    readonly message: string;
  };

/** Result of calling an exported function. */
export type InvokeOutcome =
  | { readonly ok: true; readonly results: readonly WastValue[] }
  /**
   * The call trapped; `trap` is the trap's message (stack exhaustion: "call stack exhausted").
   * `exception`: it ended with an uncaught Wasm exception instead (`trap` describes it).
   */
  | { readonly ok: false; readonly trap: string; readonly exception?: boolean };

/**
 * The library as the spec runner sees it. One host serves one script: it owns the store and
 * the linker (with the `spectest` module defined and every `register`ed instance).
 *
 * Methods throw only on runner-level misuse or library bugs (e.g. an export that does not
 * exist); expected failures are returned as outcomes.
 */
export interface SpecHost {
  /** Decodes and validates a binary module. */
  compile(bytes: Uint8Array): CompileOutcome;
  /** Instantiates a compiled module, running its start function. */
  instantiate(module: HostModule): InstantiateOutcome;
  /** Makes an instance's exports importable under module name `name`. */
  register(name: string, instance: HostInstance): void;
  /** Calls the exported function `field` with `args`. */
  invoke(instance: HostInstance, field: string, args: readonly WastValue[]): InvokeOutcome;
  /** Reads the exported global `field`. */
  getGlobal(instance: HostInstance, field: string): WastValue;
}

/** Creates a fresh host for one script. */
export type HostFactory = () => SpecHost;

/** Null references of the script's heap types, as library values. */
const NULL_VALS: Readonly<Record<string, Val>> = {
  nofunc: Val.funcref(null),
  noextern: Val.externref(null),
  exn: Val.exnref(null),
  noexn: Val.exnref(null),
};

/** Converts a runner value to a library value (`store`: where host references live). */
function toVal(value: WastValue, store: Store<undefined>): Val {
  switch (value.type) {
    case "i32":
      return Val.i32(value.value);
    case "i64":
      return Val.i64(value.value);
    case "f32":
      return Val.f32Bits(value.bits);
    case "f64":
      return Val.f64Bits(value.bits);
    case "v128":
      return Val.v128(value.bytes);
    case "funcref":
      return Val.funcref(value.ref as Func | null);
    case "externref":
      // `ref.extern N` is passed as the number N itself; it must come back unchanged.
      return Val.externref(value.ref);
    case "ref":
      // `ref.host N`: the number N as a host value in the `any` hierarchy.
      if (value.heap === "host") return Val.anyref(AnyRef.host(store, value.ref));
      if (value.ref === null) return NULL_VALS[value.heap] ?? Val.anyref(null);
      throw new Error(`the library has no ${value.heap} references to pass`);
  }
}

/** Converts a library value to a runner value. */
function fromVal(val: Val): WastValue {
  switch (valRepr(val.type)) {
    case "i32":
      return { type: "i32", value: val.value as number };
    case "i64":
      return { type: "i64", value: val.value as bigint };
    case "f32":
      return { type: "f32", bits: val.bits as number };
    case "f64":
      return { type: "f64", bits: val.bits as bigint };
    case "v128":
      return { type: "v128", bytes: val.value as Uint8Array };
    case "funcref":
      return { type: "funcref", ref: val.value as Func | null };
    case "externref": {
      const ref = val.value;
      // An internal reference Wasm converted with `extern.convert_any` comes out as its AnyRef.
      if (ref !== null && typeof ref !== "number" && !(ref instanceof AnyRef)) {
        throw new Error(`externref result is not a script reference: ${String(ref)}`);
      }
      return { type: "externref", ref };
    }
    case "exnref":
      return { type: "ref", heap: "exn", ref: val.value };
    case "anyref": {
      const ref = val.value as AnyRef | null;
      if (ref === null) return { type: "ref", heap: "any", ref: null };
      if (ref.kind === "host") return { type: "ref", heap: "host", ref: ref.hostValue };
      return { type: "ref", heap: ref.kind, ref };
    }
  }
}

/** The `spectest` host functions: each `print*` takes these parameters and returns nothing. */
const SPECTEST_PRINTS: Readonly<Record<string, readonly ValType[]>> = {
  print: [],
  print_i32: ["i32"],
  print_i64: ["i64"],
  print_f32: ["f32"],
  print_f64: ["f64"],
  print_i32_f32: ["i32", "f32"],
  print_f64_f64: ["f64", "f64"],
};

/** Defines the `spectest` module the testsuite imports from (as the reference interpreter's). */
function defineSpectest(linker: Linker<undefined>, store: Store<undefined>): void {
  for (const [name, params] of Object.entries(SPECTEST_PRINTS)) {
    linker.funcWrap("spectest", name, { params, results: [] }, () => {});
  }
  const globals: [string, Val][] = [
    ["global_i32", Val.i32(666)],
    ["global_i64", Val.i64(666n)],
    ["global_f32", Val.f32(666.6)],
    ["global_f64", Val.f64(666.6)],
  ];
  for (const [name, value] of globals) linker.define("spectest", name, new Global(store, value));
  const tableType = new TableType({ element: "funcref", minimum: 10, maximum: 20 });
  linker.define("spectest", "table", new Table(store, tableType, Val.funcref(null)));
  linker.define(
    "spectest",
    "memory",
    new Memory(store, new MemoryType({ minimum: 1, maximum: 2 })),
  );
  // Wasm 3.0 and threads scripts import these too.
  const table64 = new TableType({ element: "funcref", minimum: 10, maximum: 20, index64: true });
  linker.define("spectest", "table64", new Table(store, table64, Val.funcref(null)));
  if (store.engine.config.wasmThreads) {
    const shared = new MemoryType({ minimum: 1, maximum: 2, shared: true });
    linker.define("spectest", "shared_memory", new Memory(store, shared));
  }
}

/**
 * Rejects a trap that stands for the JS engine's own stack overflow (the engine turns a JS
 * `RangeError` from deep host/Wasm re-entrance into a `StackOverflow` trap whose `cause` is that
 * error). The testsuite's "call stack exhausted" means the Wasm call stack limit; a JS overflow is
 * a failure of the engine, never a pass, so it is rethrown and the runner reports it as one.
 */
export function rejectHostStackOverflow(trap: Trap): void {
  if (trap.cause instanceof RangeError) {
    throw new Error(`JS stack overflow, not a Wasm trap: ${trap.cause.message}`, { cause: trap });
  }
}

/** Options of the library host. */
export interface LibraryHostOptions {
  /**
   * Fueled mode: fuel metering on; every invoke starts with no fuel, runs as a resumable call
   * and gets exactly the `requiredFuel` of each out-of-fuel stop before it is resumed (start
   * functions run with plenty of fuel). It must pass the same assertions as the plain mode.
   */
  readonly fuel?: boolean;
  /**
   * Config switches to turn on, e.g. `{ wasmTailCall: true }` for Wasm 3.0 scripts (see
   * `wasm3Switches`).
   */
  readonly features?: Readonly<Record<string, boolean>>;
  /** `Config.executionTier` (default: the Config's default, `auto`). */
  readonly tier?: ExecutionTier;
  /** `Config.codegenStyle` (default: the Config's default, `auto`). */
  readonly style?: CodegenStyle;
  /**
   * `Config.compilationMode`: `lazyTranslation` (the default) or `eager`, which validates each
   * body while translating it. `lazy` is refused: it reports a bad body only when the function
   * is called, and the scripts expect `new Module` to reject it.
   */
  readonly mode?: "lazyTranslation" | "eager";
  /**
   * Fueled mode: receives every out-of-fuel stop's `requiredFuel`, and the fuel left when an
   * invoke finishes as `-1 - left` (to compare where two runs stopped).
   */
  readonly fuelLog?: number[];
  /** Receives each engine the host creates (to read its `codegenStats`). */
  readonly onEngine?: (engine: Engine) => void;
}

/** The library behind `SpecHost`: one engine, store and linker per script. */
class LibraryHost implements SpecHost {
  readonly #fuel: boolean;
  readonly #fuelLog: number[] | null;
  readonly #engine: Engine;
  readonly #store: Store<undefined>;
  readonly #linker: Linker<undefined>;

  constructor(options: LibraryHostOptions = {}) {
    this.#fuel = options.fuel ?? false;
    this.#fuelLog = options.fuelLog ?? null;
    this.#engine = new Engine(
      new Config({
        ...options.features,
        // The scripts expect an invalid or malformed module to be rejected when it is compiled:
        // `lazy` mode would report a bad function body only when the function is called.
        compilationMode: options.mode ?? "lazyTranslation",
        consumeFuel: this.#fuel,
        ...(options.tier === undefined ? {} : { executionTier: options.tier }),
        ...(options.style === undefined ? {} : { codegenStyle: options.style }),
      }),
    );
    options.onEngine?.(this.#engine);
    this.#store = new Store(this.#engine, undefined);
    this.#linker = new Linker<undefined>(this.#engine);
    // The reference interpreter's registry lets a later `register` replace an earlier one.
    this.#linker.allowShadowing(true);
    defineSpectest(this.#linker, this.#store);
  }

  compile(bytes: Uint8Array): CompileOutcome {
    try {
      return { ok: true, module: new Module(this.#engine, bytes) as unknown as HostModule };
    } catch (error) {
      if (error instanceof DecodeError) {
        return { ok: false, stage: "decode", message: error.message };
      }
      if (error instanceof ValidationError) {
        return { ok: false, stage: "validate", message: error.message };
      }
      throw error;
    }
  }

  instantiate(module: HostModule): InstantiateOutcome {
    if (this.#fuel) this.#store.setFuel(Number.MAX_SAFE_INTEGER);
    try {
      const instance = this.#linker.instantiate(this.#store, module as unknown as Module);
      return { ok: true, instance: instance as unknown as HostInstance };
    } catch (error) {
      if (error instanceof LinkError) {
        return { ok: false, stage: "unlinkable", message: error.message };
      }
      if (error instanceof Trap) {
        rejectHostStackOverflow(error);
        return { ok: false, stage: "trap", message: error.message };
      }
      if (error instanceof InstantiationError) {
        return { ok: false, stage: "uninstantiable", message: error.message };
      }
      throw error;
    }
  }

  register(name: string, instance: HostInstance): void {
    this.#linker.instance(this.#store, name, instance as unknown as Instance);
  }

  invoke(instance: HostInstance, field: string, args: readonly WastValue[]): InvokeOutcome {
    const func = (instance as unknown as Instance).getFunc(this.#store, field);
    if (func === undefined) throw new Error(`no exported function "${field}"`);
    try {
      const results = this.#fuel
        ? this.#callFueled(func, args)
        : func.call(this.#store, args.map((a) => toVal(a, this.#store)));
      return { ok: true, results: results.map(fromVal) };
    } catch (error) {
      if (error instanceof Trap) {
        rejectHostStackOverflow(error);
        return { ok: false, trap: error.message };
      }
      if (error instanceof WasmException) {
        return { ok: false, exception: true, trap: error.message };
      }
      throw error;
    }
  }

  /** Fueled mode's invoke: from 0 fuel, adding exactly what each out-of-fuel stop requires. */
  #callFueled(func: Func, args: readonly WastValue[]): Val[] {
    const store = this.#store;
    store.setFuel(0);
    let call = func.callResumable(store, args.map((a) => toVal(a, store)));
    while (call.kind !== "finished") {
      if (call.kind === "hostTrap") {
        call.drop();
        throw call.hostError;
      }
      this.#fuelLog?.push(Number(call.requiredFuel));
      store.setFuel(store.getFuel() + call.requiredFuel);
      call = call.resume(store);
    }
    this.#fuelLog?.push(-1 - Number(store.getFuel()));
    return call.results;
  }

  getGlobal(instance: HostInstance, field: string): WastValue {
    const global = (instance as unknown as Instance).getGlobal(this.#store, field);
    if (global === undefined) throw new Error(`no exported global "${field}"`);
    return fromVal(global.get(this.#store));
  }
}

/** The host the runner uses by default: the library, with the Wasm 2.0 profile's switches. */
export const createHost: HostFactory = () => new LibraryHost({ features: wasm2Switches() });

/** The library in fueled mode (see `LibraryHostOptions.fuel`), Wasm 2.0 profile. */
export const createFueledHost: HostFactory = () =>
  new LibraryHost({ fuel: true, features: wasm2Switches() });

/** A host factory with the given options. */
export function hostFactory(options: LibraryHostOptions): HostFactory {
  return () => new LibraryHost(options);
}

/** The `Config` switches of the proposals in Wasm 3.0 and the proposal folders. */
export const WASM3_SWITCHES: readonly string[] = [
  "wasmMultiValue",
  "wasmMutableGlobal",
  "wasmSaturatingFloatToInt",
  "wasmSignExtension",
  "wasmBulkMemory",
  "wasmReferenceTypes",
  "wasmSimd",
  "wasmExtendedConst",
  "wasmTailCall",
  "wasmMultiMemory",
  "wasmMemory64",
  "wasmRelaxedSimd",
  "wasmWideArithmetic",
  "wasmCustomPageSizes",
  "wasmThreads",
  "wasmExceptions",
  "wasmFunctionReferences",
  "wasmGc",
];

/**
 * The switches of the Wasm 2.0 profile the root suite runs with: every proposal switch of
 * `WASM3_SWITCHES` that is not Wasm 2.0 and that this build knows, turned off (the library's
 * defaults turn some on, as wasmi's do, and the 2.0 testsuite expects their absence).
 */
export function wasm2Switches(): Record<string, boolean> {
  const off: Record<string, boolean> = {};
  const known = Object.keys(new Config());
  const wasm2 = WASM3_SWITCHES.slice(0, WASM3_SWITCHES.indexOf("wasmSimd") + 1);
  for (const name of WASM3_SWITCHES) {
    if (!wasm2.includes(name) && known.includes(name)) off[name] = false;
  }
  return off;
}

/**
 * Proposals that are not part of Wasm 3.0 and change what 3.0 modules mean (custom page sizes
 * makes limits flag 0x08 valid, threads flag 0x02, which the 3.0 binary tests expect to be
 * malformed): the wasm-3.0 files and other folders run with them off, their own folder with them
 * on (`FOLDER_SWITCHES`).
 */
export const OUTSIDE_WASM3: readonly string[] = ["wasmCustomPageSizes", "wasmThreads"];

/**
 * `switches` with typed references and GC off: folders forked before them expect Wasm 2.0's
 * constant expressions (`global.get` of imported globals only).
 */
function NO_TYPED_REFS_AND(switches: Record<string, boolean>): Record<string, boolean> {
  return { ...switches, wasmFunctionReferences: false, wasmGc: false };
}

/**
 * Switches a proposal folder's files run with, over the wasm-3.0 ones: its own proposal if it is
 * outside Wasm 3.0, and off what its tests predate, because the proposal's repository forked the
 * spec before those features existed: the multi-memory folder is Wasm 2.0 plus multi-memory (its
 * binary tests expect 2.0's limits encoding, which memory64 changes, and import kind 4 to be
 * malformed, which tags make valid); exception-handling is Wasm 2.0 plus exceptions (memory
 * index bytes and limits flags malformed); threads forked from Wasm 1.0 and expects "multiple
 * tables" and "multiple memories" to be invalid; function-references forked before GC (a type
 * outside `rec` may not name itself), extended-const, multi-memory, memory64 and tags (its binary
 * tests expect their encodings to be malformed), gc likewise but with GC; extended-const and the older folders predate
 * Wasm 3.0's `global.get` of defined globals in constant expressions, which comes with typed
 * references here.
 */
export const FOLDER_SWITCHES: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  "custom-page-sizes": { wasmCustomPageSizes: true },
  "extended-const": NO_TYPED_REFS_AND({}),
  gc: {
    wasmExtendedConst: false,
    wasmMultiMemory: false,
    wasmMemory64: false,
    wasmExceptions: false,
  },
  "function-references": {
    wasmExtendedConst: false,
    wasmGc: false,
    wasmMultiMemory: false,
    wasmMemory64: false,
    wasmExceptions: false,
  },
  "multi-memory": NO_TYPED_REFS_AND({ wasmMemory64: false, wasmExceptions: false }),
  "exception-handling": NO_TYPED_REFS_AND({ wasmMultiMemory: false, wasmMemory64: false }),
  threads: NO_TYPED_REFS_AND({
    wasmThreads: true,
    wasmReferenceTypes: false,
    wasmMultiMemory: false,
  }),
};

/**
 * The switches a file of a Wasm 3.0 or proposal suite runs with: `on` (from `wasm3Switches`),
 * less the proposals outside Wasm 3.0, with the changes of its proposal folder
 * (`FOLDER_SWITCHES`) for the switches this build accepts.
 */
export function wasm3FeaturesFor(
  path: string,
  on: Readonly<Record<string, boolean>>,
): Record<string, boolean> {
  const features: Record<string, boolean> = { ...on };
  for (const name of OUTSIDE_WASM3) if (name in on) features[name] = false;
  const folder = /proposals[\\/]([^\\/]+)[\\/]/.exec(path)?.[1] ?? "";
  for (const [name, value] of Object.entries(FOLDER_SWITCHES[folder] ?? {})) {
    if (name in on) features[name] = value;
  }
  return features;
}

/**
 * Which of `WASM3_SWITCHES` this build of the library accepts: a switch the engine does not
 * implement throws at `new Config` (or is unknown to it); the rest are turned on.
 */
export function wasm3Switches(): { on: Record<string, boolean>; refused: string[] } {
  const on: Record<string, boolean> = {};
  const refused: string[] = [];
  const known = Object.keys(new Config());
  for (const name of WASM3_SWITCHES) {
    try {
      if (!known.includes(name)) throw new Error("unknown switch");
      new Config({ [name]: true });
      on[name] = true;
    } catch {
      refused.push(name);
    }
  }
  return { on, refused };
}
