/**
 * Fuel around the fused byte stores (`I32AddAddImmShrUStore8At` and the rows fused with it),
 * which generated code spells in place (`inlineStoreByte` in src/engine/codegen.ts) with the
 * fuel count written back only where the store traps: a blur loop that runs off the memory's
 * end stops for fuel, traps and ends with the fuel the interpreter leaves, from budgets that
 * run out before, at and after the trapping pass.
 */

import assert from "node:assert/strict";
import { Trap, Val } from "../../mod.ts";
import { instantiate } from "./harness.ts";

/**
 * `blur(q, n)`: n [1 2 1] steps from byte q on, each storing two bytes past the byte it
 * loads: past 65,536 bytes its store traps (its load still in bounds).
 */
const BLUR = `(module (memory 1)
  (func (export "blur") (param $q i32) (param $n i32) (result i32) (local $a i32) (local $c i32)
    (loop $l
      local.get $q i32.const 3 i32.add
      local.get $a local.get $c i32.const 1 i32.shl i32.add
      local.get $q i32.const 1 i32.add i32.load8_u local.tee $a
      i32.add i32.const 2 i32.add i32.const 2 i32.shr_u
      i32.store8
      (local.set $c (i32.add (local.get $c) (i32.const 3)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $a) (local.get $c))))`;

type Tier = "interpreter" | "codegen";

/** `blur(q, n)` in `tier` from `budget`, adding `step` at each stop: stops, end, fuel left. */
function run(tier: Tier, lean: boolean, q: number, n: number, budget: number, step: number) {
  const t = instantiate(BLUR, {
    config: { executionTier: tier, consumeFuel: true, ...(lean ? { codegenStyle: "lean" } : {}) },
  });
  assert.match(t.code("blur"), /ShrUStore8At/);
  t.store.setFuel(1_000_000);
  t.call("blur", 0, 100);
  t.store.setFuel(budget);
  const log: unknown[] = [];
  try {
    let call = t.func("blur").callResumable(t.store, [Val.i32(q), Val.i32(n)]);
    while (call.kind === "outOfFuel") {
      log.push(["stop", call.requiredFuel, t.store.getFuel()]);
      t.store.setFuel(t.store.getFuel() + BigInt(step));
      call = call.resume(t.store);
    }
    log.push(["result", call.kind === "finished" ? call.results[0]!.value : call.kind]);
  } catch (e) {
    log.push(["trap", e instanceof Trap ? e.message : String(e)]);
  }
  log.push(["left", t.store.getFuel()]);
  return log;
}

Deno.test("codegen fuel: a fused byte store's trap and stops leave the interpreter's fuel", () => {
  // From 65,335, pass 199 stores past the memory's end (its load, 2 bytes before, does not).
  for (const [q, n] of [[65_000, 100], [65_335, 300]]) {
    const last = run("interpreter", false, q, n, 10_000_000, 1).at(-1) as [string, bigint];
    const used = 10_000_000 - Number(last[1]);
    for (const budget of [0, 7, used >> 1, used - 1, used, used + 3, 10_000_000]) {
      for (const step of [1, 29, 1_000_000]) {
        const expected = run("interpreter", false, q, n, budget, step);
        for (const lean of [false, true]) {
          const where = `blur(${q}, ${n}) from ${budget}, step ${step}${lean ? ", lean" : ""}`;
          assert.deepEqual(run("codegen", lean, q, n, budget, step), expected, where);
        }
      }
    }
  }
});
