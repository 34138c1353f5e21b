/**
 * Finding and fetching the official testsuites (`tests/_lib/testsuites.ts`): a fetch gets exactly
 * the pinned commit (checked), only the listed paths of it, and a failed fetch leaves nothing
 * behind and says what to fetch. A local git repository stands in for upstream.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  fetchTestsuite,
  locateTestsuite,
  obtainTestsuites,
  TestsuiteMissing,
  type TestsuiteSpec,
} from "../_lib/testsuites.ts";

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

/** An "upstream" repository with two commits; returns its URL and the first commit. */
async function upstream(dir: string): Promise<{ url: string; pinned: string }> {
  const repo = join(dir, "upstream");
  await Deno.mkdir(join(repo, "suite"), { recursive: true });
  await git(dir, "init", "-q", repo);
  await git(repo, "config", "uploadpack.allowFilter", "true");
  await git(repo, "config", "uploadpack.allowAnySHA1InWant", "true");
  await Deno.writeTextFile(join(repo, "suite", "i32.wast"), "(module) ;; pinned\n");
  await Deno.writeTextFile(join(repo, "other.txt"), "not taken\n");
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "pinned");
  const pinned = await git(repo, "rev-parse", "HEAD");
  await Deno.writeTextFile(join(repo, "suite", "i32.wast"), "(module) ;; later\n");
  await git(repo, "commit", "-q", "-am", "later");
  return { url: `file://${repo}`, pinned };
}

function spec(commit: string, paths?: string[]): TestsuiteSpec {
  return {
    name: "demo-suite",
    envVar: "WASMI_TS_TEST_DEMO_SUITE",
    url: "https://example.invalid/demo-suite",
    commit,
    marker: "suite/i32.wast",
    ...(paths === undefined ? {} : { paths }),
  };
}

Deno.test("testsuites: a fetch checks out exactly the pinned commit, only the listed paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_suites_" });
  try {
    const { url, pinned } = await upstream(dir);
    const whole = join(dir, "whole");
    await fetchTestsuite(spec(pinned), whole, url);
    assert.equal(readFileSync(join(whole, "suite", "i32.wast"), "utf8"), "(module) ;; pinned\n");
    assert.ok(existsSync(join(whole, "other.txt")));

    const sparse = join(dir, "sparse");
    await fetchTestsuite(spec(pinned, ["suite/"]), sparse, url);
    assert.equal(readFileSync(join(sparse, "suite", "i32.wast"), "utf8"), "(module) ;; pinned\n");
    assert.ok(!existsSync(join(sparse, "other.txt")), "paths not listed are not checked out");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("testsuites: a failed fetch leaves nothing and says what to fetch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_suites_" });
  try {
    const { url } = await upstream(dir);
    const dest = join(dir, "fetched");
    const missing = "0123456789abcdef0123456789abcdef01234567";
    await assert.rejects(
      () => fetchTestsuite(spec(missing), dest, url),
      (e) =>
        e instanceof TestsuiteMissing &&
        e.message.includes(`check out commit ${missing}`) &&
        e.message.includes("$WASMI_TS_TEST_DEMO_SUITE"),
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["upstream"]);
    // Unreachable upstream (no network): one message, one line per testsuite.
    await assert.rejects(
      () => obtainTestsuites([spec(missing)], { cacheDir: join(dir, "cache") }),
      (e) =>
        e instanceof TestsuiteMissing &&
        e.message.split("\n").length === 2 &&
        e.message.includes("demo-suite: clone https://example.invalid/demo-suite"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("testsuites: an environment variable wins, and naming a wrong folder is an error", () => {
  const s = spec("0".repeat(40));
  const dir = Deno.makeTempDirSync({ prefix: "wasmi_suites_" });
  try {
    Deno.mkdirSync(join(dir, "suite"));
    Deno.writeTextFileSync(join(dir, "suite", "i32.wast"), "");
    Deno.env.set(s.envVar, dir);
    assert.deepEqual(locateTestsuite(s), { dir, from: "env" });
    Deno.env.set(s.envVar, join(dir, "suite"));
    assert.throws(() => locateTestsuite(s), TestsuiteMissing);
    Deno.env.delete(s.envVar);
    assert.equal(locateTestsuite(s, { cacheDir: dir }), null);
  } finally {
    Deno.env.delete(s.envVar);
    Deno.removeSync(dir, { recursive: true });
  }
});
