/**
 * multi-memory, memory64 / table64 and custom page sizes through the public API: each memory by
 * name, i64 addresses exact at the 2^32 and 2^64 edges, sizes and growth as i64, limits the host
 * cannot allocate, page sizes of one byte, and the linker's checks of address width, sharing and
 * page size.
 */
import assert from "node:assert/strict";
import {
  Config,
  Engine,
  Linker,
  LinkError,
  Memory,
  MemoryError,
  MemoryType,
  Module,
  Store,
  TableType,
  Trap,
  TrapCode,
} from "../../mod.ts";
import { wat } from "./_wat.ts";

const engine = new Engine();

function instantiate(text: string, eng: Engine = engine) {
  const store = new Store(eng, null);
  const instance = new Linker(eng).instantiate(store, new Module(eng, wat(text)));
  return { store, instance };
}

function trapCode(f: () => unknown): TrapCode {
  try {
    f();
  } catch (e) {
    if (e instanceof Trap) return e.code;
    throw e;
  }
  throw new Error("no trap");
}

Deno.test("multi-memory: each memory is its own, by name, through every memory operator", () => {
  const { store, instance } = instantiate(`(module
    (memory $a (export "a") 1)
    (memory $b (export "b") 1 3)
    (data $d "\\01\\02\\03\\04")
    (func (export "store_b") (param i32 i64) (i64.store $b (local.get 0) (local.get 1)))
    (func (export "load8_b") (param i32) (result i64) (i64.load8_s $b (local.get 0)))
    (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
    (func (export "size_b") (result i32) (memory.size $b))
    (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
    (func (export "copy_b_to_a") (param i32 i32 i32)
      (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
    (func (export "fill_b") (param i32 i32 i32)
      (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init_b") (param i32) (memory.init $b $d (local.get 0) (i32.const 0) (i32.const 4)))
  )`);
  const a = instance.getMemory(store, "a")!;
  const b = instance.getMemory(store, "b")!;
  assert.notEqual(a, b);
  const call = (name: string, ...args: unknown[]) =>
    instance.getTypedFunc(store, name).call(store, ...args);

  call("store_b", 8, -2n);
  assert.deepEqual([...b.data(store).subarray(8, 10)], [0xfe, 0xff]);
  assert.equal(a.data(store)[8], 0, "memory 0 untouched");
  assert.equal(call("load8_b", 8), -2n);
  assert.equal(trapCode(() => call("load8_b", 65536)), TrapCode.MemoryOutOfBounds);

  assert.equal(call("size_b"), 1);
  assert.equal(call("grow_b", 2), 1);
  assert.equal(call("grow_b", 1), -1, "above the maximum");
  assert.equal(b.size(store), 3);
  assert.equal(a.size(store), 1);
  assert.equal(call("load8_b", 3 * 65536 - 1), 0n, "the grown memory is addressable");

  call("init_b", 100);
  call("copy_b_to_a", 0, 100, 4);
  assert.equal(call("load_a", 0), 0x04030201);
  call("fill_b", 100, 7, 2);
  assert.deepEqual([...b.data(store).subarray(100, 104)], [7, 7, 3, 4]);
  assert.equal(trapCode(() => call("copy_b_to_a", 65535, 0, 2)), TrapCode.MemoryOutOfBounds);
});

Deno.test("multi-memory: one memory imported twice sees its growth through either index", () => {
  const store = new Store(engine, null);
  const mem = new Memory(store, new MemoryType({ minimum: 1 }));
  const linker = new Linker(engine).define("env", "m", mem);
  const instance = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module
        (import "env" "m" (memory $x 1))
        (import "env" "m" (memory $y 1))
        (func (export "grow_y") (result i32) (memory.grow $y (i32.const 1)))
        (func (export "peek_x") (param i32) (result i32) (i32.load8_u $x (local.get 0))))`),
    ),
  );
  assert.equal(instance.getTypedFunc(store, "grow_y").call(store), 1);
  mem.data(store)[70000] = 9;
  assert.equal(instance.getTypedFunc(store, "peek_x").call(store, 70000), 9);
});

Deno.test("memory64: i64 addresses are exact at 2^32 and at 2^64", () => {
  const { store, instance } = instantiate(`(module
    (memory (export "m") i64 1)
    (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
    (func (export "load_off") (param i64) (result i32) (i32.load8_u offset=1 (local.get 0)))
    (func (export "store") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "size") (result i64) (memory.size))
    (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
    (func (export "fill") (param i64 i64) (memory.fill (local.get 0) (i32.const 1) (local.get 1)))
  )`);
  const call = (name: string, ...args: unknown[]) =>
    instance.getTypedFunc(store, name).call(store, ...args);
  call("store", 65535n, 5);
  assert.equal(call("load", 65535n), 5);
  assert.equal(call("load_off", 65534n), 5);
  for (const addr of [65536n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 63n, 2n ** 64n - 1n]) {
    assert.equal(trapCode(() => call("load", addr)), TrapCode.MemoryOutOfBounds, String(addr));
    assert.equal(trapCode(() => call("store", addr, 1)), TrapCode.MemoryOutOfBounds);
  }
  // The effective address of 2^64 - 1 plus offset 1 is 2^64: no wrap to 0.
  assert.equal(trapCode(() => call("load_off", 2n ** 64n - 1n)), TrapCode.MemoryOutOfBounds);
  assert.equal(trapCode(() => call("fill", 2n ** 32n, 0n)), TrapCode.MemoryOutOfBounds);
  assert.equal(trapCode(() => call("fill", 0n, 2n ** 32n)), TrapCode.MemoryOutOfBounds);
  call("fill", 0n, 65536n);

  assert.equal(call("size"), 1n);
  assert.equal(call("grow", 1n), 1n);
  assert.equal(call("size"), 2n);
  // Growth the host cannot allocate fails as the spec allows.
  assert.equal(call("grow", 2n ** 40n), -1n);
  assert.equal(call("grow", 2n ** 63n), -1n);
  const m = instance.getMemory(store, "m")!;
  assert.equal(m.ty(store).index64, true);
  assert.equal(m.size(store), 2);
});

Deno.test("memory64: a minimum the host cannot allocate fails instantiation clearly", () => {
  const store = new Store(engine, null);
  const module = new Module(engine, wat(`(module (memory i64 0x1_0000_0000))`));
  assert.throws(() => new Linker(engine).instantiate(store, module), /at most|allocate/);
  assert.throws(
    () => new Memory(store, new MemoryType({ minimum: 2 ** 40, index64: true })),
    MemoryError,
  );
});

Deno.test("table64: i64 indices, sizes and growth; 2^32 is out of bounds", () => {
  const { store, instance } = instantiate(`(module
    (type $t (func (result i32)))
    (table $t64 i64 2 funcref)
    (elem (table $t64) (i64.const 1) func $f)
    (func $f (result i32) (i32.const 42))
    (func (export "size") (result i64) (table.size $t64))
    (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
    (func (export "isnull") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
    (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
  )`);
  const call = (name: string, ...args: unknown[]) =>
    instance.getTypedFunc(store, name).call(store, ...args);
  assert.equal(call("size"), 2n);
  assert.equal(call("call", 1n), 42);
  assert.equal(call("isnull", 0n), 1);
  assert.equal(trapCode(() => call("isnull", 2n ** 32n)), TrapCode.TableOutOfBounds);
  assert.equal(trapCode(() => call("call", 2n ** 32n + 1n)), TrapCode.TableOutOfBounds);
  assert.equal(call("grow", 3n), 2n);
  assert.equal(call("size"), 5n);
  assert.equal(call("grow", 2n ** 32n), -1n);
  assert.equal(call("grow", -1n), -1n);
  assert.equal(new TableType({ element: "funcref", minimum: 1, index64: true }).index64, true);
});

Deno.test("custom page sizes: a memory of 1-byte pages counts and grows in bytes", () => {
  // (memory (export "m") 3 (pagesize 1)) (func (export "grow") (param i32) (result i32)
  // (memory.grow (local.get 0))) (func (export "size") (result i32) (memory.size))
  const bytes = Uint8Array.of(
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...[1, 10, 2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 0, 1, 0x7f], // types
    ...[3, 3, 2, 0, 1], // functions
    ...[5, 4, 1, 0x08, 3, 0], // memory: flags 0x08, minimum 3, page size 2^0
    ...[7, 19, 3, 1, 0x6d, 2, 0, 4, 0x67, 0x72, 0x6f, 0x77, 0, 0, 4, 0x73, 0x69, 0x7a, 0x65, 0, 1],
    ...[10, 13, 2, 6, 0, 0x20, 0, 0x40, 0, 0x0b, 4, 0, 0x3f, 0, 0x0b], // code
  );
  const eng = new Engine(new Config({ wasmCustomPageSizes: true }));
  const store = new Store(eng, null);
  const instance = new Linker(eng).instantiate(store, new Module(eng, bytes));
  const m = instance.getMemory(store, "m")!;
  assert.equal(m.ty(store).pageSize, 1);
  assert.equal(m.data(store).length, 3);
  assert.equal(instance.getTypedFunc(store, "size").call(store), 3);
  assert.equal(instance.getTypedFunc(store, "grow").call(store, 5), 3);
  assert.equal(m.data(store).length, 8);
  assert.equal(m.grow(store, 1), 8);
  assert.equal(instance.getTypedFunc(store, "size").call(store), 9);
  assert.throws(() => new Memory(store, new MemoryType({ minimum: 1, pageSizeLog2: 4 })), /1 or/);
});

Deno.test("linker: address width, sharing and page size of a memory import must match", () => {
  // Shared memories need the threads proposal on.
  const engine = new Engine(new Config({ wasmThreads: true }));
  const store = new Store(engine, null);
  const cases: [MemoryType, string][] = [
    [new MemoryType({ minimum: 1, maximum: 2, shared: true }), `(memory 1 2)`],
    [new MemoryType({ minimum: 1, index64: true }), `(memory 1)`],
    [new MemoryType({ minimum: 1 }), `(memory i64 1)`],
    [new MemoryType({ minimum: 1, pageSizeLog2: 0 }), `(memory 1)`],
  ];
  for (const [type, decl] of cases) {
    const mem = new Memory(store, type);
    const module = new Module(engine, wat(`(module (import "env" "m" ${decl}))`));
    const linker = new Linker(engine).define("env", "m", mem);
    assert.throws(() => linker.instantiate(store, module), LinkError, String(type));
    assert.throws(() => linker.instantiate(store, module), /incompatible import type/);
  }
  const module = new Module(engine, wat(`(module (import "env" "m" (memory i64 1)))`));
  const mem = new Memory(store, new MemoryType({ minimum: 2, index64: true }));
  new Linker(engine).define("env", "m", mem).instantiate(store, module);
});
