/**
 * Asynchronous WASI: filesystems and stdin whose operations return Promises, awaited through
 * `startAsync` (`callAsync` underneath); non-blocking sleeps; fuel slices that yield to the event
 * loop while a long program runs.
 */

import assert from "node:assert/strict";
import { AsyncHostFuncError, Config, Engine, Linker, Module, Store } from "../../mod.ts";
import {
  MemoryFs,
  memoryOutput,
  WasiCtxBuilder,
  type WasiDir,
  type WasiFile,
  type WasiStream,
} from "../../src/wasi/mod.ts";
import { wat } from "../api/_wat.ts";
import { listTests, Scratch } from "./_testsuite.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Counts the Promises an async wrapper handed out. */
let awaited = 0;

/** `value` after a microtask (or a timer with `slow`), as an asynchronous backend would give it. */
function later<T>(fn: () => T, slow: boolean): Promise<T> {
  awaited++;
  return new Promise<T>((resolve, reject) => {
    const run = () => {
      try {
        resolve(fn());
      } catch (e) {
        reject(e);
      }
    };
    if (slow) setTimeout(run, 0);
    else queueMicrotask(run);
  });
}

/** The synchronous directory behind each asynchronous wrapper (rename and link take a dir). */
const unwrapped = new WeakMap<object, WasiDir>();
const unwrap = (x: unknown) => (typeof x === "object" && x !== null && unwrapped.get(x)) || x;

/** Wraps a synchronous directory so that every operation returns a Promise. */
function asyncDir(dir: WasiDir, slow = false): WasiDir {
  const wrapFile = (file: WasiFile): WasiFile =>
    new Proxy(file, {
      get: (target, key) => {
        const v = Reflect.get(target, key);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => later(() => Reflect.apply(v, target, args), slow);
      },
    });
  const proxy = new Proxy(dir, {
    get: (target, key) => {
      const v = Reflect.get(target, key);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) =>
        later(() => {
          const out = Reflect.apply(v, target, args.map(unwrap));
          if (key === "dirAt") return asyncDir(out as WasiDir, slow);
          if (key === "openAt") return wrapFile(out as WasiFile);
          return out;
        }, slow);
    },
  });
  unwrapped.set(proxy, dir);
  return proxy;
}

function copyToMemory(host: string, fs: MemoryFs, at: string): void {
  for (const entry of readdirSync(host, { withFileTypes: true })) {
    const guest = at === "" ? entry.name : `${at}/${entry.name}`;
    if (entry.isDirectory()) {
      fs.dir(guest);
      copyToMemory(join(host, entry.name), fs, guest);
    } else if (entry.isFile()) {
      fs.writeFile(guest, readFileSync(join(host, entry.name)));
    }
  }
}

Deno.test("the WASI testsuite's filesystem tests pass on an asynchronous filesystem", async () => {
  const scratch = new Scratch();
  const failures: string[] = [];
  const before = awaited;
  try {
    for (const test of listTests().filter((t) => t.dirs.length > 0)) {
      const fs = new MemoryFs();
      copyToMemory(scratch.copy(test, test.dirs[0]!), fs, "");
      const stderr = memoryOutput();
      const wasi = new WasiCtxBuilder()
        .args([test.name, ...test.args])
        .env(test.env)
        .preopenDir(asyncDir(fs.root), test.dirs[0]!)
        .stderr(stderr)
        .build();
      const engine = new Engine();
      const store = new Store(engine, null);
      const linker = wasi.addToLinker(new Linker(engine));
      const instance = linker.instantiate(store, new Module(engine, readFileSync(test.wasm)));
      const code = await wasi.startAsync(store, instance);
      if (code !== test.exitCode) failures.push(`${test.name}: exit ${code} ${stderr.text()}`);
    }
  } finally {
    scratch.dispose();
  }
  assert.deepEqual(failures, []);
  assert.ok(awaited - before > 1000, `only ${awaited - before} operations were asynchronous`);
});

/** `cat`: copies stdin to stdout in 4-byte reads until end of input. */
const CAT = wat(`(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (loop $more
      (i32.store (i32.const 4) (i32.const 4))
      (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (if (i32.load (i32.const 8)) (then
        (i32.store (i32.const 4) (i32.load (i32.const 8)))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br $more))))))`);

function instantiate(
  bytes: Uint8Array,
  build: (b: WasiCtxBuilder) => WasiCtxBuilder,
  config?: Config,
) {
  const wasi = build(new WasiCtxBuilder()).build();
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const linker = wasi.addToLinker(new Linker(engine));
  return { wasi, store, instance: linker.instantiate(store, new Module(engine, bytes)) };
}

Deno.test("an asynchronous stdin is awaited", async () => {
  const chunks = ["hello, ", "async ", "world"].map((s) => new TextEncoder().encode(s));
  const stdin: WasiStream = {
    read: (max) =>
      new Promise((resolve) =>
        setTimeout(() => {
          const chunk = chunks[0] ?? new Uint8Array(0);
          const n = Math.min(max, chunk.length);
          chunks[0] = chunk.subarray(n);
          if (chunks[0].length === 0) chunks.shift();
          resolve(chunk.slice(0, n));
        }, 1)
      ),
  };
  const out = memoryOutput();
  const { wasi, store, instance } = instantiate(CAT, (b) => b.stdin(stdin).stdout(out));
  assert.equal(await wasi.startAsync(store, instance), 0);
  assert.equal(out.text(), "hello, async world");
});

Deno.test("an asynchronous stdin in a synchronous start is a clear error", () => {
  const stdin: WasiStream = { read: () => Promise.resolve(new Uint8Array(0)) };
  const { wasi, store, instance } = instantiate(CAT, (b) => b.stdin(stdin));
  assert.throws(() => wasi.start(store, instance), AsyncHostFuncError);
});

Deno.test("poll_oneoff sleeps without blocking the event loop in an async run", async () => {
  // Subscribes to the monotonic clock, 50 ms from now, then exits.
  const sleeper = wat(`(module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (i32.store8 (i32.const 8) (i32.const 0))
      (i32.store (i32.const 16) (i32.const 1))
      (i64.store (i32.const 24) (i64.const 50000000))
      (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))`);
  const { wasi, store, instance } = instantiate(sleeper, (b) => b);
  let ticked = false;
  setTimeout(() => ticked = true, 5);
  const t0 = performance.now();
  assert.equal(await wasi.startAsync(store, instance), 0);
  assert.ok(performance.now() - t0 >= 45);
  assert.ok(ticked, "a timer ran while the program slept");
});

Deno.test("a long program runs in fuel slices that let timers run", async () => {
  const spin = wat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 3000000))))
      (call $exit (i32.const 5))))`);
  const config = new Config({ consumeFuel: true });
  const { wasi, store, instance } = instantiate(spin, (b) => b, config);
  store.setFuel(1_000_000_000n);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    assert.equal(await wasi.startAsync(store, instance, { fuelSlice: 100_000 }), 5);
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks > 0, "timers ran between slices");
});
