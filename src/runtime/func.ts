/**
 * `Func`: a handle to a Wasm or host function in a store, and the one place that runs a function
 * entity from the API.
 *
 * @module
 */

import type { FuncType } from "../core/types.ts";
import { SLOT_WORDS } from "../engine/entities.ts";
import type { FuncEntity } from "../engine/entities.ts";
import { callEntity, type FuncTypeLike, toFuncType } from "./call.ts";
import { funcs } from "./handles.ts";
import { createHostFunc, type HostFuncNew, type HostFuncWrap } from "./host_func.ts";
import type { HostFuncTyped, JsParams, JsResults, Signature } from "./signature.ts";
import {
  callAsyncEntity,
  type CallAsyncOptions,
  callResumableEntity,
  type ResumableCall,
} from "./resumable.ts";
import { type Store, storeInner } from "./store.ts";
import { TypedFunc } from "./typed_func.ts";
import { checkVals, readVal, type Val, writeVal } from "./val.ts";

/**
 * A function in a store: defined in Wasm and exported by an instance, or defined by the host.
 *
 * `new Func(store, type, (caller, params) => results)` defines a host function that takes and
 * returns `Val`s; `Func.wrap` defines one that takes and returns plain JS values.
 *
 * @example A host function, called from the API
 * ```ts
 * import { Engine, Func, FuncType, Store, Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const add = new Func(store, new FuncType(["i32", "i32"], ["i32"]), (_caller, [a, b]) => [
 *   Val.i32((a!.value as number) + (b!.value as number)),
 * ]);
 * assert.equal(add.call(store, [Val.i32(2), Val.i32(3)])[0]!.value, 5);
 * assert.equal(add.ty(store).toString(), "(i32, i32) -> (i32)");
 * ```
 */
export class Func {
  /**
   * Defines a host function whose parameters and results are `Val`s.
   *
   * @param store the store that will own it
   * @param type its signature
   * @param fn called with a `Caller` and the parameters; returns the results (an array of `Val`
   *   matching `type.results`; `undefined` is accepted when there are none)
   */
  constructor(store: Store, type: FuncTypeLike, fn: HostFuncNew<unknown>) {
    const entity = createHostFunc(store, toFuncType(type), fn, "vals");
    storeInner(store).addFunc(entity);
    funcs.bind(this, store, entity);
  }

  /**
   * Defines a host function whose parameters and results are plain JS values: i32/f32/f64 as
   * numbers, i64 as bigints, v128 as `Uint8Array`, funcref as `Func | null`, externref as any
   * value, exnref as `WasmException | null`. It returns nothing for no results, the value for one, an array for several.
   *
   * When `type` is a `{ params, results }` literal, the callback's parameter and result types
   * are inferred from it (see `HostFuncTyped`): a callback of the wrong shape does not
   * type-check. Its results are checked at run time too: a wrong one is a `FuncError` naming
   * the function.
   *
   * @example
   * ```ts
   * import { Engine, Func, Store } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * const store = new Store(new Engine(), 10);
   * const f = Func.wrap(store, { params: ["i64"], results: ["i64"] }, (caller, x) =>
   *   x + BigInt(caller.data));
   * assert.equal(f.typed(store, { params: ["i64"], results: ["i64"] }).call(store, 5n), 15n);
   * ```
   *
   * @param store the store that will own it
   * @param type its signature
   * @param fn called with a `Caller` and one argument per parameter
   */
  static wrap<T, const S extends FuncTypeLike = FuncTypeLike>(
    store: Store<T>,
    type: S,
    fn: NoInfer<HostFuncTyped<T, S>>,
  ): Func {
    const entity = createHostFunc(store, toFuncType(type), fn as HostFuncWrap<unknown>, "plain");
    storeInner(store).addFunc(entity);
    return funcs.handle(store, entity);
  }

  /** The function's signature. */
  ty(store: Store): FuncType {
    return funcs.entity(store, this).type;
  }

  /**
   * Calls the function.
   *
   * @param store the store that owns it
   * @param params one `Val` per parameter, of the parameter's type
   * @returns one `Val` per result
   * @throws {FuncError} when `params` do not match the signature (nothing runs)
   * @throws {Trap} when execution traps; the store stays usable
   */
  call(store: Store, params: readonly Val[] = []): Val[] {
    const entity = funcs.entity(store, this);
    const io = paramSlots(store, entity, params, spareIo);
    // Taken while the call runs: a re-entrant `Func.call` from a host function allocates its
    // own. It is given back only when the call finishes, never after a throw (an async host
    // function's Promise may still write its results into it later).
    spareIo = null;
    callEntity(store, entity, io);
    const results = readResults(store, entity, io);
    spareIo = io;
    return results;
  }

  /**
   * Calls the function as a resumable call, as wasmi's `Func::call_resumable`: when a host
   * function called from Wasm throws, or a fuel charge cannot be paid, the call stops and
   * returns a handle to resume it with (see `ResumableCall`).
   *
   * A host function reached by a tail call (`return_call`) replaces the Wasm frame that called
   * it. If it throws while a Wasm frame is left below (a function this call entered called the
   * tail-calling one), the call stops there as `hostTrap`, and resuming continues in that frame
   * with the given results. If the tail call was made by this function itself, no Wasm frame is
   * left to resume: `callResumable` throws the host function's error as it is, as wasmi does.
   *
   * @example Running out of fuel, and continuing
   * ```ts
   * import { Config, Engine, Linker, Module, Store, Val } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * import wabtInit from "wabt";
   * const wat = `(module (func (export "count") (param i32) (result i32) (local i32)
   *   (loop (br_if 0 (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1)))
   *     (local.get 0)))) (local.get 1)))`;
   * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
   * const engine = new Engine(new Config({ consumeFuel: true }));
   * const store = new Store(engine, null);
   * const count = new Linker(engine).instantiate(store, new Module(engine, bytes))
   *   .getFunc(store, "count")!;
   * store.setFuel(100);
   * let call = count.callResumable(store, [Val.i32(1000)]);
   * let refills = 0;
   * while (call.kind === "outOfFuel") {
   *   store.setFuel(100);
   *   refills++;
   *   call = call.resume(store);
   * }
   * assert.equal(call.kind, "finished");
   * assert.equal(call.results[0]!.value, 1000);
   * assert.ok(refills > 50);
   * ```
   *
   * @param store the store that owns it
   * @param params one `Val` per parameter, of the parameter's type
   * @returns the results, or a handle to the stopped call
   * @throws {FuncError} when `params` do not match the signature (nothing runs)
   * @throws {Trap} when execution traps inside Wasm (not resumable); the store stays usable
   * @throws {AsyncHostFuncError} when a host function returns a Promise (use `callAsync`)
   * @throws any error of the function itself when it is a host function (called directly), or
   *   of a host function this function tail-calls (see above)
   */
  callResumable(store: Store, params: readonly Val[] = []): ResumableCall<Val[]> {
    const entity = funcs.entity(store, this);
    const io = paramSlots(store, entity, params);
    return callResumableEntity(store, entity, io, (out) => readResults(store, entity, out));
  }

  /**
   * Calls the function, awaiting host functions that return Promises: the call stops at such a
   * host function, awaits its Promise and continues with its value. Many async calls may be in
   * flight at once (on one store or several). With `options.fuelSlice` (fuel metering on), the
   * call yields to the event loop after each slice of fuel, so a long call does not block timers
   * and I/O; `options.signal` aborts it between slices or while it awaits a host Promise.
   *
   * @example Awaiting an async host function
   * ```ts
   * import { Engine, Linker, Module, Store, Val } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * import wabtInit from "wabt";
   * const wat = `(module (import "env" "later" (func $later (param i32) (result i32)))
   *   (func (export "run") (result i32) (i32.mul (call $later (i32.const 20)) (i32.const 2))))`;
   * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
   * const engine = new Engine();
   * const store = new Store(engine, null);
   * const linker = new Linker(engine);
   * linker.funcWrap("env", "later", { params: ["i32"], results: ["i32"] }, async (_c, x: number) => {
   *   await new Promise((resolve) => setTimeout(resolve, 1));
   *   return x + 1;
   * });
   * const run = linker.instantiate(store, new Module(engine, bytes)).getFunc(store, "run")!;
   * assert.equal((await run.callAsync(store, []))[0]!.value, 42);
   * ```
   *
   * @param store the store that owns it
   * @param params one `Val` per parameter, of the parameter's type
   * @param options a fuel slice and an abort signal
   * @returns one `Val` per result
   * @throws {FuncError} when `params` do not match the signature (nothing runs)
   * @throws {FuelError} when `fuelSlice` is given but fuel is not metered
   * @throws {Trap} when execution traps or the store's fuel runs out
   * @throws the host function's error when one throws or its Promise rejects, and the signal's
   *   reason when the call is aborted
   */
  callAsync(store: Store, params: readonly Val[] = [], options?: CallAsyncOptions): Promise<Val[]> {
    try {
      const entity = funcs.entity(store, this);
      const io = paramSlots(store, entity, params);
      return callAsyncEntity(store, entity, io, (out) => readResults(store, entity, out), options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The function's index in the function index space of the module that defines it (what the
   * JS API names an exported function by), or `null` for a host function.
   *
   * @example
   * ```ts
   * import { Engine, Func, Store } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * const store = new Store(new Engine(), null);
   * const f = Func.wrap(store, { params: [], results: [] }, () => {});
   * assert.equal(f.index(store), null);
   * ```
   *
   * @param store the store that owns it
   */
  index(store: Store): number | null {
    const entity = funcs.entity(store, this);
    return entity.isHost ? null : entity.funcIndex;
  }

  /**
   * A typed view of this function, called with plain JS values.
   *
   * @param store the store that owns it
   * @param type if given, the signature the caller expects; a different one throws `FuncError`
   */
  typed<const S extends Signature>(
    store: Store,
    type: S,
  ): TypedFunc<JsParams<S["params"]>, JsResults<S["results"]>>;
  /**
   * A typed view of this function, its argument and result types given as type arguments (not
   * checked against the function's signature unless `type` is given).
   *
   * @param store the store that owns it
   * @param type if given, the signature the caller expects; a different one throws `FuncError`
   */
  typed<P extends readonly unknown[] = unknown[], R = unknown>(
    store: Store,
    type?: FuncTypeLike,
  ): TypedFunc<P, R>;
  typed(store: Store, type?: FuncTypeLike): TypedFunc<unknown[], unknown> {
    return new TypedFunc(store, this, type);
  }
}
funcs.define(Func);

/**
 * The parameter/result buffer of synchronous `Func.call`s, reused while no call holds it: a new
 * typed array per call was 7% of a `Func.call` CPU profile (`CreateTypedArray`). Only the
 * slots of a call's own parameters and results are read, so a larger buffer serves any call.
 */
let spareIo: Int32Array | null = null;

/**
 * The parameter slots of a call of `entity` with `params` (checked against its type), in `reuse`
 * when it is large enough, else in a new buffer.
 */
function paramSlots(
  store: Store,
  entity: FuncEntity,
  params: readonly Val[],
  reuse: Int32Array | null = null,
): Int32Array {
  const type = entity.type;
  checkVals(params, type.params, "parameters of", store, type);
  const words = Math.max(type.params.length, type.results.length, 1) * SLOT_WORDS;
  const io = reuse !== null && reuse.length >= words ? reuse : new Int32Array(words);
  for (let i = 0; i < params.length; i++) writeVal(store, params[i]!, io, i * SLOT_WORDS);
  return io;
}

/** The results of a finished call of `entity`, from the slots of `io`. */
function readResults(store: Store, entity: FuncEntity, io: Int32Array): Val[] {
  const types = entity.type.results;
  const results = new Array<Val>(types.length);
  for (let i = 0; i < results.length; i++) {
    results[i] = readVal(store, types[i]!, io, i * SLOT_WORDS);
  }
  return results;
}
