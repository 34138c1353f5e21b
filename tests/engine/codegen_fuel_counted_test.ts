/**
 * Counted loops whose back edge checks the fuel count once for many passes (`countedBackEdge`
 * and `stripMine` in src/engine/codegen_fuel.ts): the generated code of each form of counted
 * back edge is strip-mined, and from budgets that let it run many passes without a check, and
 * from budgets that run out inside them, it stops, traps and ends where the interpreter does,
 * with the same fuel left.
 */

import assert from "node:assert/strict";
import { directSource, fuelLog, instantiate } from "./harness.ts";

const COUNTED = `(module
  (memory (export "mem") 1)
  ;; bytesum's inner loop: an immediate bound and step (I32AddImmBrIfLtUImmPay).
  (func (export "ltuImm") (param $n i32) (result i32) (local $p i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (i32.const 200000)))
      (local.set $s (i32.add (local.get $s) (i32.xor (local.get $p) (local.get $n))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $s))
  ;; A bound in a local, an arm of either cost inside (I32AddImmBrIfLtUPay).
  (func (export "ltuSlot") (param $n i32) (result i32) (local $p i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $n)))
      (if (i32.and (local.get $p) (i32.const 4))
        (then (local.set $s (i32.add (local.get $s) (local.get $p))))
        (else (local.set $s (i32.sub (local.get $s) (i32.mul (local.get $p) (i32.const 3))))))
      (local.set $p (i32.add (local.get $p) (i32.const 3)))
      (br $l)))
    (local.get $s))
  ;; sieve's marking loop: a step in a local (I32AddBrIfLtUPay); step 0 never ends.
  (func (export "ltuStep") (param $n i32) (param $step i32) (result i32) (local $p i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.const 7)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (br $l)))
    (local.get $s))
  ;; do { ... } while (++p != n) (I32AddImmBrIfNePay), and against a constant.
  (func (export "ne") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $p)))
      (br_if $l (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $n))))
    (local.get $s))
  (func (export "neImm") (param $p i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $p)))
      (br_if $l (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 2))) (i32.const 150000))))
    (local.get $s))
  ;; do { ... } while ((p += 5) <= n) (I32AddImmBrIfLeUPay).
  (func (export "leu") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.xor (local.get $s) (local.get $p)))
      (br_if $l (i32.le_u (local.tee $p (i32.add (local.get $p) (i32.const 5))) (local.get $n))))
    (local.get $s))
  ;; xxHash's round: i64 products, whose generated code takes a slow path on a loop's first pass
  ;; (see coldLoops in codegen.ts) that the first jump back ends.
  (func (export "mul64") (param $n i32) (result i64) (local $p i32) (local $h i64)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $h (i64.mul (i64.rotl (i64.add (local.get $h) (i64.extend_i32_u (local.get $p)))
        (i64.const 31)) (i64.const -7046029254386353131)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $h))
  ;; matmul's inner loop: the counter's step, then another's, before the back edge
  ;; (BrIfI32LtUPay), and the same with a do-while's test (BrIfI32NePay).
  (func (export "ltuApart") (param $n i32) (result i32) (local $p i32) (local $q i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.xor (local.get $p) (local.get $q))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $q (i32.add (local.get $q) (local.get $n)))
      (br $l)))
    (local.get $s))
  (func (export "neApart") (param $p i32) (param $n i32) (result i32) (local $q i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $q)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $q (i32.add (local.get $q) (i32.const 5)))
      (br_if $l (i32.ne (local.get $p) (local.get $n))))
    (local.get $s))
  ;; The counter stepped in an arm, not on every pass: every pass checks (BrIfI32LtUPay).
  (func (export "ltuArm") (param $n i32) (result i32) (local $p i32) (local $q i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $n)))
      (if (i32.and (local.get $q) (i32.const 1))
        (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l)))
    (local.get $q))
  ;; Reads bytes up to n: past the memory's end it traps, after many passes.
  (func (export "load") (param $n i32) (result i32) (local $p i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $s)))`;

const TIERS = [
  { executionTier: "interpreter" },
  { executionTier: "codegen" },
  { executionTier: "codegen", codegenStyle: "lean" },
] as const;

/** Each export, its arguments, and the back edge its loop ends with. */
const CASES: [string, number[], string][] = [
  ["ltuImm", [77], "I32AddImmBrIfLtUImmPay"],
  ["ltuSlot", [400_000], "I32AddImmBrIfLtUPay"],
  ["ltuStep", [300_000, 2], "I32AddBrIfLtUPay"],
  ["ne", [5, 200_005], "I32AddImmBrIfNePay"],
  ["neImm", [0], "I32AddImmBrIfNeImmPay"],
  ["leu", [3, 1_000_000], "I32AddImmBrIfLeUPay"],
  // Past the memory's end (65,536 bytes): a trap after many passes.
  ["load", [100_000], "I32AddImmBrIfLtUPay"],
  ["mul64", [200_000], "I32AddImmBrIfLtUPay"],
  ["ltuApart", [1_600_000], "BrIfI32LtUPay"],
  ["neApart", [3, 250_003], "BrIfI32NePay"],
  // A step of 0, and one that wraps the counter: no limit is set (the count ends the call).
  ["ltuStep", [300_000, 0], "I32AddBrIfLtUPay"],
  ["ltuStep", [-1, 0x7fffffff], "I32AddBrIfLtUPay"],
];

/**
 * Calls `name(...args)` from `budget`, all of it spendable at once (so that generated code
 * skips checks); at each of its first three stops (what it asks, its pc, the fuel left) gives
 * it what it asks and a million more (so that it skips checks again); then the result or the
 * trap and the fuel left, or `cut` after the third stop.
 */
function run(tier: (typeof TIERS)[number], name: string, args: number[], budget: number) {
  const t = instantiate(COUNTED, { config: { consumeFuel: true, ...tier } });
  return fuelLog(t, name, args, budget, (st, log) => {
    log.push([st.requiredFuel, st.frames[2 * st.depth + 1], t.inner.fuel]);
    t.inner.fuel += st.requiredFuel + 1_000_003;
    return log.length < 3;
  });
}

Deno.test("codegen fuel counted loops: each form of counted back edge is strip-mined", () => {
  const t = instantiate(COUNTED, { config: { consumeFuel: true } });
  for (const [name, , row] of CASES) {
    const f = t.entity(name);
    const cf = t.engine.compile(f);
    assert.ok(t.code(name).includes(row), `${name}: ${row}`);
    const generated = directSource(cf, f.instance.module);
    assert.ok("source" in generated, name);
    // The body's own loop inside the loop, its back edge comparing with the limit.
    assert.match(generated.source, /^L\d+: for \(;;\) \{\n\{\n\s*const \$x = /m, name);
    assert.match(generated.source, /^F\d+: for \(;;\) \{$/m, name);
    // A loop's first pass ends at its first jump back, the fast one too.
    if (name === "mul64") assert.match(generated.source, /\$warm = -4096;\ncontinue F\d+;/);
    assert.match(
      generated.source,
      /(?:< \(\$lim\d+ >>> 0\)| !== \$lim\d+)\) \{\n\s*fuel = \(fuel - \d+\) \| 0;\n\s*(?:\{\n\$warm = -4096;\n)?continue F\d+;/,
      name,
    );
  }
});

Deno.test("codegen fuel counted loops: a counter stepped in an arm is checked on every pass", () => {
  const t = instantiate(COUNTED, { config: { consumeFuel: true } });
  const f = t.entity("ltuArm");
  assert.ok(t.code("ltuArm").includes("BrIfI32LtUPay"));
  const generated = directSource(t.engine.compile(f), f.instance.module);
  assert.ok("source" in generated);
  assert.doesNotMatch(generated.source, /^F\d+: for \(;;\) \{$/m);
  assert.doesNotMatch(generated.source, /step@/);
  // No limit and no fast test are left behind (they would only cost a compare per pass).
  assert.doesNotMatch(generated.source, /\$lim/);
});

Deno.test("codegen fuel counted loops: many passes unchecked, the same stops, traps and fuel", () => {
  const cases: [string, number[], string?][] = [...CASES, ["ltuArm", [100_000]]];
  for (const [name, args] of cases) {
    // What the whole call uses (a step of 0 never ends: then all of it).
    const full = run(TIERS[0], name, args, 5_000_000);
    const used = full.length === 2 ? 5_000_000 - (full[1] as number) : 5_000_000;
    const budgets = [used, used + 1, used + 977, used - 1, used - 13, used >> 1, used >> 2];
    for (const budget of budgets) {
      const [interpreter, ...generated] = TIERS.map((tier) => run(tier, name, args, budget));
      for (const [i, log] of generated.entries()) {
        assert.deepEqual(log, interpreter, `${name}(${args}) from ${budget}, tier ${i + 1}`);
      }
    }
  }
});
