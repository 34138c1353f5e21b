/**
 * The official JS-API tests (Wasm 2.0) against the npm build of `src/webassembly/` under Node:
 * with `--jitless` (Node then has no `WebAssembly` at all) and with
 * `--disallow-code-generation-from-strings` (a strict CSP's rule), and `limits.any.js` under
 * plain Node (the facade forced in: jitless Node interprets our interpreter, far too slowly for
 * its million-entry modules; Deno runs it too, see `jsapi_test.ts`); and the same files as
 * under jitless Node inside QuickJS (`_run_quickjs.mjs`), which has neither `WebAssembly` nor
 * `TextDecoder`.
 *
 * The build goes to `.jsapi-build/` (not `npm-build/`, which the npm build test replaces while
 * this runs).
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  countFile,
  type FileCounts,
  type FileResult,
  ROOT,
  runFile,
  summarize,
  WASM2_FILES,
} from "./suite.ts";

const OUT = ".jsapi-build";
const IMPLEMENTATION = join(ROOT, OUT, "esm/src/webassembly/mod.js");
const SLOW = "limits.any.js";

async function build(): Promise<void> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "scripts/build_npm.ts",
      "--out",
      OUT,
      "--no-test",
      "--no-pack",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, out);
}

/** Runs `files` with `command`, two at a time. */
async function runAll(command: string[], files: readonly string[]): Promise<FileCounts[]> {
  const results: FileCounts[] = [];
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const result: FileResult = await runFile(command, file, IMPLEMENTATION);
      results.push(countFile(file, result));
    }
  };
  await Promise.all([worker(), worker()]);
  return results.sort((a, b) => WASM2_FILES.indexOf(a.file) - WASM2_FILES.indexOf(b.file));
}

function check(all: readonly FileCounts[]): void {
  for (const c of all) {
    assert.equal(c.harnessError, null, `${c.file}: harness error`);
    assert.deepEqual(c.failed.map((f) => `${f.name}: ${f.message}`), [], `${c.file}: failed`);
    assert.deepEqual(c.staleExclusions, [], `${c.file}: exclusions that no longer fail`);
  }
}

Deno.test("JS-API tests (Wasm 2.0) pass on the facade under Node", async (t) => {
  await build();
  const fast = WASM2_FILES.filter((f) => f !== SLOW);
  for (
    const [label, command, files] of [
      ["node --jitless", ["node", "--jitless"], fast],
      [
        "node --disallow-code-generation-from-strings",
        ["node", "--disallow-code-generation-from-strings"],
        fast,
      ],
      ["node", ["node"], [SLOW]],
      // QuickJS (in quickjs-emscripten, hosted by Node): no WebAssembly, no TextDecoder.
      ["quickjs", ["node", join(ROOT, "tests/jsapi/_run_quickjs.mjs")], fast],
    ] as const
  ) {
    await t.step(label, async () => {
      const all = await runAll([...command], files);
      console.log(`${label}:\n${summarize(all)}`);
      check(all);
    });
  }
});
