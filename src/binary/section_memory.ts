/**
 * The memory section (id 5).
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import { readMemoryType } from "./decode_types.ts";

/** Decodes the memory section's content into `module.memories`. */
export function decodeMemorySection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) {
    ctx.module.memoryOffsets.push(ctx.reader.pos);
    ctx.module.memories.push(readMemoryType(ctx));
  }
}
