/**
 * Resource limits, as wasmi's: a `ResourceLimiter` that the store consults before a memory or a
 * table grows or is created, and `StoreLimits`, the ready-made limiter built by
 * `StoreLimitsBuilder`. Install one with `store.limiter(...)`.
 *
 * @module
 */

import { InstantiationError } from "../core/errors.ts";
import { Trap, TrapCode } from "../core/trap.ts";
import type { MemoryType, TableType } from "../core/types.ts";
import type { StoreInner, StoreLimiter } from "../engine/entities.ts";
import { MemoryError, TableError } from "./errors.ts";

/** The number of instances a store may hold when the limiter does not say (wasmi's default). */
export const DEFAULT_INSTANCE_LIMIT = 10_000;
/** The number of tables a store may hold when the limiter does not say (wasmi's default). */
export const DEFAULT_TABLE_LIMIT = 10_000;
/** The number of memories a store may hold when the limiter does not say (wasmi's default). */
export const DEFAULT_MEMORY_LIMIT = 10_000;
/**
 * The most elements a table may have under the default limits (V8's limit; wasmi has none):
 * growing a table beyond it fails at once instead of allocating gigabytes.
 */
export const DEFAULT_TABLE_ELEMENTS = 10_000_000;

/**
 * Decides whether the memories and tables of a store may grow, and how many instances, tables and
 * memories it may hold. The store asks it before every growth, from Wasm (`memory.grow`,
 * `table.grow`) and from the API (`Memory.grow`, `Table.grow`), and before it creates a memory,
 * a table (as a growth from 0 to the initial size) or an instance.
 *
 * Returning `false` denies a growth: Wasm sees -1, the API throws `MemoryError` / `TableError`.
 * Throwing denies it too, but makes Wasm trap with `TrapCode.GrowthOperationLimited` (the error
 * is the trap's `cause`).
 */
export interface ResourceLimiter {
  /**
   * Whether a memory may grow.
   *
   * @param current its size in bytes
   * @param desired the size it would have, in bytes
   * @param maximum the maximum of its type in bytes, or null when it has none
   */
  memoryGrowing(current: number, desired: number, maximum: number | null): boolean;
  /**
   * Whether a table may grow.
   *
   * @param current its size in elements
   * @param desired the size it would have, in elements
   * @param maximum the maximum of its type, or null when it has none
   */
  tableGrowing(current: number, desired: number, maximum: number | null): boolean;
  /** Told when a memory growth fails after `memoryGrowing` allowed it; may throw to trap. */
  memoryGrowFailed?(error: MemoryError): void;
  /** Told when a table growth fails after `tableGrowing` allowed it; may throw to trap. */
  tableGrowFailed?(error: TableError): void;
  /** How many instances the store may hold (default `DEFAULT_INSTANCE_LIMIT`). */
  instances?(): number;
  /** How many tables the store may hold (default `DEFAULT_TABLE_LIMIT`). */
  tables?(): number;
  /** How many memories the store may hold (default `DEFAULT_MEMORY_LIMIT`). */
  memories?(): number;
}

/**
 * What `store.limiter` takes: a function from the store's data to the limiter (called each time
 * the limiter is needed, as wasmi's `Store::limiter`), or the limiter itself.
 */
export type ResourceLimiterSource<T> = ((data: T) => ResourceLimiter) | ResourceLimiter;

function checkCount(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`The ${what} limit must be a non-negative safe integer, got ${n}`);
  }
  return n;
}

/** The limits a `StoreLimits` enforces (`StoreLimitsBuilder` sets them one by one). */
export interface StoreLimitsOptions {
  /** The most bytes each memory may have; null: no limit. */
  memorySize: number | null;
  /** The most elements each table may have (default `DEFAULT_TABLE_ELEMENTS`); null: no limit. */
  tableElements: number | null;
  /** The most instances the store may hold. */
  instances: number;
  /** The most tables the store may hold. */
  tables: number;
  /** The most memories the store may hold. */
  memories: number;
  /** Whether a failed growth from Wasm traps instead of giving -1. */
  trapOnGrowFailure: boolean;
}

function effectiveLimit(limit: number | null, maximum: number | null): number | null {
  return limit === null ? maximum : maximum === null ? limit : Math.min(limit, maximum);
}

/**
 * A `ResourceLimiter` with fixed limits, as wasmi's `StoreLimits`: each memory at most
 * `memorySize` bytes, each table at most `tableElements` elements, and at most `instances`,
 * `tables` and `memories` of each in the store. With `trapOnGrowFailure`, any failed growth from
 * Wasm traps instead of returning -1. Build one with `StoreLimitsBuilder`.
 *
 * @example Capping a memory at 2 pages
 * ```ts
 * import { Engine, Memory, MemoryError, MemoryType, Store, StoreLimitsBuilder } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), new StoreLimitsBuilder().memorySize(2 * 65536).build());
 * store.limiter((limits) => limits);
 * const mem = new Memory(store, new MemoryType({ minimum: 1 }));
 * assert.equal(mem.grow(store, 1), 1);
 * assert.throws(() => mem.grow(store, 1), MemoryError);
 * ```
 */
export class StoreLimits implements ResourceLimiter {
  readonly #limits: StoreLimitsOptions;

  /**
   * Limits with wasmi's defaults for those not given (`StoreLimitsBuilder` is the usual way).
   *
   * @param limits the limits to enforce
   */
  constructor(limits: Partial<Readonly<StoreLimitsOptions>> = {}) {
    this.#limits = {
      memorySize: limits.memorySize ?? null,
      tableElements: limits.tableElements === undefined
        ? DEFAULT_TABLE_ELEMENTS
        : limits.tableElements,
      instances: limits.instances ?? DEFAULT_INSTANCE_LIMIT,
      tables: limits.tables ?? DEFAULT_TABLE_LIMIT,
      memories: limits.memories ?? DEFAULT_MEMORY_LIMIT,
      trapOnGrowFailure: limits.trapOnGrowFailure ?? false,
    };
  }

  /**
   * Allows a growth up to the memory size limit and the type's maximum.
   *
   * @throws {MemoryError} when denied and `trapOnGrowFailure` is set
   */
  memoryGrowing(_current: number, desired: number, maximum: number | null): boolean {
    const limit = this.#limits.memorySize;
    const allow = (limit === null || desired <= limit) && (maximum === null || desired <= maximum);
    if (!allow && this.#limits.trapOnGrowFailure) {
      throw new MemoryError(
        `Cannot grow a memory to ${desired} bytes: the limit is ${
          effectiveLimit(limit, maximum)
        } bytes`,
      );
    }
    return allow;
  }

  /**
   * Allows a growth up to the table elements limit and the type's maximum.
   *
   * @throws {TableError} when denied and `trapOnGrowFailure` is set
   */
  tableGrowing(_current: number, desired: number, maximum: number | null): boolean {
    const limit = this.#limits.tableElements;
    const allow = (limit === null || desired <= limit) && (maximum === null || desired <= maximum);
    if (!allow && this.#limits.trapOnGrowFailure) {
      throw new TableError(
        `Cannot grow a table to ${desired} elements: the limit is ${
          effectiveLimit(limit, maximum)
        } elements`,
      );
    }
    return allow;
  }

  /** Rethrows `error` when `trapOnGrowFailure` is set. */
  memoryGrowFailed(error: MemoryError): void {
    if (this.#limits.trapOnGrowFailure) throw error;
  }

  /** Rethrows `error` when `trapOnGrowFailure` is set. */
  tableGrowFailed(error: TableError): void {
    if (this.#limits.trapOnGrowFailure) throw error;
  }

  /** The instance count limit. */
  instances(): number {
    return this.#limits.instances;
  }

  /** The table count limit. */
  tables(): number {
    return this.#limits.tables;
  }

  /** The memory count limit. */
  memories(): number {
    return this.#limits.memories;
  }
}

/**
 * Builds a `StoreLimits`, as wasmi's `StoreLimitsBuilder`. Every limit not set keeps wasmi's
 * default: no memory or table size limit, 10 000 instances, tables and memories, no trap.
 *
 * @example
 * ```ts
 * import { StoreLimitsBuilder } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const limits = new StoreLimitsBuilder().memorySize(1 << 20).tableElements(100).instances(2)
 *   .tables(1).memories(1).trapOnGrowFailure(true).build();
 * assert.equal(limits.instances(), 2);
 * assert.equal(limits.memoryGrowing(0, 1 << 20, null), true);
 * assert.throws(() => limits.memoryGrowing(0, (1 << 20) + 1, null));
 * ```
 */
export class StoreLimitsBuilder {
  readonly #limits: Partial<StoreLimitsOptions> = {};

  /** Each memory may have at most `bytes` bytes. */
  memorySize(bytes: number): this {
    this.#limits.memorySize = checkCount("memory size", bytes);
    return this;
  }

  /** Each table may have at most `n` elements. */
  tableElements(n: number): this {
    this.#limits.tableElements = checkCount("table elements", n);
    return this;
  }

  /** The store may hold at most `n` instances. */
  instances(n: number): this {
    this.#limits.instances = checkCount("instances", n);
    return this;
  }

  /** The store may hold at most `n` tables. */
  tables(n: number): this {
    this.#limits.tables = checkCount("tables", n);
    return this;
  }

  /** The store may hold at most `n` memories. */
  memories(n: number): this {
    this.#limits.memories = checkCount("memories", n);
    return this;
  }

  /** Whether a failed growth from Wasm traps (`GrowthOperationLimited`) instead of giving -1. */
  trapOnGrowFailure(trap: boolean): this {
    this.#limits.trapOnGrowFailure = trap;
    return this;
  }

  /** The limits built so far. */
  build(): StoreLimits {
    return new StoreLimits(this.#limits);
  }
}

/**
 * The limits of a store with no limiter of its own: `new StoreLimits()`, that is each table at
 * most `DEFAULT_TABLE_ELEMENTS` elements, each memory as large as its type allows and the host
 * can allocate (a growth the host cannot allocate gives -1), and at most
 * `DEFAULT_INSTANCE_LIMIT` instances, `DEFAULT_TABLE_LIMIT` tables and `DEFAULT_MEMORY_LIMIT`
 * memories.
 */
export const DEFAULT_LIMITS: StoreLimits = new StoreLimits();

/** `e` as the trap a denied growth raises (a `Trap` passes unchanged). */
function limited(e: unknown): Trap {
  return e instanceof Trap ? e : new Trap(TrapCode.GrowthOperationLimited, undefined, { cause: e });
}

/** The embedder's error behind a trap `limited` made. */
function unwrap(e: unknown): unknown {
  return e instanceof Trap && e.code === TrapCode.GrowthOperationLimited && e.cause !== undefined
    ? e.cause
    : e;
}

/**
 * The engine's view of `resolve()`: errors the limiter throws during a growth become
 * `GrowthOperationLimited` traps.
 */
export function adaptLimiter(resolve: () => ResourceLimiter): StoreLimiter {
  return {
    memoryGrowing(current, desired, maximum) {
      try {
        return resolve().memoryGrowing(current, desired, maximum) === true;
      } catch (e) {
        throw limited(e);
      }
    },
    memoryGrowFailed(message) {
      try {
        resolve().memoryGrowFailed?.(new MemoryError(message));
      } catch (e) {
        throw limited(e);
      }
    },
    tableGrowing(current, desired, maximum) {
      try {
        return resolve().tableGrowing(current, desired, maximum) === true;
      } catch (e) {
        throw limited(e);
      }
    },
    tableGrowFailed(message) {
      try {
        resolve().tableGrowFailed?.(new TableError(message));
      } catch (e) {
        throw limited(e);
      }
    },
    instances: () => resolve().instances?.() ?? DEFAULT_INSTANCE_LIMIT,
    tables: () => resolve().tables?.() ?? DEFAULT_TABLE_LIMIT,
    memories: () => resolve().memories?.() ?? DEFAULT_MEMORY_LIMIT,
  };
}

/**
 * Throws `MemoryError` unless the store's limiter lets it create a memory of `type`: one more
 * memory within the count, and the initial size allowed as a growth from 0.
 */
export function checkNewMemory(inner: StoreInner, type: MemoryType): void {
  const limiter = inner.limiter;
  if (limiter === null) return;
  const limit = limiter.memories();
  if (inner.memoryCount >= limit) {
    throw new MemoryError(`Cannot create ${type}: the store may hold at most ${limit} memories`);
  }
  const initial = type.minimum * type.pageSize;
  const maximum = type.maximum === null ? null : type.maximum * type.pageSize;
  let allowed: boolean;
  try {
    allowed = limiter.memoryGrowing(0, initial, maximum);
  } catch (e) {
    throw new MemoryError(`Cannot create ${type}: the resource limiter denied ${initial} bytes`, {
      cause: unwrap(e),
    });
  }
  if (!allowed) {
    throw new MemoryError(`Cannot create ${type}: the resource limiter denied ${initial} bytes`);
  }
}

/**
 * Throws `TableError` unless the store's limiter lets it create a table of `type`: one more
 * table within the count, and the initial size allowed as a growth from 0.
 */
export function checkNewTable(inner: StoreInner, type: TableType): void {
  const limiter = inner.limiter;
  if (limiter === null) return;
  const limit = limiter.tables();
  if (inner.tableCount >= limit) {
    throw new TableError(`Cannot create ${type}: the store may hold at most ${limit} tables`);
  }
  let allowed: boolean;
  try {
    allowed = limiter.tableGrowing(0, type.minimum, type.maximum);
  } catch (e) {
    throw new TableError(
      `Cannot create ${type}: the resource limiter denied ${type.minimum} elements`,
      { cause: unwrap(e) },
    );
  }
  if (!allowed) {
    throw new TableError(
      `Cannot create ${type}: the resource limiter denied ${type.minimum} elements`,
    );
  }
}

/**
 * Throws `InstantiationError` unless the store's limiter lets it hold one more instance with
 * `tables` more tables and `memories` more memories.
 */
export function checkNewInstance(inner: StoreInner, tables: number, memories: number): void {
  const limiter = inner.limiter;
  if (limiter === null) return;
  const check = (what: string, count: number, limit: number): void => {
    if (count > limit) {
      throw new InstantiationError(
        `Too many ${what}: the store may hold at most ${limit}, instantiating needs ${count}`,
      );
    }
  };
  check("instances", inner.instanceCount + 1, limiter.instances());
  if (tables > 0) check("tables", inner.tableCount + tables, limiter.tables());
  if (memories > 0) check("memories", inner.memoryCount + memories, limiter.memories());
}

/** The cause to report for an error a growth from the API threw: the limiter's own error. */
export function growthErrorCause(e: unknown): unknown {
  return unwrap(e);
}
