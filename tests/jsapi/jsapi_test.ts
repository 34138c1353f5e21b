/**
 * The official JS-API tests of Wasm 2.0 against `src/webassembly/` under Deno, one child
 * process per file (testharness.js keeps global state). Every subtest must pass except those
 * listed in `EXCLUDED` (each with its reason), and every exclusion must still fail.
 *
 * `limits.any.js` builds modules at the embedding limits (10^6 types, functions, ...), which
 * takes a few minutes in the interpreter; it runs here too.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { countFile, type FileCounts, ROOT, runFile, summarize, WASM2_FILES } from "./suite.ts";

const IMPLEMENTATION = join(ROOT, "src/webassembly/mod.ts");
const DENO = [Deno.execPath(), "run", "--allow-read"];

Deno.test("JS-API tests (Wasm 2.0) pass on the WebAssembly facade under Deno", async (t) => {
  const all: FileCounts[] = [];
  // Two at a time: the machine's cores are few, and limits.any.js is long.
  const queue = [...WASM2_FILES];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      all.push(countFile(file, await runFile(DENO, file, IMPLEMENTATION)));
    }
  };
  await Promise.all([worker(), worker()]);
  all.sort((a, b) => WASM2_FILES.indexOf(a.file) - WASM2_FILES.indexOf(b.file));
  console.log(summarize(all));
  for (const c of all) {
    await t.step(c.file, () => {
      assert.equal(c.harnessError, null, `${c.file}: harness error`);
      assert.deepEqual(
        c.failed.map((f) => `${f.name}: ${f.message}`),
        [],
        `${c.file}: failed subtests`,
      );
      assert.deepEqual(c.staleExclusions, [], `${c.file}: exclusions that no longer fail`);
    });
  }
});
