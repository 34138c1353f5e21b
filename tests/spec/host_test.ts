/** The spec host's honesty rules. */
import assert from "node:assert/strict";
import { Trap, TrapCode } from "../../mod.ts";
import { rejectHostStackOverflow } from "./host.ts";

Deno.test("spec host: a JS stack overflow is a failure, never a passing 'call stack exhausted'", () => {
  const jsOverflow = new RangeError("Maximum call stack size exceeded");
  const trap = new Trap(TrapCode.StackOverflow, undefined, { cause: jsOverflow });
  assert.throws(() => rejectHostStackOverflow(trap), /JS stack overflow, not a Wasm trap/);
  // The engine's own limit (maxRecursionDepth) is the trap the testsuite means.
  rejectHostStackOverflow(new Trap(TrapCode.StackOverflow));
});
