/**
 * Fuel in the translator and the executor: where `ConsumeFuel` goes (nowhere when fuel is off),
 * what it charges, the rotated loop's back edge, refills from the reserve, and stopping.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Trap, TrapCode } from "../../src/core/trap.ts";
import { DONE, OUT_OF_FUEL } from "../../src/engine/engine.ts";
import { FUEL_CHUNK, refillFuel, spreadFuel } from "../../src/engine/fuel.ts";
import { instantiate } from "./harness.ts";

const LOOPS = `(module (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $acc (i32.add (local.get $acc) (local.get $i))))
        (else (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $acc)))`;

Deno.test("fuel off: no ConsumeFuel is emitted", () => {
  const t = instantiate(LOOPS);
  assert.doesNotMatch(t.code("sum"), /ConsumeFuel/);
});

Deno.test("fuel on: one ConsumeFuel per region, and one for the rotated back edge", () => {
  const t = instantiate(LOOPS, { config: { consumeFuel: true } });
  const code = t.code("sum");
  const charges = [...code.matchAll(/^(\d+): ConsumeFuel (\d+)$/gm)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  // Entry (6: block, loop, the loop's end, the block's end, local.get, end), loop header and
  // back edge (local.get, local.get, i32.ge_u, br_if, local.get, i32.const, i32.and, if, end,
  // local.get, i32.const, i32.add, local.set, br = 14), then arm (4 + else), else arm (4).
  assert.deepEqual(charges.map(([, fuel]) => fuel), [6, 14, 5, 4, 14], code);
  assert.equal(charges[0]![0], 0, "the entry pays first");
  const loopHeader = charges[1]![0]!;
  // The back edge steps the counter and tests the exit condition itself: staying, it pays the
  // loop's region within the branch (falling back to the header's charge when short), leaving,
  // it pays after it. The charge it pays is its last operand, the header's (14).
  const backEdge = charges[4]![0]!;
  assert.match(
    code,
    new RegExp(
      `^${backEdge - 8}: I32AddImmBrIfLtUPay s1, s1, 1, s0, @${loopHeader + 6}, @${loopHeader}, ` +
        `${charges[1]![1]}$`,
      "m",
    ),
  );
  assert.ok(loopHeader < backEdge);
  t.inner.fuel = 10_000;
  assert.equal(t.call("sum", 10), 1 + 3 + 5 + 7 + 9 - 5);
});

Deno.test("fuel on: the branch of an if with an else pays the arm it enters; without, it is plain", () => {
  const t = instantiate(
    `(module
      (func (export "both") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
      (func (export "then") (param i32) (result i32)
        (if (local.get 0) (then (local.set 0 (i32.const 7))))
        (local.get 0)))`,
    { config: { consumeFuel: true } },
  );
  // Each way lands on an arm's ConsumeFuel: the else arm's at the target, the then arm's next.
  const both = t.code("both");
  const arms = /^(\d+): BrIfEqzArms s0, @(\d+)$/m.exec(both);
  assert.ok(arms !== null, both);
  assert.match(both, new RegExp(`^${Number(arms[1]) + 3}: ConsumeFuel 2$`, "m"));
  assert.match(both, new RegExp(`^${arms[2]}: ConsumeFuel 1$`, "m"));
  assert.match(t.code("then"), /^\d+: BrIfEqz s0, @\d+$/m);
  t.inner.fuel = 100;
  assert.equal(t.call("both", 1), 1);
  assert.equal(t.call("both", 0), 2);
  assert.equal(t.call("then", 0), 0);
  assert.equal(t.call("then", 1), 7);
  // Per call of both: 4 outside (local.get, if, end, end) + 2 (const and else, or const).
  assert.equal(100 - t.inner.fuel, 6 + 5 + 5 + 7);
});

Deno.test("fuel on: a store charged per region, exactly", () => {
  const t = instantiate(LOOPS, { config: { consumeFuel: true } });
  t.inner.fuel = 1_000_000;
  t.call("sum", 3);
  // 6 outside; 4 loop entries of 14 (the fourth exits at the head test); arms: i = 0, 2 take
  // else (4), i = 1 takes then (5).
  assert.equal(1_000_000 - t.inner.fuel, 6 + 4 * 14 + 4 + 5 + 4);
});

Deno.test("fuel: the executor refills from the reserve beyond its chunk", () => {
  const t = instantiate(LOOPS, { config: { consumeFuel: true } });
  t.inner.fuel = 3;
  t.inner.fuelReserve = 1_000_000 - 3;
  t.call("sum", 100);
  const used = 1_000_000 - (t.inner.fuel + t.inner.fuelReserve);
  t.inner.fuel = 1_000_000;
  t.inner.fuelReserve = 0;
  t.call("sum", 100);
  assert.equal(1_000_000 - t.inner.fuel, used);
  // Setting a large budget keeps the spendable part to a chunk (once a store of the process has
  // refilled: the first one's first chunk is smaller, see the next test).
  assert.ok(refillFuel(t.inner, 1));
  spreadFuel(t.inner, 2 ** 40);
  assert.equal(t.inner.fuel, FUEL_CHUNK);
  assert.equal(t.inner.fuel + t.inner.fuelReserve, 2 ** 40);
});

Deno.test("fuel: until a store of the process refills, a budget's first chunk is small", async () => {
  // A fresh process: whether a store has refilled yet is the state of the process (of its copy
  // of fuel.ts), which the other tests here have changed.
  const src = new URL("../../src/", import.meta.url).href;
  const script = `
    import { StoreInner } from "${src}engine/entities.ts";
    import { FUEL_CHUNK, FUEL_FIRST_CHUNK, refillFuel, spreadFuel } from "${src}engine/fuel.ts";
    import { Config, Engine, Module, Store, Linker } from "${src}../mod.ts";
    const out = [];
    const a = new StoreInner();
    spreadFuel(a, 2 ** 40);
    out.push(a.fuel === FUEL_FIRST_CHUNK, a.fuel + a.fuelReserve === 2 ** 40);
    const small = new StoreInner();
    spreadFuel(small, 100);
    out.push(small.fuel === 100 && small.fuelReserve === 0);
    // A budget that cannot pay is no refill.
    out.push(!refillFuel(small, 101));
    spreadFuel(a, 2 ** 40);
    out.push(a.fuel === FUEL_FIRST_CHUNK);
    // The interpreter runs out of the first chunk and refills: a whole chunk from then on, for
    // every store, and a call pays what it pays from any chunk.
    const engine = new Engine(new Config({ consumeFuel: true, executionTier: "interpreter" }));
    const wat = new Uint8Array(${JSON.stringify([...await parse(LOOPS)])});
    const module = new Module(engine, wat);
    const store = new Store(engine, {});
    store.setFuel(10_000_000);
    const sum = new Linker(engine).instantiate(store, module).getTypedFunc(store, "sum");
    out.push(sum.call(store, 5000) === 2500 * 2500 - 2500);
    const used = 10_000_000 - Number(store.getFuel());
    const b = new StoreInner();
    spreadFuel(b, 2 ** 40);
    out.push(b.fuel === FUEL_CHUNK);
    store.setFuel(10_000_000);
    sum.call(store, 5000);
    out.push(10_000_000 - Number(store.getFuel()) === used, used > FUEL_FIRST_CHUNK);
    console.log(JSON.stringify(out));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const checks = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  assert.deepEqual(checks, [true, true, true, true, true, true, true, true, true]);
});

Deno.test("fuel: a plain call out of fuel traps; a yielding call stops despite a reserve", () => {
  const t = instantiate(LOOPS, { config: { consumeFuel: true } });
  t.inner.fuel = 20;
  assert.throws(
    () => t.call("sum", 100),
    (e) => e instanceof Trap && e.code === TrapCode.OutOfFuel,
  );
  // A sliced async call's stack (`yields`) stops at the end of its slice.
  const f = t.entity("sum");
  const io = new Int32Array(4);
  io[0] = 100;
  t.inner.fuel = 20;
  t.inner.fuelReserve = 1_000_000;
  const st = t.engine.startCall(f, io);
  st.yields = true;
  assert.equal(t.engine.resumeCall(t.inner, st), OUT_OF_FUEL);
  assert.equal(st.requiredFuel, 4, "entry 6 and loop 14 paid, none left: the else arm needs 4");
  t.inner.fuel = 1_000_000;
  assert.equal(t.engine.resumeCall(t.inner, st), DONE);
  t.engine.finishCall(st, io, 1);
  assert.equal(io[0], 50 * 50 - 50);
});

// `run` counts fuel in a local (see `FUEL_OUT` in scripts/gen_executor.ts): wherever something
// else reads or changes the store's count, and when a trap leaves `run`, the count is current.
const INTERPRETED = { executionTier: "interpreter" as const, consumeFuel: true };

Deno.test("fuel local: a host function that spends through a nested call, then throws", () => {
  const seen: bigint[] = [];
  let t: ReturnType<typeof instantiate> | null = null;
  t = instantiate(
    `(module (import "env" "host" (func $h))
       (func $inner (export "inner") (result i32) nop nop (i32.const 7))
       (func (export "outer") (local i32) (local.set 0 (i32.const 1)) (call $h) (unreachable)))`,
    {
      config: INTERPRETED,
      imports: {
        "env.host": () => {
          seen.push(t!.store.getFuel());
          assert.equal(t!.call("inner"), 7);
          seen.push(t!.store.getFuel());
          throw new Error("host gave up");
        },
      },
    },
  );
  t.store.setFuel(100n);
  assert.throws(() => t!.call("outer"), /host gave up/);
  // outer's region (i32.const, local.set, call, unreachable, end), then inner's 4.
  assert.deepEqual(seen, [95n, 91n]);
  assert.equal(t.store.getFuel(), 91n, "what the nested call spent stays spent");
});

Deno.test("fuel local: a trap in a cold row after a bulk charge keeps the charge", () => {
  const t = instantiate(
    `(module (memory 1)
       (func (export "fill") (param $n i32) (param $far i32) (param $one i32)
         (memory.fill (local.get $one) (local.get $one) (local.get $n))
         (memory.fill (local.get $far) (local.get $one) (local.get $one))))`,
    { config: INTERPRETED },
  );
  t.store.setFuel(100n);
  assert.throws(
    () => t.call("fill", 640, 65536, 1),
    (e) => e instanceof Trap && e.code === TrapCode.MemoryOutOfBounds,
  );
  // The region's 9 operators, 640 bytes at 64 per fuel; the trapping fill pays nothing more.
  // (Operands in locals: both fills run in one visit to runCold, the second one trapping.)
  assert.equal(t.store.getFuel(), 100n - 9n - 10n);
});

Deno.test("fuel local: struct.new (a row of run that charges the store) then a trap", async () => {
  const fields = Array.from({ length: 32 }, () => "(field i32)").join(" ");
  const args = Array.from({ length: 32 }, (_, i) => `(i32.const ${i + 1})`).join(" ");
  const t = instantiate(
    await parse(`(module (type $s (struct ${fields}))
       (func (export "run") (drop (struct.new $s ${args})) (unreachable)))`),
    { config: { ...INTERPRETED, wasmGc: true } },
  );
  t.store.setFuel(100n);
  assert.throws(
    () => t.call("run"),
    (e) => e instanceof Trap && e.code === TrapCode.UnreachableCodeReached,
  );
  // 32 constants, struct.new, drop, unreachable, end; 32 fields at 16 per fuel.
  assert.equal(t.store.getFuel(), 100n - 36n - 2n);
});
