/**
 * Resumable and async calls: a call that stops when a host function throws, when fuel runs
 * out, or when a host function returns a Promise, and continues later on the same execution
 * stack (DESIGN.md §2). `Func.callResumable` / `TypedFunc.callResumable` hand the stops to the
 * embedder as `ResumableCall` handles; `Func.callAsync` / `TypedFunc.callAsync` handle them
 * itself, awaiting Promises and yielding to the event loop between fuel slices.
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";
import {
  DONE,
  type Engine,
  funcDisplayName,
  HOST_AWAIT,
  HOST_TRAP,
  OUT_OF_FUEL,
  type RunStatus,
} from "../engine/engine.ts";
import {
  exnOfError,
  type FuncEntity,
  SLOT_WORDS,
  type StoreInner,
  type WasmFuncEntity,
} from "../engine/entities.ts";
import { FUEL_CHUNK, refillFuel, spreadFuel } from "../engine/fuel.ts";
import { enterHostCall, leaveHostCall } from "../engine/reentry.ts";
import type { ExecStack } from "../engine/stack.ts";
import { hookedWasmCall } from "./call_hook.ts";
import { AsyncHostFuncError, FuelError, ResumeError } from "./errors.ts";
import type { Func } from "./func.ts";
import { funcs } from "./handles.ts";
import { checkStore, type Store, storeInner } from "./store.ts";
import { checkVals, readVal, type Val, writeVal } from "./val.ts";

/**
 * How a resumable call ended or stopped, as wasmi's `ResumableCall`: `finished` with the
 * results, or stopped in a `hostTrap` or `outOfFuel` state that can be resumed. `R` is the type
 * of the results: `Val[]` for `Func.callResumable`, the typed result for
 * `TypedFunc.callResumable`.
 *
 * @example Resuming after a host function throws, and after running out of fuel
 * ```ts
 * import { Config, Engine, Linker, Module, Store, Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 *
 * const wat = `(module (import "env" "ask" (func $ask (result i32)))
 *   (func (export "run") (result i32) (i32.add (call $ask) (i32.const 1))))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const engine = new Engine(new Config({ consumeFuel: true }));
 * const store = new Store(engine, null);
 * const linker = new Linker(engine);
 * linker.funcWrap("env", "ask", { params: [], results: ["i32"] }, () => {
 *   throw new Error("ask the embedder");
 * });
 * const run = linker.instantiate(store, new Module(engine, bytes)).getFunc(store, "run")!;
 *
 * let call = run.callResumable(store, []);
 * assert.equal(call.kind, "outOfFuel"); // the store has no fuel yet
 * store.setFuel(call.requiredFuel);
 * call = call.resume(store);
 * assert.equal(call.kind, "hostTrap");
 * assert.equal((call.hostError as Error).message, "ask the embedder");
 * store.setFuel(100);
 * call = call.resume(store, [Val.i32(41)]); // the results `ask` should have returned
 * assert.equal(call.kind, "finished");
 * assert.equal(call.results[0]!.value, 42);
 * ```
 */
export type ResumableCall<R = Val[]> =
  | ResumableCallFinished<R>
  | ResumableCallHostTrap<R>
  | ResumableCallOutOfFuel<R>;

/** A resumable call that ran to its end. */
export class ResumableCallFinished<R = Val[]> {
  /** Always `"finished"`. */
  readonly kind = "finished" as const;

  /**
   * A finished call (resumable calls create these).
   *
   * @param results the call's results
   */
  constructor(readonly results: R) {}
}

/** One Wasm frame of a suspended call (see `ResumableInvocation.frames`). */
export interface CallFrame {
  /** Index of the function in its module's function index space. */
  readonly funcIndex: number;
  /** The name from the module's name section, else the name it is exported under, if any. */
  readonly name?: string;
  /** Byte offset, in the module's binary, of the instruction the frame stopped at. */
  readonly codeOffset: number;
  /** The parameters and locals, in index order (when asked for). */
  readonly locals?: readonly Val[];
}

/** Gives a new stop handle its invocation. */
let attach: <R, H extends ResumableInvocation<R>>(handle: H, inv: Invocation<R>) => H;
/** Takes the invocation out of a handle for a resume (once), checking the store. */
let take: <R>(handle: ResumableInvocation<R>, store: Store) => Invocation<R>;

/** What an invocation needs to continue; shared by the handles of its successive stops. */
interface Invocation<R> {
  readonly store: Store;
  readonly st: ExecStack;
  /** The buffer results are copied to (it holds max(params, results) slots). */
  readonly io: Int32Array;
  readonly numResults: number;
  /** Converts the results in `io`. */
  readonly read: (io: Int32Array) => R;
}

/**
 * A resumable call stopped in the middle, as wasmi's `ResumableInvocation`: it holds the call's
 * execution stack until it is resumed or dropped. Each handle can be resumed once (a call that
 * stops again returns a new handle); `drop()` (or `using`) abandons the call and gives its
 * stack back at once. A handle that is simply forgotten is garbage collected with its stack.
 */
export abstract class ResumableInvocation<R = Val[]> {
  #inv: Invocation<R> | null = null;

  static {
    attach = (handle, inv) => {
      handle.#inv = inv;
      return handle;
    };
    take = (handle, store) => {
      const inv = handle.#inv;
      if (inv === null) {
        throw new ResumeError(
          "This resumable call was already resumed or dropped; resume the handle the last " +
            "resume returned",
        );
      }
      checkStore("ResumableCall", inv.store, store);
      handle.#inv = null;
      return inv;
    };
  }

  /** False once the call was resumed or dropped through this handle. */
  get isActive(): boolean {
    return this.#inv !== null;
  }

  /**
   * The Wasm frames of the suspended call, innermost first: where each function stopped (the
   * call it waits in, or for an out-of-fuel stop, the instruction that could not pay).
   *
   * @example Where a call waits for its host function
   * ```ts
   * import { Engine, Linker, Module, Store, Val } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * import wabtInit from "wabt";
   *
   * const wat = `(module (import "env" "ask" (func $ask (param i32) (result i32)))
   *   (func $twice (export "twice") (param i32) (result i32)
   *     (i32.mul (call $ask (local.get 0)) (i32.const 2))))`;
   * const module = (await wabtInit()).parseWat("m.wat", wat);
   * const bytes = module.toBinary({ write_debug_names: true }).buffer;
   * const engine = new Engine();
   * const store = new Store(engine, null);
   * const linker = new Linker(engine);
   * linker.funcWrap("env", "ask", { params: ["i32"], results: ["i32"] }, () => {
   *   throw new Error("suspend");
   * });
   * const twice = linker.instantiate(store, new Module(engine, bytes)).getFunc(store, "twice")!;
   * const call = twice.callResumable(store, [Val.i32(21)]);
   * assert.equal(call.kind, "hostTrap");
   * const [frame] = call.frames(store, { locals: true });
   * assert.equal(frame!.name, "twice");
   * assert.equal(frame!.funcIndex, 1);
   * assert.equal(frame!.locals![0]!.value, 21);
   * assert.equal(bytes[frame!.codeOffset], 0x10); // the `call` instruction
   * ```
   *
   * @param store the store the call runs in
   * @param options `locals: true` also reads each frame's parameters and locals
   * @returns one entry per Wasm frame, innermost first
   * @throws {ResumeError} when this handle was already resumed or dropped
   */
  frames(store: Store, options: { readonly locals?: boolean } = {}): CallFrame[] {
    const inv = this.#inv;
    if (inv === null) {
      throw new ResumeError("This resumable call was already resumed or dropped: it has no frames");
    }
    checkStore("ResumableCall", inv.store, store);
    const st = inv.st;
    // An out-of-fuel stop is at an instruction; every other frame waits in a call.
    const innermostInCall = !(this instanceof ResumableCallOutOfFuel);
    const frames: CallFrame[] = [];
    for (let d = st.depth; d >= 0; d--) {
      const f = st.funcs[d]!;
      const fp = st.frames[2 * d]!;
      const pc = st.frames[2 * d + 1]!;
      const module = f.instance.module;
      const codeOffset = f.compiled!.wasmOffsetAt(pc, d < st.depth || innermostInCall);
      const name = funcDisplayName(module, f.funcIndex);
      let locals: Val[] | undefined;
      if (options.locals) {
        const types = [
          ...f.type.params,
          ...module.bodies.locals(f.funcIndex - module.importedFuncs),
        ];
        locals = types.map((type, i) => readVal(store, type, st.s32, fp + i * SLOT_WORDS));
      }
      frames.push({
        funcIndex: f.funcIndex,
        ...(name === undefined ? {} : { name }),
        codeOffset,
        ...(locals === undefined ? {} : { locals }),
      });
    }
    return frames;
  }

  /** Abandons the call: its stack goes back to the engine. Idempotent. */
  drop(): void {
    const inv = this.#inv;
    if (inv === null) return;
    this.#inv = null;
    inv.store.engine.dropCall(inv.st);
  }

  /** `drop()`, for `using` declarations. */
  [Symbol.dispose](): void {
    this.drop();
  }
}

/**
 * A resumable call stopped because a host function it called threw. `resume(store, inputs)`
 * continues with `inputs` as that host function's results.
 */
export class ResumableCallHostTrap<R = Val[]> extends ResumableInvocation<R> {
  /** Always `"hostTrap"`. */
  readonly kind = "hostTrap" as const;

  /**
   * A stop at a host function (resumable calls create these; one made otherwise has no call to
   * resume).
   *
   * @param hostFunc the host function that threw
   * @param hostError what it threw
   */
  constructor(readonly hostFunc: Func, readonly hostError: unknown) {
    super();
  }

  /**
   * Continues the call as if the host function had returned `inputs`.
   *
   * @param store the store the call runs in
   * @param inputs one `Val` per result of the host function, of its result types
   * @returns how the call ended or stopped next
   * @throws {FuncError} when `inputs` do not match the host function's results (the handle
   *   stays usable)
   * @throws {ResumeError} when this handle was already resumed or dropped
   * @throws {Trap} when the rest of the call traps
   */
  resume(store: Store, inputs: readonly Val[] = []): ResumableCall<R> {
    const type = this.hostFunc.ty(store);
    checkVals(inputs, type.results, `results of host function ${type}`, store);
    const inv = take(this, store);
    const base = inv.st.hostBase;
    const s32 = inv.st.s32;
    for (let i = 0; i < inputs.length; i++) writeVal(store, inputs[i]!, s32, base + i * SLOT_WORDS);
    inv.st.host = null;
    inv.st.hostError = undefined;
    return drive(inv);
  }
}

/**
 * A resumable call stopped because a fuel charge could not be paid. Add at least
 * `requiredFuel` (`store.setFuel`), then `resume(store)` retries the charge.
 */
export class ResumableCallOutOfFuel<R = Val[]> extends ResumableInvocation<R> {
  /** Always `"outOfFuel"`. */
  readonly kind = "outOfFuel" as const;

  /**
   * A stop at a fuel charge (resumable calls create these; one made otherwise has no call to
   * resume).
   *
   * @param requiredFuel the charge that could not be paid
   */
  constructor(readonly requiredFuel: bigint) {
    super();
  }

  /**
   * Retries the charge that could not be paid and continues (stopping again at once if the store
   * still has less than `requiredFuel`).
   *
   * @param store the store the call runs in
   * @returns how the call ended or stopped next
   * @throws {ResumeError} when this handle was already resumed or dropped
   * @throws {Trap} when the rest of the call traps
   */
  resume(store: Store): ResumableCall<R> {
    return drive(take(this, store));
  }
}

/**
 * Runs the invocation on from where it stopped, between the store's call hooks. A trap gives
 * the stack back (in `resumeCall`); so does an error of the hooks themselves.
 */
function step(inv: Invocation<unknown>): RunStatus {
  const { store, st } = inv;
  const engine = store.engine;
  const inner = storeInner(store);
  const hook = inner.callHook;
  if (hook === null) return engine.resumeCall(inner, st);
  let entered = false;
  let status = -1;
  try {
    hookedWasmCall(hook, () => {
      entered = true;
      status = engine.resumeCall(inner, st);
    });
  } catch (e) {
    // A trap already gave the stack back; a hook that threw before or after running did not.
    if (!entered || status !== -1) engine.dropCall(st);
    throw e;
  }
  return status;
}

/** Runs a resumable invocation until it finishes or stops. */
function drive<R>(inv: Invocation<R>): ResumableCall<R> {
  const status = step(inv);
  const { store, st } = inv;
  switch (status) {
    case DONE:
      store.engine.finishCall(st, inv.io, inv.numResults);
      return new ResumableCallFinished(inv.read(inv.io));
    case OUT_OF_FUEL:
      return attach(new ResumableCallOutOfFuel<R>(BigInt(st.requiredFuel)), inv);
    case HOST_TRAP:
      return attach(new ResumableCallHostTrap<R>(funcs.handle(store, st.host!), st.hostError), inv);
    default: // HOST_AWAIT
      store.engine.dropCall(st);
      throw promiseInSyncCall();
  }
}

/** The error for a host function that returned a Promise in a synchronous call. */
export function promiseInSyncCall(): AsyncHostFuncError {
  return new AsyncHostFuncError(
    "A host function returned a Promise during a synchronous call, which cannot wait for it; " +
      "call the function with callAsync(store, ...) to await host Promises",
  );
}

/**
 * Calls a host function directly (from the API, with no calling instance) in a synchronous
 * call: its errors are thrown as they are. It counts as a call from the host (see
 * `Config.maxHostReentry`): a host function that calls itself through the API traps with
 * `StackOverflow` instead of exhausting the JS stack.
 */
export function callHostRoot(
  engine: Engine,
  entity: FuncEntity & { isHost: true },
  io: Int32Array,
): void {
  enterHostCall(engine.config.maxHostReentry);
  let out: void | Promise<void>;
  try {
    out = entity.invoke(null, io, 0);
  } finally {
    leaveHostCall();
  }
  if (out !== undefined) {
    // Nobody will wait for it: its rejection must not become an unhandled one.
    out.catch(() => {});
    throw promiseInSyncCall();
  }
}

/**
 * Starts a resumable call of `entity` with its parameters in `io` (see `Func.callResumable`).
 *
 * @param read converts the results left in `io` when the call finishes
 */
export function callResumableEntity<R>(
  store: Store,
  entity: FuncEntity,
  io: Int32Array,
  read: (io: Int32Array) => R,
): ResumableCall<R> {
  if (entity.isHost) {
    callHostRoot(store.engine, entity, io);
    return new ResumableCallFinished(read(io));
  }
  const st = store.engine.startCall(entity, io);
  return drive({ store, st, io, numResults: entity.type.results.length, read });
}

/**
 * What `callAsync` uses of an `AbortSignal` (the DOM's and Node's both fit), declared here so
 * that the library's types need neither the DOM lib nor `@types/node`.
 */
export interface AbortSignalLike {
  /** Whether the signal has aborted. */
  readonly aborted: boolean;
  /** Why it aborted. */
  readonly reason: unknown;
  /** Throws `reason` when aborted. */
  throwIfAborted(): void;
  /** Calls `listener` when the signal aborts. */
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  /** Stops calling `listener`. */
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of `Func.callAsync` and `TypedFunc.callAsync`. */
export interface CallAsyncOptions {
  /**
   * With fuel metering on: run at most this much fuel at a time, yielding to the event loop
   * between slices (a macrotask, so timers and I/O callbacks run), so that a long call never
   * blocks the process. The store's fuel still limits the whole call: when it is spent the call
   * rejects with an `OutOfFuel` trap. A positive integer; a few hundred thousand (a few ms of
   * execution) is a good size, as each yield costs some microseconds.
   */
  fuelSlice?: number | bigint;
  /**
   * Aborts the call, between fuel slices or while it awaits a host function's Promise: the
   * call then rejects with the signal's `reason` and its stack is dropped.
   */
  signal?: AbortSignalLike;
}

/** Waits for the next macrotask (timers and I/O callbacks get to run). */
function nextMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (typeof immediate === "function") immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The slice size in `options`, validated (0: no slices). */
function sliceOf(store: Store, options: CallAsyncOptions): number {
  const slice = options.fuelSlice;
  if (slice === undefined) return 0;
  if (!store.engine.config.consumeFuel) {
    throw new FuelError(
      "A fuel slice needs fuel metering: create the engine with consumeFuel: true",
    );
  }
  const n = Number(slice);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`fuelSlice must be a positive integer, got ${slice}`);
  }
  return Math.min(n, FUEL_CHUNK);
}

/**
 * Calls `entity` with its parameters in `io`, awaiting the Promises of host functions (see
 * `Func.callAsync`). Resolves with the converted results.
 */
export async function callAsyncEntity<R>(
  store: Store,
  entity: FuncEntity,
  io: Int32Array,
  read: (io: Int32Array) => R,
  options: CallAsyncOptions = {},
): Promise<R> {
  const { signal } = options;
  const slice = sliceOf(store, options);
  signal?.throwIfAborted();
  if (entity.isHost) {
    enterHostCall(store.engine.config.maxHostReentry);
    let out: void | Promise<void>;
    try {
      out = entity.invoke(null, io, 0);
    } finally {
      leaveHostCall();
    }
    if (out !== undefined) await abortable(out, signal);
    return read(io);
  }
  const engine = store.engine;
  const inner = storeInner(store);
  const st = engine.startCall(entity as WasmFuncEntity, io);
  const inv: Invocation<R> = {
    store,
    st,
    io,
    numResults: entity.type.results.length,
    read,
  };
  if (slice > 0) {
    st.yields = true;
    beginSlices(inner, slice);
  }
  try {
    return await runAsync(inv, engine, signal);
  } finally {
    if (slice > 0) endSlices(inner);
  }
}

/** The loop of `callAsyncEntity`: runs, awaits, yields, until the call ends. */
async function runAsync<R>(
  inv: Invocation<R>,
  engine: Engine,
  signal: AbortSignalLike | undefined,
): Promise<R> {
  const { st } = inv;
  const inner = storeInner(inv.store);
  for (;;) {
    const status = step(inv);
    if (status === DONE) {
      engine.finishCall(st, inv.io, inv.numResults);
      return inv.read(inv.io);
    }
    if (status === HOST_TRAP) throw engine.failCall(st, st.hostError);
    if (status === HOST_AWAIT) {
      let settled = false;
      const pending = st.pending!.then(
        () => void (settled = true),
        (e) => {
          settled = true;
          throw e;
        },
      );
      try {
        await abortable(pending, signal);
      } catch (e) {
        // Aborted: the host Promise may still write to the stack, which is then left to the GC.
        if (!settled) engine.dropCall(st);
        else if (exnOfError(e) !== undefined) {
          // A Wasm exception from an async host function: thrown into the call.
          engine.raiseInCall(inner, st, exnOfError(e)!);
          continue;
        } else throw engine.failCall(st, e);
        throw e;
      }
      st.pending = null;
      st.host = null;
      continue;
    }
    // OUT_OF_FUEL: the end of a slice if the store's reserve can pay, else the end of the fuel.
    const required = st.requiredFuel;
    if (!st.yields || inner.fuel + inner.fuelReserve < required) {
      throw engine.failCall(st, new Trap(TrapCode.OutOfFuel));
    }
    try {
      await nextMacrotask();
      signal?.throwIfAborted();
    } catch (e) {
      throw engine.failCall(st, e);
    }
    // The next slice (someone may have spent the reserve meanwhile).
    if (!refillFuel(inner, required)) throw engine.failCall(st, new Trap(TrapCode.OutOfFuel));
  }
}

/** A sliced call starts on `inner`: from now on only one slice of its fuel is spendable. */
function beginSlices(inner: StoreInner, slice: number): void {
  if (inner.slicedCalls++ === 0) inner.fuelSlice = slice;
  spreadFuel(inner, inner.fuel + inner.fuelReserve);
}

/** A sliced call on `inner` ended: when it was the last, all the fuel is spendable again. */
function endSlices(inner: StoreInner): void {
  if (--inner.slicedCalls > 0) return;
  inner.fuelSlice = 0;
  spreadFuel(inner, inner.fuel + inner.fuelReserve);
}
