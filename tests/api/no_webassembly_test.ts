/**
 * The core promise: wasmi-ts runs Wasm without the host's `WebAssembly` object: modules run with
 * `globalThis.WebAssembly` deleted. (`tests/source_test.ts` checks that `src/` never names it.)
 */
import assert from "node:assert/strict";
import { Engine, Linker, Module, Store, Trap, TrapCode } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const PROGRAM = wat(`(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (type $unary (func (param i64) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $fib $square)
  (func $fib (type $unary)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func $square (type $unary) (i64.mul (local.get 0) (local.get 0)))
  (func (export "dispatch") (param i32 i64) (result i64)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "store_twice") (param i32) (result i32)
    (i32.store (i32.const 8) (call $twice (local.get 0)))
    (i32.load (i32.const 8)))
  (func (export "trap") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))`);

Deno.test("modules run with globalThis.WebAssembly deleted", () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly");
  // deno-lint-ignore no-explicit-any
  delete (globalThis as any).WebAssembly;
  try {
    assert.equal(typeof (globalThis as Record<string, unknown>).WebAssembly, "undefined");
    const engine = new Engine();
    const store = new Store(engine, null);
    const linker = new Linker(engine);
    linker.funcWrap("env", "twice", { params: ["i32"], results: ["i32"] }, (_c, x) => x * 2);
    const instance = linker.instantiate(store, new Module(engine, PROGRAM));
    const dispatch = instance.getTypedFunc(store, "dispatch");
    assert.equal(dispatch.call(store, 0, 20n), 6765n);
    assert.equal(dispatch.call(store, 1, 12n), 144n);
    assert.equal(instance.getTypedFunc(store, "store_twice").call(store, 21), 42);
    assert.equal(instance.getMemory(store, "memory")!.read(store, 8, 1)[0], 42);
    assert.throws(
      () => instance.getTypedFunc(store, "trap").call(store),
      (e) => e instanceof Trap && e.code === TrapCode.IntegerDivisionByZero,
    );
  } finally {
    if (saved) Object.defineProperty(globalThis, "WebAssembly", saved);
  }
});
