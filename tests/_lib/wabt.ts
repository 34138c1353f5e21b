/**
 * Test toolkit: wabt, set up once per process, with the one list of text-format features the
 * tests use. The library itself has no text-format parser; wabt is a dev-only dependency.
 *
 * @module
 */

import wabtInit from "wabt";

/** The wabt features of Wasm 2.0 (what the engine implements by default), everything later off. */
export const WABT_FEATURES = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
} as const;

/** Every feature wabt 1.0.39 knows: the spec runner's Wasm 3.0 and proposal scripts. */
export const WABT_WASM3_FEATURES = {
  ...WABT_FEATURES,
  exceptions: true,
  threads: true,
  function_references: true,
  tail_call: true,
  annotations: true,
  gc: true,
  memory64: true,
  multi_memory: true,
  extended_const: true,
  relaxed_simd: true,
} as const;

/** Loaded once: instantiating wabt's own Wasm takes tens of milliseconds. */
export const wabt: Awaited<ReturnType<typeof wabtInit>> = await wabtInit();

/** Options of `wat`. */
export interface WatOptions {
  /** Write a name section (function, local and module names). Default false. */
  readonly names?: boolean;
  /** Also accept the extended-const proposal (arithmetic in constant expressions). */
  readonly extendedConst?: boolean;
  /** Also accept the exception-handling proposal (`try_table`, `throw`, `exnref`). */
  readonly exceptions?: boolean;
  /** Accept every proposal wabt knows (`WABT_WASM3_FEATURES`): tail calls, threads, ... */
  readonly proposals?: boolean;
  /** The file name wabt's errors quote. Default `test.wat`. */
  readonly filename?: string;
}

/** Assembles WAT text into a binary module with the Wasm 2.0 features (see `WatOptions`). */
export function wat(text: string, options: WatOptions = {}): Uint8Array {
  const features = options.proposals ? WABT_WASM3_FEATURES : {
    ...WABT_FEATURES,
    extended_const: options.extendedConst ?? false,
    exceptions: options.exceptions ?? false,
  };
  const module = wabt.parseWat(options.filename ?? "test.wat", text, features);
  try {
    module.resolveNames();
    return module.toBinary({ write_debug_names: options.names ?? false }).buffer;
  } finally {
    module.destroy();
  }
}
