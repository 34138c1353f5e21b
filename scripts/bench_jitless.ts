/**
 * Both execution tiers with the JavaScript JIT off (`node --jitless`, as on iOS in Lockdown
 * Mode): bundles the library (`deno bundle`), runs every workload in `node --jitless` processes
 * with `executionTier` `interpreter` and `codegen`, and compares them with native V8 (JIT on,
 * measured in Deno: `WebAssembly` is unavailable under `--jitless`). Each engine keeps the
 * default `Config.codegenStyle`, `auto`: what a user gets there (`lean`, since `--jitless`
 * removes `WebAssembly`).
 *
 * ```sh
 * deno run -A scripts/bench_jitless.ts [--filter fib,calls] [--scale 0.05] [--iterations 3]
 *                                      [--processes 5] [--interpreter-processes 1]
 * ```
 *
 * Every figure is the median over `--processes` fresh processes (default 5) of each process's
 * fastest timed run, in wall-clock and in CPU time (`process.cpuUsage`, exact to the
 * microsecond on Linux), as `bench_fuel.ts` does. Native V8 runs each workload in
 * `--processes` fresh Deno processes: after at least 5 untimed runs and 300 ms of CPU time (so
 * that V8 has tiered the module up from Liftoff), 10 timed batches of runs of about 20 ms each, a
 * sample
 * being a batch's time over its runs (a run of a fraction of a millisecond rarely meets a
 * garbage collection, which the batch then spreads over its runs, as a long run does). Codegen runs in `--processes` fresh
 * `node --jitless` processes, one untimed run and then `--iterations` timed ones; the
 * interpreter (about 10x slower than codegen, most of the run's time) in the first
 * `--interpreter-processes` of them (0 leaves it out).
 * Why (December 2026): the native figure had been the median of 15 runs after 5 in the parent
 * process, and it moved rows by up to 9x between runs (matmul native 0.71, 4.81 and 5.48 ms in
 * three runs: V8 had not always tiered it up after 5 runs of a millisecond; binary-trees 0.23 ms,
 * and 8.23 ms when warmed 500 ms first, its timed runs then paying major GCs); the jitless
 * columns were one process's median of 3. `spread` is the range of the codegen processes' CPU
 * times over their median, then the native processes': a wide one says that row needs more
 * `--processes` before its ratio means anything. On a loaded machine (load average 14 on 2
 * cores, December 2026) rows still moved 30-60% between runs of 3 processes, every process of
 * one run slowed alike: the last line's geometric mean of each row's least CPU time over the
 * processes, codegen's over native's, is the figure contention moves least (it only ever adds
 * time).
 *
 * Exits with status 1 if a checksum differs from native's.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

/** One workload's figures from one process: its fastest run, in wall and CPU ms. */
interface Best {
  ms: number;
  cpuMs: number;
  checksum: string;
}

/**
 * The node program: loads the bundle, times `run(size)` per tier listed, prints JSON. Each
 * tier's engine is created only when the tier runs, so a process without the interpreter has
 * nothing of it in its heap.
 */
const NODE_RUNNER = `
import { readFileSync } from "node:fs";
import process from "node:process";
import { Config, Engine, Linker, Module, Store } from "./wasmi.js";
const [manifestPath, iterations, tiers] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const hostAdd = (a, b) => (a + b) | 0;
const out = [];
for (const w of manifest) {
  const bytes = readFileSync(w.path);
  const row = { name: w.name };
  for (const tier of tiers.split(",")) {
    const engine = new Engine(new Config({ executionTier: tier, wasmExceptions: w.exceptions, wasmGc: w.gc }));
    const store = new Store(engine, null);
    const linker = new Linker(engine);
    if (w.importsHostAdd) {
      linker.funcWrap("env", "host_add", { params: ["i32", "i32"], results: ["i32"] },
        (_c, a, b) => hostAdd(a, b));
    }
    const run = linker.instantiate(store, new Module(engine, bytes)).getTypedFunc(store, "run");
    let ms = Infinity;
    let cpuMs = Infinity;
    let checksum;
    for (let i = 0; i <= Number(iterations); i++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      checksum = String(run.call(store, w.size));
      const used = process.cpuUsage(startCpu);
      if (i > 0) { // the first run warms up
        ms = Math.min(ms, performance.now() - start);
        cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
      }
    }
    row[tier] = { ms, cpuMs, checksum, tier: engine.executionTier };
    row.style = engine.codegenStyle;
  }
  out.push(row);
}
console.log(JSON.stringify(out));
`;

/** The native program (Deno, JIT on): the same timing of the same manifest, prints JSON. */
const NATIVE_RUNNER = `
import process from "node:process";
const [manifestPath] = Deno.args;
const manifest = JSON.parse(Deno.readTextFileSync(manifestPath));
const hostAdd = (a, b) => (a + b) | 0;
const out = [];
for (const w of manifest) {
  const imports = w.importsHostAdd ? { env: { host_add: hostAdd } } : {};
  const module = new WebAssembly.Module(Deno.readFileSync(w.path));
  const run = new WebAssembly.Instance(module, imports).exports.run;
  let checksum;
  let last = Infinity;
  // 300 ms of the process's CPU time, not of wall clock: on a loaded machine a process gets a
  // fraction of a core, and V8 had not finished tiering a module up after 300 ms of wall clock.
  const warmStart = process.cpuUsage();
  const warmMs = () => {
    const used = process.cpuUsage(warmStart);
    return (used.user + used.system) / 1000;
  };
  for (let i = 0; i < 5 || warmMs() < 300; i++) {
    const start = performance.now();
    checksum = String(run(w.size));
    last = performance.now() - start;
  }
  // Batches of runs of about 20 ms each: a run of a fraction of a millisecond rarely meets a
  // garbage collection, and one batch spreads its share of them over its runs.
  const batch = Math.max(1, Math.ceil(20 / Math.max(last, 0.001)));
  let ms = Infinity;
  let cpuMs = Infinity;
  for (let b = 0; b < 10; b++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    for (let i = 0; i < batch; i++) checksum = String(run(w.size));
    const used = process.cpuUsage(startCpu);
    ms = Math.min(ms, (performance.now() - start) / batch);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000 / batch);
  }
  out.push({ name: w.name, native: { ms, cpuMs, checksum } });
}
console.log(JSON.stringify(out));
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `cmd args` and parses its standard output as JSON rows keyed by workload. */
async function runJson(cmd: string, args: string[]): Promise<Record<string, unknown>[]> {
  const child = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!child.success) throw new Error(new TextDecoder().decode(child.stderr));
  return JSON.parse(new TextDecoder().decode(child.stdout));
}

/** Per workload, each process's `Best` of one tier. */
type Samples = Map<string, Best[]>;

function collect(into: Samples, rows: Record<string, unknown>[], tier: string): void {
  for (const row of rows) {
    const best = row[tier] as Best | undefined;
    if (best === undefined) continue;
    const name = row.name as string;
    if (!into.has(name)) into.set(name, []);
    into.get(name)!.push(best);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "0.05" },
      iterations: { type: "string", default: "3" },
      processes: { type: "string", default: "5" },
      "interpreter-processes": { type: "string", default: "1" },
    },
  });
  const scale = Number(values.scale);
  const processes = Math.max(1, Number(values.processes));
  const interpProcesses = Math.min(processes, Number(values["interpreter-processes"]));
  const filters = values.filter?.split(",") ?? [];
  const selected = WORKLOADS.filter((w) =>
    filters.length === 0 || filters.some((f) => w.name.includes(f))
  );
  const dir = await Deno.makeTempDir({ prefix: "wasmi-jitless-" });
  try {
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--platform", "browser", "-o", `${dir}/wasmi.js`, "mod.ts"],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!bundle.success) throw new Error(new TextDecoder().decode(bundle.stderr));
    await Deno.writeTextFile(`${dir}/runner.mjs`, NODE_RUNNER);
    await Deno.writeTextFile(`${dir}/native.mjs`, NATIVE_RUNNER);
    const manifest = [];
    for (const w of selected) {
      const path = `${dir}/${w.name}.wasm`;
      await Deno.writeFile(path, await loadWorkloadBytes(w));
      manifest.push({
        name: w.name,
        path,
        size: w.size(scale),
        importsHostAdd: w.importsHostAdd ?? false,
        // A proposal's workload runs on an engine with its switch on, as in bench.ts.
        exceptions: w.exceptions ?? false,
        gc: w.gc ?? false,
      });
    }
    const manifestPath = `${dir}/manifest.json`;
    await Deno.writeTextFile(manifestPath, JSON.stringify(manifest));
    const samples = { native: new Map(), interpreter: new Map(), codegen: new Map() } as Record<
      "native" | "interpreter" | "codegen",
      Samples
    >;
    let style = "";
    // Native and jitless processes alternate, so that a slow spell of the machine falls on both.
    for (let p = 0; p < processes; p++) {
      collect(
        samples.native,
        await runJson(Deno.execPath(), ["run", "--allow-read", `${dir}/native.mjs`, manifestPath]),
        "native",
      );
      const tiers = p < interpProcesses ? "interpreter,codegen" : "codegen";
      const rows = await runJson("node", [
        "--jitless",
        `${dir}/runner.mjs`,
        manifestPath,
        values.iterations!,
        tiers,
      ]);
      style = String(rows[0]?.style ?? "");
      collect(samples.interpreter, rows, "interpreter");
      collect(samples.codegen, rows, "codegen");
    }
    let failed = false;
    const logs = { interpreter: 0, codegen: 0, codegenCpu: 0, codegenCpuBest: 0 };
    console.log(
      `node --jitless, scale ${scale}, codegenStyle ${style} (auto); native: V8 with its JIT, ` +
        `in Deno; median over ${processes} processes (interpreter: ${interpProcesses}) of each ` +
        `one's fastest run\n`,
    );
    console.log(
      "workload          native ms  interp ms  codegen ms  interp/native  codegen/native" +
        "  CPU ratio  spread (codegen, native)",
    );
    const spread = (xs: number[]) => {
      const m = median(xs);
      return `${(100 * (Math.max(...xs) - Math.min(...xs)) / m).toFixed(0)}%`;
    };
    const interpreted = interpProcesses > 0;
    for (const w of selected) {
      const n = samples.native.get(w.name)!;
      const c = samples.codegen.get(w.name)!;
      const i = samples.interpreter.get(w.name) ?? [];
      for (const [tier, bests] of [["interpreter", i], ["codegen", c]] as const) {
        for (const best of bests) {
          if (best.checksum !== n[0]!.checksum) {
            console.log(`${w.name}: ${tier} returned ${best.checksum}, native ${n[0]!.checksum}`);
            failed = true;
          }
        }
      }
      const nMs = median(n.map((b) => b.ms));
      const nCpu = median(n.map((b) => b.cpuMs));
      const cMs = median(c.map((b) => b.ms));
      const cCpu = median(c.map((b) => b.cpuMs));
      const iMs = interpreted ? median(i.map((b) => b.ms)) : NaN;
      if (interpreted) logs.interpreter += Math.log(iMs / nMs);
      logs.codegen += Math.log(cMs / nMs);
      logs.codegenCpu += Math.log(cCpu / nCpu);
      logs.codegenCpuBest += Math.log(
        Math.min(...c.map((b) => b.cpuMs)) / Math.min(...n.map((b) => b.cpuMs)),
      );
      console.log(
        `${w.name.padEnd(16)} ${nMs.toFixed(2).padStart(10)} ${
          interpreted ? iMs.toFixed(1).padStart(10) : "-".padStart(10)
        } ${cMs.toFixed(1).padStart(11)} ${
          interpreted ? `${(iMs / nMs).toFixed(0).padStart(13)}x` : "-".padStart(14)
        } ${(cMs / nMs).toFixed(0).padStart(14)}x ${(cCpu / nCpu).toFixed(0).padStart(9)}x  ${
          spread(c.map((b) => b.cpuMs)).padStart(6)
        } ${spread(n.map((b) => b.cpuMs)).padStart(6)}`,
      );
    }
    const geo = (sum: number) => Math.exp(sum / selected.length).toFixed(1);
    console.log(
      `\ngeometric mean: ${interpreted ? `interpreter ${geo(logs.interpreter)}x, ` : ""}` +
        `codegen ${geo(logs.codegen)}x (codegen by CPU time: ${geo(logs.codegenCpu)}x; by the ` +
        `least CPU time over processes of each: ${geo(logs.codegenCpuBest)}x)`,
    );
    return failed ? 1 : 0;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main());
