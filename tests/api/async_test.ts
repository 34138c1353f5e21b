/**
 * Async calls: host functions that return Promises (real timers and file I/O), rejections, many
 * calls in flight, fuel slices that keep the event loop turning, the store's real fuel budget,
 * and aborting a call.
 */

import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AsyncHostFuncError,
  Config,
  Engine,
  FuelError,
  type Func,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `run(n)` sums `env.fetch(i)` for i = n..1; `spin(n)` counts down n; `count` reads a file. */
const MODULE = wat(`(module
  (import "env" "fetch" (func $fetch (param i32) (result i32)))
  (import "env" "size" (func $size (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $fetch (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "spin") (param $n i32) (result i32)
    (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.const 42))
  (func (export "size") (result i32) (i32.add (call $size) (i32.const 1))))`);

function setup(
  fetch: (x: number) => number | Promise<number>,
  config = new Config(),
  size: () => Promise<number> = () => Promise.resolve(0),
) {
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  linker.funcWrap(
    "env",
    "fetch",
    { params: ["i32"], results: ["i32"] },
    (_c, x: number) => fetch(x),
  );
  linker.funcWrap("env", "size", { params: [], results: ["i32"] }, size);
  const instance = linker.instantiate(store, new Module(engine, MODULE));
  const get = (name: string) => instance.getFunc(store, name)!;
  return { engine, store, linker, run: get("run"), spin: get("spin"), size: get("size") };
}

Deno.test("async: a host Promise (a real timer) is awaited and its value used", async () => {
  const { store, run } = setup(async (x) => {
    await sleep(2);
    return x * 10;
  });
  const results = await run.callAsync(store, [Val.i32(4)]);
  assert.equal(results[0]!.value, 100);
  // A synchronous call of the same function cannot wait.
  assert.throws(() => run.call(store, [Val.i32(1)]), AsyncHostFuncError);
  // The store is fine afterwards.
  assert.equal((await run.callAsync(store, [Val.i32(1)]))[0]!.value, 10);
});

Deno.test("async: file I/O in a host function", async () => {
  // node:fs so that the test also runs under Node and Bun (tests/dist).
  const dir = await mkdtemp(join(tmpdir(), "wasmi-ts-async-"));
  const path = join(dir, "greeting.txt");
  await writeFile(path, "hello, wasm");
  try {
    const { store, size } = setup(
      () => 0,
      new Config(),
      async () => (await readFile(path, "utf8")).length,
    );
    assert.equal((await size.callAsync(store, []))[0]!.value, 12);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("async: synchronous host functions work in an async call too", async () => {
  const { store, run } = setup((x) => x);
  assert.equal((await run.callAsync(store, [Val.i32(3)]))[0]!.value, 6);
});

Deno.test("async: a rejection rejects the call with that error", async () => {
  const failure = new Error("no such thing");
  const { store, run } = setup(async (x) => {
    await sleep(1);
    if (x === 2) throw failure;
    return x;
  });
  await assert.rejects(run.callAsync(store, [Val.i32(3)]), (e) => e === failure);
  // A host function that throws synchronously behaves the same.
  const sync = setup(() => {
    throw failure;
  });
  await assert.rejects(sync.run.callAsync(sync.store, [Val.i32(1)]), (e) => e === failure);
  assert.equal((await run.callAsync(store, [Val.i32(1)]))[0]!.value, 1);
});

Deno.test("async: many calls in flight, on several stores and on one", async () => {
  const delays = [5, 1, 3, 0, 4, 2, 6, 1];
  const calls = delays.map((delay, i) => {
    const { store, run } = setup(async (x) => {
      await sleep(delay);
      return x + i;
    });
    return run.callAsync(store, [Val.i32(3)]);
  });
  const totals = (await Promise.all(calls)).map((r) => r[0]!.value);
  assert.deepEqual(totals, delays.map((_, i) => 6 + 3 * i));
  // Several calls on one store.
  let order = 0;
  const { store, run } = setup(async (x) => {
    await sleep((x * 7 + order++) % 4);
    return x;
  });
  const same = await Promise.all([1, 2, 3, 4].map((n) => run.callAsync(store, [Val.i32(n)])));
  assert.deepEqual(same.map((r) => r[0]!.value), [1, 3, 6, 10]);
});

Deno.test("async: typed callAsync and root host functions", async () => {
  const { store, run, linker } = setup(async (x) => {
    await sleep(1);
    return x;
  });
  const typed = run.typed<[number], number>(store);
  assert.equal(await typed.callAsync(store, 4), 10);
  const fetch = linker.get(store, "env", "fetch") as Func;
  assert.equal((await fetch.callAsync(store, [Val.i32(9)]))[0]!.value, 9);
  assert.equal(await fetch.typed<[number], number>(store).callAsync(store, 8), 8);
});

Deno.test("async: fuel slices keep the event loop running during a long call", async () => {
  const { store, spin } = setup((x) => x, new Config({ consumeFuel: true }));
  store.setFuel(1_000_000_000);
  const n = 4_000_000;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const start = performance.now();
    const results = await spin.callAsync(store, [Val.i32(n)], { fuelSlice: 50_000 });
    const elapsed = performance.now() - start;
    assert.equal(results[0]!.value, 42);
    assert.ok(ticks >= Math.min(3, elapsed / 4), `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
  } finally {
    clearInterval(timer);
  }
  // Slices change nothing about what the call costs.
  const sliced = 1_000_000_000n - store.getFuel();
  store.setFuel(1_000_000_000);
  spin.call(store, [Val.i32(n)]);
  assert.equal(1_000_000_000n - store.getFuel(), sliced);
});

Deno.test("async: the store's real budget still applies to a sliced call", async () => {
  const { store, spin } = setup((x) => x, new Config({ consumeFuel: true }));
  store.setFuel(100_000);
  await assert.rejects(
    spin.callAsync(store, [Val.i32(1_000_000)], { fuelSlice: 1000 }),
    (e) => e instanceof Trap && e.code === TrapCode.OutOfFuel,
  );
  const left = store.getFuel();
  assert.ok(left < 100n, `${left} left: less than one loop region`);
  // Without a slice, the same.
  store.setFuel(100_000);
  await assert.rejects(spin.callAsync(store, [Val.i32(1_000_000)]), Trap);
});

Deno.test("async: a host function in a sliced call sees the store's whole fuel", async () => {
  const seen: bigint[] = [];
  const config = new Config({ consumeFuel: true });
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  linker.funcWrap("env", "fetch", { params: ["i32"], results: ["i32"] }, (caller, x: number) => {
    seen.push(caller.store.getFuel());
    return x;
  });
  linker.funcWrap("env", "size", { params: [], results: ["i32"] }, () => 0);
  const instance = linker.instantiate(store, new Module(engine, MODULE));
  store.setFuel(1_000_000);
  await instance.getFunc(store, "run")!.callAsync(store, [Val.i32(3)], { fuelSlice: 10 });
  assert.equal(seen.length, 3);
  for (const fuel of seen) assert.ok(fuel > 999_000n, `${fuel}`);
  assert.ok(store.getFuel() > 999_000n);
});

Deno.test("async: Wasm called back from a host function during a sliced call", async () => {
  const engine = new Engine(new Config({ consumeFuel: true }));
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const ref: { spin?: Func } = {};
  linker.funcWrap("env", "fetch", { params: ["i32"], results: ["i32"] }, (caller, x: number) => {
    // 10 000 iterations: far more than one slice, paid from the reserve without stopping.
    return (ref.spin!.call(caller.store, [Val.i32(10_000)])[0]!.value as number) + x;
  });
  linker.funcWrap("env", "size", { params: [], results: ["i32"] }, () => 0);
  const instance = linker.instantiate(store, new Module(engine, MODULE));
  ref.spin = instance.getFunc(store, "spin")!;
  store.setFuel(10_000_000);
  const results = await instance.getFunc(store, "run")!.callAsync(store, [Val.i32(2)], {
    fuelSlice: 100,
  });
  assert.equal(results[0]!.value, 42 + 2 + 42 + 1);
});

Deno.test("async: an AbortSignal stops a call between slices", async () => {
  const { store, spin, run } = setup((x) => x, new Config({ consumeFuel: true }));
  store.setFuel(Number.MAX_SAFE_INTEGER);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stop")), 20);
  const start = performance.now();
  await assert.rejects(
    spin.callAsync(store, [Val.i32(2_000_000_000)], {
      fuelSlice: 100_000,
      signal: controller.signal,
    }),
    /stop/,
  );
  assert.ok(performance.now() - start < 2000, "stopped long before the loop could end");
  // An already aborted signal: nothing runs.
  await assert.rejects(
    run.callAsync(store, [Val.i32(1)], { signal: AbortSignal.abort() }),
    (e) => e instanceof DOMException && e.name === "AbortError",
  );
  assert.equal((await spin.callAsync(store, [Val.i32(10)]))[0]!.value, 42);
});

Deno.test("async: an AbortSignal stops a call waiting for a host Promise", async () => {
  const { store, run } = setup(() => new Promise<number>(() => {})); // never settles
  const controller = new AbortController();
  const call = run.callAsync(store, [Val.i32(1)], { signal: controller.signal });
  await sleep(5);
  controller.abort("enough");
  await assert.rejects(call, (e) => e === "enough");
});

Deno.test("async: a fuel slice needs fuel metering and a positive size", async () => {
  const { store, spin } = setup((x) => x);
  await assert.rejects(spin.callAsync(store, [Val.i32(1)], { fuelSlice: 10 }), FuelError);
  const fueled = setup((x) => x, new Config({ consumeFuel: true }));
  await assert.rejects(
    fueled.spin.callAsync(fueled.store, [Val.i32(1)], { fuelSlice: 0 }),
    RangeError,
  );
});
