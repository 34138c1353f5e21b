import assert from "node:assert/strict";
import {
  Config,
  Engine,
  Func,
  Global,
  GlobalError,
  Linker,
  Module,
  Store,
  StoreMismatchError,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

Deno.test("global: immutable globals cannot be set", () => {
  const store = new Store(engine, null);
  const g = new Global(store, Val.i32(1));
  assert.equal(g.ty(store).toString(), "global i32");
  assert.throws(() => g.set(store, Val.i32(2)), GlobalError);
  assert.equal(g.get(store).value, 1);
  assert.equal(new Global(store, Val.f32(1), "const").ty(store).mutable, false);
  assert.equal(new Global(store, Val.f32(1), false).ty(store).mutable, false);
});

Deno.test("global: mutable globals take values of their type only", () => {
  const store = new Store(engine, null);
  const g = new Global(store, Val.f64(1.5), "var");
  assert.equal(g.ty(store).toString(), "global (mut f64)");
  g.set(store, Val.f64(-2.25));
  assert.equal(g.get(store).value, -2.25);
  assert.throws(() => g.set(store, Val.f32(1)), GlobalError);
  assert.equal(new Global(store, Val.i64(3n), true).ty(store).mutable, true);
});

Deno.test("global: reference globals", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: [], results: [] }, () => {});
  const g = new Global(store, Val.funcref(null), "var");
  g.set(store, Val.funcref(f));
  assert.equal(g.get(store).value, f);
  const other = new Store(engine, null);
  const foreign = Func.wrap(other, { params: [], results: [] }, () => {});
  assert.throws(() => g.set(store, Val.funcref(foreign)), StoreMismatchError);
  const e = new Global(store, Val.externref({ k: 1 }));
  assert.deepEqual(e.get(store).value, { k: 1 });
});

Deno.test("global: Wasm globals initialised from imports, ref.func and extended consts", () => {
  const engine = new Engine(new Config({ wasmExtendedConst: true }));
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(
      `(module
      (import "env" "base" (global i32))
      (global (export "sum") i32 (i32.add (global.get 0) (i32.const 10)))
      (global (export "mul") i64 (i64.mul (i64.const 3) (i64.const -4)))
      (global (export "f") funcref (ref.func $f))
      (global (export "mut") (mut f32) (f32.const 2.5))
      (func $f (export "fn")))`,
      { extendedConst: true },
    ),
  );
  const linker = new Linker(engine).define("env", "base", new Global(store, Val.i32(32)));
  const instance = linker.instantiate(store, module);
  assert.equal(instance.getGlobal(store, "sum")!.get(store).value, 42);
  assert.equal(instance.getGlobal(store, "mul")!.get(store).value, -12n);
  assert.equal(instance.getGlobal(store, "f")!.get(store).value, instance.getFunc(store, "fn"));
  const mut = instance.getGlobal(store, "mut")!;
  assert.ok(mut.ty(store).mutable);
  mut.set(store, Val.f32(4));
  assert.equal(mut.get(store).value, 4);
});

Deno.test("global: Wasm global.set is visible to the API and back", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (global $g (export "g") (mut i64) (i64.const 0))
      (func (export "inc") (global.set $g (i64.add (global.get $g) (i64.const 1)))))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  const g = instance.getGlobal(store, "g")!;
  g.set(store, Val.i64(41n));
  instance.getTypedFunc(store, "inc").call(store);
  assert.equal(g.get(store).value, 42n);
});
