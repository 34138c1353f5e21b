/**
 * `ExecStack.clear` at the end of a call: it must keep no function of the call alive (an idle
 * pooled stack would otherwise hold its instance and store), and it keeps the first slots of
 * `funcs` so that the next call's frames are stored in bounds (a growing store deoptimised the
 * interpreter's optimised `run` at a process's second call).
 */
import assert from "node:assert/strict";
import { ExecStack } from "../../src/engine/stack.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { DONE } from "../../src/engine/exec_support.ts";
import { run } from "../../src/engine/executor.ts";
import { instantiate } from "./harness.ts";

const fakeFuncs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ index: i }) as unknown as WasmFuncEntity);

Deno.test("clear empties every slot of funcs and keeps the first 64 of them", () => {
  const deep = new ExecStack(1 << 16, 1000);
  deep.funcs.push(...fakeFuncs(200));
  deep.depth = 199;
  deep.clear();
  assert.equal(deep.depth, -1);
  assert.equal(deep.funcs.length, 64);
  assert.ok(deep.funcs.every((f) => f === undefined));

  const shallow = new ExecStack(1 << 16, 1000);
  shallow.funcs.push(...fakeFuncs(3));
  shallow.clear();
  assert.equal(shallow.funcs.length, 3);
  assert.ok(shallow.funcs.every((f) => f === undefined));
});

Deno.test("a stack given back after a call holds none of the call's functions", () => {
  // `f` calls `g` calls `h`: three frames.
  const t = instantiate(
    `(module
      (func $h (result i32) (i32.const 7))
      (func $g (result i32) (call $h))
      (func (export "f") (result i32) (call $g)))`,
    { config: { executionTier: "interpreter" } },
  );
  const engine = t.store.engine;
  for (let i = 0; i < 3; i++) {
    const io = new Int32Array(2);
    const st = engine.startCall(t.entity("f"), io);
    assert.equal(run(engine, t.inner, st, 0), DONE);
    assert.ok(st.funcs.length >= 3, "the call's frames were on this stack");
    engine.finishCall(st, io, 1);
    assert.equal(io[0], 7);
    assert.equal(st.depth, -1);
    assert.ok(st.funcs.length >= 3, "the slots stay for the next call");
    assert.ok(st.funcs.every((f) => f === undefined));
  }
});
