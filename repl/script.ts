/**
 * Script mode: commands from a file or a pipe, one after another, results on stdout, errors on
 * stderr, and a count of the commands that failed (the CLI's exit status).
 *
 * @module
 */

import { CommandAssembler } from "./command_line.ts";
import { type CommandContext, executeCommand } from "./commands.ts";

/** Script mode options. */
export interface ScriptOptions {
  /** Print each command, prefixed with `> `, before its output (for readable transcripts). */
  readonly echo?: boolean;
}

/** What a script run did. */
export interface ScriptResult {
  /** Commands run. */
  readonly commands: number;
  /** Commands that failed. */
  readonly failures: number;
}

/**
 * Runs every command in `lines` (a `(module` spans lines until its parentheses balance).
 * Stops early after `quit`.
 *
 * @param stopped tells whether `quit` ran
 */
export async function runScript(
  lines: Iterable<string> | AsyncIterable<string>,
  ctx: CommandContext,
  stopped: () => boolean,
  options: ScriptOptions = {},
): Promise<ScriptResult> {
  const assembler = new CommandAssembler();
  let commands = 0;
  let failures = 0;
  for await (const line of lines) {
    const command = assembler.push(line);
    if (command === null) continue;
    commands++;
    if (options.echo) echo(ctx, command);
    if (!await executeCommand(ctx, command)) failures++;
    if (stopped()) return { commands, failures };
  }
  const unfinished = assembler.discard();
  if (unfinished !== "") {
    commands++;
    failures++;
    if (options.echo) echo(ctx, unfinished);
    ctx.output.err("Input ended inside a (module ...): a ')' is missing");
  }
  return { commands, failures };
}

function echo(ctx: CommandContext, command: string): void {
  command.split("\n").forEach((line, i) => ctx.output.out(`${i === 0 ? ">" : "."} ${line}`));
}
