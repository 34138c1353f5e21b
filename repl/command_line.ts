/**
 * Splitting what the user typed into tokens, and gathering a multi-line `(module ...)` until its
 * parentheses balance.
 *
 * @module
 */

import { ReplError } from "./repl_error.ts";

/**
 * Splits a command line at whitespace. A double-quoted token (with JSON escapes) stays one token
 * and keeps its quotes, so callers can tell `"42"` from `42`; `unquote` removes them.
 */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < line.length && !/\s/.test(line[i]!)) {
      if (line[i] === '"') i = skipString(line, i);
      else i++;
    }
    tokens.push(line.slice(start, i));
  }
  return tokens;
}

/** Index just past the string literal that opens at `i`. */
function skipString(line: string, i: number): number {
  for (let j = i + 1; j < line.length; j++) {
    if (line[j] === "\\") j++;
    else if (line[j] === '"') return j + 1;
  }
  throw new ReplError(`Unterminated string starting at column ${i + 1}`);
}

/** The text of a token: a quoted token's JSON string value, any other token as is. */
export function unquote(token: string): string {
  if (!token.startsWith('"')) return token;
  try {
    return JSON.parse(token) as string;
  } catch {
    throw new ReplError(`Malformed string ${token}`);
  }
}

/**
 * How many parentheses of WAT text are still open, ignoring those inside strings and comments
 * (`;; line` and `(; block ;)`). Zero or less means the text is complete.
 */
export function openParens(text: string): number {
  return scanParens(text).depth;
}

/**
 * Walks WAT text once, counting parentheses outside strings and comments.
 *
 * @returns the final depth (open block comments count as open), and the index just past the
 *   parenthesis that closes the first top-level form, or -1 if it does not close
 */
function scanParens(text: string): { depth: number; end: number } {
  let depth = 0;
  let blockComments = 0;
  let end = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (blockComments > 0) {
      if (c === "(" && next === ";") blockComments++, i++;
      else if (c === ";" && next === ")") blockComments--, i++;
    } else if (c === "(" && next === ";") {
      blockComments++, i++;
    } else if (c === ";" && next === ";") {
      const eol = text.indexOf("\n", i);
      if (eol < 0) break;
      i = eol;
    } else if (c === '"') {
      i = endOfWatString(text, i);
    } else if (c === "(") {
      depth++;
    } else if (c === ")") {
      depth--;
      if (depth === 0 && end < 0) end = i + 1;
    }
  }
  return { depth: depth + blockComments, end };
}

function endOfWatString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j;
  }
  return text.length;
}

/** Whether a line starts an inline module definition. */
export function startsModule(line: string): boolean {
  return /^\(\s*module\b/.test(line.trimStart());
}

/**
 * Gathers input lines into commands: most lines are a command each, but a `(module` keeps
 * reading until its parentheses balance. Blank lines and comments (`#` or `;;` first) are
 * skipped.
 */
export class CommandAssembler {
  #pending: string[] = [];

  /** Whether a module definition is waiting for more lines. */
  get continuing(): boolean {
    return this.#pending.length > 0;
  }

  /**
   * Takes one input line.
   *
   * @returns a complete command, or `null` if more lines are needed or the line was empty
   */
  push(line: string): string | null {
    if (this.#pending.length === 0) {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";;")) return null;
      if (!startsModule(trimmed)) return trimmed;
    }
    this.#pending.push(line);
    const text = this.#pending.join("\n");
    if (openParens(text) > 0) return null;
    this.#pending = [];
    return text.trim();
  }

  /** Drops a half-typed module (after Ctrl-C or at end of input); returns what was dropped. */
  discard(): string {
    const text = this.#pending.join("\n");
    this.#pending = [];
    return text;
  }
}

/**
 * Splits a module definition from what follows its closing parenthesis, e.g. `as $m`.
 *
 * @returns the WAT text and the rest of the line after it
 */
export function splitModuleText(command: string): { wat: string; rest: string } {
  const { end } = scanParens(command);
  if (end < 0) return { wat: command, rest: "" };
  return { wat: command.slice(0, end), rest: command.slice(end).trim() };
}
