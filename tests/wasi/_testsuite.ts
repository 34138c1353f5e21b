/**
 * The official WASI testsuite (`../shared/wasi-testsuite`, or `$WASI_TESTSUITE`), run through the
 * library's WASI API as the suite's `doc/specification.md` describes: argv is the program name and
 * `args`, the environment exactly `env`, each `dirs` entry preopened under its own name from a
 * scratch copy, `*.cleanup` removed before and after, stdout compared as a prefix, and the exit
 * code checked.
 *
 * @module
 */

import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { Engine, Linker, Module, Store } from "../../mod.ts";
import {
  MemoryFs,
  memoryInput,
  memoryOutput,
  WasiCtxBuilder,
  type WasiDir,
} from "../../src/wasi/mod.ts";
import { hostDir } from "../../src/wasi/host_fs.ts";

import { spawnSync } from "node:child_process";
import process from "node:process";

/** The testsuite: `$WASI_TESTSUITE`, else `../shared/wasi-testsuite` beside the repository. */
export const TESTSUITE = process.env.WASI_TESTSUITE ??
  new URL("../../../shared/wasi-testsuite", import.meta.url).pathname;

const SUITES = [
  "tests/assemblyscript/testsuite/wasm32-wasip1",
  "tests/c/testsuite/wasm32-wasip1",
  "tests/rust/testsuite/wasm32-wasip1",
];

/** One test: its binary and its JSON spec with the defaults filled in. */
export interface WasiTest {
  suite: string;
  name: string;
  dir: string;
  wasm: string;
  args: string[];
  env: Record<string, string>;
  dirs: string[];
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** Every test of the three wasm32-wasip1 suites. */
export function listTests(root = TESTSUITE): WasiTest[] {
  const tests: WasiTest[] = [];
  for (const suite of SUITES) {
    const dir = join(root, suite);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
      name: string;
    };
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort()) {
      const name = file.slice(0, -5);
      const specPath = join(dir, `${name}.json`);
      const spec = existsSync(specPath)
        ? JSON.parse(readFileSync(specPath, "utf8")) as Record<string, unknown>
        : {};
      const known = ["args", "env", "dirs", "exit_code", "stdout", "stderr"];
      for (const key of Object.keys(spec)) {
        if (!known.includes(key)) throw new Error(`${specPath}: unsupported key '${key}'`);
      }
      tests.push({
        suite: manifest.name,
        name,
        dir,
        wasm: join(dir, file),
        args: (spec.args as string[] | undefined) ?? [],
        env: (spec.env as Record<string, string> | undefined) ?? {},
        dirs: (spec.dirs as string[] | undefined) ?? [],
        exitCode: (spec.exit_code as number | undefined) ?? 0,
        ...(spec.stdout !== undefined ? { stdout: spec.stdout as string } : {}),
        ...(spec.stderr !== undefined ? { stderr: spec.stderr as string } : {}),
      });
    }
  }
  return tests;
}

function removeCleanups(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name.endsWith(".cleanup")) rmSync(path, { recursive: true, force: true });
    else if (entry.isDirectory()) removeCleanups(path);
  }
}

function makeWritable(path: string): void {
  const s = statSync(path);
  chmodSync(path, s.isDirectory() ? 0o755 : 0o644);
  if (s.isDirectory()) { for (const e of readdirSync(path)) makeWritable(join(path, e)); }
}

function copyToMemory(host: string, fs: MemoryFs, at: string): void {
  for (const entry of readdirSync(host, { withFileTypes: true })) {
    const path = join(host, entry.name);
    const guest = at === "" ? entry.name : `${at}/${entry.name}`;
    if (entry.isDirectory()) {
      fs.dir(guest);
      copyToMemory(path, fs, guest);
    } else if (entry.isFile()) {
      fs.writeFile(guest, readFileSync(path));
    }
  }
}

/** What one run produced. */
export interface WasiRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Why it failed, or null when it met the spec. */
  failure: string | null;
}

/** Scratch copies of the fixture directories, one per test dir, made once. */
export class Scratch {
  readonly root = mkdtempSync("/tmp/wasi-testsuite-");
  #copies = new Map<string, string>();

  /** A writable copy of `<test.dir>/<d>`, cleaned of `*.cleanup`. */
  copy(test: WasiTest, d: string): string {
    const key = join(test.dir, d);
    let copy = this.#copies.get(key);
    if (copy === undefined) {
      copy = join(this.root, `${this.#copies.size}`, d);
      cpSync(key, copy, { recursive: true });
      makeWritable(copy);
      this.#copies.set(key, copy);
    }
    removeCleanups(copy);
    return copy;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Runs one test through the `run` command: `cli` is the command that starts it (e.g.
 * `["node", "npm-build/esm/cli/main.js"]`), given `run --dir COPY::NAME --env K=V ... FILE ARGS`.
 */
export function runTestCli(test: WasiTest, cli: string[], scratch: Scratch): WasiRun {
  const flags: string[] = [];
  const copies: string[] = [];
  for (const d of test.dirs) {
    const copy = scratch.copy(test, d);
    copies.push(copy);
    flags.push("--dir", `${copy}::${d}`);
  }
  for (const [k, v] of Object.entries(test.env)) flags.push("--env", `${k}=${v}`);
  const run = spawnSync(cli[0]!, [...cli.slice(1), "run", ...flags, test.wasm, ...test.args], {
    input: "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 << 20,
  });
  for (const copy of copies) removeCleanups(copy);
  const exitCode = run.status ?? -1;
  return judge(
    test,
    exitCode,
    run.stdout ?? "",
    run.stderr ?? "",
    run.error ? String(run.error) : null,
  );
}

function judge(
  test: WasiTest,
  exitCode: number,
  out: string,
  err: string,
  failure: string | null,
): WasiRun {
  if (failure === null && exitCode !== test.exitCode) {
    failure = `exit code ${exitCode}, expected ${test.exitCode}`;
  }
  if (failure === null && test.stdout !== undefined && !out.startsWith(test.stdout)) {
    failure = `stdout ${JSON.stringify(out)} does not start with ${JSON.stringify(test.stdout)}`;
  }
  if (failure === null && test.stderr !== undefined && !err.startsWith(test.stderr)) {
    failure = `stderr ${JSON.stringify(err)} does not start with ${JSON.stringify(test.stderr)}`;
  }
  return { exitCode, stdout: out, stderr: err, failure };
}

/** Runs one test through the API with the host filesystem (a scratch copy) or an in-memory copy. */
export async function runTest(
  test: WasiTest,
  fsKind: "host" | "memory",
  scratch: Scratch,
): Promise<WasiRun> {
  const stdout = memoryOutput();
  const stderr = memoryOutput();
  const builder = new WasiCtxBuilder()
    .args([`${test.name}.wasm`, ...test.args])
    .env(test.env)
    .stdin(memoryInput(""))
    .stdout(stdout)
    .stderr(stderr);
  const copies: string[] = [];
  for (const d of test.dirs) {
    const copy = scratch.copy(test, d);
    copies.push(copy);
    let dir: WasiDir;
    if (fsKind === "host") {
      dir = hostDir(copy);
    } else {
      const mem = new MemoryFs();
      copyToMemory(copy, mem, "");
      dir = mem.root;
    }
    builder.preopenDir(dir, d);
  }
  const wasi = builder.build();
  const engine = new Engine();
  const store = new Store(engine, null);
  const linker = wasi.addToLinker(new Linker(engine));
  let exitCode: number;
  let failure: string | null = null;
  try {
    const instance = linker.instantiate(store, new Module(engine, readFileSync(test.wasm)));
    exitCode = await wasi.startAsync(store, instance);
  } catch (e) {
    exitCode = -1;
    failure = `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  for (const copy of copies) removeCleanups(copy);
  return judge(test, exitCode, stdout.text(), stderr.text(), failure);
}
