/**
 * Differential execution: one module, run by several runners (native V8 `WebAssembly`; wasmi-ts
 * with fuel off, fuel on, eager compilation, fuel in small slices resumed at every stop), each
 * writing a transcript of what it observed, then compared. A second wasmi-ts execution tier
 * becomes one more `WasmiRunner` (a `Config` option) in `defaultRunners`.
 *
 * What a transcript holds, in order: the instantiation's outcome; per exported function (called
 * once, in export order, with arguments drawn from the seed and the function's index) its
 * outcome (results, trap kind or host fault) and every call of a `fuzzing-support` import it
 * made; at the end every table, global and memory (all exported by `exportEverything`).
 *
 * Values cross the JS boundary on the V8 side, where an f32/f64 becomes a JS number, so a NaN's
 * bits are not observable there: results, logs and globals render any NaN as `nan` on both
 * sides (the spec lets an arithmetic NaN's sign and payload differ anyway). Memory keeps NaN bits
 * and is compared byte for byte; the fuzz driver tells NaN nondeterminism from a real
 * divergence there by rerunning the module instrumented by binaryen's `--denan`.
 *
 * The `fuzzing-support` imports follow binaryen's fuzz shell, the same code for both engines:
 * `log-*` record their argument, `call-export`/`call-ref` call back into the module (the
 * `-catch` forms return 1 when that call failed), `table-get`/`table-set` access the exported
 * `table`, `sleep` returns its id. A callee with a v128 in its signature cannot be called from
 * JS, so the host refuses it (a host fault) on both sides.
 *
 * @module
 */

import {
  Config,
  DecodeError,
  Engine,
  type Func,
  FuncType,
  Global,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import wabtInit from "wabt";
import { ADDED_PREFIX, type FuzzFuncType, type FuzzValType, type ModuleShape } from "./_exports.ts";
import { mixSeed, uniform as prng } from "../_lib/prng.ts";

/** A module prepared for the runners. */
export interface Subject {
  /** The module, with everything exported (see `exportEverything`). */
  wasm: Uint8Array;
  shape: ModuleShape;
  /** Seeds the arguments of every call. */
  seed: number;
}

/** What one runner observed. */
export interface Transcript {
  runner: string;
  events: string[];
  memories: Uint8Array[];
  /** Set when the run stopped early (fuel, stack exhaustion); such runs are not compared. */
  cut?: string;
}

/** An engine (or a tier of one) that runs a subject. */
export interface Runner {
  readonly name: string;
  run(subject: Subject): Transcript;
}

/** A host function's refusal, the same on both sides. */
export class HostFault extends Error {
  constructor(readonly what: string) {
    super(`host fault: ${what}`);
    this.name = "HostFault";
  }
}

/** Host calls allowed per module run; past it every import call faults. */
export const HOST_CALL_LIMIT = 20_000;
/** V8's limit on table sizes, mirrored by the wasmi-ts stores' limiter. */
export const V8_MAX_TABLE_SIZE = 10_000_000;
/** Fuel for one module run in the fueled runner; a run needing more is cut off. */
export const DEFAULT_FUEL = 20_000_000;

// ---------------------------------------------------------------------------------------------
// Arguments and rendering

type Arg = number | bigint | null;

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const F64_BITS = new BigUint64Array(F64.buffer);

const I32_SPECIAL = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 65536, 65535, 1024, 15];
const I64_SPECIAL = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 4294967296n, 255n];
const F_SPECIAL = [0, -0, 1, -1, 0.5, Infinity, -Infinity, 5e-324, 1.1754943508222875e-38, 1e10];

/** The arguments of a call of function `index` (never NaN: JS could not carry its bits). */
export function argsFor(seed: number, index: number, type: FuzzFuncType): Arg[] {
  const rand = prng(mixSeed(seed, index));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return type.params.map((t): Arg => {
    const special = rand() < 0.5;
    switch (t) {
      case "i32":
        return special ? pick(I32_SPECIAL) : (rand() * 2 ** 32) | 0;
      case "i64":
        return special ? pick(I64_SPECIAL) : BigInt.asIntN(
          64,
          (BigInt((rand() * 2 ** 32) >>> 0) << 32n) | BigInt((rand() * 2 ** 32) >>> 0),
        );
      case "f32":
        return Math.fround(special ? pick(F_SPECIAL) : (rand() - 0.5) * 2 ** ((rand() * 80) | 0));
      case "f64":
        return special ? pick(F_SPECIAL) : (rand() - 0.5) * 2 ** ((rand() * 200) | 0);
      default:
        return null;
    }
  });
}

/** `i32:-1`, `i64:5`, `f32:0x3f800000`, `f64:nan`. */
function renderNumber(type: FuzzValType, v: unknown): string {
  switch (type) {
    case "i32":
      return `i32:${(v as number) | 0}`;
    case "i64":
      return `i64:${BigInt.asIntN(64, v as bigint)}`;
    case "f32":
      if (Number.isNaN(v)) return "f32:nan";
      F32[0] = v as number;
      return `f32:0x${F32_BITS[0]!.toString(16)}`;
    case "f64":
      if (Number.isNaN(v)) return "f64:nan";
      F64[0] = v as number;
      return `f64:0x${F64_BITS[0]!.toString(16)}`;
    default:
      return `${type}:?`;
  }
}

/** The values given to the module's `__fuzz_import` externref globals, one object per name. */
const externs = new Map<string, object>();
const externNames = new Map<unknown, string>();
function externFor(name: string): object {
  let x = externs.get(name);
  if (x === undefined) {
    x = Object.freeze({ fuzzImport: name });
    externs.set(name, x);
    externNames.set(x, name);
  }
  return x;
}

/** `ref:null`, `ref:f3` (function 3 of the module), `ref:x:name` (an imported extern value). */
function renderRef(ref: unknown, funcIds: Map<unknown, number>): string {
  if (ref === null || ref === undefined) return "ref:null";
  const f = funcIds.get(ref);
  if (f !== undefined) return `ref:f${f}`;
  const x = externNames.get(ref);
  return x !== undefined ? `ref:x:${x}` : "ref:?";
}

function renderTable(size: number, get: (i: number) => string): string {
  const parts: string[] = [];
  let last = "", run = 0;
  for (let i = 0; i <= size; i++) {
    const cur = i < size ? get(i) : "";
    if (cur === last && i < size) {
      run++;
      continue;
    }
    if (run > 0) parts.push(run > 1 ? `${last}*${run}` : last);
    last = cur;
    run = 1;
  }
  return `size=${size} [${parts.join(" ")}]`;
}

const hasV128 = (t: FuzzFuncType) => t.params.includes("v128") || t.results.includes("v128");

// ---------------------------------------------------------------------------------------------
// Outcomes

/**
 * Trap kinds. Where V8's message covers two of the spec's kinds, its kind is written `a|b` and
 * matches either (see `eventsAgree`).
 */
const WASMI_TRAPS: Record<number, string> = {
  [TrapCode.UnreachableCodeReached]: "unreachable",
  [TrapCode.MemoryOutOfBounds]: "memory-oob",
  [TrapCode.TableOutOfBounds]: "table-oob",
  [TrapCode.IndirectCallToNull]: "indirect-null",
  [TrapCode.BadSignature]: "indirect-signature",
  [TrapCode.IntegerDivisionByZero]: "div-by-zero",
  [TrapCode.IntegerOverflow]: "int-overflow",
  [TrapCode.BadConversionToInteger]: "bad-conversion",
  [TrapCode.StackOverflow]: "exhausted",
  [TrapCode.OutOfFuel]: "out-of-fuel",
  [TrapCode.GrowthOperationLimited]: "growth-limited",
};

/** V8's `RuntimeError` messages, by trap kind. */
const V8_TRAPS: Record<string, string> = {
  "unreachable": "unreachable",
  "memory access out of bounds": "memory-oob",
  "data segment out of bounds": "memory-oob",
  "table index is out of bounds": "table-oob",
  "element segment out of bounds": "table-oob",
  "null function or function signature mismatch": "indirect-null|indirect-signature",
  "function signature mismatch": "indirect-signature",
  "null function": "indirect-null",
  "divide by zero": "div-by-zero",
  "remainder by zero": "div-by-zero",
  "divide result unrepresentable": "int-overflow",
  // A NaN (spec: "invalid conversion") or a value out of range (spec: "integer overflow").
  "float unrepresentable in integer range": "int-overflow|bad-conversion",
};

const TRAP_OUTCOME = /^ {2}=> trap:/;

/** Whether two events agree: equal, or trap kinds where one side's `a|b` contains the other's. */
export function eventsAgree(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || !TRAP_OUTCOME.test(a) || !TRAP_OUTCOME.test(b)) {
    return false;
  }
  const x = a.slice(10).split("|"), y = b.slice(10).split("|");
  return x.some((k) => y.includes(k)) && (x.length === 1 || y.length === 1);
}

// The classifiers run where the JS stack may be all but exhausted: no regular expressions (V8
// compiles one on first use, or when tiering it up, and fails with a SyntaxError when out of
// stack), only plain string operations.

const JS_STACK_OVERFLOW = "Maximum call stack size exceeded";

/** Whether `e`, or an error in its `cause` chain, is a JS stack overflow. */
function isStackOverflow(e: unknown): boolean {
  for (let depth = 0; e instanceof Error && depth < 8; depth++, e = e.cause) {
    if (e.message.includes(JS_STACK_OVERFLOW)) return true;
  }
  return false;
}

function classifyV8(e: unknown): string {
  if (e instanceof HostFault) return `fault:${e.what}`;
  if (e instanceof WebAssembly.RuntimeError) {
    const kind = V8_TRAPS[e.message];
    return kind !== undefined ? `trap:${kind}` : `trap:v8:${e.message}`;
  }
  if (isStackOverflow(e)) return "trap:exhausted";
  return `error:${(e as Error)?.name}: ${(e as Error)?.message}`;
}

function classifyWasmi(e: unknown): string {
  // A host function's error reaches the caller as the cause of a HostError trap.
  while (e instanceof Trap && e.code === TrapCode.HostError && e.cause !== undefined) e = e.cause;
  if (e instanceof HostFault) return `fault:${e.what}`;
  // A JS stack overflow inside the engine can surface as a RangeError, as another error thrown
  // by code that itself ran out of stack, or as the cause of some other trap (issue 18).
  if (e instanceof Trap && e.code !== TrapCode.StackOverflow && isStackOverflow(e.cause)) {
    return `error:JS stack: ${e.codeName} trap caused by a JS stack overflow`;
  }
  if (e instanceof Trap) return `trap:${WASMI_TRAPS[e.code] ?? e.codeName}`;
  if (isStackOverflow(e)) return `error:JS stack: ${(e as Error).name}: ${(e as Error).message}`;
  return `error:${(e as Error)?.name}: ${(e as Error)?.message}`;
}

/** Why a run must stop at an outcome, if it must. */
function cutReason(outcome: string): string | undefined {
  if (outcome === "trap:out-of-fuel") return "out of fuel";
  if (outcome === "trap:exhausted") return "call stack exhausted";
  if (outcome.startsWith("error:JS stack")) return "wasmi-ts: JS stack exhausted (issue 18)";
  return undefined;
}

/**
 * The host side shared by all runners: counts host calls, records logs, and runs the
 * `fuzzing-support` semantics over an engine's primitive operations.
 */
class Host {
  events: string[] = [];
  hostCalls = 0;
  cut: string | undefined;
  constructor(
    readonly subject: Subject,
    readonly classify: (e: unknown) => string,
    /** Calls function `index` with `args` (throws what the engine throws). */
    readonly invoke: (index: number, args: Arg[]) => void,
  ) {}

  enter(): void {
    if (++this.hostCalls > HOST_CALL_LIMIT) throw new HostFault("host call budget");
  }

  log(text: string): void {
    this.enter();
    this.events.push(`  log ${text}`);
  }

  /** Calls function `index` for `call-export`/`call-ref`: a v128 signature cannot be. */
  callIndex(index: number | undefined): void {
    if (index === undefined) throw new HostFault("not a function of this module");
    const type = this.subject.shape.funcs[index]!;
    if (hasV128(type)) throw new HostFault("v128 at the JS boundary");
    this.invoke(index, argsFor(this.subject.seed, index, type));
  }

  callExport(i: number): void {
    this.enter();
    const ex = this.subject.shape.exports[i >>> 0];
    if (ex === undefined || ex.kind !== 0) throw new HostFault("call-export of a non-function");
    this.callIndex(ex.index);
  }

  /** The `-catch` forms: 1 when the call trapped or faulted; a cut-off stops the whole run. */
  catching(call: () => void): number {
    try {
      call();
      return 0;
    } catch (e) {
      const outcome = this.classify(e);
      const reason = cutReason(outcome);
      if (reason !== undefined) this.cut ??= reason;
      // Only a trap or a host fault is a failure the module may see; anything else (a JS error
      // from the engine or the harness) goes on to the top, where the transcript records it.
      if (reason !== undefined || outcome.startsWith("error:")) throw e;
      return 1;
    }
  }

  /** Calls every exported function in order, recording each outcome. */
  callAll(call: (name: string, index: number, args: Arg[]) => string[]): void {
    for (const ex of this.subject.shape.exports) {
      if (ex.kind !== 0) continue;
      const type = this.subject.shape.funcs[ex.index]!;
      if (hasV128(type)) {
        this.events.push(`skip ${ex.name} (v128 at the JS boundary)`);
        continue;
      }
      const args = argsFor(this.subject.seed, ex.index, type);
      this.events.push(
        `call ${ex.name}(${args.map((a, i) => renderNumber(type.params[i]!, a ?? 0)).join(", ")})`,
      );
      let outcome: string;
      try {
        outcome = `  => ${call(ex.name, ex.index, args).join(", ")}`;
      } catch (e) {
        outcome = `  => ${this.classify(e)}`;
        const reason = cutReason(outcome.slice(5));
        if (reason !== undefined) this.cut ??= reason;
      }
      this.events.push(outcome);
      if (this.cut !== undefined) return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Native V8

let v128Adapter: WebAssembly.Module | undefined;

/** A module that V8 can call with a v128: it logs the two i64 lanes through a JS import. */
async function loadV128Adapter(): Promise<WebAssembly.Module> {
  const wabt = await wabtInit();
  const text = `(module
    (import "host" "lanes" (func $lanes (param i64 i64)))
    (func (export "log") (param v128)
      (call $lanes (i64x2.extract_lane 0 (local.get 0)) (i64x2.extract_lane 1 (local.get 0)))))`;
  const parsed = wabt.parseWat("adapter.wat", text, { simd: true });
  try {
    return new WebAssembly.Module(parsed.toBinary({}).buffer as BufferSource);
  } finally {
    parsed.destroy();
  }
}

/** Prepares what the runners need once per process. */
export async function setUpRunners(): Promise<void> {
  v128Adapter ??= await loadV128Adapter();
}

const lanes = (lo: bigint, hi: bigint) =>
  `v128:${BigInt.asUintN(64, hi).toString(16).padStart(16, "0")}${
    BigInt.asUintN(64, lo).toString(16).padStart(16, "0")
  }`;

/** The reference: the host's own `WebAssembly`. */
export class V8Runner implements Runner {
  readonly name = "v8";

  run(subject: Subject): Transcript {
    const { shape } = subject;
    // deno-lint-ignore no-explicit-any
    let exports: Record<string, any> = {};
    const funcIds = new Map<unknown, number>();
    const host: Host = new Host(subject, classifyV8, (index, args) => {
      exports[`${ADDED_PREFIX}f${index}`](...args);
    });
    const transcript = (): Transcript => ({
      runner: this.name,
      events: [...host.events, `host calls: ${host.hostCalls}`],
      memories,
      ...(host.cut !== undefined ? { cut: host.cut } : {}),
    });
    const memories: Uint8Array[] = [];
    const table = () => {
      const t = exports["table"];
      if (!(t instanceof WebAssembly.Table)) throw new HostFault("no exported table");
      return t;
    };
    const adapter = new WebAssembly.Instance(v128Adapter!, {
      host: { lanes: (lo: bigint, hi: bigint) => host.log(lanes(lo, hi)) },
    });
    const support: Record<string, (...args: never[]) => unknown> = {
      "log-i32": (x: number) => host.log(renderNumber("i32", x)),
      "log-i64": (x: bigint) => host.log(renderNumber("i64", x)),
      "log-f32": (x: number) => host.log(renderNumber("f32", x)),
      "log-f64": (x: number) => host.log(renderNumber("f64", x)),
      "log-v128": adapter.exports["log"] as () => void,
      "call-export": (i: number) => host.callExport(i),
      "call-export-catch": (i: number) => host.catching(() => host.callExport(i)),
      "call-ref": (f: unknown) => (host.enter(), host.callIndex(funcRef(f))),
      "call-ref-catch": (f: unknown) =>
        host.catching(() => (host.enter(), host.callIndex(funcRef(f)))),
      "table-get": (i: number) => {
        host.enter();
        if (i >>> 0 >= table().length) throw new HostFault("table-get out of bounds");
        return table().get(i >>> 0);
      },
      "table-set": (i: number, f: unknown) => {
        host.enter();
        if (i >>> 0 >= table().length) throw new HostFault("table-set out of bounds");
        table().set(i >>> 0, f);
      },
      "sleep": (_ms: number, id: number) => (host.enter(), id),
    };
    const funcRef = (f: unknown): number | undefined => {
      if (f === null) throw new HostFault("call-ref of null");
      return funcIds.get(f);
    };
    const imports: WebAssembly.Imports = {};
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(subject.wasm as BufferSource);
      for (const imp of WebAssembly.Module.imports(module)) {
        const ns = (imports[imp.module] ??= {}) as Record<string, unknown>;
        if (imp.module === "fuzzing-support" && imp.kind === "function" && imp.name in support) {
          ns[imp.name] = support[imp.name];
        } else if (imp.module === "__fuzz_import" && imp.kind === "global") {
          ns[imp.name] = new WebAssembly.Global(
            { value: "externref", mutable: false },
            externFor(imp.name),
          );
        } else {
          host.events.push(`unsupported import ${imp.module}.${imp.name}`);
          return transcript();
        }
      }
    } catch (e) {
      host.events.push(`compile: ${classifyV8(e)}`);
      return transcript();
    }
    try {
      exports = new WebAssembly.Instance(module, imports).exports;
    } catch (_) {
      host.events.push("instantiate: failed");
      return transcript();
    }
    host.events.push("instantiate: ok");
    for (let i = 0; i < shape.funcs.length; i++) funcIds.set(exports[`${ADDED_PREFIX}f${i}`], i);
    host.callAll((name, index, args) => {
      const out = exports[name](...args);
      const results = shape.funcs[index]!.results;
      const values = results.length === 1 ? [out] : results.length === 0 ? [] : out;
      return results.map((t, i) =>
        t === "funcref" || t === "externref"
          ? renderRef(values[i], funcIds)
          : renderNumber(t, values[i])
      );
    });
    if (host.cut !== undefined) return transcript();
    for (let i = 0; i < shape.tables; i++) {
      const t = exports[`${ADDED_PREFIX}t${i}`] as WebAssembly.Table;
      host.events.push(`table ${i} ${renderTable(t.length, (j) => renderRef(t.get(j), funcIds))}`);
    }
    shape.globals.forEach((type, i) => {
      const g = exports[`${ADDED_PREFIX}g${i}`] as WebAssembly.Global;
      const text = type === "v128"
        ? "v128 (not observable in V8)"
        : type === "funcref" || type === "externref"
        ? renderRef(g.value, funcIds)
        : renderNumber(type, g.value);
      host.events.push(`global ${i} ${text}`);
    });
    for (let i = 0; i < shape.memories; i++) {
      const m = exports[`${ADDED_PREFIX}m${i}`] as WebAssembly.Memory;
      memories.push(new Uint8Array(m.buffer).slice());
    }
    return transcript();
  }
}

// ---------------------------------------------------------------------------------------------
// wasmi-ts

function toVal(type: FuzzValType, arg: Arg): Val {
  switch (type) {
    case "i32":
      return Val.i32(arg as number);
    case "i64":
      return Val.i64(arg as bigint);
    case "f32":
      return Val.f32(arg as number);
    case "f64":
      return Val.f64(arg as number);
    case "funcref":
      return Val.funcref(null);
    case "externref":
      return Val.externref(null);
    default:
      throw new Error(`No argument of type ${type}`);
  }
}

function renderVal(v: Val, funcIds: Map<unknown, number>): string {
  const t = v.type as FuzzValType;
  if (t === "funcref" || t === "externref") return renderRef(v.value, funcIds);
  if (t === "v128") return `v128:${(v.bits as bigint).toString(16).padStart(32, "0")}`;
  return renderNumber(t, v.value);
}

/**
 * Opcodes of typed function references (Wasm 3.0) that binaryen's `-ttf` may emit even without
 * the GC feature: `call_ref`, `return_call_ref`, `ref.as_non_null`, `br_on_null`,
 * `br_on_non_null`.
 */
const POST_2_0_OPCODES = new Set([0x14, 0x15, 0xd4, 0xd5, 0xd6]);

/** Options of a wasmi-ts runner. */
export interface WasmiRunnerOptions {
  /** The name in transcripts (default `wasmi-ts`, or `wasmi-ts+fuel` with fuel). */
  name?: string;
  /** Meter fuel, with this much for the whole module run; running out cuts the run off. */
  fuel?: number;
  /**
   * With `fuel`: give the store only this much at a time, make every call (from the harness and
   * from host functions calling back) with `callResumable`, and resume after every out-of-fuel
   * stop, until `fuel` in all has been given.
   */
  fuelSlice?: (seed: number) => number;
  /** Extra `Config` options (compilation mode, ...). */
  config?: ConstructorParameters<typeof Config>[0];
}

/** The engine under test, through its public API only. */
export class WasmiRunner implements Runner {
  readonly name: string;
  readonly #engine: Engine;
  readonly #fuel: number | undefined;
  readonly #slice: ((seed: number) => number) | undefined;

  constructor(options: WasmiRunnerOptions = {}) {
    this.#fuel = options.fuel;
    this.#slice = options.fuel !== undefined ? options.fuelSlice : undefined;
    this.name = options.name ?? (options.fuel !== undefined ? "wasmi-ts+fuel" : "wasmi-ts");
    this.#engine = new Engine(
      new Config({ ...options.config, consumeFuel: options.fuel !== undefined }),
    );
  }

  run(subject: Subject): Transcript {
    const { shape } = subject;
    const store = new Store(this.#engine, null);
    store.limiter({
      memoryGrowing: () => true,
      tableGrowing: (_current, desired) => desired <= V8_MAX_TABLE_SIZE,
    });
    const slice = this.#slice?.(subject.seed);
    // Instantiation (a start function) cannot be resumed: it gets the whole budget.
    let given = this.#fuel ?? 0;
    if (this.#fuel !== undefined) store.setFuel(given);
    /** Adds a slice of fuel, or cuts the run off once the whole budget was given. */
    const refuel = (): void => {
      if (slice === undefined) return;
      if ((given += slice) > this.#fuel!) throw new Trap(TrapCode.OutOfFuel);
      store.setFuel(store.getFuel() + BigInt(slice));
    };
    const funcs: Func[] = [];
    const funcIds = new Map<unknown, number>();
    /** Calls `func`; with fuel slices, resumably, resuming after each out-of-fuel stop. */
    const call = (func: Func, index: number, args: Arg[]): Val[] => {
      const type = shape.funcs[index]!;
      const params = args.map((a, i) => toVal(type.params[i]!, a));
      if (slice === undefined) return func.call(store, params);
      let call = func.callResumable(store, params);
      for (;;) {
        if (call.kind === "finished") return call.results;
        // A host function threw: as a plain call would have trapped (the handle is dropped).
        if (call.kind === "hostTrap") throw call.hostError;
        refuel();
        call = call.resume(store);
      }
    };
    const host: Host = new Host(subject, classifyWasmi, (index, args) => {
      call(funcs[index]!, index, args);
    });
    const memories: Uint8Array[] = [];
    const transcript = (): Transcript => ({
      runner: this.name,
      events: [...host.events, `host calls: ${host.hostCalls}`],
      memories,
      ...(host.cut !== undefined ? { cut: host.cut } : {}),
    });
    let instance: ReturnType<Linker["instantiate"]>;
    const table = () => {
      const t = instance.getTable(store, "table");
      if (t === undefined) throw new HostFault("no exported table");
      return t;
    };
    const funcRef = (f: unknown): number | undefined => {
      if (f === null) throw new HostFault("call-ref of null");
      return funcIds.get(f);
    };
    const v128Lanes = (bytes: Uint8Array) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
      return lanes(view.getBigInt64(0, true), view.getBigInt64(8, true));
    };
    // deno-lint-ignore no-explicit-any
    const support: Record<string, (...args: any[]) => unknown> = {
      "log-i32": (x: number) => host.log(renderNumber("i32", x)),
      "log-i64": (x: bigint) => host.log(renderNumber("i64", x)),
      "log-f32": (x: number) => host.log(renderNumber("f32", x)),
      "log-f64": (x: number) => host.log(renderNumber("f64", x)),
      "log-v128": (x: Uint8Array) => host.log(v128Lanes(x)),
      "call-export": (i: number) => host.callExport(i),
      "call-export-catch": (i: number) => host.catching(() => host.callExport(i)),
      "call-ref": (f: unknown) => (host.enter(), host.callIndex(funcRef(f))),
      "call-ref-catch": (f: unknown) =>
        host.catching(() => (host.enter(), host.callIndex(funcRef(f)))),
      "table-get": (i: number) => {
        host.enter();
        if (i >>> 0 >= table().size(store)) throw new HostFault("table-get out of bounds");
        return table().get(store, i >>> 0)!.value;
      },
      "table-set": (i: number, f: Func | null) => {
        host.enter();
        if (i >>> 0 >= table().size(store)) throw new HostFault("table-set out of bounds");
        table().set(store, i >>> 0, Val.funcref(f));
      },
      "sleep": (_ms: number, id: number) => (host.enter(), id),
    };
    let module: Module;
    const linker = new Linker<null>(this.#engine);
    try {
      // V8 rejects a bad body at compile time; in `lazy` mode the engine would only reject it
      // when the function is first called, so check the whole module first to compare the two.
      if (this.#engine.config.compilationMode === "lazy") {
        Module.validate(this.#engine, subject.wasm);
      }
      module = new Module(this.#engine, subject.wasm);
      for (const imp of module.imports()) {
        if (imp.module === "fuzzing-support" && imp.type instanceof FuncType) {
          const fn = support[imp.name];
          if (fn === undefined) {
            host.events.push(`unsupported import ${imp.module}.${imp.name}`);
            return transcript();
          }
          linker.funcWrap(imp.module, imp.name, imp.type, (_caller, ...args) => fn(...args));
        } else if (imp.module === "__fuzz_import" && !(imp.type instanceof FuncType)) {
          linker.define(
            imp.module,
            imp.name,
            new Global(store, Val.externref(externFor(imp.name)), "const"),
          );
        } else {
          host.events.push(`unsupported import ${imp.module}.${imp.name}`);
          return transcript();
        }
      }
    } catch (e) {
      host.events.push(`compile: ${classifyWasmi(e)}`);
      const op = e instanceof DecodeError ? subject.wasm[e.offset] : undefined;
      if (
        op !== undefined && POST_2_0_OPCODES.has(op) && /illegal opcode/.test((e as Error).message)
      ) {
        // binaryen emits these with reference types alone; V8 has them (Wasm 3.0), the engine
        // rightly does not, so the module is not comparable.
        host.cut = `generator used a post-Wasm-2.0 instruction (0x${op.toString(16)})`;
      }
      return transcript();
    }
    try {
      instance = linker.instantiate(store, module);
    } catch (e) {
      if (Deno.env.get("FUZZ_DEBUG")) console.error(e);
      host.events.push("instantiate: failed");
      return transcript();
    }
    host.events.push("instantiate: ok");
    if (slice !== undefined) {
      given = this.#fuel! - Number(store.getFuel()) + slice;
      store.setFuel(slice);
    }
    for (let i = 0; i < shape.funcs.length; i++) {
      const f = instance.getFunc(store, `${ADDED_PREFIX}f${i}`)!;
      funcs.push(f);
      funcIds.set(f, i);
    }
    host.callAll((name, index, args) =>
      call(instance.getFunc(store, name)!, index, args).map((v) => renderVal(v, funcIds))
    );
    if (host.cut !== undefined) return transcript();
    for (let i = 0; i < shape.tables; i++) {
      const t = instance.getTable(store, `${ADDED_PREFIX}t${i}`)!;
      const text = renderTable(t.size(store), (j) => renderRef(t.get(store, j)!.value, funcIds));
      host.events.push(`table ${i} ${text}`);
    }
    shape.globals.forEach((type, i) => {
      const v = instance.getGlobal(store, `${ADDED_PREFIX}g${i}`)!.get(store);
      host.events.push(
        `global ${i} ${type === "v128" ? "v128 (not observable in V8)" : renderVal(v, funcIds)}`,
      );
    });
    for (let i = 0; i < shape.memories; i++) {
      memories.push(instance.getMemory(store, `${ADDED_PREFIX}m${i}`)!.data(store).slice());
    }
    return transcript();
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** The first difference between two transcripts, or undefined when they agree. */
export function compareTranscripts(a: Transcript, b: Transcript): string | undefined {
  const n = Math.max(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    if (!eventsAgree(a.events[i], b.events[i])) {
      const context = a.events.slice(Math.max(0, i - 3), i).map((e) => `    ${e}`).join("\n");
      return `event ${i} differs:\n${context}\n  ${a.runner}: ${
        a.events[i] ?? "(end)"
      }\n  ${b.runner}: ${b.events[i] ?? "(end)"}`;
    }
  }
  if (a.memories.length !== b.memories.length) return "different memory counts";
  for (let m = 0; m < a.memories.length; m++) {
    const x = a.memories[m]!, y = b.memories[m]!;
    if (x.length !== y.length) {
      return `memory ${m}: ${a.runner} has ${x.length} bytes, ${b.runner} ${y.length}`;
    }
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) {
        const hex = (z: Uint8Array) =>
          Array.from(z.subarray(i & ~7, (i & ~7) + 16), (c) => c.toString(16).padStart(2, "0"))
            .join(" ");
        return `memory ${m} differs at byte ${i}:\n  ${a.runner}: ${hex(x)}\n  ${b.runner}: ${
          hex(y)
        }`;
      }
    }
  }
  return undefined;
}
