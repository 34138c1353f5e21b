/**
 * The official spec testsuite (root `.wast` files, Wasm 2.0) through the runner: one step per
 * file, asserting that every command passes (a failed or skipped one fails the step;
 * `text-only` cases test the text format, which the library does not read, and are not counted).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { rootWastFiles, runWastFile, testsuiteDir } from "./suite.ts";

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

Deno.test("spec testsuite (Wasm 2.0 root files)", async (t) => {
  const dir = testsuiteDir(); // throws saying what to fetch when it is missing
  for (const name of rootWastFiles(dir)) {
    await t.step(name, async () => {
      const failures = (await runWastFile(join(dir, name), name))
        .filter((result) => result.status === "failed" || result.status === "skipped")
        .map((result) => `${name}:${result.line} ${result.kind}: ${result.reason}`);
      const shown = failures.slice(0, SHOWN_FAILURES);
      if (failures.length > shown.length) {
        shown.push(`... and ${failures.length - shown.length} more`);
      }
      assert.deepEqual(shown, [], `${failures.length} case(s) did not pass`);
    });
  }
});
