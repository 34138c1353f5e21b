/** Trap backtraces: collapsed repeats, a cap with the hidden count, names from exports. */
import assert from "node:assert/strict";
import { BACKTRACE_LIMIT, Trap, TrapCode, Val } from "../../mod.ts";
import { instantiate } from "../_lib/instance.ts";

const RECURSION = `(module
  (func $main (export "main") (result i32) (call $rec (i32.const 0)))
  (func $rec (export "rec") (param i32) (result i32) (call $rec (local.get 0))))`;

function trapOf(run: () => unknown): Trap {
  try {
    run();
  } catch (e) {
    if (e instanceof Trap) return e;
    throw e;
  }
  assert.fail("expected a trap");
}

Deno.test("backtrace: a runaway recursion is one collapsed entry, names come from exports", () => {
  const { call } = instantiate(RECURSION, { config: { maxRecursionDepth: 16384 } });
  const trap = trapOf(() => call("main"));
  assert.equal(trap.code, TrapCode.StackOverflow);
  assert.equal(trap.cause, undefined, "the engine's own limit, not a JS stack overflow");
  // No name section: the export names stand in.
  assert.deepEqual(trap.backtrace, [
    { funcIndex: 1, name: "rec", count: 16383 },
    { funcIndex: 0, name: "main" },
  ]);
  assert.deepEqual(trap.backtraceLines(), ["at func 1 rec (x16,383)", "at func 0 main"]);
});

Deno.test("backtrace: name-section names win over export names", () => {
  const { call } = instantiate(
    `(module (func $inner (export "boom") unreachable) (func $outer (export "go") call $inner))`,
    { names: true },
  );
  const trap = trapOf(() => call("go"));
  assert.deepEqual(trap.backtraceLines(), ["at func 0 inner", "at func 1 outer"]);
});

Deno.test("backtrace: alternating frames are capped, the rest counted", () => {
  // $a and $b call each other: nothing collapses, so the cap applies.
  const { call } = instantiate(
    `(module
      (func $a (export "a") (param i32) (if (local.get 0) (then (call $b (i32.sub (local.get 0) (i32.const 1)))) (else unreachable)))
      (func $b (param i32) (call $a (local.get 0))))`,
    { names: true },
  );
  const trap = trapOf(() => call("a", Val.i32(100)));
  assert.equal(trap.backtrace.length, BACKTRACE_LIMIT);
  assert.equal(trap.hiddenFrames, 201 - BACKTRACE_LIMIT);
  const lines = trap.backtraceLines();
  assert.equal(lines[0], "at func 0 a");
  assert.equal(lines[1], "at func 1 b");
  assert.equal(lines.at(-1), `... ${201 - BACKTRACE_LIMIT} more frames`);
});
