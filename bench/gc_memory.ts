/**
 * Memory of a GC allocation loop: runs `gc_memory.wat` (10,000,000 short-lived structs by
 * default) on wasmi-ts and prints the process's peak resident set size (sampled from Wasm every
 * 2^20 iterations and at the end), the heap after a final collection, and the collector's
 * counters. Peak RSS is what the issue asks for ("a loop allocating 10,000,000 short-lived
 * structs runs in bounded memory").
 *
 * ```sh
 * deno run -A --v8-flags=--expose-gc bench/gc_memory.ts [--tier interpreter|codegen] [--n N]
 * ```
 *
 * @module
 */

import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { parseArgs } from "node:util";
import { Config, Engine, Func, FuncType, Linker, Module, Store } from "../mod.ts";
import { storeInner } from "../src/runtime/store.ts";

const { values } = parseArgs({
  options: { tier: { type: "string", default: "interpreter" }, n: { type: "string" } },
});
const n = Number(values.n ?? 10_000_000);
const tier = values.tier as "interpreter" | "codegen";

const text = await Deno.readTextFile(new URL("./gc_memory.wat", import.meta.url));
const bytes = await parse(text);
const engine = new Engine(new Config({ wasmGc: true, executionTier: tier }));
const store = new Store(engine, null);
let peak = Deno.memoryUsage().rss;
const before = peak;
const sample = () => {
  peak = Math.max(peak, Deno.memoryUsage().rss);
};
const linker = new Linker(engine);
linker.define("env", "sample", new Func(store, new FuncType([], []), () => sample()));
const instance = linker.instantiate(store, new Module(engine, bytes));
const run = instance.getTypedFunc<[number], number>(store, "run");
const t0 = performance.now();
const sum = run.call(store, n);
const ms = performance.now() - t0;
sample();
(globalThis as { gc?: () => void }).gc?.();
const heap = storeInner(store).gc;
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
console.log(
  `${n} structs (${tier}): ${ms.toFixed(0)} ms, checksum ${sum}; ` +
    `peak RSS ${mib(peak)} MiB (${mib(before)} MiB before the run); ` +
    `heap used after: ${mib(Deno.memoryUsage().heapUsed)} MiB; ` +
    `collections ${heap.collections}, handle table ${heap.objs.length}, live ${heap.live}`,
);
