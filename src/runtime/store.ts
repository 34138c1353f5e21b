/**
 * `Store`: owns every instance, function, memory, table and global created in it, the host data,
 * and the fuel counter.
 *
 * @module
 */

import type { Engine } from "../engine/engine.ts";
import { StoreInner } from "../engine/entities.ts";
import { spreadFuel } from "../engine/fuel.ts";
import { FuelError, StoreMismatchError } from "./errors.ts";
import {
  adaptLimiter,
  DEFAULT_LIMITS,
  type ResourceLimiter,
  type ResourceLimiterSource,
} from "./limits.ts";
import type { CallHook, CallHookFn } from "./call_hook.ts";

let innerOf: (store: Store) => StoreInner;

/** The limiter of every store that has none of its own (see `DEFAULT_LIMITS`). */
const defaultLimiter = adaptLimiter(() => DEFAULT_LIMITS);

/**
 * The owner of all runtime state. Handles (`Func`, `Memory`, ...) name an entity in one store and
 * every operation on them takes that store, as in wasmi.
 *
 * `T` is the type of the host data, which host functions reach through `caller.data`.
 *
 * @example Host data and fuel
 * ```ts
 * import { Config, Engine, Store } from "../../mod.ts";
 * const store = new Store(new Engine(new Config({ consumeFuel: true })), { calls: 0 });
 * store.data.calls++;
 * store.setFuel(1000);
 * if (store.data.calls !== 1 || store.getFuel() !== 1000n) throw new Error();
 * ```
 */
export class Store<T = unknown> {
  /** The engine that runs this store's functions. */
  readonly engine: Engine;
  /** The host data, free for the embedder to read and replace. */
  data: T;
  readonly #inner: StoreInner = new StoreInner();

  /**
   * Creates an empty store.
   *
   * @param engine the engine for every module instantiated in this store
   * @param data the initial host data
   */
  constructor(engine: Engine, data: T) {
    this.engine = engine;
    this.data = data;
    this.#inner.limiter = defaultLimiter;
  }

  /**
   * The fuel left (what Wasm code run in this store may still spend, see `Config.consumeFuel`).
   * A host function called from Wasm sees the fuel left after the charges made so far.
   *
   * @returns the fuel left
   * @throws {FuelError} when the engine does not meter fuel
   */
  getFuel(): bigint {
    this.#checkFuel();
    const inner = this.#inner;
    return BigInt(inner.fuel + inner.fuelReserve);
  }

  /**
   * Sets the fuel left to `fuel`. Wasm code that runs out traps with `OutOfFuel` (or, in a
   * resumable call, suspends until fuel is added).
   *
   * @param fuel a non-negative integer, at most `Number.MAX_SAFE_INTEGER`
   * @throws {FuelError} when the engine does not meter fuel
   * @throws {RangeError} when `fuel` is negative, not an integer or too large
   */
  setFuel(fuel: bigint | number): void {
    this.#checkFuel();
    const n = typeof fuel === "bigint" && fuel <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(fuel)
      : fuel;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(
        `Fuel must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got ${fuel}`,
      );
    }
    // Only a chunk (or a slice, during sliced async calls) is spendable at once; see fuel.ts.
    spreadFuel(this.#inner, n);
  }

  // --- Resource limiter and call hook -----------------------------------------------------

  /**
   * Installs a resource limiter, as wasmi's `Store::limiter`: from now on every memory and table
   * growth (from Wasm or the API) and every creation of an instance, memory or table in this
   * store asks it first. Entities created earlier count towards its limits.
   *
   * A store without a limiter of its own has `DEFAULT_LIMITS`: tables of at most 10,000,000
   * elements (a larger `table.grow` gives -1 at once), memories as large as their type allows
   * and the host can allocate, at most 10,000 instances, tables and memories each.
   *
   * @example Limiting memories with `StoreLimits`
   * ```ts
   * import { Engine, Memory, MemoryError, MemoryType, Store, StoreLimitsBuilder } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * const store = new Store(new Engine(), { limits: new StoreLimitsBuilder().memories(1).build() });
   * store.limiter((data) => data.limits);
   * new Memory(store, new MemoryType({ minimum: 1 }));
   * assert.throws(() => new Memory(store, new MemoryType({ minimum: 1 })), MemoryError);
   * ```
   *
   * @param limiter a function from the store's data to the limiter (called whenever it is
   *   needed), the limiter itself, or null to go back to `DEFAULT_LIMITS`
   */
  limiter(limiter: ResourceLimiterSource<T> | null): void {
    if (limiter === null) {
      this.#inner.limiter = defaultLimiter;
      return;
    }
    const resolve: () => ResourceLimiter = typeof limiter === "function"
      ? () => limiter(this.data)
      : () => limiter;
    this.#inner.limiter = adaptLimiter(resolve);
  }

  /**
   * Installs a call hook, as wasmi's `Store::call_hook`: `hook(data, kind)` runs when the host
   * calls into Wasm (`CallingWasm` before, `ReturningFromWasm` after, also after a trap) and when
   * Wasm calls a host function (`CallingHost`, `ReturningFromHost`). If it throws, the call
   * fails with its error.
   *
   * @example Counting calls into Wasm
   * ```ts
   * import { CallHook, Engine, Store } from "../../mod.ts";
   * const store = new Store(new Engine(), { calls: 0 });
   * store.callHook((data, kind) => {
   *   if (kind === CallHook.CallingWasm) data.calls++;
   * });
   * ```
   *
   * @param hook the hook, or null to remove it
   */
  callHook(hook: CallHookFn<T> | null): void {
    this.#inner.callHook = hook === null ? null : (kind) => hook(this.data, kind as CallHook);
  }

  static {
    innerOf = (store) => store.#inner;
  }

  #checkFuel(): void {
    if (!this.engine.config.consumeFuel) {
      throw new FuelError("Fuel metering is disabled: create the engine with consumeFuel: true");
    }
  }
}

/** The entities of `store`, as the engine sees them (for the runtime and the engine only). */
export function storeInner(store: Store): StoreInner {
  return innerOf(store);
}

/** Throws `StoreMismatchError` unless `actual` is `expected` (`what` names the handle's kind). */
export function checkStore(what: string, expected: Store, actual: Store): void {
  if (expected !== actual) {
    throw new StoreMismatchError(`${what} handle used with a store that does not own it`);
  }
}

/** Throws `StoreMismatchError` unless `store` runs on `engine` (`what` names the object). */
export function checkEngine(what: string, engine: Engine, store: Store): void {
  if (store.engine !== engine) {
    throw new StoreMismatchError(`${what} belongs to a different engine than the store`);
  }
}
