/**
 * The official WASI testsuite (72 wasm32-wasip1 programs in C, Rust and AssemblyScript): with the
 * in-memory filesystem here, and with the host filesystem in a child process (`tests/wasi/main.ts`),
 * since creating symbolic links needs unscoped read/write permissions, which the test task does
 * not grant.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { listTests, runTest, Scratch } from "./_testsuite.ts";

const tests = listTests();
const DENO = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("./main.ts", import.meta.url).pathname;

Deno.test("the WASI testsuite has its 72 wasm32-wasip1 tests", () => {
  assert.equal(tests.length, 72);
  assert.equal(tests.filter((t) => t.dirs.length > 0).length, 49);
});

Deno.test("WASI testsuite, memory filesystem", async (t) => {
  const scratch = new Scratch();
  const failures: string[] = [];
  try {
    for (const test of tests) {
      await t.step(`${test.suite} ${test.name}`, async () => {
        const run = await runTest(test, "memory", scratch);
        if (run.failure !== null) {
          failures.push(test.name);
          throw new Error(`${run.failure}\nstderr: ${run.stderr}`);
        }
      });
    }
  } finally {
    scratch.dispose();
  }
  assert.deepEqual(failures, []);
});

Deno.test("WASI testsuite, host filesystem (child process)", () => {
  const json = `/tmp/wasi-testsuite-${crypto.randomUUID()}.json`;
  const run = spawnSync(
    DENO,
    ["run", "--allow-read", "--allow-write", "--allow-env", MAIN, "--fs", "host", "--json", json],
    { encoding: "utf8" },
  );
  try {
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      results: { name: string; failure: string | null }[];
    };
    assert.equal(report.results.length, 72);
    assert.deepEqual(report.results.filter((r) => r.failure !== null), [], run.stdout);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  } finally {
    rmSync(json, { force: true });
  }
});
