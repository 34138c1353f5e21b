/**
 * Wasm types as the public API and every stage of the pipeline see them.
 *
 * Value types are plain strings, readable at the API boundary: the numbers `"i32"` ... `"f64"`,
 * `"v128"`, and references. A nullable reference to an abstract heap type has its shorthand
 * (`"funcref"`, `"externref"`, `"exnref"`, `"anyref"`, `"eqref"`, `"i31ref"`, `"structref"`,
 * `"arrayref"`, `"nullref"`, `"nullfuncref"`, `"nullexternref"`, `"nullexnref"`); a non-null one
 * is written `"(ref func)"`. A reference to a concrete type (typed function references, GC) is
 * `"(ref null #17)"` or `"(ref #17)"`, where 17 is the type's canonical id in the process-wide
 * registry of `core/type_registry.ts`, not a module's type index: two modules that declare the
 * same (iso-recursive) type get the same id, so the string means the same type everywhere.
 *
 * Every reference type has exactly one spelling (`refType` builds it, `(ref null func)` becomes
 * `"funcref"`), so type equality is string equality: the validator compares interned strings,
 * which V8 does by pointer in the common case. Subtyping (`core/type_registry.ts`) parses a
 * reference string once and caches what it found.
 *
 * @module
 */

/** A number type. */
export type NumType = "i32" | "i64" | "f32" | "f64";
/** An abstract heap type (the function-references, GC and exception-handling proposals). */
export type AbsHeapType =
  | "func"
  | "nofunc"
  | "extern"
  | "noextern"
  | "any"
  | "eq"
  | "i31"
  | "struct"
  | "array"
  | "none"
  | "exn"
  | "noexn";
/**
 * A reference type: a shorthand for a nullable abstract reference, or `(ref null? ht)` where `ht`
 * is an abstract heap type or `#id`, a canonical type id (see the module doc).
 */
export type RefType =
  | "funcref"
  | "externref"
  | "exnref"
  | "anyref"
  | "eqref"
  | "i31ref"
  | "structref"
  | "arrayref"
  | "nullref"
  | "nullfuncref"
  | "nullexternref"
  | "nullexnref"
  | `(ref ${string})`;
/** Any Wasm value type. */
export type ValType = NumType | "v128" | RefType;

/** All value types of Wasm 2.0 and exception handling, in binary-encoding order. */
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

/**
 * Heap type codes: an abstract heap type is its binary code as a negative s7 (func is 0x70, so
 * -16); a concrete heap type is its canonical id (0 or more).
 */
export const enum HeapCode {
  Func = -16,
  Extern = -17,
  Any = -18,
  Eq = -19,
  I31 = -20,
  Struct = -21,
  Array = -22,
  Exn = -23,
  NoExn = -12,
  NoFunc = -13,
  NoExtern = -14,
  None = -15,
}

const ABS_NAMES: Readonly<Record<number, AbsHeapType>> = {
  [HeapCode.Func]: "func",
  [HeapCode.Extern]: "extern",
  [HeapCode.Any]: "any",
  [HeapCode.Eq]: "eq",
  [HeapCode.I31]: "i31",
  [HeapCode.Struct]: "struct",
  [HeapCode.Array]: "array",
  [HeapCode.Exn]: "exn",
  [HeapCode.NoExn]: "noexn",
  [HeapCode.NoFunc]: "nofunc",
  [HeapCode.NoExtern]: "noextern",
  [HeapCode.None]: "none",
};
const ABS_CODES: ReadonlyMap<string, number> = new Map(
  Object.entries(ABS_NAMES).map(([code, name]) => [name, Number(code)]),
);
const SHORTHAND: Readonly<Record<string, RefType>> = {
  func: "funcref",
  extern: "externref",
  exn: "exnref",
  any: "anyref",
  eq: "eqref",
  i31: "i31ref",
  struct: "structref",
  array: "arrayref",
  none: "nullref",
  nofunc: "nullfuncref",
  noextern: "nullexternref",
  noexn: "nullexnref",
};
const FROM_SHORTHAND: ReadonlyMap<string, AbsHeapType> = new Map(
  Object.entries(SHORTHAND).map(([name, short]) => [short, name as AbsHeapType]),
);

/** The name of an abstract heap code, or undefined for a concrete one. */
export function heapName(code: number): AbsHeapType | undefined {
  return ABS_NAMES[code];
}

/** A reference type taken apart: nullability and heap type (see `HeapCode`). */
export interface RefInfo {
  readonly nullable: boolean;
  readonly heap: number;
}

const REF_INFO = new Map<string, RefInfo | null>();
const REF_BUILT = new Map<number, RefType>();

/**
 * The one spelling of the reference type `(ref null? heap)`, interned.
 *
 * @param nullable whether null is a value of the type
 * @param heap a `HeapCode` or a canonical type id
 *
 * @example
 * ```ts
 * import { HeapCode, refType } from "./types.ts";
 * if (refType(true, HeapCode.Func) !== "funcref") throw new Error();
 * if (refType(false, HeapCode.Any) !== "(ref any)") throw new Error();
 * if (refType(true, 3) !== "(ref null #3)") throw new Error();
 * ```
 */
export function refType(nullable: boolean, heap: number): RefType {
  const key = heap * 2 + (nullable ? 1 : 0);
  let t = REF_BUILT.get(key);
  if (t === undefined) {
    // `~k`: the k-th type of a recursion group being registered (see `core/type_registry.ts`).
    const name = heap >= 0 ? `#${heap}` : heap <= -1000 ? `~${-1000 - heap}` : ABS_NAMES[heap];
    if (name === undefined) throw new TypeError(`Not a heap type: ${heap}`);
    t = nullable && heap < 0 && heap > -1000
      ? SHORTHAND[name]!
      : `(ref ${nullable ? "null " : ""}${name})`;
    REF_BUILT.set(key, t);
  }
  return t;
}

/**
 * Takes a reference type apart; null when `t` is no reference type (numbers, `v128`, or a
 * string that spells no type). Accepts the other spellings too (`(ref null func)`).
 */
export function refInfo(t: string): RefInfo | null {
  let info = REF_INFO.get(t);
  if (info !== undefined) return info;
  info = parseRef(t);
  if (REF_INFO.size < 100_000) REF_INFO.set(t, info);
  return info;
}

function parseRef(t: string): RefInfo | null {
  const short = FROM_SHORTHAND.get(t);
  if (short !== undefined) return { nullable: true, heap: ABS_CODES.get(short)! };
  const m = /^\(ref (null )?(?:([a-z0-9]+)|#(\d{1,9})|~(\d{1,9}))\)$/.exec(t);
  if (m === null) return null;
  const nullable = m[1] !== undefined;
  if (m[2] !== undefined) {
    const code = ABS_CODES.get(m[2]);
    return code === undefined ? null : { nullable, heap: code };
  }
  return { nullable, heap: m[3] !== undefined ? Number(m[3]) : -1000 - Number(m[4]) };
}

/**
 * The one spelling of a value type (`"(ref null func)"` becomes `"funcref"`), or null when
 * `x` names no value type.
 */
export function normalizeValType(x: unknown): ValType | null {
  if (typeof x !== "string") return null;
  if ((VAL_TYPES as readonly string[]).includes(x)) return x as ValType;
  const info = refInfo(x);
  return info === null ? null : refType(info.nullable, info.heap);
}

/** Whether `t` is a reference type. */
export function isRefType(t: ValType): t is RefType {
  return t === "funcref" || t === "externref" || t === "exnref" || refInfo(t) !== null;
}

/** Whether `x` names a value type (in its one spelling). */
export function isValType(x: unknown): x is ValType {
  return typeof x === "string" &&
    ((VAL_TYPES as readonly string[]).includes(x) || normalizeValType(x) === x);
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
    if (!isValType(init.element) || !isRefType(init.element)) {
      throw new TypeError(`Table element type must be a reference type, got ${init.element}`);
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
