/**
 * `Engine`: what modules compiled with it share: the config, the function-type registry and
 * the compiled code; and the entry points that run a function on a store: `execute` for a plain
 * call, and `startCall` / `resumeCall` / `finishCall` for a call that may stop and continue
 * (resumable and async calls, see DESIGN.md §2).
 *
 * @module
 */

import { TYPES } from "../core/type_registry.ts";
import { Config, type FuelCosts } from "./config.ts";
import { ConfigError, DecodeError, ValidationError } from "../core/errors.ts";
import type { FuncType } from "../core/types.ts";
import type { ModuleDecl } from "../binary/module.ts";
import { Trap, TrapCode } from "../core/trap.ts";
import {
  type ExnEntity,
  type FuncEntity,
  SLOT_WORDS,
  type StoreInner,
  type WasmFuncEntity,
} from "./entities.ts";
import { throwException } from "./exceptions.ts";
import {
  type CodeFootprint,
  CodeMap,
  type CompiledFunc,
  type ModuleCode,
  PendingFuncs,
} from "./code_map.ts";
import { scanBody } from "../binary/section_code.ts";
import { DecodeContext } from "../binary/decode_context.ts";
import { FuncValidator, ModuleContext } from "../validate/mod.ts";
import { translateEager, translateFunc } from "./translator.ts";
import { DONE, HOST_AWAIT, OUT_OF_FUEL, type RunStatus, runSteady } from "./executor.ts";
import { BulkFuel } from "./fuel.ts";
import { realmLacksWebAssembly } from "./codegen_lean.ts";
import { codeGenerationAllowed, generateBody, type GeneratedBody, runTiered } from "./codegen.ts";
import { enterHostCall, leaveHostCall } from "./reentry.ts";
import { ExecStack } from "./stack.ts";

export { DONE, HOST_AWAIT, OUT_OF_FUEL, type RunStatus } from "./executor.ts";

/**
 * `resumeCall`: a host function called from Wasm threw (`st.host` names it, `st.hostError` holds
 * the error); write its results at `st.hostBase`, clear `st.host` and resume to continue.
 */
export const HOST_TRAP: RunStatus = 3;

/** Execution stacks larger than this (in words: 16 MiB) are dropped rather than pooled. */
const MAX_CACHED_WORDS = 4 * 1024 * 1024;

/**
 * Calls plus loop iterations after which the `auto` tier generates a function (see "When a
 * function is generated" in `codegen.ts`, which has the measurements).
 */
const HOT_THRESHOLD = 1000;

/**
 * Compiles and runs Wasm. Cheap to share between stores and modules.
 *
 * @example
 * ```ts
 * import { Engine } from "./engine.ts";
 * import { Config } from "./config.ts";
 * const engine = new Engine(new Config({ maxRecursionDepth: 10_000 }));
 * if (engine.config.maxRecursionDepth !== 10_000) throw new Error();
 * const interpreted = new Engine(new Config({ executionTier: "interpreter" }));
 * if (interpreted.executionTier !== "interpreter") throw new Error();
 * ```
 */
export class Engine {
  /** The configuration this engine was created with. */
  readonly config: Config;
  /**
   * The tier that runs this engine's Wasm: `Config.executionTier`, with `auto` resolved for this
   * realm (`codegen` where `new Function` works).
   */
  readonly executionTier: "interpreter" | "codegen";
  /**
   * How the code-generation tier spells JavaScript: `Config.codegenStyle`, with `auto` resolved
   * for this realm (`lean` where `globalThis.WebAssembly` is missing, see `CodegenStyle`).
   */
  readonly codegenStyle: "jit" | "lean";
  /** Runs a call's frames: the interpreter, or the driver of both tiers. */
  readonly #run: (
    engine: Engine,
    store: StoreInner,
    st: ExecStack,
    baseDepth: number,
  ) => RunStatus;
  readonly #stats = { generated: 0, interpreted: 0, reasons: new Map<string, number>() };
  readonly #codeMap = new CodeMap();
  readonly #stacks: ExecStack[] = [];
  /** The fuel prices the translator compiles in (null: fuel is not metered). */
  readonly #fuelCosts: FuelCosts | null;
  /** `HOT_THRESHOLD` for the `auto` tier, 0 when functions are generated on first run. */
  readonly #hotness: number;
  /**
   * How many times the tiered driver continued a generated frame midway (see
   * `TieredCompiler.midwayEntries`).
   *
   * @internal
   */
  midwayEntries = 0;
  /**
   * The per-byte/element charges of bulk operations (null: fuel is not metered).
   *
   * @internal
   */
  readonly bulkFuel: BulkFuel | null;
  /**
   * Whether the interpreter runs its loop of every row, `run`, rather than `runCore` (see
   * `runSteady` in executor.ts): set for good when this engine's code first reaches a row that
   * `runCore` lacks.
   *
   * @internal
   */
  wideLoop = false;

  /**
   * Creates an engine.
   *
   * @param config the engine's configuration (defaults if omitted)
   * @throws {ConfigError} when `executionTier` is `codegen` and this realm forbids generating
   *   code from strings
   */
  constructor(config: Config = new Config()) {
    this.config = config;
    const tier = config.executionTier;
    const allowed = tier !== "interpreter" && codeGenerationAllowed();
    if (tier === "codegen" && !allowed) {
      throw new ConfigError(
        `Config.executionTier "codegen": this realm forbids code generation from strings`,
      );
    }
    this.executionTier = allowed ? "codegen" : "interpreter";
    this.#run = allowed ? runTiered : runSteady;
    this.codegenStyle = config.codegenStyle === "auto"
      ? (realmLacksWebAssembly() ? "lean" : "jit")
      : config.codegenStyle;
    this.#hotness = allowed && tier === "auto" ? HOT_THRESHOLD : 0;
    this.#fuelCosts = config.consumeFuel ? { ...config.fuelCosts } : null;
    this.bulkFuel = config.consumeFuel
      ? new BulkFuel(config.fuelCosts, config.fuelConsumptionMode)
      : null;
  }

  /**
   * What the code-generation tier did so far: how many function bodies it generated, how many
   * stayed in the interpreter altogether, and why (reason → count), including the instructions it
   * does not spell itself (when a generated body reaches one, the interpreter runs the rest of
   * that call). All zero when the engine runs the interpreter only.
   *
   * @example
   * ```ts
   * import { Engine } from "./engine.ts";
   * import { Config } from "./config.ts";
   * const stats = new Engine(new Config({ executionTier: "interpreter" })).codegenStats();
   * if (stats.generated !== 0 || stats.interpreted !== 0) throw new Error();
   * ```
   */
  codegenStats(): { generated: number; interpreted: number; reasons: Record<string, number> } {
    const { generated, interpreted, reasons } = this.#stats;
    return { generated, interpreted, reasons: Object.fromEntries(reasons) };
  }

  /**
   * The generated body of a compiled function, generated on its first run once it is hot (see
   * "When a function is generated" in `codegen.ts`); null when it runs in the interpreter.
   * `entry`: where the frame that made it hot continues (see `TieredCompiler.bodyOf`).
   *
   * @internal
   */
  bodyOf(cf: CompiledFunc, entry = 0, module?: ModuleDecl): GeneratedBody | null {
    if (cf.hotness > 0) return null; // not hot yet: the interpreter runs it (and counts)
    const known = cf.generated as GeneratedBody | null | undefined;
    if (known !== undefined) return known;
    // Where the value stack's words are a collector's roots, generated calls write every
    // cached slot back first, and push the callee's whole frame (see `I.Call` in codegen.ts).
    const c = this.config;
    const collectable = c.wasmGc || c.wasmExceptions;
    const result = generateBody(
      cf,
      undefined,
      collectable,
      entry,
      !collectable,
      module,
      this.codegenStyle === "lean",
      c.wasmExceptions,
      c.consumeFuel ? c.fuelCosts.elementsPerFuel - 1 : 0,
      // References as objects in generated JS locals (see codegen.ts), in the JIT spelling.
      c.wasmGc && this.codegenStyle !== "lean",
    );
    const reasons = this.#stats.reasons;
    if (typeof result === "string") {
      this.#stats.interpreted++;
      reasons.set(result, (reasons.get(result) ?? 0) + 1);
      cf.generated = null;
      return null;
    }
    this.#stats.generated++;
    for (const escape of result.escapes) {
      const reason = `${escape}: the interpreter continues its call from there`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    cf.generated = result.body;
    return result.body;
  }

  /**
   * The canonical id of a function type (`core/type_registry.ts`): equal types get equal ids,
   * in every engine, the same ids modules' `(type (func ...))` declarations get.
   */
  typeId(type: FuncType): number {
    return TYPES.funcTypeId(type);
  }

  /** The function type with the given canonical id. */
  funcType(id: number): FuncType {
    const t = TYPES.funcType(id);
    if (t === null) throw new RangeError(`Type ${id} is not a function type`);
    return t;
  }

  /**
   * Called once per module `new Module` made: compiles every body now when the compilation mode
   * is `eager` (otherwise bodies are compiled on first call). In `lazy` mode `new Module` checked
   * only the module-level rules, and `compile` decodes and validates each body first.
   *
   * @param validate in `eager` mode: validate each body while translating it (the module-level
   *   rules were checked, the bodies not yet); throws the first invalid body's error then
   * @internal
   */
  prepareModule(module: ModuleDecl, validate = false): void {
    const mode = this.config.compilationMode;
    const code = this.#codeMap.of(module, mode === "lazy");
    const fuel = this.#fuelCosts;
    code.offsets = {
      offsetsOf: (funcIndex) =>
        translateFunc(module, funcIndex, fuel, null, null, this.#hotness).codeOffsets,
      bodyOffsetOf: (funcIndex) => module.bodies.codeStart(funcIndex - module.importedFuncs),
    };
    if (mode !== "eager") return;
    const bodies = code.bodies;
    const validator = validate ? new FuncValidator(new ModuleContext(module, this.config)) : null;
    const pending = code.pending ??= new PendingFuncs(bodies.length);
    for (let i = 0; i < bodies.length; i++) {
      if (bodies[i] !== null || pending.has(i)) continue;
      // Each function's `CompiledFunc` (or at least its view of its code) is made when it is
      // first used (`compile`).
      bodies[i] = translateEager(
        module,
        module.importedFuncs + i,
        fuel,
        code.arena,
        code.offsets,
        this.#hotness,
        validator,
        pending,
      );
    }
  }

  /**
   * The compiled body of a Wasm function, translated on first use and shared by every instance
   * of its module. In `lazy` mode the body is first decoded and validated: when it is malformed
   * or invalid, this (and so the call that reached the function) throws the `DecodeError` or
   * `ValidationError` that `new Module` throws in the other modes, and throws that same error
   * again on every later use.
   *
   * @internal
   */
  compile(func: WasmFuncEntity): CompiledFunc {
    if (func.compiled !== null) return func.compiled;
    const module = func.instance.module;
    const code = this.#codeMap.of(module);
    const i = func.funcIndex - module.importedFuncs;
    let compiled = code.bodies[i]!;
    if (compiled === null && code.pending !== null && code.pending.has(i)) {
      compiled = code.bodies[i] = code.pending.take(module, i, code.offsets!, this.#hotness);
    }
    if (compiled === null) {
      compiled = code.bodies[i] = code.unchecked ? this.#checkAndTranslate(code, i) : translateFunc(
        module,
        func.funcIndex,
        this.#fuelCosts,
        code.arena,
        code.offsets,
        this.#hotness,
      );
    }
    func.compiled = compiled.placeCode();
    return compiled;
  }

  /**
   * The memory the code compiled so far for `module` takes (in `eager` mode: all of it).
   *
   * @internal
   */
  codeFootprint(module: ModuleDecl): CodeFootprint {
    return this.#codeMap.of(module).footprint();
  }

  /**
   * Decodes body `i` of a module made in `lazy` mode, then validates it while translating it
   * (its instructions read once for both, as in an eager compile). Any failure is reported by
   * `#check`, so the error, and the one every later use throws, is that of a whole-body check.
   */
  #checkAndTranslate(code: ModuleCode, i: number): CompiledFunc {
    const module = code.module;
    try {
      return translateFunc(
        module,
        module.importedFuncs + i,
        this.#fuelCosts,
        code.arena,
        code.offsets,
        this.#hotness,
        this.#decoded(code, i),
      );
    } catch (e) {
      this.#check(code, i);
      throw e;
    }
  }

  /**
   * Decodes body `i` of a module made in `lazy` mode (throwing the error an earlier use of it
   * recorded) and returns the module's function validator.
   */
  #decoded(code: ModuleCode, i: number): FuncValidator {
    const failed = code.failures.get(i);
    if (failed !== undefined) throw failed;
    const module = code.module;
    scanBody(code.scanner ??= new DecodeContext(module.bytes, this.config), module, i);
    return code.validator ??= new FuncValidator(new ModuleContext(module, this.config));
  }

  /** Decodes and validates body `i` of a module made in `lazy` mode (see `compile`). */
  #check(code: ModuleCode, i: number): void {
    const module = code.module;
    try {
      this.#decoded(code, i).validate(module.importedFuncs + i);
    } catch (e) {
      if (e instanceof DecodeError || e instanceof ValidationError) code.failures.set(i, e);
      throw e;
    }
  }

  /**
   * Runs `func` on `store` to completion. Parameters come in `io` (one 4-word slot each, see
   * entities.ts), results go out in the same buffer (it must hold max(params, results) slots).
   * A host function is called directly, with no calling instance.
   *
   * Throws `Trap` when execution traps or runs out of fuel (with `backtrace` filled in,
   * innermost frame first); the store stays usable. An error thrown by a host function
   * propagates unchanged. Re-entrant: a host function may call `execute` again (each call runs
   * on its own execution stack), up to `Config.maxHostReentry` levels deep; one more traps with
   * `StackOverflow`.
   *
   * @returns `DONE`, or `HOST_AWAIT` when a host function returned a Promise: a synchronous
   *   call cannot wait for it, so the call was abandoned (the caller reports it)
   * @internal
   */
  execute(store: StoreInner, func: FuncEntity, io: Int32Array): RunStatus {
    if (func.isHost) {
      const pending = func.invoke(null, io, 0);
      if (pending === undefined) return DONE;
      pending.catch(() => {}); // nobody waits for it
      return HOST_AWAIT;
    }
    enterHostCall(this.config.maxHostReentry);
    let st: ExecStack;
    let status: RunStatus;
    try {
      st = this.#takeStack();
    } catch (e) {
      leaveHostCall();
      throw e;
    }
    try {
      const compiled = this.#enter(st, func, io);
      status = this.#run(this, store, st, 0);
      if (status === DONE) {
        copyWords(io, st.s32, compiled.numResults * SLOT_WORDS);
      } else if (status === OUT_OF_FUEL) {
        throw new Trap(TrapCode.OutOfFuel);
      }
    } catch (e) {
      const error = withBacktrace(e, st);
      this.#releaseStack(st);
      throw error;
    } finally {
      leaveHostCall();
    }
    if (status === HOST_AWAIT) this.dropCall(st);
    else this.#releaseStack(st);
    return status;
  }

  /**
   * Starts a call that may stop and continue (`resumeCall`): takes an execution stack from the
   * pool and sets up `func`'s frame with the parameters in `io`. Nothing runs yet.
   *
   * @internal
   */
  startCall(func: WasmFuncEntity, io: Int32Array): ExecStack {
    const st = this.#takeStack();
    try {
      this.#enter(st, func, io);
    } catch (e) {
      this.#releaseStack(st);
      throw e;
    }
    return st;
  }

  /**
   * Runs a started or stopped call until it finishes (`DONE`: take the results with
   * `finishCall`) or stops again: `OUT_OF_FUEL` (`st.requiredFuel`), `HOST_AWAIT` (`st.pending`)
   * or `HOST_TRAP` (`st.host`, `st.hostError`). A trap in Wasm gives the stack back and is
   * thrown, with its backtrace.
   *
   * @internal
   */
  resumeCall(store: StoreInner, st: ExecStack): RunStatus {
    try {
      enterHostCall(this.config.maxHostReentry);
    } catch (e) {
      this.#releaseStack(st);
      throw e;
    }
    try {
      // A host function reached by a tail call from the base frame left no frame to continue
      // in: once its Promise settled, the call is done (its results are in the first slots).
      if (st.depth < 0) return DONE;
      return this.#run(this, store, st, 0);
    } catch (e) {
      // A host function that throws stops the call so that it can be resumed with its results,
      // unless a tail call reached it from the base frame: no frame is left to resume, and the
      // error ends the call as wasmi's does.
      if (st.host !== null && st.depth >= 0) {
        st.hostError = e;
        return HOST_TRAP;
      }
      const error = withBacktrace(e, st);
      this.#releaseStack(st);
      throw error;
    } finally {
      leaveHostCall();
    }
  }

  /**
   * Copies a finished call's results (`numResults` slots) into `io` and gives its stack back.
   *
   * @internal
   */
  finishCall(st: ExecStack, io: Int32Array, numResults: number): void {
    copyWords(io, st.s32, numResults * SLOT_WORDS);
    this.#releaseStack(st);
  }

  /**
   * Ends a stopped call with `error` (a host function's error, or an `OutOfFuel` trap): gives its
   * stack back and returns the error, a `Trap` with the call's Wasm frames added.
   *
   * @internal
   */
  failCall(st: ExecStack, error: unknown): unknown {
    const e = withBacktrace(error, st);
    this.#releaseStack(st);
    return e;
  }

  /**
   * The host function a stopped call awaits (`HOST_AWAIT`) failed with a Wasm exception: unwinds
   * the call to a handler, after which `resumeCall` continues there, or, when the call has
   * none, ends it (giving its stack back) by throwing the exception's error.
   *
   * @internal
   */
  raiseInCall(store: StoreInner, st: ExecStack, exn: ExnEntity): void {
    st.host = null;
    st.pending = null;
    try {
      throwException(store, st, 0, exn);
    } catch (e) {
      throw this.failCall(st, e);
    }
  }

  /**
   * Abandons a stopped call. Its stack goes back to the pool unless a host function's Promise
   * may still write to it, in which case it is left to the garbage collector.
   *
   * @internal
   */
  dropCall(st: ExecStack): void {
    const pending = st.pending;
    if (pending === null) return this.#releaseStack(st);
    // Nobody awaits it any more: its rejection must not become an unhandled one.
    pending.catch(() => {});
    st.clear();
  }

  /** Puts `func`'s first frame, with the parameters from `io`, on the empty stack `st`. */
  #enter(st: ExecStack, func: WasmFuncEntity, io: Int32Array): CompiledFunc {
    // Only exception handles and GC objects need the store to see its stacks, as roots of
    // their collectors (without the proposals, no code makes them): Wasm 2.0 calls skip it.
    if (this.config.wasmExceptions || this.config.wasmGc) st.attach(func.instance.store);
    const compiled = this.compile(func);
    if (compiled.frameWords > st.s32.length) st.growValues(compiled.frameWords);
    copyWords(st.s32, io, compiled.paramWords);
    st.s32.fill(0, compiled.paramWords, compiled.localWords);
    st.depth = 0;
    st.frames[0] = 0;
    st.frames[1] = 0;
    st.funcs[0] = func;
    return compiled;
  }

  #takeStack(): ExecStack {
    const c = this.config;
    if (c.maxRecursionDepth < 1) throw new Trap(TrapCode.StackOverflow);
    return this.#stacks.pop() ??
      new ExecStack(c.maxStackHeight * SLOT_WORDS, c.maxRecursionDepth);
  }

  #releaseStack(st: ExecStack): void {
    st.clear();
    // A stack that grew for a deep recursion is not worth keeping alive.
    if (this.#stacks.length < this.config.maxCachedStacks && st.s32.length <= MAX_CACHED_WORDS) {
      this.#stacks.push(st);
    }
  }
}

/**
 * Adds the Wasm frames of `st` to a trap's backtrace (after any frames of a nested call that
 * already trapped). A JS stack overflow (`maxHostReentry` set too high for the runtime, or a
 * host function's own deep recursion) becomes a `StackOverflow` trap with the JS error as its
 * `cause`; any other error passes through unchanged.
 *
 * This runs with little JS stack left: it must not recurse or compile anything (no regular
 * expressions). If it overflows all the same, the RangeError reaches the next call out, which
 * has more room.
 */
function withBacktrace(e: unknown, st: ExecStack): unknown {
  if (isJsStackOverflow(e)) e = new Trap(TrapCode.StackOverflow, undefined, { cause: e });
  if (!(e instanceof Trap)) return e;
  for (let d = st.depth; d >= 0; d--) {
    const f = st.funcs[d];
    if (f === undefined) continue;
    e.addFrame(f.funcIndex, funcDisplayName(f.instance.module, f.funcIndex));
  }
  return e;
}

/**
 * Whether `e` is the JS engine's stack overflow: V8, JavaScriptCore and Hermes throw a
 * `RangeError` ("Maximum call stack size exceeded"), SpiderMonkey and QuickJS an
 * `InternalError` ("too much recursion", "stack overflow").
 */
function isJsStackOverflow(e: unknown): boolean {
  if (!(e instanceof Error) || (e.name !== "RangeError" && e.name !== "InternalError")) {
    return false;
  }
  const message = e.message;
  return message.includes("stack") || message.includes("recursion");
}

/**
 * Copies the first `n` words of `src` into `dst`. A loop, not `dst.set(src.subarray(0, n))`:
 * an API call moves a few words, and the `subarray` view it allocates cost more than the copy
 * (about a tenth of an export call in `bench/boundary_bench.ts`).
 */
function copyWords(dst: Int32Array, src: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[i]!;
}

/** Per module: the first name each function is exported under (built on first use). */
const exportNames = new WeakMap<ModuleDecl, Map<number, string>>();

/**
 * The name backtraces and suspended-call frames show for function `index`: its name-section
 * name, else the first name it is exported under, else `undefined`.
 *
 * @internal
 */
export function funcDisplayName(module: ModuleDecl, index: number): string | undefined {
  const name = module.names.funcNames.get(index);
  if (name !== undefined) return name;
  let byIndex = exportNames.get(module);
  if (byIndex === undefined) {
    byIndex = new Map();
    for (const exp of module.exports) {
      if (exp.kind === "func" && !byIndex.has(exp.index)) byIndex.set(exp.index, exp.name);
    }
    exportNames.set(module, byIndex);
  }
  return byIndex.get(index);
}
