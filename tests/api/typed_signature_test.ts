/**
 * Typed host functions and typed exports: the callback's and the call's types come from the
 * `{ params, results }` literal. The `@ts-expect-error` lines are the compile-time half of the
 * test: `deno task check` (and `deno test`) fail if any of them type-checks.
 */
import assert from "node:assert/strict";
import {
  Engine,
  Func,
  FuncError,
  FuncType,
  type JsParams,
  type JsResults,
  Linker,
  Module,
  Store,
  type TypedFunc,
} from "../../mod.ts";
import { wat } from "./_wat.ts";

const engine = new Engine();

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true
  : false;
function same<A, B>(_proof: Equal<A, B>): void {}

Deno.test("typed signature: value types map to JS types", () => {
  same<JsParams<readonly ["i32", "i64", "f32", "f64"]>, [number, bigint, number, number]>(true);
  same<JsParams<readonly ["v128", "funcref", "externref"]>, [Uint8Array, Func | null, unknown]>(
    true,
  );
  same<JsResults<readonly []>, void>(true);
  same<JsResults<readonly ["i64"]>, bigint>(true);
  same<JsResults<readonly ["i32", "i64"]>, [number, bigint]>(true);
  // A signature only known as ValType[] (a FuncType) types nothing.
  same<JsResults<FuncType["results"]>, unknown>(true);
  // deno-lint-ignore no-explicit-any
  same<JsParams<FuncType["params"]>, any[]>(true);
});

Deno.test("typed signature: Func.wrap infers the callback from the literal", () => {
  const store = new Store(engine, 2);
  const f = Func.wrap(store, { params: ["i32", "i64"], results: ["i64", "f64"] }, (c, a, b) => {
    same<typeof a, number>(true);
    same<typeof b, bigint>(true);
    same<typeof c.data, number>(true);
    return [b * BigInt(c.data), a / 2];
  });
  const typed = f.typed(store, { params: ["i32", "i64"], results: ["i64", "f64"] });
  same<typeof typed, TypedFunc<[number, bigint], [bigint, number]>>(true);
  assert.deepEqual(typed.call(store, 3, 5n), [10n, 1.5]);

  // @ts-expect-error an i64 parameter is a bigint, not a number
  Func.wrap(store, { params: ["i64"], results: [] }, (_c, x: number) => void x);
  // @ts-expect-error the one result is returned as the value, not in an array
  Func.wrap(store, { params: [], results: ["i32"] }, () => [1]);
  // @ts-expect-error two results are a tuple of two
  Func.wrap(store, { params: [], results: ["i32", "i32"] }, () => [1]);
  // @ts-expect-error an f32 result is a number
  Func.wrap(store, { params: [], results: ["f32"] }, () => 1n);
  // @ts-expect-error a funcref parameter is a Func or null
  Func.wrap(store, { params: ["funcref"], results: [] }, (_c, f: string) => void f);
  // @ts-expect-error too many parameters
  Func.wrap(store, { params: ["i32"], results: [] }, (_c, a: number, b: number) => void (a + b));
  // Async callbacks return a Promise of the result.
  Func.wrap(store, { params: [], results: ["i64"] }, () => Promise.resolve(1n));
  // @ts-expect-error a Promise of the wrong type
  Func.wrap(store, { params: [], results: ["i64"] }, () => Promise.resolve(1));
});

Deno.test("typed signature: existing call shapes still type-check", () => {
  const store = new Store(engine, null);
  // A FuncType (not a literal) leaves the callback untyped, as before.
  const type = new FuncType(["i32"], ["i32"]);
  const f = Func.wrap(store, type, (_c, x: number) => x + 1);
  // Explicit type arguments are still allowed.
  assert.equal(f.typed<[number], number>(store).call(store, 1), 2);
  assert.equal(f.typed(store).call(store, 1), 2);
  Func.wrap<null>(store, { params: ["i32"], results: ["i32"] }, (_c, x: number) => x);
});

Deno.test("typed signature: Linker.funcWrap and Instance.getTypedFunc", () => {
  const store = new Store(engine, { calls: 0 });
  const linker = new Linker<{ calls: number }>(engine);
  linker.funcWrap("env", "mix", { params: ["i64", "f32"], results: ["i64"] }, (c, a, b) => {
    c.data.calls++;
    return a + BigInt(Math.trunc(b));
  });
  // @ts-expect-error the host data is { calls: number }
  linker.funcWrap("env", "no", { params: [], results: [] }, (c) => c.data.missing);
  const instance = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (import "env" "mix" (func $mix (param i64 f32) (result i64)))
        (func (export "run") (param i64) (result i64) (call $mix (local.get 0) (f32.const 2.5))))`),
    ),
  );
  const run = instance.getTypedFunc(store, "run", { params: ["i64"], results: ["i64"] });
  same<typeof run, TypedFunc<[bigint], bigint>>(true);
  assert.equal(run.call(store, 40n), 42n);
  assert.equal(store.data.calls, 1);
  // @ts-expect-error run takes a bigint
  assert.throws(() => run.call(store, "x"), FuncError);
  // The literal is checked against the export's real type at run time.
  assert.throws(
    () => instance.getTypedFunc(store, "run", { params: ["i32"], results: ["i64"] }),
    FuncError,
  );
  // Explicit type arguments, as before.
  assert.equal(instance.getTypedFunc<[bigint], bigint>(store, "run").call(store, 1n), 3n);
});
