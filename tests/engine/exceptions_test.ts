/**
 * How exception handling translates: catch clauses become landing pads placed before the
 * `try_table` body (a `Br` skips them) plus entries of the function's handler side table; a
 * function without `try_table` has no table and no extra code, so Wasm 2.0 code pays nothing.
 */
import assert from "node:assert/strict";
import { HANDLER_WORDS } from "../../src/engine/exceptions.ts";
import { instantiate } from "./harness.ts";

const EXN = { config: { wasmExceptions: true } };

Deno.test("try_table: pads before the body, handler entries innermost first", () => {
  const t = instantiate(
    `(module (tag $e (param i32))
      (func (export "f") (param i32) (result i32)
        (block $all
          (block $h (result i32)
            (try_table (catch $e $h) (catch_all $all)
              (throw $e (local.get 0)))
            (i32.const 0))
          (return))
        (i32.const -1)))`,
    EXN,
  );
  assert.equal(
    t.code("f"),
    [
      "0: Br @6",
      // catch $e $h: the payload is in s1, and $h's continuation returns it
      "2: ReturnSlot s1",
      // catch_all $all
      "4: Br @14",
      "6: Copy s1, s0",
      "9: Throw #0, s1",
      "12: ReturnSlot s1",
      "14: ConstI32 s0, -1",
      "17: Return",
    ].join("\n"),
  );
  const handlers = t.engine.compile(t.entity("f")).handlers!;
  assert.equal(handlers.length, 2 * HANDLER_WORDS);
  // [start, end) of the body, tag (-1: any), exnref?, pad, payload slot (word offset)
  assert.deepEqual([...handlers], [6, 12, 0, 0, 2, 4, 6, 12, -1, 0, 4, 4]);
  assert.equal(t.call("f", 5), 5);
});

Deno.test("nested try_tables: the inner one's clauses come first and cover only its body", () => {
  const t = instantiate(
    `(module (tag $e (param i32))
      (func $t (param i32) (throw $e (local.get 0)))
      (func (export "f") (param i32) (result i32)
        (block $outer (result i32)
          (try_table (catch $e $outer)
            (block $inner (result i32)
              (try_table (catch $e $inner)
                (call $t (local.get 0)))
              (i32.const 0))
            (call $t (i32.add (i32.const 100))))
          (i32.const 0))))`,
    EXN,
  );
  const h = t.engine.compile(t.entity("f")).handlers!;
  assert.equal(h.length, 2 * HANDLER_WORDS);
  const inner = [h[0]!, h[1]!], outer = [h[HANDLER_WORDS]!, h[HANDLER_WORDS + 1]!];
  assert.ok(outer[0]! < inner[0]! && inner[1]! < outer[1]!, `${inner} inside ${outer}`);
  // Caught by the inner handler (payload 7), rethrown as 107 and caught by the outer one.
  assert.equal(t.call("f", 7), 107);
});

Deno.test("functions without try_table have no handler table and the same code", () => {
  const source = `(module (func $h (param i32) (result i32) (local.get 0))
    (func (export "g") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $h (local.get 0))))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1)))`;
  const on = instantiate(source, EXN);
  const off = instantiate(source);
  assert.equal(on.engine.compile(on.entity("g")).handlers, null);
  assert.equal(on.code("g"), off.code("g"));
  assert.equal(on.call("g", 10), 55);
});

Deno.test("throws of a reference-free tag, repeated: payload, exnref and uncaught exception", () => {
  // In the interpreter, from a tag's second throw on, `throwNew` copies the payload without
  // making an exception unless a `catch_all_ref` or no handler needs one; each case runs several
  // times to reach it.
  const t = instantiate(
    `(module (tag $e (param i32 i64 f64))
      (func $throw (param i32)
        (throw $e (i32.add (local.get 0) (i32.const 100)) (i64.const -7) (f64.const 2.5)))
      (func (export "local") (param i32) (result i32 i64 f64)
        (local i32)
        (block $h (result i32 i64 f64)
          (try_table (catch $e $h)
            (local.set 1 (i32.add (local.get 0) (i32.const 1)))
            (throw $e (local.get 1) (i64.extend_i32_s (local.get 0)) (f64.const 0.5)))
          (unreachable)))
      (func (export "callee") (param i32) (result i32 i64 f64)
        (block $h (result i32 i64 f64)
          (try_table (catch $e $h) (call $throw (local.get 0)))
          (unreachable)))
      (func (export "ref") (param i32) (result i32 i64 f64)
        (block $outer (result i32 i64 f64)
          (try_table (catch $e $outer)
            (block $h (result exnref)
              (try_table (catch_all_ref $h) (call $throw (local.get 0)))
              (unreachable))
            (throw_ref))
          (unreachable)))
      (func (export "uncaught") (param i32) (call $throw (local.get 0))))`,
    { config: { wasmExceptions: true, executionTier: "interpreter" } },
  );
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(t.call("local", 10 + i), [11 + i, BigInt(10 + i), 0.5]);
    assert.deepEqual(t.call("callee", 30 + i), [130 + i, -7n, 2.5]);
    assert.deepEqual(t.call("ref", 20 + i), [120 + i, -7n, 2.5]);
    assert.throws(() => t.call("uncaught", i));
  }
});
