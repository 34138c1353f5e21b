/**
 * Where generated code leaves out taking the store's fuel count back after a call
 * (`dropIdleTakes`, src/engine/codegen_fuel.ts): only where every path from there reaches the
 * next write-back with nothing reading the count; and a recursive function (`bench/fib.wat`'s
 * shape) stops, traps and ends where the interpreter does, with the same fuel left.
 */

import assert from "node:assert/strict";
import { dropIdleTakes } from "../../src/engine/codegen_fuel.ts";
import type { ConfigOptions } from "../../mod.ts";
import { fuelLog, instantiate } from "./harness.ts";

const drop = (body: string) => dropIdleTakes(body, "<in>", "<out>");

Deno.test("codegen fuel takes: left out only where nothing reads the count before the next write-back", () => {
  // Straight on to the next call, or out of the block holding it.
  assert.equal(
    drop("call();\n<in>\nr8 = (r0 + -2) | 0;\n{\n<out>\ncall();"),
    "call();\n\nr8 = (r0 + -2) | 0;\n{\n<out>\ncall();",
  );
  assert.equal(
    drop("{\nx();\n<in>\n}\n}\nr4 = r4 + r8;\n<out>"),
    "{\nx();\n\n}\n}\nr4 = r4 + r8;\n<out>",
  );
  // From the end of an `if` arm, past its `else` (which control from there skips).
  assert.equal(
    drop("if (a) {\n<in>\n} else {\nfuel = (fuel - 3) | 0;\n<in>\n}\n<out>"),
    "if (a) {\n\n} else {\nfuel = (fuel - 3) | 0;\n\n}\n<out>",
  );
  // From the end of the first arm of an `else if` chain (a call site's cached callee), past
  // the other arms and their conditions.
  assert.equal(
    drop(
      "if (a) {\nx();\n<in>\n} else if (\n(g = f(c)) !== null && n < 3\n) {\ny();\n} else {\n<in>\n}\n<out>",
    ),
    "if (a) {\nx();\n\n} else if (\n(g = f(c)) !== null && n < 3\n) {\ny();\n} else {\n\n}\n<out>",
  );
  assert.equal(
    drop("if (a) {\n<in>\n} else if (b) {\ny();\n}\n<out>"),
    "if (a) {\n\n} else if (b) {\ny();\n}\n<out>",
  );
  // A charge, a test, a branch, a jump or a loop on the way: kept.
  for (
    const kept of [
      "<in>\n/*charge*/3/**/\n<out>",
      "<in>\nif (fuel < 5) x();\n<out>",
      "<in>\nif (a) {\n<out>\n}\nx();",
      "<in>\nbreak B12;\n}\n<out>",
      "<in>\ncontinue L4;\n<out>",
      "<in>\n}\nL8: for (;;) {\n<out>",
      "if (a) {\n<in>\n} else {\nx();\n}\nfuel = (fuel - 1) | 0;\n<out>",
      "if (a) {\n<in>\n} else if (b) {\nx();\n}\nif (fuel < 2) x();\n<out>",
      "if (a) {\n<in>\n} else if (b({})) {\nx();\n}\n<out>",
      "<in>\nreturn 3;",
    ]
  ) assert.equal(drop(kept), kept, kept);
  // A throw that writes the count back only while the local holds it may stand between.
  const thrown = "<in>\nif (x) throw (fuelLive && (store.fuel = fuel)), trap(1);\n<out>";
  assert.equal(drop(thrown), thrown);
  const plain = "<in>\nthrow (fuelLive && (store.fuel = fuel)), trap(1);\n<out>";
  assert.equal(drop(plain), plain);
});

const FIB = `(module
  (memory 1)
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; n frames deep, then a load past the memory's end.
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.load (i32.const 70000)))
      (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))`;

/** `name(n)` from `budget`, each stop resumed with what it asks: the stops, the end, the fuel. */
function fib(tier: ConfigOptions, n: number, budget: number, name = "fib"): unknown[] {
  const t = instantiate(FIB, { config: { consumeFuel: true, ...tier } });
  return fuelLog(t, name, [n], budget, (st, log) => {
    log.push([st.requiredFuel, st.depth, st.frames[2 * st.depth + 1], t.inner.fuel]);
    t.inner.fuelReserve += st.requiredFuel + 37;
    assert.ok(log.length < 5000, "too many stops");
    return true;
  });
}

Deno.test("codegen fuel takes: recursion stops and ends where the interpreter does", () => {
  const tiers: ConfigOptions[] = [
    { executionTier: "interpreter" },
    { executionTier: "codegen" },
    { executionTier: "codegen", codegenStyle: "lean" },
  ];
  for (const budget of [0, 1, 17, 100, 1_000, 4_321, 50_000, 1_000_000]) {
    const [interpreter, ...generated] = tiers.map((tier) => fib(tier, 15, budget));
    for (const [i, log] of generated.entries()) {
      assert.deepEqual(log, interpreter, `budget ${budget}, tier ${i + 1}`);
    }
  }
  // A trap deep in the recursion keeps what was charged until then.
  for (const budget of [50, 5_000, 1_000_000]) {
    const [interpreter, ...generated] = tiers.map((tier) => fib(tier, 300, budget, "deep"));
    assert.equal(interpreter.at(-2), "out of bounds memory access");
    for (const log of generated) assert.deepEqual(log, interpreter, `deep from ${budget}`);
  }
});
