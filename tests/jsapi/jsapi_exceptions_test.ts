/**
 * The official JS-API tests of exception handling (`WebAssembly.Tag`, `WebAssembly.Exception`,
 * `WebAssembly.JSTag`) against `src/webassembly/` under Deno, one child process per file. Every
 * subtest must pass; none is excluded.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { countFile, EXCEPTION_FILES, ROOT, runFile, summarize } from "./suite.ts";

const IMPLEMENTATION = join(ROOT, "src/webassembly/mod.ts");
const DENO = [Deno.execPath(), "run", "--allow-read"];

Deno.test("JS-API tests (exception handling) pass on the WebAssembly facade under Deno", async (t) => {
  const all = [];
  for (const file of EXCEPTION_FILES) {
    all.push(countFile(file, await runFile(DENO, file, IMPLEMENTATION)));
  }
  console.log(summarize(all));
  for (const c of all) {
    await t.step(c.file, () => {
      assert.equal(c.harnessError, null, `${c.file}: harness error`);
      assert.ok(c.passed > 0, `${c.file}: no subtest ran`);
      assert.deepEqual(c.failed.map((f) => `${f.name}: ${f.message}`), [], `${c.file}: failed`);
      assert.equal(c.excluded, 0, `${c.file}: nothing is excluded`);
    });
  }
});
