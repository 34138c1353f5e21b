/**
 * `run` stops every `REENTER_TICKS` counted rows (`Br`, `Call`, the counted loops' back edges:
 * `REENTER_ROWS` in scripts/gen_executor.ts; plain conditional branches jumping backwards:
 * `REENTER_BACK_ROWS`) with `REENTER`, and `runSteady` enters it again at once, so that V8
 * can give a long call the code it compiled meanwhile. A stop must leave nothing behind: the
 * call continues at the instruction it stopped before, with the same frames, results and fuel.
 */
import assert from "node:assert/strict";
import { DONE, REENTER, REENTER_TICKS } from "../../src/engine/exec_support.ts";
import { run, runCore } from "../../src/engine/executor.ts";
import { instantiate } from "./harness.ts";

// `f(n)` calls `inc` n times from a counted loop: one `Call` and one back edge (the counter's
// step fused with its test, `I32AddImmBrIfNeImm`) per turn.
// `g(n)` does the same, then traps.
const LOOP = `(module
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $f (export "f") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $acc))
  (func (export "g") (param $n i32) (result i32)
    (drop (call $f (local.get $n)))
    unreachable))`;

const N = 3 * REENTER_TICKS + 7;

// Both interpreter loops stop alike; `runCore` (see core_loop_test.ts) runs this code without
// handing it to `run`.
for (const [name, loop] of [["run", run], ["runCore", runCore]] as const) {
  Deno.test(`${name} stops with REENTER every REENTER_TICKS counted rows and continues there`, () => {
    const t = instantiate(LOOP, { config: { executionTier: "interpreter" } });
    const code = t.code("f");
    assert.match(code, /\bCall\b/);
    assert.match(code, /\bI32AddImmBrIfNeImm\b/);
    const engine = t.store.engine;
    const io = new Int32Array(4);
    io[0] = N;
    const st = engine.startCall(t.entity("f"), io);
    let stops = 0;
    let status;
    while ((status = loop(engine, t.inner, st, 0)) === REENTER) stops++;
    assert.equal(status, DONE);
    engine.finishCall(st, io, 1);
    assert.equal(io[0], N);
    // 2N counted rows; each entry runs REENTER_TICKS of them and stops before the next.
    assert.equal(stops, Math.floor((2 * N - 1) / REENTER_TICKS));
    if (loop === runCore) assert.equal(engine.wideLoop, false);
  });
}

Deno.test("a call across REENTER stops computes and charges as one without them", () => {
  const fuelOf = (tier: "interpreter" | "codegen") => {
    const t = instantiate(LOOP, { config: { executionTier: tier, consumeFuel: true } });
    t.store.setFuel(1_000_000_000n);
    assert.equal(t.call("f", N), N);
    return 1_000_000_000n - t.store.getFuel();
  };
  // Generated code never stops to be entered again: the interpreter's count must match it.
  assert.equal(fuelOf("interpreter"), fuelOf("codegen"));
});

Deno.test("a trap after REENTER stops leaves the store usable", () => {
  const t = instantiate(LOOP, { config: { executionTier: "interpreter" } });
  assert.throws(() => t.call("g", N), /unreachable/);
  assert.equal(t.call("f", N), N);
});

// The host function's call runs in a nested \`run\` that stops and restarts the count, then the
// outer call's own loop stops as well.
Deno.test("a host function calling Wasm across REENTER stops leaves its caller's run intact", () => {
  const NESTED = `(module
    (import "env" "h" (func $h (param i32) (result i32)))
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $f (export "f") (param $n i32) (result i32) (local $acc i32)
      (block $done
        (loop $top
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (call $inc (local.get $acc)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $top)))
      (local.get $acc))
    (func (export "outer") (param $n i32) (result i32)
      (i32.add (call $h (local.get $n)) (i32.mul (call $f (local.get $n)) (i32.const 2)))))`;
  const t: ReturnType<typeof instantiate> = instantiate(NESTED, {
    config: { executionTier: "interpreter" },
    imports: { "env.h": (n) => t.call("f", n) as number },
  });
  assert.equal(t.call("outer", N), 3 * N);
});

// `m(n)` runs a loop closed by `BrIfI32LtU` (no fused counter: `acc`'s update sits between the
// step and the test), which calls nothing; its body starts with a forward `br_if` taken on every
// turn but the first. Only the backward jump counts: n - 1 counted rows.
const BACK = `(module
  (func (export "m") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (loop $top
      (block $skip
        (br_if $skip (local.get $i))
        (local.set $acc (i32.const 100)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $acc (i32.xor (local.get $acc) (local.get $i)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))`;

/** What `m(n)` returns. */
function backExpected(n: number): number {
  let acc = 100;
  for (let i = 1; i <= n; i++) acc ^= i;
  return acc;
}

Deno.test("a loop closed by BrIfI32LtU stops every REENTER_TICKS backward jumps, not forward ones", () => {
  const t = instantiate(BACK, { config: { executionTier: "interpreter" } });
  const code = t.code("m");
  assert.match(code, /\bBrIfI32LtU\b/);
  assert.match(code, /\bBrIf(Nez|Eqz)\b/);
  assert.doesNotMatch(code, /\bI32AddImmBrIf|\bCall\b|\bBr\b/);
  const engine = t.store.engine;
  const io = new Int32Array(4);
  io[0] = N;
  const st = engine.startCall(t.entity("m"), io);
  let stops = 0;
  let status;
  while ((status = run(engine, t.inner, st, 0)) === REENTER) stops++;
  assert.equal(status, DONE);
  engine.finishCall(st, io, 1);
  assert.equal(io[0], backExpected(N));
  // N - 1 backward jumps; a stop comes before the jump, which runs again on entry.
  assert.equal(stops, Math.floor((N - 2) / REENTER_TICKS));
});

Deno.test("a loop closed by BrIfI32LtU across REENTER stops charges the codegen tier's fuel", () => {
  const fuelOf = (tier: "interpreter" | "codegen") => {
    const t = instantiate(BACK, { config: { executionTier: tier, consumeFuel: true } });
    t.store.setFuel(1_000_000_000n);
    assert.equal(t.call("m", N), backExpected(N));
    return 1_000_000_000n - t.store.getFuel();
  };
  assert.equal(fuelOf("interpreter"), fuelOf("codegen"));
});
