/**
 * The global section (id 6): each global's type and initializer.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import { readGlobalType } from "./decode_types.ts";
import { readConstExpr } from "./const_expr.ts";

/** Decodes the global section's content into `module.globals` and `module.globalTypes`. */
export function decodeGlobalSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) {
    const type = readGlobalType(ctx);
    const init = readConstExpr(ctx);
    ctx.module.globals.push({ type, init });
    ctx.module.globalTypes.push(type);
  }
}
