/**
 * Constant expressions (global initializers, segment offsets, element items) as byte ranges.
 *
 * @module
 */

import type { ConstExpr } from "./module.ts";
import type { DecodeContext } from "./decode_context.ts";
import { scanInstructions } from "./code_scanner.ts";

/**
 * Reads a constant expression through its final `end` and returns its byte range. Only its
 * syntax is checked here: which instructions a constant expression may hold is validation.
 */
export function readConstExpr(ctx: DecodeContext): ConstExpr {
  const start = ctx.reader.pos;
  scanInstructions(ctx, false);
  return { start, end: ctx.reader.pos };
}
