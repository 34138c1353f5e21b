/**
 * The REPL session the READMEs (the repository's and the npm package's) show is what the REPL prints: every command of it runs in script
 * mode and its output must equal the README's, except around `spin`, which the README stops
 * with Ctrl-C (the PTY test covers that); here a fuel stop stands in for it, so that the call
 * numbers after it stay the same.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transcript } from "./_transcript.ts";

/** The repository's README and the npm package's. */
const READMES = ["README.md", "npm/README.md"];

interface Step {
  readonly command: string;
  readonly output: string[];
}

/** Commands and their output, from lines where a command follows `prompt`. */
function steps(lines: readonly string[], prompt: string): Step[] {
  const out: Step[] = [];
  for (const line of lines) {
    if (line.startsWith(prompt)) out.push({ command: line.slice(prompt.length), output: [] });
    else out.at(-1)?.output.push(line);
  }
  return out;
}

/** Commands whose output depends on Ctrl-C. */
const INTERACTIVE = new Set(["spin", "calls", "drop 2"]);

for (const readme of READMES) {
  Deno.test(`${readme}: the REPL session shown is the REPL's output`, async () => {
    const text = readFileSync(fileURLToPath(new URL(`../../${readme}`, import.meta.url)), "utf8");
    const block = /```text\n(loaded \$demo[\s\S]*?)```/.exec(text);
    assert.ok(block !== null, "no REPL session in the README");
    const shown = steps(block[1]!.split("\n"), "wasmi> ");
    assert.ok(shown.some((s) => s.command.startsWith("stack ")), "the session shows `stack <id>`");
    assert.ok(shown.some((s) => s.output.some((l) => /\(x[\d,]+\)$/.test(l))), "a collapsed frame");
    const script = ["load examples/demo.wat"];
    for (const { command } of shown) {
      if (command === "spin") script.push("fuel on 1", "spin", "fuel off");
      else if (command !== "quit") script.push(command);
    }
    const ran = steps((await transcript(script.join("\n"))).split("\n"), "> ");
    const byCommand = ran; // searched in order: the stand-in commands are passed over
    let i = 0;
    for (const step of shown) {
      if (step.command === "quit") continue;
      while (byCommand[i] !== undefined && byCommand[i]!.command !== step.command) i++;
      const actual = byCommand[i++];
      assert.ok(actual !== undefined, `the README's \`${step.command}\` did not run`);
      if (INTERACTIVE.has(step.command)) continue;
      const output = actual.output.filter((l) => !l.startsWith("# failures:") && l !== "");
      assert.deepEqual(
        output.map((l) => l.replace(/^! /, "")),
        step.output.filter((l) => l !== ""),
        `output of \`${step.command}\``,
      );
    }
  });
}
