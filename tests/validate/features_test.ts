/**
 * Disabled features are rejected. The modules are decoded with Wasm 2.0 on, so the validator
 * alone must catch them (the decoder rejects disabled opcodes too, as malformed).
 */
import { WASM2_FEATURES } from "../../src/core/features.ts";
import { assertInvalid, assertValid, without } from "./_helpers.ts";

Deno.test("features: SIMD", () => {
  const off = without("wasmSimd");
  assertInvalid(`(module (func (drop (v128.const i64x2 0 0))))`, "SIMD", off);
  assertInvalid(`(module (func (param v128)))`, "SIMD", off);
  assertInvalid(`(module (func (local v128)))`, "SIMD", off);
  assertInvalid(`(module (global v128 (v128.const i64x2 0 0)))`, "SIMD", off);
  assertValid(`(module (func (local i32)))`, off);
});

Deno.test("features: sign extension and saturating conversions", () => {
  assertInvalid(
    `(module (func (drop (i32.extend8_s (i32.const 0)))))`,
    "sign extension",
    without("wasmSignExtension"),
  );
  assertInvalid(
    `(module (func (drop (i32.trunc_sat_f32_s (f32.const 0)))))`,
    "saturating",
    without("wasmSaturatingFloatToInt"),
  );
});

Deno.test("features: multi-value", () => {
  const off = without("wasmMultiValue");
  assertInvalid(`(module (func (result i32 i32) (i32.const 0) (i32.const 0)))`, "multi-value", off);
  assertInvalid(
    `(module (type (func (param i32))) (func (i32.const 0) (block (type 0) (drop))))`,
    "multi-value",
    off,
  );
  assertValid(`(module (func (result i32) (block (result i32) (i32.const 0))))`, off);
});

Deno.test("features: bulk memory", () => {
  const off = without("wasmBulkMemory");
  assertInvalid(
    `(module (memory 1)
    (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))`,
    "bulk memory",
    off,
  );
  assertInvalid(`(module (memory 1) (data "passive"))`, "bulk memory", off);
});

Deno.test("features: reference types", () => {
  const off = { ...without("wasmReferenceTypes"), wasmBulkMemory: true };
  assertInvalid(`(module (func (drop (ref.null func))))`, "reference types", off);
  assertInvalid(`(module (func (param externref)))`, "reference types", off);
  assertInvalid(`(module (table 1 funcref) (table 1 funcref))`, "multiple tables", off);
  assertInvalid(`(module (table 1 externref))`, "reference types", off);
  assertValid(`(module (table 1 funcref) (func) (elem (i32.const 0) func 0))`, off);
});

Deno.test("features: mutable globals", () => {
  const off = without("wasmMutableGlobal");
  assertInvalid(`(module (import "m" "g" (global (mut i32))))`, "mutable global", off);
  assertInvalid(`(module (global (export "g") (mut i32) (i32.const 0)))`, "mutable global", off);
  assertValid(`(module (global (mut i32) (i32.const 0)))`, off);
  assertValid(`(module (global (export "g") (mut i32) (i32.const 0)))`, WASM2_FEATURES);
});
