/**
 * `deno task bench --count` (scripts/_bench_count.ts) counts each dispatched instruction once,
 * including rows that run in `runCold`, which `run` hands over to and gets back from.
 */

import assert from "node:assert/strict";
import { buildCountingCopy } from "../../scripts/_bench_count.ts";
import { wat } from "../_lib/wabt.ts";

Deno.test("count mode counts a cold row once per execution", async () => {
  const build = await buildCountingCopy();
  try {
    const api = await import(build.modPath) as typeof import("../../mod.ts");
    // Each iteration runs one memory.fill and one memory.copy (cold rows), each after hot
    // rows that load its operands, and the loop's branch (hot) after the copy.
    const bytes = wat(`(module (memory 1)
      (func (export "run") (param $n i32) (local $i i32)
        (loop $l
          (memory.fill (i32.const 0) (i32.const 7) (i32.const 16))
          (memory.copy (i32.const 32) (i32.const 0) (i32.const 16))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`);
    const engine = new api.Engine(new api.Config({ executionTier: "interpreter" }));
    const store = new api.Store(engine, null);
    const instance = new api.Linker(engine).instantiate(store, new api.Module(engine, bytes));
    const run = instance.getTypedFunc(store, "run", { params: ["i32"], results: [] });
    build.reset();
    run.call(store, 25);
    const counts = build.read();
    assert.equal(counts.get("MemoryFill"), 25);
    assert.equal(counts.get("MemoryCopy"), 25);
    const pairs = build.readPairs();
    assert.equal(pairs.get("ConstI32 MemoryCopy"), 25);
    assert.equal(pairs.get("MemoryCopy I32AddImmBrIfLtU"), 25);
  } finally {
    await build.remove();
  }
});
