import assert from "node:assert/strict";
import {
  Config,
  Engine,
  FuelError,
  Func,
  Global,
  Linker,
  Memory,
  MemoryType,
  Module,
  Store,
  StoreMismatchError,
  Table,
  TableType,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

Deno.test("store: data and engine", () => {
  const store = new Store(engine, { x: 1 });
  assert.equal(store.engine, engine);
  store.data = { x: 2 };
  assert.equal(store.data.x, 2);
});

Deno.test("store: fuel needs consumeFuel", () => {
  assert.throws(() => new Store(engine, null).getFuel(), FuelError);
  const store = new Store(new Engine(new Config({ consumeFuel: true })), null);
  assert.equal(store.getFuel(), 0n);
  store.setFuel(50);
  assert.equal(store.getFuel(), 50n);
  store.setFuel(7n);
  assert.equal(store.getFuel(), 7n);
  store.setFuel(BigInt(Number.MAX_SAFE_INTEGER));
  assert.equal(store.getFuel(), BigInt(Number.MAX_SAFE_INTEGER));
  assert.throws(() => store.setFuel(-1), RangeError);
  assert.throws(() => store.setFuel(1.5), RangeError);
  assert.throws(() => store.setFuel(2n ** 64n), RangeError);
});

Deno.test("store: every handle rejects a store that does not own it", () => {
  const a = new Store(engine, null);
  const b = new Store(engine, null);
  const func = Func.wrap(a, { params: [], results: [] }, () => {});
  const mem = new Memory(a, new MemoryType({ minimum: 1 }));
  const table = new Table(a, new TableType({ element: "funcref", minimum: 1 }), Val.funcref(null));
  const global = new Global(a, Val.i32(0), "var");
  const instance = new Linker(engine).instantiate(a, new Module(engine, wat(`(module)`)));
  const misuses: [string, () => unknown][] = [
    ["Func.call", () => func.call(b, [])],
    ["Func.ty", () => func.ty(b)],
    ["Func.typed", () => func.typed(b)],
    ["TypedFunc.call", () => func.typed(a).call(b)],
    ["Memory.size", () => mem.size(b)],
    ["Memory.read", () => mem.read(b, 0, 1)],
    ["Memory.grow", () => mem.grow(b, 1)],
    ["Table.get", () => table.get(b, 0)],
    ["Table.copy", () => Table.copy(b, table, 0, table, 0, 0)],
    ["Global.get", () => global.get(b)],
    ["Global.set", () => global.set(b, Val.i32(1))],
    ["Instance.getExport", () => instance.getExport(b, "x")],
    [
      "funcref argument",
      () =>
        Func.wrap(b, { params: ["funcref"], results: [] }, () => {}).call(b, [Val.funcref(func)]),
    ],
  ];
  for (const [what, misuse] of misuses) {
    assert.throws(misuse, StoreMismatchError, what);
  }
  assert.throws(() => mem.size(b), /Memory handle used with a store that does not own it/);
  assert.equal(mem.size(a), 1, "the owner still works");
});

Deno.test("store: a module from another engine cannot be instantiated", () => {
  const other = new Engine();
  const module = new Module(other, wat(`(module)`));
  assert.throws(
    () => new Linker(engine).instantiate(new Store(engine, null), module),
    StoreMismatchError,
  );
});

Deno.test("store: handles are stable: the same entity gives the same handle", () => {
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(
    store,
    new Module(engine, wat(`(module (func (export "f")) (memory (export "m") 1))`)),
  );
  assert.equal(instance.getFunc(store, "f"), instance.getFunc(store, "f"));
  assert.equal(instance.getMemory(store, "m"), instance.getExport(store, "m"));
});

Deno.test("store: adopted handles are instances of their class; forged ones are refused", () => {
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(
    store,
    new Module(
      engine,
      wat(`(module (func $f (export "f")) (memory (export "m") 1) (table (export "t") 1 funcref)
        (global (export "g") i32 (i32.const 7)) (elem (i32.const 0) $f))`),
    ),
  );
  const f = instance.getFunc(store, "f")!;
  assert.ok(f instanceof Func && instance.getMemory(store, "m") instanceof Memory);
  assert.ok(instance.getTable(store, "t") instanceof Table);
  assert.ok(instance.getGlobal(store, "g") instanceof Global);
  assert.equal(instance.getTable(store, "t")!.get(store, 0)!.value, f, "table read, same handle");
  assert.equal(f.ty(store).toString(), "() -> ()");
  const forged = Object.create(Func.prototype) as Func;
  assert.throws(() => forged.ty(store), TypeError);
  assert.throws(() => Val.funcref(forged), TypeError);
  assert.throws(() => new Linker(engine).define("m", "f", forged), TypeError);
});
