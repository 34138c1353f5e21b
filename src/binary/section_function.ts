/**
 * The function section (id 3): the type index of each function the code section defines.
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";

/** Decodes the function section's content into `module.funcTypeIndices`. */
export function decodeFunctionSection(ctx: DecodeContext): void {
  const r = ctx.reader;
  const n = r.vecLen();
  for (let i = 0; i < n; i++) {
    ctx.module.funcTypeOffsets.push(r.pos);
    ctx.module.funcTypeIndices.push(r.u32());
  }
  ctx.declaredFuncs = n;
}
