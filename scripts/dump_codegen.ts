/**
 * Prints the JavaScript the code-generation tier makes of a benchmark workload's functions, for
 * reading what V8 is given: `deno run -A scripts/dump_codegen.ts <workload> [size]`. It runs
 * `run(size)` (default 1) under `executionTier: "codegen"` and then prints the structured body of
 * every function that call compiled, each under a `// func <index>` line; `--style lean` prints
 * the lean spelling (`Config.codegenStyle`), `--fuel` the metered one (`Config.consumeFuel`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Config, Engine, Linker, Module, Store, Val } from "../mod.ts";
import { callShapesOf, directOptionsOf, generateSource, jitBounds } from "../src/engine/codegen.ts";
import { leanSource } from "../src/engine/codegen_lean.ts";
import { instances } from "../src/runtime/handles.ts";
import { hostAdd, loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

const { positionals, values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { style: { type: "string", default: "jit" }, fuel: { type: "boolean", default: false } },
});
const [name, size = "1"] = positionals;
const workload = WORKLOADS.find((w) => w.name === name);
if (workload === undefined) {
  console.error(`usage: dump_codegen.ts <${WORKLOADS.map((w) => w.name).join("|")}> [size]`);
  Deno.exit(2);
}
const engine = new Engine(
  new Config({
    executionTier: "codegen",
    codegenStyle: values.style === "lean" ? "lean" : "jit",
    wasmExceptions: workload.exceptions === true,
    wasmGc: workload.gc === true,
    consumeFuel: values.fuel,
  }),
);
const module = new Module(engine, await loadWorkloadBytes(workload));
const store = new Store(engine, undefined);
if (values.fuel) store.setFuel(Number.MAX_SAFE_INTEGER);
const linker = new Linker(engine);
if (workload.importsHostAdd === true) {
  linker.funcWrap(
    "env",
    "host_add",
    { params: ["i32", "i32"], results: ["i32"] },
    (_caller, a, b) => hostAdd(a, b),
  );
}
const instance = linker.instantiate(store, module);
instance.getFunc(store, "run")!.call(store, [Val.i32(Number(size))]);
for (const func of instances.entity(store, instance).funcs) {
  if (func.isHost) continue;
  const cf = func.compiled;
  if (cf === null) continue;
  // As the engine generates it (see `Engine.bodyOf`).
  const collectable = workload.gc === true || workload.exceptions === true;
  const result = generateSource(cf.code, {
    numResults: cf.numResults,
    structured: true,
    paramWords: cf.paramWords,
    collectable,
    localWords: cf.localWords,
    self: cf.funcIndex,
    shapeOf: callShapesOf(func.instance.module),
    directOpts: directOptionsOf(cf, func.instance.module),
    splitLong: true,
    lean: engine.codegenStyle === "lean",
    handlers: cf.handlers,
    exceptions: workload.exceptions === true,
    // As the engine passes it (`Config.fuelCosts.elementsPerFuel`, 16 by default, less one).
    freeElements: values.fuel ? 15 : 0,
    gcObjects: workload.gc === true && engine.codegenStyle !== "lean",
  });
  console.log(`// func ${cf.funcIndex}`);
  console.log(
    "reason" in result
      ? `// not generated: ${result.reason}`
      : engine.codegenStyle === "lean"
      ? leanSource(result.source)
      : jitBounds(result.source),
  );
}
