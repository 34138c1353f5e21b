/**
 * The CI slice of the differential fuzzer: a fixed range of seeds, each a binaryen `-ttf` module
 * run on native V8 and on wasmi-ts (fuel off, fuel on, eager compilation), every export called,
 * results, traps, host-call logs and final memory, tables and globals compared.
 *
 * `FUZZ_MODULES` sets how many modules (default 400, about a minute on a quiet machine);
 * `FUZZ_SEED` the first seed (default 1). A failure prints the seed; `deno task fuzz --seed N
 * --count 1` reproduces it and saves the module under fuzz-out/.
 */
import assert from "node:assert/strict";
import { defaultRunners, describeSeed, fuzzSeed, type Verdict } from "./_campaign.ts";

const MODULES = Number(Deno.env.get("FUZZ_MODULES") ?? 400);
const FIRST_SEED = Number(Deno.env.get("FUZZ_SEED") ?? 1);

Deno.test(`differential fuzzing: ${MODULES} binaryen modules agree with native V8`, async () => {
  const runners = defaultRunners();
  const tally: Record<Verdict, number> = { agree: 0, nan: 0, divergence: 0, cut: 0 };
  const divergences: string[] = [];
  const cuts: Record<string, number> = {};
  let calls = 0;
  const began = performance.now();
  for (let seed = FIRST_SEED; seed < FIRST_SEED + MODULES; seed++) {
    const result = await fuzzSeed(seed, runners, { maxInput: 12 * 1024 });
    tally[result.verdict]++;
    calls += result.calls;
    if (result.verdict === "cut") cuts[result.detail!] = (cuts[result.detail!] ?? 0) + 1;
    if (result.verdict === "divergence") {
      divergences.push(`${describeSeed(seed, result.options)}: ${result.detail}`);
    }
  }
  const minutes = (performance.now() - began) / 60_000;
  console.log(
    `${MODULES} modules in ${minutes.toFixed(2)} min (${(MODULES / minutes).toFixed(0)}/min): ` +
      `${tally.agree} agree, ${tally.nan} NaN-only, ${tally.divergence} divergences, ` +
      `${tally.cut} cut off ${JSON.stringify(cuts)}; ${calls} export calls`,
  );
  assert.deepEqual(divergences, [], "wasmi-ts diverged from V8");
  // Not vacuous: most modules ran to the end and were compared.
  assert.ok(tally.agree >= MODULES * 0.8, `only ${tally.agree} of ${MODULES} modules compared`);
  assert.ok(calls >= MODULES, `only ${calls} export calls`);
});
