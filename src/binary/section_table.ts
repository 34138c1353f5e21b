/**
 * The table section (id 4).
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import { readTableType } from "./decode_types.ts";
import { readConstExpr } from "./const_expr.ts";

/** Decodes the table section's content into `module.tables`. */
export function decodeTableSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) {
    const r = ctx.reader;
    ctx.module.tableOffsets.push(r.pos);
    // Typed function references: `0x40 0x00 tabletype expr` gives an initial value.
    if (r.typedRefs && r.pos < r.end && r.bytes[r.pos] === 0x40) {
      r.pos++;
      const at = r.pos;
      if (r.u8() !== 0) ctx.fail("malformed table", at);
      ctx.module.tables.push(readTableType(ctx));
      ctx.module.tableInits[ctx.module.tables.length - 1] = readConstExpr(ctx);
    } else {
      ctx.module.tables.push(readTableType(ctx));
    }
  }
}
