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

Deno.test("a caught payload overlapping the thrower's slots is copied whole, in both tiers", () => {
  // The pad's slots sit at the try_table's stack height in its frame; a throw it covers has its
  // payload at or above them (deeper in the same frame, or in a callee, whose frame starts at its
  // arguments), so the ranges overlap whenever the payload sits less than its own size above.
  // Every param has its own value: a copy in the wrong order repeats or loses one. Each case
  // runs several times (from a tag's second throw on, `throwNew` copies without an exception).
  const source = `(module (tag $e (param i32 i64 f64))
    (func $throw1 (param i32)
      (throw $e (i32.add (local.get 0) (i32.const 100)) (i64.const -7) (f64.const 2.5)))
    (func $throw3 (param i32 i64 f64) (local i32)
      (local.set 3 (i32.mul (local.get 0) (i32.const 3)))
      (throw $e (local.get 3) (i64.add (local.get 1) (i64.const 1)) (f64.neg (local.get 2))))
    (func $via (param i32 i64 f64) (call $throw3 (local.get 0) (local.get 1) (local.get 2)))
    ;; same frame: the payload one slot above the pad's (overlap of two slots)
    (func (export "above1") (param i32) (result i32 i64 f64)
      (block $h (result i32 i64 f64)
        (try_table (catch $e $h)
          (i32.const 99)
          (throw $e (i32.add (local.get 0) (i32.const 1))
                    (i64.extend_i32_s (i32.sub (i32.const 0) (local.get 0)))
                    (f64.convert_i32_s (local.get 0))))
        (unreachable)))
    ;; same frame: two slots above (overlap of one slot)
    (func (export "above2") (param i32) (result i32 i64 f64)
      (block $h (result i32 i64 f64)
        (try_table (catch $e $h)
          (i32.const 98) (i64.const 97)
          (throw $e (i32.add (local.get 0) (i32.const 2))
                    (i64.const 0x1234567890)
                    (f64.convert_i32_s (i32.mul (local.get 0) (i32.const 4)))))
        (unreachable)))
    ;; a callee's payload above its params, and one two frames down
    (func (export "callee1") (param i32) (result i32 i64 f64)
      (block $h (result i32 i64 f64)
        (try_table (catch $e $h) (call $throw1 (local.get 0)))
        (unreachable)))
    (func (export "callee3") (param i32) (result i32 i64 f64)
      (block $h (result i32 i64 f64)
        (try_table (catch $e $h)
          (call $via (local.get 0) (i64.const 0x7fffffffffff) (f64.const -1.25)))
        (unreachable)))
    ;; the pad above a value of the enclosing block: its slots start one slot up too
    (func (export "nested") (param i32) (result i32 i32 i64 f64)
      (local.get 0)
      (block $h (result i32 i64 f64)
        (try_table (catch $e $h)
          (i32.const 5)
          (call $via (i32.add (local.get 0) (i32.const 7)) (i64.const -2) (f64.const 8))
          (drop))
        (unreachable)))
  )`;
  for (const tier of ["interpreter", "codegen"] as const) {
    const t = instantiate(source, { config: { wasmExceptions: true, executionTier: tier } });
    for (let i = 0; i < 3; i++) {
      const n = 10 + i;
      assert.deepEqual(t.call("above1", n), [n + 1, BigInt(-n), n], tier);
      assert.deepEqual(t.call("above2", n), [n + 2, 0x1234567890n, 4 * n], tier);
      assert.deepEqual(t.call("callee1", n), [n + 100, -7n, 2.5], tier);
      assert.deepEqual(t.call("callee3", n), [3 * n, 0x800000000000n, 1.25], tier);
      assert.deepEqual(t.call("nested", n), [n, 3 * (n + 7), -1n, -8], tier);
    }
  }
});
