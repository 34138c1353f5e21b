/**
 * Warm-up: how much longer the first call of a workload takes than a warm one. Each workload of
 * `bench/` runs in a fresh process (so that V8 has optimised nothing of the engine yet, as for a
 * program calling Wasm once): the module is compiled and instantiated, then `run` is called
 * `--calls` times; the table shows the first call's time, the median of the others, and their
 * ratio (issue 14's target: a first call within 3x of a warm one), the least of `--rounds`
 * processes. Native V8 runs the same calls in the same process, for reference.
 *
 * Each call is timed twice: wall time (`performance.now`) and the CPU time of the child process
 * (`process.cpuUsage`, user + system, all threads: V8's background Maglev and TurboFan compiles
 * count, other processes' turns on the shared machine do not). Read the CPU columns: the wall
 * figures of a first call swung 2x between runs on the shared 2-core machine.
 *
 * ```sh
 * deno task bench:warmup [--filter xxh64,fib] [--scale 1.0] [--calls 6] [--rounds 2]
 *                        [--tier interpreter|codegen|auto] [--fuel] [--v8-flags=...]
 *                        [--json out.json] [--tree ../main]
 * ```
 *
 * With `--rounds 3` or more, a summary follows the table: each workload's wall first/warm ratio
 * per process (median, range, processes over 3x), since the table's least hides the others.
 * `--help` prints the usage.
 *
 * `--v8-flags` is passed on to the child processes (e.g. `--v8-flags=--trace-deopt` to see why
 * the interpreter loop is deoptimised; their output then goes to this process's stdout).
 * `--tree path` is an A/B: each round runs this checkout's library (A) and the one at `path` (B)
 * in alternating processes (A B, then B A, ...), the same harness for both, and prints B's row
 * and A/B of the CPU figures under A's.
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { loadWasmiEngine, nativeEngine } from "./_bench_engines.ts";
import { loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

/**
 * What one child process measured, per engine: ms of each call, first to last, wall and CPU;
 * and wasmi-ts's load (compile and instantiate, before the first call). Flat, so that the parent
 * finds it in tracing output with one regular expression.
 */
export interface ChildReport {
  wasmi: number[];
  wasmiCpu: number[];
  native: number[];
  nativeCpu: number[];
  loadMs: number;
  loadCpu: number;
}

/** The figures of one process: first call, median of the warm ones, and ratios. */
export interface RoundFigures {
  firstMs: number;
  warmMs: number;
  ratio: number;
  firstCpu: number;
  warmCpu: number;
  cpuRatio: number;
  loadCpu: number;
  /** Native V8's first/warm, wall and CPU. */
  native: number;
  nativeCpu: number;
}

/** One workload's row: the least of each figure over the rounds, and every round's figures. */
export interface WarmupRow extends RoundFigures {
  name: string;
  rounds: RoundFigures[];
}

/** The parsed command line. */
export interface WarmupOptions {
  filters: string[];
  scale: number;
  calls: number;
  rounds: number;
  tier: string | undefined;
  fuel: boolean;
  v8Flags: string | undefined;
  json: string | undefined;
  tree: string | undefined;
  child: string | undefined;
  module: string | undefined;
  /** `--help`: print the usage and exit. */
  help: boolean;
}

/** Reads the command line (see the module doc); throws on a value that is no number. */
export function parseWarmupArgs(args: string[]): WarmupOptions {
  const { values } = parseArgs({
    args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "1" },
      calls: { type: "string", default: "6" },
      rounds: { type: "string", default: "2" },
      tier: { type: "string" },
      fuel: { type: "boolean", default: false },
      "v8-flags": { type: "string" },
      json: { type: "string" },
      tree: { type: "string" },
      child: { type: "string" },
      module: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  const number = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`--${name}: expected a positive number, got "${text}"`);
    }
    return value;
  };
  return {
    filters: values.filter?.split(",").filter((f) => f !== "") ?? [],
    scale: number("scale", values.scale),
    calls: Math.max(2, Math.round(number("calls", values.calls))),
    rounds: Math.max(1, Math.round(number("rounds", values.rounds))),
    tier: values.tier,
    fuel: values.fuel,
    v8Flags: values["v8-flags"],
    json: values.json,
    tree: values.tree,
    child: values.child,
    module: values.module,
    help: values.help,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One process's figures from its report. */
export function roundFigures(report: ChildReport): RoundFigures {
  const firstMs = report.wasmi[0]!;
  const warmMs = median(report.wasmi.slice(1));
  const firstCpu = report.wasmiCpu[0]!;
  const warmCpu = median(report.wasmiCpu.slice(1));
  return {
    firstMs,
    warmMs,
    ratio: firstMs / warmMs,
    firstCpu,
    warmCpu,
    cpuRatio: firstCpu / warmCpu,
    loadCpu: report.loadCpu,
    native: report.native[0]! / median(report.native.slice(1)),
    nativeCpu: report.nativeCpu[0]! / median(report.nativeCpu.slice(1)),
  };
}

/**
 * A workload's row: each figure the least over the rounds (the round least disturbed by other
 * processes and by the order of V8's background compiles; ratios too are the least per-round
 * ratio, not a ratio of minima), with all rounds kept for their spread.
 */
export function combineRounds(name: string, rounds: RoundFigures[]): WarmupRow {
  const least = (key: keyof RoundFigures) => Math.min(...rounds.map((r) => r[key]));
  return {
    name,
    firstMs: least("firstMs"),
    warmMs: least("warmMs"),
    ratio: least("ratio"),
    firstCpu: least("firstCpu"),
    warmCpu: least("warmCpu"),
    cpuRatio: least("cpuRatio"),
    loadCpu: least("loadCpu"),
    native: least("native"),
    nativeCpu: least("nativeCpu"),
    rounds,
  };
}

/** Finds a child's report in its stdout (with `--v8-flags` tracing surrounds it, even on its line). */
export function findReport(text: string): { report: ChildReport; at: string } | null {
  const found = /\{"wasmi":[^}]*\}/.exec(text);
  return found === null ? null : { report: JSON.parse(found[0]) as ChildReport, at: found[0] };
}

/** CPU time of this process so far (all its threads), in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The child: times `calls` calls of one workload, wasmi-ts first (nothing warmed before it). */
async function child(options: WarmupOptions, name: string): Promise<void> {
  const workload = WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`no workload ${name}`);
  const bytes = await loadWorkloadBytes(workload);
  const size = workload.size(options.scale);
  const wasmi = await loadWasmiEngine(options.module, { fuel: options.fuel, tier: options.tier });
  const report: ChildReport = {
    wasmi: [],
    wasmiCpu: [],
    native: [],
    nativeCpu: [],
    loadMs: 0,
    loadCpu: 0,
  };
  const checksums = new Set<string>();
  const engines = [
    [wasmi, report.wasmi, report.wasmiCpu],
    [nativeEngine, report.native, report.nativeCpu],
  ] as const;
  for (const [engine, times, cpuTimes] of engines) {
    const loadStart = performance.now();
    const loadCpuStart = cpuMs();
    const runner = engine.instantiate(bytes, workload);
    if (engine === wasmi) {
      report.loadCpu = cpuMs() - loadCpuStart;
      report.loadMs = performance.now() - loadStart;
    }
    for (let i = 0; i < options.calls; i++) {
      const cpuStart = cpuMs();
      const start = performance.now();
      const result = runner.run(size);
      times.push(performance.now() - start);
      cpuTimes.push(cpuMs() - cpuStart);
      checksums.add(String(result));
    }
  }
  if (checksums.size !== 1) throw new Error(`${name}: checksums differ: ${[...checksums]}`);
  console.log(JSON.stringify(report));
}

const USAGE = `deno task bench:warmup [--filter xxh64,fib] [--scale 1.0] [--calls 6] [--rounds 2]
                       [--tier interpreter|codegen|auto] [--fuel] [--v8-flags=...]
                       [--json out.json] [--tree ../main]

Each workload runs in --rounds fresh processes; a row shows the least over them, and with
--rounds 3 or more a summary of the wall first/warm ratio per process follows the table.`;

const f1 = (n: number) => n.toFixed(1);

/** A table line of `row` (see the header in `main`). */
function line(label: string, row: WarmupRow): string {
  const cpus = row.rounds.map((r) => r.cpuRatio);
  const spread = `${Math.min(...cpus).toFixed(1)}-${Math.max(...cpus).toFixed(1)}`;
  return `${label.padEnd(16)}  ${f1(row.firstMs).padStart(8)} ${f1(row.warmMs).padStart(7)} ` +
    `${row.ratio.toFixed(2).padStart(6)}x  ${f1(row.loadCpu).padStart(7)} ` +
    `${f1(row.firstCpu).padStart(9)} ${f1(row.warmCpu).padStart(8)} ` +
    `${row.cpuRatio.toFixed(2).padStart(6)}x ${spread.padStart(9)}  ` +
    `${row.native.toFixed(2).padStart(5)}x ${row.nativeCpu.toFixed(2).padStart(5)}x`;
}

/**
 * How the wall first/warm ratio of `row` varies from process to process: the median, the range
 * and how many processes exceeded `limit` (issue 14's 3x). The table's row takes the least over
 * the rounds, which hides a target met in one process of several: exceptions read 3.07x there
 * while its six processes' median was 3.40x (session 13).
 */
export function perProcess(row: WarmupRow, limit = 3): {
  median: number;
  min: number;
  max: number;
  over: number;
} {
  const ratios = row.rounds.map((r) => r.ratio);
  return {
    median: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    over: ratios.filter((r) => r > limit).length,
  };
}

/** Runs one child process; its report, or null (after printing its error) when it failed. */
async function runChild(
  script: string,
  flags: string[],
  name: string,
  pass: string[],
  printTrace: boolean,
): Promise<ChildReport | null> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", ...flags, script, "--child", name, ...pass],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    console.error(`${name}: ${new TextDecoder().decode(out.stderr)}`);
    return null;
  }
  const found = findReport(text);
  if (found === null) throw new Error(`${name}: no report in ${text}`);
  if (printTrace) console.log(text.replace(found.at, "\n"));
  return found.report;
}

async function main(): Promise<number> {
  const options = parseWarmupArgs(Deno.args);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.child !== undefined) {
    await child(options, options.child);
    return 0;
  }
  const { filters, scale, calls, rounds } = options;
  const names = WORKLOADS.map((w) => w.name).filter((name) =>
    filters.length === 0 || filters.some((f) => name.includes(f))
  );
  const script = new URL(import.meta.url).pathname;
  const flags = options.v8Flags === undefined ? [] : [`--v8-flags=${options.v8Flags}`];
  const pass = [
    "--scale",
    String(scale),
    "--calls",
    String(calls),
    ...(options.tier === undefined ? [] : ["--tier", options.tier]),
    ...(options.fuel ? ["--fuel"] : []),
  ];
  const tree = options.tree === undefined
    ? undefined
    : new URL(options.tree, `file://${Deno.cwd()}/`).pathname.replace(/\/$/, "");
  const passB = tree === undefined ? [] : [...pass, "--module", `${tree}/mod.ts`];
  console.log(
    `deno ${Deno.version.deno}; scale ${scale}, ${calls} calls per process, least of ${rounds}; ` +
      `tier ${options.tier ?? "default"}${options.fuel ? ", fuel on" : ""}` +
      (tree === undefined ? "" : `; B = ${tree}, alternating processes`) + "\n",
  );
  console.log(
    "                  ----- wall ms -----  ---------------- CPU ms ----------------  native f/w",
  );
  console.log(
    "workload             first    warm  f/w      load     first     warm    f/w    spread   wall   CPU",
  );
  const rows: WarmupRow[] = [];
  const baseRows: WarmupRow[] = [];
  for (const name of names) {
    const figures: RoundFigures[] = [];
    const baseFigures: RoundFigures[] = [];
    for (let round = 0; round < rounds; round++) {
      // A then B, B then A, ...: neither always runs right after the other's load on the machine.
      const order = tree === undefined ? ["A"] : round % 2 === 0 ? ["A", "B"] : ["B", "A"];
      for (const which of order) {
        const report = await runChild(
          script,
          flags,
          name,
          which === "A" ? pass : passB,
          flags.length > 0,
        );
        if (report === null) return 1;
        (which === "A" ? figures : baseFigures).push(roundFigures(report));
      }
    }
    const row = combineRounds(name, figures);
    rows.push(row);
    console.log(line(name, row));
    if (tree !== undefined) {
      const base = combineRounds(name, baseFigures);
      baseRows.push(base);
      console.log(line("  B", base));
      console.log(
        `  A/B CPU: first ${(row.firstCpu / base.firstCpu).toFixed(2)}, warm ` +
          `${(row.warmCpu / base.warmCpu).toFixed(2)}, load ${
            (row.loadCpu / base.loadCpu).toFixed(2)
          }`,
      );
    }
  }
  const geomean = (list: WarmupRow[], key: "ratio" | "cpuRatio") =>
    Math.exp(list.reduce((sum, r) => sum + Math.log(r[key]), 0) / list.length);
  console.log(
    `\ngeometric mean of first/warm: wall ${geomean(rows, "ratio").toFixed(2)}x, ` +
      `CPU ${geomean(rows, "cpuRatio").toFixed(2)}x` +
      (tree === undefined ? "" : `; B: wall ${geomean(baseRows, "ratio").toFixed(2)}x, CPU ` +
        `${geomean(baseRows, "cpuRatio").toFixed(2)}x`),
  );
  if (rounds >= 3) {
    console.log(
      `\nwall first/warm per process (${rounds} processes): median, range, processes over 3x`,
    );
    for (const row of rows) {
      const p = perProcess(row);
      console.log(
        `${row.name.padEnd(16)}  ${p.median.toFixed(2).padStart(6)}x  ` +
          `${p.min.toFixed(2)}-${p.max.toFixed(2)}x  ${p.over} of ${rounds}`,
      );
    }
  }
  if (options.json !== undefined) {
    const report = {
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      scale,
      calls,
      rounds,
      tier: options.tier,
      fuel: options.fuel,
      rows,
      ...(tree === undefined ? {} : { tree, base: baseRows }),
    };
    await Deno.writeTextFile(options.json, JSON.stringify(report, null, 2) + "\n");
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
