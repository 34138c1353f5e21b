/**
 * Text converters: text-format modules of a script converted to binaries.
 *
 * The library has no text-format parser, so the runner uses converters that are dev-only
 * dependencies: wabt (npm `wabt`) first, and, for proposal scripts whose text wabt 1.0.39 cannot
 * read (custom page sizes, wide arithmetic, `(data (memory $m) ...)`, GC types, ...),
 * wasm-tools' parser as npm `@bytecodealliance/jco-transpile` ships it. Which converter produced
 * each module is recorded, so reports can say how many commands needed the second one.
 *
 * The root (Wasm 2.0) scripts use wabt alone with exactly the Wasm 2.0 features enabled.
 *
 * @module
 */

import { wabt, WABT_FEATURES, WABT_WASM3_FEATURES } from "../_lib/wabt.ts";
import { isWholeModule } from "./sexpr.ts";
import type { Command, ModuleDef, ModuleSource } from "./script.ts";

/** wabt refused a text module (lexing, parsing or name resolution failed). */
export class WatError extends Error {
  override name = "WatError";
}

/**
 * Which text a script is written in: `wasm2` (the root scripts: wabt with the Wasm 2.0
 * features only) or `wasm3` (Wasm 3.0 and proposals: wabt with every feature, then wasm-tools).
 */
export type TextProfile = "wasm2" | "wasm3";

/** The converters, in the order they are tried. */
export type Converter = "wabt" | "wasm-tools";

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
export function watToBinary(
  filename: string,
  text: Uint8Array | string,
  profile: TextProfile = "wasm2",
): Uint8Array {
  // wabt.js reads a Uint8Array's whole underlying buffer, ignoring a view's offset: copy views.
  const input = typeof text === "string" || isWholeBuffer(text) ? text : text.slice();
  let module;
  try {
    const features = profile === "wasm2" ? WABT_FEATURES : WABT_WASM3_FEATURES;
    module = wabt.parseWat(filename, input, features);
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

/** The text a converter reads for a text or quote module. */
function sourceText(source: ModuleSource & { format: "text" | "quote" }): Uint8Array {
  return source.format === "text" ? source.text : quotedModuleText(source.text);
}

/**
 * The binary of a script module: `binary` bytes as they are, text and `quote` through wabt.
 *
 * @param filename used in wabt's error messages, e.g. `"address.wast:12"`
 * @throws {WatError} if wabt cannot convert the text
 */
export function moduleBinary(
  filename: string,
  source: ModuleSource,
  profile: TextProfile = "wasm2",
): Uint8Array {
  return source.format === "binary"
    ? source.bytes
    : watToBinary(filename, sourceText(source), profile);
}

/** A converted module: its bytes and the converter that produced them, or every error. */
export type Conversion =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly converter: Converter | "binary" }
  | { readonly ok: false; readonly error: WatError };

/** wasm-tools' `parse` (text to binary), loaded on first use: only proposal scripts need it. */
let wasmToolsParse: ((text: string) => Promise<Uint8Array>) | undefined;

async function wasmToolsToBinary(text: Uint8Array): Promise<Uint8Array> {
  if (wasmToolsParse === undefined) {
    const tools = await import("@bytecodealliance/jco-transpile/wasm-tools");
    wasmToolsParse = tools.parse;
  }
  try {
    return await wasmToolsParse(utf8Decoder.decode(text));
  } catch (error) {
    throw new WatError(describeWasmToolsError(error));
  }
}

/** The first line of wasm-tools' error (it reports the text position on the next lines). */
function describeWasmToolsError(error: unknown): string {
  const payload = (error as { payload?: unknown } | null)?.payload;
  const text = typeof payload === "string"
    ? payload
    : error instanceof Error
    ? error.message
    : String(error);
  return text.split("\n")[0] ?? text;
}

/**
 * Converts one module: binary as is; text through wabt, and in the `wasm3` profile through
 * wasm-tools when wabt refuses it.
 */
export async function convertModule(
  filename: string,
  source: ModuleSource,
  profile: TextProfile,
): Promise<Conversion> {
  if (source.format === "binary") return { ok: true, bytes: source.bytes, converter: "binary" };
  const text = sourceText(source);
  if (wabtMisencodes(text, profile)) {
    return { ok: true, bytes: await wasmToolsToBinary(text), converter: "wasm-tools" };
  }
  let wabtError: WatError;
  try {
    return { ok: true, bytes: watToBinary(filename, text, profile), converter: "wabt" };
  } catch (error) {
    if (!(error instanceof WatError)) throw error;
    wabtError = error;
  }
  if (profile === "wasm2") return { ok: false, error: wabtError };
  try {
    return { ok: true, bytes: await wasmToolsToBinary(text), converter: "wasm-tools" };
  } catch (error) {
    if (!(error instanceof WatError)) throw error;
    return {
      ok: false,
      error: new WatError(`wabt: ${wabtError.message}; wasm-tools: ${error.message}`),
    };
  }
}

/**
 * Text wabt accepts but encodes unlike the reference interpreter, so the engine would judge a
 * different module than the script's. `(select (result))` (no types) must be `0x1c 0x00`, which
 * validation rejects with "invalid result arity"; wabt writes an untyped `select` (`0x1b`).
 */
const WABT_MISENCODED: readonly RegExp[] = [/\(select\s*\(result\s*\)/];

/**
 * The same for proposal text (`wasm3` profile): an active data segment of a memory other than
 * memory 0 (`(data (memory $m) ...)`, or inline: `(memory $m (data ...))`) gets flags 0x02 but
 * no memory index from wabt 1.0.39; typed references (`(ref $t)`, `(ref null func)`) come out
 * with a heap type index wabt writes as a multi-byte s32 (`(ref $f)` as `a4 cc 01`), so any
 * `(ref ...)` type goes to wasm-tools.
 */
const WABT_MISENCODED_WASM3: readonly RegExp[] = [
  /\(data\b[^()"]*\(memory\b/,
  /\(memory\b[^()"]*\(data\b/,
  /\(ref\s/,
];

function wabtMisencodes(text: Uint8Array, profile: TextProfile): boolean {
  const source = utf8Decoder.decode(text);
  const patterns = profile === "wasm3"
    ? [...WABT_MISENCODED, ...WABT_MISENCODED_WASM3]
    : WABT_MISENCODED;
  return patterns.some((pattern) => pattern.test(source));
}

/** Every module definition a command carries. */
function modulesOf(command: Command): ModuleDef[] {
  switch (command.kind) {
    case "module":
    case "assert_malformed":
    case "assert_invalid":
    case "assert_unlinkable":
      return [command.module];
    case "assert_trap":
    case "assert_uninstantiable":
      return command.target.kind === "module" ? [command.target] : [];
    default:
      return [];
  }
}

/**
 * Converts every module of a script ahead of running it (wasm-tools is asynchronous; the runner
 * is not). The map is keyed by each module's `source` object.
 */
export async function convertScript(
  commands: readonly Command[],
  profile: TextProfile,
): Promise<Map<ModuleSource, Conversion>> {
  const out = new Map<ModuleSource, Conversion>();
  for (const command of commands) {
    for (const def of modulesOf(command)) {
      out.set(def.source, await convertModule(`${command.file}:${def.line}`, def.source, profile));
    }
  }
  return out;
}
