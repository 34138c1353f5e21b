/**
 * Warm-up: how much longer the first call of a workload takes than a warm one. Each workload of
 * `bench/` runs in a fresh process (so that V8 has optimised nothing of the engine yet, as for a
 * program calling Wasm once): the module is compiled and instantiated, then `run` is called
 * `--calls` times; the table shows the first call's time, the median of the others, and their
 * ratio (issue 14's target: a first call within 3x of a warm one), the best of `--rounds`
 * processes. Native V8 runs the same calls in the same process, for reference.
 *
 * ```sh
 * deno task bench:warmup [--filter xxh64,fib] [--scale 1.0] [--calls 6] [--rounds 2]
 *                        [--tier interpreter|codegen|auto] [--fuel] [--v8-flags=...]
 *                        [--json out.json]
 * ```
 *
 * `--v8-flags` is passed on to the child processes (e.g. `--v8-flags=--trace-deopt` to see why
 * the interpreter loop is deoptimised; their output then goes to this process's stdout).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadWasmiEngine, nativeEngine } from "./_bench_engines.ts";
import { loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

/** What one child process measured: ms of each call, first to last, per engine. */
interface ChildReport {
  wasmi: number[];
  native: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The child: times `calls` calls of one workload, wasmi-ts first (nothing warmed before it). */
async function child(
  name: string,
  scale: number,
  calls: number,
  tier: string | undefined,
  fuel: boolean,
): Promise<void> {
  const workload = WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`no workload ${name}`);
  const bytes = await loadWorkloadBytes(workload);
  const size = workload.size(scale);
  const report: ChildReport = { wasmi: [], native: [] };
  const wasmi = await loadWasmiEngine(undefined, { fuel, tier });
  const checksums = new Set<string>();
  for (const [engine, times] of [[wasmi, report.wasmi], [nativeEngine, report.native]] as const) {
    const runner = engine.instantiate(bytes, workload);
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      const result = runner.run(size);
      times.push(performance.now() - start);
      checksums.add(String(result));
    }
  }
  if (checksums.size !== 1) throw new Error(`${name}: checksums differ: ${[...checksums]}`);
  console.log(JSON.stringify(report));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "1" },
      calls: { type: "string", default: "6" },
      rounds: { type: "string", default: "2" },
      tier: { type: "string" },
      fuel: { type: "boolean", default: false },
      "v8-flags": { type: "string" },
      json: { type: "string" },
      child: { type: "string" },
    },
  });
  const scale = Number(values.scale);
  const calls = Math.max(2, Math.round(Number(values.calls)));
  if (values.child !== undefined) {
    await child(values.child, scale, calls, values.tier, values.fuel);
    return 0;
  }
  const rounds = Math.max(1, Math.round(Number(values.rounds)));
  const filters = values.filter?.split(",").filter((f) => f !== "") ?? [];
  const names = WORKLOADS.map((w) => w.name).filter((name) =>
    filters.length === 0 || filters.some((f) => name.includes(f))
  );
  const script = new URL(import.meta.url).pathname;
  const flags = values["v8-flags"] === undefined ? [] : [`--v8-flags=${values["v8-flags"]}`];
  const pass = [
    "--scale",
    values.scale,
    "--calls",
    String(calls),
    ...(values.tier === undefined ? [] : ["--tier", values.tier]),
    ...(values.fuel ? ["--fuel"] : []),
  ];
  console.log(
    `deno ${Deno.version.deno}; scale ${scale}, ${calls} calls per process, best of ${rounds}; ` +
      `tier ${values.tier ?? "default"}${values.fuel ? ", fuel on" : ""}\n`,
  );
  console.log(
    "workload           first ms   warm ms  first/warm   native first/warm",
  );
  console.log(
    "----------------  ---------  --------  ----------   -----------------",
  );
  const rows: {
    name: string;
    firstMs: number;
    warmMs: number;
    ratio: number;
    native: number;
  }[] = [];
  for (const name of names) {
    let best: Omit<(typeof rows)[number], "name"> | null = null;
    for (let round = 0; round < rounds; round++) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-env", ...flags, script, "--child", name, ...pass],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      if (!out.success) {
        console.error(`${name}: ${new TextDecoder().decode(out.stderr)}`);
        return 1;
      }
      // With --v8-flags the child's tracing surrounds the report (even on its line).
      const found = /\{"wasmi":[^}]*\}/.exec(text);
      if (found === null) throw new Error(`${name}: no report in ${text}`);
      if (flags.length > 0) console.log(text.replace(found[0], "\n"));
      const report = JSON.parse(found[0]) as ChildReport;
      const firstMs = report.wasmi[0]!;
      const warmMs = median(report.wasmi.slice(1));
      const native = report.native[0]! / median(report.native.slice(1));
      const ratio = firstMs / warmMs;
      if (best === null || ratio < best.ratio) {
        best = { firstMs, warmMs, ratio, native };
      }
    }
    rows.push({ name, ...best! });
    console.log(
      `${name.padEnd(16)}  ${best!.firstMs.toFixed(1).padStart(9)}  ` +
        `${best!.warmMs.toFixed(1).padStart(8)}  ${best!.ratio.toFixed(2).padStart(9)}x   ` +
        `${best!.native.toFixed(2).padStart(16)}x`,
    );
  }
  const geomean = Math.exp(rows.reduce((sum, r) => sum + Math.log(r.ratio), 0) / rows.length);
  console.log(`\ngeometric mean of first/warm: ${geomean.toFixed(2)}x`);
  if (values.json !== undefined) {
    const report = { date: new Date().toISOString(), scale, calls, tier: values.tier, rows };
    await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
