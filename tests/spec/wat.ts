/**
 * wabt glue: text-format modules of a script converted to binaries.
 *
 * The library has no text-format parser, so the runner uses wabt (npm `wabt`, a dev-only
 * dependency) with exactly the Wasm 2.0 features enabled.
 *
 * @module
 */

import { wabt, WABT_FEATURES } from "../_lib/wabt.ts";
import { isWholeModule } from "./sexpr.ts";
import type { ModuleSource } from "./script.ts";

/** wabt refused a text module (lexing, parsing or name resolution failed). */
export class WatError extends Error {
  override name = "WatError";
}

const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** wabt's error text without its "parseWat failed:" banner, first error only. */
function describeWabtError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !line.endsWith("failed:"));
  return lines[0] ?? text;
}

function isWholeBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

/**
 * Converts text-format source to a binary module.
 *
 * @param filename used in wabt's error messages
 * @param text a complete `(module ...)` form
 * @throws {WatError} if wabt cannot parse it or write the binary
 */
export function watToBinary(filename: string, text: Uint8Array | string): Uint8Array {
  // wabt.js reads a Uint8Array's whole underlying buffer, ignoring a view's offset: copy views.
  const input = typeof text === "string" || isWholeBuffer(text) ? text : text.slice();
  let module;
  try {
    module = wabt.parseWat(filename, input, WABT_FEATURES);
  } catch (error) {
    throw new WatError(describeWabtError(error));
  }
  try {
    return addMissingDataCount(module.toBinary({}).buffer);
  } catch (error) {
    throw new WatError(describeWabtError(error));
  } finally {
    module.destroy();
  }
}

const SECTION_CODE = 10;
const SECTION_DATA_COUNT = 12;
const DATA_COUNT_ZERO = Uint8Array.from([SECTION_DATA_COUNT, 1, 0]);

/** Reads an unsigned LEB128 at `offset`: its value and the offset after it. */
function readU32(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, offset];
  }
}

/** True if the bytes contain `memory.init` / `data.drop` (0xfc 0x08 / 0xfc 0x09) anywhere. */
function mayUseDataSegments(code: Uint8Array): boolean {
  return code.some((byte, i) => byte === 0xfc && (code[i + 1] === 0x08 || code[i + 1] === 0x09));
}

/**
 * Adds an empty data count section where wabt leaves it out but the encoding needs it.
 *
 * wabt writes the data count section only when a module has data segments, even when its code
 * uses `memory.init` / `data.drop` (invalid without segments). The binary is then malformed
 * ("data count section required") where the script expects the text module's validation
 * error (e.g. memory_init.wast's "unknown memory 0"). The text format has no data count
 * section, so a faithful encoding includes one; an empty one is valid with no data segments,
 * which keeps a false positive of the byte scan harmless.
 */
export function addMissingDataCount(binary: Uint8Array): Uint8Array {
  let offset = 8; // magic and version
  while (offset < binary.length) {
    const id = binary[offset];
    const [size, payload] = readU32(binary, offset + 1);
    if (id === SECTION_DATA_COUNT) return binary;
    if (id === SECTION_CODE) {
      if (!mayUseDataSegments(binary.subarray(payload, payload + size))) return binary;
      const out = new Uint8Array(binary.length + DATA_COUNT_ZERO.length);
      out.set(binary.subarray(0, offset));
      out.set(DATA_COUNT_ZERO, offset);
      out.set(binary.subarray(offset), offset + DATA_COUNT_ZERO.length);
      return out;
    }
    offset = payload + size;
  }
  return binary;
}

/**
 * The text of a `(module quote ...)`: the strings' text as is when it is a whole
 * `(module ...)` form, otherwise wrapped as one (the reference interpreter accepts both).
 */
export function quotedModuleText(text: Uint8Array): Uint8Array {
  if (isWholeModule(utf8Decoder.decode(text))) return text;
  // The newline keeps a trailing `;;` comment from swallowing the closing parenthesis.
  const open = utf8Encoder.encode("(module ");
  const close = utf8Encoder.encode("\n)");
  const out = new Uint8Array(open.length + text.length + close.length);
  out.set(open);
  out.set(text, open.length);
  out.set(close, open.length + text.length);
  return out;
}

/**
 * The binary of a script module: `binary` bytes as they are, text and `quote` through wabt.
 *
 * @param filename used in wabt's error messages, e.g. `"address.wast:12"`
 * @throws {WatError} if wabt cannot convert the text
 */
export function moduleBinary(filename: string, source: ModuleSource): Uint8Array {
  switch (source.format) {
    case "binary":
      return source.bytes;
    case "text":
      return watToBinary(filename, source.text);
    case "quote":
      return watToBinary(filename, quotedModuleText(source.text));
  }
}
