/**
 * Threads, as one thread honours them: shared memory types through the decoder, validator,
 * linker and `Memory` API; the atomic operators' results, alignment and bounds traps; wait and
 * notify with no other agent; and the `wasmThreads` switch.
 */

import assert from "node:assert/strict";
import {
  Config,
  DecodeError,
  Engine,
  Linker,
  LinkError,
  Memory,
  MemoryError,
  MemoryType,
  Module,
  Store,
  Trap,
  TrapCode,
  ValidationError,
} from "../../mod.ts";
import { wat } from "./_wat.ts";

const THREADS = new Config({ wasmThreads: true });

const ATOMICS = `(module
  (memory (export "mem") 1 1 shared)
  (func (export "load64") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "store64") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)))
  (func (export "add64") (param i32 i64) (result i64) (i64.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "sub64") (param i32 i64) (result i64) (i64.atomic.rmw.sub (local.get 0) (local.get 1)))
  (func (export "add8") (param i32 i32) (result i32) (i32.atomic.rmw8.add_u (local.get 0) (local.get 1)))
  (func (export "xchg16") (param i32 i64) (result i64)
    (i64.atomic.rmw16.xchg_u (local.get 0) (local.get 1)))
  (func (export "cas8") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas64") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load32") (param i32) (result i32) (i32.atomic.load offset=4 (local.get 0)))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "fence") (result i32) (atomic.fence) (i32.const 7)))`;

function setup(text = ATOMICS) {
  const engine = new Engine(THREADS);
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, wat(text)));
  // deno-lint-ignore no-explicit-any
  const f = (name: string) => instance.getTypedFunc<any[], any>(store, name);
  return { store, instance, f };
}

function trapsWith(run: () => unknown, code: TrapCode, message: string): void {
  assert.throws(run, (e) => e instanceof Trap && e.code === code && e.message === message);
}

Deno.test("threads: atomic read-modify-writes compute with carries, wrapping and widths", () => {
  const { store, f } = setup();
  f("store64").call(store, 0, 0x0000_0001_ffff_ffffn);
  assert.equal(f("add64").call(store, 0, 1n), 0x1_ffff_ffffn, "returns the old value");
  assert.equal(f("load64").call(store, 0), 0x2_0000_0000n, "the carry crosses the halves");
  assert.equal(f("sub64").call(store, 0, 1n), 0x2_0000_0000n);
  assert.equal(f("load64").call(store, 0), 0x1_ffff_ffffn, "the borrow crosses the halves");
  f("store64").call(store, 8, -1n);
  assert.equal(f("add8").call(store, 8, 1), 0xff, "narrow results are zero-extended");
  assert.equal(f("load64").call(store, 8), -256n, "only the byte changed, wrapping to 0");
  assert.equal(f("xchg16").call(store, 8, 0x1234_5678n), 0xff00n);
  assert.equal(f("load64").call(store, 8), -0x1_0000n + 0x5678n);
  // cmpxchg compares with the expected value wrapped to the access width.
  assert.equal(f("cas8").call(store, 8, 0x178, 0x99), 0x78);
  assert.equal(f("load64").call(store, 8) & 0xffn, 0x99n);
  assert.equal(f("cas8").call(store, 8, 0x98, 0x11), 0x99, "no match: unchanged");
  assert.equal(f("load64").call(store, 8) & 0xffn, 0x99n);
  assert.equal(f("cas64").call(store, 0, 0x1_ffff_ffffn, 5n), 0x1_ffff_ffffn);
  assert.equal(f("cas64").call(store, 0, 0x1_ffff_ffffn, 6n), 5n, "a high-half mismatch fails");
  assert.equal(f("load64").call(store, 0), 5n);
  assert.equal(f("fence").call(store), 7);
});

Deno.test("threads: atomics trap when unaligned (checked first) or out of bounds", () => {
  const { store, f } = setup();
  const unaligned = (run: () => unknown) =>
    trapsWith(run, TrapCode.UnalignedAtomic, "unaligned atomic");
  const oob = (run: () => unknown) =>
    trapsWith(run, TrapCode.MemoryOutOfBounds, "out of bounds memory access");
  unaligned(() => f("load64").call(store, 4));
  unaligned(() => f("load32").call(store, 2)); // 2 + offset 4
  unaligned(() => f("add64").call(store, 65535, 0n));
  unaligned(() => f("notify").call(store, 1, 0));
  unaligned(() => f("wait64").call(store, 4, 0n, 0n));
  // Unaligned and out of bounds at once: the alignment trap wins.
  unaligned(() => f("load64").call(store, 65540));
  oob(() => f("load64").call(store, 65536));
  oob(() => f("load32").call(store, 65532));
  oob(() => f("notify").call(store, 65536, 0));
  oob(() => f("wait32").call(store, -4, 0, 0n));
  // The store is usable after the traps.
  assert.equal(f("add8").call(store, 65535, 1), 0);
});

Deno.test("threads: wait and notify with no other agent", () => {
  const { store, f } = setup();
  f("store64").call(store, 0, 0x0000_0005_0000_0003n);
  assert.equal(f("wait32").call(store, 0, 4, -1n), 1, "not-equal, even without timeout");
  assert.equal(f("wait64").call(store, 0, 3n, 0n), 1);
  assert.equal(f("wait32").call(store, 0, 3, 0n), 2, "equal: nobody can notify, timed-out");
  assert.equal(f("wait64").call(store, 0, 0x5_0000_0003n, 1_000_000_000n), 2);
  trapsWith(
    () => f("wait32").call(store, 0, 3, -1n),
    TrapCode.WaitForever,
    "wait without timeout on a single thread would never wake",
  );
  assert.equal(f("notify").call(store, 0, 10), 0, "nobody waits");

  // On an unshared memory: wait traps, notify still returns 0.
  const plain = setup(`(module (memory 1 1)
    (func (export "wait32") (param i32 i32 i64) (result i32)
      (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "notify") (param i32 i32) (result i32)
      (memory.atomic.notify (local.get 0) (local.get 1))))`);
  trapsWith(
    () => plain.f("wait32").call(plain.store, 0, 1, 0n),
    TrapCode.ExpectedSharedMemory,
    "expected shared memory",
  );
  assert.equal(plain.f("notify").call(plain.store, 0, 1), 0);
});

Deno.test("threads: shared memory types, the linker and the Memory API", () => {
  const engine = new Engine(THREADS);
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const shared = new Memory(store, new MemoryType({ minimum: 1, maximum: 2, shared: true }));
  const plain = new Memory(store, new MemoryType({ minimum: 1, maximum: 2 }));
  assert.equal(shared.ty(store).shared, true);
  assert.equal(String(shared.ty(store)), "memory {min 1, max 2, shared}");
  const importing = (isShared: boolean) =>
    new Module(engine, wat(`(module (import "m" "m" (memory 1 2${isShared ? " shared" : ""})))`));
  for (
    const [memory, isShared, ok] of [
      [shared, true, true],
      [plain, false, true],
      [shared, false, false],
      [plain, true, false],
    ] as const
  ) {
    linker.define("m", "m", memory);
    linker.allowShadowing(true);
    if (ok) {
      linker.instantiate(store, importing(isShared));
    } else {
      assert.throws(
        () => linker.instantiate(store, importing(isShared)),
        (e) => e instanceof LinkError && e.message.startsWith("incompatible import type"),
      );
    }
  }
  // A shared memory needs a maximum, and an engine with threads on.
  assert.throws(
    () => new Memory(store, new MemoryType({ minimum: 1, shared: true })),
    MemoryError,
  );
  assert.throws(
    () =>
      new Memory(
        new Store(new Engine(), null),
        new MemoryType({ minimum: 1, maximum: 1, shared: true }),
      ),
    (e) => e instanceof MemoryError && /wasmThreads/.test(e.message),
  );
  assert.throws(
    () => new Module(engine, wat(`(module (memory 1 shared))`)),
    (e) => e instanceof ValidationError && /shared memory must have maximum/.test(e.message),
  );
});

Deno.test("threads: atomics carry exactly their natural alignment", () => {
  const engine = new Engine(new Config({ wasmThreads: true, compilationMode: "lazyTranslation" }));
  for (const op of ["i32.atomic.load align=2", "i64.atomic.load align=4"]) {
    assert.throws(
      () => new Module(engine, wat(`(module (memory 1) (func (drop (${op} (i32.const 0)))))`)),
      (e) => e instanceof ValidationError && /atomic alignment must be natural/.test(e.message),
      op,
    );
  }
  new Module(
    engine,
    wat(`(module (memory 1) (func (drop (i64.atomic.load align=8 (i32.const 0)))))`),
  );
});

Deno.test("threads: off by default, as in wasmi; then shared memories and atomics are malformed", () => {
  const engine = new Engine(new Config({ compilationMode: "lazyTranslation" })); // bodies checked at new Module
  assert.equal(engine.config.wasmThreads, false);
  assert.throws(
    () => new Module(engine, wat(`(module (memory 1 1 shared))`)),
    (e) => e instanceof DecodeError && /integer too large/.test(e.message),
  );
  assert.throws(
    () => new Module(engine, wat(`(module (memory 1) (func (atomic.fence)))`)),
    (e) =>
      e instanceof DecodeError && e.message.includes("(atomic.fence needs a disabled feature)"),
  );
});

Deno.test("threads: atomics address the memory their memarg names, and 64-bit addresses", () => {
  const { store, f } = setup(`(module
    (memory $a 1)
    (memory $b i64 1 1 shared)
    (func (export "add_b") (param i64 i32) (result i32)
      (i32.atomic.rmw.add $b (local.get 0) (local.get 1)))
    (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
    (func (export "load_b") (param i64) (result i32) (i32.atomic.load $b (local.get 0))))`);
  assert.equal(f("add_b").call(store, 8n, 5), 0);
  assert.equal(f("add_b").call(store, 8n, 2), 5);
  assert.equal(f("load_b").call(store, 8n), 7);
  assert.equal(f("load_a").call(store, 8), 0, "memory $a is untouched");
  // An address past 2^32 is out of bounds, not wrapped to a small one.
  trapsWith(
    () => f("load_b").call(store, 0x1_0000_0008n),
    TrapCode.MemoryOutOfBounds,
    "out of bounds memory access",
  );
});
