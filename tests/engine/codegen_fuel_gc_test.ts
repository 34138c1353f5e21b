/**
 * Fuel around Wasm GC allocations in generated code: a metered `struct.new` whose fields cost
 * no fuel (fewer than `elementsPerFuel`) is spelled inline, as in unmetered code (see
 * `structNew` in src/engine/codegen_gc.ts); one whose fields cost fuel keeps the row's
 * template. These tests stop calls that allocate structs and arrays in loops (collections
 * included) at small and large budgets, resume them a little fuel at a time, and check that
 * every stop, every host probe's view of `store.getFuel()` and the result are the
 * interpreter's, with the default prices and with prices that make the fields pay.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import type { ConfigOptions } from "../../mod.ts";
import { generateSource } from "../../src/engine/codegen.ts";
import { instantiate, resumedFuelLog } from "./harness.ts";

/**
 * `list(n)`: builds a list of n nodes (two fields), probing the fuel every 4th, and sums it;
 * `big(n)`: n structs of 17 fields (new and new_default) and arrays of up to 7 elements.
 */
const GC = await parse(`(module
  (type $node (struct (field $next (ref null $node)) (field $v i32)))
  (type $big (struct (field i32) (field i32) (field i32) (field i32) (field i32) (field i32)
    (field i32) (field i32) (field i32) (field i32) (field i32) (field i32) (field i32)
    (field i32) (field i32) (field i32) (field $last i32)))
  (type $arr (array (mut i32)))
  (import "env" "probe" (func $probe (param i32)))
  (func (export "list") (param $n i32) (result i32) (local $h (ref null $node)) (local $s i32)
    (loop $l
      (local.set $h (struct.new $node (local.get $h) (local.get $n)))
      (if (i32.eqz (i32.and (local.get $n) (i32.const 3))) (then (call $probe (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (block $done
      (loop $w
        (br_if $done (ref.is_null (local.get $h)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $h))))
        (local.set $h (struct.get $node $next (local.get $h)))
        (br $w)))
    (local.get $s))
  (func (export "big") (param $n i32) (result i32) (local $s i32) (local $a (ref null $arr))
    (loop $l
      (local.set $s (i32.add (local.get $s) (struct.get $big $last
        (struct.new $big (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
          (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10) (i32.const 11)
          (i32.const 12) (i32.const 13) (i32.const 14) (i32.const 15) (i32.const 16)
          (local.get $n)))))
      (local.set $s (i32.add (local.get $s) (struct.get $big $last (struct.new_default $big))))
      (local.set $a (array.new $arr (local.get $n) (i32.and (local.get $n) (i32.const 7))))
      (local.set $s (i32.add (local.get $s) (array.len (local.get $a))))
      (call $probe (local.get $s))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`);

type Tier = "interpreter" | "codegen";

/**
 * Runs `name(arg)` in `tier` with fuel prices `costs` from `budget` fuel (after two warm-up
 * calls), adding `step` fuel at each stop: the log of stops, probes and the result.
 */
function run(
  tier: Tier,
  costs: ConfigOptions["fuelCosts"],
  name: string,
  arg: number,
  budget: number,
  step: number,
): unknown[] {
  const log: unknown[] = [];
  const t = instantiate(GC, {
    config: {
      executionTier: tier,
      consumeFuel: true,
      wasmGc: true,
      ...(costs === undefined ? {} : { fuelCosts: costs }),
    },
    imports: { "env.probe": (v) => void log.push(["probe", v, t.store.getFuel()]) },
  });
  t.store.setFuel(1_000_000_000);
  for (let i = 0; i < 2; i++) t.call(name, 5);
  log.length = 0;
  return resumedFuelLog(t, name, arg, budget, step, log);
}

const PRICES: [string, ConfigOptions["fuelCosts"]][] = [
  ["default prices", undefined],
  ["a unit per element", { base: 1, call: 0, bytesPerFuel: 64, elementsPerFuel: 1 }],
  ["a unit per 3 elements", { base: 1, call: 0, bytesPerFuel: 64, elementsPerFuel: 3 }],
];

for (const [prices, costs] of PRICES) {
  Deno.test(`codegen fuel gc: allocating loops stop, probe and end as the interpreter's (${prices})`, () => {
    // `list` allocates past a collection (`GC_COLLECT_MIN` handles) in its longest runs.
    for (const [name, arg] of [["list", 40], ["big", 12], ["list", 5000]] as const) {
      const total = 1_000_000_000 -
        Number(
          (run("interpreter", costs, name, arg, 1_000_000_000, 1).at(-1) as [string, bigint])[1],
        );
      const budgets = arg > 1000
        ? [0, total >> 1, total - 1, total]
        : [0, 1, 3, 17, total >> 1, total - 1, total, total + 5];
      for (const budget of budgets) {
        for (const step of arg > 1000 ? [100_000] : [1, 3, 17, 1000]) {
          const where = `${name}(${arg}), budget ${budget}, step ${step}`;
          const expected = run("interpreter", costs, name, arg, budget, step);
          assert.deepEqual(run("codegen", costs, name, arg, budget, step), expected, where);
        }
      }
    }
  });
}

Deno.test("codegen fuel gc: a metered struct.new is spelled inline only where its fields are free", () => {
  const t = instantiate(GC, {
    config: { executionTier: "interpreter", consumeFuel: true, wasmGc: true },
    imports: { "env.probe": () => {} },
  });
  const sourceOf = (name: string, freeElements: number) => {
    const cf = t.engine.compile(t.entity(name));
    const result = generateSource(cf.code, {
      numResults: cf.numResults,
      structured: true,
      paramWords: cf.paramWords,
      localWords: cf.localWords,
      collectable: true,
      freeElements,
    });
    if (!("source" in result)) throw new Error(result.reason);
    return result.source;
  };
  // Two fields: inline from `elementsPerFuel` 3 on (16, the default, gives 15 free elements).
  for (const free of [2, 15]) {
    const list = sourceOf("list", free);
    assert.match(list, /new GcStruct2\(/);
    assert.doesNotMatch(list, /structNew\(/);
  }
  for (const free of [0, 1]) assert.match(sourceOf("list", free), /structNew\(store/);
  // 17 fields pay a unit at the default prices: the templates, which may stop.
  const big = sourceOf("big", 15);
  assert.match(big, /structNew\(store/);
  assert.match(big, /structNewDefault\(store/);
  assert.doesNotMatch(big, /new GcStructN\(/);
  assert.doesNotMatch(sourceOf("big", 16), /new GcStructN\(/);
  assert.match(sourceOf("big", 17), /new GcStructN\(/);
});
