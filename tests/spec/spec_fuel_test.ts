/**
 * The spec testsuite in fueled mode (`deno task spec --fuel`): fuel metering on, every invoke a
 * resumable call that starts from 0 fuel and is resumed with exactly the `requiredFuel` of each
 * out-of-fuel stop. Every root file must pass every command, as in the plain run: fuel
 * charges and the suspensions between them must not change what a program computes.
 *
 * Each file runs in both execution tiers (generated code in both spellings), logging every stop's `requiredFuel` and the fuel left
 * after each invoke: the two logs must be equal (both tiers stop at the same points).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { hostFactory, wasm2Switches } from "./host.ts";
import { rootWastFiles, runWastFile, testsuiteDir } from "./suite.ts";

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

/** The interpreter, then generated code in both spellings (`Config.codegenStyle`). */
const RUNS = [["interpreter", "auto"], ["codegen", "jit"], ["codegen", "lean"]] as const;

Deno.test("spec testsuite, fueled (Wasm 2.0 root files), both tiers stop alike", async (t) => {
  const dir = testsuiteDir(); // throws saying what to fetch when it is missing
  let stops = 0;
  for (const name of rootWastFiles(dir)) {
    await t.step(name, async () => {
      const logs: number[][] = [];
      for (const [tier, style] of RUNS) {
        const fuelLog: number[] = [];
        logs.push(fuelLog);
        const factory = hostFactory({
          fuel: true,
          tier,
          style,
          fuelLog,
          features: wasm2Switches(),
        });
        const failures = (await runWastFile(join(dir, name), name, { hostFactory: factory }))
          .filter((result) => result.status === "failed" || result.status === "skipped")
          .map((result) => `${name}:${result.line} ${result.kind}: ${result.reason}`);
        const shown = failures.slice(0, SHOWN_FAILURES);
        if (failures.length > shown.length) {
          shown.push(`... and ${failures.length - shown.length} more`);
        }
        assert.deepEqual(
          shown,
          [],
          `${failures.length} case(s) failed in fueled mode, ${tier} ${style}`,
        );
      }
      const [interpreter, ...generated] = logs as [number[], ...number[][]];
      stops += interpreter.filter((x) => x >= 0).length;
      for (const [i, codegen] of generated.entries()) {
        const first = interpreter.findIndex((x, i) => codegen[i] !== x);
        assert.ok(
          first === -1 && interpreter.length === codegen.length,
          `the fuel stops of the interpreter and codegen (${
            RUNS[i + 1]![1]
          }) differ at entry ${first} (of ${interpreter.length} / ${codegen.length})`,
        );
      }
    });
  }
  assert.ok(stops > 10_000, `only ${stops} out-of-fuel stops compared`);
});
