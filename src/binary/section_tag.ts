/**
 * The tag section (id 13, exception-handling proposal): the exception tags a module defines,
 * each an attribute byte and the index of its payload's function type.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import { readTagType } from "./decode_types.ts";

/** Decodes the tag section's content into `module.tags`. */
export function decodeTagSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) {
    ctx.module.tagOffsets.push(ctx.reader.pos);
    ctx.module.tags.push(readTagType(ctx));
  }
}
