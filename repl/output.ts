/**
 * Where the REPL writes, and how it colours what it writes.
 *
 * Commands print through an `Output` instead of `console`, so script mode, the interactive REPL
 * and the golden tests (which capture everything in order) share one code path.
 *
 * @module
 */

/** Styles the REPL uses; each wraps text in ANSI codes or returns it unchanged. */
export interface Style {
  /** Results and values. */
  value(text: string): string;
  /** Types, signatures. */
  type(text: string): string;
  /** Names of instances, exports, commands. */
  name(text: string): string;
  /** Errors and traps. */
  error(text: string): string;
  /** Notes, warnings, suspended calls. */
  note(text: string): string;
  /** Secondary text. */
  dim(text: string): string;
}

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

/** ANSI colours. */
export const COLOR_STYLE: Style = {
  value: ansi(32, 39),
  type: ansi(36, 39),
  name: ansi(1, 22),
  error: ansi(31, 39),
  note: ansi(33, 39),
  dim: ansi(2, 22),
};

const same = (text: string) => text;

/** No colours. */
export const PLAIN_STYLE: Style = {
  value: same,
  type: same,
  name: same,
  error: same,
  note: same,
  dim: same,
};

/** A sink for the REPL's output lines. */
export interface Output {
  /** Styles to use (plain when writing to a pipe). */
  readonly style: Style;
  /** Writes a line of normal output. */
  out(line: string): void;
  /** Writes a line of error output. */
  err(line: string): void;
}

/**
 * Whether to colour output: `--color always|never|auto`; `auto` colours a terminal unless
 * `NO_COLOR` is set (https://no-color.org) or `TERM` is `dumb`; `FORCE_COLOR` forces it on.
 */
export function wantsColor(
  mode: string,
  isTerminal: boolean,
  env: (name: string) => string | undefined,
): boolean {
  if (mode === "always") return true;
  if (mode === "never") return false;
  if (env("NO_COLOR")) return false;
  if (env("FORCE_COLOR")) return true;
  return isTerminal && env("TERM") !== "dumb";
}

/** Collects output in memory, errors marked with `! ` (for tests and transcripts). */
export class BufferOutput implements Output {
  readonly style: Style = PLAIN_STYLE;
  /** Every line written so far, in order. */
  readonly lines: string[] = [];

  /** @inheritdoc */
  out(line: string): void {
    this.lines.push(line);
  }

  /** @inheritdoc */
  err(line: string): void {
    this.lines.push(`! ${line}`);
  }
}
