/**
 * Both execution tiers with the JavaScript JIT off (`node --jitless`, as on iOS in Lockdown
 * Mode): bundles the library (`deno bundle`), runs every workload in a `node --jitless`
 * process with `executionTier` `interpreter` and `codegen`, and compares the median times with
 * native V8 (JIT on, measured here in Deno: `WebAssembly` is unavailable under `--jitless`).
 * Each engine keeps the default `Config.codegenStyle`, `auto`: what a user gets there (`lean`,
 * since `--jitless` removes `WebAssembly`).
 *
 * ```sh
 * deno run -A scripts/bench_jitless.ts [--filter fib,calls] [--scale 0.05] [--iterations 3]
 * ```
 *
 * The last column compares CPU time (`process.cpuUsage`: the median run's under node, the mean
 * of the timed runs natively), which a busy machine moves less than the wall-clock medians.
 *
 * Exits with status 1 if a checksum differs from native's.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { nativeEngine } from "./_bench_engines.ts";
import { loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

/** The node program: loads the bundle, times `run(size)` per tier, prints JSON. */
const NODE_RUNNER = `
import { readFileSync } from "node:fs";
import process from "node:process";
import { Config, Engine, Linker, Module, Store } from "./wasmi.js";
const [manifestPath, iterations] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const hostAdd = (a, b) => (a + b) | 0;
const out = [];
for (const w of manifest) {
  const bytes = readFileSync(w.path);
  const row = { name: w.name };
  for (const tier of ["interpreter", "codegen"]) {
    const engine = new Engine(new Config({ executionTier: tier, wasmExceptions: w.exceptions, wasmGc: w.gc }));
    const store = new Store(engine, null);
    const linker = new Linker(engine);
    if (w.importsHostAdd) {
      linker.funcWrap("env", "host_add", { params: ["i32", "i32"], results: ["i32"] },
        (_c, a, b) => hostAdd(a, b));
    }
    const run = linker.instantiate(store, new Module(engine, bytes)).getTypedFunc(store, "run");
    const times = [];
    const cpu = [];
    let checksum;
    for (let i = 0; i <= Number(iterations); i++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      checksum = String(run.call(store, w.size));
      const used = process.cpuUsage(startCpu);
      if (i > 0) { // the first run warms up
        times.push(performance.now() - start);
        cpu.push((used.user + used.system) / 1000);
      }
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    row[tier] = { ms: times[times.length >> 1], cpuMs: cpu[cpu.length >> 1], checksum, tier: engine.executionTier };
    row.style = engine.codegenStyle;
  }
  out.push(row);
}
console.log(JSON.stringify(out));
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      scale: { type: "string", default: "0.05" },
      iterations: { type: "string", default: "3" },
    },
  });
  const scale = Number(values.scale);
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
    const manifest = [];
    const native = new Map<string, { ms: number; cpuMs: number; checksum: string }>();
    for (const w of selected) {
      const bytes = await loadWorkloadBytes(w);
      const path = `${dir}/${w.name}.wasm`;
      await Deno.writeFile(path, bytes);
      const size = w.size(scale);
      manifest.push({
        name: w.name,
        path,
        size,
        importsHostAdd: w.importsHostAdd ?? false,
        // A proposal's workload runs on an engine with its switch on, as in bench.ts.
        exceptions: w.exceptions ?? false,
        gc: w.gc ?? false,
      });
      const runner = nativeEngine.instantiate(bytes, w);
      const times: number[] = [];
      let checksum = "";
      let startCpu = process.cpuUsage();
      for (let i = 0; i < 20; i++) {
        // The CPU time of the last 15 runs together: the kernel counts it in ticks of a few ms,
        // longer than one native run.
        if (i === 5) startCpu = process.cpuUsage();
        const start = performance.now();
        checksum = String(runner.run(size));
        times.push(performance.now() - start);
      }
      const used = process.cpuUsage(startCpu);
      const cpuMs = (used.user + used.system) / 1000 / 15;
      native.set(w.name, { ms: median(times.slice(5)), cpuMs, checksum });
    }
    await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(manifest));
    const node = await new Deno.Command("node", {
      args: ["--jitless", `${dir}/runner.mjs`, `${dir}/manifest.json`, values.iterations],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!node.success) throw new Error(new TextDecoder().decode(node.stderr));
    const rows = JSON.parse(new TextDecoder().decode(node.stdout)) as {
      name: string;
      style: string;
      interpreter: { ms: number; cpuMs: number; checksum: string; tier: string };
      codegen: { ms: number; cpuMs: number; checksum: string; tier: string };
    }[];
    let failed = false;
    const logs = { interpreter: 0, codegen: 0, codegenCpu: 0 };
    console.log(
      `node --jitless, scale ${scale}, codegenStyle ${rows[0]?.style} (auto); ` +
        `native: V8 with its JIT, in this Deno process\n`,
    );
    console.log(
      "workload    native ms  interp ms  codegen ms  interp/native  codegen/native  CPU ratio",
    );
    for (const row of rows) {
      const n = native.get(row.name)!;
      for (const tier of ["interpreter", "codegen"] as const) {
        if (row[tier].checksum !== n.checksum) {
          console.log(`${row.name}: ${tier} returned ${row[tier].checksum}, native ${n.checksum}`);
          failed = true;
        }
        logs[tier] += Math.log(row[tier].ms / n.ms);
      }
      logs.codegenCpu += Math.log(row.codegen.cpuMs / n.cpuMs);
      console.log(
        `${row.name.padEnd(10)} ${n.ms.toFixed(2).padStart(10)} ${
          row.interpreter.ms.toFixed(1).padStart(10)
        } ${row.codegen.ms.toFixed(1).padStart(11)} ${
          (row.interpreter.ms / n.ms).toFixed(0).padStart(13)
        }x ${(row.codegen.ms / n.ms).toFixed(0).padStart(14)}x ${
          (row.codegen.cpuMs / n.cpuMs).toFixed(0).padStart(9)
        }x`,
      );
    }
    const geo = (sum: number) => Math.exp(sum / rows.length).toFixed(1);
    console.log(
      `\ngeometric mean: interpreter ${geo(logs.interpreter)}x, codegen ${geo(logs.codegen)}x ` +
        `(codegen by CPU time: ${geo(logs.codegenCpu)}x)`,
    );
    return failed ? 1 : 0;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main());
