/**
 * Decoder-test helpers: decoding hand-built bytes (built with `tests/_lib/bytes.ts`) and
 * asserting the malformed-module errors.
 *
 * @module
 */

import assert from "node:assert/strict";
import { DecodeError } from "../../src/core/errors.ts";
import { WASM2_FEATURES, type WasmFeatures } from "../../src/core/features.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import type { ModuleDecl } from "../../src/binary/module.ts";

/** Decodes with the Wasm 2.0 features (or `features`). */
export function decode(bytes: Uint8Array, features: WasmFeatures = WASM2_FEATURES): ModuleDecl {
  return decodeModule(bytes, features);
}

/**
 * Asserts that decoding fails with `DecodeError` whose reason is `message` and, if given, at
 * `offset`.
 */
export function assertMalformed(
  bytes: Uint8Array,
  message: string,
  offset?: number,
  features: WasmFeatures = WASM2_FEATURES,
): void {
  try {
    decodeModule(bytes, features);
  } catch (e) {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${e}`);
    assert.equal(e.reason, message);
    if (offset !== undefined) assert.equal(e.offset, offset, `offset of "${message}"`);
    return;
  }
  assert.fail(`decoded, but expected "${message}"`);
}
