/**
 * The table section (id 4).
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import { readTableType } from "./decode_types.ts";

/** Decodes the table section's content into `module.tables`. */
export function decodeTableSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) {
    ctx.module.tableOffsets.push(ctx.reader.pos);
    ctx.module.tables.push(readTableType(ctx));
  }
}
