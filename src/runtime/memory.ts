/**
 * `Memory`: a handle to a linear memory in a store.
 *
 * @module
 */

import { Trap } from "../core/trap.ts";
import { MemoryType } from "../core/types.ts";
import { MemoryEntity } from "../engine/entities.ts";
import { MemoryError } from "./errors.ts";
import { checkNewMemory, growthErrorCause } from "./limits.ts";
import { checkStore, type Store, storeInner } from "./store.ts";

/** Pages a 32-bit memory can have at most (4 GiB). */
export const MAX_PAGES = 65536;

const handles = new WeakMap<MemoryEntity, Memory>();
let adopting: MemoryEntity | null = null;
let entityOf: (store: Store, memory: Memory) => MemoryEntity;

/** Throws `MemoryError` unless `type` is a valid 32-bit memory type. */
function checkMemoryType(type: MemoryType): void {
  if (!(type instanceof MemoryType)) throw new TypeError("Expected a MemoryType");
  if (type.minimum > MAX_PAGES || (type.maximum !== null && type.maximum > MAX_PAGES)) {
    throw new MemoryError(`Invalid ${type}: a memory has at most ${MAX_PAGES} pages`);
  }
  if (type.maximum !== null && type.minimum > type.maximum) {
    throw new MemoryError(`Invalid ${type}: the minimum is above the maximum`);
  }
}

/**
 * Creates the entity for a memory of `type`, owned by `store` (which counts it and whose
 * resource limiter its growth consults).
 *
 * @throws {MemoryError} when the type is invalid, the store's resource limiter denies it, or the
 *   host cannot allocate the memory
 */
export function createMemoryEntity(type: MemoryType, store: Store): MemoryEntity {
  checkMemoryType(type);
  const inner = storeInner(store);
  checkNewMemory(inner, type);
  let entity: MemoryEntity;
  try {
    entity = new MemoryEntity(type, type.maximum ?? MAX_PAGES);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new MemoryError(`Cannot allocate ${type}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  entity.store = inner;
  inner.memoryCount++;
  return entity;
}

/**
 * A linear memory, in 64 KiB pages. Its bytes move to a new buffer when it grows, so a view from
 * `data` must be taken again after any call that may grow it.
 *
 * @example Read, write, grow
 * ```ts
 * import { Engine, Memory, MemoryType, Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const mem = new Memory(store, new MemoryType({ minimum: 1, maximum: 2 }));
 * mem.write(store, 100, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(mem.read(store, 100, 3), new Uint8Array([1, 2, 3]));
 * assert.equal(mem.grow(store, 1), 1);
 * assert.equal(mem.size(store), 2);
 * assert.equal(mem.data(store).length, 2 * 65536);
 * ```
 */
export class Memory {
  readonly #store: Store;
  readonly #entity: MemoryEntity;

  /**
   * Creates a memory of `type`, its minimum as initial size, all zeros.
   *
   * @throws {MemoryError} when the type is invalid or cannot be allocated
   */
  constructor(store: Store, type: MemoryType) {
    this.#store = store;
    if (adopting !== null) {
      // Wrapping an entity that already exists (see `memoryHandle`).
      this.#entity = adopting;
      adopting = null;
    } else {
      this.#entity = createMemoryEntity(type, store);
    }
    handles.set(this.#entity, this);
  }

  /** The memory's type, with its current size as minimum. */
  ty(store: Store): MemoryType {
    const e = entityOf(store, this);
    return new MemoryType({ minimum: e.pages, maximum: e.type.maximum, shared: e.type.shared });
  }

  /** The current size in pages. */
  size(store: Store): number {
    return entityOf(store, this).pages;
  }

  /**
   * Grows the memory by `delta` pages, filled with zeros.
   *
   * @returns the size before growing, in pages
   * @throws {MemoryError} when it would exceed the maximum, the store's resource limiter denies
   *   it, or it cannot be allocated
   */
  grow(store: Store, delta: number): number {
    const e = entityOf(store, this);
    if (!Number.isInteger(delta) || delta < 0) {
      throw new RangeError(`Memory growth must be a non-negative integer, got ${delta}`);
    }
    let old: number;
    try {
      old = e.grow(delta);
    } catch (err) {
      // The resource limiter refused by throwing (a trap, had Wasm grown it).
      if (!(err instanceof Trap)) throw err;
      throw new MemoryError(
        `Cannot grow a memory of ${e.pages} pages by ${delta}: the resource limiter denied it`,
        { cause: growthErrorCause(err) },
      );
    }
    if (old < 0) {
      throw new MemoryError(`Cannot grow a memory of ${e.pages} pages by ${delta} (${e.type})`);
    }
    return old;
  }

  /** A view of the memory's current bytes (valid until it grows). */
  data(store: Store): Uint8Array {
    return entityOf(store, this).u8;
  }

  /**
   * Copies bytes out of the memory.
   *
   * @param offset first byte
   * @param target how many bytes to read into a new array, or the array to fill
   * @returns the bytes read
   * @throws {MemoryError} when the range is out of bounds
   */
  read(store: Store, offset: number, target: number | Uint8Array): Uint8Array {
    const e = entityOf(store, this);
    const length = typeof target === "number" ? target : target.length;
    checkRange(e, offset, length);
    const bytes = e.u8.subarray(offset, offset + length);
    if (typeof target === "number") return bytes.slice();
    target.set(bytes);
    return target;
  }

  /**
   * Copies `bytes` into the memory at `offset`.
   *
   * @throws {MemoryError} when the range is out of bounds (nothing is written)
   */
  write(store: Store, offset: number, bytes: Uint8Array): void {
    const e = entityOf(store, this);
    checkRange(e, offset, bytes.length);
    e.u8.set(bytes, offset);
  }

  static {
    entityOf = (store, memory) => {
      checkStore("Memory", memory.#store, store);
      return memory.#entity;
    };
  }
}

function checkRange(e: MemoryEntity, offset: number, length: number): void {
  if (
    !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 ||
    offset + length > e.byteLength
  ) {
    throw new MemoryError(
      `Out of bounds memory access: ${length} bytes at ${offset} in a memory of ${e.byteLength}`,
    );
  }
}

/** The entity behind `memory`, after checking that `store` owns it. */
export function memoryEntity(store: Store, memory: Memory): MemoryEntity {
  return entityOf(store, memory);
}

/** The handle of `entity`, which `store` owns (the same handle every time). */
export function memoryHandle(store: Store, entity: MemoryEntity): Memory {
  const known = handles.get(entity);
  if (known !== undefined) return known;
  adopting = entity;
  return new Memory(store, entity.type);
}
