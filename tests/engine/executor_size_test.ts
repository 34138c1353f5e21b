/**
 * The interpreter loop must stay small enough for V8 to optimise it: TurboFan refuses any
 * function of more than `--max-optimized-bytecode-size` bytes of bytecode (60 KB), and the
 * executor's `run` then stays in the bytecode interpreter, about 15 times slower on every
 * workload (measured: `bench/loop.wat` went from 28.6x to 577x native when SIMD rows pushed `run`
 * from 48 KB to 65 KB). This reads the size V8 reports for `run` after one call.
 */

import assert from "node:assert/strict";

/** V8's default `--max-optimized-bytecode-size`. */
const V8_LIMIT = 60 * 1024;

Deno.test("the executor's run stays under V8's optimisation limit on bytecode size", async () => {
  const mod = new URL("../../mod.ts", import.meta.url).href;
  // An exported function called once, so that `run` is compiled to bytecode and printed.
  const script = `
    import { Config, Engine, Linker, Module, Store } from "${mod}";
    const engine = new Engine(new Config({ executionTier: "interpreter" }));
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0,
      7, 5, 1, 1, 102, 0, 0, 10, 4, 1, 2, 0, 11]);
    const store = new Store(engine, null);
    const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
    instance.getTypedFunc(store, "f").call(store);
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--print-bytecode,--print-bytecode-filter=run", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  // Every function named `run` is printed: the executor's is by far the largest.
  const sizes = [...text.matchAll(/Bytecode length: (\d+)/g)].map((m) => Number(m[1]));
  assert.ok(sizes.length > 0, "V8 printed no bytecode");
  const size = Math.max(...sizes);
  console.log(`executor run: ${size} bytes of bytecode (V8 optimises up to ${V8_LIMIT})`);
  assert.ok(size > 10_000, `the largest run is ${size} bytes: not the executor's?`);
  assert.ok(size <= V8_LIMIT, `run is ${size} bytes of bytecode, over V8's ${V8_LIMIT}`);
});
