/**
 * The element section (id 9), in all eight encodings. The flags' bits say: bit 0 passive or
 * declarative (with bit 1 telling which) rather than active; bit 1 (active) an explicit table
 * index and element kind or type; bit 2 items as constant expressions rather than function
 * indices.
 *
 * @module
 */

import type { RefType } from "../core/types.ts";
import type { DecodeContext } from "./decode_context.ts";
import type { ConstExpr, ElemDecl } from "./module.ts";
import { readRefType } from "./decode_types.ts";
import { readConstExpr } from "./const_expr.ts";

/** Decodes the element section's content into `module.elems`. */
export function decodeElementSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) ctx.module.elems.push(readElem(ctx));
}

function readElem(ctx: DecodeContext): ElemDecl {
  const r = ctx.reader;
  const offset = r.pos;
  const flags = r.u32();
  if (flags > 7 || (flags !== 0 && !ctx.features.wasmBulkMemory)) {
    ctx.fail("malformed elements segment kind", offset);
  }
  const passiveOrDeclarative = (flags & 1) !== 0;
  const explicit = (flags & 2) !== 0;
  const usesExprs = (flags & 4) !== 0;
  const mode = !passiveOrDeclarative ? "active" : explicit ? "declarative" : "passive";
  let table = 0;
  let offsetExpr: ConstExpr | null = null;
  if (mode === "active") {
    if (explicit) table = r.u32();
    offsetExpr = readConstExpr(ctx);
  }
  let type: RefType = "funcref";
  // Flags 0 and 4 imply funcref; all others spell the kind (indices) or type (expressions).
  if (flags !== 0 && flags !== 4) type = usesExprs ? readRefType(ctx) : readElemKind(ctx);
  let funcIndices: number[] | null = null;
  let exprs: ConstExpr[] | null = null;
  const count = r.vecLen();
  if (usesExprs) {
    exprs = [];
    for (let i = 0; i < count; i++) exprs.push(readConstExpr(ctx));
  } else {
    funcIndices = [];
    for (let i = 0; i < count; i++) funcIndices.push(r.u32());
  }
  // With typed references, a segment of function indices holds non-null references.
  if (funcIndices !== null && r.typedRefs) type = "(ref func)";
  return { mode, type, table, offsetExpr, funcIndices, exprs, offset };
}

function readElemKind(ctx: DecodeContext): RefType {
  const at = ctx.reader.pos;
  if (ctx.reader.u8() !== 0x00) ctx.fail("malformed element kind", at);
  return "funcref";
}
