/**
 * The interactive REPL in a real pseudo-terminal (through python3's `pty` module): the prompt,
 * tab completion, history across sessions, Ctrl-C at the prompt and in a half-typed module,
 * Ctrl-C during an endless call (the REPL stays, the next call works), and Ctrl-D to leave.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DRIVER = fileURLToPath(new URL("./_pty_driver.py", import.meta.url));

type Step = { send: string } | { expect: string; timeout?: number };

interface DriverResult {
  ok: boolean;
  failed_step: number | null;
  screen: string;
  history: string;
  exit_code: number | null;
}

const hasPython = await new Deno.Command("python3", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success, () => false);

async function drive(steps: Step[], history = ""): Promise<DriverResult> {
  const spec = {
    cmd: [
      Deno.execPath(),
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "repl/main.ts",
      "examples/demo.wat",
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    history,
    steps,
  };
  const out = await new Deno.Command("python3", { args: [DRIVER, JSON.stringify(spec)] })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(text) as DriverResult;
}

function check(result: DriverResult, steps: Step[]): void {
  if (!result.ok) {
    const step = JSON.stringify(steps[result.failed_step!]);
    assert.fail(`Step ${result.failed_step} ${step} did not happen. Screen:\n${result.screen}`);
  }
}

const TAB = "\t";
const CTRL_C = "\x03";
const CTRL_D = "\x04";
const UP = "\x1b[A";

Deno.test({
  name: "repl interactive: prompt, completion, history, Ctrl-C and Ctrl-D in a terminal",
  ignore: !hasPython,
  async fn() {
    const steps: Step[] = [
      { expect: "loaded \\$demo from examples/demo.wat" },
      { expect: "wasmi> $" },
      // History from the previous session comes back with the up arrow.
      { send: UP },
      { expect: "wasmi> globals$" },
      { send: CTRL_C },
      { expect: "wasmi> $" },
      // A unique completion finishes the word and adds a space.
      { send: "hel" },
      { send: TAB },
      { expect: "help $" },
      { send: "\r" },
      { expect: "Commands \\(`help <command>` for details\\)" },
      { expect: "wasmi> $" },
      // Two tabs on an ambiguous word list the choices.
      { send: "ex" },
      { send: TAB },
      { send: TAB },
      { expect: "exit\\s+exports" },
      { send: CTRL_C },
      { expect: "wasmi> $" },
      // Exports of the current instance and arguments complete too.
      { send: "get cou" },
      { send: TAB },
      { expect: "get counter $" },
      { send: "\r" },
      { expect: "0 : i32" },
      // A half-typed module: the continuation prompt, then Ctrl-C drops it.
      { send: "(module\r" },
      { expect: "\\.\\.\\.> $" },
      { send: CTRL_C },
      { expect: "\\^C\\nwasmi> $" },
      // Ctrl-C on an empty line says how to leave, and does not.
      { send: CTRL_C },
      { expect: "type quit or press Ctrl-D to leave" },
      // Errors never end the session.
      { send: "nonsense\r" },
      { expect: "'nonsense' is not a command" },
      // And this session's lines, newest first.
      { send: UP },
      { expect: "wasmi> nonsense$" },
      { send: CTRL_C },
      { send: "memory\r" },
      { expect: "\\$demo.memory: \\{min 1, max 4\\}" },
      { send: CTRL_D },
    ];
    const result = await drive(steps, "globals\n");
    check(result, steps);
    assert.equal(result.exit_code, 0);
    assert.equal(result.history, "globals\nhelp\nget counter\n(module\nnonsense\nmemory\n");
  },
});

Deno.test({
  name: "repl interactive: Ctrl-C stops a long call and the REPL goes on",
  ignore: !hasPython,
  async fn() {
    const steps: Step[] = [
      { expect: "wasmi> $" },
      { send: "spin\r" },
      { expect: "spin\r?\n" },
      { send: CTRL_C },
      { expect: "call 1 suspended: \\$demo.spin\\(\\) interrupted" },
      { expect: "wasmi> $" },
      { send: "calls\r" },
      { expect: "1 +\\$demo.spin\\(\\) +interrupted" },
      { send: "drop 1\r" },
      { expect: "dropped call 1" },
      // The store is intact: the next call runs.
      { send: "fib 10\r" },
      { expect: "55 : i32" },
      { expect: "wasmi> $" },
      { send: "quit\r" },
    ];
    const result = await drive(steps);
    check(result, steps);
    assert.equal(result.exit_code, 0);
  },
});
