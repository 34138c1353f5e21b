/**
 * A short deterministic run of the tier differential (tests/fuzz/_tiers.ts): generated modules
 * with loops, calls, tail calls, exceptions, memory accesses at the bounds edge and GC objects
 * run in the interpreter, in generated code (jit and lean), in the `auto` tier (both spellings),
 * with fuel given in small slices and without fuel, and natively without fuel; every tier must
 * stop at the same places with the same fuel left, and end with the same results, traps
 * (code, message, backtrace), uncaught exceptions and state. `deno task fuzz --tiers` runs the
 * same comparison for longer.
 */

import assert from "node:assert/strict";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { Val } from "../../mod.ts";
import {
  featuresOf,
  plainLog,
  tierDifference,
  tierInstance,
  tierLog,
  tierModule,
} from "../fuzz/_tiers.ts";

Deno.test("tier fuzz: generated modules agree in every tier, fueled in slices and not", async () => {
  for (let seed = 1; seed <= 8; seed++) assert.equal(await tierDifference(seed), null);
});

Deno.test("tier fuzz: the runs stop often, call, trap, throw and finish", async () => {
  // What the comparison above sees is worth comparing: out-of-fuel stops, results, traps of
  // several kinds and exceptions that escape `run`.
  const log: string[] = [];
  for (let seed = 1; seed <= 4; seed++) {
    const run = await tierLog(seed, "interpreter", { slice: 16, asyncSlice: 39, budget: 1827 });
    assert.equal(run.cut, false);
    log.push(...run.log);
  }
  assert.ok(log.filter((l) => l.startsWith("stop ")).length > 100, `${log.length} lines`);
  assert.ok(log.some((l) => l.startsWith("async ")));
  // Seeds in order until every kind was seen (45 of them; at most 60): the references of
  // `Features.refs` end some runs early with their own traps and exceptions.
  const kinds = [
    "result",
    "exception",
    "trap 1 out of bounds memory access",
    "trap 4 integer divide by zero",
    "trap 7 call stack exhausted",
    "trap 16 null structure reference",
    "trap 23 null function reference",
  ];
  const seen = new Set<string>();
  for (let seed = 1; seed <= 60 && kinds.some((k) => !seen.has(k)); seed++) {
    for (const line of await plainLog(seed, "interpreter")) {
      const kind = line.startsWith("trap")
        ? line.split(" @")[0]!
        : line.startsWith("host error")
        ? "host error"
        : line.startsWith("exception e")
        ? line.split(" ").slice(0, 2).join(" ")
        : line.split(" ")[0]!;
      seen.add(kind);
    }
  }
  for (const kind of kinds) assert.ok(seen.has(kind), `${kind} in ${[...seen].join("; ")}`);
});

Deno.test("tier fuzz: long loops switch the auto tier's running frame to generated code", async () => {
  // The long loop's body cannot trap, throw or call out (only `$u0`), so every seed with one
  // gets through its 1,000+ passes and switches `run` to generated code in the middle of the
  // call (before the body was made trap-free, 1 of the first 5 did).
  let longLoops = 0, switched = 0;
  for (let seed = 1; longLoops < 8; seed++) {
    if (!featuresOf(seed).longLoop) continue;
    longLoops++;
    const { store, run } = await tierInstance(seed, "auto", false);
    const entity = funcs.entity(store, run) as WasmFuncEntity;
    assert.equal(typeof entity.compiled?.generated, "undefined");
    try {
      run.call(store, [Val.i32(0), Val.i32(0)]);
    } catch { /* a trap or an exception after the loop ends the call */ }
    if (typeof entity.compiled?.generated === "function") switched++;
  }
  assert.equal(switched, longLoops);
});

Deno.test("tier fuzz: the seeds compared above use v128 lanes, NaN lanes by bits", () => {
  // The first test's seeds include modules with v128 values (lane arithmetic, float lanes'
  // NaN bits compared between the tiers when `nanBits`, cleared for the native run otherwise,
  // shuffles, splats, extracts, lane loads and stores): it compares them in every tier without
  // running them twice here.
  let simd = 0, nanBits = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const f = featuresOf(seed);
    if (!f.simd) continue;
    simd++;
    if (f.nanBits) nanBits++;
    assert.match(tierModule(seed), /\((i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.[a-z]/);
  }
  assert.ok(simd >= 3 && nanBits >= 1, `${simd} simd seeds, ${nanBits} with NaN bits`);
});

Deno.test("tier fuzz: the seeds compared above hold references in fields, payloads and calls", () => {
  // The first test's seeds include modules with `Features.refs`: a list of structs with
  // `anyref` and function fields walked and called through, casts, tests and branches on
  // casts, and (with exceptions) tags with v128 and reference payloads thrown and caught; and
  // with `Features.mem64`: a second memory indexed by i64. (`return_call_ref`, the other catch
  // kinds and the rest come in longer runs: `deno task fuzz --tiers`.)
  const refs = [], mem64 = [];
  for (let seed = 1; seed <= 8; seed++) {
    if (featuresOf(seed).refs) refs.push(tierModule(seed));
    if (featuresOf(seed).mem64) mem64.push(tierModule(seed));
  }
  assert.ok(refs.length >= 3 && mem64.length >= 2, `${refs.length} and ${mem64.length} seeds`);
  for (
    const shape of [
      /call_ref \$t/,
      /br_on_cast \$/,
      /br_on_cast_fail \$/,
      /br_on_non_null \$/,
      /ref\.test \(ref/,
      /ref\.cast \(ref/,
      /i31\.get_/,
      /array\.fill \$rarr/,
      /\(throw \$ev/,
      /\(throw \$ef/,
      /\(catch(_ref)? \$e[vf] /,
      /struct\.set \$node 1/,
      /\(loop \$nl/,
    ]
  ) assert.match(refs.join("\n"), shape);
  for (
    const shape of [
      /\(i32\.load \$m64 offset=/,
      /memory\.size \$m64/,
      /memory\.fill \$m64/,
      /memory\.copy \$m64 \$m64/,
      /memory\.copy \$m64 0/,
    ]
  ) assert.match(mem64.join("\n"), shape);
});
