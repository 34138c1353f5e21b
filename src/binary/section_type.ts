/**
 * The type section (id 1): the function types.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import { readFuncType } from "./decode_types.ts";

/** Decodes the type section's content into `module.types`. */
export function decodeTypeSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) {
    ctx.module.typeOffsets.push(ctx.reader.pos);
    ctx.module.types.push(readFuncType(ctx));
  }
}
