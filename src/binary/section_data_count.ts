/**
 * The data count section (id 12): the number of data segments, announced before the code
 * section so that `memory.init` and `data.drop` can be validated in one pass.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";

/** Decodes the data count section's content into `module.dataCount`. */
export function decodeDataCountSection(ctx: DecodeContext): void {
  ctx.module.dataCount = ctx.reader.u32();
}
