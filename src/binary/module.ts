/**
 * The decoded form of a module: what the binary says, before validation.
 *
 * Code stays in the module's bytes: function bodies and constant expressions are byte ranges
 * that `OpReader` walks when the validator, translator or instantiation need them.
 *
 * @module
 */

import type {
  ExternKind,
  FuncType,
  GlobalType,
  MemoryType,
  RefType,
  TableType,
  ValType,
} from "../core/types.ts";

/** A constant expression: the bytes from its first instruction up to and including `end`. */
export interface ConstExpr {
  /** Offset of the first instruction. */
  readonly start: number;
  /** One past the final `end` opcode. */
  readonly end: number;
}

/** An import entry. */
export type ImportDecl =
  & { readonly module: string; readonly name: string; readonly offset: number }
  & (
    | { readonly kind: "func"; readonly typeIndex: number }
    | { readonly kind: "table"; readonly type: TableType }
    | { readonly kind: "memory"; readonly type: MemoryType }
    | { readonly kind: "global"; readonly type: GlobalType }
    | { readonly kind: "tag"; readonly typeIndex: number }
  );

/** An export entry. */
export interface ExportDecl {
  readonly name: string;
  readonly kind: ExternKind;
  readonly index: number;
  readonly offset: number;
}

/** A global defined by the module. */
export interface GlobalDecl {
  readonly type: GlobalType;
  readonly init: ConstExpr;
}

/** A function body from the code section (as `FuncBodies.at` gives it). */
export interface FuncBody {
  /** Declared locals, expanded (parameters not included). */
  readonly locals: readonly ValType[];
  /** Offset of the body's size field (where its entry in the code section starts). */
  readonly offset: number;
  /** Offset of the first instruction. */
  readonly codeStart: number;
  /** One past the body's final `end` opcode. */
  readonly codeEnd: number;
}

/**
 * The bodies of the code section: three offsets each in one growing `Int32Array` and the
 * locals in one array, not an object per body. A module lives as long as its code, and an
 * eager compile of 50,000 small functions kept 50,000 body objects of 56 bytes each, which the
 * garbage collector copied as they survived (`deno task bench:load`, funcs50k, heap snapshot).
 */
export class FuncBodies {
  /** Per body: its `offset`, `codeStart`, `codeEnd` (see `FuncBody`). */
  #pos = new Int32Array(0);
  readonly #locals: (readonly ValType[])[] = [];

  /** How many bodies there are. */
  get length(): number {
    return this.#locals.length;
  }

  /**
   * Makes room for `count` more bodies at once (the code section's count, which the reader
   * has bounded by the section's size), so the offsets are not grown and copied as they fill.
   */
  reserve(count: number): void {
    const need = 3 * (this.#locals.length + count);
    if (need > this.#pos.length) {
      const pos = new Int32Array(need);
      pos.set(this.#pos);
      this.#pos = pos;
    }
  }

  /** Appends a body (offsets as in `FuncBody`). */
  push(locals: readonly ValType[], offset: number, codeStart: number, codeEnd: number): void {
    const i = this.#locals.length;
    let pos = this.#pos;
    if (3 * i + 3 > pos.length) {
      pos = new Int32Array(2 * pos.length + 48);
      pos.set(this.#pos);
      this.#pos = pos;
    }
    pos[3 * i] = offset;
    pos[3 * i + 1] = codeStart;
    pos[3 * i + 2] = codeEnd;
    this.#locals.push(locals);
  }

  /** Body `i`'s declared locals, expanded (parameters not included). */
  locals(i: number): readonly ValType[] {
    return this.#locals[i]!;
  }

  /** Offset of body `i`'s size field. */
  offset(i: number): number {
    return this.#pos[3 * i]!;
  }

  /** Offset of body `i`'s first instruction. */
  codeStart(i: number): number {
    return this.#pos[3 * i + 1]!;
  }

  /** One past body `i`'s final `end` opcode. */
  codeEnd(i: number): number {
    return this.#pos[3 * i + 2]!;
  }

  /** Body `i` as one object (made on each call), or undefined when there is no body `i`. */
  at(i: number): FuncBody | undefined {
    if (!(i >= 0 && i < this.#locals.length)) return undefined;
    return {
      locals: this.#locals[i]!,
      offset: this.offset(i),
      codeStart: this.codeStart(i),
      codeEnd: this.codeEnd(i),
    };
  }
}

/** An element segment. */
export interface ElemDecl {
  readonly mode: "active" | "passive" | "declarative";
  readonly type: RefType;
  /** Table index (active segments). */
  readonly table: number;
  /** Offset expression (active segments), else null. */
  readonly offsetExpr: ConstExpr | null;
  /** Items as function indices (the compact encodings), or null when given as expressions. */
  readonly funcIndices: readonly number[] | null;
  /** Items as constant expressions, or null when given as function indices. */
  readonly exprs: readonly ConstExpr[] | null;
  readonly offset: number;
}

/** A data segment. */
export interface DataDecl {
  readonly mode: "active" | "passive";
  /** Memory index (active segments). */
  readonly memory: number;
  /** Offset expression (active segments), else null. */
  readonly offsetExpr: ConstExpr | null;
  /** The bytes (a view into the module). */
  readonly bytes: Uint8Array;
  readonly offset: number;
}

/** A custom section, kept as bytes. */
export interface CustomSection {
  readonly name: string;
  readonly data: Uint8Array;
}

/** What the name section says (malformed name sections are ignored, as the spec allows). */
export interface NameSection {
  moduleName: string | null;
  readonly funcNames: Map<number, string>;
  readonly localNames: Map<number, Map<number, string>>;
}

/** A decoded module. Index spaces count imports first, as in the spec. */
export interface ModuleDecl {
  /** The module's bytes (kept so bodies and expressions can be read lazily). */
  readonly bytes: Uint8Array;
  /**
   * The function type of each type index; for a struct or array type (GC) the placeholder
   * `NOT_A_FUNC_TYPE` (`section_type.ts`): check `TYPES.kind(typeIds[i])` where a function type
   * is required.
   */
  readonly types: FuncType[];
  /** The canonical id of each type index (`core/type_registry.ts`). */
  readonly typeIds: number[];
  /** Byte offset of each type entry (parallel to `types`). */
  readonly typeOffsets: number[];
  readonly imports: ImportDecl[];
  /** Type index of every function, imported ones first. */
  readonly funcTypeIndices: number[];
  /** Number of imported functions (the first entries of `funcTypeIndices`). */
  importedFuncs: number;
  /**
   * Byte offset of each defined function's type index in the function section (index `i` is
   * function `importedFuncs + i`).
   */
  readonly funcTypeOffsets: number[];
  /** Every table, imported ones first. */
  readonly tables: TableType[];
  importedTables: number;
  /**
   * Initial value expressions of defined tables, by table index (typed function references'
   * `0x40 0x00` form); absent: the table starts null.
   */
  readonly tableInits: (ConstExpr | undefined)[];
  /** Byte offset of each defined table's entry (index `i` is table `importedTables + i`). */
  readonly tableOffsets: number[];
  /** Every memory, imported ones first. */
  readonly memories: MemoryType[];
  importedMemories: number;
  /** Byte offset of each defined memory's entry (index `i` is memory `importedMemories + i`). */
  readonly memoryOffsets: number[];
  /** Every tag's type index (exception handling), imported ones first. */
  readonly tags: number[];
  importedTags: number;
  /** Byte offset of each defined tag's entry (index `i` is tag `importedTags + i`). */
  readonly tagOffsets: number[];
  /** Every global's type, imported ones first. */
  readonly globalTypes: GlobalType[];
  importedGlobals: number;
  /** Defined globals (their types are also in `globalTypes`). */
  readonly globals: GlobalDecl[];
  readonly exports: ExportDecl[];
  start: number | null;
  /** Byte offset of the start section's function index, or null without a start section. */
  startOffset: number | null;
  readonly elems: ElemDecl[];
  /** The data count section's value, if present. */
  dataCount: number | null;
  /** Bodies of the defined functions (index `i` is function `importedFuncs + i`). */
  readonly bodies: FuncBodies;
  readonly datas: DataDecl[];
  readonly customSections: CustomSection[];
  readonly names: NameSection;
}
