/**
 * The benchmark suite: runs every workload in `bench/` on wasmi-ts and on the host's native
 * `WebAssembly` in one process, checks that both return the same checksum, and prints the
 * median times, their ratio, the ratio of the fastest samples ("min ratio": other processes on a
 * shared machine only ever slow a sample down, so the minimum moves least), and the geometric
 * means of both.
 *
 * ```sh
 * deno task bench [--filter fib,calls] [--scale 1.0] [--iterations 5] [--warmup 1] [--warmup-ms 0]
 *                 [--json out.json] [--native-only] [--module path/to/mod.ts] [--list] [--fuel]
 *                 [--tier interpreter|codegen|auto]
 * deno task bench --count [--filter ...] [--scale X] [--fuel] [--json out.json] [--base old.json]
 *                 [--rows N] [--pairs]
 * ```
 *
 * `--tier` picks wasmi-ts's execution tier (`Config.executionTier`; the library's default,
 * `auto`, when omitted). With `codegen`, the warm-up run includes translating to JavaScript.
 *
 * `--fuel` runs wasmi-ts with fuel metering on (and a budget it never exhausts);
 * `scripts/bench_fuel.ts` compares fuel on and off directly.
 *
 * `--count` measures no time: it runs each workload once on an instrumented interpreter that
 * counts dispatches per instruction row (`scripts/_bench_count.ts`), and prints the total and the
 * busiest rows (with `--pairs`, the busiest consecutive pairs: what fusing two rows would save); `--base` compares with the JSON of an earlier `--count --json` run. Counts are
 * exact, so they show a change's effect on a busy machine where times swing by 2x.
 *
 * Exits with status 1 if a checksum differs or wasmi-ts fails on a workload.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { type BenchEngine, loadWasmiEngine, nativeEngine, type Runner } from "./_bench_engines.ts";
import { loadWorkloadBytes, type Workload, WORKLOADS } from "./_bench_workloads.ts";
import { buildCountingCopy } from "./_bench_count.ts";

/** One engine's measurement of one workload. */
interface Measurement {
  medianMs: number;
  /** The fastest and the slowest sample: on a shared machine the minimum is the steadier. */
  minMs: number;
  maxMs: number;
  /**
   * The fastest sample's CPU time (user + system) of this process: unlike the wall time it does
   * not count the time other processes held the core, which on a shared machine is most noise.
   */
  minCpuMs: number;
  samples: number;
  checksum: string;
  /** Time to compile and instantiate the module, before any call. */
  loadMs: number;
}

/** One row of the result table (and of the JSON report). */
interface Row {
  name: string;
  size: number;
  native?: Measurement;
  wasmi?: Measurement;
  ratio?: number;
  /** The ratio of the fastest samples (less sensitive to other processes than the median). */
  minRatio?: number;
  error?: string;
}

// The native engine finishes a workload in milliseconds, where timer noise matters; it keeps
// sampling until it has spent this long or taken this many samples.
const NATIVE_MIN_TOTAL_MS = 200;
const NATIVE_MAX_SAMPLES = 50;

function usage(): string {
  return [
    "usage: deno task bench [options]",
    "  --filter a,b       run only workloads whose name contains one of these strings",
    "  --scale X          multiply every workload's size by X (default 1)",
    "  --iterations N     timed runs per workload and engine (default 5)",
    "  --warmup N         untimed runs before timing (default 1)",
    "  --warmup-ms T      and wasmi-ts's untimed runs until T ms have passed (default 0)",
    "  --json FILE        also write the results as JSON",
    "  --native-only      skip wasmi-ts (check the workloads and size them)",
    "  --module PATH      load wasmi-ts from PATH instead of mod.ts (e.g. an older copy)",
    "  --list             list the workloads and their sizes, then exit",
    "  --fuel             meter fuel in wasmi-ts (with a budget too large to run out)",
    "  --tier T           wasmi-ts's Config.executionTier: interpreter, codegen or auto",
    "  --count            count interpreter dispatches per workload and row instead of timing",
    "  --base FILE        with --count: compare with an earlier --count --json report",
    "  --rows N           with --count: how many of the busiest rows to list (default 6)",
    "  --pairs            with --count: also list the busiest consecutive pairs of rows",
  ].join("\n");
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Expected a positive number for --${flag}, got "${text}"`);
  }
  return value;
}

/** Renders a checksum so that values of any result type compare as strings. */
function formatChecksum(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  return String(value);
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, r) => sum + Math.log(r), 0) / values.length);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs warm-up calls, then timed calls; every call must return the same checksum. */
function measure(
  engine: BenchEngine,
  bytes: Uint8Array,
  workload: Workload,
  size: number,
  opts: {
    iterations: number;
    warmup: number;
    warmupMs?: number;
    minTotalMs: number;
    maxSamples: number;
  },
): Measurement {
  const loadStart = performance.now();
  const runner: Runner = engine.instantiate(bytes, workload);
  const loadMs = performance.now() - loadStart;
  let checksum: string | undefined;
  const check = (value: unknown) => {
    const text = formatChecksum(value);
    if (checksum === undefined) checksum = text;
    else if (text !== checksum) {
      throw new Error(`${engine.name} returned ${text} after ${checksum} for the same input`);
    }
  };
  const warmStart = performance.now();
  for (let i = 0; i < opts.warmup; i++) check(runner.run(size));
  // Warm-up by time: V8 compiles a hot generated function on a background thread, which on a
  // busy machine finished after a few short calls in some processes and not in others (see
  // `scripts/bench_fuel.ts`).
  while (performance.now() - warmStart < (opts.warmupMs ?? 0)) check(runner.run(size));
  const times: number[] = [];
  let minCpuMs = Infinity;
  let total = 0;
  while (
    times.length < opts.iterations ||
    (total < opts.minTotalMs && times.length < opts.maxSamples)
  ) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const result = runner.run(size);
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    minCpuMs = Math.min(minCpuMs, (cpu.user + cpu.system) / 1000);
    check(result);
    times.push(elapsed);
    total += elapsed;
  }
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    minCpuMs,
    samples: times.length,
    checksum: checksum!,
    loadMs,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "-";
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function printTable(rows: Row[], geomean: number | undefined): void {
  const header = [
    "workload",
    "size",
    "wasmi-ts ms",
    "native ms",
    "ratio",
    "min ratio",
    "checksum",
  ];
  const lines = rows.map((row) => [
    row.name,
    String(row.size),
    formatMs(row.wasmi?.medianMs),
    formatMs(row.native?.medianMs),
    row.ratio === undefined ? "-" : `${row.ratio.toFixed(1)}x`,
    row.minRatio === undefined ? "-" : `${row.minRatio.toFixed(1)}x`,
    row.error ?? row.native?.checksum ?? "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  // Numbers are right-aligned; the name and the checksum/error column read better left-aligned.
  const render = (cells: string[]) =>
    cells.map((c, i) =>
      i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)
    ).join("  ").trimEnd();
  console.log(render(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const line of lines) console.log(render(line));
  if (geomean !== undefined) console.log(`\ngeometric mean of ratios: ${geomean.toFixed(1)}x`);
  const mins = rows.flatMap((r) => (r.minRatio === undefined ? [] : [r.minRatio]));
  if (mins.length > 0) {
    console.log(`geometric mean of min ratios: ${geometricMean(mins).toFixed(1)}x`);
  }
}

/**
 * For each workload `x` measured together with `x_scalar` (one C program built with and without
 * SIMD): how the v128 build compares with the scalar one, on each engine and in ratio to native.
 */
function printBuildPairs(rows: Row[]): void {
  const lines: string[] = [];
  for (const v of rows) {
    const s = rows.find((r) => r.name === `${v.name}_scalar`);
    if (s === undefined || v.ratio === undefined || s.ratio === undefined) continue;
    const time = (r: Row, engine: "wasmi" | "native") => r[engine]!.medianMs;
    lines.push(
      `${v.name}: v128 build / scalar build: wasmi-ts time ${
        (time(v, "wasmi") / time(s, "wasmi")).toFixed(2)
      }x, native time ${(time(v, "native") / time(s, "native")).toFixed(2)}x, ratio to native ${
        (v.ratio / s.ratio).toFixed(2)
      }x`,
    );
  }
  if (lines.length > 0) console.log(`\n${lines.join("\n")}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "1" },
      iterations: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
      "warmup-ms": { type: "string", default: "0" },
      json: { type: "string" },
      "native-only": { type: "boolean", default: false },
      module: { type: "string" },
      list: { type: "boolean", default: false },
      fuel: { type: "boolean", default: false },
      tier: { type: "string" },
      count: { type: "boolean", default: false },
      base: { type: "string" },
      rows: { type: "string", default: "6" },
      pairs: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage());
    return 0;
  }
  const scale = positiveNumber(values.scale, "scale");
  const iterations = Math.round(positiveNumber(values.iterations, "iterations"));
  const warmup = Math.max(0, Math.round(Number(values.warmup)));
  const warmupMs = Math.max(0, Number(values["warmup-ms"]));
  const filters = values.filter?.split(",").map((f) => f.trim()).filter((f) => f !== "") ?? [];
  const selected = WORKLOADS.filter((w) =>
    filters.length === 0 || filters.some((f) => w.name.includes(f))
  );
  if (selected.length === 0) throw new Error(`No workload matches --filter "${values.filter}"`);
  if (values.list) {
    for (const w of selected) {
      console.log(`${w.name.padEnd(10)} ${w.file.padEnd(14)} ${w.size(scale)}`);
    }
    return 0;
  }

  if (values.count) {
    if (values.tier !== undefined && values.tier !== "interpreter") {
      throw new Error("--count counts the interpreter's dispatches; it takes no other --tier");
    }
    return await countMain(selected, scale, {
      fuel: values.fuel,
      rows: Math.round(positiveNumber(values.rows, "rows")),
      pairs: values.pairs,
      ...(values.json === undefined ? {} : { json: values.json }),
      ...(values.base === undefined ? {} : { base: values.base }),
    });
  }

  let wasmi: BenchEngine | undefined;
  let failed = false;
  if (!values["native-only"]) {
    try {
      wasmi = await loadWasmiEngine(values.module, {
        fuel: values.fuel,
        ...(values.tier === undefined ? {} : { tier: values.tier }),
      });
    } catch (error) {
      console.error(`wasmi-ts unavailable (${errorText(error)}); measuring native only`);
      failed = true;
    }
  }

  console.log(
    `deno ${Deno.version.deno}, v8 ${Deno.version.v8}, ${Deno.build.os}/${Deno.build.arch}; ` +
      `scale ${scale}, ${iterations} iterations, ${warmup} warm-up${
        values.fuel ? ", fuel on" : ""
      }${values.tier === undefined ? "" : `, tier ${values.tier}`}\n`,
  );
  const rows: Row[] = [];
  for (const workload of selected) {
    const size = workload.size(scale);
    const row: Row = { name: workload.name, size };
    rows.push(row);
    const bytes = await loadWorkloadBytes(workload);
    // Native runs first: it is the reference, and a failure there is a bug in the workload.
    row.native = measure(nativeEngine, bytes, workload, size, {
      iterations,
      warmup: Math.max(warmup, 3),
      minTotalMs: NATIVE_MIN_TOTAL_MS,
      maxSamples: NATIVE_MAX_SAMPLES,
    });
    if (wasmi === undefined) continue;
    try {
      row.wasmi = measure(wasmi, bytes, workload, size, {
        iterations,
        warmup,
        warmupMs,
        minTotalMs: 0,
        maxSamples: iterations,
      });
      if (row.wasmi.checksum !== row.native.checksum) {
        row.error = `MISMATCH: wasmi-ts ${row.wasmi.checksum}, native ${row.native.checksum}`;
        failed = true;
      } else {
        row.ratio = row.wasmi.medianMs / row.native.medianMs;
        row.minRatio = row.wasmi.minMs / row.native.minMs;
      }
    } catch (error) {
      row.error = `ERROR: ${errorText(error)}`;
      failed = true;
    }
  }

  const ratios = rows.flatMap((r) => (r.ratio === undefined ? [] : [r.ratio]));
  const geomean = ratios.length === 0 ? undefined : geometricMean(ratios);
  printTable(rows, geomean);
  printBuildPairs(rows);

  if (values.json !== undefined) {
    const report = {
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      platform: `${Deno.build.os}/${Deno.build.arch}`,
      scale,
      iterations,
      warmup,
      workloads: rows,
      geomeanRatio: geomean ?? null,
    };
    await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
  }
  return failed ? 1 : 0;
}

/** One workload's dispatch counts (and of the JSON report of `--count`). */
interface CountRow {
  name: string;
  size: number;
  checksum: string;
  /** Dispatches of one `run(size)` call. */
  total: number;
  /** Dispatches per instruction row, busiest first. */
  rows: Record<string, number>;
  /** The busiest consecutive pairs ("First Second"): candidates for fusion. */
  pairs: Record<string, number>;
}

/** `deno task bench --count`: dispatch counts per workload instead of times. */
async function countMain(
  selected: readonly Workload[],
  scale: number,
  opts: { fuel: boolean; rows: number; pairs: boolean; json?: string; base?: string },
): Promise<number> {
  const base = new Map<string, CountRow>();
  if (opts.base !== undefined) {
    const report = JSON.parse(await Deno.readTextFile(opts.base)) as { workloads: CountRow[] };
    for (const row of report.workloads) base.set(row.name, row);
  }
  const build = await buildCountingCopy();
  let failed = false;
  const rows: CountRow[] = [];
  try {
    const wasmi = await loadWasmiEngine(build.modPath, { fuel: opts.fuel, tier: "interpreter" });
    console.log(
      `dispatch counts of one run per workload (interpreter${opts.fuel ? ", fuel on" : ""}); ` +
        `scale ${scale}\n`,
    );
    for (const workload of selected) {
      const size = workload.size(scale);
      const bytes = await loadWorkloadBytes(workload);
      const expected = formatChecksum(nativeEngine.instantiate(bytes, workload).run(size));
      const runner = wasmi.instantiate(bytes, workload);
      build.reset();
      const checksum = formatChecksum(runner.run(size));
      const counts = [...build.read()].sort((a, b) => b[1] - a[1]);
      const total = counts.reduce((sum, [, n]) => sum + n, 0);
      const pairs = [...build.readPairs()].sort((a, b) => b[1] - a[1]).slice(0, 20);
      rows.push({
        name: workload.name,
        size,
        checksum,
        total,
        rows: Object.fromEntries(counts),
        pairs: Object.fromEntries(pairs),
      });
      const old = base.get(workload.name);
      const change = old === undefined || old.size !== size
        ? ""
        : `  (was ${old.total.toExponential(3)}, ${((total / old.total - 1) * 100).toFixed(1)}%)`;
      const mismatch = checksum === expected ? "" : `  MISMATCH: native ${expected}`;
      if (mismatch !== "") failed = true;
      console.log(
        `${workload.name.padEnd(10)} ${String(size).padStart(9)}  ` +
          `${total.toExponential(3)} dispatches${change}${mismatch}`,
      );
      const busiest = counts.slice(0, opts.rows).map(([name, n]) =>
        `${name} ${(n / total * 100).toFixed(1)}%`
      );
      console.log(`${" ".repeat(22)}${busiest.join(", ")}`);
      if (opts.pairs) {
        const top = pairs.slice(0, opts.rows).map(([name, n]) =>
          `${name.replace(" ", "+")} ${(n / total * 100).toFixed(1)}%`
        );
        console.log(`${" ".repeat(22)}pairs: ${top.join(", ")}`);
      }
    }
  } finally {
    await build.remove();
  }
  if (opts.json !== undefined) {
    const report = { date: new Date().toISOString(), scale, fuel: opts.fuel, workloads: rows };
    await Deno.writeTextFile(opts.json, JSON.stringify(report, null, 2) + "\n");
  }
  return failed ? 1 : 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(errorText(error));
    console.error(usage());
    Deno.exit(2);
  }
}
