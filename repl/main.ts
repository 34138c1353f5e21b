/**
 * The wasmi-ts REPL.
 *
 * ```sh
 * deno task repl [files...]                 # interactive; loads the files first
 * deno task repl --script cmds.txt [files]  # script mode: run commands, exit 1 if any failed
 * echo "call fib 20" | deno task repl examples/demo.wat   # stdin that is not a terminal
 * bun repl/main.ts [files...]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { executeCommand } from "./commands.ts";
import {
  commandLineArgs,
  env,
  readFileBytes,
  readTextFile,
  setExitCode,
  stdinIsTerminal,
  stdoutIsTerminal,
  writeErr,
  writeOut,
} from "./host_env.ts";
import { historyPath } from "./history.ts";
import { runInteractive } from "./interactive.ts";
import { COLOR_STYLE, type Output, PLAIN_STYLE, wantsColor } from "./output.ts";
import { runScript } from "./script.ts";
import { createReplContext } from "./context.ts";
import process from "node:process";
import { createInterface } from "node:readline";

const USAGE = `Usage: repl [options] [files...]

Loads the files (.wasm or .wat), then reads commands from the terminal, from --script, or from
standard input when it is not a terminal. Type \`help\` in the REPL for the commands.

Options:
  --script <file>   run the commands in <file>; exit status 1 if any failed
  --echo            in script mode, print each command before its output
  --color <when>    auto (default), always or never; NO_COLOR turns auto off
  -h, --help        show this help

History is kept in $WASMI_TS_HISTORY, else ~/.wasmi_ts_history.`;

async function main(): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args: commandLineArgs(),
      allowPositionals: true,
      options: {
        script: { type: "string" },
        echo: { type: "boolean", default: false },
        color: { type: "string", default: "auto" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    writeErr(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = flags;
  if (values.help) {
    writeOut(`${USAGE}\n`);
    return 0;
  }
  if (!["auto", "always", "never"].includes(values.color)) {
    writeErr(`--color must be auto, always or never, got '${values.color}'\n`);
    return 2;
  }
  const interactive = values.script === undefined && stdinIsTerminal();
  const style = wantsColor(values.color, stdoutIsTerminal(), env) ? COLOR_STYLE : PLAIN_STYLE;
  const output: Output = {
    style,
    out: (line) => writeOut(`${line}\n`),
    err: (line) => writeErr(`${line}\n`),
  };
  const { ctx, quitRequested } = createReplContext(output, readFileBytes);
  let failures = 0;
  for (const file of positionals) {
    if (!await executeCommand(ctx, `load ${JSON.stringify(file)}`)) failures++;
  }

  if (interactive) {
    await runInteractive(ctx, quitRequested, {
      historyFile: historyPath(),
      banner: style.dim("wasmi-ts REPL: `help` lists the commands, Ctrl-D leaves."),
    });
    return 0;
  }
  let lines: Iterable<string> | AsyncIterable<string>;
  if (values.script !== undefined) {
    try {
      lines = readTextFile(values.script).split(/\r?\n/);
    } catch (e) {
      writeErr(`Cannot read script '${values.script}': ${(e as Error).message}\n`);
      return 2;
    }
  } else {
    lines = createInterface({ input: process.stdin, terminal: false });
  }
  const result = await runScript(lines, ctx, quitRequested, { echo: values.echo });
  failures += result.failures;
  return failures > 0 ? 1 : 0;
}

setExitCode(await main());
// Readline on stdin and pending timers must not keep the process alive after the last command.
process.exit();
