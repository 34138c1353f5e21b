/**
 * Test toolkit: the official testsuites the tests read, found or fetched.
 *
 * Each testsuite is looked for, in order:
 * 1. in its environment variable (`$WASM_TESTSUITE`, ...), when set: an explicit choice wins,
 *    and a variable naming a missing folder is an error, never a silent fallback;
 * 2. in `../shared/<name>` beside the repository;
 * 3. in the ignored cache folder `.testsuites/<name>-<commit>` of the repository, where
 *    `obtainTestsuites` fetches it (with git) at the pinned upstream commit, verified.
 *
 * Nothing here is in the library: it is how the tests get their inputs.
 *
 * @module
 */

import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One external testsuite and where upstream keeps it. */
export interface TestsuiteSpec {
  /** Folder name under `../shared` and in the cache. */
  readonly name: string;
  /** The environment variable that may name a local copy. */
  readonly envVar: string;
  /** The upstream git repository. */
  readonly url: string;
  /** The pinned commit (see `../shared/<name>/SOURCE.md`). */
  readonly commit: string;
  /** The paths taken from the commit (sparse checkout); all of it when absent. */
  readonly paths?: readonly string[];
  /** A file every copy has, relative to its root: tells a testsuite folder from another one. */
  readonly marker: string;
}

/** The testsuites the tests and the spec report read. */
export const TESTSUITES: readonly TestsuiteSpec[] = [
  {
    name: "wasm-testsuite",
    envVar: "WASM_TESTSUITE",
    url: "https://github.com/WebAssembly/testsuite",
    commit: "d76759e746f3564a03f6106ae19679742f2a1831",
    marker: "i32.wast",
  },
  {
    name: "wasi-testsuite",
    envVar: "WASI_TESTSUITE",
    url: "https://github.com/WebAssembly/wasi-testsuite",
    commit: "1c7abe553049692ce62612a80d4da7bae0854ae4",
    paths: [
      "LICENSE",
      "README.md",
      "doc/",
      "tests/assemblyscript/testsuite/wasm32-wasip1/",
      "tests/c/testsuite/wasm32-wasip1/",
      "tests/rust/testsuite/wasm32-wasip1/",
    ],
    marker: "tests/c/testsuite/wasm32-wasip1/manifest.json",
  },
  {
    name: "wasm-js-api",
    envVar: "WASM_JS_API",
    url: "https://github.com/WebAssembly/spec",
    commit: "285a9032950cbad6a9f84de11183008e286092a2",
    paths: ["LICENSE", "test/LICENSE", "test/js-api/", "test/harness/"],
    marker: "test/js-api/wasm-module-builder.js",
  },
];

/** The repository's root folder. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The ignored folder fetched testsuites go to (see `.gitignore`). */
export const CACHE_DIR: string = join(REPO_ROOT, ".testsuites");

/** A testsuite could not be found (or fetched); the message says what to do. */
export class TestsuiteMissing extends Error {
  override name = "TestsuiteMissing";
}

/** Where a testsuite was found. */
export interface Located {
  readonly dir: string;
  readonly from: "env" | "shared" | "cache";
}

/** The spec named `name`. */
export function testsuiteSpec(name: string): TestsuiteSpec {
  const spec = TESTSUITES.find((s) => s.name === name);
  if (spec === undefined) throw new Error(`unknown testsuite ${name}`);
  return spec;
}

/** The cache folder of `spec` (it holds exactly the pinned commit). */
export function cachedDir(spec: TestsuiteSpec, cacheDir: string = CACHE_DIR): string {
  return join(cacheDir, `${spec.name}-${spec.commit.slice(0, 12)}`);
}

function envVar(name: string): string | undefined {
  const value = Deno.env.get(name);
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Finds a local copy of `spec` without fetching anything.
 *
 * @returns where it is, or null when there is none
 * @throws {TestsuiteMissing} when its environment variable names a folder that is not a copy
 */
export function locateTestsuite(
  spec: TestsuiteSpec,
  options: { readonly repoRoot?: string; readonly cacheDir?: string } = {},
): Located | null {
  const fromEnv = envVar(spec.envVar);
  if (fromEnv !== undefined) {
    if (!existsSync(join(fromEnv, spec.marker))) {
      throw new TestsuiteMissing(
        `$${spec.envVar} is ${fromEnv}, which has no ${spec.marker}: point it at a copy of ` +
          `${spec.url} at commit ${spec.commit}, or unset it`,
      );
    }
    return { dir: fromEnv, from: "env" };
  }
  const shared = join(options.repoRoot ?? REPO_ROOT, "..", "shared", spec.name);
  if (existsSync(join(shared, spec.marker))) return { dir: shared, from: "shared" };
  const cached = cachedDir(spec, options.cacheDir);
  if (existsSync(join(cached, spec.marker))) return { dir: cached, from: "cache" };
  return null;
}

/** What to do when `spec` is missing: one line. */
export function missingAdvice(spec: TestsuiteSpec): string {
  return `${spec.name}: clone ${spec.url}, check out commit ${spec.commit}, and set ` +
    `$${spec.envVar} to that folder (or put it at ../shared/${spec.name})`;
}

/**
 * The folder of testsuite `name`, found locally (no fetch: `deno task setup:tests` fetches).
 *
 * @throws {TestsuiteMissing} naming what to fetch, when there is no copy
 */
export function testsuiteDir(name: string): string {
  const spec = testsuiteSpec(name);
  const found = locateTestsuite(spec);
  if (found !== null) return found.dir;
  throw new TestsuiteMissing(
    `testsuite ${name} not found; \`npx deno task setup:tests\` fetches it, or ${
      missingAdvice(spec)
    }`,
  );
}

/** Runs git; returns its exit status and the last line it wrote to stderr. */
async function git(
  args: string[],
  cwd?: string,
): Promise<{ ok: boolean; stdout: string; err: string }> {
  let out;
  try {
    out = await new Deno.Command("git", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // Never wait for a password or a host key: fail instead.
      env: { GIT_TERMINAL_PROMPT: "0", GIT_SSH_COMMAND: "ssh -o BatchMode=yes" },
    }).output();
  } catch (e) {
    return {
      ok: false,
      stdout: "",
      err: e instanceof Deno.errors.NotFound ? "git is not installed" : String(e),
    };
  }
  const stderr = new TextDecoder().decode(out.stderr).trim().split("\n");
  return {
    ok: out.success,
    stdout: new TextDecoder().decode(out.stdout).trim(),
    err: stderr[stderr.length - 1] ?? "",
  };
}

/**
 * Fetches `spec` at its pinned commit into `dest` (which must not exist): a shallow git fetch
 * of exactly that commit (only `spec.paths` checked out, their blobs alone downloaded), then a
 * check that the checked-out commit is the pinned one. git verifies every object's hash, so a
 * matching commit id means matching content. Nothing is left at `dest` when it fails.
 *
 * @param url where to fetch from (default `spec.url`; tests pass a local repository)
 * @throws {TestsuiteMissing} saying what failed and what to fetch by hand
 */
export async function fetchTestsuite(
  spec: TestsuiteSpec,
  dest: string,
  url: string = spec.url,
): Promise<void> {
  const tmp = `${dest}.partial-${Deno.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const fail = (what: string, detail: string): never => {
    rmSync(tmp, { recursive: true, force: true });
    throw new TestsuiteMissing(
      `could not fetch ${spec.name} (${what}: ${detail}); ${missingAdvice(spec)}`,
    );
  };
  const steps: [string, string[]][] = [["git init", ["init", "-q"]], [
    "git remote",
    ["remote", "add", "origin", url],
  ]];
  if (spec.paths !== undefined) {
    steps.push(
      ["git config", ["config", "remote.origin.promisor", "true"]],
      ["git config", ["config", "remote.origin.partialclonefilter", "blob:none"]],
      ["git sparse-checkout", ["sparse-checkout", "set", "--no-cone", ...spec.paths]],
    );
  }
  const filter = spec.paths === undefined ? [] : ["--filter=blob:none"];
  steps.push(
    [`fetching ${url} at ${spec.commit}`, [
      "fetch",
      "-q",
      "--depth",
      "1",
      ...filter,
      "origin",
      spec.commit,
    ]],
    ["git checkout", ["checkout", "-q", "FETCH_HEAD"]],
  );
  for (const [what, args] of steps) {
    const result = await git(args, tmp);
    if (!result.ok) fail(what, result.err);
  }
  const head = await git(["rev-parse", "HEAD"], tmp);
  if (!head.ok || head.stdout !== spec.commit) {
    fail("commit check", `got ${head.stdout || head.err}, expected ${spec.commit}`);
  }
  if (!existsSync(join(tmp, spec.marker))) fail("content check", `no ${spec.marker}`);
  renameSync(tmp, dest);
}

/**
 * Makes sure every testsuite in `specs` has a local copy, fetching the missing ones into the
 * cache. Returns where each one is.
 *
 * @throws {TestsuiteMissing} with one line per testsuite that could not be obtained
 */
export async function obtainTestsuites(
  specs: readonly TestsuiteSpec[] = TESTSUITES,
  options: { readonly cacheDir?: string; readonly log?: (line: string) => void } = {},
): Promise<Located[]> {
  const cacheDir = options.cacheDir ?? CACHE_DIR;
  const found: Located[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    try {
      const local = locateTestsuite(spec, { cacheDir });
      if (local !== null) {
        found.push(local);
        continue;
      }
      options.log?.(`fetching ${spec.name} (${spec.url} at ${spec.commit.slice(0, 12)})...`);
      mkdirSync(cacheDir, { recursive: true });
      const dest = cachedDir(spec, cacheDir);
      await fetchTestsuite(spec, dest);
      found.push({ dir: dest, from: "cache" });
    } catch (e) {
      if (!(e instanceof TestsuiteMissing)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) {
    throw new TestsuiteMissing(
      `the tests need testsuites that are not here and could not be fetched:\n  ${
        problems.join("\n  ")
      }`,
    );
  }
  return found;
}
