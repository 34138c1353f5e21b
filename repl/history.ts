/**
 * Command history kept across sessions in a file: `$WASMI_TS_HISTORY`, else
 * `~/.wasmi_ts_history`. Failing to read or write it never stops the REPL.
 *
 * @module
 */

import { appendText, env, fileExists, homeDirectory, readTextFile, writeText } from "./host_env.ts";

/** How many entries are loaded at start. */
export const HISTORY_SIZE = 1000;

/** The history file's path, or `undefined` when there is no home directory to put it in. */
export function historyPath(): string | undefined {
  const override = env("WASMI_TS_HISTORY");
  if (override !== undefined) return override === "" ? undefined : override;
  const home = homeDirectory();
  return home === undefined ? undefined : `${home}/.wasmi_ts_history`;
}

/** The saved history, newest first (as `node:readline` wants it). */
export function loadHistory(path: string | undefined): string[] {
  if (path === undefined || !fileExists(path)) return [];
  try {
    const lines = readTextFile(path).split("\n").filter((l) => l.trim() !== "");
    const kept = lines.slice(-HISTORY_SIZE);
    // Appending forever would grow the file without bound: trim it now and then.
    if (lines.length > 2 * HISTORY_SIZE) writeText(path, kept.join("\n") + "\n");
    return kept.reverse();
  } catch {
    return [];
  }
}

/** Appends one entry (a multi-line entry is saved line by line). */
export function saveHistoryLine(path: string | undefined, line: string): void {
  if (path === undefined || line.trim() === "") return;
  try {
    appendText(path, `${line.trimEnd()}\n`);
  } catch {
    // A read-only home must not break the REPL.
  }
}
