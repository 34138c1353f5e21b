/**
 * What code generation costs on first use: a synthetic module of about 1 MB (`--functions`
 * bodies of straight-line i32 arithmetic with a small loop, each called once by `run`) is
 * compiled, instantiated and called once, in a fresh process per execution tier, so the time
 * includes translating every body (and, with `codegen`, generating and parsing its JavaScript;
 * `auto` generates only what gets hot, here nothing).
 *
 * ```sh
 * deno run -A scripts/bench_first_call.ts [--functions 2000] [--rounds 3]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { sleb, u32 as leb } from "../tests/_lib/bytes.ts";

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

/**
 * `count` functions `(param i32) (result i32)` of about 500 bytes each, and `run(x)` that
 * calls each once and sums the results.
 */
export function firstCallModule(count: number): Uint8Array {
  const bodies: number[][] = [];
  for (let f = 0; f < count; f++) {
    const body: number[] = [1, 1, 0x7f]; // one i32 local
    // A short loop: local1 counts down from 3 while local0 is mixed.
    body.push(0x41, 3, 0x21, 1, 0x03, 0x40);
    for (let k = 0; k < 40; k++) {
      body.push(0x20, 0, 0x41, ...sleb(f * 31 + k), 0x6a, 0x41, ...sleb(k + 3), 0x6c);
      body.push(0x20, 1, 0x73, 0x21, 0);
    }
    body.push(0x20, 1, 0x41, 1, 0x6b, 0x22, 1, 0x0d, 0, 0x0b, 0x20, 0, 0x0b);
    bodies.push([...leb(body.length), ...body]);
  }
  const run: number[] = [0];
  run.push(0x41, 0);
  for (let f = 0; f < count; f++) run.push(0x20, 0, 0x10, ...leb(f), 0x6a);
  run.push(0x0b);
  const types = [1, 0x60, 1, 0x7f, 1, 0x7f];
  const funcs = [...leb(count + 1), ...new Array<number>(count + 1).fill(0)];
  const exports = [1, 3, 0x72, 0x75, 0x6e, 0, ...leb(count)];
  const code = [...leb(count + 1), ...bodies.flat(), ...leb(run.length), ...run];
  return new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, types),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/** Run in a child process: times compile + instantiate + the first call of `run`. */
async function child(path: string, tier: string): Promise<void> {
  const { Config, Engine, Linker, Module, Store } = await import("../mod.ts");
  const bytes = await Deno.readFile(path);
  const start = performance.now();
  const engine = new Engine(new Config({ executionTier: tier as "auto" }));
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
  const result = instance.getTypedFunc<[number], number>(store, "run").call(store, 7);
  console.log(JSON.stringify({ ms: performance.now() - start, result }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      functions: { type: "string", default: "2000" },
      rounds: { type: "string", default: "3" },
      child: { type: "string" },
      tier: { type: "string" },
    },
  });
  if (values.child !== undefined) return await child(values.child, values.tier!);
  const bytes = firstCallModule(Number(values.functions));
  const path = await Deno.makeTempFile({ suffix: ".wasm" });
  try {
    await Deno.writeFile(path, bytes);
    console.log(`module: ${bytes.length} bytes, ${values.functions} functions called once\n`);
    const best: Record<string, number> = {};
    const results = new Set<number>();
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const tier of ["interpreter", "codegen", "auto"]) {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", new URL(import.meta.url).pathname, "--child", path, "--tier", tier],
          stdout: "piped",
          stderr: "inherit",
        }).output();
        const { ms, result } = JSON.parse(new TextDecoder().decode(out.stdout));
        results.add(result);
        best[tier] = Math.min(best[tier] ?? Infinity, ms);
      }
    }
    if (results.size !== 1) throw new Error(`the tiers disagree: ${[...results].join(", ")}`);
    for (const [tier, ms] of Object.entries(best)) {
      console.log(`${tier.padEnd(12)} ${ms.toFixed(0).padStart(6)} ms (best of ${values.rounds})`);
    }
    console.log(`\ncodegen / interpreter: ${(best.codegen! / best.interpreter!).toFixed(2)}x`);
    console.log(`auto / interpreter: ${(best.auto! / best.interpreter!).toFixed(2)}x`);
  } finally {
    await Deno.remove(path);
  }
}

if (import.meta.main) await main();
