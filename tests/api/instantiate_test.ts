import assert from "node:assert/strict";
import {
  Engine,
  Func,
  Global,
  Instance,
  Linker,
  LinkError,
  Memory,
  MemoryType,
  Module,
  Store,
  Table,
  TableType,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

function trapOf(fn: () => unknown): Trap {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Trap, `expected a Trap, got ${e}`);
    return e;
  }
  assert.fail("expected a Trap");
}

Deno.test("instantiate: new Instance takes imports in order", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (import "a" "f" (func (result i32))) (import "b" "g" (global i32))
      (export "f" (func 0)) (export "g" (global 0)))`),
  );
  const f = Func.wrap(store, { params: [], results: ["i32"] }, () => 1);
  const g = new Global(store, Val.i32(2));
  const instance = new Instance(store, module, [f, g]);
  assert.equal(instance.getFunc(store, "f"), f);
  assert.equal(instance.getGlobal(store, "g"), g);
  assert.throws(() => new Instance(store, module, [f]), LinkError);
  assert.throws(() => new Instance(store, module, [g, f]), LinkError);
});

Deno.test("instantiate: active segments initialise tables and memories", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module
      (import "env" "off" (global $off i32))
      (table (export "t") 4 funcref)
      (memory (export "m") 1)
      (func $a) (func $b)
      (elem (i32.const 0) $a $b)
      (elem (global.get $off) funcref (ref.func $b) (ref.null func))
      (elem declare func $a)
      (data (i32.const 0) "\\01\\02\\03")
      (data (global.get $off) "\\09"))`),
  );
  const linker = new Linker(engine).define("env", "off", new Global(store, Val.i32(2)));
  const instance = linker.instantiate(store, module);
  const t = instance.getTable(store, "t")!;
  assert.ok(t.get(store, 0)!.value instanceof Func);
  assert.equal(t.get(store, 1)!.value, t.get(store, 2)!.value);
  assert.equal(t.get(store, 3)!.value, null);
  assert.deepEqual(instance.getMemory(store, "m")!.read(store, 0, 4), new Uint8Array([1, 2, 9, 0]));
});

Deno.test("instantiate: an out-of-bounds element segment traps, earlier writes stay", () => {
  const store = new Store(engine, null);
  const table = new Table(
    store,
    new TableType({ element: "funcref", minimum: 3 }),
    Val.funcref(null),
  );
  const mem = new Memory(store, new MemoryType({ minimum: 1 }));
  const linker = new Linker(engine).define("env", "t", table).define("env", "m", mem);
  const module = new Module(
    engine,
    wat(`(module (import "env" "t" (table 3 funcref)) (import "env" "m" (memory 1))
      (func $f)
      (elem (i32.const 0) $f)
      (elem (i32.const 2) $f $f)
      (data (i32.const 0) "x"))`),
  );
  const trap = trapOf(() => linker.instantiate(store, module));
  assert.equal(trap.code, TrapCode.TableOutOfBounds);
  assert.ok(table.get(store, 0)!.value instanceof Func, "the first segment was written");
  assert.equal(table.get(store, 2)!.value, null, "the failing segment wrote nothing");
  assert.equal(mem.read(store, 0, 1)[0], 0, "no data segment ran");
});

Deno.test("instantiate: an out-of-bounds data segment traps, earlier writes stay", () => {
  const store = new Store(engine, null);
  const mem = new Memory(store, new MemoryType({ minimum: 1 }));
  const linker = new Linker(engine).define("env", "m", mem);
  const module = new Module(
    engine,
    wat(`(module (import "env" "m" (memory 1))
      (data (i32.const 0) "ab")
      (data (i32.const 65535) "cd"))`),
  );
  assert.equal(trapOf(() => linker.instantiate(store, module)).code, TrapCode.MemoryOutOfBounds);
  assert.deepEqual(mem.read(store, 0, 2), new TextEncoder().encode("ab"));
  assert.equal(mem.read(store, 65535, 1)[0], 0);
});

Deno.test("instantiate: empty segments at the very end are in bounds, past it they trap", () => {
  const store = new Store(engine, null);
  const ok = new Module(
    engine,
    wat(`(module (memory 1) (table 2 funcref)
      (data (i32.const 65536) "") (elem (i32.const 2) func))`),
  );
  new Linker(engine).instantiate(store, ok);
  const bad = new Module(engine, wat(`(module (memory 1) (data (i32.const 65537) ""))`));
  assert.equal(
    trapOf(() => new Linker(engine).instantiate(store, bad)).code,
    TrapCode.MemoryOutOfBounds,
  );
  const badElem = new Module(engine, wat(`(module (table 2 funcref) (elem (i32.const 3) func))`));
  assert.equal(
    trapOf(() => new Linker(engine).instantiate(store, badElem)).code,
    TrapCode.TableOutOfBounds,
  );
});

Deno.test("instantiate: a negative i32 offset is a large unsigned one", () => {
  const store = new Store(engine, null);
  const module = new Module(engine, wat(`(module (memory 1) (data (i32.const -1) "a"))`));
  assert.equal(
    trapOf(() => new Linker(engine).instantiate(store, module)).code,
    TrapCode.MemoryOutOfBounds,
  );
});

Deno.test("instantiate: a host start function runs", () => {
  const store = new Store(engine, { started: 0 });
  const linker = new Linker<{ started: number }>(engine);
  linker.funcWrap("env", "start", { params: [], results: [] }, (caller) => {
    caller.data.started++;
  });
  const module = new Module(engine, wat(`(module (import "env" "start" (func $s)) (start $s))`));
  linker.instantiate(store, module);
  assert.equal(store.data.started, 1);
});

Deno.test("instantiate: a Wasm start function runs and may trap", () => {
  const store = new Store(engine, { calls: 0 });
  const linker = new Linker<{ calls: number }>(engine);
  linker.funcWrap("env", "hit", { params: [], results: [] }, (caller) => {
    caller.data.calls++;
  });
  const ok = new Module(
    engine,
    wat(`(module (import "env" "hit" (func $hit)) (func $s (call $hit)) (start $s))`),
  );
  linker.instantiate(store, ok);
  assert.equal(store.data.calls, 1);
  const trapping = new Module(engine, wat(`(module (func $s unreachable) (start $s))`));
  assert.equal(
    trapOf(() => linker.instantiate(store, trapping)).code,
    TrapCode.UnreachableCodeReached,
  );
  linker.instantiate(store, ok);
  assert.equal(store.data.calls, 2, "the store is still usable");
});

Deno.test("instantiate: passive segments are kept for memory.init and table.init", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (memory (export "m") 1) (table (export "t") 2 funcref)
      (func $f (result i32) i32.const 5)
      (data $d "hello")
      (elem $e func $f)
      (func (export "init")
        (memory.init $d (i32.const 10) (i32.const 1) (i32.const 3))
        (table.init $e (i32.const 1) (i32.const 0) (i32.const 1))))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  instance.getTypedFunc(store, "init").call(store);
  assert.deepEqual(
    instance.getMemory(store, "m")!.read(store, 10, 3),
    new TextEncoder().encode("ell"),
  );
  const f = instance.getTable(store, "t")!.get(store, 1)!.value as Func;
  assert.equal(f.typed(store).call(store), 5);
});
