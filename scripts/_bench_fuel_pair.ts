/**
 * One process of `bench_fuel.ts`: runs one workload with fuel off and with fuel on in the same
 * process, each on its own copy of the library (`--off-module`, `--on-module`: two paths, so two
 * module instances, two executors and two sets of V8 type feedback), the calls alternated, and
 * prints each mode's figures as JSON on stdout.
 *
 * Why one process for both modes: CPU time per process is not a steady measure on the shared
 * machine. The same fixed work (a Python loop pinned with `taskset`, December 2026, load 9-13)
 * took 15-16 ms on one vCPU and 27-33 ms on the other in the same minute, in spells of up to
 * minutes (one vCPU over 1.5x slower than the other in 58 of 193 samples over 50 minutes), so
 * separate processes fall into fast and slow modes whatever they run (tier interpreter, scale
 * 0.5, 8 processes per mode: hostcall fuel off 48.8-52.1 ms CPU in five processes and
 * 84.7-89.4 in three, fuel on 48.4-59.7 in four and 81.5-84.8 in four). Calls alternated in
 * one process run in the same spells, and the ratio of their minima cancels them.
 *
 * ```sh
 * deno run --allow-read --allow-env scripts/_bench_fuel_pair.ts --workload xxh64 \
 *   --off-module mod.ts --on-module /tmp/copy/mod.ts [--scale 1] [--iterations 5] [--warmup 3]
 *   [--warmup-ms 1000] [--tier interpreter|codegen|auto] [--first off|on]
 * ```
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { loadWasmiEngine, type Runner } from "./_bench_engines.ts";
import { loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

/** One mode's figures in one process (the JSON this script prints has `off` and `on`). */
export interface PairSample {
  /** The CPU time (user + system, of the whole process) of the mode's fastest timed call, ms. */
  cpuMs: number;
  /** The median wall-clock time of its timed calls, ms. */
  ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A checksum as text, so that results of every type compare (as in bench.ts). */
function formatChecksum(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  return String(value);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      workload: { type: "string" },
      "off-module": { type: "string" },
      "on-module": { type: "string" },
      scale: { type: "string", default: "1" },
      iterations: { type: "string", default: "5" },
      warmup: { type: "string", default: "3" },
      "warmup-ms": { type: "string", default: "1000" },
      tier: { type: "string" },
      first: { type: "string", default: "off" },
    },
  });
  const workload = WORKLOADS.find((w) => w.name === values.workload);
  if (workload === undefined) throw new Error(`no workload named ${values.workload}`);
  if (values["off-module"] === undefined || values["on-module"] === undefined) {
    throw new Error("--off-module and --on-module are required");
  }
  const size = workload.size(Number(values.scale));
  const iterations = Math.max(1, Math.round(Number(values.iterations)));
  const warmup = Math.max(0, Math.round(Number(values.warmup)));
  const warmupMs = Number(values["warmup-ms"]);
  const bytes = await loadWorkloadBytes(workload);
  const runners: Record<"off" | "on", Runner> = {
    off: (await loadWasmiEngine(values["off-module"], { fuel: false, tier: values.tier }))
      .instantiate(bytes, workload),
    on: (await loadWasmiEngine(values["on-module"], { fuel: true, tier: values.tier }))
      .instantiate(bytes, workload),
  };
  const order = values.first === "on" ? ["on", "off"] as const : ["off", "on"] as const;
  let checksum: string | undefined;
  const call = (mode: "off" | "on") => {
    const text = formatChecksum(runners[mode].run(size));
    checksum ??= text;
    if (text !== checksum) throw new Error(`fuel ${mode} returned ${text} after ${checksum}`);
  };
  // The warm-up of bench.ts for each mode (`--warmup` calls, then calls for `--warmup-ms`),
  // both at once: each turn calls each mode once, until twice `--warmup-ms` have passed.
  const warmStart = performance.now();
  for (let i = 0; i < warmup; i++) for (const mode of order) call(mode);
  while (performance.now() - warmStart < 2 * warmupMs) for (const mode of order) call(mode);
  const cpu = { off: [] as number[], on: [] as number[] };
  const wall = { off: [] as number[], on: [] as number[] };
  for (let i = 0; i < iterations; i++) {
    for (const mode of order) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      call(mode);
      wall[mode].push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu[mode].push((used.user + used.system) / 1000);
    }
  }
  const sample = (mode: "off" | "on"): PairSample => ({
    cpuMs: Math.min(...cpu[mode]),
    ms: median(wall[mode]),
  });
  console.log(JSON.stringify({ off: sample("off"), on: sample("on"), checksum }));
  return 0;
}

if (import.meta.main) Deno.exit(await main());
