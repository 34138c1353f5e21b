/**
 * One small program run the same way wherever the library is loaded from (a URL, a browser
 * bundle): host imports, i32/i64/f64 values, memory and a trap. It takes the library as a
 * parameter so that the caller's copy is the one exercised; the import below is types only.
 *
 * @module
 */

import type * as Wasmi from "../../mod.ts";

/** The module: assemble it with wabt (tests/api/_wat.ts) and pass the bytes to `runDemo`. */
export const DEMO_WAT = `(module
  (import "env" "log" (func $log (param i32 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "wasmi-ts")
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "fact") (param $n i64) (result i64) (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (call $log (i32.const 1) (local.get $acc))
    (local.get $acc))
  (func (export "hypot") (param $x f64) (param $y f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get $x) (local.get $x))
                       (f64.mul (local.get $y) (local.get $y)))))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))`;

/** What `runDemo` returns; JSON-safe so it can cross a process or a page boundary. */
export interface DemoResult {
  fib: number;
  fact: string;
  hypot: number;
  text: string;
  trap: string;
  logged: string[];
}

/** `runDemo`'s result when the library works. */
export const EXPECTED: DemoResult = {
  fib: 6765,
  fact: "2432902008176640000",
  hypot: 5,
  text: "wasmi-ts",
  trap: "IntegerDivisionByZero: integer divide by zero",
  logged: ["1: 2432902008176640000"],
};

/** Runs the demo module's exports with `wasmi`, the library as the caller loaded it. */
export function runDemo(wasmi: typeof Wasmi, bytes: Uint8Array): DemoResult {
  const engine = new wasmi.Engine(new wasmi.Config({ maxRecursionDepth: 1000 }));
  const store = new wasmi.Store(engine, { logged: [] as string[] });
  const linker = new wasmi.Linker<{ logged: string[] }>(engine);
  linker.funcWrap(
    "env",
    "log",
    { params: ["i32", "i64"], results: [] },
    (caller, tag: number, value: bigint) => {
      caller.data.logged.push(`${tag}: ${value}`);
    },
  );
  const instance = linker.instantiate(store, new wasmi.Module(engine, bytes));
  const fib = instance.getTypedFunc<[number], number>(store, "fib").call(store, 20);
  const fact = instance.getTypedFunc<[bigint], bigint>(store, "fact").call(store, 20n);
  const hypot = instance.getTypedFunc<[number, number], number>(store, "hypot").call(store, 3, 4);
  const memory = instance.getMemory(store, "memory");
  const text = new TextDecoder().decode(memory?.read(store, 0, 8));
  let trap = "no trap";
  try {
    instance.getTypedFunc<[number, number], number>(store, "div").call(store, 1, 0);
  } catch (e) {
    if (!(e instanceof wasmi.Trap)) throw e;
    trap = `${e.codeName}: ${e.message}`;
  }
  return {
    fib,
    fact: String(fact),
    hypot,
    text,
    trap,
    logged: store.data.logged,
  };
}
