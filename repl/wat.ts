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

async function loadWabt(): Promise<Wabt> {
  try {
    // wabt is an Emscripten build: where the host has no WebAssembly (Hermes, jitless Node, a
    // strict CSP), it runs on this library's own `WebAssembly`.
    if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === "undefined") {
      (await import("../src/webassembly/mod.ts")).install();
    }
    const mod = await import("wabt");
    const init = mod.default as unknown as () => Promise<Wabt>;
    return await init();
  } catch (e) {
    wabt = undefined;
    throw new ReplError(
      `Reading WAT needs the wabt package (npm install wabt): ${(e as Error).message}`,
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
