/**
 * Wires a `Session` to an `Output` the way the REPL does (stand-in notes, `print` in bound
 * functions), for the CLI and for tests that must see exactly what the CLI prints.
 *
 * @module
 */

import type { CommandContext } from "./commands.ts";
import { valuesText } from "./describe.ts";
import type { Output } from "./output.ts";
import { Session, type SessionOptions } from "./session.ts";

/** A command context and whether `quit` has run. */
export interface ReplContext {
  /** Pass to `executeCommand`, `runScript`, `runInteractive`. */
  readonly ctx: CommandContext;
  /** Whether the user asked to quit. */
  readonly quitRequested: () => boolean;
}

/**
 * Creates a session that reports through `output`.
 *
 * @param readFile how `load` reads files
 * @param options extra session options (e.g. a small `sliceFuel` in tests)
 */
export function createReplContext(
  output: Output,
  readFile: (path: string) => Uint8Array,
  options: SessionOptions = {},
): ReplContext {
  let quit = false;
  const session: Session = new Session({
    ...options,
    print: (line) => output.out(line),
    onStandInCall: (key, params, results) => {
      const shown = results.length === 0 ? "()" : valuesText(results, session.refs);
      output.out(
        output.style.dim(`  ${key}(${valuesText(params, session.refs)}) -> ${shown}  (stand-in)`),
      );
    },
  });
  const ctx: CommandContext = { session, output, readFile, quit: () => quit = true };
  return { ctx, quitRequested: () => quit };
}
