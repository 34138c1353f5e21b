import { assertInvalid, assertValid } from "./_helpers.ts";

Deno.test("const expr: only constant instructions", () => {
  assertInvalid(`(module (global f32 (f32.neg (f32.const 0))))`, "constant expression required");
  assertInvalid(`(module (global i32 (i32.const 0) (nop)))`, "constant expression required");
  assertInvalid(`(module (global i32 (nop)))`, "constant expression required");
  assertInvalid(
    `(module (memory 1) (data (i32.ctz (i32.const 0))))`,
    "constant expression required",
  );
  // Extended-const arithmetic is off in Wasm 2.0.
  assertInvalid(
    `(module (global i32 (i32.add (i32.const 0) (i32.const 1))))`,
    "constant expression required",
  );
});

Deno.test("const expr: result type and count", () => {
  assertInvalid(`(module (global i32 (i64.const 0)))`, "type mismatch");
  assertInvalid(`(module (global i32 (i32.const 0) (i32.const 0)))`, "type mismatch");
  assertInvalid(`(module (global i32))`.replace("i32)", "i32 )"), "type mismatch");
  assertValid(
    `(module (global v128 (v128.const i32x4 1 2 3 4)) (global externref (ref.null extern)))`,
  );
});

Deno.test("const expr: global.get reads imported immutable globals only", () => {
  assertInvalid(`(module (global i32 (global.get 0)))`, "unknown global 0");
  assertInvalid(
    `(module (global i32 (i32.const 0)) (global i32 (global.get 0)))`,
    "unknown global 0",
  );
  assertInvalid(
    `(module (memory 1) (global i32 (i32.const 0)) (data (global.get 0) "a"))`,
    "unknown global 0",
  );
  assertInvalid(
    `(module (import "m" "g" (global (mut i32))) (global i32 (global.get 0)))`,
    "constant expression required",
  );
  assertValid(`(module (import "m" "g" (global i32)) (global i32 (global.get 0)))`);
});

Deno.test("const expr: ref.func names an existing function", () => {
  assertInvalid(`(module (global funcref (ref.func 2)))`, "unknown function 2");
});
