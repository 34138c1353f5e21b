import assert from "node:assert/strict";
import { Engine, Linker, Memory, MemoryError, MemoryType, Module, Store } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

Deno.test("memory: new, ty, size, data", () => {
  const store = new Store(engine, null);
  const mem = new Memory(store, new MemoryType({ minimum: 2, maximum: 5 }));
  assert.equal(mem.size(store), 2);
  assert.equal(mem.data(store).length, 2 * 65536);
  assert.ok(mem.data(store).every((b) => b === 0));
  assert.equal(mem.ty(store).toString(), "memory {min 2, max 5}");
  assert.equal(new Memory(store, new MemoryType({ minimum: 0 })).size(store), 0);
});

Deno.test("memory: read and write, bounds checked", () => {
  const store = new Store(engine, null);
  const mem = new Memory(store, new MemoryType({ minimum: 1 }));
  mem.write(store, 65533, new Uint8Array([7, 8, 9]));
  assert.deepEqual(mem.read(store, 65533, 3), new Uint8Array([7, 8, 9]));
  const buf = new Uint8Array(2);
  assert.equal(mem.read(store, 65534, buf), buf);
  assert.deepEqual(buf, new Uint8Array([8, 9]));
  assert.deepEqual(mem.read(store, 65536, 0), new Uint8Array(0));
  assert.throws(() => mem.read(store, 65534, 3), MemoryError);
  assert.throws(() => mem.read(store, -1, 1), MemoryError);
  assert.throws(() => mem.write(store, 65535, new Uint8Array(2)), MemoryError);
  assert.equal(mem.read(store, 65535, 1)[0], 9, "a failed write changes nothing");
  // `read` with a length returns a copy, not a view.
  const copy = mem.read(store, 0, 1);
  copy[0] = 1;
  assert.equal(mem.data(store)[0], 0);
});

Deno.test("memory: grow returns the old size and keeps the contents", () => {
  const store = new Store(engine, null);
  const mem = new Memory(store, new MemoryType({ minimum: 1, maximum: 3 }));
  mem.write(store, 10, new Uint8Array([42]));
  const before = mem.data(store);
  assert.equal(mem.grow(store, 0), 1);
  assert.equal(mem.grow(store, 2), 1);
  assert.equal(mem.size(store), 3);
  assert.equal(mem.data(store)[10], 42);
  assert.notEqual(mem.data(store).buffer, before.buffer, "grow replaces the buffer");
  assert.throws(() => mem.grow(store, 1), MemoryError);
  assert.equal(mem.size(store), 3);
  assert.throws(() => mem.grow(store, -1), RangeError);
});

Deno.test("memory: invalid types are rejected", () => {
  const store = new Store(engine, null);
  assert.throws(() => new Memory(store, new MemoryType({ minimum: 65537 })), MemoryError);
  assert.throws(() => new Memory(store, new MemoryType({ minimum: 2, maximum: 1 })), MemoryError);
});

Deno.test("memory: Wasm and the API see the same bytes, also after memory.grow", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (memory (export "mem") 1 4)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  const mem = instance.getMemory(store, "mem")!;
  mem.write(store, 5, new Uint8Array([77]));
  assert.equal(instance.getTypedFunc(store, "load").call(store, 5), 77);
  assert.equal(instance.getTypedFunc(store, "grow").call(store, 2), 1);
  assert.equal(mem.size(store), 3);
  instance.getTypedFunc(store, "store").call(store, 2 * 65536 + 1, 5);
  assert.equal(mem.read(store, 2 * 65536 + 1, 1)[0], 5);
  assert.equal(mem.grow(store, 1), 3);
  assert.equal(instance.getTypedFunc(store, "grow").call(store, 1), -1);
});
