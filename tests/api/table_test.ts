import assert from "node:assert/strict";
import {
  Engine,
  Func,
  Linker,
  Module,
  Store,
  StoreMismatchError,
  Table,
  TableError,
  TableType,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();
const FUNCREF = (min: number, max?: number) =>
  new TableType({ element: "funcref", minimum: min, maximum: max ?? null });

Deno.test("table: new, ty, size, get, set", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: [], results: [] }, () => {});
  const table = new Table(store, FUNCREF(3, 10), Val.funcref(f));
  assert.equal(table.size(store), 3);
  assert.equal(table.ty(store).toString(), "table {funcref, min 3, max 10}");
  assert.equal(table.get(store, 2)!.value, f);
  table.set(store, 1, Val.funcref(null));
  assert.equal(table.get(store, 1)!.value, null);
  assert.equal(table.get(store, 3), undefined);
  assert.throws(() => table.set(store, 3, Val.funcref(null)), TableError);
  assert.throws(() => table.set(store, 0, Val.externref(null)), TableError);
  assert.throws(() => new Table(store, FUNCREF(1), Val.i32(0)), TableError);
});

Deno.test("table: externref elements keep their host values", () => {
  const store = new Store(engine, null);
  const table = new Table(
    store,
    new TableType({ element: "externref", minimum: 2 }),
    Val.externref(null),
  );
  const a = { a: 1 };
  table.set(store, 0, Val.externref(a));
  table.set(store, 1, Val.externref("text"));
  assert.equal(table.get(store, 0)!.value, a);
  assert.equal(table.get(store, 1)!.value, "text");
});

Deno.test("table: grow and fill", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: [], results: [] }, () => {});
  const table = new Table(store, FUNCREF(1, 4), Val.funcref(null));
  assert.equal(table.grow(store, 2, Val.funcref(f)), 1);
  assert.equal(table.size(store), 3);
  assert.equal(table.get(store, 0)!.value, null);
  assert.equal(table.get(store, 2)!.value, f);
  assert.throws(() => table.grow(store, 2, Val.funcref(null)), TableError);
  assert.equal(table.size(store), 3);
  table.fill(store, 0, Val.funcref(f), 1);
  assert.equal(table.get(store, 0)!.value, f);
  assert.throws(() => table.fill(store, 2, Val.funcref(null), 2), TableError);
  assert.equal(table.get(store, 2)!.value, f, "a failed fill changes nothing");
  table.fill(store, 3, Val.funcref(null), 0);
});

Deno.test("table: copy, overlapping and between tables", () => {
  const store = new Store(engine, null);
  const fs = [0, 1, 2, 3].map((i) => Func.wrap(store, { params: [], results: ["i32"] }, () => i));
  const table = new Table(store, FUNCREF(6), Val.funcref(null));
  fs.forEach((f, i) => table.set(store, i, Val.funcref(f)));
  Table.copy(store, table, 1, table, 0, 4); // overlapping, forwards
  const ids = () =>
    [0, 1, 2, 3, 4, 5].map((i) => {
      const f = table.get(store, i)!.value as Func | null;
      return f === null ? null : f.typed(store).call(store);
    });
  assert.deepEqual(ids(), [0, 0, 1, 2, 3, null]);
  Table.copy(store, table, 0, table, 1, 4); // overlapping, backwards
  assert.deepEqual(ids(), [0, 1, 2, 3, 3, null]);
  const other = new Table(store, FUNCREF(2), Val.funcref(null));
  Table.copy(store, other, 0, table, 2, 2);
  assert.equal(other.get(store, 1)!.value, fs[3]);
  assert.throws(() => Table.copy(store, other, 1, table, 0, 2), TableError);
  const ext = new Table(
    store,
    new TableType({ element: "externref", minimum: 6 }),
    Val.externref(null),
  );
  assert.throws(() => Table.copy(store, ext, 0, table, 0, 1), TableError);
});

Deno.test("table: funcrefs from another store are rejected", () => {
  const store = new Store(engine, null);
  const other = new Store(engine, null);
  const f = Func.wrap(other, { params: [], results: [] }, () => {});
  const table = new Table(store, FUNCREF(1), Val.funcref(null));
  assert.throws(() => table.set(store, 0, Val.funcref(f)), StoreMismatchError);
});

Deno.test("table: Wasm call_indirect sees API writes", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (table (export "t") 2 funcref)
      (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  const table = instance.getTable(store, "t")!;
  table.set(store, 1, Val.funcref(Func.wrap(store, { params: [], results: ["i32"] }, () => 123)));
  assert.equal(instance.getTypedFunc(store, "call").call(store, 1), 123);
});
