/**
 * C programs compiled here with clang and wasi-libc (Debian packages `clang`, `lld`, `wasi-libc`,
 * `libclang-rt-dev-wasm32`; `deno task setup:tests` installs them) run through `wasmi-ts run` with arguments,
 * environment, stdin and a preopened directory, and must match V8 running them with `node:wasi`
 * byte for byte: stdout, stderr, exit code, and the directory they leave behind.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

const DENO = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const NODE_WASI = new URL("./_node_wasi.mjs", import.meta.url).pathname;
const SOURCES = new URL("./c/", import.meta.url).pathname;

const tmp = mkdtempSync("/tmp/wasi-clang-");

function compile(name: string): string {
  const out = join(tmp, `${name}.wasm`);
  const cc = spawnSync(
    "clang",
    ["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o", out, join(SOURCES, `${name}.c`), "-lm"],
    { encoding: "utf8" },
  );
  if (cc.error !== undefined || cc.status !== 0) {
    throw new Error(
      `clang could not build ${name}.c (install clang lld wasi-libc libclang-rt-dev-wasm32): ${
        cc.error ?? cc.stderr
      }`,
    );
  }
  return out;
}

/** Every file under `dir` with its contents (directories as `name/`), sorted. */
function tree(dir: string, at = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, at)).sort()) {
    const rel = at === "" ? name : `${at}/${name}`;
    if (statSync(join(dir, rel)).isDirectory()) out.push(`${rel}/`, ...tree(dir, rel));
    else out.push(`${rel}: ${readFileSync(join(dir, rel), "utf8")}`);
  }
  return out;
}

interface Case {
  program: string;
  args: string[];
  env: Record<string, string>;
  stdin: string;
  /** Files of the preopened directory `data` before the run. */
  files?: Record<string, string>;
  /** What the reference run must show, so that two equal failures cannot pass. */
  expect: { status: number; stdout: RegExp };
}

function compare(c: Case): void {
  const wasm = compile(c.program);
  const template = join(tmp, `${c.program}-template`);
  mkdirSync(template, { recursive: true });
  for (const [name, text] of Object.entries(c.files ?? {})) {
    writeFileSync(join(template, name), text);
  }
  const nodeDir = join(tmp, `${c.program}-node`);
  const oursDir = join(tmp, `${c.program}-wasmi`);
  cpSync(template, nodeDir, { recursive: true });
  cpSync(template, oursDir, { recursive: true });
  const preopens = c.files === undefined ? {} : { data: nodeDir };
  const native = spawnSync(
    "node",
    [
      "--no-warnings",
      NODE_WASI,
      JSON.stringify({ file: wasm, args: c.args, env: c.env, preopens }),
    ],
    { input: c.stdin, encoding: "utf8" },
  );
  assert.equal(native.error, undefined, `node: ${native.error}`);
  assert.equal(native.status, c.expect.status, native.stderr);
  assert.match(native.stdout, c.expect.stdout);
  const flags = c.files === undefined ? [] : ["--dir", `${oursDir}::data`];
  for (const [k, v] of Object.entries(c.env)) flags.push("--env", `${k}=${v}`);
  const ours = spawnSync(
    DENO,
    ["run", "--allow-read", "--allow-write", "--allow-env", MAIN, "run", ...flags, wasm, ...c.args],
    { input: c.stdin, encoding: "utf8" },
  );
  assert.equal(ours.stdout, native.stdout);
  assert.equal(ours.stderr, native.stderr);
  assert.equal(ours.status, native.status);
  assert.deepEqual(tree(oursDir), tree(nodeDir));
}

Deno.test("clang + wasi-libc: files, args, env, stdin match node:wasi byte for byte", () => {
  compare({
    program: "files",
    args: ["first", "with space", "", "ünïcödé"],
    env: { GREETING: "hi there", EMPTY: "" },
    stdin: "hello world\nsecond line\nthird\n",
    files: { "input.txt": "1 2 3\n40\n-7\n", "scratch.tmp": "remove me\n" },
    expect: { status: 9, stdout: /sum = 39\n[^]*data\/out: renamed.txt\(file,6\)/ },
  });
});

Deno.test("clang + wasi-libc: arithmetic and formatting match node:wasi byte for byte", () => {
  compare({
    program: "compute",
    args: [],
    env: {},
    stdin: "3.5 -2 1e10 0.1 7 -0 2.5e-8 123456789.123456789 1e-310 42",
    expect: { status: 0, stdout: /primes below 100000: 9592/ },
  });
});

Deno.test({
  name: "clang tests: cleanup",
  fn: () => rmSync(tmp, { recursive: true, force: true }),
});
