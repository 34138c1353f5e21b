/**
 * The `wasmi-ts` command, run as a child process under Deno: `run` (exit codes, stdout, traps,
 * `--invoke`, `--fuel`, `--dir`, `--env`, usage errors), `wast`, and the REPL as the default.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { listTests, runTestCli, Scratch } from "./_testsuite.ts";

const DENO = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const CLI = [DENO, "run", "--allow-read", "--allow-write", "--allow-env", MAIN];
const DEMO = new URL("../../examples/demo.wat", import.meta.url).pathname;

function wasmiTs(args: string[], input = "") {
  const r = spawnSync(CLI[0]!, [...CLI.slice(1), ...args], {
    input,
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin", NO_COLOR: "1", HOME: "/tmp" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync("/tmp/wasmi-cli-");
function file(name: string, text: string): string {
  writeFileSync(`${tmp}/${name}`, text);
  return `${tmp}/${name}`;
}

const HELLO = file(
  "hello.wat",
  `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\\n")
  (data (i32.const 0) "\\10\\00\\00\\00\\06\\00\\00\\00")
  (func (export "_start")
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 42)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i64 f64) (result i64 f64) (local.get 0) (local.get 1))
  (func $inner (export "boom") (unreachable))
  (func (export "calls_boom") (call $inner))
  (func (export "spin") (loop $l (br $l))))`,
);

Deno.test("run: stdout and the proc_exit code", () => {
  const r = wasmiTs(["run", HELLO]);
  assert.equal(r.stdout, "hello\n");
  assert.equal(r.status, 42, r.stderr);
});

Deno.test("run --invoke: typed arguments, results one per line", () => {
  assert.deepEqual(wasmiTs(["run", "--invoke", "add", HELLO, "2", "-5"]).stdout, "-3\n");
  const pair = wasmiTs(["run", "--invoke", "pair", HELLO, "0x10", "1.5"]);
  assert.equal(pair.stdout, "16\n1.5\n");
  assert.equal(pair.status, 0);
  const bad = wasmiTs(["run", "--invoke", "add", HELLO, "2"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /add expects 2 arguments \(i32, i32\), got 1/);
  const missing = wasmiTs(["run", "--invoke", "nope", HELLO]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /exports no function 'nope'/);
});

Deno.test("run: a trap prints the message and a backtrace and exits 134", () => {
  const r = wasmiTs(["run", "--invoke", "calls_boom", HELLO]);
  assert.equal(r.status, 134);
  assert.match(r.stderr, /^trap: unreachable \(UnreachableCodeReached\)\n {2}at func \d+ inner\n/);
});

Deno.test("run --fuel: running out is a trap", () => {
  const r = wasmiTs(["run", "--fuel", "1000", "--invoke", "spin", HELLO]);
  assert.equal(r.status, 134);
  assert.match(r.stderr, /^trap: all fuel consumed/);
  const enough = wasmiTs(["run", "--fuel", "1000", "--compilation-mode", "eager", HELLO]);
  assert.equal(enough.status, 42);
});

Deno.test("run: usage and load errors", () => {
  const none = wasmiTs(["run"]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /Expected a FILE\.wasm or FILE\.wat to run/);
  assert.equal(wasmiTs(["run", "--compilation-mode", "fast", HELLO]).status, 2);
  assert.equal(wasmiTs(["run", "--fuel", "-3", HELLO]).status, 2);
  assert.equal(wasmiTs(["run", "--dir", `${tmp}/missing`, HELLO]).status, 2);
  const absent = wasmiTs(["run", `${tmp}/absent.wasm`]);
  assert.equal(absent.status, 1);
  assert.match(absent.stderr, /absent\.wasm/);
  const junk = wasmiTs(["run", file("junk.wasm", "\0asm\x02\0\0\0")]);
  assert.equal(junk.status, 1);
  const noStart = wasmiTs(["run", file("lib.wat", '(module (func (export "f")))')]);
  assert.equal(noStart.status, 1);
  assert.match(noStart.stderr, /exports no _start function/);
  const help = wasmiTs(["run", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: wasmi-ts run/);
});

Deno.test("run: official testsuite programs through the command (args, env, dirs, stdout, exit)", () => {
  const names = [
    "args_get-multiple-arguments",
    "environ_get-multiple-variables",
    "fd_write-to-stdout",
    "proc_exit-failure",
    "fopen-with-access",
    "pwrite-with-append",
    "fd_readdir",
    "interesting_paths",
  ];
  const tests = listTests().filter((t) => names.includes(t.name));
  assert.equal(tests.length, names.length);
  const scratch = new Scratch();
  try {
    for (const test of tests) {
      const run = runTestCli(test, CLI, scratch);
      assert.equal(run.failure, null, `${test.name}: ${run.failure}\n${run.stderr}`);
    }
  } finally {
    scratch.dispose();
  }
});

Deno.test("wast: runs a spec script and reports failures", () => {
  const good = file(
    "good.wast",
    `(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_trap (module (func (export "f") (unreachable)) (start 0)) "unreachable")`,
  );
  const ok = wasmiTs(["wast", good]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /good\.wast: 3 passed, 0 failed, 0 skipped/);
  const bad = file(
    "bad.wast",
    `(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 2))`,
  );
  const failed = wasmiTs(["wast", bad]);
  assert.equal(failed.status, 1);
  assert.match(failed.stdout, /bad\.wast:2: assert_return failed/);
  assert.match(failed.stdout, /1 passed, 1 failed/);
});

Deno.test("no command: the REPL (reading commands from stdin)", () => {
  const r = wasmiTs([DEMO], "fib 10\n");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /55 : i32/);
  const viaWord = wasmiTs(["repl", DEMO], "fib 11\n");
  assert.match(viaWord.stdout, /89 : i32/);
  assert.match(wasmiTs(["help"]).stdout, /^Usage: wasmi-ts <command>/);
});

Deno.test("REPL: load --wasi links WASI with args, env and directories", () => {
  const dir = mkdtempSync(`${tmp}/dir-`);
  writeFileSync(`${dir}/note.txt`, "x");
  const script = [
    `load --wasi --env A=1 --dir ${dir}::data ${HELLO} as $h -- x y`,
    "_start",
    "add 2 3",
    `load --wasi ${HELLO} as $plain`,
    "imports $plain",
    "load --bogus x.wasm",
  ].join("\n");
  const r = wasmiTs([], `${script}\n`);
  assert.match(r.stdout, /loaded \$h from .*hello\.wat/);
  assert.match(r.stdout, /hello\nthe program exited with code 42\n/);
  assert.match(r.stdout, /5 : i32/);
  assert.match(r.stdout, /wasi_snapshot_preview1\.fd_write .*WASI/);
  assert.match(r.stderr, /Unknown load option '--bogus'/);
  // The unknown option makes the script fail; everything before it worked.
  assert.equal(r.status, 1);
});

Deno.test({
  name: "cli tests: cleanup",
  fn: () => rmSync(tmp, { recursive: true, force: true }),
});
