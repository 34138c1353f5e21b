/**
 * Wasm types as the public API and every stage of the pipeline see them.
 *
 * Value types are plain strings (`"i32"`, `"funcref"`, ...): readable at the API boundary and,
 * being interned, compared as cheaply as small integers inside the validator.
 *
 * @module
 */

/** A number type. */
export type NumType = "i32" | "i64" | "f32" | "f64";
/** A reference type. */
export type RefType = "funcref" | "externref" | "exnref";
/** Any Wasm value type. */
export type ValType = NumType | "v128" | RefType;

/** All value types, in binary-encoding order. */
export const VAL_TYPES: readonly ValType[] = [
  "i32",
  "i64",
  "f32",
  "f64",
  "v128",
  "funcref",
  "externref",
  "exnref",
];

/** Whether `t` is a reference type. */
export function isRefType(t: ValType): t is RefType {
  return t === "funcref" || t === "externref" || t === "exnref";
}

/** Whether `x` names a value type. */
export function isValType(x: unknown): x is ValType {
  return typeof x === "string" && (VAL_TYPES as readonly string[]).includes(x);
}

/**
 * The type of a function: its parameter and result types.
 *
 * @example Building a function type
 * ```ts
 * import { FuncType } from "./types.ts";
 * const t = new FuncType(["i32", "i64"], ["f64"]);
 * if (t.toString() !== "(i32, i64) -> (f64)") throw new Error(t.toString());
 * ```
 */
export class FuncType {
  /** Parameter types. */
  readonly params: readonly ValType[];
  /** Result types. */
  readonly results: readonly ValType[];
  #key: string | undefined;

  /**
   * Creates a function type.
   *
   * @param params parameter types
   * @param results result types
   * @throws {TypeError} when an entry is not a value type
   */
  constructor(params: readonly ValType[], results: readonly ValType[]) {
    for (const t of params) checkValType(t);
    for (const t of results) checkValType(t);
    this.params = Object.freeze([...params]);
    this.results = Object.freeze([...results]);
  }

  /** A string that is equal for equal types, used to deduplicate types. */
  get key(): string {
    return this.#key ??= `${this.params.join(",")}->${this.results.join(",")}`;
  }

  /** Structural equality. */
  equals(other: FuncType): boolean {
    return this.key === other.key;
  }

  /** `(i32, i64) -> (f64)` */
  toString(): string {
    return `(${this.params.join(", ")}) -> (${this.results.join(", ")})`;
  }
}

/** Size limits of a memory or table. `maximum` is `null` when unbounded. */
export interface Limits {
  /** Initial size (pages for memories, elements for tables). */
  readonly minimum: number;
  /** Upper bound, if any. */
  readonly maximum?: number | null;
}

/**
 * The type of a linear memory: its limits in pages, whether it is indexed by `i64` (memory64),
 * shared (threads), and its page size (custom-page-sizes: 1 byte or the default 64 KiB).
 *
 * Limits of a 64-bit memory are u64 numbers; values above 2^53 lose precision (no memory that
 * large can be allocated, and limits only ever compare).
 *
 * @example
 * ```ts
 * import { MemoryType } from "./types.ts";
 * const t = new MemoryType({ minimum: 1, maximum: 2 });
 * if (t.maximum !== 2 || t.index64 || t.pageSizeLog2 !== 16) throw new Error();
 * const small = new MemoryType({ minimum: 10, index64: true, pageSizeLog2: 0 });
 * if (small.pageSize !== 1) throw new Error();
 * ```
 */
export class MemoryType {
  /** Initial size in pages. */
  readonly minimum: number;
  /** Maximum size in pages, or `null`. */
  readonly maximum: number | null;
  /** Whether the memory is shared (threads proposal). */
  readonly shared: boolean;
  /** Whether addresses are `i64` (memory64 proposal). */
  readonly index64: boolean;
  /** log2 of the page size in bytes: 16 (64 KiB, the default) or 0 (custom-page-sizes). */
  readonly pageSizeLog2: number;

  /**
   * Creates a memory type.
   *
   * Only the sizes of a valid type are checked when a memory is created or a module validated
   * (at most 4 GiB for a 32-bit memory; a page size of 1 or 65536 bytes), so that a decoded
   * type can be reported there with the spec's message.
   *
   * @param limits minimum and optional maximum, in pages; `shared`, `index64` and
   *   `pageSizeLog2` default to false, false and 16
   * @throws {RangeError} when a limit is not a u64, or `pageSizeLog2` not an integer in 0..64
   */
  constructor(
    limits: Limits & { shared?: boolean; index64?: boolean; pageSizeLog2?: number },
  ) {
    this.index64 = limits.index64 ?? false;
    this.minimum = checkU64(limits.minimum, "minimum");
    this.maximum = limits.maximum == null ? null : checkU64(limits.maximum, "maximum");
    this.shared = limits.shared ?? false;
    const log2 = limits.pageSizeLog2 ?? 16;
    if (!Number.isInteger(log2) || log2 < 0 || log2 > 64) {
      throw new RangeError(`A page size must be 2^0 to 2^64 bytes, got 2^${log2}`);
    }
    this.pageSizeLog2 = log2;
  }

  /** The page size in bytes. */
  get pageSize(): number {
    return 2 ** this.pageSizeLog2;
  }

  /** `memory {min 1, max 2}`, with `i64`, `shared` and the page size when not the default. */
  toString(): string {
    const max = this.maximum === null ? "" : `, max ${this.maximum}`;
    const extra = (this.index64 ? ", i64" : "") + (this.shared ? ", shared" : "") +
      (this.pageSizeLog2 !== 16 ? `, page size ${this.pageSize}` : "");
    return `memory {min ${this.minimum}${max}${extra}}`;
  }
}

/**
 * The type of a table: its element type, limits, and whether it is indexed by `i64` (table64).
 *
 * @example
 * ```ts
 * import { TableType } from "./types.ts";
 * const t = new TableType({ element: "funcref", minimum: 10 });
 * if (t.maximum !== null || t.index64) throw new Error();
 * ```
 */
export class TableType {
  /** Element type. */
  readonly element: RefType;
  /** Initial size in elements. */
  readonly minimum: number;
  /** Maximum size in elements, or `null`. */
  readonly maximum: number | null;
  /** Whether indices are `i64` (the memory64 proposal's table64). */
  readonly index64: boolean;

  /**
   * Creates a table type.
   *
   * The range of a 32-bit table's limits (u32) is checked when a table is created or a module
   * validated, as for `MemoryType`.
   *
   * @param init element type and limits, in elements; `index64` defaults to false
   * @throws {TypeError} when the element type is not a reference type
   * @throws {RangeError} when a limit is not a u64
   */
  constructor(init: Limits & { element: RefType; index64?: boolean }) {
    if (!isRefType(init.element)) {
      throw new TypeError(
        `Table element type must be funcref, externref or exnref, got ${init.element}`,
      );
    }
    this.element = init.element;
    this.index64 = init.index64 ?? false;
    this.minimum = checkU64(init.minimum, "minimum");
    this.maximum = init.maximum == null ? null : checkU64(init.maximum, "maximum");
  }

  /** `table {funcref, min 1}` (with `i64` for a 64-bit table) */
  toString(): string {
    const max = this.maximum === null ? "" : `, max ${this.maximum}`;
    return `table {${this.element}, min ${this.minimum}${max}${this.index64 ? ", i64" : ""}}`;
  }
}

/**
 * The type of a global: its content type and mutability.
 *
 * @example
 * ```ts
 * import { GlobalType } from "./types.ts";
 * const t = new GlobalType("i64", true);
 * if (t.toString() !== "global (mut i64)") throw new Error(t.toString());
 * ```
 */
export class GlobalType {
  /**
   * Creates a global type.
   *
   * @param content the value type
   * @param mutable whether `global.set` may change it
   * @throws {TypeError} when `content` is not a value type
   */
  constructor(readonly content: ValType, readonly mutable: boolean = false) {
    checkValType(content);
  }

  /** Structural equality. */
  equals(other: GlobalType): boolean {
    return this.content === other.content && this.mutable === other.mutable;
  }

  /** `global (mut i64)` */
  toString(): string {
    return this.mutable ? `global (mut ${this.content})` : `global ${this.content}`;
  }
}

/**
 * The type of an exception tag (exception-handling proposal): the types of the values an
 * exception with this tag carries, as the parameters of a function type without results.
 *
 * @example
 * ```ts
 * import { FuncType, TagType } from "./types.ts";
 * const t = new TagType(new FuncType(["i32", "f64"], []));
 * if (t.toString() !== "tag (i32, f64)") throw new Error(t.toString());
 * ```
 */
export class TagType {
  /**
   * Creates a tag type.
   *
   * @param type the payload types as a function type's parameters
   * @throws {TypeError} when `type` has results
   */
  constructor(readonly type: FuncType) {
    if (type.results.length !== 0) {
      throw new TypeError(`A tag's function type must have no results, got ${type}`);
    }
  }

  /** The types of the values an exception with this tag carries. */
  get params(): readonly ValType[] {
    return this.type.params;
  }

  /** Structural equality. */
  equals(other: TagType): boolean {
    return this.type.equals(other.type);
  }

  /** `tag (i32, f64)` */
  toString(): string {
    return `tag (${this.type.params.join(", ")})`;
  }
}

/** The type of anything a module imports or exports. */
export type ExternType = FuncType | TableType | MemoryType | GlobalType | TagType;

/** What kind of entity an import or export is. */
export type ExternKind = "func" | "table" | "memory" | "global" | "tag";

function checkValType(t: unknown): void {
  if (!isValType(t)) throw new TypeError(`Not a value type: ${String(t)}`);
}

function checkU64(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 64) {
    throw new RangeError(`Limit ${what} must be a u64, got ${n}`);
  }
  return n;
}
