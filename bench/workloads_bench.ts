/**
 * The benchmark workloads as `deno bench` cases, at a tenth of their size, grouped per workload
 * so Deno prints wasmi-ts relative to native. `scripts/bench.ts` is the full comparison (it
 * checks checksums and reports ratios); this is for quick looks with Deno's own statistics:
 * `deno bench --allow-read bench/`.
 *
 * @module
 */

import { type BenchEngine, loadWasmiEngine, nativeEngine } from "../scripts/_bench_engines.ts";
import { loadWorkloadBytes, WORKLOADS } from "../scripts/_bench_workloads.ts";

const SCALE = 0.1;

const engines: BenchEngine[] = [nativeEngine];
try {
  engines.push(await loadWasmiEngine());
} catch (error) {
  console.error(`wasmi-ts unavailable, benchmarking native only: ${error}`);
}

for (const workload of WORKLOADS) {
  const bytes = await loadWorkloadBytes(workload);
  const size = workload.size(SCALE);
  for (const engine of engines) {
    const runner = engine.instantiate(bytes, workload);
    Deno.bench({
      name: `${workload.name} (${engine.name})`,
      group: workload.name,
      baseline: engine === nativeEngine,
      fn: () => {
        runner.run(size);
      },
    });
  }
}
