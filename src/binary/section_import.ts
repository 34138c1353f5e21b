/**
 * The import section (id 2). Imports open every index space, so each one is also appended to
 * its space (function types, tables, memories, global types).
 *
 * @module
 */

import type { DecodeContext } from "./decode_context.ts";
import type { ImportDecl } from "./module.ts";
import { readGlobalType, readMemoryType, readTableType, readTagType } from "./decode_types.ts";

/** Decodes the import section's content into `module.imports` and the index spaces. */
export function decodeImportSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  for (let i = 0; i < n; i++) ctx.module.imports.push(readImport(ctx));
}

function readImport(ctx: DecodeContext): ImportDecl {
  const r = ctx.reader;
  const m = ctx.module;
  const offset = r.pos;
  const module = r.name();
  const name = r.name();
  const kindAt = r.pos;
  switch (r.u8()) {
    case 0x00: {
      const typeIndex = r.u32();
      m.funcTypeIndices.push(typeIndex);
      m.importedFuncs++;
      return { module, name, offset, kind: "func", typeIndex };
    }
    case 0x01: {
      const type = readTableType(ctx);
      m.tables.push(type);
      m.importedTables++;
      return { module, name, offset, kind: "table", type };
    }
    case 0x02: {
      const type = readMemoryType(ctx);
      m.memories.push(type);
      m.importedMemories++;
      return { module, name, offset, kind: "memory", type };
    }
    case 0x03: {
      const type = readGlobalType(ctx);
      m.globalTypes.push(type);
      m.importedGlobals++;
      return { module, name, offset, kind: "global", type };
    }
    case 0x04: {
      if (!ctx.features.wasmExceptions) return ctx.fail("malformed import kind", kindAt);
      const typeIndex = readTagType(ctx);
      m.tags.push(typeIndex);
      m.importedTags++;
      return { module, name, offset, kind: "tag", typeIndex };
    }
    default:
      return ctx.fail("malformed import kind", kindAt);
  }
}
