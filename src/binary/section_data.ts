/**
 * The data section (id 11), in its three encodings: active in memory 0, passive, active with
 * an explicit memory index.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import type { DataDecl } from "./module.ts";
import { readConstExpr } from "./const_expr.ts";

/** Decodes the data section's content into `module.datas`. */
export function decodeDataSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) ctx.module.datas.push(readData(ctx));
}

function readData(ctx: DecodeContext): DataDecl {
  const r = ctx.reader;
  const offset = r.pos;
  const flags = r.u32();
  if (flags > 2 || (flags !== 0 && !ctx.features.wasmBulkMemory)) {
    ctx.fail("malformed data segment kind", offset);
  }
  if (flags === 1) {
    return { mode: "passive", memory: 0, offsetExpr: null, bytes: readBytes(ctx), offset };
  }
  const memory = flags === 2 ? r.u32() : 0;
  const offsetExpr = readConstExpr(ctx);
  return { mode: "active", memory, offsetExpr, bytes: readBytes(ctx), offset };
}

function readBytes(ctx: DecodeContext): Uint8Array {
  const r = ctx.reader;
  return r.take(r.vecLen());
}
