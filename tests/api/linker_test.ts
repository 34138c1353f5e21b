import assert from "node:assert/strict";
import {
  Engine,
  Func,
  FuncType,
  Global,
  GlobalType,
  Linker,
  LinkError,
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

Deno.test("linker: funcWrap and funcNew define host functions usable in any store", () => {
  const linker = new Linker<number>(engine);
  linker.funcWrap(
    "env",
    "add",
    { params: ["i32"], results: ["i32"] },
    (caller, x) => x + caller.data,
  );
  linker.funcNew("env", "f", new FuncType(["i64"], ["f64"]), (_caller, [x]) => [
    Val.f64(Number(x!.value) / 2),
  ]);
  for (const data of [1, 10]) {
    const store = new Store(engine, data);
    const add = linker.get(store, "env", "add") as Func;
    assert.ok(add instanceof Func);
    assert.equal(add, linker.get(store, "env", "add"), "one Func per store");
    assert.equal(add.typed(store).call(store, 5), 5 + data);
    const f = linker.get(store, "env", "f") as Func;
    assert.equal(f.call(store, [Val.i64(3n)])[0]!.value, 1.5);
    assert.equal(f.ty(store).toString(), "(i64) -> (f64)");
  }
  assert.equal(linker.get(new Store(engine, 0), "env", "missing"), undefined);
});

Deno.test("linker: instantiate resolves every kind of import by name", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const mem = new Memory(store, new MemoryType({ minimum: 1, maximum: 2 }));
  const table = new Table(
    store,
    new TableType({ element: "funcref", minimum: 2 }),
    Val.funcref(null),
  );
  const global = new Global(store, Val.i32(7), "var");
  linker
    .funcWrap("env", "f", { params: [], results: ["i32"] }, () => 99)
    .define("env", "mem", mem)
    .define("env", "table", table)
    .define("env", "g", global);
  const module = new Module(
    engine,
    wat(`(module
      (import "env" "f" (func $f (result i32)))
      (import "env" "mem" (memory 1))
      (import "env" "table" (table 1 funcref))
      (import "env" "g" (global (mut i32)))
      (export "f" (func $f)) (export "mem" (memory 0)) (export "table" (table 0))
      (export "g" (global 0))
      (elem (i32.const 1) $f)
      (data (i32.const 3) "abc"))`),
  );
  const instance = linker.instantiate(store, module);
  assert.equal(instance.getMemory(store, "mem"), mem);
  assert.equal(instance.getTable(store, "table"), table);
  assert.equal(instance.getGlobal(store, "g"), global);
  const f = instance.getFunc(store, "f")!;
  assert.equal(f, linker.get(store, "env", "f"));
  assert.equal(f.typed(store).call(store), 99);
  assert.equal(table.get(store, 1)!.value, f, "the elem segment wrote the host function");
  assert.deepEqual(mem.read(store, 3, 3), new TextEncoder().encode("abc"));
  assert.deepEqual(instance.exports(store).map((e) => e.name), ["f", "mem", "table", "g"]);
  assert.equal(instance.getFunc(store, "mem"), undefined, "a memory is not a function");
});

Deno.test("linker: instance registers all exports under a module name", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const a = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (memory (export "mem") 1) (global (export "g") i64 (i64.const 5))
        (table (export "t") 1 externref))`),
    ),
  );
  linker.instance(store, "a", a);
  assert.equal(linker.get(store, "a", "mem"), a.getMemory(store, "mem"));
  const b = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (import "a" "g" (global i64)) (import "a" "mem" (memory 1))
        (global (export "g2") i64 (global.get 0)))`),
    ),
  );
  assert.equal(b.getGlobal(store, "g2")!.get(store).value, 5n);
});

Deno.test("linker: duplicate definitions need allowShadowing", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const g1 = new Global(store, Val.i32(1));
  const g2 = new Global(store, Val.i32(2));
  linker.define("m", "g", g1);
  assert.throws(() => linker.define("m", "g", g2), LinkError);
  linker.allowShadowing(true).define("m", "g", g2);
  assert.equal(linker.get(store, "m", "g"), g2);
});

function linkError(linker: Linker, store: Store, text: string): LinkError {
  let caught: unknown;
  try {
    linker.instantiate(store, new Module(engine, wat(text)));
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof LinkError, `expected a LinkError, got ${caught}`);
  return caught;
}

Deno.test("linker: a missing import names the import and its type", () => {
  const store = new Store(engine, null);
  const e = linkError(
    new Linker(engine),
    store,
    `(module (import "env" "nope" (func (param i32))))`,
  );
  assert.match(e.message, /unknown import/);
  assert.match(e.message, /"env"\."nope"/);
  assert.match(e.message, /func \(i32\) -> \(\)/);
});

Deno.test("linker: mismatched imports name the import and both types", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  linker.funcWrap("env", "f", { params: ["i64"], results: [] }, () => {});
  linker.define("env", "mem", new Memory(store, new MemoryType({ minimum: 1, maximum: 4 })));
  linker.define("env", "g", new Global(store, Val.i32(0), "const"));
  linker.define(
    "env",
    "t",
    new Table(store, new TableType({ element: "externref", minimum: 2 }), Val.externref(null)),
  );

  let e = linkError(linker, store, `(module (import "env" "f" (func (param i32))))`);
  assert.match(e.message, /incompatible import type/);
  assert.match(e.message, /"env"\."f"/);
  assert.match(e.message, /expected func \(i32\) -> \(\), got func \(i64\) -> \(\)/);

  e = linkError(linker, store, `(module (import "env" "mem" (memory 2)))`);
  assert.match(e.message, /expected memory \{min 2\}, got memory \{min 1, max 4\}/);
  e = linkError(linker, store, `(module (import "env" "mem" (memory 1 3)))`);
  assert.match(e.message, /max 3/);
  linker.instantiate(store, new Module(engine, wat(`(module (import "env" "mem" (memory 1 4)))`)));
  linker.instantiate(store, new Module(engine, wat(`(module (import "env" "mem" (memory 0)))`)));

  e = linkError(linker, store, `(module (import "env" "g" (global (mut i32))))`);
  assert.match(e.message, /expected global \(mut i32\), got global i32/);
  e = linkError(linker, store, `(module (import "env" "g" (global i64)))`);
  assert.match(e.message, /expected global i64, got global i32/);

  e = linkError(linker, store, `(module (import "env" "t" (table 1 funcref)))`);
  assert.match(e.message, /expected table \{funcref, min 1\}, got table \{externref, min 2\}/);
  linker.instantiate(
    store,
    new Module(engine, wat(`(module (import "env" "t" (table 2 externref)))`)),
  );

  e = linkError(linker, store, `(module (import "env" "g" (func)))`);
  assert.match(e.message, /expected func \(\) -> \(\), got global i32/);
});

Deno.test("linker: a memory's current size is what import matching sees", () => {
  const store = new Store(engine, null);
  const mem = new Memory(store, new MemoryType({ minimum: 1 }));
  const linker = new Linker(engine).define("env", "mem", mem);
  const text = `(module (import "env" "mem" (memory 2)))`;
  linkError(linker, store, text);
  mem.grow(store, 1);
  linker.instantiate(store, new Module(engine, wat(text)));
});

Deno.test("linker: externs from another store or engine are rejected", () => {
  const store = new Store(engine, null);
  const other = new Store(engine, null);
  const linker = new Linker(engine);
  linker.define("env", "g", new Global(other, Val.i32(1)));
  assert.throws(() => linker.get(store, "env", "g"), StoreMismatchError);
  const module = new Module(engine, wat(`(module (import "env" "g" (global i32)))`));
  assert.throws(() => linker.instantiate(store, module), StoreMismatchError);
  const otherEngine = new Engine();
  assert.throws(
    () => new Linker(otherEngine).instantiate(new Store(otherEngine, null), module),
    StoreMismatchError,
  );
  assert.throws(() => linker.instantiate(new Store(otherEngine, null), module), StoreMismatchError);
});

Deno.test("linker: imported global types are checked with GlobalType equality", () => {
  const store = new Store(engine, null);
  const g = new Global(store, Val.f32(666.6), false);
  assert.ok(g.ty(store).equals(new GlobalType("f32", false)));
});
