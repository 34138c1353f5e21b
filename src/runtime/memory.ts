/**
 * `Memory`: a handle to a linear memory in a store.
 *
 * @module
 */

import { Trap } from "../core/trap.ts";
import { MemoryType } from "../core/types.ts";
import { MemoryEntity } from "../engine/entities.ts";
import { MemoryError } from "./errors.ts";
import { memories } from "./handles.ts";
import { checkNewMemory, growthErrorCause } from "./limits.ts";
import { type Store, storeInner } from "./store.ts";

/** Pages of 64 KiB a 32-bit memory can have at most (4 GiB). */
export const MAX_PAGES = 65536;

/**
 * Bytes a 64-bit memory can have at most here: less than 4 GiB, what a JS engine can reliably
 * allocate. Its type may allow more (the spec lets growth fail), but never an address of 2^32 or
 * more in bounds, which the executor relies on: it narrows a 64-bit address with a high word to
 * 0xffffffff, out of bounds however many bytes follow.
 */
export const MAX_BYTES_64 = 2 ** 32 - 65536;

/** Throws `MemoryError` unless `type` is a valid memory type this engine can create. */
function checkMemoryType(type: MemoryType): void {
  if (!(type instanceof MemoryType)) throw new TypeError("Expected a MemoryType");
  if (type.pageSizeLog2 !== 0 && type.pageSizeLog2 !== 16) {
    throw new MemoryError(`Invalid ${type}: the page size must be 1 or 65536 bytes`);
  }
  const maxPages = 2 ** (32 - type.pageSizeLog2);
  if (
    !type.index64 &&
    (type.minimum > maxPages || (type.maximum !== null && type.maximum > maxPages))
  ) {
    throw new MemoryError(`Invalid ${type}: a 32-bit memory has at most ${maxPages} pages`);
  }
  if (type.index64 && type.minimum * type.pageSize > MAX_BYTES_64) {
    throw new MemoryError(
      `Cannot allocate ${type}: this engine's 64-bit memories hold at most ${MAX_BYTES_64} bytes`,
    );
  }
  if (type.shared && type.maximum === null) {
    throw new MemoryError(`Invalid ${type}: a shared memory needs a maximum`);
  }
  if (type.maximum !== null && type.minimum > type.maximum) {
    throw new MemoryError(`Invalid ${type}: the minimum is above the maximum`);
  }
  if (type.shared && type.maximum === null) {
    throw new MemoryError(`Invalid ${type}: a shared memory must have a maximum`);
  }
}

/** The most pages a memory of `type` can reach here: its maximum, within the engine's caps. */
function maxPagesOf(type: MemoryType): number {
  // A 32-bit memory of 1-byte pages stops one byte short of 4 GiB, so that `memory.size` (an
  // i32) always tells its size.
  const cap = type.index64
    ? Math.floor(MAX_BYTES_64 / type.pageSize)
    : type.pageSizeLog2 === 0
    ? 2 ** 32 - 1
    : 2 ** (32 - type.pageSizeLog2);
  return Math.min(type.maximum ?? cap, cap);
}

/** The type of memory `e` with its current size as minimum. */
export function currentMemoryType(e: MemoryEntity): MemoryType {
  const t = e.type;
  return new MemoryType({
    minimum: e.pages,
    maximum: t.maximum,
    shared: t.shared,
    index64: t.index64,
    pageSizeLog2: t.pageSizeLog2,
  });
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
  if (type.shared && !store.engine.config.wasmThreads) {
    throw new MemoryError(`Cannot create a ${type}: the engine's Config.wasmThreads is off`);
  }
  const inner = storeInner(store);
  checkNewMemory(inner, type);
  let entity: MemoryEntity;
  try {
    const maxPages = maxPagesOf(type);
    if (type.minimum > maxPages) {
      throw new RangeError(`this engine's memories of this kind hold at most ${maxPages} pages`);
    }
    entity = new MemoryEntity(type, maxPages);
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
 * A linear memory, in pages of its type's `pageSize` (64 KiB, or 1 byte with custom page sizes).
 * Its bytes move to a new buffer when it grows, so a view from `data` must be taken again after
 * any call that may grow it. A 64-bit memory (memory64) holds less than 4 GiB here; a larger
 * minimum fails to be created (`MemoryError`) and growth beyond fails as the spec allows.
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
  /**
   * Creates a memory of `type`, its minimum as initial size, all zeros.
   *
   * @throws {MemoryError} when the type is invalid or cannot be allocated
   */
  constructor(store: Store, type: MemoryType) {
    memories.bind(this, store, createMemoryEntity(type, store));
  }

  /** The memory's type, with its current size as minimum. */
  ty(store: Store): MemoryType {
    const e = memories.entity(store, this);
    return currentMemoryType(e);
  }

  /** The current size in pages. */
  size(store: Store): number {
    return memories.entity(store, this).pages;
  }

  /**
   * Grows the memory by `delta` pages, filled with zeros.
   *
   * @returns the size before growing, in pages
   * @throws {MemoryError} when it would exceed the maximum, the store's resource limiter denies
   *   it, or it cannot be allocated
   */
  grow(store: Store, delta: number): number {
    const e = memories.entity(store, this);
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
    return memories.entity(store, this).u8;
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
    const e = memories.entity(store, this);
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
    const e = memories.entity(store, this);
    checkRange(e, offset, bytes.length);
    e.u8.set(bytes, offset);
  }
}
memories.define(Memory);

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
