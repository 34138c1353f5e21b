/**
 * The REPL as a command-line tool: script mode from a file and from a pipe, exit status,
 * stdout/stderr separation, colours, flags. Runs `repl/main.ts` with the permissions the
 * `deno task repl` line grants.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ESC = "\x1b[";
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env"];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function repl(args: string[], stdin = "", env: Record<string, string> = {}): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, "repl/main.ts", ...args],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "", WASMI_TS_HISTORY: "", ...env },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/** Script files checked in under golden/fixtures (tests may not write files). */
const FIXTURES = "tests/repl/golden/fixtures";

Deno.test(
  "repl --script: results on stdout, exit 0 when every command succeeds",
  async () => {
    const run = await repl(["--script", `${FIXTURES}/script_ok.txt`, "examples/demo.wat"]);
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^loaded \$demo from examples\/demo.wat/);
    assert.match(run.stdout, /counter +mut i32 = 0 : i32/);
    assert.match(run.stdout, /\n0 : i32\n$/);
  },
);

Deno.test(
  "repl --script: errors on stderr, exit 1 when a command fails, later commands still run",
  async () => {
    const run = await repl(["--script", `${FIXTURES}/script_fail.txt`]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "'nope' is not a command (type `help` for a list)\n");
    assert.equal(run.stdout, "no modules loaded\n");
  },
);

Deno.test(
  "repl --script --echo: a transcript with each command before its output",
  async () => {
    const run = await repl(["--script", `${FIXTURES}/script_module.txt`, "--echo"]);
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      [
        "> (module $m",
        '.   (global (export "g") i32 (i32.const 5)))',
        "loaded $m from inline: 1 export, 0 imports",
        "> get g",
        "5 : i32",
        "",
      ].join("\n"),
    );
  },
);

Deno.test(
  "repl --script: quit stops the script",
  async () => {
    const run = await repl(["--script", `${FIXTURES}/script_quit.txt`]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout + run.stderr, "");
  },
);

Deno.test("repl: commands from a pipe when stdin is not a terminal", async () => {
  const run = await repl(["examples/demo.wat"], "globals\nfuel\n");
  assert.equal(run.code, 0);
  assert.match(run.stdout, /counter +mut i32 = 0 : i32\nfuel: off \(unlimited\)\n$/);
});

Deno.test("repl: a module left open at the end of input fails", async () => {
  const run = await repl([], "(module\n  (func)\n");
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "Input ended inside a (module ...): a ')' is missing\n");
});

Deno.test("repl: a file given on the command line that fails to load sets exit 1", async () => {
  const run = await repl(["tests/repl/golden/fixtures/missing.wasm"], "");
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Cannot read 'tests\/repl\/golden\/fixtures\/missing.wasm'/);
});

Deno.test("repl: no colours in a pipe, colours with --color always unless asked not to", async () => {
  const plain = await repl(["examples/demo.wat"], "nope\n");
  assert.ok(!(plain.stdout + plain.stderr).includes(ESC));
  const forced = await repl(["--color", "always", "examples/demo.wat"], "nope\n");
  assert.ok(forced.stderr.includes(`${ESC}31m`));
  const never = await repl(["--color", "never"], "nope\n", { FORCE_COLOR: "1" });
  assert.ok(!never.stderr.includes(ESC));
});

Deno.test("repl: --help, and bad flags exit 2", async () => {
  const help = await repl(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: repl \[options\] \[files\.\.\.\]/);
  const bad = await repl(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown option '--bogus'/);
  const color = await repl(["--color", "purple"]);
  assert.equal(color.code, 2);
  assert.match(color.stderr, /--color must be auto, always or never/);
});

Deno.test("repl --script: a missing script file exits 2", async () => {
  const run = await repl(["--script", "tests/repl/no_such_script.txt"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^Cannot read script 'tests\/repl\/no_such_script.txt'/);
});
