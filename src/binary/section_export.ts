/**
 * The export section (id 7).
 *
 * @module
 */

import type { ExternKind } from "../core/types.ts";
import type { DecodeContext } from "./decode_context.ts";

const KINDS: readonly ExternKind[] = ["func", "table", "memory", "global", "tag"];

/** Decodes the export section's content into `module.exports`. */
export function decodeExportSection(ctx: DecodeContext): void {
  const r = ctx.reader;
  const n = r.vecLen();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const name = r.name();
    const kindAt = r.pos;
    const kind = KINDS[r.u8()];
    if (kind === undefined || (kind === "tag" && !ctx.features.wasmExceptions)) {
      ctx.fail("malformed export kind", kindAt);
    }
    const index = r.u32();
    ctx.module.exports.push({ name, kind, index, offset });
  }
}
