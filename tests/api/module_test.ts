import assert from "node:assert/strict";
import {
  Config,
  DecodeError,
  Engine,
  FuncType,
  GlobalType,
  MemoryType,
  Module,
  TableType,
  ValidationError,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";
import { withCustomSection } from "../_lib/bytes.ts";

const engine = new Engine();

Deno.test("module: imports and exports with their types, in order", () => {
  const module = new Module(
    engine,
    wat(`(module
      (import "env" "f" (func (param i32 i64) (result f32)))
      (import "env" "t" (table 1 funcref))
      (import "env" "m" (memory 1 2))
      (import "env" "g" (global (mut f64)))
      (func $h (result i32) i32.const 0)
      (table $t2 3 externref)
      (global $g2 i64 (i64.const 1))
      (export "h" (func $h))
      (export "f" (func 0))
      (export "t2" (table $t2))
      (export "m" (memory 0))
      (export "g2" (global $g2)))`),
  );
  const imports = module.imports();
  assert.deepEqual(imports.map((i) => `${i.module}.${i.name}`), [
    "env.f",
    "env.t",
    "env.m",
    "env.g",
  ]);
  assert.ok(imports[0]!.type instanceof FuncType);
  assert.equal(imports[0]!.type.toString(), "(i32, i64) -> (f32)");
  assert.ok(imports[1]!.type instanceof TableType);
  assert.equal(imports[1]!.type.element, "funcref");
  assert.ok(imports[2]!.type instanceof MemoryType);
  assert.equal(imports[2]!.type.maximum, 2);
  assert.ok(imports[3]!.type instanceof GlobalType);
  assert.equal(imports[3]!.type.toString(), "global (mut f64)");

  const exports = module.exports();
  assert.deepEqual(exports.map((e) => e.name), ["h", "f", "t2", "m", "g2"]);
  assert.equal(exports[0]!.type.toString(), "() -> (i32)");
  assert.equal(exports[1]!.type.toString(), "(i32, i64) -> (f32)");
  assert.equal((exports[2]!.type as TableType).element, "externref");
  assert.equal((exports[3]!.type as MemoryType).minimum, 1);
  assert.equal(exports[4]!.type.toString(), "global i64");
});

Deno.test("module: custom sections by name, in order", () => {
  let bytes = wat(`(module)`);
  bytes = withCustomSection(bytes, "meta", new Uint8Array([1, 2, 3]));
  bytes = withCustomSection(bytes, "other", new Uint8Array([9]));
  bytes = withCustomSection(bytes, "meta", new Uint8Array([4]));
  const module = new Module(engine, bytes);
  assert.deepEqual(module.customSections("meta"), [new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
  assert.deepEqual(module.customSections("other"), [new Uint8Array([9])]);
  assert.deepEqual(module.customSections("none"), []);
});

Deno.test("module: the name section gives the module name", () => {
  assert.equal(new Module(engine, wat(`(module $hello)`, { names: true })).name, "hello");
  assert.equal(new Module(engine, wat(`(module $hello)`)).name, null);
});

Deno.test("module: accepts an ArrayBuffer", () => {
  const bytes = wat(`(module (func))`);
  const copy = bytes.slice().buffer;
  assert.equal(new Module(engine, copy).exports().length, 0);
});

Deno.test("module: validate throws DecodeError and ValidationError", () => {
  assert.throws(() => Module.validate(engine, new Uint8Array([0, 0x61, 0x73])), DecodeError);
  assert.throws(() => new Module(engine, new Uint8Array([1, 2, 3, 4])), DecodeError);
  // A function whose body leaves an i64 where an i32 is expected.
  const bad = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7f, // type () -> i32
    0x03,
    0x02,
    0x01,
    0x00, // func 0: type 0
    0x0a,
    0x06,
    0x01,
    0x04,
    0x00,
    0x42,
    0x00,
    0x0b, // body: i64.const 0
  ]);
  assert.throws(() => Module.validate(engine, bad), ValidationError);
  // Bodies are checked at `new Module` unless the mode is `lazy` (compilation_mode_test.ts).
  const checking = new Engine(new Config({ compilationMode: "lazyTranslation" }));
  assert.throws(() => new Module(checking, bad), ValidationError);
  Module.validate(engine, wat(`(module (func (result i32) i32.const 1))`));
});

Deno.test("module: features come from the engine's config", () => {
  const bytes = wat(`(module (func (param v128)))`);
  new Module(engine, bytes);
  const noSimd = new Engine(new Config({ wasmSimd: false }));
  assert.throws(
    () => new Module(noSimd, bytes),
    (e) => e instanceof DecodeError || e instanceof ValidationError,
  );
});
