/**
 * `deno task fuzz`: differential fuzzing of wasmi-ts against the host's native `WebAssembly`
 * (see tests/fuzz/_campaign.ts for what is compared).
 *
 * ```sh
 * deno task fuzz                      # one minute from a random start seed
 * deno task fuzz --minutes 30         # a long run
 * deno task fuzz --seed 1234 --count 1 # one seed again
 * deno task fuzz --repro fuzz-out/seed-1234.wasm --seed 1234
 * deno task fuzz --tiers [--minutes 5]  # the execution tiers against each other, fuel in slices
 * ```
 *
 * Each divergence is saved under `fuzz-out/` (git-ignored): the module as `seed-N.wasm` and
 * `seed-N.txt` with the difference and the command that reproduces it. Modules whose only
 * difference is NaN bits go to `fuzz-out/nan/`.
 *
 * `--tiers` compares wasmi-ts's execution tiers (interpreter, generated code in its jit and lean
 * spellings, the `auto` tier in both) with each other instead, on modules it generates itself
 * (loops, calls, tail calls, exceptions, memory at the bounds edge, GC objects, v128 lanes,
 * references in GC fields and exception payloads, `call_ref`, casts, memory64), fuel given in
 * small slices and without fuel, the host's `WebAssembly` as the reference for results (see
 * tests/fuzz/_tiers.ts); a difference is saved as `tiers-seed-N.wat`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type CaseResult,
  defaultRunners,
  describeSeed,
  fuzzSeed,
  runAll,
} from "../tests/fuzz/_campaign.ts";
import { setUpRunners } from "../tests/fuzz/_diff.ts";
import { FUEL_TIERS, tierDifference, tierModule } from "../tests/fuzz/_tiers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string" },
    count: { type: "string" },
    seed: { type: "string" },
    out: { type: "string", default: "fuzz-out" },
    "max-input": { type: "string" },
    fuel: { type: "string" },
    repro: { type: "string" },
    quiet: { type: "boolean", default: false },
    tiers: { type: "boolean", default: false },
  },
});

const fuel = values.fuel !== undefined ? Number(values.fuel) : undefined;
const runners = defaultRunners(fuel);
const out = values.out!;

if (values.repro !== undefined) {
  await setUpRunners();
  const wasm = await Deno.readFile(values.repro);
  const seed = Number(values.seed ?? /seed-(\d+)/.exec(values.repro)?.[1] ?? 0);
  const result = runAll(wasm, seed, runners);
  if (result.cut !== undefined) console.log(`cut off: ${result.cut}`);
  else if (result.difference !== undefined) console.log(`DIVERGENCE\n${result.difference}`);
  else console.log(`all runners agree (${result.calls} calls)`);
  Deno.exit(result.difference !== undefined ? 1 : 0);
}

const minutes = values.minutes !== undefined ? Number(values.minutes) : undefined;

if (values.tiers) {
  const count = values.count !== undefined ? Number(values.count) : undefined;
  const deadline = performance.now() + (minutes ?? (count === undefined ? 1 : Infinity)) * 60_000;
  const start = values.seed !== undefined ? Number(values.seed) : (Date.now() % 1_000_000_000);
  console.log(
    `tiers from seed ${start}: ${Object.keys(FUEL_TIERS).join(", ")} and native; ` +
      `fuel in slices and none`,
  );
  let n = 0, differences = 0;
  const tally = { cut: 0, notNative: 0 };
  const began = performance.now();
  for (
    let seed = start;
    performance.now() < deadline && (count === undefined || n < count);
    seed++
  ) {
    const difference = await tierDifference(seed, tally);
    n++;
    if (difference !== null) {
      differences++;
      await Deno.mkdir(values.out!, { recursive: true });
      const base = `${values.out}/tiers-seed-${seed}`;
      await Deno.writeTextFile(`${base}.wat`, tierModule(seed));
      await Deno.writeTextFile(
        `${base}.txt`,
        `${difference}\nreproduce: deno task fuzz --tiers --seed ${seed} --count 1\n`,
      );
      console.log(`DIFFERENCE ${difference}: saved as ${base}.wat`);
    }
    if (n % 50 === 0) console.log(`... ${n} modules, ${differences} differences`);
  }
  const secs = (performance.now() - began) / 1000;
  console.log(
    `${n} modules in ${secs.toFixed(0)} s, seeds ${start}..${start + n - 1}: ` +
      `${differences} differences; not compared: fueled runs cut off at the fuel cap ${tally.cut}, ` +
      `native runs (a stack overflow, a host error or float bits in the results) ${tally.notNative}`,
  );
  Deno.exit(differences > 0 ? 1 : 0);
}

const count = values.count !== undefined ? Number(values.count) : undefined;
const deadline = performance.now() + (minutes ?? (count === undefined ? 1 : Infinity)) * 60_000;
const start = values.seed !== undefined ? Number(values.seed) : (Date.now() % 1_000_000_000);
const campaign = values["max-input"] !== undefined ? { maxInput: Number(values["max-input"]) } : {};

const tally: Record<string, number> = { agree: 0, nan: 0, divergence: 0, cut: 0 };
const cuts: Record<string, number> = {};
let calls = 0, skipped = 0, n = 0;
const began = performance.now();
console.log(
  `fuzzing from seed ${start}: ${
    runners.tested.map((r) => r.name).join(", ")
  } against ${runners.reference.name}`,
);

async function save(result: CaseResult): Promise<void> {
  const dir = result.verdict === "nan" ? `${out}/nan` : out;
  await Deno.mkdir(dir, { recursive: true });
  const base = `${dir}/seed-${result.seed}`;
  await Deno.writeFile(`${base}.wasm`, result.wasm);
  await Deno.writeTextFile(
    `${base}.txt`,
    `${result.verdict}: ${describeSeed(result.seed, result.options)}\n` +
      `reproduce: deno task fuzz --repro ${base}.wasm --seed ${result.seed}\n` +
      `or regenerate: deno task fuzz --seed ${result.seed} --count 1\n\n${result.detail}\n`,
  );
  // Every runner's transcript in full, to read the difference in its context.
  for (const t of result.transcripts ?? []) {
    await Deno.writeTextFile(
      `${base}.${t.runner}.log`,
      `${t.events.join("\n")}\n${t.cut !== undefined ? `cut off: ${t.cut}\n` : ""}`,
    );
  }
}

for (let seed = start; performance.now() < deadline && (count === undefined || n < count); seed++) {
  const result = await fuzzSeed(seed, runners, campaign);
  n++;
  tally[result.verdict]!++;
  calls += result.calls;
  skipped += result.skipped;
  if (result.verdict === "divergence" || result.verdict === "nan") {
    await save(result);
    console.log(
      `${result.verdict.toUpperCase()} ${describeSeed(seed, result.options)}: saved under ${out}`,
    );
    if (!values.quiet || result.verdict === "divergence") console.log(result.detail);
  } else if (result.verdict === "cut") {
    cuts[result.detail!] = (cuts[result.detail!] ?? 0) + 1;
    if (!values.quiet) {
      console.log(`cut off ${describeSeed(seed, result.options)}: ${result.detail}`);
    }
  }
  if (n % 50 === 0) console.log(`... ${n} modules, ${JSON.stringify(tally)}`);
}

const mins = (performance.now() - began) / 60_000;
console.log(
  `${n} modules in ${mins.toFixed(1)} min (${(n / mins).toFixed(0)}/min), seeds ${start}..${
    start + n - 1
  }: ` +
    `${tally.agree} agree, ${tally.nan} NaN-only, ${tally.divergence} divergences, ${tally.cut} cut off; ` +
    `${calls} export calls, ${skipped} skipped (v128 signature)`,
);
for (const [reason, k] of Object.entries(cuts)) console.log(`  cut off (${reason}): ${k}`);
Deno.exit(tally.divergence! > 0 ? 1 : 0);
