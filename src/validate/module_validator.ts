/**
 * Module validation: every rule of the spec's "Modules" validation chapter, in the order the
 * reference interpreter checks them, then each function body.
 *
 * @module
 */

import { ValidationError } from "../core/errors.ts";
import type { WasmFeatures } from "../core/features.ts";
import type { FuncType, GlobalType, MemoryType, TableType, ValType } from "../core/types.ts";
import { defaultable, TypeKind, TYPES } from "../core/type_registry.ts";
import type { ModuleDecl } from "../binary/module.ts";
import { ConstExprValidator } from "./const_expr.ts";
import { ModuleContext } from "./context.ts";
import { FuncValidator } from "./func_validator.ts";
import { Feature, featureMessage } from "../core/features.ts";
import { valTypeFeature } from "./op_rules.ts";

/**
 * Validates a decoded module against the Wasm 2.0 rules and the enabled `features`.
 *
 * @param decl the decoded module
 * @param features which proposals are enabled; anything they disable is rejected
 * @param bodies whether function bodies are validated too (the default); false checks only the
 *   module-level rules, leaving each body to `FuncValidator` when it is first needed
 * @throws {ValidationError} for the first broken rule, with the spec testsuite's wording
 *   ("type mismatch", "unknown function 3", ...), its byte offset and, inside code, the index of
 *   the function.
 * @throws {DecodeError} for `memory.init` / `data.drop` without a data count section.
 *
 * @example
 * ```ts ignore
 * const decl = decodeModule(bytes, WASM2_FEATURES);
 * validateModule(decl, WASM2_FEATURES);
 * ```
 */
export function validateModule(decl: ModuleDecl, features: WasmFeatures, bodies = true): void {
  new ModuleValidator(new ModuleContext(decl, features), bodies).run();
}

/**
 * Validates the body of one defined function. `validateModule` already does this for every
 * function. Each call rebuilds the module context (a pass over the module's segments): to
 * validate many functions lazily, build one `FuncValidator(new ModuleContext(...))` and reuse it.
 *
 * @param decl the decoded module (its module-level rules assumed valid)
 * @param features which proposals are enabled
 * @param funcIndex index in the function index space of a function with a body
 * @throws {ValidationError} as `validateModule`
 */
export function validateFunction(
  decl: ModuleDecl,
  features: WasmFeatures,
  funcIndex: number,
): void {
  new FuncValidator(new ModuleContext(decl, features)).validate(funcIndex);
}

class ModuleValidator {
  readonly #ctx: ModuleContext;
  readonly #module: ModuleDecl;
  readonly #consts: ConstExprValidator;
  readonly #withBodies: boolean;

  constructor(ctx: ModuleContext, withBodies: boolean) {
    this.#ctx = ctx;
    this.#withBodies = withBodies;
    this.#module = ctx.module;
    this.#consts = new ConstExprValidator(ctx);
  }

  run(): void {
    this.#types();
    this.#imports();
    this.#funcs();
    this.#tables();
    this.#memories();
    this.#tags();
    this.#globals();
    this.#elems();
    this.#datas();
    if (this.#withBodies) this.#bodies();
    this.#start();
    this.#exports();
  }

  #types(): void {
    const m = this.#module;
    for (let i = 0; i < m.types.length; i++) this.#funcType(m.types[i]!, m.typeOffsets[i] ?? 0);
  }

  #funcType(type: FuncType, at: number): void {
    for (const t of type.params) this.#valType(t, at);
    for (const t of type.results) this.#valType(t, at);
    if (type.results.length > 1) this.#require(Feature.MultiValue, at);
  }

  #imports(): void {
    for (const im of this.#module.imports) {
      switch (im.kind) {
        case "func":
          this.#typeIndex(im.typeIndex, im.offset);
          break;
        case "table":
          this.#tableType(im.type, im.offset);
          break;
        case "memory":
          this.#memoryType(im.type, im.offset);
          break;
        case "global":
          this.#globalType(im.type, im.offset);
          break;
        case "tag":
          this.#tagType(im.typeIndex, im.offset);
          break;
      }
    }
  }

  #funcs(): void {
    const m = this.#module;
    for (let i = m.importedFuncs; i < m.funcTypeIndices.length; i++) {
      this.#typeIndex(m.funcTypeIndices[i]!, m.funcTypeOffsets[i - m.importedFuncs] ?? 0);
    }
  }

  #tables(): void {
    const m = this.#module;
    for (let i = m.importedTables; i < m.tables.length; i++) {
      const type = m.tables[i]!;
      const at = this.#entityOffset("table", i);
      this.#tableType(type, at);
      const init = m.tableInits[i];
      // A table's initialiser reads imported globals only (as Wasm 3.0's tables come first).
      if (init !== undefined) this.#consts.validate(init, type.element, m.importedGlobals);
      else if (!defaultable(type.element)) this.#fail("type mismatch", at);
    }
    if (m.tables.length > 1) {
      this.#require(Feature.ReferenceTypes, this.#entityOffset("table", 1), "multiple tables");
    }
  }

  #memories(): void {
    const m = this.#module;
    for (let i = m.importedMemories; i < m.memories.length; i++) {
      this.#memoryType(m.memories[i]!, this.#entityOffset("memory", i));
    }
    if (m.memories.length > 1 && !this.#ctx.features.wasmMultiMemory) {
      this.#fail("multiple memories", this.#entityOffset("memory", 1));
    }
  }

  /**
   * Where table or memory `index` is declared: its import entry if imported, else its entry in
   * the table or memory section (0 if unknown, e.g. for a hand-built module).
   */
  #entityOffset(kind: "table" | "memory", index: number): number {
    const m = this.#module;
    const imported = kind === "table" ? m.importedTables : m.importedMemories;
    if (index >= imported) {
      const offsets = kind === "table" ? m.tableOffsets : m.memoryOffsets;
      return offsets[index - imported] ?? 0;
    }
    let seen = 0;
    for (const im of m.imports) {
      if (im.kind !== kind) continue;
      if (seen++ === index) return im.offset;
    }
    return 0;
  }

  #tags(): void {
    const m = this.#module;
    for (let i = m.importedTags; i < m.tags.length; i++) {
      this.#tagType(m.tags[i]!, m.tagOffsets[i - m.importedTags] ?? 0);
    }
  }

  #globals(): void {
    const m = this.#module;
    for (let i = 0; i < m.globals.length; i++) {
      const g = m.globals[i]!;
      this.#globalType(g.type, g.init.start, false);
      this.#consts.validate(g.init, g.type.content, m.importedGlobals + i);
    }
  }

  #elems(): void {
    const ctx = this.#ctx;
    for (const e of this.#module.elems) {
      this.#refType(e.type, e.offset);
      if (e.mode !== "active") this.#require(Feature.BulkMemory, e.offset);
      if (e.funcIndices !== null) {
        for (const f of e.funcIndices) {
          if (f >= ctx.funcCount) this.#fail(`unknown function ${f}`, e.offset);
        }
      }
      if (e.exprs !== null) { for (const x of e.exprs) this.#consts.validate(x, e.type); }
      if (e.mode === "active") {
        const table = this.#module.tables[e.table];
        if (table === undefined) this.#fail(`unknown table ${e.table}`, e.offset);
        if (!TYPES.valSub(e.type, table.element)) this.#fail("type mismatch", e.offset);
        this.#consts.validate(e.offsetExpr!, table.index64 ? "i64" : "i32");
      }
    }
  }

  #datas(): void {
    for (const d of this.#module.datas) {
      if (d.mode !== "active") {
        this.#require(Feature.BulkMemory, d.offset);
        continue;
      }
      const memory = this.#module.memories[d.memory];
      if (memory === undefined) this.#fail(`unknown memory ${d.memory}`, d.offset);
      this.#consts.validate(d.offsetExpr!, memory.index64 ? "i64" : "i32");
    }
  }

  #bodies(): void {
    const m = this.#module;
    const validator = new FuncValidator(this.#ctx);
    for (let i = 0; i < m.bodies.length; i++) validator.validate(m.importedFuncs + i);
  }

  #start(): void {
    const start = this.#module.start;
    if (start === null) return;
    const at = this.#module.startOffset ?? 0;
    const type = this.#ctx.funcType(start);
    if (type === null) this.#fail(`unknown function ${start}`, at);
    if (type.params.length !== 0 || type.results.length !== 0) this.#fail("start function", at);
  }

  #exports(): void {
    const m = this.#module;
    const names = new Set<string>();
    for (const ex of m.exports) {
      if (names.has(ex.name)) this.#fail("duplicate export name", ex.offset);
      names.add(ex.name);
      const count = ex.kind === "func"
        ? m.funcTypeIndices.length
        : ex.kind === "table"
        ? m.tables.length
        : ex.kind === "memory"
        ? m.memories.length
        : ex.kind === "tag"
        ? m.tags.length
        : m.globalTypes.length;
      if (ex.index >= count) {
        this.#fail(`unknown ${ex.kind === "func" ? "function" : ex.kind} ${ex.index}`, ex.offset);
      }
      if (ex.kind === "global" && m.globalTypes[ex.index]!.mutable) {
        this.#require(Feature.MutableGlobal, ex.offset);
      }
    }
  }

  // ---- types ----

  /** A function's type index: an existing function type. */
  #typeIndex(index: number, at: number): void {
    const id = this.#module.typeIds[index];
    if (id === undefined) this.#fail(`unknown type ${index}`, at);
    if (TYPES.kind(id) !== TypeKind.Func) this.#fail("type mismatch", at);
  }

  /** A tag's type: an existing function type without results. */
  #tagType(typeIndex: number, at: number): void {
    this.#require(Feature.Exceptions, at);
    this.#typeIndex(typeIndex, at);
    if (this.#module.types[typeIndex]!.results.length !== 0) {
      this.#fail("non-empty tag result type", at);
    }
  }

  #tableType(type: TableType, at: number): void {
    this.#refType(type.element, at);
    if (type.index64) this.#requireMemory64(at);
    // A 64-bit table's limits are u64 by construction; a 32-bit one's must be u32.
    if (!type.index64 && (type.minimum > 0xffff_ffff || (type.maximum ?? 0) > 0xffff_ffff)) {
      this.#fail("table size must be at most 2^32-1", at);
    }
    if (type.maximum !== null && type.minimum > type.maximum) {
      this.#fail("size minimum must not be greater than maximum", at);
    }
  }

  #memoryType(type: MemoryType, at: number): void {
    if (type.index64) this.#requireMemory64(at);
    const log2 = type.pageSizeLog2;
    if (log2 !== 16) {
      if (!this.#ctx.features.wasmCustomPageSizes) this.#fail("custom page sizes not enabled", at);
      if (log2 !== 0) this.#fail("invalid custom page size", at);
    }
    // At most 2^32 bytes (32-bit) or 2^64 bytes (64-bit) in pages of 2^log2 bytes. Limits are
    // exact below 2^53, and a u64 is never above 2^64 pages of one byte.
    const maxPages = 2 ** ((type.index64 ? 64 : 32) - log2);
    const tooLarge = type.index64
      ? `memory size must be at most 2^${64 - log2} pages`
      : log2 === 16
      ? "memory size must be at most 65536 pages (4GiB)"
      : `memory size must be at most 2^${32 - log2} pages`;
    const over = (n: number) => type.index64 && log2 === 0 ? false : n > maxPages;
    if (over(type.minimum)) this.#fail(tooLarge, at);
    if (type.maximum !== null) {
      if (over(type.maximum)) this.#fail(tooLarge, at);
      if (type.minimum > type.maximum) {
        this.#fail("size minimum must not be greater than maximum", at);
      }
    }
    if (type.shared && type.maximum === null) this.#fail("shared memory must have maximum", at);
  }

  #requireMemory64(at: number): void {
    if (!this.#ctx.features.wasmMemory64) this.#fail("memory64 support is not enabled", at);
  }

  /** Checks a global's type; an imported mutable global needs the mutable-global feature. */
  #globalType(type: GlobalType, at: number, imported = true): void {
    this.#valType(type.content, at);
    if (imported && type.mutable) this.#require(Feature.MutableGlobal, at);
  }

  #valType(t: ValType, at: number): void {
    const feature = valTypeFeature(t);
    if (feature !== Feature.None) this.#require(feature, at);
  }

  /** A table's or segment's element type: MVP tables hold funcref, so only the others are new. */
  #refType(t: ValType, at: number): void {
    if (t !== "funcref") this.#valType(t, at);
  }

  #require(feature: Feature, at: number, message = featureMessage(feature)): void {
    if ((this.#ctx.disabled & feature) !== 0) this.#fail(message, at);
  }

  #fail(message: string, at: number): never {
    throw new ValidationError(message, at, null);
  }
}
