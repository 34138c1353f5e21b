/**
 * Helpers for validator tests: validating WAT (through `tests/_lib/wabt.ts`) or hand-assembled
 * modules (`tests/_lib/bytes.ts`) and asserting the outcome.
 */
import assert from "node:assert/strict";
import { DecodeError, ValidationError } from "../../src/core/errors.ts";
import { WASM2_FEATURES, type WasmFeatures } from "../../src/core/features.ts";
import type { ModuleDecl } from "../../src/binary/module.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { validateModule } from "../../src/validate/mod.ts";
import { wat } from "../_lib/wabt.ts";

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

/** Wasm 2.0 with some features turned off. */
export function without(...names: (keyof WasmFeatures)[]): WasmFeatures {
  const f: Record<string, boolean> = { ...WASM2_FEATURES };
  for (const n of names) f[n] = false;
  return f as unknown as WasmFeatures;
}
