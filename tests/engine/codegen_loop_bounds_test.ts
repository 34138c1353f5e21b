/**
 * Bounds checks hoisted out of innermost loops (`withLoopBoundsHoisted` in
 * codegen_loop_bounds.ts): which loops are generated twice, and that both copies compute what the
 * interpreter computes at every edge: the last byte in bounds, the first past it, offsets near
 * 2^32, counters starting past the bound, unaligned addresses, memory grown inside the loop.
 */

import assert from "node:assert/strict";
import { jitBounds } from "../../src/engine/codegen.ts";
import { withLoopBoundsHoisted } from "../../src/engine/codegen_loop_bounds.ts";
import { Trap } from "../../mod.ts";
import { directSource, fuelLog, instantiate, type TestInstance } from "./harness.ts";

const TRAP = "throw trap(TrapCode.MemoryOutOfBounds);";

/** A loop as the jit style spells `sum += load8_u(x + k); x += 1` while `x < b`. */
function loop(opts: { k?: number; b?: string; before?: string; after?: string } = {}): string {
  return `L7: for (;;) {
${opts.before ?? ""}{
const ea = (r4 >>> 0) + (${opts.k ?? 0} >>> 0);
if (ea >= memLen) ${TRAP}
r12 = mview.getUint8(ea);
}
r8 = (r8 + r12) | 0;
r4 = (r4 + 1) | 0;
${opts.after ?? ""}if ((r4 >>> 0) < (${opts.b ?? "r0"} >>> 0)) {
  continue L7;
}
break L7;
}`;
}

Deno.test("codegen loop bounds: a counted loop is generated twice, its check out of one copy", () => {
  const js = loop({ k: 3 });
  const out = withLoopBoundsHoisted(`x();\n${js}\ny();`);
  assert.equal(
    out,
    `x();\nif (Math.max(r4 >>> 0, (r0 >>> 0) - 1) <= memLen - 4) {\n${
      js.replace(`if (ea >= memLen) ${TRAP}\n`, "")
    }\n} else {\n${js}\n}\ny();`,
  );
  // A constant bound, `<=`, wider accesses, `(x + c)` addresses and the metered spelling.
  const wide = `L3: for (;;) {
{
const $ea = ((r4 + 16) >>> 0) + (-8 >>> 0);
if ($ea > memLen - 8) throw (fuelLive && (store.fuel = fuel)), ${TRAP.slice(6)}
r8 = mview.getInt32($ea, true);
}
r4 = (r4 + 8) | 0;
if ((r4 >>> 0) <= (1000 >>> 0)) {
  fuel = (fuel - 3) | 0;
  continue L3;
}
break L3;
}`;
  // An offset of 2^32 - 8 reaches past any memory: such a loop is left checked.
  assert.equal(withLoopBoundsHoisted(wide), wide);
  const fits = withLoopBoundsHoisted(wide.replace("(-8 >>> 0)", "(8 >>> 0)"));
  assert.match(fits, /^if \(Math\.max\(r4 >>> 0, 1000\) <= memLen - 32\) \{\nL3: /);
  assert.equal(fits.split("memLen - 8)").length, 2, "one check left, in the checked copy");
});

Deno.test("codegen loop bounds: a loop that cannot be proved is left as it is", () => {
  for (
    const js of [
      loop({ b: "r0", after: "r0 = (r0 - 1) | 0;\n" }), // the bound changes
      loop({ before: "r4 = (r4 + 2) | 0;\n" }), // the counter changes before the access
      loop({ before: "if (r8 === 5) {\n  continue L7;\n}\n" }), // another way round
      loop({ before: "for (;;) {\nbreak;\n}\n" }), // not innermost
      loop({ before: "const f = () => r4;\n" }), // a closure
      loop().replace("(r4 >>> 0) < (r0 >>> 0)", "r4 < r0"), // a signed test
      loop().replace("const ea = (r4", "const ea = (r5"), // an address on another local
      loop().replace("  continue L7;", "  r4 = 0;\n  continue L7;"), // the tail resets it
      loop({ k: 0 }).replace("ea >= memLen", "ea > memLen"), // a check of another shape
    ]
  ) {
    assert.equal(withLoopBoundsHoisted(js), js);
  }
  // A check after the counter's step stays in both copies; one before it goes.
  const after = loop({
    after: `{\nconst ea = (r4 >>> 0) + (0 >>> 0);\nif (ea >= memLen) ${TRAP}\n}\n`,
  });
  assert.equal(withLoopBoundsHoisted(after).split("ea >= memLen").length, 4);
});

/** A loop as clang's code comes: `r8 = x + 400; load16 r8 + 2; load8 x - 100; x += 4` while `x !== b`. */
function neLoop(opts: { b?: string; set?: string; step?: string } = {}): string {
  return `L9: for (;;) {
${opts.set ?? "r8 = (r4 + 400) | 0;"}
{
const ea = ((r8 + 2) >>> 0) + (0 >>> 0);
if (ea > memLen - 2) ${TRAP}
r12 = mview.getUint16(ea, true);
}
{
const ea = (r4 + -100) >>> 0;
if (ea >= memLen) ${TRAP}
r16 = mview.getUint8(ea);
}
r4 = (r4 + ${opts.step ?? "4"}) | 0;
if (r4 !== ${opts.b ?? "0"}) {
  continue L9;
}
break L9;
}`;
}

Deno.test("codegen loop bounds: a loop counting to a bound by a constant step, as clang's", () => {
  const js = neLoop();
  // From x - 100 to x + 404, `n` passes of 4: 504 bytes past the first, then 4 * (n - 1).
  assert.equal(
    withLoopBoundsHoisted(js),
    `{\nconst $span = (0 - r4) >>> 0, $n = $span / 4;\nif ($span !== 0 && $span % 4 === 0 && ((r4 + -100) >>> 0) + ($n - 1) * 4 <= memLen - 504) {\n${
      js.replace(`if (ea > memLen - 2) ${TRAP}\n`, "").replace(`if (ea >= memLen) ${TRAP}\n`, "")
    }\n} else {\n${js}\n}\n}`,
  );
  // A bound in a local; a wider step.
  assert.match(withLoopBoundsHoisted(neLoop({ b: "r0" })), /\(r0 - r4\) >>> 0, \$n = \$span \/ 4;/);
  assert.match(
    withLoopBoundsHoisted(neLoop({ step: "600" })),
    /\(\$n - 1\) \* 600 <= memLen - 504\) \{/,
  );
  // The local set inside a branch (not on every path) leaves only the counter's own access.
  const branch = withLoopBoundsHoisted(
    neLoop({ set: "if (r0 === 1) {\nr8 = (r4 + 400) | 0;\n}" }),
  );
  assert.match(branch, /\(\(r4 \+ -100\) >>> 0\) \+ \(\$n - 1\) \* 4 <= memLen - 1\) \{/);
  assert.equal(branch.split("ea > memLen - 2").length, 3, "checked in both copies");
  // Not a constant step, or a step of another shape: left as it is.
  for (const step of ["r0", "-4"]) {
    assert.equal(withLoopBoundsHoisted(neLoop({ step })), neLoop({ step }));
  }
  const twice = neLoop().replace("r16 = mview", "r4 = (r4 + 0) | 0;\nr16 = mview");
  assert.equal(withLoopBoundsHoisted(twice).split("ea > memLen - 2").length, 2);
});

/** clang's unrolled dot product: `p` steps by 16 while the counter `i` steps by 4 up to 28. */
const DOT = `L5: for (;;) {
r8 = (r56 + r4) | 0;
{
const ea = (r8 + 0) >>> 0, v = (r4 + 21504) >>> 0;
if (ea > memLen - 4 || v > memLen - 4) ${TRAP}
e36 = Math.fround(mview.getFloat32(ea, true) * mview.getFloat32(v, true) + e36);
}
r4 = (r4 + 16) | 0;
r60 = (r60 + 4) | 0;
if ((r60 >>> 0) < (28 >>> 0)) {
  continue L5;
}
break L5;
}`;

Deno.test("codegen loop bounds: a second counter stepped with the loop's own", () => {
  const out = withLoopBoundsHoisted(DOT);
  assert.match(
    out,
    /^\{\nconst \$z = \(r60 \+ 4\) >>> 0, \$n = \$z >= 28 \? 1 : 1 \+ Math\.ceil\(\(28 - \$z\) \/ 4\);\nif \(/,
  );
  assert.ok(out.includes("((r4 + r56 + 0) >>> 0) + ($n - 1) * 16 <= memLen - 4"), out);
  assert.ok(out.includes("((r4 + 21504) >>> 0) + ($n - 1) * 16 <= memLen - 4"), out);
  assert.equal(out.split("ea > memLen - 4").length, 2, "checked in one copy");
  // The addend set in the loop, or the second counter stepped twice: left as it is.
  const set = DOT.replace("r4 = (r4 + 16) | 0;", "r4 = (r4 + 16) | 0;\nr56 = 0;");
  assert.equal(withLoopBoundsHoisted(set), set);
  const twice = DOT.replace("r4 = (r4 + 16) | 0;", "r4 = (r4 + 16) | 0;\nr4 = (r4 + 16) | 0;");
  assert.equal(withLoopBoundsHoisted(twice), twice);
});

/** Loops over memory whose counter starts at `i`, steps by `s` and runs while below `end`. */
const TEXT = `(module
  (memory (export "mem") 1 4)
  (func $grow (param $at i32) (param $i i32)
    (if (i32.eq (local.get $at) (local.get $i)) (then (drop (memory.grow (i32.const 1))))))
  (func (export "sum8") (param $i i32) (param $end i32) (param $s i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=3 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (local.get $s)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (local.get $sum))
  (func (export "sum32") (param $i i32) (param $end i32) (param $s i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (local.get $s)))
      (br_if $l (i32.le_u (local.get $i) (local.get $end))))
    (local.get $sum))
  (func (export "far") (param $i i32) (param $end i32) (param $s i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load offset=0xfffffff0 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (local.get $s)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (local.get $sum))
  (func (export "sum64") (param $i i32) (param $end i32) (param $s i32) (result i64)
    (local $sum i64)
    (loop $l
      (local.set $sum (i64.add (local.get $sum) (i64.load offset=5 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (local.get $s)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (local.get $sum))
  (func (export "fill16") (param $i i32) (param $end i32) (param $s i32) (result i32)
    (loop $l
      (i32.store16 offset=1 (local.get $i) (i32.add (local.get $i) (i32.const 0x1234)))
      (i32.store8 (local.get $i) (local.get $s))
      (local.set $i (i32.add (local.get $i) (local.get $s)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (local.get $i))
  (func (export "ne") (param $i i32) (param $end i32) (param $unused i32) (result i32)
    (local $sum i32) (local $p i32)
    (loop $l
      (local.set $p (i32.add (local.get $i) (i32.const 400)))
      (local.set $sum (i32.add (local.get $sum) (i32.load16_u offset=2 (local.get $p))))
      (local.set $sum
        (i32.add (local.get $sum) (i32.load8_u (i32.add (local.get $i) (i32.const -100)))))
      (i32.store8 offset=1 (local.get $i) (local.get $sum))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.ne (local.get $i) (local.get $end))))
    (local.get $sum))
  (func (export "neSwapped") (param $i i32) (param $end i32) (param $unused i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=1 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (local.set $sum (i32.xor (local.get $sum) (local.get $i)))
      (br_if $l (i32.ne (local.get $end) (local.get $i))))
    (local.get $sum))
  (func (export "dot") (param $p i32) (param $end i32) (param $q i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $l
      (local.set $sum (i64.add (local.get $sum) (i64.load offset=4 (local.get $p))))
      (local.set $sum
        (i64.add (local.get $sum) (i64.load32_u (i32.add (local.get $p) (local.get $q)))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (local.get $sum))
  (func (export "down") (param $src i32) (param $n i32) (param $dst i32) (result i32)
    (loop $l
      (i32.store16 (local.get $dst) (i32.add (i32.load8_u (local.get $src)) (i32.const 1)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 2)))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (local.set $n (i32.add (local.get $n) (i32.const -1)))
      (br_if $l (local.get $n)))
    (local.get $dst))
  (func (export "grown") (param $i i32) (param $end i32) (param $at i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $i))))
      (call $grow (local.get $at) (local.get $i))
      (local.set $sum (i32.add (local.get $sum) (i32.load16_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (i32.add (local.get $sum) (memory.size))))`;

const NAMES = ["sum8", "sum32", "far", "sum64", "fill16", "ne", "dot", "down", "grown"] as const;

/** What `name(i, end, s)` does on `t`: its result or trap code, memory's size and checksum. */
function run(t: TestInstance, name: string, i: number, end: number, s: number): unknown {
  let result: unknown;
  try {
    result = t.call(name, i, end, s);
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    result = `trap ${e.code}`;
  }
  const bytes = t.memory().data(t.store);
  let sum = 0;
  for (let k = 0; k < bytes.length; k++) sum = (sum * 31 + bytes[k]!) | 0;
  return [typeof result === "bigint" ? String(result) : result, bytes.length, sum];
}

Deno.test("codegen loop bounds: the loops of every width are hoisted, and compute as the interpreter", () => {
  const configs = [
    { executionTier: "interpreter" as const },
    { executionTier: "codegen" as const, codegenStyle: "jit" as const },
    { executionTier: "codegen" as const, codegenStyle: "jit" as const, consumeFuel: true },
    { executionTier: "codegen" as const, codegenStyle: "lean" as const },
  ];
  const probe = instantiate(TEXT);
  for (const name of NAMES) {
    const f = probe.entity(name);
    const generated = directSource(probe.engine.compile(f), f.instance.module);
    assert.ok("source" in generated, name);
    assert.match(
      jitBounds(generated.source),
      /^if \(.*<= memLen - \d+\) \{$/m,
      name,
    );
  }
  const E = 65536;
  /** `[name, i, end, s]`: around the last address in bounds of each loop, one page. */
  const cases: [string, number, number, number][] = [];
  for (const [name, reach] of [["sum8", 4], ["sum32", 4], ["sum64", 13], ["fill16", 3]] as const) {
    const last = E - reach; // the last counter in bounds
    for (const s of [1, 3, 7, -1]) {
      for (const end of [last, last + 1, last + 2, last + 3, 0, 1, -1]) {
        for (const i of [0, last - 20, last - 1, last, last + 1, -1, -0x80000000]) {
          cases.push([name, i, end, s]);
        }
      }
    }
  }
  // From 100 (its lowest access at 0) to E - 404 (its highest at E - 1), four bytes a pass.
  for (const i of [96, 99, 100, 101, 104, E - 420, E - 408, E - 405, E - 404, E - 403, -4, -1]) {
    for (const n of [0, 1, 2, 3, -1, 100]) {
      for (const more of [0, 1, 2]) cases.push(["ne", i, i + 4 * n + more, 0]);
    }
  }
  // A counter stepping down to 0: n passes, a byte from src and two to dst each.
  for (const src of [0, E - 100, E - 1, E - 2, -1]) {
    for (const n of [1, 2, 50, 100, 101, 0]) {
      for (const dst of [0, 7, E - 200, E - 199, E - 198, E - 2, E - 1]) {
        cases.push(["down", src, n, dst]);
      }
    }
  }
  // A second counter: 8 bytes a pass from p + 4, and 4 at p + q; n passes.
  for (const p of [0, 8, E - 812, E - 811, E - 804, E - 100, E - 12, E - 11, -4]) {
    for (const n of [0, 1, 2, 3, 100]) {
      for (const q of [0, 4, -4, 5, 800, -0x80000000]) cases.push(["dot", p, n, q]);
    }
  }
  for (const i of [0, 12, 15, 16, 17, 0xf, -20]) {
    for (const end of [0, 16, 17, 100]) cases.push(["far", i, end, 1]);
  }
  // Grown in the loop: at the counter `at`, before or after the end of one page.
  for (const at of [-1, 0, E - 40, E - 3]) {
    for (const end of [E - 2, E - 1, E, E + 100]) cases.push(["grown", E - 50, end, at]);
  }
  let traps = 0, clean = 0;
  const tiers = configs.map((config) => {
    const t = instantiate(TEXT, { config });
    if (config.consumeFuel === true) t.store.setFuel(1_000_000_000_000n);
    return t;
  });
  for (const [name, i, end, s] of cases) {
    const [want, ...others] = tiers.map((t) => run(t, name, i, end, s));
    for (const got of others) assert.deepEqual(got, want, `${name}(${i}, ${end}, ${s})`);
    if (String((want as unknown[])[0]).startsWith("trap")) traps++;
    else clean++;
    if ((want as unknown[])[1] !== E) { // fresh memory of one page after a grow
      for (let k = 0; k < tiers.length; k++) {
        tiers[k] = instantiate(TEXT, { config: configs[k]! });
        if (configs[k]!.consumeFuel === true) tiers[k]!.store.setFuel(1_000_000_000_000n);
      }
    }
  }
  assert.ok(traps > 100 && clean > 100, `${traps} traps, ${clean} in bounds`);
  for (const t of tiers.slice(1)) assert.equal(t.engine.codegenStats().interpreted, 0);
});

Deno.test("codegen loop bounds: metered loops are hoisted too, and stop, resume and trap as the interpreter", () => {
  const probe = instantiate(TEXT, { config: { consumeFuel: true } });
  // The strip-mined inner loops (`F<pc>`) of a `<` and a `!==` loop (clang's, counting down).
  for (const name of ["sum8", "ne", "down", "dot", "neSwapped"]) {
    const f = probe.entity(name);
    const generated = directSource(probe.engine.compile(f), f.instance.module);
    assert.ok("source" in generated, name);
    assert.match(
      jitBounds(generated.source),
      /^if \(.*<= memLen - \d+\) \{\nF\d+: for \(;;\) \{$/m,
      name,
    );
  }
  const E = 65536;
  const cases: [string, number, number, number][] = [
    ["sum8", 0, 5000, 1],
    ["sum8", E - 5000, E, 1], // traps at E - 3: its first byte past the end
    ["sum64", E - 4000, E, 3],
    ["fill16", E - 3000, E + 8, 1],
    ["ne", 100, 100 + 4 * 3000, 0],
    ["ne", E - 404 - 4 * 2000, E - 400, 0], // one pass past its last in bounds
    ["down", 0, 3000, 100],
    ["down", 0, 3000, E - 5000], // traps where dst reaches E - 1
    ["neSwapped", 0, 4000, 0],
    ["neSwapped", E - 3000, E, 0], // its last pass reads E - 1
    ["neSwapped", E - 3001, E + 1, 0], // its last pass reads E: a trap
    ["neSwapped", 1, 4000, 0], // never meets its bound: wraps round to a trap
    ["dot", 0, 2000, 4],
    ["dot", E - 8 * 2000, 2000, 0], // traps at its last pass
  ];
  const configs = [
    { executionTier: "interpreter" as const, consumeFuel: true },
    { executionTier: "codegen" as const, codegenStyle: "jit" as const, consumeFuel: true },
    { executionTier: "codegen" as const, codegenStyle: "lean" as const, consumeFuel: true },
  ];
  let stops = 0, traps = 0;
  for (const [name, i, end, s] of cases) {
    for (const budget of [0, 1, 3, 17, 5000, 100_000_000]) {
      const logs = configs.map((config) => {
        const t = instantiate(TEXT, { config });
        // Each stop resumed with what it asks and some more (a few passes, then many).
        const log = fuelLog(t, name, [i, end, s], budget, (st, log) => {
          log.push([st.requiredFuel, st.frames[2 * st.depth + 1], t.inner.fuel]);
          t.inner.fuel += st.requiredFuel + (log.length < 4 ? 40 : 300_000);
          return true;
        });
        const bytes = t.memory().data(t.store);
        let sum = 0;
        for (let k = 0; k < bytes.length; k++) sum = (sum * 31 + bytes[k]!) | 0;
        return [...log, sum];
      });
      for (const got of logs.slice(1)) {
        assert.deepEqual(got, logs[0], `${name}(${i}, ${end}, ${s}) from ${budget}`);
      }
      stops += logs[0]!.filter(Array.isArray).length;
      if (logs[0]!.some((x) => String(x).includes("out of bounds"))) traps++;
    }
  }
  assert.ok(stops > 150 && traps === 42 && stops > 200, `${stops} stops, ${traps} traps`);
});

Deno.test("codegen loop bounds: a metered loop's first call stops its limits short of the bound, and computes as later calls", () => {
  // In a function's first call the strip-mined limit stops one pass before the bound, so the
  // last pass takes the check (see `countedBackEdge`); later calls run to the bound. Each loop
  // runs 1, 2, 3 and 50 passes in a first call and again in a second, on one instance.
  const args: Record<string, (p: number) => [number, number, number]> = {
    sum8: (p) => [0, p, 1],
    sum32: (p) => [0, 4 * (p - 1), 4],
    ne: (p) => [100, 100 + 4 * p, 0],
    neSwapped: (p) => [0, 2 * p, 0],
    down: (p) => [0, p, 100],
    dot: (p) => [0, p, 4],
  };
  const configs = [
    { executionTier: "interpreter" as const, consumeFuel: true },
    { executionTier: "codegen" as const, codegenStyle: "jit" as const, consumeFuel: true },
    { executionTier: "codegen" as const, codegenStyle: "lean" as const, consumeFuel: true },
  ];
  for (const [name, of] of Object.entries(args)) {
    for (const p of [1, 2, 3, 50]) {
      const logs = configs.map((config) => {
        const t = instantiate(TEXT, { config });
        t.inner.fuel = 1_000_000_000;
        t.inner.fuelReserve = 0;
        const log: unknown[] = [];
        for (let call = 0; call < 2; call++) {
          log.push(run(t, name, ...of(p)), t.inner.fuel + t.inner.fuelReserve);
        }
        return log;
      });
      for (const got of logs.slice(1)) assert.deepEqual(got, logs[0], `${name}, ${p} passes`);
    }
  }
});
