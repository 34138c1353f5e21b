/**
 * A short deterministic run of the tier differential with fuel slices (tests/fuzz/_tiers.ts):
 * generated modules with loops, calls at one depth and tail calls run in the interpreter, in
 * generated code and in its lean spelling, fuel given in small slices; every tier must stop at
 * the same places with the same fuel left, and end with the same results and traps.
 * `deno task fuzz --tiers` runs the same comparison for longer.
 */

import assert from "node:assert/strict";
import { tierDifference, tierLog } from "../fuzz/_tiers.ts";

Deno.test("codegen fuel fuzz: generated modules in small fuel slices agree in every tier", async () => {
  for (let seed = 1; seed <= 10; seed++) assert.equal(await tierDifference(seed), null);
});

Deno.test("codegen fuel fuzz: the runs stop often, call and finish", async () => {
  // What the comparison above sees is worth comparing: out-of-fuel stops, results and traps.
  const { log, cut } = await tierLog(3, "interpreter", { slice: 16, asyncSlice: 39, budget: 1827 });
  assert.equal(cut, false);
  assert.ok(log.filter((l) => l.startsWith("stop ")).length > 100, `${log.length} lines`);
  assert.ok(log.some((l) => l.startsWith("result ")));
  assert.ok(log.some((l) => l.startsWith("async ")));
});
