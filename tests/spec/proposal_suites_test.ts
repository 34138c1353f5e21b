/**
 * Proposal folders of the testsuite that the engine implements, and their files in the Wasm 3.0
 * set, through the runner with the Wasm 3.0 profile (every proposal switch the library accepts
 * on; text converted by wabt, then wasm-tools): every command must pass, plain and fueled
 * (fueled: every invoke starts at zero fuel and is resumed with exactly the fuel it asks for).
 * A command no converter could produce counts as a failure here.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { hostFactory, wasm3FeaturesFor, wasm3Switches } from "./host.ts";
import { proposalFiles, runWastFile, type SuiteFile, testsuiteDir } from "./suite.ts";

/** Proposal folders run whole. */
const FOLDERS: readonly string[] = ["tail-call", "wide-arithmetic", "relaxed-simd", "threads"];

/** Files of `proposals/wasm-3.0` that belong to the proposals above. */
const WASM3_FILES: readonly string[] = [
  "return_call.wast",
  "return_call_indirect.wast",
  "i16x8_relaxed_q15mulr_s.wast",
  "i32x4_relaxed_trunc.wast",
  "i8x16_relaxed_swizzle.wast",
  "relaxed_dot_product.wast",
  "relaxed_laneselect.wast",
  "relaxed_madd_nmadd.wast",
  "relaxed_min_max.wast",
];

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

function files(dir: string): SuiteFile[] {
  return [
    ...FOLDERS.flatMap((folder) => proposalFiles(dir, folder)),
    ...WASM3_FILES.map((name) => ({
      name: `wasm-3.0/${name}`,
      path: join(dir, "proposals", "wasm-3.0", name),
    })),
  ];
}

for (const fuel of [false, true]) {
  Deno.test(`proposal suites (${FOLDERS.join(", ")}; wasm-3.0 files)${fuel ? ", fueled" : ""}`, async (t) => {
    const dir = testsuiteDir();
    assert.ok(existsSync(dir), `testsuite not found at ${dir} (set WASM_TESTSUITE)`);
    const { on } = wasm3Switches();
    for (const file of files(dir)) {
      // Each file with its folder's switches (see FOLDER_SWITCHES and OUTSIDE_WASM3).
      const factory = hostFactory({ fuel, features: wasm3FeaturesFor(file.path, on) });
      await t.step(file.name, async () => {
        const results = await runWastFile(file.path, file.name, {
          hostFactory: factory,
          profile: "wasm3",
        });
        assert.ok(results.some((r) => r.status === "passed"), "no command passed");
        const failures = results.filter((r) => r.status === "failed")
          .map((r) => `${file.name}:${r.line} ${r.kind}: ${r.reason}`);
        const shown = failures.slice(0, SHOWN_FAILURES);
        if (failures.length > shown.length) {
          shown.push(`... and ${failures.length - shown.length} more`);
        }
        assert.deepEqual(shown, [], `${failures.length} case(s) failed`);
      });
    }
  });
}
