/**
 * The `wasmi-ts` command.
 *
 * ```sh
 * wasmi-ts run [options] FILE.wasm|FILE.wat [ARGS...]   # run a WASI program (see `run --help`)
 * wasmi-ts wast [--fuel] FILE.wast...                    # run spec test scripts
 * wasmi-ts [repl] [options] [files...]                   # the REPL (see `repl --help`)
 * ```
 *
 * Deno: `deno task run ...` or `deno run -A jsr:@wasmi-ts/wasmi/cli ...`; Node: the npm package's
 * `wasmi-ts` bin; Bun: `bun cli/main.ts ...`.
 *
 * @module
 */

import process from "node:process";
import { runCommand } from "./run.ts";
import { wastCommand } from "./wast.ts";

const USAGE = `Usage: wasmi-ts <command> [args...]

Commands:
  run FILE [ARGS...]   run a WASI program (wasmi-ts run --help)
  wast FILE.wast...    run spec test scripts (wasmi-ts wast --help)
  repl [files...]      the interactive REPL (the default: wasmi-ts [files...])
  help                 show this help`;

async function main(args: string[]): Promise<number | null> {
  const [command, ...rest] = args;
  switch (command) {
    case "run":
      return await runCommand(rest);
    case "wast":
      return await wastCommand(rest);
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case "repl":
      // The REPL reads its own arguments from argv: drop the word `repl`.
      process.argv.splice(2, 1);
      await import("../repl/main.ts");
      return null;
    default:
      // No command (or a file, or a REPL option): the REPL, as before there were commands.
      await import("../repl/main.ts");
      return null;
  }
}

const status = await main(process.argv.slice(2));
if (status !== null) {
  process.exitCode = status;
  // stdin (read by the program) and pending timers must not keep the process alive.
  process.exit(status);
}
