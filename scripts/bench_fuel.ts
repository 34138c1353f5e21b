/**
 * What fuel metering and resumable calls cost. First the workloads of `bench/`, each with fuel
 * off and with fuel on. By default both modes run in one process (`_bench_fuel_pair.ts`), each
 * on its own copy of the library (this tree's `mod.ts` and `src/` copied to a temporary
 * directory for fuel on: two module instances, so two executors whose V8 type feedback never
 * mixes), their calls alternated; `--processes` (default 8) such processes per workload, which
 * mode calls first alternating between them.
 *
 * The headline is the median over processes of each process's ratio: its fastest steady fuel-on
 * call over its fastest steady fuel-off call, in CPU time (`process.cpuUsage` after `--warmup`
 * untimed calls of each, default 3, and `--warmup-ms`, default 1000). `spread` is the least and
 * greatest of those ratios; `off ms` and `on ms` are the medians over processes of each mode's
 * fastest call. Why both modes in one process: CPU time per process is not a steady measure on
 * the shared machine, whose vCPUs run at different speeds from one minute to the next (the same
 * Python loop pinned with `taskset`, December 2026: 15-16 ms on one vCPU, 27-33 ms on the
 * other; one over 1.5x slower than the other in 58 of 193 samples over 50 minutes), so that
 * separate processes fall into fast and slow modes whatever they run. With one process per
 * mode (`--separate`, the statistic before), tier interpreter, scale 0.5, 8 processes per mode
 * alternated: hostcall fuel off 48.8-52.1 ms CPU in five processes and
 * 84.7-89.4 in three, fuel on 48.4-59.7 in four and 81.5-84.8 in four, so a median of 1.36x
 * (spread 0.59-1.69x) where the least over processes said 0.99x; xxh64, vec_bytes and
 * vec_bytes_scalar alike (spreads 0.68-1.53x, 0.95-1.51x, 0.59-1.64x). In one process a slow
 * spell slows both modes' calls, and the ratio cancels it: the same rows, paired, 8 processes,
 * 0.98x (0.94-1.45x), 0.97x (0.94-1.00x), 1.00x (0.96-1.08x), 0.97x (0.94-0.98x); all rows
 * (load average 9-13) at most 1.10x (matmul, 0.99-1.25x), geometric mean 0.99x.
 *
 * `--separate` runs each mode in its own process of `bench.ts` instead (`--processes` per mode,
 * default 5, the modes alternating: off on, on off, ...), the old way; its headline is the
 * median over processes of each process's fastest steady call, fuel on over fuel off, and its
 * `spread` the least and greatest of the i-th fuel-on process over the i-th fuel-off one. Why
 * separate processes there, and not one executor for both modes: one executor serving several
 * modes or workloads in one process mixes their type feedback, and then measures V8's
 * re-optimisations more than the code. What that statistic showed before:
 * V8 tiers the same code differently in different processes, and a row's figures are
 * bimodal per process (December 2026, tier codegen, the old statistic of the least of 2
 * processes per mode: rows swung 0.74-3.7x between runs; tier interpreter, fib 1.38x and matmul
 * 1.71x in one run, <= 1.11x in the previous), so the least of few processes reports whichever
 * mode drew the lucky process.
 * Each process warms up for `--warmup-ms` (default 1000) beyond its `--warmup` calls: V8
 * compiles a hot generated function on a background thread, which on the loaded machine had
 * not finished after 3 calls of a few ms in some processes (tier codegen, scale 0.5, fuel off,
 * CPU ms per process: fib 35, 36, 28, 24, 26 with 3 calls; 25, 25, 25, 27, 24 with the warm-up).
 * Two runs side by side (December 2026, `--separate --tier codegen --scale 0.5 --processes 5`,
 * load average about 20 on 2 cores) agreed within 5% on fib (1.09x, 1.12x), matmul (1.08x, 1.12x),
 * hostcall (1.31x, 1.33x), vec_float_scalar (1.11x, 1.11x) and vec_bytes_scalar (1.15x, 1.18x),
 * and not on calls (1.59x, 1.26x), vec_float (1.36x, 1.16x) and vec_bytes (1.44x, 1.78x).
 * With `--separate`, the old columns stay: the best (least) over processes of each mode's
 * wall-clock median and CPU time, and the ratio of each mode's best ratio to native V8 (the
 * fastest samples of both engines in one process).
 * CPU, not wall clock: wall-clock medians on a shared machine moved fuel off more than fuel on
 * (`loop`, scale 1: 50 ms median, 14 ms CPU), which shrank the ratio. The store holds at most
 * `FUEL_CHUNK` (2^30 - 1) spendable fuel
 * and refills it from its reserve; the budget is set once per store (see `loadWasmiEngine`), so
 * runs refill wherever their chunk runs out, as a long-lived store's calls do. Set before every
 * run, it hid the refills of runs that use less than a chunk (the generated code's refill path
 * stayed unrun, and V8 left it out): December 2026, tier codegen, CPU geomean of loop, i64,
 * matmul, sieve, bytesum 1.19x set per run (no run refilled), set once 1.79x with the refill
 * loop spelled in each charge and 1.62x with one `refuel` call (see `charge` in
 * `src/engine/codegen.ts`; loop 2.63x -> 2.21x).
 * Then the cost of a suspend + resume round trip: a host function that throws and is resumed
 * through `callResumable`, and one whose Promise `callAsync` awaits, against a plain host call.
 *
 * ```sh
 * deno task bench:fuel [--filter fib,calls] [--scale 1.0] [--iterations 5] [--warmup 3]
 *                      [--warmup-ms 1000]
 *                      [--processes 8] [--separate] [--calls 200000] [--module path/to/mod.ts]
 *                      [--json out.json] [--tier interpreter|codegen|auto] [--no-round-trip]
 * ```
 *
 * `--tier` is passed on to `_bench_fuel_pair.ts` or `bench.ts` (the workloads' execution tier;
 * the round trips run with the library's default). `--processes` defaults to 8 (5 with
 * `--separate`, where it counts each mode's processes); `--rounds` is its old name. `--module`
 * runs another tree's library (fuel on from a copy of its `mod.ts` and the `src/` beside it).
 *
 * @module
 */

import { parseArgs } from "node:util";
import wabtInit from "wabt";
import { WORKLOADS } from "./_bench_workloads.ts";
import type { PairSample } from "./_bench_fuel_pair.ts";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** One workload's figures from one run of `bench.ts`. */
interface Sample {
  /** wasmi-ts's median in ms. */
  ms: number;
  /** wasmi-ts's fastest sample over native V8's fastest, in the same process. */
  minRatio: number;
  /** The CPU time of wasmi-ts's fastest sample (see `minCpuMs` in bench.ts). */
  cpuMs: number;
}

/** One run of `bench.ts` in a child process; returns each workload's figures. */
async function benchProcess(args: string[]): Promise<Map<string, Sample>> {
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const script = new URL("./bench.ts", import.meta.url).pathname;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        script,
        "--json",
        json,
        ...args,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`bench.ts failed: ${new TextDecoder().decode(stderr)}`);
    const report = JSON.parse(await Deno.readTextFile(json)) as {
      workloads: {
        name: string;
        wasmi?: { medianMs: number; minCpuMs?: number };
        minRatio?: number;
      }[];
    };
    return new Map(
      report.workloads.map((w) => [w.name, {
        ms: w.wasmi?.medianMs ?? NaN,
        minRatio: w.minRatio ?? NaN,
        cpuMs: w.wasmi?.minCpuMs ?? NaN,
      }]),
    );
  } finally {
    await Deno.remove(json);
  }
}

/** One workload's figures in one process of `_bench_fuel_pair.ts`: both modes. */
interface PairSamples {
  off: PairSample;
  on: PairSample;
}

/** One run of `_bench_fuel_pair.ts` in a child process. */
async function pairProcess(args: string[]): Promise<PairSamples> {
  const script = new URL("./_bench_fuel_pair.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(`_bench_fuel_pair.ts failed: ${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(text.trim().split("\n").at(-1)!) as PairSamples;
}

/** Copies the file or directory `from` to `to` (which must not exist). */
async function copyTree(from: string, to: string): Promise<void> {
  if ((await Deno.stat(from)).isFile) {
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to);
  for await (const entry of Deno.readDir(from)) {
    await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/**
 * Copies the library at `module` (its `mod.ts`, or the file `--module` names, and the `src/`
 * beside it) into a new temporary directory; returns the copy's module path. Loaded from
 * there, it is a second module instance with its own executor.
 */
async function copyLibrary(module: string): Promise<{ dir: string; module: string }> {
  const path = new URL(module, `file://${Deno.cwd()}/`).pathname;
  const from = path.slice(0, path.lastIndexOf("/"));
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dir = await Deno.makeTempDir({ prefix: "bench_fuel_" });
  await copyTree(path, `${dir}/${name}`);
  await copyTree(`${from}/src`, `${dir}/src`);
  return { dir, module: `${dir}/${name}` };
}

// The slice of the API the round-trip benchmark uses (loaded at run time, as in bench.ts).
interface RoundTripApi {
  Engine: new (config?: unknown) => unknown;
  Config: new (options: { consumeFuel: boolean }) => unknown;
  Module: new (engine: unknown, bytes: Uint8Array) => unknown;
  Store: new (engine: unknown, data: unknown) => unknown;
  Linker: new (engine: unknown) => {
    funcWrap(m: string, n: string, t: unknown, fn: (...args: unknown[]) => unknown): unknown;
    instantiate(store: unknown, module: unknown): {
      getFunc(store: unknown, name: string): RoundTripFunc;
    };
  };
  Val: { i32(x: number): unknown };
}
interface RoundTripFunc {
  call(store: unknown, params: unknown[]): unknown[];
  callResumable(store: unknown, params: unknown[]): RoundTripCall;
  callAsync(store: unknown, params: unknown[]): Promise<unknown[]>;
}
type RoundTripCall = {
  kind: string;
  resume(store: unknown, inputs?: unknown[]): RoundTripCall;
};

/** `run(n)` calls `env.h` n times. */
const ROUND_TRIP_WAT = `(module
  (import "env" "h" (func $h (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $h (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`;

/** Microseconds per host call: plain, thrown + resumed, awaited. */
async function roundTrip(
  api: RoundTripApi,
  calls: number,
  iterations: number,
): Promise<Record<string, number>> {
  const wabt = await wabtInit();
  const bytes = wabt.parseWat("rt.wat", ROUND_TRIP_WAT, {}).toBinary({}).buffer;
  const engine = new api.Engine();
  const module = new api.Module(engine, bytes);
  const make = (fn: (...args: unknown[]) => unknown) => {
    const store = new api.Store(engine, null);
    const linker = new api.Linker(engine);
    linker.funcWrap("env", "h", { params: ["i32"], results: ["i32"] }, fn);
    return { store, run: linker.instantiate(store, module).getFunc(store, "run") };
  };
  const plain = make((_caller, x) => x);
  // One error object, thrown every time: creating an `Error` captures a stack trace, which in
  // Deno costs tens of microseconds and would hide the engine's own cost.
  const suspend = new Error("suspend");
  const trapping = make(() => {
    throw suspend;
  });
  const asyncHost = make((_caller, x) => Promise.resolve(x));
  const one = api.Val.i32(1);
  const n = api.Val.i32(calls);
  const runResumed = () => {
    let call = trapping.run.callResumable(trapping.store, [n]);
    while (call.kind === "hostTrap") call = call.resume(trapping.store, [one]);
  };
  const result: Record<string, number[]> = { plain: [], resumed: [], awaited: [] };
  plain.run.call(plain.store, [n]);
  runResumed();
  await asyncHost.run.callAsync(asyncHost.store, [n]);
  for (let i = 0; i < iterations; i++) {
    result.plain!.push(time(() => plain.run.call(plain.store, [n])));
    result.resumed!.push(time(runResumed));
    result.awaited!.push(await timeAsync(() => asyncHost.run.callAsync(asyncHost.store, [n])));
  }
  const perCall = (ms: number[]) => (median(ms) * 1000) / calls;
  return {
    plain: perCall(result.plain!),
    resumed: perCall(result.resumed!),
    awaited: perCall(result.awaited!),
  };
}

/** One workload's figures in each process of each mode, in the order they ran. */
interface RowSamples {
  off: Sample[];
  on: Sample[];
}

/** One row of the table (and of `--json`'s `workloads`). */
interface Row {
  name: string;
  /** Medians over processes of each process's fastest CPU time, ms. */
  offCpuMs: number;
  onCpuMs: number;
  /** The headline: `onCpuMs / offCpuMs`. */
  cpuRatio: number;
  /** The least and greatest of the per-process CPU ratios (i-th on over i-th off). */
  spread: [number, number];
  /** The old statistic: the least over processes of each mode's wall-clock median, ms. */
  offMs: number;
  onMs: number;
  ratio: number;
  /** The least over processes of each mode's fastest-sample ratio to native, on over off. */
  nativeRatio: number;
  /** The least over processes of each mode's fastest CPU time, on over off. */
  bestCpuRatio: number;
  /** Every process's figures. */
  samples: RowSamples;
}

function summarise(name: string, samples: RowSamples): Row {
  const least = (list: Sample[], f: (s: Sample) => number) => Math.min(...list.map(f));
  const offCpuMs = median(samples.off.map((s) => s.cpuMs));
  const onCpuMs = median(samples.on.map((s) => s.cpuMs));
  const pairs = samples.on.map((on, i) => on.cpuMs / samples.off[i]!.cpuMs);
  const offMs = least(samples.off, (s) => s.ms);
  const onMs = least(samples.on, (s) => s.ms);
  return {
    name,
    offCpuMs,
    onCpuMs,
    cpuRatio: onCpuMs / offCpuMs,
    spread: [Math.min(...pairs), Math.max(...pairs)],
    offMs,
    onMs,
    ratio: onMs / offMs,
    nativeRatio: least(samples.on, (s) => s.minRatio) / least(samples.off, (s) => s.minRatio),
    bestCpuRatio: least(samples.on, (s) => s.cpuMs) / least(samples.off, (s) => s.cpuMs),
    samples,
  };
}

/** The options `main` passes on to `separate` and `paired`. */
interface RunOptions {
  names: string[];
  processes: number;
  /** The arguments of scale, iterations and warm-up, as both child scripts take them. */
  common: string[];
  module: string | undefined;
  tier: string | undefined;
  /** The first line of the report: versions and settings. */
  heading: string;
}

/** What `separate` and `paired` give `main` for `--json`. */
interface Summary {
  workloads: unknown[];
  /** The geometric mean of the headline ratios. */
  cpuGeomean: number;
  /** With `--separate`: that of the least wall-clock medians' ratios (the old headline). */
  geomean?: number;
}

/** The statistic before: each mode in its own processes of `bench.ts`; prints the table. */
async function separate(o: RunOptions): Promise<Summary> {
  const common = [...o.common];
  if (o.module !== undefined) common.push("--module", o.module);
  if (o.tier !== undefined) common.push("--tier", o.tier);
  const samples = new Map<string, RowSamples>(o.names.map((name) => [name, { off: [], on: [] }]));
  for (let p = 0; p < o.processes; p++) {
    for (const name of o.names) {
      const order = p % 2 === 0 ? ["off", "on"] as const : ["on", "off"] as const;
      for (const mode of order) {
        const args = [...common, "--filter", name, ...(mode === "on" ? ["--fuel"] : [])];
        const got = (await benchProcess(args)).get(name) ??
          { ms: NaN, minRatio: NaN, cpuMs: NaN };
        samples.get(name)![mode].push(got);
        // Progress on stderr: a full run is hundreds of processes.
        console.error(
          `${p + 1}/${o.processes} ${name} fuel ${mode}: ${got.cpuMs.toFixed(1)} ms CPU`,
        );
      }
    }
  }
  console.log(`${o.heading}, ${o.processes} processes per mode and workload, one mode each\n`);
  // The headline columns: medians over processes of each process's fastest CPU time, their
  // ratio, and the spread of the per-process ratios. Then the old statistic, the best (least)
  // over processes: wall-clock medians, ratios to native, CPU times.
  console.log(
    "                   median over processes, CPU          | best over processes: on/off",
  );
  console.log(
    "workload           off ms    on ms  on/off  spread       |  wall  vs native    CPU",
  );
  console.log(
    "----------------  -------  -------  ------  -----------  | -----  ---------  -----",
  );
  const rows = [...samples].map(([name, s]) => summarise(name, s));
  for (const r of rows) {
    const x = (v: number, width: number) => `${v.toFixed(2).padStart(width)}x`;
    console.log(
      `${r.name.padEnd(16)}  ${r.offCpuMs.toFixed(1).padStart(7)}  ${
        r.onCpuMs.toFixed(1).padStart(7)
      }  ${x(r.cpuRatio, 5)}  ${r.spread[0].toFixed(2)}-${r.spread[1].toFixed(2)}x  ` +
        `| ${x(r.ratio, 4)}  ${x(r.nativeRatio, 8)}  ${x(r.bestCpuRatio, 4)}`,
    );
  }
  const geo = (f: (r: Row) => number) =>
    Math.exp(rows.reduce((sum, r) => sum + Math.log(f(r)), 0) / rows.length);
  const cpuGeomean = geo((r) => r.cpuRatio);
  const geomean = geo((r) => r.ratio);
  const worst = rows.reduce((w, r) => (r.cpuRatio > w.cpuRatio ? r : w), rows[0]!);
  console.log(
    `\ngeometric mean of on/off, median CPU: ${cpuGeomean.toFixed(2)}x, worst ${worst.name} ` +
      `${worst.cpuRatio.toFixed(2)}x (best over processes: wall-clock medians ${
        geomean.toFixed(2)
      }x, vs native ${geo((r) => r.nativeRatio).toFixed(2)}x, CPU ${
        geo((r) => r.bestCpuRatio).toFixed(2)
      }x)`,
  );
  return { workloads: rows, cpuGeomean, geomean };
}

/** One row of the paired table (and of `--json`'s `workloads` without `--separate`). */
interface PairRow {
  name: string;
  /** Medians over processes of each mode's fastest CPU time, ms. */
  offCpuMs: number;
  onCpuMs: number;
  /** The headline: the median over processes of each process's on/off ratio. */
  cpuRatio: number;
  /** The least and greatest of those ratios. */
  spread: [number, number];
  /** Every process's figures, in the order they ran. */
  samples: PairSamples[];
}

/** Both modes in each process (`_bench_fuel_pair.ts`); prints the table. */
async function paired(o: RunOptions): Promise<Summary> {
  const copy = await copyLibrary(o.module ?? new URL("../mod.ts", import.meta.url).pathname);
  const offModule = o.module ?? new URL("../mod.ts", import.meta.url).pathname;
  const samples = new Map<string, PairSamples[]>(o.names.map((name) => [name, []]));
  try {
    for (let p = 0; p < o.processes; p++) {
      for (const name of o.names) {
        const args = [
          ...o.common,
          "--workload",
          name,
          "--off-module",
          offModule,
          "--on-module",
          copy.module,
          "--first",
          p % 2 === 0 ? "off" : "on",
          ...(o.tier === undefined ? [] : ["--tier", o.tier]),
        ];
        const got = await pairProcess(args);
        samples.get(name)!.push(got);
        // Progress on stderr: a full run is hundreds of processes.
        console.error(
          `${p + 1}/${o.processes} ${name}: fuel off ${got.off.cpuMs.toFixed(1)}, on ` +
            `${got.on.cpuMs.toFixed(1)} ms CPU (${(got.on.cpuMs / got.off.cpuMs).toFixed(2)}x)`,
        );
      }
    }
  } finally {
    await Deno.remove(copy.dir, { recursive: true });
  }
  console.log(`${o.heading}, ${o.processes} processes per workload, both modes in each\n`);
  console.log("                   median over processes, CPU");
  console.log("workload           off ms    on ms  on/off  spread");
  console.log("----------------  -------  -------  ------  -----------");
  const rows: PairRow[] = [...samples].map(([name, list]) => {
    const ratios = list.map((s) => s.on.cpuMs / s.off.cpuMs);
    return {
      name,
      offCpuMs: median(list.map((s) => s.off.cpuMs)),
      onCpuMs: median(list.map((s) => s.on.cpuMs)),
      cpuRatio: median(ratios),
      spread: [Math.min(...ratios), Math.max(...ratios)],
      samples: list,
    };
  });
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(16)}  ${r.offCpuMs.toFixed(1).padStart(7)}  ${
        r.onCpuMs.toFixed(1).padStart(7)
      }  ${r.cpuRatio.toFixed(2).padStart(5)}x  ${r.spread[0].toFixed(2)}-${
        r.spread[1].toFixed(2)
      }x`,
    );
  }
  const cpuGeomean = Math.exp(rows.reduce((sum, r) => sum + Math.log(r.cpuRatio), 0) / rows.length);
  const worst = rows.reduce((w, r) => (r.cpuRatio > w.cpuRatio ? r : w), rows[0]!);
  console.log(
    `\ngeometric mean of on/off, median over processes: ${cpuGeomean.toFixed(2)}x, worst ` +
      `${worst.name} ${worst.cpuRatio.toFixed(2)}x`,
  );
  return { workloads: rows, cpuGeomean };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "1" },
      iterations: { type: "string", default: "5" },
      warmup: { type: "string", default: "3" },
      "warmup-ms": { type: "string", default: "1000" },
      processes: { type: "string" },
      rounds: { type: "string" },
      separate: { type: "boolean", default: false },
      calls: { type: "string", default: "200000" },
      module: { type: "string" },
      json: { type: "string" },
      tier: { type: "string" },
      "no-round-trip": { type: "boolean", default: false },
    },
  });
  const scale = Number(values.scale);
  const iterations = Math.max(1, Math.round(Number(values.iterations)));
  const processes = Math.max(
    1,
    Math.round(Number(values.processes ?? values.rounds ?? (values.separate ? "5" : "8"))),
  );
  const warmup = Math.max(0, Math.round(Number(values.warmup)));
  const filters = values.filter?.split(",").filter((f) => f !== "") ?? [];
  const options: RunOptions = {
    names: WORKLOADS.map((w) => w.name).filter((name) =>
      filters.length === 0 || filters.some((f) => name.includes(f))
    ),
    processes,
    common: [
      "--scale",
      values.scale,
      "--iterations",
      String(iterations),
      "--warmup",
      String(warmup),
      "--warmup-ms",
      values["warmup-ms"],
    ],
    module: values.module,
    tier: values.tier,
    heading: `deno ${Deno.version.deno}; scale ${scale}, ${iterations} iterations, ${warmup} ` +
      `warm-up (and ${values["warmup-ms"]} ms)${
        values.tier === undefined ? "" : `, tier ${values.tier}`
      }`,
  };
  const summary = values.separate ? await separate(options) : await paired(options);

  let rt: Record<string, number> | undefined;
  if (!values["no-round-trip"]) {
    rt = await printRoundTrip(values.module, values.calls, scale, iterations);
  }
  if (values.json !== undefined) {
    const report = {
      date: new Date().toISOString(),
      scale,
      warmup,
      iterations,
      processes,
      statistic: values.separate ? "separate" : "paired",
      ...summary,
      roundTrip: rt ?? null,
    };
    await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
  }
  return 0;
}

/** Measures and prints the host call round trips; returns their figures. */
async function printRoundTrip(
  module: string | undefined,
  callsText: string,
  scale: number,
  iterations: number,
): Promise<Record<string, number>> {
  const specifier = module === undefined
    ? new URL("../mod.ts", import.meta.url).href
    : new URL(module, `file://${Deno.cwd()}/`).href;
  const api = (await import(specifier)) as RoundTripApi;
  const calls = Math.max(1, Math.round(Number(callsText) * scale));
  const rt = await roundTrip(api, calls, iterations);
  console.log(`\nhost call round trip (${calls} calls, µs per call):`);
  console.log(`  plain host call                    ${rt.plain!.toFixed(3)}`);
  console.log(`  host throws + callResumable resume ${rt.resumed!.toFixed(3)}`);
  console.log(`  host Promise awaited by callAsync  ${rt.awaited!.toFixed(3)}`);
  console.log(`  suspend + resume costs ${(rt.resumed! - rt.plain!).toFixed(3)} µs more per call`);
  return rt;
}

if (import.meta.main) Deno.exit(await main());
