/**
 * A store holds at most `FUEL_CHUNK` (2^30 - 1) spendable fuel and refills it from its reserve;
 * generated code counts it in an int32 local and calls `refuel` when a charge cannot be paid
 * (see `charge` in `src/engine/codegen.ts`). These tests run a loop across several refills and
 * check that the count and the stop points stay the interpreter's; and that a body with a loop
 * takes the refill path at every check of its first call (`FUEL_COLD`) with the same charges and
 * stops as the interpreter, in that call and later ones.
 */

import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store, Val } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";
import { fuelLog, instantiate } from "./harness.ts";

/** `spin(n)`: n iterations of a loop that charges a few dozen units each. */
const SPIN = wat(`(module
  (func (export "spin") (param $n i32) (result i32) (local $x i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $n)))
        (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 3))))
        (local.set $x (i32.add (local.get $x) (i32.rotl (local.get $x) (i32.const 5))))
        (local.set $x (i32.sub (local.get $x) (i32.and (local.get $n) (i32.const 255))))
        (local.set $x (i32.or (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $x)))`);

function spinner(tier: "interpreter" | "codegen") {
  const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, SPIN));
  return { store, spin: instance.getFunc(store, "spin")! };
}

/** The fuel `spin(n)` uses, by the interpreter. */
function used(n: number): number {
  const { store, spin } = spinner("interpreter");
  store.setFuel(1_000_000);
  spin.call(store, [Val.i32(n)]);
  return 1_000_000 - Number(store.getFuel());
}

const CHUNK = 2 ** 30;
const perIteration = used(2) - used(1);
const fixed = used(1) - perIteration;
/** Iterations that use more than two chunks. */
const many = Math.ceil((2 * CHUNK) / perIteration) + 3;

Deno.test("codegen fuel: a loop across refills is charged what the interpreter charges", () => {
  const { store, spin } = spinner("codegen");
  for (const budget of [2 ** 31 + 10_000, 3 * CHUNK - 1, 2 ** 40 + 5]) {
    store.setFuel(budget);
    spin.call(store, [Val.i32(many)]);
    assert.equal(Number(store.getFuel()), budget - fixed - many * perIteration, `budget ${budget}`);
  }
});

Deno.test("codegen fuel: a stop after a refill is where the interpreter's is", () => {
  // A budget `m` whole iterations larger stops at the same instruction, `m` iterations later,
  // with the same count left: the interpreter runs the small budget, generated code the large.
  const cg = spinner("codegen");
  const interp = spinner("interpreter");
  // Past one chunk: each charge of the loop's iteration (the stop is at each in turn).
  const past = Math.ceil(CHUNK / perIteration) + 2;
  for (let extra = 0; extra <= perIteration; extra += 3) {
    const small = fixed + 3 * perIteration + extra;
    const stops = [[interp, small], [cg, small + past * perIteration]] as const;
    const logs = stops.map(([{ store, spin }, budget]) => {
      store.setFuel(budget);
      const call = spin.callResumable(store, [Val.i32(many)]);
      assert.equal(call.kind, "outOfFuel");
      return call.kind === "outOfFuel" ? [call.requiredFuel, store.getFuel()] : [];
    });
    assert.deepEqual(logs[1], logs[0], `extra ${extra}`);
  }
});

/** A loop (`spin`), and a function that calls a host function in a loop (`calls`). */
const COLD = `(module
  (import "env" "tick" (func $tick))
  (func (export "calls") (param $n i32)
    (loop $l
      (call $tick)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "spin") (param $n i32) (result i32) (local $x i32)
    (loop $top
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $n)))
      ;; A signed test: a counted back edge would be strip-mined (few checks to take).
      (br_if $top (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (local.get $x)))`;

Deno.test("codegen fuel: a first call takes the refill path at each check, and pays what the interpreter does", () => {
  const run = (tier: "interpreter" | "codegen") => {
    const t = instantiate(COLD, {
      config: { executionTier: tier, consumeFuel: true },
      imports: { "env.tick": () => {} },
    });
    const log: number[] = [];
    const budget = 3 * CHUNK + 12_345;
    t.store.setFuel(budget);
    for (const n of [1000, 1000, 7]) {
      for (const name of ["spin", "calls"]) {
        const before = t.inner.fuel + t.inner.fuelReserve;
        t.call(name, n);
        // The fuel a call uses is the interpreter's; where it is (count or reserve) may differ.
        log.push(before - (t.inner.fuel + t.inner.fuelReserve));
        if (tier === "codegen" && name === "spin") {
          // The first generated call refills at every check: its count ends within one
          // iteration's charges of the chunk; a later one refills nowhere (its count only drops).
          const spent = CHUNK - 1 - t.inner.fuel;
          if (log.length === 1) assert.ok(spent < 50, `first call: ${spent} below the chunk`);
          else assert.ok(spent > log[0]!, `later call: ${spent} below the chunk`);
        }
      }
    }
    assert.equal(t.inner.fuel + t.inner.fuelReserve, budget - log.reduce((a, b) => a + b, 0));
    return log;
  };
  assert.deepEqual(run("codegen"), run("interpreter"));
});

/** Nested loops, and a loop whose body calls a function with a loop of its own. */
const SHAPES = `(module
  (func $inner (param $k i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $k)))
      (br_if $l (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (local.get $s))
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (loop $outer
      (local.set $j (local.get $n))
      (loop $in
        (local.set $s (i32.xor (local.get $s) (i32.mul (local.get $j) (local.get $i))))
        (br_if $in (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  (func (export "calling") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $inner (i32.add (i32.and (local.get $n) (i32.const 7)) (i32.const 1)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;

const TIERS = [
  { executionTier: "interpreter" },
  { executionTier: "codegen" },
  { executionTier: "codegen", codegenStyle: "lean" },
] as const;

Deno.test("codegen fuel: stops in a first call (each check refilling) and in a later one are the interpreter's", () => {
  // From each budget, the first call of each export (a fresh instance: its generated code's
  // first call) and, after a call that ran through, a second one; every stop given what it asks
  // and `extra` more, up to 40 stops.
  const logs = (tier: (typeof TIERS)[number], name: string, budget: number, extra: number) => {
    const t = instantiate(SHAPES, { config: { consumeFuel: true, ...tier } });
    const onStop = (st: { requiredFuel: number }, log: unknown[]) => {
      log.push([st.requiredFuel, t.inner.fuel]);
      t.inner.fuel += st.requiredFuel + extra;
      return log.length < 40;
    };
    const first = fuelLog(t, name, [9], budget, onStop);
    fuelLog(t, name, [9], 1_000_000, onStop);
    return [first, fuelLog(t, name, [9], budget, onStop)];
  };
  for (const name of ["nested", "calling"]) {
    const [full] = logs(TIERS[0], name, 1_000_000, 0);
    const used = 1_000_000 - (full!.at(-1) as number);
    assert.ok(used > 100 && used < 10_000, `${name} uses ${used}`);
    for (const budget of [0, 1, 3, 17, used >> 1, used - 1, used]) {
      for (const extra of [0, 17]) {
        const [interpreter, ...generated] = TIERS.map((tier) => logs(tier, name, budget, extra));
        // From nothing, paying only what each stop asks: a stop at every checked charge.
        if (budget === 0 && extra === 0) assert.equal(interpreter![0]!.at(-1), "cut");
        for (const [i, log] of generated.entries()) {
          assert.deepEqual(log, interpreter, `${name} from ${budget} (+${extra}), tier ${i + 1}`);
        }
      }
    }
  }
});
