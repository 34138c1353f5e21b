/**
 * What fuel metering and resumable calls cost. First the workloads of `bench/`: `bench.ts` runs
 * each of them with fuel off and with fuel on, every run in a fresh process (one executor
 * serving several modes or workloads in one process mixes their type feedback, and then measures
 * V8's re-optimisations more than the code), alternating for `--rounds`; the table shows the best
 * median of each mode and their ratio, and the ratio of each mode's best ratio to native V8 (the
 * fastest samples of both engines in one process), which a busy machine moves less.
 * A last column compares the CPU time of each mode's fastest sample (`process.cpuUsage`), which
 * does not count the time other processes held the core.
 * The headline is the CPU ratio, after `--warmup` untimed calls (default 3): wall-clock medians
 * on a shared machine moved fuel off more than fuel on (`loop`, scale 1: 50 ms median, 14 ms
 * CPU), which shrank the ratio. The store holds at most `FUEL_CHUNK` (2^30 - 1) spendable fuel
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
 *                      [--rounds 2] [--calls 200000] [--module path/to/mod.ts] [--json out.json]
 *                      [--tier interpreter|codegen|auto]
 * ```
 *
 * `--tier` is passed on to `bench.ts` (the workloads' execution tier; the round trips run with
 * the library's default).
 *
 * @module
 */

import { parseArgs } from "node:util";
import wabtInit from "wabt";
import { WORKLOADS } from "./_bench_workloads.ts";

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

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "1" },
      iterations: { type: "string", default: "5" },
      warmup: { type: "string", default: "3" },
      rounds: { type: "string", default: "2" },
      calls: { type: "string", default: "200000" },
      module: { type: "string" },
      json: { type: "string" },
      tier: { type: "string" },
    },
  });
  const scale = Number(values.scale);
  const iterations = Math.max(1, Math.round(Number(values.iterations)));
  const rounds = Math.max(1, Math.round(Number(values.rounds)));
  const warmup = Math.max(0, Math.round(Number(values.warmup)));
  const common = [
    "--scale",
    values.scale,
    "--iterations",
    String(iterations),
    "--warmup",
    String(warmup),
  ];
  if (values.module !== undefined) common.push("--module", values.module);
  if (values.tier !== undefined) common.push("--tier", values.tier);
  const filters = values.filter?.split(",").filter((f) => f !== "") ?? [];
  const names = WORKLOADS.map((w) => w.name).filter((name) =>
    filters.length === 0 || filters.some((f) => name.includes(f))
  );
  const best = { off: new Map<string, Sample>(), on: new Map<string, Sample>() };
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      for (const mode of ["off", "on"] as const) {
        const args = [...common, "--filter", name, ...(mode === "on" ? ["--fuel"] : [])];
        const got = (await benchProcess(args)).get(name) ??
          { ms: NaN, minRatio: NaN, cpuMs: NaN };
        const was = best[mode].get(name) ?? { ms: Infinity, minRatio: Infinity, cpuMs: Infinity };
        best[mode].set(name, {
          ms: Math.min(was.ms, got.ms),
          minRatio: Math.min(was.minRatio, got.minRatio),
          cpuMs: Math.min(was.cpuMs, got.cpuMs),
        });
      }
    }
  }
  console.log(
    `deno ${Deno.version.deno}; scale ${scale}, ${iterations} iterations, ${warmup} warm-up, ` +
      `${rounds} rounds\n`,
  );
  // The second ratio compares each mode's ratio to native V8 measured in its own process
  // (fastest samples): a busy machine slows both engines of a process alike, so it moves less.
  // The last compares the CPU time of each mode's fastest sample, which leaves out the time
  // other processes held the core (the steadiest of the three on a shared machine).
  console.log(
    "workload           fuel off ms  fuel on ms  on/off  on/off vs native  on/off CPU",
  );
  console.log(
    "----------------  -----------  ----------  ------  ----------------  ----------",
  );
  const rows: {
    name: string;
    offMs: number;
    onMs: number;
    ratio: number;
    nativeRatio: number;
    cpuRatio: number;
  }[] = [];
  for (const [name, off] of best.off) {
    const on = best.on.get(name) ?? { ms: NaN, minRatio: NaN, cpuMs: NaN };
    const ratio = on.ms / off.ms;
    const nativeRatio = on.minRatio / off.minRatio;
    const cpuRatio = on.cpuMs / off.cpuMs;
    rows.push({ name, offMs: off.ms, onMs: on.ms, ratio, nativeRatio, cpuRatio });
    console.log(
      `${name.padEnd(16)}  ${off.ms.toFixed(1).padStart(11)}  ${on.ms.toFixed(1).padStart(10)}` +
        `  ${ratio.toFixed(2).padStart(5)}x  ${nativeRatio.toFixed(2).padStart(15)}x` +
        `  ${cpuRatio.toFixed(2).padStart(9)}x`,
    );
  }
  const geo = (f: (r: (typeof rows)[number]) => number) =>
    Math.exp(rows.reduce((sum, r) => sum + Math.log(f(r)), 0) / rows.length);
  const geomean = geo((r) => r.ratio);
  const cpuGeomean = geo((r) => r.cpuRatio);
  console.log(
    `\ngeometric mean of on/off, CPU: ${cpuGeomean.toFixed(2)}x (wall-clock medians: ${
      geomean.toFixed(2)
    }x, vs native: ${geo((r) => r.nativeRatio).toFixed(2)}x)`,
  );

  const specifier = values.module === undefined
    ? new URL("../mod.ts", import.meta.url).href
    : new URL(values.module, `file://${Deno.cwd()}/`).href;
  const api = (await import(specifier)) as RoundTripApi;
  const calls = Math.max(1, Math.round(Number(values.calls) * scale));
  const rt = await roundTrip(api, calls, iterations);
  console.log(`\nhost call round trip (${calls} calls, µs per call):`);
  console.log(`  plain host call                    ${rt.plain!.toFixed(3)}`);
  console.log(`  host throws + callResumable resume ${rt.resumed!.toFixed(3)}`);
  console.log(`  host Promise awaited by callAsync  ${rt.awaited!.toFixed(3)}`);
  console.log(`  suspend + resume costs ${(rt.resumed! - rt.plain!).toFixed(3)} µs more per call`);
  if (values.json !== undefined) {
    const report = {
      date: new Date().toISOString(),
      scale,
      warmup,
      workloads: rows,
      geomean,
      cpuGeomean,
      roundTrip: rt,
    };
    await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
