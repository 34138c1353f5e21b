/**
 * Generated code charges fuel past a `br_on_cast`/`br_on_cast_fail` that jumps as the
 * interpreter does: the branch's condition reads the store (`refTest`), so the fuel count goes
 * to the store before it, and must come back to the local on both ways out. Found by the tier
 * fuzzer (`Features.refs`, tests/fuzz/_tiers.ts): a loop whose cast failed lost every charge
 * after it (10 passes: 24 fuel charged where the interpreter charges 186).
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import type { ConfigOptions } from "../../mod.ts";
import { fuelLog, instantiate } from "./harness.ts";

/** `cast(n, k)`: n passes, each casting an i31 (k odd) or a struct (k even) and jumping on it. */
const CAST = `(module
  (type $s (struct (field i32)))
  (func (export "cast") (param $n i32) (param $k i32) (result i32) (local $sum i32) (local $r anyref)
    (loop $l
      (local.set $r (if (result anyref) (i32.and (local.get $k) (i32.const 1))
        (then (ref.i31 (local.get $n))) (else (struct.new $s (local.get $n)))))
      (local.set $sum (i32.add (local.get $sum)
        (block $o (result i32)
          (drop (block $k (result anyref)
            (br $o (i31.get_u (br_on_cast_fail $k anyref (ref i31) (local.get $r))))))
          (i32.const 17))))
      (local.set $sum (i32.add (local.get $sum)
        (block $o (result i32)
          (struct.get $s 0 (block $k (result (ref $s))
            (br_on_cast $k anyref (ref $s) (local.get $r))
            (drop)
            (br $o (i32.const 5)))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))`;

const TIERS: ConfigOptions[] = [
  { executionTier: "interpreter" },
  { executionTier: "codegen" },
  { executionTier: "codegen", codegenStyle: "lean" },
];

Deno.test("codegen fuel cast: a taken br_on_cast(_fail) keeps charging as the interpreter does", async () => {
  const bytes = await parse(CAST);
  for (const k of [0, 1]) {
    for (const budget of [0, 7, 40, 1_000, 1_000_000]) {
      const [interpreter, ...generated] = TIERS.map((tier) => {
        const t = instantiate(bytes, { config: { consumeFuel: true, wasmGc: true, ...tier } });
        return fuelLog(t, "cast", [10, k], budget, (st, log) => {
          log.push([st.requiredFuel, t.inner.fuel]);
          t.inner.fuelReserve += st.requiredFuel + 3;
          return log.length < 1000;
        });
      });
      // Five passes each way: 5 * 17 + 5 * 5 and the ten counts 1..10 (55).
      assert.equal(interpreter!.at(-2), 165);
      for (const [i, log] of generated.entries()) {
        assert.deepEqual(log, interpreter, `k ${k}, budget ${budget}, tier ${i + 1}`);
      }
    }
  }
});
