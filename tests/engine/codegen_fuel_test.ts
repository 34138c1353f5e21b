/**
 * Which fuel charges generated code tests, and for how much (`planFuel`, codegen_fuel.ts), and
 * that a body planned so stops where the interpreter stops, with the same fuel left: the
 * interpreter, generated code and its lean spelling run the same calls from every budget in a
 * range, refilling from a reserve on the way (as a store's chunk does) or yielding at the end of
 * each fuel slice, and resume each stop with exactly what it asks.
 */

import assert from "node:assert/strict";
import { type FuelKind, type FuelNode, planFuel } from "../../src/engine/codegen_fuel.ts";
import { DONE, OUT_OF_FUEL } from "../../src/engine/engine.ts";
import { refillFuel, spreadFuel } from "../../src/engine/fuel.ts";
import { instantiate } from "./harness.ts";

/** A node of a plan's input: `[pc, kind, cost, next, ...targets]`. */
type Row = [number, FuelKind, number, number, ...number[]];
const nodes = (rows: Row[]): FuelNode[] =>
  rows.map(([pc, kind, cost, next, ...targets]) => ({ pc, kind, cost, next, targets }));

Deno.test("codegen fuel plan: a loop whose back edge pays its header covers its arms and exits", () => {
  // The shape of `bench/loop.wat`: the entry's charge, the rotated loop's first header charge,
  // a test that skips the loop; in the loop (from pc 6) an if/else, the back edge paying the
  // header (`*Pay`), and the header's charge on the way out.
  const plan = planFuel(
    nodes([
      [0, "charge", 10, 2],
      [2, "charge", 35, 4],
      [4, "plain", 0, 6, 20],
      [6, "plain", 0, 8, 10],
      [8, "charge", 7, 9],
      [9, "plain", 0, -1, 12],
      [10, "charge", 6, 12],
      [12, "plain", 0, 13],
      [13, "pay", 35, 15, 6],
      [15, "charge", 35, 17],
      [17, "plain", 0, -1, 20],
      [20, "plain", 0, -1],
    ]),
    [0],
  );
  // From the loop's start: the then arm (7) and the way out (35) at most: 42 ahead. The back
  // edge tests for its 35 and those; the entry for 10, the first header's 35 and those.
  assert.deepEqual([...plan].sort((a, b) => a[0] - b[0]), [[0, 87], [13, 77]]);
});

Deno.test("codegen fuel plan: after a call, and at a back edge that does not pay, a charge tests", () => {
  const plan = planFuel(
    nodes([
      [0, "charge", 4, 2],
      // A loop from pc 2, its back edge a plain branch: its header charge tests each iteration.
      [2, "charge", 9, 4],
      [4, "plain", 0, 5, 12],
      [5, "charge", 3, 7],
      [7, "reset", 0, 8],
      [8, "charge", 2, 10],
      [10, "plain", 0, -1, 2],
      [12, "charge", 1, 14],
      [14, "plain", 0, -1],
    ]),
    [0],
  );
  // The arm at 5 and the exit at 12 are paid ahead by the header; after the call (a reset) the
  // count is the store's again, so 8 tests for itself.
  assert.deepEqual([...plan].sort((a, b) => a[0] - b[0]), [[0, 4], [2, 12], [8, 2]]);
});

Deno.test("codegen fuel plan: an entry in the middle tests there; a shape it cannot follow tests all", () => {
  const rows: Row[] = [[0, "charge", 5, 2], [2, "plain", 0, 3], [3, "charge", 6, 5], [
    5,
    "plain",
    0,
    -1,
  ]];
  assert.deepEqual([...planFuel(nodes(rows), [0])], [[0, 11]]);
  assert.deepEqual([...planFuel(nodes(rows), [0, 2])], [[0, 5], [3, 6]]);
  // A branch to no instruction: every charge tests for its own cost.
  const odd = nodes([[0, "charge", 5, 2], [2, "plain", 0, 3, 99], [3, "charge", 6, 5]]);
  assert.deepEqual([...planFuel(odd, [0])], [[0, 5], [3, 6]]);
});

/**
 * A loop whose iterations take either arm of an `if`, sometimes call a function, and run an
 * inner loop of 0-3 iterations; then a tail of straight-line code.
 */
const MODULE = `(module
  (func $mix (param $x i32) (result i32)
    (i32.xor (i32.mul (local.get $x) (i32.const 31)) (i32.const 7)))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $acc (i32.add (local.get $acc) (local.get $i))))
        (else (local.set $acc (i32.sub (local.get $acc) (i32.const 3)))))
      (if (i32.eq (i32.and (local.get $i) (i32.const 3)) (i32.const 2))
        (then (local.set $acc (call $mix (local.get $acc)))))
      (local.set $j (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $j) (i32.and (local.get $i) (i32.const 3))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 5)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (i32.add (local.get $acc) (local.get $n))))`;

const TIERS = [
  { executionTier: "interpreter" },
  { executionTier: "codegen" },
  { executionTier: "codegen", codegenStyle: "lean" },
] as const;

/**
 * Runs `run(n)` from `budget` (at most `chunk` of it spendable at first, the rest in the
 * reserve), resuming each stop with exactly the fuel it asks (added to the reserve, so the
 * executor refills again); or, with `slice`, as a call that yields at the end of each slice of
 * that size. Returns each stop (what it asks, the frame and pc it stopped at, the fuel left),
 * then the result and the fuel left.
 */
function stops(
  tier: (typeof TIERS)[number],
  n: number,
  budgets: readonly number[],
  chunk: number,
  slice = 0,
): unknown[] {
  const t = instantiate(MODULE, { config: { consumeFuel: true, ...tier } });
  const f = t.entity("run");
  const log: unknown[] = [];
  for (const budget of budgets) {
    const io = new Int32Array(4);
    io[0] = n;
    t.inner.fuelSlice = slice;
    if (slice > 0) spreadFuel(t.inner, budget);
    else {
      t.inner.fuel = Math.min(budget, chunk);
      t.inner.fuelReserve = budget - t.inner.fuel;
    }
    const st = t.engine.startCall(f, io);
    st.yields = slice > 0;
    const run: unknown[] = [budget];
    for (let k = 0;; k++) {
      const status = t.engine.resumeCall(t.inner, st);
      if (status === DONE) break;
      assert.equal(status, OUT_OF_FUEL);
      const left = t.inner.fuel + t.inner.fuelReserve;
      run.push([st.requiredFuel, st.depth, st.frames[2 * st.depth + 1], left]);
      if (slice > 0) {
        if (!refillFuel(t.inner, st.requiredFuel)) t.inner.fuelReserve += st.requiredFuel;
        assert.ok(refillFuel(t.inner, st.requiredFuel));
      } else t.inner.fuelReserve += st.requiredFuel;
      assert.ok(k < 10_000, "too many stops");
    }
    t.engine.finishCall(st, io, 1);
    run.push(io[0], t.inner.fuel + t.inner.fuelReserve);
    log.push(run);
  }
  t.inner.fuelSlice = 0;
  return log;
}

Deno.test("codegen fuel: from every budget, refilling, generated code stops where the interpreter does", () => {
  // Every budget up to more than the whole call uses (each stop resumed with what it asks), with
  // 37 units spendable at first: the executor refills from the reserve, then runs out at
  // every charge in turn, loop headers and back edges included.
  const budgets = Array.from({ length: 700 }, (_, i) => i);
  const [interpreter, ...generated] = TIERS.map((tier) => stops(tier, 9, budgets, 37));
  for (const [i, log] of generated.entries()) assert.deepEqual(log, interpreter, `tier ${i + 1}`);
  // The budget the call needs is inside the range: its last runs stop nowhere.
  assert.equal((interpreter.at(-1) as unknown[]).length, 3);
});

Deno.test("codegen fuel: a call yielding at each fuel slice stops where the interpreter does", () => {
  const budgets = Array.from({ length: 40 }, (_, i) => 7 * i);
  for (const slice of [1, 5, 13, 40, 97]) {
    const [interpreter, ...generated] = TIERS.map((tier) => stops(tier, 9, budgets, 0, slice));
    for (const [i, log] of generated.entries()) {
      assert.deepEqual(log, interpreter, `slice ${slice}, tier ${i + 1}`);
    }
  }
});
