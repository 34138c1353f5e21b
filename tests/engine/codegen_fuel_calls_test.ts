/**
 * Fuel across direct calls of generated code (see "Direct calls" in `src/engine/codegen.ts`):
 * a caller hands its count to its callee and takes it back around each call. These tests stop
 * a call for fuel at small and large budgets inside a three-deep chain of direct calls and
 * inside recursion, resume it with a little fuel at a time, and check that every stop (the fuel
 * it asks for, the fuel left), every host call's view of `store.getFuel()` between direct
 * calls, and the result are the interpreter's.
 */

import assert from "node:assert/strict";
import { instantiate, resumedFuelLog } from "./harness.ts";

/**
 * `chain(n)`: `a` calls `b` calls `c` (each a direct call once warm), with a host probe between
 * the calls; `fib(n)`: plain recursion.
 */
const CHAIN = `(module
  (import "env" "probe" (func $probe (param i32)))
  (func $c (param $x i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func $b (param $x i32) (result i32) (local $t i32)
    (local.set $t (call $c (local.get $x)))
    (call $probe (local.get $t))
    (i32.add (local.get $t) (call $c (i32.add (local.get $x) (i32.const 7)))))
  (func $a (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.xor (local.get $s) (call $b (local.get $n))))
        (call $probe (local.get $s))
        (local.set $s (i32.add (local.get $s) (call $b (i32.shl (local.get $n) (i32.const 1)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (export "chain" (func $a))
  (export "fib" (func $fib)))`;

type Tier = "interpreter" | "codegen";

/**
 * Runs `name(arg)` in `tier` from `budget` fuel (after `warm` unmetered-budget calls that make
 * the direct entries), adding `step` fuel at each stop: the log of stops, probes and result.
 */
function run(tier: Tier, name: string, arg: number, budget: number, step: number, warm = 2) {
  const log: unknown[] = [];
  const t = instantiate(CHAIN, {
    config: { executionTier: tier, consumeFuel: true },
    imports: { "env.probe": (v) => void log.push(["probe", v, t.store.getFuel()]) },
  });
  t.store.setFuel(1_000_000_000);
  for (let i = 0; i < warm; i++) t.call(name, 3);
  log.length = 0;
  return resumedFuelLog(t, name, arg, budget, step, log, 100_000);
}

/** The fuel `name(arg)` uses, by the interpreter. */
function used(name: string, arg: number): number {
  const log = run("interpreter", name, arg, 1_000_000_000, 1);
  return 1_000_000_000 - Number((log.at(-1) as [string, bigint])[1]);
}

for (const [name, arg] of [["chain", 4], ["fib", 9]] as const) {
  Deno.test(`codegen fuel: ${name} stops, resumes and probes where the interpreter does`, () => {
    const total = used(name, arg);
    assert.ok(total > 100, `${name} uses ${total}`);
    const budgets = [0, 1, 3, 17, total >> 1, total - 1, total, total + 5];
    for (const budget of budgets) {
      for (const step of [1, 3, 17, 1000]) {
        const where = `${name}(${arg}), budget ${budget}, step ${step}`;
        const expected = run("interpreter", name, arg, budget, step);
        assert.deepEqual(run("codegen", name, arg, budget, step), expected, where);
      }
    }
  });
}

Deno.test("codegen fuel: a cold call (no direct entries yet) stops where the interpreter does", () => {
  for (const budget of [0, 1, 3, 17, 200]) {
    for (const name of ["chain", "fib"]) {
      const expected = run("interpreter", name, 6, budget, 17, 0);
      assert.deepEqual(run("codegen", name, 6, budget, 17, 0), expected, `${name} ${budget}`);
    }
  }
});

/**
 * `loop(n)` calls leaves (bodies with no call, loop or charge but the one on entry) through a
 * table, one of which (`divide`) traps at `n` = 9; each leaf is also
 * exported, for its direct entry.
 */
const LEAVES = `(module
  (type $unary (func (param i32) (result i32)))
  (table 4 funcref)
  (memory 1)
  (elem (i32.const 0) $inc $divide $store $inc)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $divide (type $unary) (i32.div_u (i32.const 1000) (i32.sub (local.get 0) (i32.const 9))))
  (func $store (type $unary)
    (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get 0)))
    (i32.load (i32.const 16)))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc)
          (call_indirect (type $unary) (local.get $n) (i32.and (local.get $n) (i32.const 3)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (i32.add (local.get $acc) (i32.load (i32.const 16))))
  (export "inc" (func $inc))
  (export "divide" (func $divide)))`;

/** `loop(arg)` in `tier` from `budget` fuel, `step` more at each stop: its log (see `run`). */
function leaves(tier: Tier, arg: number, budget: number, step: number, warm: boolean) {
  const t = instantiate(LEAVES, { config: { executionTier: tier, consumeFuel: true } });
  t.store.setFuel(1_000_000_000);
  if (warm) t.call("loop", 7);
  const log: unknown[] = [];
  try {
    return resumedFuelLog(t, "loop", arg, budget, step, log, 100_000);
  } catch (e) {
    return [...log, ["trap", String(e), t.store.getFuel()]];
  }
}

Deno.test("codegen fuel: a leaf's direct entry without its stop stops and traps where the interpreter does", () => {
  for (const warm of [false, true]) {
    for (const budget of [0, 1, 2, 5, 9, 13, 40, 100, 1000]) {
      for (const step of [1, 4, 1000]) {
        for (const arg of [5, 12, 256]) {
          const where = `loop(${arg}), budget ${budget}, step ${step}, warm ${warm}`;
          const expected = leaves("interpreter", arg, budget, step, warm);
          assert.deepEqual(leaves("codegen", arg, budget, step, warm), expected, where);
        }
      }
    }
  }
  // The leaves' direct entries are the short ones (see `meteredLeaf` in codegen.ts).
  const t = instantiate(LEAVES, { config: { executionTier: "codegen", consumeFuel: true } });
  t.store.setFuel(1_000_000_000);
  t.call("loop", 7);
  for (const name of ["inc", "divide"]) {
    const direct = String(t.entity(name).direct);
    assert.match(direct, /return \$slow\(/, name);
    assert.doesNotMatch(direct, /FuelStop|refuelAhead|stopWith/, name);
  }
});
