/**
 * Tail calls run in constant stack: ten million mutual tail calls (`return_call` and
 * `return_call_indirect` alternating) in a stack of two frames and 256 slots, where the same
 * recursion through plain calls exhausts it at once. (Deno only: the API suite, which Bun and
 * Node also run, has a shorter chain in `tests/api/tail_call_test.ts`.)
 */

import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store, Trap, TrapCode } from "../../mod.ts";
import { wat } from "../api/_wat.ts";

/** `even(n)` / `odd(n)` by mutual recursion, as tail calls or as plain calls. */
function evenOdd(call: "return_call" | "call"): Uint8Array {
  return wat(`(module
    (type $t (func (param i64) (result i32)))
    (table funcref (elem $even $odd))
    (func $even (export "even") (param $n i64) (result i32)
      (if (result i32) (i64.eqz (local.get $n))
        (then (i32.const 1))
        (else (${call} $odd (i64.sub (local.get $n) (i64.const 1))))))
    (func $odd (param $n i64) (result i32)
      (if (result i32) (i64.eqz (local.get $n))
        (then (i32.const 0))
        (else (${call}_indirect (type $t)
          (i64.sub (local.get $n) (i64.const 1)) (i32.const 0))))))`);
}

Deno.test("tail calls: 10,000,000 mutual tail calls run in a fixed-size stack", () => {
  const engine = new Engine(new Config({ maxRecursionDepth: 2, maxStackHeight: 256 }));
  const store = new Store(engine, null);
  const run = (call: "return_call" | "call", n: bigint) =>
    new Linker(engine).instantiate(store, new Module(engine, evenOdd(call)))
      .getTypedFunc<[bigint], number>(store, "even").call(store, n);
  assert.equal(run("return_call", 10_000_000n), 1);
  assert.equal(run("return_call", 9_999_999n), 0);
  assert.throws(
    () => run("call", 10n),
    (e) => e instanceof Trap && e.code === TrapCode.StackOverflow,
  );
});
