/**
 * The exception-handling proposal's scripts (`proposals/exception-handling`, the final form
 * with `exnref`; its `legacy/` folder is not supported) and the Wasm 3.0 set's `throw.wast` and
 * `throw_ref.wast`, through the runner with the Wasm 3.0 profile, plain and fueled: every
 * command passes.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { hostFactory, wasm3FeaturesFor, wasm3Switches } from "./host.ts";
import { proposalFiles, runWastFile, testsuiteDir } from "./suite.ts";

const dir = testsuiteDir();
const files = [
  ...proposalFiles(dir, "exception-handling"),
  ...["throw.wast", "throw_ref.wast"].map((name) => ({
    name: `wasm-3.0/${name}`,
    path: join(dir, "proposals", "wasm-3.0", name),
  })),
];

for (const fuel of [false, true]) {
  Deno.test(`spec: exception handling${fuel ? ", fueled" : ""}`, async (t) => {
    for (const file of files) {
      const features = wasm3FeaturesFor(file.path, wasm3Switches().on);
      const factory = hostFactory({ fuel, features });
      await t.step(file.name, async () => {
        const results = await runWastFile(file.path, file.name, {
          hostFactory: factory,
          profile: "wasm3",
        });
        const failures = results
          .filter((r) => r.status === "failed")
          .map((r) => `${file.name}:${r.line} ${r.kind}: ${r.reason}`);
        assert.deepEqual(failures.slice(0, 10), [], `${failures.length} case(s) failed`);
        assert.ok(results.some((r) => r.status === "passed"), "the file ran");
      });
    }
  });
}
