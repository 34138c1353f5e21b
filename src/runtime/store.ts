/**
 * `Store`: owns every instance, function, memory, table and global created in it, the host data,
 * and the fuel counter.
 *
 * @module
 */

import type { Engine } from "../engine/engine.ts";
import { StoreInner } from "../engine/entities.ts";
import { FuelError, StoreMismatchError } from "./errors.ts";

let innerOf: (store: Store) => StoreInner;

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
 * if (store.data.calls !== 1 || store.getFuel() !== 1000) throw new Error();
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
  }

  /**
   * The fuel left.
   *
   * @throws {FuelError} when the engine does not meter fuel
   */
  getFuel(): number {
    this.#checkFuel();
    return this.#inner.fuel;
  }

  /**
   * Sets the fuel left to `fuel`.
   *
   * @param fuel a non-negative integer
   * @throws {FuelError} when the engine does not meter fuel
   */
  setFuel(fuel: number): void {
    this.#checkFuel();
    if (!Number.isSafeInteger(fuel) || fuel < 0) {
      throw new RangeError(`Fuel must be a non-negative safe integer, got ${fuel}`);
    }
    this.#inner.fuel = fuel;
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
