/**
 * `scripts/bench_deopt.ts` reads V8's `--trace-deopt` / `--trace-opt` lines into per-call
 * counts: only generated functions count, each for the call whose marker precedes it, and a
 * code object (`opt id`) deoptimising again counts as `kept`.
 */

import assert from "node:assert/strict";
import { parseTrace } from "../../scripts/bench_deopt.ts";

/** A `--trace-deopt` line as V8 15 prints it (addresses shortened). */
const bailout = (fn: string, reason: string, id: number) =>
  `[bailout (kind: deopt-eager, reason: ${reason}): begin. deoptimizing 0x1 <JSFunction ${fn} ` +
  `(sfi = 0x2)>, 0x3 <Code TURBOFAN_JS>, opt id ${id}, bytecode offset 935, deopt exit 4, ` +
  `FP to SP delta 96, caller SP 0x4, pc 0x5]`;

Deno.test("bench_deopt: parseTrace counts generated functions' deopts per call, kept ones apart", () => {
  const text = [
    "[compiling method 0x1 <JSFunction wasm (sfi = 0x2)> (target MAGLEV) OSR, mode: kConcurrent]",
    "=== bench_deopt call 0",
    "[completed compiling 0x1 <JSFunction wasm (sfi = 0x2)> (target MAGLEV) OSR - took 0.1, 2.0, 0.0 ms]",
    bailout("wasm", "Insufficient type feedback for binary operation", 38),
    bailout("promote", "Insufficient type feedback for call", 12),
    "[completed compiling 0x1 <JSFunction $loop150 (sfi = 0x2)> (target TURBOFAN_JS) - took 0.0, 31.6, 0.0 ms]",
    // TurboFan reports each compile twice: counted once.
    "[completed optimizing 0x1 <JSFunction $loop150 (sfi = 0x2)> (target TURBOFAN_JS)]",
    "=== bench_deopt ms 591",
    "=== bench_deopt call 1",
    bailout("wasm", "Insufficient type feedback for binary operation", 38),
    bailout("$loop150", "not int32", 40),
    "=== bench_deopt ms 40",
  ].join("\n");
  const calls = parseTrace(text);
  assert.equal(calls.length, 2);
  const [first, second] = calls as [(typeof calls)[0], (typeof calls)[0]];
  // The engine's own `promote` is not generated code; the line before any marker is not a call's.
  assert.deepEqual(
    [first.ms, first.deopts, first.kept, first.osr, first.opt],
    [591, 1, 0, 1, 1],
  );
  assert.deepEqual([second.ms, second.deopts, second.kept], [40, 2, 1]);
  assert.deepEqual(
    [...second.reasons],
    [["Insufficient type feedback for binary operation", 1], ["not int32", 1]],
  );
});

Deno.test("bench_deopt: parseTrace counts the interpreter's loops (tier interpreter)", () => {
  const text = [
    "=== bench_deopt call 0",
    bailout("run", "Insufficient type feedback for binary operation", 15),
    bailout("runCold", "Insufficient type feedback for call", 16),
    bailout("runSteady", "Insufficient type feedback for call", 17),
    "[completed compiling 0x1 <JSFunction run (sfi = 0x2)> (target MAGLEV) OSR - took 0.1, 2.0, 0.0 ms]",
    "=== bench_deopt ms 571",
  ].join("\n");
  const [call] = parseTrace(text) as [ReturnType<typeof parseTrace>[0]];
  // `runSteady` is the loop's caller, not one of its loops.
  assert.deepEqual([call.deopts, call.osr, call.opt], [2, 1, 0]);
});
