/**
 * The spec testsuite's `spectest` module, built with the public API the way `tests/spec/` does,
 * and the `register` command (`Linker.instance` with shadowing allowed).
 */
import assert from "node:assert/strict";
import {
  Engine,
  Global,
  Linker,
  Memory,
  MemoryType,
  Module,
  Store,
  Table,
  TableType,
  Val,
  type ValType,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

function spectestLinker(engine: Engine, store: Store, printed: string[]): Linker {
  const linker = new Linker(engine).allowShadowing(true);
  const prints: [string, ValType[]][] = [
    ["print", []],
    ["print_i32", ["i32"]],
    ["print_i64", ["i64"]],
    ["print_f32", ["f32"]],
    ["print_f64", ["f64"]],
    ["print_i32_f32", ["i32", "f32"]],
    ["print_f64_f64", ["f64", "f64"]],
  ];
  for (const [name, params] of prints) {
    linker.funcNew("spectest", name, { params, results: [] }, (_caller, args) => {
      printed.push(`${name}(${args.join(", ")})`);
    });
  }
  linker.define("spectest", "global_i32", new Global(store, Val.i32(666)));
  linker.define("spectest", "global_i64", new Global(store, Val.i64(666n)));
  linker.define("spectest", "global_f32", new Global(store, Val.f32(666.6)));
  linker.define("spectest", "global_f64", new Global(store, Val.f64(666.6)));
  linker.define(
    "spectest",
    "table",
    new Table(
      store,
      new TableType({ element: "funcref", minimum: 10, maximum: 20 }),
      Val.funcref(null),
    ),
  );
  linker.define(
    "spectest",
    "memory",
    new Memory(store, new MemoryType({ minimum: 1, maximum: 2 })),
  );
  return linker;
}

Deno.test("spectest: every spectest import links", () => {
  const engine = new Engine();
  const store = new Store(engine, null);
  const printed: string[] = [];
  const linker = spectestLinker(engine, store, printed);
  const module = new Module(
    engine,
    wat(`(module
      (import "spectest" "print_i32" (func $p (param i32)))
      (import "spectest" "print_f64_f64" (func (param f64 f64)))
      (import "spectest" "global_i32" (global $g i32))
      (import "spectest" "global_f32" (global f32))
      (import "spectest" "global_f64" (global f64))
      (import "spectest" "global_i64" (global i64))
      (import "spectest" "table" (table 10 funcref))
      (import "spectest" "memory" (memory 1))
      (export "p" (func $p))
      (export "g" (global $g)))`),
  );
  const instance = linker.instantiate(store, module);
  instance.getFunc(store, "p")!.call(store, [Val.i32(7)]);
  assert.deepEqual(printed, ["print_i32(i32:7)"]);
  assert.equal(instance.getGlobal(store, "g")!.get(store).value, 666);
  assert.equal(linker.get(store, "spectest", "global_f32")!.constructor, Global);
  assert.equal(
    (linker.get(store, "spectest", "global_f32") as Global).get(store).value,
    Math.fround(666.6),
  );

  // `(register "M" $m)`: later modules import M's exports; re-registering shadows.
  linker.instance(store, "M", instance);
  linker.instance(store, "M", instance);
  const user = new Module(engine, wat(`(module (import "M" "g" (global i32)))`));
  linker.instantiate(store, user);
});
