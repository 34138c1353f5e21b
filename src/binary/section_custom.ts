/**
 * Custom sections (id 0): kept as name and bytes. The "name" section is also parsed for
 * module, function and local names; a malformed one is ignored, as the spec allows, since
 * custom sections never make a module malformed beyond their own name.
 *
 * @module
 */

import { DecodeError } from "../core/errors.ts";
import type { DecodeContext } from "./decode_context.ts";
import type { NameSection } from "./module.ts";
import { BinaryReader } from "./reader.ts";

/**
 * Decodes a custom section whose content ends at `end`.
 *
 * @param ctx the module being decoded
 * @param end one past the section's last byte
 */
export function decodeCustomSection(ctx: DecodeContext, end: number): void {
  const r = ctx.reader;
  const name = r.name();
  if (r.pos > end) ctx.fail(r.eofMessage, end);
  const dataStart = r.pos;
  r.pos = end;
  ctx.module.customSections.push({ name, data: r.bytes.subarray(dataStart, end) });
  // Only the first name section counts; a module has at most one.
  if (name === "name" && !ctx.parsedNames) {
    ctx.parsedNames = true;
    const names = parseNameSection(r.bytes, dataStart, end);
    if (names !== null) copyNames(names, ctx.module.names);
  }
}

function copyNames(from: NameSection, to: NameSection): void {
  to.moduleName = from.moduleName;
  for (const [index, name] of from.funcNames) to.funcNames.set(index, name);
  for (const [index, locals] of from.localNames) to.localNames.set(index, locals);
}

const SUB_MODULE = 0;
const SUB_FUNCTIONS = 1;
const SUB_LOCALS = 2;

/**
 * Parses the content of a name section in `bytes[start..end)`, or returns null if it is
 * malformed. Subsections must come in increasing id order; unknown ones (from the extended name
 * section proposal) are skipped.
 */
export function parseNameSection(
  bytes: Uint8Array,
  start: number,
  end: number,
): NameSection | null {
  const names: NameSection = { moduleName: null, funcNames: new Map(), localNames: new Map() };
  const r = new BinaryReader(bytes, start, end);
  let lastId = -1;
  try {
    while (!r.atEnd) {
      const id = r.u8();
      if (id <= lastId) return null;
      lastId = id;
      const size = r.vecLen();
      if (size > r.end - r.pos) return null;
      const sub = new BinaryReader(bytes, r.pos, r.pos + size);
      r.pos += size;
      if (id === SUB_MODULE) names.moduleName = sub.name();
      else if (id === SUB_FUNCTIONS) readNameMap(sub, names.funcNames);
      else if (id === SUB_LOCALS) readIndirectNameMap(sub, names.localNames);
      else continue;
      if (!sub.atEnd) return null;
    }
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
  return names;
}

function readNameMap(r: BinaryReader, into: Map<number, string>): void {
  const n = r.vecLen(2);
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    into.set(index, r.name());
  }
}

function readIndirectNameMap(r: BinaryReader, into: Map<number, Map<number, string>>): void {
  const n = r.vecLen(2);
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    const map = new Map<number, string>();
    readNameMap(r, map);
    into.set(index, map);
  }
}
