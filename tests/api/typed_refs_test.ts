/**
 * Typed function references through the API: the `wasmFunctionReferences` / `wasmGc` switches,
 * `call_ref` and `return_call_ref` in both tiers, the null traps of `call_ref` and
 * `ref.as_non_null`, `br_on_null` / `br_on_non_null`, and `Func` values as `(ref $t)` globals.
 */

import assert from "node:assert/strict";
import {
  Config,
  ConfigError,
  DecodeError,
  Engine,
  Global,
  GlobalError,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { body, mod, section, sleb, str, u32, vec } from "../_lib/bytes.ts";

const I32 = 0x7f;
const I64 = 0x7e;
const refNull = (i: number) => [0x63, ...sleb(i)];
const func = (params: number[][], results: number[][]) => [0x60, ...vec(params), ...vec(results)];
const exportFunc = (name: string, index: number) => [...str(name), 0x00, ...u32(index)];

/**
 * Type 0 `(i32) -> i32`, type 1 `(i64, i64) -> i64`. Functions: 0 `inc` (type 0), 1 `apply`
 * (i32) -> i32 = call_ref $0 (ref.func inc), 2 `applyNull` = call_ref $0 (ref.null $0),
 * 3 `sum` (i64 n, i64 acc) -> i64 by return_call_ref to itself, 4 `nonNull` (i32) -> i32:
 * ref.as_non_null of ref.func or ref.null, 5 `isNull` (i32) -> i32 by br_on_null, 6 `isNull2`
 * the same by br_on_non_null.
 */
function module(): Uint8Array {
  const types = section(1, vec([func([[I32]], [[I32]]), func([[I64], [I64]], [[I64]])]));
  const funcs = section(3, vec([[0], [0], [0], [1], [0], [0], [0]]));
  const exports = section(
    7,
    vec([
      exportFunc("apply", 1),
      exportFunc("applyNull", 2),
      exportFunc("sum", 3),
      exportFunc("nonNull", 4),
      exportFunc("isNull", 5),
      exportFunc("isNull2", 6),
    ]),
  );
  // Declares `inc` and `sum` for ref.func (elem declare func 0 3).
  const elems = section(9, vec([[0x03, 0x00, ...vec([[0], [3]])]]));
  const inc = [0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b];
  const apply = [0x20, 0x00, 0xd2, 0x00, 0x14, 0x00, 0x0b];
  const applyNull = [0x20, 0x00, 0xd0, 0x00, 0x14, 0x00, 0x0b];
  // if n == 0: acc else return_call_ref $1 (n - 1, acc + n, ref.func sum)
  const sum = [
    0x20,
    0x00,
    0x50,
    0x04,
    I64,
    0x20,
    0x01,
    0x05, //
    0x20,
    0x00,
    0x42,
    0x01,
    0x7d,
    0x20,
    0x01,
    0x20,
    0x00,
    0x7c,
    0xd2,
    0x03,
    0x15,
    0x01, //
    0x0b,
    0x0b,
  ];
  // select a ref.func or a ref.null $0 (typed select), ref.as_non_null, call_ref with 41
  const pick = [0xd2, 0x00, 0xd0, 0x00, 0x20, 0x00, 0x1c, 0x01, ...refNull(0)];
  const nonNull = [0x41, 41, ...pick, 0xd4, 0x14, 0x00, 0x0b];
  // block (result i32): block: <pick> br_on_null 0; drop; i32.const 0; br 1; end; i32.const 1
  const isNull = [
    0x02,
    I32,
    0x02,
    0x40,
    ...pick,
    0xd5,
    0x00,
    0x1a,
    0x41,
    0x00,
    0x0c,
    0x01,
    0x0b, //
    0x41,
    0x01,
    0x0b,
    0x0b,
  ];
  // block (result i32): block (result (ref $0)): <pick> br_on_non_null 0; i32.const 1; br 1;
  // end; drop; i32.const 0
  const isNull2 = [
    0x02,
    I32,
    0x02,
    0x64,
    0x00,
    ...pick,
    0xd6,
    0x00,
    0x41,
    0x01,
    0x0c,
    0x01,
    0x0b, //
    0x1a,
    0x41,
    0x00,
    0x0b,
    0x0b,
  ];
  return mod(
    types,
    funcs,
    exports,
    elems,
    section(
      10,
      vec([
        body([], inc),
        body([], apply),
        body([], applyNull),
        body([], sum),
        body([], nonNull),
        body([], isNull),
        body([], isNull2),
      ]),
    ),
  );
}

Deno.test("typed refs: the switches, off by default; GC implies function references", () => {
  const config = new Config();
  assert.equal(config.wasmFunctionReferences, false);
  assert.equal(config.wasmGc, false);
  assert.equal(new Config({ wasmGc: true }).wasmFunctionReferences, true);
  assert.throws(
    () => new Config({ wasmGc: true, wasmFunctionReferences: false }),
    ConfigError,
  );
  assert.throws(() => new Config({ wasmGc: 1 as unknown as boolean }), ConfigError);
  // Off: the typed encodings and call_ref are malformed (bodies read at once when eager, on
  // first call when lazy).
  const eager = new Engine(new Config({ compilationMode: "eager" }));
  assert.throws(() => new Module(eager, module()), DecodeError);
  const lazy = new Engine();
  const store = new Store(lazy, null);
  const instance = new Linker<null>(lazy).instantiate(store, new Module(lazy, module()));
  assert.throws(() => instance.getFunc(store, "apply")!.call(store, [Val.i32(1)]), DecodeError);
});

/** call_ref, return_call_ref and the null checks in `tier`, plain and fueled. */
function runCalls(tier: "interpreter" | "codegen"): void {
  for (const consumeFuel of [false, true]) {
    const engine = new Engine(
      new Config({ wasmFunctionReferences: true, executionTier: tier, consumeFuel }),
    );
    const store = new Store(engine, null);
    if (consumeFuel) store.setFuel(10_000_000);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, module()));
    const fn = <P extends unknown[], R>(name: string) => instance.getTypedFunc<P, R>(store, name);
    assert.equal(fn<[number], number>("apply").call(store, 41), 42);
    assert.throws(
      () => fn<[number], number>("applyNull").call(store, 1),
      (e: unknown) =>
        e instanceof Trap && e.code === TrapCode.NullFunctionReference &&
        e.message.includes("null function reference"),
    );
    // 100,000 tail calls through a reference: constant stack.
    assert.equal(fn<[bigint, bigint], bigint>("sum").call(store, 100_000n, 0n), 5000050000n);
    assert.equal(fn<[number], number>("nonNull").call(store, 1), 42);
    assert.throws(
      () => fn<[number], number>("nonNull").call(store, 0),
      (e: unknown) => e instanceof Trap && e.code === TrapCode.NullReference,
    );
    assert.equal(fn<[number], number>("isNull").call(store, 0), 1);
    assert.equal(fn<[number], number>("isNull").call(store, 1), 0);
    assert.equal(fn<[number], number>("isNull2").call(store, 0), 1);
    assert.equal(fn<[number], number>("isNull2").call(store, 1), 0);
  }
}

Deno.test("typed refs: call_ref, return_call_ref and the null checks (interpreter)", () => {
  runCalls("interpreter");
});

Deno.test("typed refs: call_ref, return_call_ref and the null checks (codegen)", () => {
  runCalls("codegen");
});

Deno.test("typed refs: a Func is a (ref $t) value when its type matches", () => {
  const engine = new Engine(new Config({ wasmFunctionReferences: true }));
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, module()));
  const apply = instance.getFunc(store, "apply")!; // (i32) -> i32, the type $0 names
  const sum = instance.getFunc(store, "sum")!;
  const typed = `(ref null #${engine.typeId(apply.ty(store))})` as const;
  const global = new Global(store, Val.default(typed), "var");
  assert.equal(global.get(store).value, null);
  global.set(store, Val.funcref(apply));
  assert.equal(global.get(store).value, apply);
  assert.throws(() => global.set(store, Val.funcref(sum)), GlobalError);
  assert.throws(() => Val.default("(ref func)"), TypeError);
});

Deno.test("typed refs: call_indirect accepts a declared subtype, traps on a supertype", () => {
  // $t0 = sub (func), $t1 = sub $t0 (func), $t2 = (func (param i32)); f0 : $t0, f1 : $t1;
  // table [f0, f1].
  const types = section(
    1,
    vec([[0x50, 0x00, ...func([], [])], [0x50, 0x01, 0x00, ...func([], [])], func([[I32]], [])]),
  );
  const table = section(4, vec([[0x70, 0x00, 0x02]]));
  const exports = section(7, vec([exportFunc("call", 2)]));
  const elems = section(9, vec([[0x00, 0x41, 0x00, 0x0b, ...vec([[0], [1]])]]));
  // call (param i32): call_indirect (type $t0) for index 0 and 1; then (type $t1) for local 0.
  const call = [
    ...[0x41, 0x00, 0x11, 0x00, 0x00], // call_indirect (type $t0) (i32.const 0)
    ...[0x41, 0x01, 0x11, 0x00, 0x00], // call_indirect (type $t0) (i32.const 1)
    ...[0x20, 0x00, 0x11, 0x01, 0x00, 0x0b], // call_indirect (type $t1) (local.get 0)
  ];
  const bytes = mod(
    types,
    section(3, vec([[0], [1], [2]])),
    table,
    exports,
    elems,
    section(10, vec([body([], [0x0b]), body([], [0x0b]), body([], call)])),
  );
  for (const tier of ["interpreter", "codegen"] as const) {
    const engine = new Engine(new Config({ wasmGc: true, executionTier: tier }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
    const run = instance.getTypedFunc<[number], void>(store, "call");
    run.call(store, 1); // f1 is a $t1
    assert.throws(
      () => run.call(store, 0), // f0 is a $t0, not a $t1
      (e: unknown) => e instanceof Trap && e.code === TrapCode.BadSignature,
    );
  }
});
