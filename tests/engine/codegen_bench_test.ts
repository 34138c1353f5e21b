/**
 * Every benchmark workload (`scripts/_bench_workloads.ts`, all of `bench/`) runs entirely in
 * generated code under `executionTier: "codegen"`: no function body left to the interpreter, no
 * instruction handed back to it midway (`Engine.codegenStats`), no i64 helper call on the value
 * stack, and the interpreter's checksum, fuel on and off (`exceptions` included: its `try_table`
 * bodies are generated too). A generator gap or bug that makes a body fall back would otherwise
 * only show as a slower benchmark.
 */

import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { hostAdd, loadWorkloadBytes, WORKLOADS } from "../../scripts/_bench_workloads.ts";

/** Small sizes: enough to reach every function of the workload's hot path, quickly. */
const SCALE = 0.002;

/** Under `auto`: large enough that the hot loops tier up (1,000 iterations) within the call. */
const AUTO_SCALE = 0.005;

/** Runs `workload` at `scale` on a fresh engine; its checksum and the engine's codegen stats. */
function runOn(
  bytes: Uint8Array,
  workload: (typeof WORKLOADS)[number],
  executionTier: "interpreter" | "codegen" | "auto",
  consumeFuel: boolean,
  scale = SCALE,
) {
  const engine = new Engine(
    new Config({
      executionTier,
      consumeFuel,
      wasmExceptions: workload.exceptions ?? false,
      wasmGc: workload.gc ?? false,
    }),
  );
  const store = new Store(engine, null);
  if (consumeFuel) store.setFuel(Number.MAX_SAFE_INTEGER);
  const linker = new Linker<null>(engine);
  if (workload.importsHostAdd) {
    linker.funcWrap(
      "env",
      "host_add",
      { params: ["i32", "i32"], results: ["i32"] },
      (_caller, a, b) => hostAdd(a as number, b as number),
    );
  }
  const instance = linker.instantiate(store, new Module(engine, bytes));
  const run = instance.getTypedFunc<[number], unknown>(store, "run");
  // The generated bodies' sources, as they reach `new Function`.
  const sources: string[] = [];
  const RealFunction = globalThis.Function;
  globalThis.Function = new Proxy(RealFunction, {
    construct(target, args: string[]) {
      sources.push(args[args.length - 1]!);
      return Reflect.construct(target, args);
    },
  });
  try {
    const checksum = run.call(store, workload.size(scale));
    return { checksum, stats: engine.codegenStats(), sources };
  } finally {
    globalThis.Function = RealFunction;
  }
}

for (const workload of WORKLOADS) {
  Deno.test(`codegen bench: ${workload.name} runs in generated code only`, async () => {
    const bytes = await loadWorkloadBytes(workload);
    for (const fuel of [false, true]) {
      const want = runOn(bytes, workload, "interpreter", fuel).checksum;
      const { checksum, stats, sources } = runOn(bytes, workload, "codegen", fuel);
      // No i64 helper reads or writes the value stack (`i64Xxx(s32, ...)`): every one the
      // workloads reach is spelled on words in locals (`codegen_i64.ts`); a division the fast
      // paths do not take calls its helper on scratch words, not on slots.
      for (const source of sources) {
        assert.doesNotMatch(source, /\bi64[A-Z]\w*\(s32,/, `${workload.name} (fuel ${fuel})`);
      }
      assert.equal(checksum, want, `${workload.name} checksum (fuel ${fuel})`);
      const where = `${workload.name} (fuel ${fuel}): ${JSON.stringify(stats)}`;
      assert.ok(stats.generated > 0, where);
      assert.equal(stats.interpreted, 0, where);
      assert.deepEqual(stats.reasons, {}, where);
    }
  });
}

/**
 * Under `auto`, at a size where a workload's hot loop tiers up midway through the first call,
 * that frame continues in the body's OSR entry (`let $osr = pc === <pc>` in its source): the
 * interpreter's checksum, fuel on and off.
 */
for (const workload of WORKLOADS) {
  Deno.test(`codegen bench: ${workload.name} tiers up midway with the interpreter's checksum`, async () => {
    const bytes = await loadWorkloadBytes(workload);
    for (const fuel of [false, true]) {
      const want = runOn(bytes, workload, "interpreter", fuel, AUTO_SCALE).checksum;
      const { checksum, sources } = runOn(bytes, workload, "auto", fuel, AUTO_SCALE);
      assert.equal(checksum, want, `${workload.name} checksum (fuel ${fuel})`);
      if (["loop", "sieve", "bytesum", "vec_float", "vec_bytes", "xxh64"].includes(workload.name)) {
        assert.ok(sources.some((s) => /let \$osr = pc === \d+;/.test(s)), workload.name);
      }
    }
  });
}
