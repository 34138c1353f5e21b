/**
 * WAT → Wasm binary through the `wabt` package, loaded on first use so that the REPL starts
 * fast and works with binaries alone when `wabt` is not installed.
 *
 * wabt only parses here: validation is left to the engine, so invalid modules report the
 * engine's own `ValidationError`.
 *
 * @module
 */

import { ReplError } from "./repl_error.ts";

interface WabtModule {
  resolveNames(): void;
  validate(): void;
  toBinary(options: { write_debug_names?: boolean }): { buffer: Uint8Array };
  destroy(): void;
}

interface Wabt {
  parseWat(filename: string, text: string, features: Record<string, boolean>): WabtModule;
}

/** Every proposal wabt knows that the engine may accept; the engine decides what it allows. */
const FEATURES = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  tail_call: true,
  extended_const: true,
  relaxed_simd: true,
  multi_memory: true,
  memory64: true,
};

let wabt: Promise<Wabt> | undefined;

/** The runtime the REPL runs on, for the right import and the right hint. */
function runtime(): "deno" | "bun" | "node" {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (typeof g.Deno === "object" && g.Deno !== null) return "deno";
  return typeof g.Bun === "object" && g.Bun !== null ? "bun" : "node";
}

/**
 * Where wabt comes from. Deno resolves `npm:` specifiers itself, which works the same in the
 * repository (from `node_modules`), from JSR and by URL, where a bare `wabt` has no import map
 * to resolve it. Node and Bun find `wabt` beside the package.
 */
const WABT_SPECIFIER = { deno: "npm:wabt@^1.0.39", bun: "wabt", node: "wabt" } as const;

/** How to make wabt available, per runtime. */
const WABT_HINT = {
  deno: "Deno downloads npm:wabt on first use: it needs to reach the npm registry once",
  bun: "install it beside the REPL: bun add wabt",
  node: "install it beside the package: npm install wabt",
} as const;

async function loadWabt(): Promise<Wabt> {
  const where = runtime();
  try {
    // wabt is an Emscripten build: where the host has no WebAssembly (Hermes, jitless Node, a
    // strict CSP), it runs on this library's own `WebAssembly`.
    if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === "undefined") {
      (await import("../src/webassembly/mod.ts")).install();
    }
    // A computed specifier: bundlers and type checkers leave the optional dependency alone.
    const specifier: string = WABT_SPECIFIER[where];
    const mod = await import(specifier);
    const init = mod.default as unknown as () => Promise<Wabt>;
    return await init();
  } catch (e) {
    wabt = undefined;
    throw new ReplError(
      `Reading WAT needs the wabt package (${WABT_HINT[where]}); binaries need nothing. ` +
        `(${(e as Error).message.split("\n")[0]})`,
    );
  }
}

/**
 * Translates WAT text to a Wasm binary, keeping names (for backtraces).
 *
 * @param filename used in error messages
 * @throws ReplError with wabt's message when the text does not parse
 */
export async function watToWasm(text: string, filename = "input.wat"): Promise<Uint8Array> {
  const w = await (wabt ??= loadWabt());
  let module: WabtModule | undefined;
  try {
    module = w.parseWat(filename, text, FEATURES);
    module.resolveNames();
    return module.toBinary({ write_debug_names: true }).buffer;
  } catch (e) {
    const detail = String((e as Error).message ?? e).replace(/^parseWat failed:\s*/, "").trim();
    throw new ReplError(`Cannot parse WAT: ${detail}`);
  } finally {
    module?.destroy();
  }
}

/** The `$name` a WAT module text gives itself (`(module $name ...)`), if any. */
export function watModuleName(text: string): string | undefined {
  return /^\s*\(\s*module\s+(\$[^\s()]+)/.exec(text)?.[1];
}

/** Whether `bytes` start like a Wasm binary (`\0asm`) rather than WAT text. */
export function isWasmBinary(bytes: Uint8Array): boolean {
  return bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/**
 * What a file holds, judged by its content alone (never by its name): a Wasm binary (`\0asm`),
 * text (UTF-8 without control characters other than tabs and line breaks: read as WAT, whose
 * parser reports lines and columns), or neither.
 */
export function moduleKind(bytes: Uint8Array): "binary" | "text" | "neither" {
  if (isWasmBinary(bytes)) return "binary";
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return "neither";
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "neither";
  }
  return "text";
}

/** The first bytes of `bytes` in hex, for saying what a file is not. */
export function leadingBytes(bytes: Uint8Array, count = 8): string {
  const shown = [...bytes.subarray(0, count)].map((b) => b.toString(16).padStart(2, "0"));
  return bytes.length === 0 ? "it is empty" : `it starts with ${shown.join(" ")}`;
}

/**
 * Where wabt's own validator places the first error of `text`: `file.wat:3:7: type mismatch
 * ...`, or undefined when wabt finds none (the engine's rules then differ from wabt's, as for a
 * proposal the engine has turned off). Used to give the engine's validation errors, which carry
 * byte offsets, a line and column in the text the user wrote.
 */
export async function watErrorLocation(
  text: string,
  filename: string,
): Promise<string | undefined> {
  let w: Wabt;
  try {
    w = await (wabt ??= loadWabt());
  } catch {
    return undefined;
  }
  let module: WabtModule | undefined;
  try {
    module = w.parseWat(filename, text, FEATURES);
    module.resolveNames();
    module.validate();
    return undefined;
  } catch (e) {
    // wabt writes `<file>:<line>:<column>: error: <message>`; its copy of the file name is not
    // always intact, so only the numbers are taken from it.
    for (const line of String((e as Error).message ?? e).split("\n")) {
      const m = /:(\d+):(\d+): error: (.*)$/.exec(line);
      if (m !== null) return `${filename}:${m[1]}:${m[2]}: ${m[3]}`;
    }
    return undefined;
  } finally {
    module?.destroy();
  }
}
