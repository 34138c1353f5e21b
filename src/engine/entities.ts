/**
 * The store's entities as the executor sees them: plain mutable objects with no API, owned by
 * a `StoreInner`. The public handles in `src/runtime/` (`Func`, `Memory`, ...) wrap them.
 *
 * Value representation (the contract between translator, executor and runtime):
 * - Every value occupies one 16-byte slot of an `ArrayBuffer`, addressed in 32-bit words:
 *   i32 / f32 bits at word `w`, i64 / f64 bits as lo `w`, hi `w + 1` (little endian), v128 as
 *   words `w..w+3`. `w` is a multiple of 4.
 * - References are integer handles so that slots stay untyped: `0` is null; a funcref is a
 *   function id (index into `StoreInner.funcs`); a reference of the `any` and `extern`
 *   hierarchies (GC objects, `i31`s, host values) is a handle of the store's `GcHeap` (see
 *   `gc.ts`); an exnref is an exception id (index into `StoreInner.exns`). Tables hold the same
 *   handles.
 *
 * @module
 */

import { TYPES } from "../core/type_registry.ts";
import type { FuncType, GlobalType, MemoryType, TableType } from "../core/types.ts";
import type { ModuleDecl } from "../binary/module.ts";
import type { CompiledFunc } from "./code_map.ts";
import type { ExecStack } from "./stack.ts";
import { GcHeap, type GcRef } from "./gc.ts";

/** Bytes in a Wasm page. */
export const PAGE_SIZE = 65536;
/** Words per value slot. */
export const SLOT_WORDS = 4;
/** The handle of a null reference. */
export const NULL_REF = 0;
/** Exception ids are not collected while fewer than this many are in use. */
const EXN_COLLECT_MIN = 1024;

/**
 * The store's resource limiter as `grow` consults it (the runtime adapts the embedder's
 * `ResourceLimiter` to this). Sizes are in bytes for memories and in elements for tables; a
 * method that throws makes the growth trap (the adapter throws `Trap`s).
 */
export interface StoreLimiter {
  /** Whether a memory may grow from `current` to `desired` bytes (`maximum`: its type's). */
  memoryGrowing(current: number, desired: number, maximum: number | null): boolean;
  /** Told when a memory growth the limiter allowed failed anyway; may throw to trap. */
  memoryGrowFailed(message: string): void;
  /** Whether a table may grow from `current` to `desired` elements (`maximum`: its type's). */
  tableGrowing(current: number, desired: number, maximum: number | null): boolean;
  /** Told when a table growth the limiter allowed failed anyway; may throw to trap. */
  tableGrowFailed(message: string): void;
  /** How many instances the store may hold. */
  instances(): number;
  /** How many tables the store may hold. */
  tables(): number;
  /** How many memories the store may hold. */
  memories(): number;
}

/** The 2-, 4- and 8-byte views of `buffer`'s whole words (its length need not be a multiple). */
function wordViews(buffer: ArrayBuffer): [Int16Array, Int32Array, Float32Array, Float64Array] {
  const n = buffer.byteLength;
  return [
    new Int16Array(buffer, 0, Math.floor(n / 2)),
    new Int32Array(buffer, 0, Math.floor(n / 4)),
    new Float32Array(buffer, 0, Math.floor(n / 4)),
    new Float64Array(buffer, 0, Math.floor(n / 8)),
  ];
}

/** A linear memory. `grow` replaces `buffer`, so code that caches views must reload them. */
export class MemoryEntity {
  buffer: ArrayBuffer;
  u8: Uint8Array;
  view: DataView;
  /**
   * Host-endian views of the whole words of `buffer`, for aligned accesses in lean generated
   * code (`codegen_lean.ts`, which uses them only on a little-endian host).
   */
  i32: Int32Array;
  /** As `i32`, for i16 halfwords. */
  i16: Int16Array;
  /** As `i32`, for f32 words. */
  f32: Float32Array;
  /** As `i32`, for f64 words. */
  f64: Float64Array;
  /** Current size in pages. */
  pages: number;
  /** Bytes per page: 65536, or 1 (custom-page-sizes). */
  readonly pageSize: number;
  /** Whether addresses are `i64` (memory64). */
  readonly index64: boolean;
  /** The owning store, whose resource limiter `grow` consults (null: no limiter). */
  store: StoreInner | null = null;

  /**
   * @param type the memory's type (its minimum is the initial size)
   * @param maxPages the effective maximum: the type's, capped by the engine and store limits
   */
  constructor(readonly type: MemoryType, public maxPages: number) {
    this.pages = type.minimum;
    this.pageSize = type.pageSize;
    this.index64 = type.index64;
    this.buffer = new ArrayBuffer(type.minimum * this.pageSize);
    this.u8 = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
    [this.i16, this.i32, this.f32, this.f64] = wordViews(this.buffer);
  }

  /** Size in bytes. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /**
   * Grows by `delta` pages; returns the old size in pages, or -1 if it cannot grow. The store's
   * resource limiter, if any, decides first; it throws (a `Trap`) to make the growth trap.
   */
  grow(delta: number): number {
    if (delta === 0) return this.pages;
    return this.mayGrow(delta) ? this.growBy(delta) : -1;
  }

  /**
   * Whether the memory may grow by `delta` (> 0) pages: the store's resource limiter agrees (it
   * may throw a `Trap` instead) and the result stays within the maximum. `growBy` does it.
   */
  mayGrow(delta: number): boolean {
    const old = this.pages;
    const limiter = this.store === null ? null : this.store.limiter;
    if (limiter !== null) {
      const max = this.type.maximum;
      const page = this.pageSize;
      const maximum = max === null ? null : max * page;
      if (!limiter.memoryGrowing(old * page, (old + delta) * page, maximum)) {
        return false;
      }
    }
    if (delta < 0 || old + delta > this.maxPages) {
      limiter?.memoryGrowFailed(
        `Cannot grow a memory of ${old} pages by ${delta}: above its maximum`,
      );
      return false;
    }
    return true;
  }

  /** Grows by `delta` pages that `mayGrow` allowed; the old size, or -1 if the host cannot. */
  growBy(delta: number): number {
    const old = this.pages;
    const limiter = this.store === null ? null : this.store.limiter;
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer((old + delta) * this.pageSize);
    } catch {
      // The host cannot allocate it: the spec lets grow fail.
      limiter?.memoryGrowFailed(`Cannot allocate ${old + delta} pages of memory`);
      return -1;
    }
    new Uint8Array(buffer).set(this.u8);
    this.buffer = buffer;
    this.u8 = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    [this.i16, this.i32, this.f32, this.f64] = wordViews(buffer);
    this.pages = old + delta;
    return old;
  }
}

/** A table of reference handles. */
export class TableEntity {
  /** Handles; only `elements[0..size)` are in the table (capacity may be larger). */
  elements: Int32Array;
  /** Current size in elements. */
  size: number;
  /** The owning store, whose resource limiter `grow` consults (null: no limiter). */
  store: StoreInner | null = null;

  /**
   * @param type the table's type
   * @param maxSize the effective maximum size
   * @param init the handle every initial element holds
   */
  constructor(readonly type: TableType, public maxSize: number, init: number = NULL_REF) {
    this.size = type.minimum;
    this.elements = new Int32Array(type.minimum);
    if (init !== NULL_REF) this.elements.fill(init);
  }

  /**
   * Grows by `delta` elements set to `init`; returns the old size, or -1 if it cannot. The
   * store's resource limiter, if any, decides first (as for memories).
   */
  grow(delta: number, init: number): number {
    if (delta === 0) return this.size;
    return this.mayGrow(delta) ? this.growBy(delta, init) : -1;
  }

  /**
   * Whether the table may grow by `delta` (> 0) elements: the store's resource limiter agrees
   * (it may throw a `Trap` instead) and the result stays within the maximum.
   */
  mayGrow(delta: number): boolean {
    const old = this.size;
    const limiter = this.store === null ? null : this.store.limiter;
    if (limiter !== null && !limiter.tableGrowing(old, old + delta, this.type.maximum)) {
      return false;
    }
    if (delta < 0 || old + delta > this.maxSize) {
      limiter?.tableGrowFailed(
        `Cannot grow a table of ${old} elements by ${delta}: above its maximum`,
      );
      return false;
    }
    return true;
  }

  /** Grows by `delta` elements that `mayGrow` allowed; the old size, or -1 if the host cannot. */
  growBy(delta: number, init: number): number {
    const old = this.size;
    const limiter = this.store === null ? null : this.store.limiter;
    const size = old + delta;
    if (size > this.elements.length) {
      let elements: Int32Array;
      try {
        elements = new Int32Array(Math.max(size, Math.min(this.maxSize, old * 2)));
      } catch {
        limiter?.tableGrowFailed(`Cannot allocate a table of ${size} elements`);
        return -1;
      }
      elements.set(this.elements.subarray(0, old));
      this.elements = elements;
    }
    this.elements.fill(init, old, size);
    this.size = size;
    return old;
  }
}

/** A global variable; its value is kept as a slot's four words. */
export class GlobalEntity {
  /** The value's words (see the module doc for the layout). */
  readonly value: Int32Array = new Int32Array(SLOT_WORDS);
  /** @param type the global's type */
  constructor(readonly type: GlobalType) {}
}

/** A function defined in Wasm. */
export class WasmFuncEntity {
  /** Distinguishes Wasm from host functions without `instanceof`. */
  readonly isHost = false;
  /** Store-wide id (this function's funcref handle). */
  id = 0;
  /**
   * The engine's translated body, cached here on first call (the engine's code map owns it and
   * shares it between all instances of the module). Only the engine reads or writes it.
   */
  compiled: CompiledFunc | null = null;
  /**
   * This instance's direct entry of its generated body (see "Direct calls" in codegen.ts: a
   * closure over the instance and its store, made on first use), null where the body has none;
   * undefined until then. Only generated code reads or writes it.
   */
  direct: ((...args: never[]) => unknown) | null | undefined = undefined;
  /**
   * @param type the function's signature
   * @param typeId the engine's deduplicated id of `type` (`call_indirect` compares these)
   * @param instance the instance that defines it
   * @param funcIndex index in its module's function index space
   */
  constructor(
    readonly type: FuncType,
    readonly typeId: number,
    readonly instance: InstanceEntity,
    readonly funcIndex: number,
  ) {}
}

/**
 * A host function's entry for generated code (`HostFuncEntity.fast`): as `invoke`, with its
 * parameters (at most three i32s, also in the slots at `base`) as `a`, `b`, `c`, and its result
 * (none, or one i32) returned: a number is the result (0 without one); `undefined` leaves it
 * in the slot at `base`; a Promise is returned as by `invoke`.
 */
export type HostFast = (
  caller: InstanceEntity,
  stack: Int32Array,
  base: number,
  a: number,
  b: number,
  c: number,
) => number | void | Promise<void>;

/**
 * A function defined by the host. `invoke` reads its parameters from the slots at word `base`
 * of `stack` and writes its results to the slots at the same place (the runtime converts
 * between slots and JS values). It may throw (a host trap) or return a Promise (async call).
 */
export class HostFuncEntity {
  readonly isHost = true;
  id = 0;
  /** Its entry for generated code's calls (see `HostFast`), where its type allows one. */
  fast: HostFast | null = null;
  /**
   * @param type the function's signature
   * @param typeId the engine's deduplicated id of `type`
   * @param invoke the trampoline into the host function
   */
  constructor(
    readonly type: FuncType,
    readonly typeId: number,
    readonly invoke: (
      caller: InstanceEntity | null,
      stack: Int32Array,
      base: number,
    ) => void | Promise<void>,
  ) {}
}

/** An exception tag: its identity is what a `catch` compares. */
export class TagEntity {
  /**
   * @param type the payload types as a function type's parameters (no results)
   * @param typeId the canonical id of that function type (`core/type_registry.ts`): tags match
   *   at link time by type identity, which for types in recursion groups is more than shape
   */
  constructor(readonly type: FuncType, readonly typeId: number = TYPES.funcTypeId(type)) {}
}

/**
 * A thrown exception: its tag and its payload, one slot (`SLOT_WORDS` words) per value. An
 * `exnref` in the payload is kept as the exception it names (in `refs`, by payload index), not
 * as a handle, so that an exception never keeps a handle alive (see `StoreInner.exnHandle`);
 * so is a reference of the `any` / `extern` hierarchies (see `gc.ts`).
 */
export class ExnEntity {
  /** Store-wide id (its `exnref` handle), 0 until it first needs one. */
  id = 0;
  /** The error that carries it out of Wasm (and is its `exnref` at the API), once made. */
  error: Error | null = null;
  /**
   * @param tag the tag it was thrown with
   * @param payload the payload values' slots (those of `exnref`s unused), as a plain array:
   *   allocating a small typed array costs several times more, and every throw makes one
   * @param refs the payload's `exnref`s (as exceptions) and `any` / `extern` references (as
   *   `GcHeap` references) by payload index, or null when the tag has none
   */
  constructor(
    readonly tag: TagEntity,
    readonly payload: readonly number[],
    readonly refs: (ExnEntity | GcRef)[] | null = null,
  ) {}
}

/**
 * The exception of each error that carries one: out of Wasm (an uncaught exception), or into it
 * (a host function throws one, and Wasm handlers may catch it). Any other error is a host error.
 */
export const errorExns: WeakMap<object, ExnEntity> = new WeakMap();

/** The exception `e` carries, if it is an exception's error (see `errorExns`). */
export function exnOfError(e: unknown): ExnEntity | undefined {
  return typeof e === "object" && e !== null ? errorExns.get(e) : undefined;
}

/**
 * How the error an exception leaves Wasm with is made, once per exception: the runtime's
 * `WasmException` replaces `make` when its module loads, as handle classes `define` themselves
 * (see `runtime/handles.ts`).
 */
export const exnErrors: { make: (exn: ExnEntity) => Error } = {
  make(exn) {
    if (exn.error !== null) return exn.error;
    const error = new Error("uncaught Wasm exception");
    errorExns.set(error, exn);
    return exn.error = error;
  },
};

/** Any function entity. */
export type FuncEntity = WasmFuncEntity | HostFuncEntity;

/** An instance's resolved index spaces and segment state. */
export class InstanceEntity {
  /** Functions by module function index (imports first). */
  readonly funcs: FuncEntity[] = [];
  readonly tables: TableEntity[] = [];
  readonly memories: MemoryEntity[] = [];
  readonly globals: GlobalEntity[] = [];
  /** Exception tags by module tag index (imports first). */
  readonly tags: TagEntity[] = [];
  /** Engine type id of each of the module's type indices. */
  readonly typeIds: number[] = [];
  /** Element segments as handles; `null` once dropped (or for active/declarative ones). */
  readonly elemSegments: (Int32Array | null)[] = [];
  /** Data segments; `null` once dropped (or for active ones after instantiation). */
  readonly dataSegments: (Uint8Array | null)[] = [];
  /** Exports by name, resolved to entities. */
  readonly exports: Map<
    string,
    FuncEntity | TableEntity | MemoryEntity | GlobalEntity | TagEntity
  > = new Map();

  /**
   * @param module the decoded, validated module
   * @param store the owning store
   */
  constructor(readonly module: ModuleDecl, readonly store: StoreInner) {}
}

/** The part of a store the engine works on. */
export class StoreInner {
  /** Functions by id; index 0 is the null handle and holds nothing. */
  readonly funcs: (FuncEntity | null)[] = [null];
  /** The heap of GC objects and host values (`any` / `extern` references, see `gc.ts`). */
  readonly gc: GcHeap = new GcHeap(this);
  /**
   * Exceptions by id (their `exnref` handles); index 0 is the null handle. An exception gets an
   * id only when code takes it as a value (`catch_ref`, `catch_all_ref`, the API).
   */
  readonly exns: (ExnEntity | null)[] = [null];
  /** Exception ids the collector freed, for reuse. */
  readonly #freeExns: number[] = [];
  /** The size of `exns` past which the next new id first collects unreachable ones. */
  #exnLimit = EXN_COLLECT_MIN;
  /**
   * The execution stacks running or suspended on this store (weakly: an abandoned suspended
   * call's stack may still be garbage collected), and the globals and tables that may hold
   * `exnref`s: the roots of the exception-id collector.
   */
  readonly stacks: Set<{ deref(): ExecStack | undefined }> = new Set();
  readonly exnHolders: (GlobalEntity | TableEntity)[] = [];

  /**
   * Fuel the executor may spend (when metering is on). During a sliced async call this is the
   * current slice; the rest of the store's fuel waits in `fuelReserve` (see `fuel.ts`).
   */
  fuel = 0;
  /** Fuel set aside by active fuel slices; the store's fuel is `fuel + fuelReserve`. */
  fuelReserve = 0;
  /** The size of a fuel slice while sliced calls run (0: none). */
  fuelSlice = 0;
  /** How many sliced async calls are running on this store. */
  slicedCalls = 0;
  /** The resource limiter memories and tables consult when they grow (null: none). */
  limiter: StoreLimiter | null = null;
  /** How many instances, memories and tables the store holds (the limiter caps these). */
  instanceCount = 0;
  memoryCount = 0;
  tableCount = 0;
  /**
   * The call hook, bound to the store's data (null: none). The runtime calls it with a
   * `CallHook` kind when the host calls Wasm and when Wasm calls the host.
   */
  callHook: ((kind: string) => void) | null = null;

  /** Registers a function and gives it its id (its funcref handle). */
  addFunc(func: FuncEntity): number {
    func.id = this.funcs.length;
    this.funcs.push(func);
    return func.id;
  }

  /**
   * The `exnref` handle of `exn`, given on first use.
   *
   * Handles are reclaimed. With `collect` (only the executor's handlers pass it: there, every
   * handle in use is in a root), when the table of handles would grow past twice what the last
   * collection kept, the ids no root holds are freed first: their exceptions forget them, and
   * get a new one if they are used again. The roots are every word of the stacks in `stacks`
   * (conservatively: a stale word only keeps an id a while longer) and the values of
   * `exnHolders`; exceptions and API values hold `exnref`s as objects, not handles. Without
   * `collect` (the API writing values, which may hold handles in buffers that are no roots
   * yet) nothing is freed.
   */
  exnHandle(exn: ExnEntity, collect = false): number {
    if (exn.id !== 0) return exn.id;
    let id = this.#freeExns.pop();
    if (id === undefined && collect && this.exns.length >= this.#exnLimit) {
      this.#collectExns();
      id = this.#freeExns.pop();
    }
    if (id === undefined) {
      id = this.exns.length;
      this.exns.push(null);
    }
    exn.id = id;
    this.exns[id] = exn;
    return id;
  }

  /** The exception behind `exnref` handle `id` (not null). */
  exnOf(id: number): ExnEntity | null {
    return this.exns[id] ?? null;
  }

  #collectExns(): void {
    const exns = this.exns;
    const marked = new Uint8Array(exns.length);
    const mark = (w: number) => {
      if (w > 0 && w < marked.length) marked[w] = 1;
    };
    for (const ref of this.stacks) {
      const st = ref.deref();
      if (st === undefined) {
        this.stacks.delete(ref);
        continue;
      }
      const s32 = st.s32;
      for (let i = 0; i < s32.length; i++) mark(s32[i]!);
    }
    for (const holder of this.exnHolders) {
      if (holder instanceof GlobalEntity) mark(holder.value[0]!);
      else for (let i = 0; i < holder.size; i++) mark(holder.elements[i]!);
    }
    let live = 0;
    for (let id = 1; id < exns.length; id++) {
      const exn = exns[id];
      if (exn === null || exn === undefined) continue;
      if (marked[id] === 1) {
        live++;
        continue;
      }
      exn.id = 0;
      exns[id] = null;
      this.#freeExns.push(id);
    }
    this.#exnLimit = Math.max(EXN_COLLECT_MIN, 2 * live);
  }

  /** The handle of an externref value (null is 0; see `GcHeap.externHandle`). */
  externHandle(value: unknown): number {
    return this.gc.externHandle(value);
  }
}
