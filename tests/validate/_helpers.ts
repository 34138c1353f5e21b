/**
 * Helpers for validator tests: WAT through wabt, and hand-assembled modules for what wabt's
 * parser refuses to write.
 */
import assert from "node:assert/strict";
import wabtInit from "wabt";
import { DecodeError, ValidationError } from "../../src/core/errors.ts";
import { WASM2_FEATURES, type WasmFeatures } from "../../src/core/features.ts";
import type { ModuleDecl } from "../../src/binary/module.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { validateModule } from "../../src/validate/mod.ts";

const wabt = await wabtInit();

/** Every wabt feature Wasm 2.0 needs. */
const WABT_FEATURES = {
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
};

/** WAT text to binary. */
export function wat(text: string): Uint8Array {
  const module = wabt.parseWat("test.wat", text, WABT_FEATURES);
  try {
    module.resolveNames();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** Decodes with every Wasm 2.0 feature on (so validation alone decides). */
export function decode(bytes: Uint8Array): ModuleDecl {
  return decodeModule(bytes, WASM2_FEATURES);
}

/** Decodes and validates. */
export function validate(bytes: Uint8Array, features: WasmFeatures = WASM2_FEATURES): void {
  validateModule(decode(bytes), features);
}

/** Asserts that the WAT module validates. */
export function assertValid(text: string, features: WasmFeatures = WASM2_FEATURES): void {
  validate(wat(text), features);
}

/**
 * Asserts that validation fails with a `ValidationError` whose reason starts with `reason` (the
 * spec testsuite's matching rule); returns the error for further checks.
 */
export function assertInvalid(
  module: string | Uint8Array,
  reason: string,
  features: WasmFeatures = WASM2_FEATURES,
): ValidationError {
  const bytes = typeof module === "string" ? wat(module) : module;
  const decl = decode(bytes);
  try {
    validateModule(decl, features);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    assert.ok(e.reason.startsWith(reason), `expected "${reason}", got "${e.reason}"`);
    return e;
  }
  assert.fail(`expected a ValidationError "${reason}"`);
}

/** Asserts a `DecodeError` from validating an already decoded module. */
export function assertDecodeErrorOnValidate(decl: ModuleDecl, reason: string): void {
  assert.throws(
    () => validateModule(decl, WASM2_FEATURES),
    (e) => e instanceof DecodeError && e.reason === reason,
  );
}

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** Value type codes for hand-assembled modules. */
export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70 };

/** What `bodyModule` puts around a function body. */
export interface BodyOptions {
  params?: number[];
  results?: number[];
  /** Add a one-page memory. */
  memory?: boolean;
}

/**
 * A module with one function whose code is `code` (without the final `end`, which is added) and
 * no locals.
 */
export function bodyModule(code: number[], options: BodyOptions = {}): Uint8Array {
  const params = options.params ?? [];
  const results = options.results ?? [];
  const body = [0x00, ...code, 0x0b];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, params.length, ...params, results.length, ...results]),
    ...section(3, [1, 0]),
    ...(options.memory ? section(5, [1, 0, 1]) : []),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** Wasm 2.0 with some features turned off. */
export function without(...names: (keyof WasmFeatures)[]): WasmFeatures {
  const f: Record<string, boolean> = { ...WASM2_FEATURES };
  for (const n of names) f[n] = false;
  return f as unknown as WasmFeatures;
}
