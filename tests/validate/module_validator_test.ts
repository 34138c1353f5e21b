import assert from "node:assert/strict";
import { Op } from "../../src/binary/opcodes.ts";
import { WASM2_FEATURES } from "../../src/core/features.ts";
import { ValidationError } from "../../src/core/errors.ts";
import { validateFunction } from "../../src/validate/mod.ts";
import { assertDecodeErrorOnValidate, assertInvalid, assertValid, decode } from "./_helpers.ts";
import { bodyModule } from "../_lib/bytes.ts";
import { wat } from "../_lib/wabt.ts";

Deno.test("module: a module using every kind of entity validates", () => {
  assertValid(`(module
    (import "m" "f" (func $imp (param i32)))
    (import "m" "g" (global $ig i32))
    (import "m" "t" (table 1 funcref))
    (memory (export "mem") 1 2)
    (table $ext 2 externref)
    (global $g (mut i64) (i64.const 0))
    (global $h i32 (global.get $ig))
    (global $r funcref (ref.func $f))
    (func $f (export "f") (result i32) (global.get $h))
    (elem (i32.const 0) func $f)
    (elem $p funcref (ref.func $f) (ref.null func))
    (elem declare func $f)
    (data (global.get $ig) "abc")
    (data $d "passive")
    (start $s)
    (func $s (call $imp (i32.const 0))))`);
});

Deno.test("module: exports", () => {
  assertInvalid(
    `(module (func) (export "a" (func 0)) (export "a" (func 0)))`,
    "duplicate export name",
  );
  assertInvalid(
    `(module (func) (memory 1) (export "a" (func 0)) (export "a" (memory 0)))`,
    "duplicate export name",
  );
  assertInvalid(`(module (export "a" (func 3)))`, "unknown function 3");
  assertInvalid(`(module (export "a" (table 0)))`, "unknown table 0");
  assertInvalid(`(module (export "a" (memory 0)))`, "unknown memory 0");
  assertInvalid(`(module (export "a" (global 1)))`, "unknown global 1");
});

Deno.test("module: memories and limits", () => {
  assertInvalid(`(module (memory 0) (memory 0))`, "multiple memories");
  assertInvalid(`(module (import "m" "m" (memory 1)) (memory 0))`, "multiple memories");
  assertInvalid(`(module (memory 2 1))`, "size minimum must not be greater than maximum");
  assertInvalid(`(module (memory 65537))`, "memory size must be at most 65536 pages (4GiB)");
  assertInvalid(`(module (memory 0 65537))`, "memory size must be at most 65536 pages (4GiB)");
  assertInvalid(
    `(module (import "m" "m" (memory 65537)))`,
    "memory size must be at most 65536 pages (4GiB)",
  );
  assertInvalid(`(module (table 2 1 funcref))`, "size minimum must not be greater than maximum");
  assertValid(`(module (memory 0 65536) (table 0 0xffffffff funcref))`);
});

Deno.test("module: start function", () => {
  assertInvalid(`(module (func (result i32) (i32.const 0)) (start 0))`, "start function");
  assertInvalid(`(module (func (param i32)) (start 0))`, "start function");
});

Deno.test("module: segments", () => {
  assertInvalid(`(module (data (i32.const 0) "a"))`, "unknown memory 0");
  assertInvalid(`(module (elem (i32.const 0) func))`, "unknown table 0");
  assertInvalid(
    `(module (table 1 externref) (func $f) (elem (i32.const 0) func $f))`,
    "type mismatch",
  );
  assertInvalid(`(module (table 1 funcref) (elem (i32.const 0) func 5))`, "unknown function 5");
  assertInvalid(`(module (table 1 funcref) (elem (i64.const 0) func))`, "type mismatch");
  assertInvalid(`(module (memory 1) (data (f32.const 0) "a"))`, "type mismatch");
  assertInvalid(`(module (elem funcref (ref.null extern)))`, "type mismatch");
});

Deno.test("module: memory.init and data.drop without a data count section are malformed", () => {
  const decl = decode(wat(`(module (memory 1) (data "x") (func (data.drop 0)))`));
  decl.dataCount = null;
  assertDecodeErrorOnValidate(decl, "data count section required");
});

Deno.test("module: validateFunction validates one body", () => {
  const decl = decode(bodyModule([Op.I64Const, 0], { results: [0x7f] }));
  assert.throws(
    () => validateFunction(decl, WASM2_FEATURES, 0),
    (e) => e instanceof ValidationError && e.reason === "type mismatch" && e.funcIndex === 0,
  );
});
