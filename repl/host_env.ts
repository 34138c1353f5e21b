/**
 * The little the REPL needs from its runtime, through `node:` modules so that one code path runs
 * under Deno, Bun and Node: files, environment, terminal detection, exit.
 *
 * @module
 */

import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import process from "node:process";

/** Reads a whole file. */
export function readFileBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Reads a whole text file. */
export function readTextFile(path: string): string {
  return readFileSync(path, "utf8");
}

/** Appends text to a file, creating it. */
export function appendText(path: string, text: string): void {
  appendFileSync(path, text);
}

/** Replaces a file's contents. */
export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}

/** Whether `path` exists. */
export function fileExists(path: string): boolean {
  return existsSync(path);
}

/** Names in a directory with `/` after subdirectories, or `[]` if it cannot be read. */
export function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => {
      try {
        return statSync(`${dir}/${name}`).isDirectory() ? `${name}/` : name;
      } catch {
        return name;
      }
    });
  } catch {
    return [];
  }
}

/** An environment variable, or `undefined` (also when access is denied). */
export function env(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

/** The user's home directory, if known. */
export function homeDirectory(): string | undefined {
  return env("HOME") ?? env("USERPROFILE");
}

/** Whether standard input is a terminal. */
export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/** Whether standard output is a terminal. */
export function stdoutIsTerminal(): boolean {
  return process.stdout.isTTY === true;
}

/** The command-line arguments after the script name. */
export function commandLineArgs(): string[] {
  return process.argv.slice(2);
}

/** Writes text to standard output. */
export function writeOut(text: string): void {
  process.stdout.write(text);
}

/** Writes text to standard error. */
export function writeErr(text: string): void {
  process.stderr.write(text);
}

/** Sets the exit code the process ends with. */
export function setExitCode(code: number): void {
  process.exitCode = code;
}
