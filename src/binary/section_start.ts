/**
 * The start section (id 8): the index of the function run at instantiation.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";

/** Decodes the start section's content into `module.start` (and its offset). */
export function decodeStartSection(ctx: DecodeContext): void {
  ctx.module.startOffset = ctx.reader.pos;
  ctx.module.start = ctx.reader.u32();
}
