/**
 * GC at the API (`Config.wasmGc`): `AnyRef` values out of and into Wasm (identity, i31, host
 * values through `any.convert_extern` / `extern.convert_any`), globals, tables, host functions
 * and exception payloads holding them, dynamic type checks of host-provided references, traps.
 * The memory tests (bounded churn, a dropped store freeing its objects) need Deno's own APIs and
 * live in tests/engine/gc_memory_test.ts: this directory also runs under Bun and Node.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import {
  AnyRef,
  Config,
  Engine,
  Func,
  FuncError,
  FuncType,
  Global,
  Linker,
  Module,
  Store,
  Table,
  TableType,
  Tag,
  TagType,
  Trap,
  TrapCode,
  Val,
  WasmException,
} from "../../mod.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { GC_COLLECT_MIN } from "../../src/engine/gc.ts";

const MODULE = `(module
  (type $point (struct (field $x i32) (field $y (mut i64))))
  (type $bytes (array (mut i8)))
  (tag $t (param anyref))
  (global $g (export "g") (mut anyref) (ref.null any))
  (table $tab (export "tab") 4 anyref)
  (func (export "point") (param i32 i64) (result (ref $point))
    (struct.new $point (local.get 0) (local.get 1)))
  (func (export "x") (param (ref $point)) (result i32) (struct.get $point $x (local.get 0)))
  (func (export "same") (param eqref eqref) (result i32) (ref.eq (local.get 0) (local.get 1)))
  (func (export "bytes") (param i32) (result (ref $bytes)) (array.new $bytes (i32.const -1) (local.get 0)))
  (func (export "len") (param (ref $bytes)) (result i32) (array.len (local.get 0)))
  (func (export "get_s") (param (ref $bytes) i32) (result i32) (array.get_s $bytes (local.get 0) (local.get 1)))
  (func (export "internalize") (param externref) (result anyref) (any.convert_extern (local.get 0)))
  (func (export "externalize") (param anyref) (result externref) (extern.convert_any (local.get 0)))
  (func (export "i31") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "is_point") (param anyref) (result i32) (ref.test (ref $point) (local.get 0)))
  (func (export "cast_point") (param anyref) (result (ref $point)) (ref.cast (ref $point) (local.get 0)))
  (func (export "throw") (param anyref) (throw $t (local.get 0)))
  (func (export "keep") (param anyref) (global.set $g (local.get 0)) (table.set $tab (i32.const 1) (local.get 0)))
  (func (export "churn") (param $n i32) (result i32)
    (local $i i32) (local $p (ref null $point))
    (loop $l
      (local.set $p (struct.new $point (local.get $i) (i64.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (struct.get $point $x (ref.as_non_null (local.get $p)))))`;

const bytes = await parse(MODULE);

function setup(extra: Record<string, unknown> = {}) {
  const engine = new Engine(new Config({ wasmGc: true, wasmExceptions: true, ...extra }));
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const call = (name: string, ...args: Val[]) => instance.getFunc(store, name)!.call(store, args);
  return { engine, store, instance, call };
}

Deno.test("gc api: structs come out as AnyRefs, keep their identity, and go back in", () => {
  const { call } = setup();
  const [p] = call("point", Val.i32(7), Val.i64(-1n));
  const ref = p!.value as AnyRef;
  assert.ok(ref instanceof AnyRef);
  assert.equal(ref.kind, "struct");
  assert.equal(call("x", Val.anyref(ref))[0]!.value, 7);
  assert.equal(call("same", Val.eqref(ref), Val.eqref(ref))[0]!.value, 1);
  const [q] = call("point", Val.i32(7), Val.i64(-1n));
  assert.equal(call("same", Val.eqref(ref), Val.eqref(q!.value as AnyRef))[0]!.value, 0);
  // The same object read out twice is the same AnyRef.
  call("keep", Val.anyref(ref));
  const { instance, store } = setup();
  void instance, store;
});

Deno.test("gc api: i31 values, arrays, casts and their traps", () => {
  const { call } = setup();
  const [i] = call("i31", Val.i32(-5));
  assert.equal((i!.value as AnyRef).i31Value, -5);
  assert.equal(call("same", Val.i31ref(-5), i!)[0]!.value, 1);
  const [arr] = call("bytes", Val.i32(3));
  assert.equal((arr!.value as AnyRef).kind, "array");
  assert.equal(call("len", arr!)[0]!.value, 3);
  assert.equal(call("get_s", arr!, Val.i32(2))[0]!.value, -1);
  assert.throws(
    () => call("get_s", arr!, Val.i32(3)),
    (e: unknown) => e instanceof Trap && e.message.includes("out of bounds array access"),
  );
  assert.equal(call("is_point", Val.anyref(arr!.value as AnyRef))[0]!.value, 0);
  assert.throws(
    () => call("cast_point", Val.anyref(arr!.value as AnyRef)),
    (e: unknown) => e instanceof Trap && e.code === TrapCode.CastFailure,
  );
  // A host-provided reference of the wrong type is refused before Wasm sees it.
  assert.throws(() => call("x", Val.anyref(arr!.value as AnyRef)), FuncError);
  assert.throws(() => call("x", Val.anyref(AnyRef.i31(1))), FuncError);
});

Deno.test("gc api: host values keep their identity through any.convert_extern and back", () => {
  const { call } = setup();
  const host = { name: "host object" };
  const [internal] = call("internalize", Val.externref(host));
  const ref = internal!.value as AnyRef;
  assert.equal(ref.kind, "host");
  assert.strictEqual(ref.hostValue, host);
  const [external] = call("externalize", internal!);
  assert.strictEqual(external!.value, host);
  // A Wasm object externalized comes out as its AnyRef, and goes back in as itself.
  const [p] = call("point", Val.i32(3), Val.i64(0n));
  const [ext] = call("externalize", p!);
  assert.strictEqual(ext!.value, p!.value);
  const [back] = call("internalize", Val.externref(ext!.value));
  assert.equal(call("x", back!)[0]!.value, 3);
});

Deno.test("gc api: globals, tables, host functions and exception payloads hold AnyRefs", () => {
  const { store, instance, call } = setup();
  const [p] = call("point", Val.i32(11), Val.i64(0n));
  call("keep", p!);
  const g = instance.getGlobal(store, "g")!;
  assert.strictEqual(g.get(store).value, p!.value);
  const tab = instance.getTable(store, "tab")!;
  assert.strictEqual(tab.get(store, 1)!.value, p!.value);
  // Host-made globals and tables of anyref.
  const hostGlobal = new Global(store, Val.anyref(p!.value as AnyRef), "var");
  assert.strictEqual(hostGlobal.get(store).value, p!.value);
  const hostTable = new Table(
    store,
    new TableType({ element: "anyref", minimum: 2 }),
    Val.anyref(null),
  );
  hostTable.set(store, 0, Val.i31ref(9));
  assert.equal((hostTable.get(store, 0)!.value as AnyRef).i31Value, 9);
  // A host function taking and returning anyref.
  const echo = new Func(store, new FuncType(["anyref"], ["anyref"]), (_c, args) => [args[0]!]);
  assert.strictEqual(echo.call(store, [p!])[0]!.value, p!.value);
  // An exception whose payload holds a struct, caught by the host.
  try {
    call("throw", p!);
    assert.fail("no exception");
  } catch (e) {
    assert.ok(e instanceof WasmException);
    assert.strictEqual(e.payload(store)[0]!.value, p!.value);
  }
  // And made by the host with a struct in its payload.
  const tag = new Tag(store, new TagType(new FuncType(["anyref"], [])));
  const exn = new WasmException(store, tag, [Val.anyref(p!.value as AnyRef)]);
  assert.strictEqual(exn.payload(store)[0]!.value, p!.value);
});

Deno.test("gc api: an AnyRef belongs to its store", () => {
  const a = setup();
  const b = setup();
  const [p] = a.call("point", Val.i32(1), Val.i64(0n));
  assert.throws(() => b.call("x", p!));
});

Deno.test("gc: a suspended call's structs survive collections while it waits, both tiers", async (t) => {
  const text = `(module
    (type $box (struct (field i32)))
    (import "env" "wait" (func $wait))
    (func (export "hold") (param i32) (result i32)
      (local $a (ref null $box)) (local $b (ref null $box))
      (local.set $a (struct.new $box (local.get 0)))
      (local.set $b (struct.new $box (i32.add (local.get 0) (i32.const 1))))
      (call $wait)
      (i32.add (struct.get $box 0 (local.get $a)) (struct.get $box 0 (local.get $b))))
    (func (export "churn") (param $n i32)
      (loop $l
        (drop (struct.new $box (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (local.get $n)))))`;
  const module = await parse(text);
  for (const tier of ["interpreter", "codegen"] as const) {
    await t.step(tier, () => {
      const engine = new Engine(new Config({ wasmGc: true, executionTier: tier }));
      const store = new Store(engine, null);
      const linker = new Linker(engine);
      linker.define(
        "env",
        "wait",
        new Func(store, new FuncType([], []), () => {
          throw new Error("suspend");
        }),
      );
      const instance = linker.instantiate(store, new Module(engine, module));
      const call = instance.getFunc(store, "hold")!.callResumable(store, [Val.i32(20)]);
      assert.equal(call.kind, "hostTrap");
      // Meanwhile another call allocates enough to collect many times.
      instance.getFunc(store, "churn")!.call(store, [Val.i32(20 * GC_COLLECT_MIN)]);
      assert.ok(storeInner(store).gc.collections >= 5);
      if (call.kind !== "hostTrap") return;
      const done = call.resume(store, []);
      assert.ok(done.kind === "finished");
      assert.equal(done.results[0]!.value, 41);
    });
  }
});
