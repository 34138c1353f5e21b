/**
 * The interactive REPL on `node:readline` (line editing, history, completion; works under Deno,
 * Bun and Node alike).
 *
 * Ctrl-C while a call runs asks the session to stop it at its next fuel slice (the call then
 * waits in `calls`); at the prompt it clears the line or a half-typed module. Ctrl-D leaves.
 *
 * @module
 */

import * as readline from "node:readline";
import process from "node:process";
import { CommandAssembler } from "./command_line.ts";
import { type CommandContext, executeCommand } from "./commands.ts";
import { complete } from "./completion.ts";
import { listDirectory } from "./host_env.ts";
import { HISTORY_SIZE, loadHistory, saveHistoryLine } from "./history.ts";

/** Prompts. */
const PROMPT = "wasmi> ";
const CONTINUE_PROMPT = "  ...> ";

/** Interactive options. */
export interface InteractiveOptions {
  /** The history file, or `undefined` for none. */
  readonly historyFile: string | undefined;
  /** Printed once before the first prompt. */
  readonly banner?: string;
}

/**
 * Reads commands from the terminal until `quit` or Ctrl-D.
 *
 * @param stopped tells whether `quit` ran
 */
export function runInteractive(
  ctx: CommandContext,
  stopped: () => boolean,
  options: InteractiveOptions,
): Promise<void> {
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    prompt: PROMPT,
    history: loadHistory(options.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string) => complete(line, ctx.session, listDirectory),
  } as readline.ReadLineOptions);
  const assembler = new CommandAssembler();
  let running = false;
  let queue: Promise<void> = Promise.resolve();

  const prompt = () => {
    rl.setPrompt(assembler.continuing ? CONTINUE_PROMPT : PROMPT);
    rl.prompt();
  };

  const run = async (command: string) => {
    running = true;
    try {
      await executeCommand(ctx, command);
    } finally {
      running = false;
    }
    if (stopped()) rl.close();
    else prompt();
  };

  return new Promise((resolve) => {
    rl.on("line", (line: string) => {
      saveHistoryLine(options.historyFile, line);
      const command = assembler.push(line);
      if (command === null) {
        if (!running) prompt();
        return;
      }
      queue = queue.then(() => run(command));
    });
    rl.on("SIGINT", () => {
      if (running) {
        ctx.session.interrupt();
        ctx.output.out(ctx.output.style.note("^C (stopping the call at its next fuel slice)"));
        return;
      }
      const dropped = assembler.discard();
      process.stdout.write("^C\n");
      if (dropped === "" && rl.line === "") {
        ctx.output.out(ctx.output.style.dim("(type quit or press Ctrl-D to leave)"));
      }
      // Drop whatever was typed on the current line.
      (rl as unknown as { line: string }).line = "";
      prompt();
    });
    rl.on("close", () => {
      queue.then(() => resolve());
    });
    if (options.banner) ctx.output.out(options.banner);
    prompt();
  });
}
