/**
 * The type section (id 1): function types, and with the GC proposal recursion groups (`rec`) of
 * function, struct and array types with declared supertypes (`sub`, `sub final`).
 *
 * Each group is registered in the canonical type registry as soon as it is read
 * (`core/type_registry.ts`), so every later value type of the module names canonical ids.
 *
 * @module
 */

import { ValidationError } from "../core/errors.ts";
import { FuncType } from "../core/types.ts";
import { type CompositeType, recRef, type SubType, TYPES } from "../core/type_registry.ts";
import type { DecodeContext } from "./decode_context.ts";
import { readFieldType, readFuncBody } from "./decode_types.ts";

/** The placeholder `module.types` holds for a struct or array type (see `ModuleDecl.types`). */
export const NOT_A_FUNC_TYPE: FuncType = new FuncType([], []);

/** Decodes the type section's content into `module.types`, `typeIds` and `typeKinds`. */
export function decodeTypeSection(ctx: DecodeContext): void {
  const r = ctx.reader;
  const n = r.vecLen();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const b = r.pos < r.end ? r.bytes[r.pos]! : 0;
    if (b === 0x4e && ctx.features.wasmGc) {
      r.pos++;
      const size = r.vecLen();
      readGroup(ctx, size, at);
    } else {
      readGroup(ctx, 1, at, true);
    }
  }
  r.recBase = -1;
  r.recSize = 0;
}

function readGroup(ctx: DecodeContext, size: number, at: number, single = false): void {
  const r = ctx.reader;
  const m = ctx.module;
  const base = m.types.length;
  r.recBase = base;
  // A type outside `rec` is a group of its own with GC; before GC it cannot name itself.
  r.recSize = single && !ctx.features.wasmGc ? 0 : size;
  const group: SubType[] = [];
  const offsets: number[] = [];
  for (let k = 0; k < size; k++) {
    offsets.push(single ? at : r.pos);
    group.push(readSubType(ctx));
  }
  r.recBase = -1;
  const { ids, error } = TYPES.registerGroup(group);
  for (let k = 0; k < size; k++) {
    m.typeOffsets.push(offsets[k]!);
    m.typeIds.push(ids[k]!);
    const comp = TYPES.type(ids[k]!).comp;
    m.types.push(comp.kind === "func" ? comp.func : NOT_A_FUNC_TYPE);
  }
  if (error !== null) {
    const index = base + error.position;
    throw new ValidationError(`sub type ${index} ${error.message}`, m.typeOffsets[index] ?? at);
  }
}

function readSubType(ctx: DecodeContext): SubType {
  const r = ctx.reader;
  const b = r.pos < r.end ? r.bytes[r.pos]! : 0;
  if ((b === 0x50 || b === 0x4f) && ctx.features.wasmGc) {
    r.pos++;
    const n = r.vecLen();
    const supers: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const index = r.u32();
      if (index >= r.recBase && index < r.recBase + r.recSize) {
        supers.push(recRef(index - r.recBase));
      } else if (index < r.typeIds.length && index < r.recBase) {
        supers.push(r.typeIds[index]!);
      } else {
        throw new ValidationError(`unknown type ${index}`, at);
      }
    }
    return { final: b === 0x4f, supers, comp: readComposite(ctx) };
  }
  return { final: true, supers: [], comp: readComposite(ctx) };
}

function readComposite(ctx: DecodeContext): CompositeType {
  const r = ctx.reader;
  const at = r.pos;
  const b = r.u8();
  if (b === 0x60) return { kind: "func", func: readFuncBody(ctx) };
  if (ctx.features.wasmGc) {
    if (b === 0x5f) {
      const n = r.vecLen();
      const fields = [];
      for (let i = 0; i < n; i++) fields.push(readFieldType(ctx));
      return { kind: "struct", fields };
    }
    if (b === 0x5e) return { kind: "array", element: readFieldType(ctx) };
  }
  return ctx.fail(b & 0x80 ? "integer representation too long" : "malformed function type", at);
}
