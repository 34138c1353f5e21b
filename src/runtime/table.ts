/**
 * `Table`: a handle to a table of references in a store.
 *
 * @module
 */

import { Trap } from "../core/trap.ts";
import { TableType } from "../core/types.ts";
import { TableEntity } from "../engine/entities.ts";
import { holdsGcRefs } from "../engine/gc.ts";
import { TableError } from "./errors.ts";
import { tables } from "./handles.ts";
import { checkNewTable, growthErrorCause } from "./limits.ts";
import { type Store, storeInner } from "./store.ts";
import { readVal, Val, valFits, writeVal } from "./val.ts";
import { TYPES, valRepr } from "../core/type_registry.ts";

/** Elements a table can have at most (a u32). */
export const MAX_TABLE_SIZE = 0xffff_ffff;

const scratch = new Int32Array(4);

/**
 * Creates the entity for a table of `type` whose elements are the handle `init`, owned by
 * `store` (which counts it and whose resource limiter its growth consults).
 *
 * @throws {TableError} when the type is invalid, the store's resource limiter denies it, or the
 *   host cannot allocate the table
 */
export function createTableEntity(type: TableType, init: number, store: Store): TableEntity {
  if (!(type instanceof TableType)) throw new TypeError("Expected a TableType");
  if (type.maximum !== null && type.minimum > type.maximum) {
    throw new TableError(`Invalid ${type}: the minimum is above the maximum`);
  }
  if (type.minimum > MAX_TABLE_SIZE || (!type.index64 && (type.maximum ?? 0) > MAX_TABLE_SIZE)) {
    throw new TableError(`Invalid ${type}: a table has at most ${MAX_TABLE_SIZE} elements here`);
  }
  const inner = storeInner(store);
  checkNewTable(inner, type);
  let entity: TableEntity;
  try {
    // A 64-bit table stays below 2^32 - 1 elements: the executor narrows an index with a high
    // word to 0xffffffff, which must then be out of bounds.
    const cap = type.index64 ? MAX_TABLE_SIZE - 1 : MAX_TABLE_SIZE;
    entity = new TableEntity(type, Math.min(type.maximum ?? cap, cap), init);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new TableError(`Cannot allocate ${type}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  entity.store = inner;
  inner.tableCount++;
  if (valRepr(type.element) === "exnref") inner.exnHolders.push(entity);
  if (holdsGcRefs(type.element)) inner.gc.holders.push(entity);
  return entity;
}

/**
 * A table of `funcref` or `externref` elements.
 *
 * @example Growing and filling a table
 * ```ts
 * import { Engine, Func, Store, Table, TableType, Val } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new Store(new Engine(), null);
 * const table = new Table(store, new TableType({ element: "funcref", minimum: 2 }), Val.funcref(null));
 * const f = Func.wrap(store, { params: [], results: [] }, () => {});
 * assert.equal(table.grow(store, 2, Val.funcref(f)), 2);
 * assert.equal(table.size(store), 4);
 * assert.equal(table.get(store, 3)!.value, f);
 * table.fill(store, 0, Val.funcref(f), 2);
 * assert.equal(table.get(store, 0)!.value, f);
 * assert.equal(table.get(store, 4), undefined);
 * ```
 */
export class Table {
  /**
   * Creates a table of `type`, its minimum as initial size, every element `init`.
   *
   * @throws {TableError} when the type is invalid, `init` has the wrong type, or the table
   *   cannot be allocated
   */
  constructor(store: Store, type: TableType, init: Val) {
    tables.bind(this, store, createTableEntity(type, refHandle(store, type, init), store));
  }

  /** The table's type, with its current size as minimum. */
  ty(store: Store): TableType {
    const e = tables.entity(store, this);
    const { element, maximum, index64 } = e.type;
    return new TableType({ element, minimum: e.size, maximum, index64 });
  }

  /** The current number of elements. */
  size(store: Store): number {
    return tables.entity(store, this).size;
  }

  /**
   * Grows the table by `delta` elements set to `init`.
   *
   * @returns the size before growing
   * @throws {TableError} when it would exceed the maximum, the store's resource limiter denies
   *   it, or `init` has the wrong type
   */
  grow(store: Store, delta: number, init: Val): number {
    const e = tables.entity(store, this);
    if (!Number.isInteger(delta) || delta < 0) {
      throw new RangeError(`Table growth must be a non-negative integer, got ${delta}`);
    }
    const handle = refHandle(store, e.type, init);
    let old: number;
    try {
      old = e.grow(delta, handle);
    } catch (err) {
      // The resource limiter refused by throwing (a trap, had Wasm grown it).
      if (!(err instanceof Trap)) throw err;
      throw new TableError(
        `Cannot grow a table of ${e.size} elements by ${delta}: the resource limiter denied it`,
        { cause: growthErrorCause(err) },
      );
    }
    if (old < 0) {
      throw new TableError(`Cannot grow a table of ${e.size} elements by ${delta} (${e.type})`);
    }
    return old;
  }

  /** The element at `index`, or `undefined` when out of bounds. */
  get(store: Store, index: number): Val | undefined {
    const e = tables.entity(store, this);
    if (!Number.isInteger(index) || index < 0 || index >= e.size) return undefined;
    scratch[0] = e.elements[index]!;
    return readVal(store, e.type.element, scratch, 0);
  }

  /**
   * Sets the element at `index`.
   *
   * @throws {TableError} when out of bounds or `value` has the wrong type
   */
  set(store: Store, index: number, value: Val): void {
    const e = tables.entity(store, this);
    const handle = refHandle(store, e.type, value);
    checkRange(e, index, 1);
    e.elements[index] = handle;
  }

  /**
   * Sets `length` elements from `index` to `value`.
   *
   * @throws {TableError} when the range is out of bounds (nothing changes) or `value` has the
   *   wrong type
   */
  fill(store: Store, index: number, value: Val, length: number): void {
    const e = tables.entity(store, this);
    const handle = refHandle(store, e.type, value);
    checkRange(e, index, length);
    e.elements.fill(handle, index, index + length);
  }

  /**
   * Copies `length` elements from `src[srcIndex..]` to `dst[dstIndex..]`; the ranges may
   * overlap, even within one table.
   *
   * @throws {TableError} when a range is out of bounds (nothing changes) or the element types
   *   differ
   */
  static copy(
    store: Store,
    dst: Table,
    dstIndex: number,
    src: Table,
    srcIndex: number,
    length: number,
  ): void {
    const d = tables.entity(store, dst);
    const s = tables.entity(store, src);
    if (!TYPES.valSub(s.type.element, d.type.element)) {
      throw new TableError(`Cannot copy ${s.type.element} elements into a ${d.type}`);
    }
    checkRange(s, srcIndex, length);
    checkRange(d, dstIndex, length);
    // `set` copies through a temporary when source and target share a buffer.
    d.elements.set(s.elements.subarray(srcIndex, srcIndex + length), dstIndex);
  }
}
tables.define(Table);

function refHandle(store: Store, type: TableType, value: Val): number {
  if (!(value instanceof Val) || !valFits(value, type.element, store)) {
    const got = value instanceof Val ? value.type : String(value);
    throw new TableError(`Type mismatch: a ${type} holds ${type.element}, got ${got}`);
  }
  writeVal(store, value, scratch, 0);
  return scratch[0]!;
}

function checkRange(e: TableEntity, index: number, length: number): void {
  if (
    !Number.isInteger(index) || !Number.isInteger(length) || index < 0 || length < 0 ||
    index + length > e.size
  ) {
    throw new TableError(
      `Out of bounds table access: ${length} elements at ${index} in a table of ${e.size}`,
    );
  }
}
