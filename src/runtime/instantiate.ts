/**
 * Instantiation, as the spec orders it: check the imports, allocate the module's functions,
 * tables, memories and globals, resolve the exports, initialise the tables from the active
 * element segments and the memories from the active data segments, then run the start function.
 *
 * @module
 */

import { TYPES, valRepr } from "../core/type_registry.ts";
import { InstantiationError, LinkError } from "../core/errors.ts";
import { Trap, TrapCode } from "../core/trap.ts";
import {
  type ExternType,
  FuncType,
  type GlobalType,
  type MemoryType,
  type TableType,
  TagType,
} from "../core/types.ts";
import type { ImportDecl } from "../binary/module.ts";
import {
  type FuncEntity,
  GlobalEntity,
  InstanceEntity,
  type MemoryEntity,
  NULL_REF,
  SLOT_WORDS,
  type TableEntity,
  TagEntity,
  WasmFuncEntity,
} from "../engine/entities.ts";
import { holdsGcRefs } from "../engine/gc.ts";
import { evalConstExpr } from "./const_expr.ts";
import { MemoryError, TableError } from "./errors.ts";
import { entityKind, entityType, type Extern, type ExternEntity, externEntity } from "./extern.ts";
import { callEntity } from "./call.ts";
import { checkNewInstance } from "./limits.ts";
import { createMemoryEntity } from "./memory.ts";
import { type Module, moduleDecl } from "./module.ts";
import { checkEngine, type Store, storeInner } from "./store.ts";
import { createTableEntity } from "./table.ts";

function describeImport(imp: ImportDecl): string {
  return `${JSON.stringify(imp.module)}.${JSON.stringify(imp.name)}`;
}

function describeType(type: ExternType): string {
  return type instanceof FuncType ? `func ${type}` : String(type);
}

/** The type `imp` declares. */
export function importType(module: Module, imp: ImportDecl): ExternType {
  if (imp.kind === "tag") return new TagType(moduleDecl(module).types[imp.typeIndex]!);
  return imp.kind === "func" ? moduleDecl(module).types[imp.typeIndex]! : imp.type;
}

/**
 * A segment's offset: the u32 in the low word, or the u64 of both words for a 64-bit table or
 * memory (as a number: anything above 2^53 is out of bounds anyway).
 */
function u64Offset(words: ArrayLike<number>, index64: boolean): number {
  const lo = words[0]! >>> 0;
  return index64 ? (words[1]! >>> 0) * 4294967296 + lo : lo;
}

function limitsMatch(
  actualMin: number,
  actualMax: number | null,
  declared: TableType | MemoryType,
): boolean {
  if (actualMin < declared.minimum) return false;
  if (declared.maximum === null) return true;
  return actualMax !== null && actualMax <= declared.maximum;
}

/**
 * Whether `entity` can be imported as `imp`: functions by type subtyping (canonical ids: equal
 * types first), tables and memories by limits subtyping on their current size and an equal
 * element type, globals by mutability and their type (a subtype when immutable, equal when
 * mutable), tags by the same canonical type.
 */
function importMatches(module: Module, imp: ImportDecl, entity: ExternEntity): boolean {
  if (entityKind(entity) !== imp.kind) return false;
  switch (imp.kind) {
    case "func":
      return TYPES.isSubtypeId(
        (entity as FuncEntity).typeId,
        moduleDecl(module).typeIds[imp.typeIndex]!,
      );
    case "table": {
      const t = entity as TableEntity;
      return t.type.element === imp.type.element && t.type.index64 === imp.type.index64 &&
        limitsMatch(t.size, t.type.maximum, imp.type);
    }
    case "memory": {
      // Address width, sharing and page size must be the same; the limits may be narrower.
      const m = entity as MemoryEntity;
      const want = imp.type;
      return m.type.index64 === want.index64 && m.type.shared === want.shared &&
        m.type.pageSizeLog2 === want.pageSizeLog2 && limitsMatch(m.pages, m.type.maximum, want);
    }
    case "global": {
      const have = (entity as GlobalEntity).type;
      const want = imp.type as GlobalType;
      if (have.mutable !== want.mutable) return false;
      return have.mutable
        ? have.content === want.content
        : TYPES.valSub(have.content, want.content);
    }
    case "tag":
      // Tag types match exactly: the same canonical type, not just the same shape.
      return (entity as TagEntity).typeId === moduleDecl(module).typeIds[imp.typeIndex]!;
  }
}

/**
 * Throws `LinkError` unless `entity` fits `imp` (the message names the import and both types,
 * with the spec's wording "incompatible import type").
 */
export function checkImport(module: Module, imp: ImportDecl, entity: ExternEntity): void {
  if (!importMatches(module, imp, entity)) {
    // A memory of another page size is a different type whatever its limits.
    const pages = imp.kind === "memory" &&
        (entity as MemoryEntity).type.pageSizeLog2 !== imp.type.pageSizeLog2
      ? " (memory types incompatible: the page sizes differ)"
      : "";
    throw new LinkError(
      `incompatible import type for ${describeImport(imp)}: expected ${
        describeType(importType(module, imp))
      }, got ${describeType(entityType(entity))}${pages}`,
    );
  }
}

/** The "unknown import" `LinkError` for `imp`. */
export function unknownImport(module: Module, imp: ImportDecl): LinkError {
  return new LinkError(
    `unknown import ${describeImport(imp)}: nothing defined with type ${
      describeType(importType(module, imp))
    }`,
  );
}

/**
 * Instantiates `module` in `store` with `imports` (one extern per import, in order) and runs its
 * start function.
 *
 * @throws {LinkError} when an import is missing or has the wrong type
 * @throws {Trap} when a segment is out of bounds or the start function traps; writes of the
 *   segments before it stay visible, as the spec says
 * @throws {InstantiationError} when the module needs a memory or table the host cannot allocate
 *   or the store's resource limiter denies, or the store may hold no more instances
 */
export function instantiateModule(
  store: Store,
  module: Module,
  imports: readonly Extern[],
): InstanceEntity {
  checkEngine("The module", module.engine, store);
  const decl = moduleDecl(module);
  if (imports.length !== decl.imports.length) {
    throw new LinkError(`Module needs ${decl.imports.length} imports, got ${imports.length}`);
  }
  const inner = storeInner(store);
  checkNewInstance(
    inner,
    decl.tables.length - decl.importedTables,
    decl.memories.length - decl.importedMemories,
  );
  const instance = new InstanceEntity(decl, inner);
  // Canonical ids (`core/type_registry.ts`), the same in every engine and instance.
  instance.typeIds.push(...decl.typeIds);

  decl.imports.forEach((imp, i) => {
    const entity = externEntity(store, imports[i]!);
    checkImport(module, imp, entity);
    switch (imp.kind) {
      case "func":
        instance.funcs.push(entity as FuncEntity);
        break;
      case "table":
        instance.tables.push(entity as TableEntity);
        break;
      case "memory":
        instance.memories.push(entity as MemoryEntity);
        break;
      case "global":
        instance.globals.push(entity as GlobalEntity);
        break;
      case "tag":
        instance.tags.push(entity as TagEntity);
        break;
    }
  });
  for (let i = decl.importedTags; i < decl.tags.length; i++) {
    const typeIndex = decl.tags[i]!;
    instance.tags.push(new TagEntity(decl.types[typeIndex]!, decl.typeIds[typeIndex]!));
  }

  for (let i = decl.importedFuncs; i < decl.funcTypeIndices.length; i++) {
    const typeIndex = decl.funcTypeIndices[i]!;
    const func = new WasmFuncEntity(
      decl.types[typeIndex]!,
      instance.typeIds[typeIndex]!,
      instance,
      i,
    );
    storeInner(store).addFunc(func);
    instance.funcs.push(func);
  }
  const { tableCount, memoryCount } = inner;
  try {
    for (let i = decl.importedTables; i < decl.tables.length; i++) {
      instance.tables.push(createTableEntity(decl.tables[i]!, NULL_REF, store));
    }
    for (let i = decl.importedMemories; i < decl.memories.length; i++) {
      instance.memories.push(createMemoryEntity(decl.memories[i]!, store));
    }
  } catch (e) {
    // The tables and memories made so far are unreachable: they no longer count.
    inner.tableCount = tableCount;
    inner.memoryCount = memoryCount;
    if (e instanceof TableError || e instanceof MemoryError) {
      throw new InstantiationError(e.message, { cause: e });
    }
    throw e;
  }
  inner.instanceCount++;
  for (const g of decl.globals) {
    const global = new GlobalEntity(g.type);
    global.value.set(evalConstExpr(instance, g.init));
    instance.globals.push(global);
    if (valRepr(g.type.content) === "exnref") inner.exnHolders.push(global);
    if (holdsGcRefs(g.type.content)) inner.gc.holders.push(global);
  }
  // Table initial values (typed function references) may read the globals.
  for (let i = decl.importedTables; i < decl.tables.length; i++) {
    const init = decl.tableInits[i];
    if (init === undefined) continue;
    const table = instance.tables[i]!;
    table.elements.fill(evalConstExpr(instance, init)[0]!, 0, table.size);
  }

  for (const exp of decl.exports) {
    const space = exp.kind === "func"
      ? instance.funcs
      : exp.kind === "table"
      ? instance.tables
      : exp.kind === "memory"
      ? instance.memories
      : exp.kind === "tag"
      ? instance.tags
      : instance.globals;
    instance.exports.set(exp.name, space[exp.index]!);
  }

  // Every segment's items are evaluated before any table is written, as in the spec.
  const elemItems = decl.elems.map((elem) => {
    if (elem.funcIndices !== null) {
      return Int32Array.from(elem.funcIndices, (f) => instance.funcs[f]!.id);
    }
    return Int32Array.from(elem.exprs ?? [], (e) => evalConstExpr(instance, e)[0]!);
  });
  decl.elems.forEach((elem, i) => {
    const items = elemItems[i]!;
    if (elem.mode === "passive") {
      if (holdsGcRefs(elem.type) && !inner.gc.instances.includes(instance)) {
        inner.gc.instances.push(instance);
      }
      instance.elemSegments.push(items);
      return;
    }
    instance.elemSegments.push(null);
    if (elem.mode === "declarative") return;
    const table = instance.tables[elem.table]!;
    const offset = u64Offset(evalConstExpr(instance, elem.offsetExpr!), table.type.index64);
    if (offset + items.length > table.size) throw new Trap(TrapCode.TableOutOfBounds);
    table.elements.set(items, offset);
  });

  for (const data of decl.datas) {
    if (data.mode === "passive") {
      instance.dataSegments.push(data.bytes);
      continue;
    }
    instance.dataSegments.push(null);
    const memory = instance.memories[data.memory]!;
    const offset = u64Offset(evalConstExpr(instance, data.offsetExpr!), memory.type.index64);
    if (offset + data.bytes.length > memory.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
    memory.u8.set(data.bytes, offset);
  }

  if (decl.start !== null) {
    callEntity(store, instance.funcs[decl.start]!, new Int32Array(SLOT_WORDS));
  }
  return instance;
}
