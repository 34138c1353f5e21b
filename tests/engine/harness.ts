/**
 * Instantiation for engine tests through the public API (`mod.ts`): WAT → `Module` → `Instance`
 * by a `Linker`, and calls with plain JS values (`TypedFunc`). What the engine tests inspect
 * below the API (the translated code of a function, the fuel counters, a function's entity) comes
 * from the runtime's own accessors, never from a second instantiator.
 */
import assert from "node:assert/strict";
import wabtInit from "wabt";
import {
  Config,
  type ConfigOptions,
  Engine,
  type Extern,
  Func,
  type FuncType,
  type Instance,
  Linker,
  Memory,
  Module,
  Store,
  Trap,
  Val,
} from "../../mod.ts";
import { SLOT_WORDS } from "../../src/engine/entities.ts";
import type { FuncEntity, StoreInner, WasmFuncEntity } from "../../src/engine/entities.ts";
import type { CompiledFunc } from "../../src/engine/code_map.ts";
import { disassemble } from "../../src/engine/disassemble.ts";
import { callShapesOf, directOptionsOf, generateSource } from "../../src/engine/codegen.ts";
import { DONE, OUT_OF_FUEL } from "../../src/engine/engine.ts";
import type { ExecStack } from "../../src/engine/stack.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { storeInner } from "../../src/runtime/store.ts";

const wabt = await wabtInit();

const FEATURES = {
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
  multi_memory: true,
  memory64: true,
  exceptions: true,
};

/** Assembles WAT text (Wasm 2.0 features, multi-memory, memory64, exceptions), with names. */
export function wat(text: string): Uint8Array {
  const m = wabt.parseWat("test.wat", text, FEATURES);
  try {
    m.generateNames();
    return new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
  } finally {
    m.destroy();
  }
}

/** A JS value as tests pass it: numbers for i32/f32/f64, bigints for i64. */
/** f32 bit patterns the float tests feed: NaNs with payloads, zeros, infinities, subnormals, ordinary values. */
export const F32_EDGE_BITS: readonly number[] = [
  0x7fc12345,
  0xffa00001,
  0x80000000,
  0x00000000,
  0x7f800000,
  0xff800000,
  0x00000001,
  0x80400000,
  0x3f800001,
  0x3eaaaaab,
  0x7f7fffff,
  0x4b000001,
  0xc0490fdb,
  0x3f000000,
];

export type JsVal = number | bigint;

/** A host function for `imports`: plain JS values in, nothing, one or several out. */
export type HostFn = (...args: JsVal[]) => JsVal | JsVal[] | void;

/** An instance plus what engine tests look at. */
export interface TestInstance {
  engine: Engine;
  store: Store;
  /** The store's internals (its fuel counters). */
  inner: StoreInner;
  instance: Instance;
  /** Calls an exported function; returns its single result, an array for several, or undefined. */
  call(name: string, ...args: JsVal[]): JsVal | JsVal[] | undefined;
  /** An exported function. */
  func(name: string): Func;
  /** The engine's entity of an exported Wasm function. */
  entity(name: string): WasmFuncEntity;
  /** The disassembled internal code of an exported function. */
  code(name: string): string;
  /** The exported memory `name`, or the first exported memory. */
  memory(name?: string): Memory;
}

/** Options for `instantiate`. */
export interface HarnessOptions {
  config?: ConfigOptions;
  engine?: Engine;
  store?: Store;
  /** Imports by "module.name": host functions, or externs of the same store. */
  imports?: Record<string, HostFn | Extern>;
}

/**
 * Compiles and instantiates `source` (WAT or a binary) through the public API. The tier is
 * `codegen` unless `opts.config` says otherwise: tests here read the translated code, which
 * under `auto` also holds the tier-up counters (`TierUp`; see tests/engine/tier_up_test.ts).
 */
export function instantiate(source: string | Uint8Array, opts: HarnessOptions = {}): TestInstance {
  const engine = opts.engine ??
    new Engine(new Config({ executionTier: "codegen", ...opts.config }));
  const store = opts.store ?? new Store(engine, null);
  const module = new Module(engine, typeof source === "string" ? wat(source) : source);
  const linker = new Linker(engine);
  for (const imp of module.imports()) {
    const found = opts.imports?.[`${imp.module}.${imp.name}`];
    if (found === undefined) throw new Error(`missing import ${imp.module}.${imp.name}`);
    const extern = typeof found === "function"
      ? Func.wrap(store, imp.type as FuncType, (_caller, ...args: JsVal[]) => found(...args))
      : found;
    linker.define(imp.module, imp.name, extern);
  }
  const instance = linker.instantiate(store, module);
  const func = (name: string): Func => {
    const f = instance.getFunc(store, name);
    if (f === undefined) throw new Error(`no exported function ${name}`);
    return f;
  };
  const entity = (name: string): WasmFuncEntity => {
    const e: FuncEntity = funcs.entity(store, func(name));
    if (e.isHost) throw new Error(`${name} is a host function`);
    return e;
  };
  return {
    engine,
    store,
    inner: storeInner(store),
    instance,
    call: (name, ...args) => func(name).typed(store).call(store, ...args) as JsVal | JsVal[],
    func,
    entity,
    code: (name) => disassemble(engine.compile(entity(name)).code),
    memory(name) {
      const memory = name === undefined
        ? instance.exports(store).map((e) => e.value).find((v) => v instanceof Memory)
        : instance.getMemory(store, name);
      if (!(memory instanceof Memory)) throw new Error(`no exported memory ${name ?? ""}`);
      return memory;
    },
  };
}

/**
 * The interpreter (fuel off, then on) and generated code (both spellings, the lean one also
 * metered): the configurations of `eachTier`.
 */
const EACH_TIER = [
  { executionTier: "interpreter" as const },
  { executionTier: "interpreter" as const, consumeFuel: true },
  { executionTier: "codegen" as const },
  { executionTier: "codegen" as const, codegenStyle: "lean" as const },
  { executionTier: "codegen" as const, codegenStyle: "lean" as const, consumeFuel: true },
];

/**
 * Instantiates `text` once per configuration of `EACH_TIER` (fuel refilled generously) and
 * runs `check` on each, for rows that must compute the same in both tiers and under fuel.
 */
export function eachTier(text: string, check: (t: TestInstance) => void): void {
  for (const config of EACH_TIER) {
    const t = instantiate(text, { config });
    if (config.consumeFuel) t.store.setFuel(1_000_000_000n);
    check(t);
  }
}

/**
 * The structured source the code generator makes for the compiled body `cf` of a function of
 * `module` as the engine makes it for an ordinary (not collectable) function: metered,
 * self-framed, with its module's call shapes and a direct entry, long loops split.
 */
export function directSource(
  cf: CompiledFunc,
  module: Parameters<typeof callShapesOf>[0],
): ReturnType<typeof generateSource> {
  return generateSource(cf.code, {
    numResults: cf.numResults,
    structured: true,
    paramWords: cf.paramWords,
    localWords: cf.localWords,
    self: cf.funcIndex,
    shapeOf: callShapesOf(module),
    directOpts: directOptionsOf(cf, module),
    splitLong: true,
  });
}

/**
 * Calls `name(arg)` of `t` through `callResumable` from `budget` fuel, adding `step` fuel at each
 * out-of-fuel stop, and appends to `log` each stop (`["stop", required, fuel left]`), then the
 * result and the fuel left at the end: what the fuel tests compare between tiers.
 */
export function resumedFuelLog(
  t: TestInstance,
  name: string,
  arg: number,
  budget: number,
  step: number,
  log: unknown[],
  maxStops = 200_000,
): unknown[] {
  t.store.setFuel(budget);
  let call = t.func(name).callResumable(t.store, [Val.i32(arg)]);
  let stops = 0;
  while (call.kind === "outOfFuel") {
    log.push(["stop", call.requiredFuel, t.store.getFuel()]);
    if (++stops > maxStops) throw new Error("too many stops");
    t.store.setFuel(t.store.getFuel() + BigInt(step));
    call = call.resume(t.store);
  }
  assert.equal(call.kind, "finished");
  log.push(["result", call.kind === "finished" ? call.results[0]!.value : null]);
  log.push(["left", t.store.getFuel()]);
  return log;
}

/**
 * Calls `name(...args)` of `t` from `budget` fuel, all of it spendable at once, through the
 * engine's resumable call. At each out-of-fuel stop `onStop` logs the stop and refuels; it returns
 * false to cut the run there (the log then ends with `cut`). Otherwise the log ends with the
 * result (or the trap's message) and the fuel left.
 */
export function fuelLog(
  t: TestInstance,
  name: string,
  args: readonly number[],
  budget: number,
  onStop: (st: ExecStack, log: unknown[]) => boolean,
): unknown[] {
  // One slot of SLOT_WORDS words per argument (and for the result): word 0 holds an i32.
  const io = new Int32Array(Math.max(1, args.length) * SLOT_WORDS);
  args.forEach((a, i) => io[i * SLOT_WORDS] = a);
  t.inner.fuel = budget;
  t.inner.fuelReserve = 0;
  const st = t.engine.startCall(t.entity(name), io);
  const log: unknown[] = [];
  try {
    for (;;) {
      const status = t.engine.resumeCall(t.inner, st);
      if (status === DONE) break;
      assert.equal(status, OUT_OF_FUEL);
      if (!onStop(st, log)) return [...log, "cut"];
    }
    t.engine.finishCall(st, io, 1);
    log.push(io[0]);
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    log.push(e.message);
  }
  log.push(t.inner.fuel + t.inner.fuelReserve);
  return log;
}

/**
 * Calls `func` with each argument list in turn, logging its first result's value, or the trap's
 * code and backtrace when it traps (any other error fails the test).
 */
export function callsLog(
  log: unknown[],
  store: Store<unknown>,
  func: Func,
  argLists: Val[][],
): void {
  for (const args of argLists) {
    try {
      log.push(func.call(store, args)[0]!.value);
    } catch (e) {
      assert.ok(e instanceof Trap);
      log.push(e.code, e.backtrace);
    }
  }
}

/**
 * For each `at`, arms the host (`arm(at)`: its `at`-th call throws), calls `func` resumably, and
 * logs the host-trap stop's frames with locals, then the result of resuming it with `value`.
 */
export function hostTrapsLog(
  log: unknown[],
  store: Store<unknown>,
  func: Func,
  args: Val[],
  ats: readonly number[],
  arm: (at: number) => void,
  value: Val,
): void {
  for (const at of ats) {
    arm(at);
    const call = func.callResumable(store, args);
    assert.equal(call.kind, "hostTrap");
    if (call.kind !== "hostTrap") continue;
    log.push(call.frames(store, { locals: true }));
    const done = call.resume(store, [value]);
    if (done.kind === "finished") log.push(done.results[0]!.value);
  }
}
