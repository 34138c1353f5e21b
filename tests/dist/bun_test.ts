/**
 * Bun: the API tests run under `bun test` (sources as they are, `Deno.test` shimmed onto
 * `bun:test` by `_deno_shim.ts`), the REPL runs a script under `bun repl/main.ts` (and names
 * Bun's command when it cannot find wabt), and the official WASI testsuite runs under Bun
 * (`tests/wasi/main.ts`, and through `bun cli/main.ts run`).
 *
 * Uses the Bun that `npm ci` installs (`node_modules/.bin/bun`), or `$BUN`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUN = Deno.env.get("BUN") || `${ROOT}node_modules/.bin/bun`;

interface Run {
  code: number;
  out: string;
  stdout: string;
}

async function bun(args: string[], cwd = ROOT): Promise<Run> {
  let output;
  try {
    output = await new Deno.Command(BUN, {
      args,
      cwd,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", WASMI_TS_HISTORY: "" },
      signal: AbortSignal.timeout(60_000),
    }).output();
  } catch (e) {
    throw new Error(`Cannot run Bun (${BUN}); npm ci installs it: ${(e as Error).message}`);
  }
  const stdout = new TextDecoder().decode(output.stdout);
  return { code: output.code, stdout, out: stdout + new TextDecoder().decode(output.stderr) };
}

Deno.test("bun: the API tests pass under bun test", async () => {
  let declared = 0;
  for await (const entry of Deno.readDir(`${ROOT}tests/api`)) {
    if (!entry.name.endsWith("_test.ts")) continue;
    const text = await Deno.readTextFile(`${ROOT}tests/api/${entry.name}`);
    declared += (text.match(/\bDeno\.test\(/g) ?? []).length;
  }
  const run = await bun(["test", "--preload", "./tests/dist/_deno_shim.ts", "./tests/api/"]);
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, new RegExp(`^ ?${declared} pass$`, "m"), run.out);
  assert.match(run.out, /^ ?0 fail$/m, run.out);
});

Deno.test("bun: the REPL runs a script", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_bun_repl_" });
  try {
    await Deno.writeTextFile(`${dir}/script.txt`, "call fib 20\ncall square 1.5\ncall div 7 0\n");
    const run = await bun(["repl/main.ts", "--script", `${dir}/script.txt`, "examples/demo.wat"]);
    assert.equal(run.code, 1, `the trapping call fails the script:\n${run.out}`);
    assert.match(run.stdout, /^loaded \$demo from examples\/demo\.wat/);
    assert.match(run.stdout, /^6765 : i32$/m);
    assert.match(run.stdout, /^2\.25 : f64$/m);
    assert.match(run.out, /integer divide by zero/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bun: the official WASI testsuite passes (host and memory fs, and through `run`)", async () => {
  for (const fs of ["host", "memory"]) {
    const run = await bun(["tests/wasi/main.ts", "--fs", fs]);
    assert.equal(run.code, 0, run.out);
    assert.match(run.stdout, new RegExp(`${fs} filesystem\\): 72 passed, 0 failed$`, "m"));
  }
  const cli = await bun([
    "tests/wasi/main.ts",
    "--filter",
    "proc_exit",
    "--cli",
    `${BUN} cli/main.ts`,
  ]);
  assert.equal(cli.code, 0, cli.out);
  assert.match(cli.stdout, /cli\/main\.ts run`\): 2 passed, 0 failed$/m);
});

Deno.test("bun: without wabt beside it, the REPL says how to add it with bun", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_bun_nowabt_" });
  try {
    // The sources alone, where no node_modules can provide wabt (and Bun's auto-install off).
    for (const path of ["mod.ts", "src", "repl", "examples"]) {
      await new Deno.Command("cp", { args: ["-r", `${ROOT}${path}`, dir] }).output();
    }
    const run = await bun(["--no-install", "repl/main.ts", "examples/demo.wat"], dir);
    assert.match(run.out, /Reading WAT needs the wabt package \(install it beside the REPL: bun add wabt\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
