/**
 * Helpers to build module bytes by hand in the decoder tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { DecodeError } from "../../src/core/errors.ts";
import { WASM2_FEATURES, type WasmFeatures } from "../../src/core/features.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import type { ModuleDecl } from "../../src/binary/module.ts";

/** The magic number and version. */
export const HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** `n` as unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** A name: its UTF-8 length and bytes. */
export function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** A vector: its count and the concatenated items. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...u32(items.length), ...items.flat()];
}

/** A section with its id and size. */
export function section(id: number, content: readonly number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

/** A function body with its size: local groups `[count, type]` and the instruction bytes. */
export function body(locals: readonly (readonly number[])[], code: readonly number[]): number[] {
  const content = [...vec(locals), ...code];
  return [...u32(content.length), ...content];
}

/** A module: the header followed by `parts`. */
export function mod(...parts: readonly (readonly number[])[]): Uint8Array {
  return new Uint8Array([...HEADER, ...parts.flat()]);
}

/** Type section with one `[] -> []` function type. */
export const TYPE_VOID: readonly number[] = section(1, vec([[0x60, 0x00, 0x00]]));
/** Function section declaring one function of type 0. */
export const FUNC_ONE: readonly number[] = section(3, vec([[0x00]]));
/** Memory section with one memory `{min 1}`. */
export const MEMORY_ONE: readonly number[] = section(5, vec([[0x00, 0x01]]));

/** A module with one `[] -> []` function whose body is `code` (which must include its `end`). */
export function funcModule(code: readonly number[], ...extra: readonly (readonly number[])[]) {
  return mod(TYPE_VOID, FUNC_ONE, MEMORY_ONE, ...extra, section(10, vec([body([], code)])));
}

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
