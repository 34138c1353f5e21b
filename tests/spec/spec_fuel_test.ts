/**
 * The spec testsuite in fueled mode (`deno task spec --fuel`): fuel metering on, every invoke a
 * resumable call that starts from 0 fuel and is resumed with exactly the `requiredFuel` of each
 * out-of-fuel stop. Every root file must pass every command, as in the plain run: fuel
 * charges and the suspensions between them must not change what a program computes.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createFueledHost } from "./host.ts";
import { rootWastFiles, runWastFile, testsuiteDir } from "./suite.ts";

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

Deno.test("spec testsuite, fueled (Wasm 2.0 root files)", async (t) => {
  const dir = testsuiteDir(); // throws saying what to fetch when it is missing
  for (const name of rootWastFiles(dir)) {
    await t.step(name, async () => {
      const failures = (await runWastFile(join(dir, name), name, { hostFactory: createFueledHost }))
        .filter((result) => result.status === "failed" || result.status === "skipped")
        .map((result) => `${name}:${result.line} ${result.kind}: ${result.reason}`);
      const shown = failures.slice(0, SHOWN_FAILURES);
      if (failures.length > shown.length) {
        shown.push(`... and ${failures.length - shown.length} more`);
      }
      assert.deepEqual(shown, [], `${failures.length} case(s) failed in fueled mode`);
    });
  }
});
