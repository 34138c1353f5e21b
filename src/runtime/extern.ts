/**
 * `Extern`: anything an instance imports or exports, and the conversions between extern handles
 * and the entities behind them.
 *
 * @module
 */

import { type ExternKind, type ExternType, TableType, TagType } from "../core/types.ts";
import {
  type FuncEntity,
  GlobalEntity,
  MemoryEntity,
  TableEntity,
  TagEntity,
} from "../engine/entities.ts";
import type { Func } from "./func.ts";
import type { Global } from "./global.ts";
import { funcs, globals, memories, tables, tags } from "./handles.ts";
import { currentMemoryType, type Memory } from "./memory.ts";
import type { Store } from "./store.ts";
import type { Table } from "./table.ts";
import type { Tag } from "./tag.ts";

/** A function, table, memory, global or tag: what can be imported and exported. */
export type Extern = Func | Table | Memory | Global | Tag;

/** An entity that can be imported or exported. */
export type ExternEntity = FuncEntity | TableEntity | MemoryEntity | GlobalEntity | TagEntity;

/** An export of an instance: its name and the extern. */
export interface ExportItem {
  /** The export name. */
  readonly name: string;
  /** The exported function, table, memory, global or tag. */
  readonly value: Extern;
}

/** The handle for `entity`, owned by `store`. */
export function externHandle(store: Store, entity: ExternEntity): Extern {
  if (entity instanceof MemoryEntity) return memories.handle(store, entity);
  if (entity instanceof TableEntity) return tables.handle(store, entity);
  if (entity instanceof GlobalEntity) return globals.handle(store, entity);
  if (entity instanceof TagEntity) return tags.handle(store, entity);
  return funcs.handle(store, entity);
}

/** The entity behind `extern`, after checking that `store` owns it. */
export function externEntity(store: Store, extern: Extern): ExternEntity {
  if (funcs.is(extern)) return funcs.entity(store, extern);
  if (memories.is(extern)) return memories.entity(store, extern);
  if (tables.is(extern)) return tables.entity(store, extern);
  if (globals.is(extern)) return globals.entity(store, extern);
  if (tags.is(extern)) return tags.entity(store, extern);
  throw new TypeError(`Not an extern (Func, Table, Memory, Global or Tag): ${String(extern)}`);
}

/** Whether `x` is an extern handle. */
export function isExtern(x: unknown): x is Extern {
  return funcs.is(x) || memories.is(x) || tables.is(x) || globals.is(x) || tags.is(x);
}

/** What kind of extern `entity` is. */
export function entityKind(entity: ExternEntity): ExternKind {
  if (entity instanceof MemoryEntity) return "memory";
  if (entity instanceof TableEntity) return "table";
  if (entity instanceof GlobalEntity) return "global";
  if (entity instanceof TagEntity) return "tag";
  return "func";
}

/**
 * The current type of `entity`: a memory's or table's minimum is its current size, so that
 * import matching sees what the spec calls the extern's type.
 */
export function entityType(entity: ExternEntity): ExternType {
  if (entity instanceof MemoryEntity) {
    return currentMemoryType(entity);
  }
  if (entity instanceof TableEntity) {
    return new TableType({
      element: entity.type.element,
      minimum: entity.size,
      maximum: entity.type.maximum,
      index64: entity.type.index64,
    });
  }
  if (entity instanceof TagEntity) return new TagType(entity.type);
  return entity.type;
}
