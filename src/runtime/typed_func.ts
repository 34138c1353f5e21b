/**
 * `TypedFunc`: a function called with plain JS values.
 *
 * @module
 */

import type { FuncType, ValType } from "../core/types.ts";
import { type FuncEntity, SLOT_WORDS } from "../engine/entities.ts";
import { FuncError } from "./errors.ts";
import { callEntity, type FuncTypeLike, toFuncType } from "./call.ts";
import type { Func } from "./func.ts";
import { funcs } from "./handles.ts";
import { checkStore, type Store } from "./store.ts";
import {
  callAsyncEntity,
  type CallAsyncOptions,
  callResumableEntity,
  type ResumableCall,
} from "./resumable.ts";
import { readJs, writeJs } from "./val.ts";

/**
 * A function called with one plain JS value per parameter (i32/f32/f64: number, i64: bigint or
 * integer number, v128: 16 bytes or bigint, funcref: `Func | null`, externref: any, exnref:
 * `WasmException | null`), returning `undefined` for no results, the value for one, an array for
 * several. `P` and `R` only type the call; they are not checked at run time (pass the expected
 * type to `Func.typed` for that).
 *
 * @example
 * ```ts
 * import { Engine, Func, Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const swap = Func.wrap(store, { params: ["i32", "f64"], results: ["f64", "i32"] },
 *   (_caller, a: number, b: number) => [b, a]);
 * const typed = swap.typed<[number, number], [number, number]>(store);
 * assert.deepEqual(typed.call(store, 1, 2.5), [2.5, 1]);
 * ```
 */
export class TypedFunc<P extends readonly unknown[] = unknown[], R = unknown> {
  readonly #store: Store;
  readonly #func: Func;
  readonly #entity: FuncEntity;
  readonly #type: FuncType;
  /** "argument i" per parameter, built once: a template string per call showed in profiles. */
  readonly #labels: readonly string[];
  /**
   * Plain copies of the signature's frozen `params`/`results`, made once: V8 15 (Deno 2.9) reads
   * elements of a frozen array in optimised code through the generic keyed-load stub, which was
   * 8-11% of a 1e7-call `TypedFunc.call` profile (`KeyedLoadIC` + trampoline ticks).
   */
  readonly #params: ValType[];
  readonly #resultTypes: ValType[];
  /**
   * The parameter/result buffer of synchronous calls, reused while no call is using it (a
   * re-entrant call of the same function from a host function allocates its own): allocating a
   * typed array per call was a third of an export call's cost (`bench/boundary_bench.ts`).
   */
  #io: Int32Array | null = null;

  /**
   * A typed view of `func` (`func.typed(store)` and `instance.getTypedFunc` make these).
   *
   * @param store the store that owns `func`
   * @param func the function
   * @param expected the signature the caller expects; a different one throws `FuncError`
   */
  constructor(store: Store, func: Func, expected?: FuncTypeLike) {
    this.#entity = funcs.entity(store, func);
    this.#store = store;
    this.#func = func;
    this.#type = this.#entity.type;
    this.#labels = this.#type.params.map((_, i) => `argument ${i}`);
    this.#params = [...this.#type.params];
    this.#resultTypes = [...this.#type.results];
    if (expected !== undefined && !toFuncType(expected).equals(this.#type)) {
      throw new FuncError(
        `Function type mismatch: expected ${toFuncType(expected)}, got ${this.#type}`,
      );
    }
  }

  /** The underlying function. */
  get func(): Func {
    return this.#func;
  }

  /** The function's signature. */
  ty(store: Store): FuncType {
    checkStore("Func", this.#store, store);
    return this.#type;
  }

  /**
   * Calls the function.
   *
   * @throws {FuncError} when the arguments do not match the signature (nothing runs)
   * @throws {Trap} when execution traps; the store stays usable
   */
  call(store: Store, ...params: P): R {
    const cached = this.#io;
    this.#io = null;
    const io = this.#paramSlots(store, params, cached);
    try {
      callEntity(store, this.#entity, io);
      return this.#results(store, io);
    } finally {
      this.#io = io;
    }
  }

  /**
   * Calls the function as a resumable call (see `Func.callResumable`); a finished call's
   * `results` are the typed result. A `hostTrap` stop is resumed with `Val`s, the host
   * function's results.
   *
   * @example
   * ```ts
   * import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * import wabtInit from "wabt";
   * const wat = `(module (func (export "add") (param i32 i32) (result i32)
   *   (i32.add (local.get 0) (local.get 1))))`;
   * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
   * const engine = new Engine(new Config({ consumeFuel: true }));
   * const store = new Store(engine, null);
   * const add = new Linker(engine).instantiate(store, new Module(engine, bytes))
   *   .getTypedFunc<[number, number], number>(store, "add");
   * const call = add.callResumable(store, 2, 3);
   * assert.equal(call.kind, "outOfFuel");
   * store.setFuel(call.requiredFuel);
   * const done = call.resume(store);
   * assert.equal(done.kind === "finished" && done.results, 5);
   * ```
   *
   * @throws {FuncError} when the arguments do not match the signature (nothing runs)
   * @throws {Trap} when execution traps inside Wasm; the store stays usable
   */
  callResumable(store: Store, ...params: P): ResumableCall<R> {
    const io = this.#paramSlots(store, params);
    return callResumableEntity(store, this.#entity, io, (out) => this.#results(store, out));
  }

  /**
   * Calls the function, awaiting host functions that return Promises (see `Func.callAsync`).
   *
   * @throws {FuncError} when the arguments do not match the signature (nothing runs)
   * @throws {Trap} when execution traps or the store's fuel runs out
   */
  callAsync(store: Store, ...params: P): Promise<R> {
    return this.callAsyncWith(store, {}, ...params);
  }

  /**
   * `callAsync` with options: a fuel slice to yield to the event loop after, an abort signal
   * (see `CallAsyncOptions`).
   *
   * @example Yielding to the event loop while a long loop runs
   * ```ts
   * import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * import wabtInit from "wabt";
   * const wat = `(module (func (export "spin") (param i32) (loop (br_if 0
   *   (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))`;
   * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
   * const engine = new Engine(new Config({ consumeFuel: true }));
   * const store = new Store(engine, null);
   * const spin = new Linker(engine).instantiate(store, new Module(engine, bytes))
   *   .getTypedFunc<[number], void>(store, "spin");
   * store.setFuel(1_000_000_000);
   * let ticks = 0;
   * const timer = setInterval(() => ticks++, 1);
   * await spin.callAsyncWith(store, { fuelSlice: 100_000 }, 3_000_000);
   * clearInterval(timer);
   * assert.ok(ticks > 0, "the interval ran while Wasm did");
   * ```
   *
   * @throws {FuelError} when `fuelSlice` is given but fuel is not metered
   */
  callAsyncWith(store: Store, options: CallAsyncOptions, ...params: P): Promise<R> {
    try {
      const io = this.#paramSlots(store, params);
      return callAsyncEntity(store, this.#entity, io, (out) => this.#results(store, out), options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The parameter slots for `params`, converted and checked against the signature, in `reuse`
   * when given (a buffer of this function's size) or in a new buffer.
   */
  #paramSlots(store: Store, params: P, reuse: Int32Array | null = null): Int32Array {
    checkStore("Func", this.#store, store);
    const types = this.#params;
    if (params.length !== types.length) {
      throw new FuncError(
        `Expected ${types.length} arguments for ${this.#type}, got ${params.length}`,
      );
    }
    const io = reuse ??
      new Int32Array(Math.max(types.length, this.#resultTypes.length, 1) * SLOT_WORDS);
    const labels = this.#labels;
    for (let i = 0; i < types.length; i++) {
      writeJs(store, types[i]!, params[i], io, i * SLOT_WORDS, labels[i]!);
    }
    return io;
  }

  /** The typed result from the slots of `io`. */
  #results(store: Store, io: Int32Array): R {
    const results = this.#resultTypes;
    if (results.length === 0) return undefined as R;
    if (results.length === 1) return readJs(store, results[0]!, io, 0) as R;
    const out = new Array<unknown>(results.length);
    for (let i = 0; i < out.length; i++) out[i] = readJs(store, results[i]!, io, i * SLOT_WORDS);
    return out as R;
  }
}
