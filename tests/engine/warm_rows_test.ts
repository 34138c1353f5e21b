/**
 * The warm rows (`isWarm` in scripts/gen_executor.ts): generated into `runWarm`, not into `run`,
 * and run from `run`'s default case one instruction per call, with the same results and traps
 * as anywhere else, and counted once each by `deno task bench --count`.
 */

import assert from "node:assert/strict";
import { generateExecutorSource, isCold, isWarm, warmable } from "../../scripts/gen_executor.ts";
import { buildCountingCopy } from "../../scripts/_bench_count.ts";
import { I, ISA } from "../../src/engine/isa.ts";
import { Config, Engine, Linker, Module, Store, Trap } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

/** The `case` labels (opcodes) of the function `name` in the generated executor. */
function labelsOf(source: string, name: string): Set<number> {
  const start = source.indexOf(`function ${name}(`);
  assert.ok(start >= 0, `no function ${name}`);
  const next = /\n(export )?function /g;
  next.lastIndex = start + 1;
  const end = next.exec(source)?.index ?? -1;
  const body = source.slice(start, end < 0 ? undefined : end);
  return new Set([...body.matchAll(/^\s*case (\d+):/gm)].map((m) => Number(m[1])));
}

Deno.test("warm rows are cases of runWarm only, and each can run there", () => {
  const source = generateExecutorSource();
  const run = labelsOf(source, "run");
  const warm = labelsOf(source, "runWarm");
  const cold = labelsOf(source, "runCold");
  const warmRows = ISA.filter((d) => d.caseOf === null && isWarm(d));
  assert.ok(warmRows.length > 20, `only ${warmRows.length} warm rows`);
  for (const def of warmRows) {
    const op = I[def.name as keyof typeof I];
    assert.ok(warm.has(op), `${def.name} is not in runWarm`);
    assert.ok(!run.has(op) && !cold.has(op), `${def.name} is also in run or runCold`);
    assert.ok(warmable(def) && !isCold(def), def.name);
  }
  assert.equal(warm.size, warmRows.length);
  // A row that reads `run`'s other state (the instance, the store, the call stack) cannot.
  const call = ISA.find((d) => d.name === "Call")!;
  const globalGet = ISA.find((d) => d.name === "GlobalGet")!;
  assert.ok(!warmable(call) && !warmable(globalGet));
});

// Warm rows (`i32x4.shl`, `v128.xor`, `f64x2.div`, `v128.load32_lane`, `select` of v128s)
// between hot ones (`i32x4.add`, the loop's branch) and a cold one (`memory.fill`).
const MIXED = `(module (memory 1)
  (func (export "run") (param $n i32) (param $at i32) (result i32)
    (local $i i32) (local $v v128) (local $w v128) (local $f v128)
    (local.set $w (v128.const i32x4 1 2 3 4))
    (local.set $f (v128.const f64x2 3 5))
    (memory.fill (i32.const 0) (i32.const 0x5a) (i32.const 64))
    (loop $l
      (local.set $v (i32x4.add (local.get $v) (local.get $w)))
      (local.set $v (i32x4.shl (local.get $v) (i32.const 1)))
      (local.set $v (v128.xor (local.get $v) (local.get $w)))
      (local.set $f (f64x2.div (local.get $f) (v128.const f64x2 1.5 0.5)))
      (local.set $v (v128.load32_lane 2 (local.get $at) (local.get $v)))
      (local.set $v (select (result v128) (local.get $v) (local.get $w) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 2 (local.get $v)))
      (i32.trunc_sat_f64_s (f64.mul (f64x2.extract_lane 1 (local.get $f)) (f64.const 1e6))))))`;

Deno.test("warm rows run in the interpreter as the host engine runs them", () => {
  const bytes = wat(MIXED);
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>))
    .exports as {
      run(n: number, at: number): number;
    };
  const engine = new Engine(new Config({ executionTier: "interpreter" }));
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const run = instance.getTypedFunc(store, "run", { params: ["i32", "i32"], results: ["i32"] });
  for (const n of [1, 2, 7, 100]) assert.equal(run.call(store, n, 8), native.run(n, 8), `n = ${n}`);
  // A trap in a warm row (the lane load past the end) leaves the store usable.
  assert.throws(() => run.call(store, 3, 65536 - 2), (e) => {
    assert.ok(e instanceof Trap);
    assert.equal(e.message, "out of bounds memory access");
    return true;
  });
  assert.equal(run.call(store, 5, 12), native.run(5, 12));
});

Deno.test("count mode counts a warm row once per execution", async () => {
  const build = await buildCountingCopy();
  try {
    const api = await import(build.modPath) as typeof import("../../mod.ts");
    const engine = new api.Engine(new api.Config({ executionTier: "interpreter" }));
    const store = new api.Store(engine, null);
    const instance = new api.Linker(engine).instantiate(store, new api.Module(engine, wat(MIXED)));
    const run = instance.getTypedFunc(store, "run", { params: ["i32", "i32"], results: ["i32"] });
    build.reset();
    run.call(store, 25, 8);
    const counts = build.read();
    for (const name of ["I32x4Shl", "V128Xor", "F64x2Div", "V128LoadLane", "Select128"]) {
      assert.equal(counts.get(name), 25, name);
    }
    assert.equal(counts.get("I32x4Add"), 25);
    assert.equal(counts.get("MemoryFill"), 1);
  } finally {
    await build.remove();
  }
});
