/**
 * CLI of the WASI testsuite runner.
 *
 * ```sh
 * deno task wasi-testsuite [--fs host|memory] [--cli "CMD ..."] [--filter S] [--json OUT] [--verbose]
 * ```
 *
 * Runs the 72 wasm32-wasip1 tests of `../shared/wasi-testsuite` (or `$WASI_TESTSUITE`) through the
 * library's WASI API with the host filesystem (default) or the in-memory one, or through a `run`
 * command (`--cli "node npm-build/esm/cli/main.js"`). Prints each failure and a summary line;
 * exits 1 when a test failed.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { listTests, runTest, runTestCli, Scratch, TESTSUITE } from "./_testsuite.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    fs: { type: "string", default: "host" },
    cli: { type: "string" },
    filter: { type: "string" },
    json: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});
if (values.fs !== "host" && values.fs !== "memory") {
  console.error(`--fs must be host or memory, got '${values.fs}'`);
  process.exit(2);
}
const fsKind = values.fs;
const cli = values.cli?.split(" ").filter((s) => s !== "");
const tests = listTests().filter((t) =>
  values.filter === undefined || t.name.includes(values.filter)
);
const scratch = new Scratch();
const results: { suite: string; name: string; failure: string | null }[] = [];
try {
  for (const test of tests) {
    const run = cli !== undefined
      ? runTestCli(test, cli, scratch)
      : await runTest(test, fsKind, scratch);
    results.push({ suite: test.suite, name: test.name, failure: run.failure });
    if (run.failure !== null) {
      console.log(`FAIL ${test.suite} ${test.name}: ${run.failure}`);
      if (run.stderr !== "") {
        console.log(`  stderr: ${run.stderr.trimEnd().replace(/\n/g, "\n  ")}`);
      }
    } else if (values.verbose) {
      console.log(`ok   ${test.suite} ${test.name}`);
    }
  }
} finally {
  scratch.dispose();
}
const passed = results.filter((r) => r.failure === null).length;
const how = cli !== undefined ? `via \`${cli.join(" ")} run\`` : `${fsKind} filesystem`;
console.log(
  `WASI testsuite (${TESTSUITE}, ${how}): ${passed} passed, ${results.length - passed} failed`,
);
if (values.json !== undefined) {
  writeFileSync(values.json, JSON.stringify({ how, results }, null, 2));
}
process.exit(passed === results.length ? 0 : 1);
