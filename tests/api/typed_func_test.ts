import assert from "node:assert/strict";
import { Engine, Func, FuncError, Linker, Module, Store, Val } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

Deno.test("typed func: plain JS values in and out, by the declared types", () => {
  const store = new Store(engine, null);
  const ext = { host: true };
  const f = Func.wrap(
    store,
    {
      params: ["i32", "i64", "f32", "f64", "externref"],
      results: ["i64", "f64", "externref", "i32"],
    },
    (_c, a: number, b: bigint, c: number, d: number, e: unknown) => [BigInt(a) + b, c + d, e, -1],
  );
  const typed = f.typed<
    [number, bigint, number, number, unknown],
    [bigint, number, unknown, number]
  >(
    store,
  );
  assert.deepEqual(typed.call(store, 2, 40n, 0.5, 0.25, ext), [42n, 0.75, ext, -1]);
  assert.equal(typed.func, f);
  assert.equal(
    typed.ty(store).toString(),
    "(i32, i64, f32, f64, externref) -> (i64, f64, externref, i32)",
  );
});

Deno.test("typed func: no results gives undefined, one result gives the value", () => {
  const store = new Store(engine, null);
  const none = Func.wrap(store, { params: [], results: [] }, () => 123);
  assert.equal(none.typed(store).call(store), undefined);
  const one = Func.wrap(store, { params: ["i32"], results: ["i32"] }, (_c, x: number) => x * 2);
  assert.equal(one.typed(store).call(store, 21), 42);
});

Deno.test("typed func: i32 wraps, i64 takes integer numbers, results are signed", () => {
  const store = new Store(engine, null);
  const id32 = Func.wrap(store, { params: ["i32"], results: ["i32"] }, (_c, x: number) => x);
  assert.equal(id32.typed(store).call(store, 0xffff_ffff), -1);
  const id64 = Func.wrap(store, { params: ["i64"], results: ["i64"] }, (_c, x: bigint) => x);
  assert.equal(id64.typed(store).call(store, 5), 5n);
  assert.equal(id64.typed(store).call(store, 0xffff_ffff_ffff_ffffn), -1n);
});

Deno.test("typed func: funcref and v128 values", () => {
  const store = new Store(engine, null);
  const g = Func.wrap(store, { params: [], results: [] }, () => {});
  const f = Func.wrap(store, { params: ["funcref", "v128"], results: ["funcref", "v128"] }, (
    _c,
    r: Func | null,
    v: Uint8Array,
  ) => [r, v.map((b) => b + 1)]);
  const [r, v] = f.typed<[Func | null, Uint8Array | bigint], [Func | null, Uint8Array]>(store)
    .call(store, g, 0n);
  assert.equal(r, g);
  assert.deepEqual(v, new Uint8Array(16).fill(1));
});

Deno.test("typed func: wrong arguments throw FuncError before anything runs", () => {
  const store = new Store(engine, null);
  let ran = 0;
  const f = Func.wrap(store, { params: ["i32", "i64"], results: [] }, () => {
    ran++;
  });
  const typed = f.typed(store);
  assert.throws(() => typed.call(store, 1), FuncError);
  assert.throws(() => typed.call(store, 1, 2n, 3), FuncError);
  assert.throws(() => typed.call(store, 1n, 2n), /argument 0 must be a i32/);
  assert.throws(() => typed.call(store, 1, 2.5), /argument 1 must be a i64/);
  assert.throws(() => typed.call(store, "1", 2n), FuncError);
  assert.equal(ran, 0);
});

Deno.test("typed func: an expected type is checked", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: ["i32"], results: ["i32"] }, (_c, x: number) => x);
  f.typed(store, { params: ["i32"], results: ["i32"] });
  assert.throws(
    () => f.typed(store, { params: ["i64"], results: ["i32"] }),
    /expected \(i64\) -> \(i32\), got \(i32\) -> \(i32\)/,
  );
});

Deno.test("func: Val calls check arity and types", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: ["i32"], results: ["i32"] }, (_c, x: number) => x + 1);
  assert.equal(f.call(store, [Val.i32(1)])[0]!.value, 2);
  assert.throws(() => f.call(store, []), /Expected 1 parameters/);
  assert.throws(() => f.call(store, [Val.f32(1)]), /value 0 is f32, expected i32/);
  assert.throws(() => f.call(store, [1 as unknown as Val]), FuncError);
});

Deno.test("typed func: Wasm functions, fib", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  assert.equal(instance.getTypedFunc(store, "fib").call(store, 20), 6765);
  assert.equal(instance.getFunc(store, "fib")!.call(store, [Val.i32(10)])[0]!.value, 55);
  assert.throws(() => instance.getTypedFunc(store, "nope"), FuncError);
  assert.throws(() => instance.getTypedFunc(store, "fib", { params: [], results: [] }), FuncError);
});

Deno.test("typed func: multiple results from Wasm", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  assert.deepEqual(instance.getTypedFunc(store, "swap").call(store, 7n, 1.5), [1.5, 7n]);
});
