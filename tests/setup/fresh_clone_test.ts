/**
 * The README's test command on a fresh machine: a clone of the repository (its committed
 * state, `HEAD`) in a temporary folder, with no `../shared` beside it.
 *
 * - With `$WASM_TESTSUITE`, `$WASI_TESTSUITE` and `$WASM_JS_API` naming local copies, the
 *   set-up (`npm ci`, `deno task setup:tests`) passes and one test reading each testsuite
 *   passes, with nothing fetched: the variables alone are enough.
 * - With neither `../shared`, nor the variables, nor a reachable upstream, the README's command
 *   fails with one message saying what to fetch, before any test runs.
 *
 * The whole README command in a fresh clone is what CI runs (`.ci/run`, on a clean clone with
 * `../shared` beside it; `readme_test.ts` keeps the two equal). This file ran it all again
 * inside the clone until session 12, which doubled CI's time (1,228 s of the 1,200 allowed);
 * what only this situation can break is how the set-up and the tests find the testsuites,
 * so that is what the nested run covers.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readmeTestCommand } from "../_lib/readme.ts";
import { locateTestsuite, REPO_ROOT, TESTSUITES } from "../_lib/testsuites.ts";

interface Run {
  readonly code: number;
  readonly output: string;
}

async function sh(command: string, cwd: string, env: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `${command} 2>&1`],
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: out.code, output: new TextDecoder().decode(out.stdout) };
}

async function clone(): Promise<{ dir: string; repo: string }> {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_fresh_" });
  const repo = join(dir, "wasmi-ts");
  const out = await new Deno.Command("git", {
    args: ["clone", "-q", REPO_ROOT, repo],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `git clone: ${new TextDecoder().decode(out.stderr)}`);
  assert.ok(!existsSync(join(dir, "shared")));
  return { dir, repo };
}

/** The last lines of a long output, for an assertion message. */
const tail = (text: string) => text.split("\n").slice(-40).join("\n");

const COMMAND = readmeTestCommand(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));

/** One test file reading each testsuite, through `locateTestsuite` like every other. */
const READERS = [
  "tests/spec/exceptions_spec_test.ts", // wasm-testsuite
  "tests/wasi/testsuite_test.ts", // wasi-testsuite
  "tests/jsapi/jsapi_exceptions_test.ts", // wasm-js-api
];

/** The README's set-up, then those readers, with the permissions of `deno task test`. */
const NESTED_COMMAND = "npm ci && npx deno task setup:tests && npx deno test " +
  "--allow-read --allow-env --allow-run --allow-write=/tmp " + READERS.join(" ");

Deno.test("fresh clone: set-up and the testsuites' readers pass with the testsuites in variables", async () => {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const spec of TESTSUITES) {
    const found = locateTestsuite(spec);
    assert.ok(found !== null, `${spec.name} is needed locally (deno task setup:tests gets it)`);
    env[spec.envVar] = found.dir;
  }
  assert.ok(COMMAND.startsWith("npm ci && npx deno task "), COMMAND);
  const { dir, repo } = await clone();
  try {
    for (const reader of READERS) assert.ok(existsSync(join(repo, reader)), reader);
    const run = await sh(NESTED_COMMAND, repo, env);
    assert.equal(
      run.code,
      0,
      `\`${NESTED_COMMAND}\` failed in a fresh clone:\n${tail(run.output)}`,
    );
    assert.match(run.output, /ok \| \d+ passed(?: \(\d+ steps\))? \| 0 failed/);
    // Nothing was fetched: the variables were read, not the network.
    const cache = join(repo, ".testsuites");
    assert.ok(!existsSync(cache) || Deno.readDirSync(cache).next().done, "nothing fetched");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fresh clone: without testsuites or network the command fails with one message", async () => {
  const env: Record<string, string> = {
    NO_COLOR: "1",
    // No network for git: every fetch goes to a closed local port.
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.proxy",
    GIT_CONFIG_VALUE_0: "http://127.0.0.1:9",
  };
  for (const spec of TESTSUITES) env[spec.envVar] = ""; // unset
  const { dir, repo } = await clone();
  try {
    const run = await sh(COMMAND, repo, env);
    assert.notEqual(run.code, 0);
    const errors = run.output.split("\n").filter((line) => line.startsWith("error: "));
    assert.deepEqual(errors, [
      "error: the tests need testsuites that are not here and could not be fetched:",
    ], tail(run.output));
    for (const spec of TESTSUITES) {
      assert.ok(
        run.output.includes(`clone ${spec.url}, check out commit ${spec.commit}`),
        `the message names what to fetch for ${spec.name}:\n${tail(run.output)}`,
      );
    }
    // No crash, and no test ran (no partial pass).
    assert.doesNotMatch(run.output, /Uncaught|Stack backtrace|passed/);
    assert.ok(
      !existsSync(join(repo, ".testsuites")) ||
        Deno.readDirSync(join(repo, ".testsuites")).next().done,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
