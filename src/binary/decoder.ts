/**
 * The module decoder: bytes to `ModuleDecl`, following the binary format of Wasm 2.0.
 *
 * Everything malformed, inside function bodies included, is a `DecodeError` with the spec
 * testsuite's message and the offending byte offset. Decoding is linear in the module's size
 * and never allocates in proportion to a length it has not checked against the bytes left.
 *
 * @module
 */

import type { WasmFeatures } from "../core/features.ts";
import { DecodeContext, EOF_IN_SECTION } from "./decode_context.ts";
import type { ModuleDecl } from "./module.ts";
import { decodeCustomSection } from "./section_custom.ts";
import { decodeTypeSection } from "./section_type.ts";
import { decodeImportSection } from "./section_import.ts";
import { decodeFunctionSection } from "./section_function.ts";
import { decodeTableSection } from "./section_table.ts";
import { decodeMemorySection } from "./section_memory.ts";
import { decodeGlobalSection } from "./section_global.ts";
import { decodeExportSection } from "./section_export.ts";
import { decodeStartSection } from "./section_start.ts";
import { decodeElementSection } from "./section_element.ts";
import { decodeCodeSection } from "./section_code.ts";
import { decodeDataSection } from "./section_data.ts";
import { decodeDataCountSection } from "./section_data_count.ts";
import { decodeTagSection } from "./section_tag.ts";

/** Section ids of the binary format. */
export const SectionId = {
  Custom: 0,
  Type: 1,
  Import: 2,
  Function: 3,
  Table: 4,
  Memory: 5,
  Global: 6,
  Export: 7,
  Start: 8,
  Element: 9,
  Code: 10,
  Data: 11,
  DataCount: 12,
  Tag: 13,
} as const;

type SectionDecoder = (ctx: DecodeContext, end: number) => void;

/** Decoder of each section id's content. */
const DECODERS: readonly SectionDecoder[] = [
  decodeCustomSection,
  decodeTypeSection,
  decodeImportSection,
  decodeFunctionSection,
  decodeTableSection,
  decodeMemorySection,
  decodeGlobalSection,
  decodeExportSection,
  decodeStartSection,
  decodeElementSection,
  decodeCodeSection,
  decodeDataSection,
  decodeDataCountSection,
  decodeTagSection,
];

/**
 * Position of each section id in the required order (the data count precedes the code, the tag
 * section sits between the memory and global sections).
 */
const ORDER_RANK: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10, 5.5];

const EOF_AT_TOP = "unexpected end";
const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

/**
 * Decodes a module.
 *
 * @param bytes the module's binary encoding
 * @param features the enabled proposals: encodings of disabled ones are malformed
 * @param scanBodies whether the instructions of function bodies are read now (the default);
 *   false leaves them unread, for `scanBody` to read each when it is first needed
 * @returns the decoded module (not yet validated)
 * @throws {DecodeError} if the bytes are not a well-formed module
 *
 * @example Decoding the smallest module
 * ```ts
 * import { decodeModule } from "./decoder.ts";
 * import { WASM2_FEATURES } from "../core/features.ts";
 * const m = decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), WASM2_FEATURES);
 * if (m.types.length !== 0) throw new Error();
 * ```
 */
export function decodeModule(
  bytes: Uint8Array,
  features: WasmFeatures,
  scanBodies = true,
): ModuleDecl {
  const ctx = new DecodeContext(bytes, features);
  ctx.scanBodies = scanBodies;
  readHeader(ctx);
  readSections(ctx);
  checkCounts(ctx);
  return ctx.module;
}

function readHeader(ctx: DecodeContext): void {
  const bytes = ctx.reader.bytes;
  if (bytes.length < 4) ctx.fail(EOF_AT_TOP, bytes.length);
  if (!MAGIC.every((b, i) => bytes[i] === b)) ctx.fail("magic header not detected", 0);
  if (bytes.length < 8) ctx.fail(EOF_AT_TOP, bytes.length);
  if (!VERSION.every((b, i) => bytes[4 + i] === b)) ctx.fail("unknown binary version", 4);
  ctx.reader.pos = 8;
}

function readSections(ctx: DecodeContext): void {
  const r = ctx.reader;
  let lastRank = 0;
  while (!r.atEnd) {
    const idAt = r.pos;
    const id = r.u8();
    if (!sectionIdKnown(ctx, id)) ctx.fail("malformed section id", idAt);
    if (id !== SectionId.Custom) {
      const rank = ORDER_RANK[id]!;
      // A section out of order or repeated ends the module for the spec: what follows is junk.
      if (rank <= lastRank) ctx.fail("unexpected content after last section", idAt);
      lastRank = rank;
    }
    r.eofMessage = EOF_AT_TOP;
    const size = r.vecLen();
    const start = r.pos;
    // The testsuite words a truncation inside a known section's content as the spec
    // interpreter does, and one in a section header or custom section the short way.
    if (id !== SectionId.Custom) r.eofMessage = EOF_IN_SECTION;
    DECODERS[id]!(ctx, start + size);
    if (r.pos !== start + size) ctx.fail("section size mismatch", start);
  }
}

function sectionIdKnown(ctx: DecodeContext, id: number): boolean {
  if (id === SectionId.DataCount) return ctx.features.wasmBulkMemory;
  if (id === SectionId.Tag) return ctx.features.wasmExceptions;
  return id < DECODERS.length;
}

function checkCounts(ctx: DecodeContext): void {
  const m = ctx.module;
  const end = ctx.reader.bytes.length;
  if (ctx.declaredFuncs !== m.bodies.length) {
    ctx.fail("function and code section have inconsistent lengths", end);
  }
  if (m.dataCount !== null && m.dataCount !== m.datas.length) {
    ctx.fail("data count and data section have inconsistent lengths", end);
  }
  if (m.dataCount === null && ctx.usesDataIndex) ctx.fail("data count section required", end);
}
