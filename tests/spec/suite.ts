/**
 * The official testsuite on disk: where it is, which files it has, and running one file.
 *
 * @module
 */

import { join } from "node:path";
import { testsuiteDir as testsuiteDirOf } from "../_lib/testsuites.ts";
import { createHost, type HostFactory } from "./host.ts";
import { type CaseResult, runCommands } from "./runner.ts";
import { parseScript, ScriptError } from "./script.ts";
import { SExprError } from "./sexpr.ts";
import { convertScript, type TextProfile } from "./wat.ts";

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
  return wastFilesIn(dir);
}

/** The `.wast` files directly in `dir`, sorted. */
function wastFilesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".wast"))
    .map((entry) => entry.name)
    .sort();
}

/** One script of a suite: the name reports use and its path. */
export interface SuiteFile {
  readonly name: string;
  readonly path: string;
}

/** The proposal folders under `proposals/` (`wasm-3.0` is the merged Wasm 3.0 set), sorted. */
export function proposalFolders(dir: string): string[] {
  return [...Deno.readDirSync(join(dir, "proposals"))]
    .filter((entry) => entry.isDirectory)
    .map((entry) => entry.name)
    .sort();
}

/**
 * The Wasm 3.0 set: `proposals/wasm-3.0` laid over the root files (a file of the same name
 * replaces the root one). Names of files from `wasm-3.0` are prefixed `wasm-3.0/`.
 */
export function wasm3Files(dir: string): SuiteFile[] {
  const overlay = join(dir, "proposals", "wasm-3.0");
  const replaced = new Set(wastFilesIn(overlay));
  const root = wastFilesIn(dir).filter((name) => !replaced.has(name))
    .map((name) => ({ name, path: join(dir, name) }));
  const newer = [...replaced].map((name) => ({
    name: `wasm-3.0/${name}`,
    path: join(overlay, name),
  }));
  return [...root, ...newer].sort((a, b) => a.path.localeCompare(b.path));
}

/** The scripts of one proposal folder, named `FOLDER/file.wast`. */
export function proposalFiles(dir: string, folder: string): SuiteFile[] {
  const path = join(dir, "proposals", folder);
  return wastFilesIn(path).map((name) => ({ name: `${folder}/${name}`, path: join(path, name) }));
}

/** Options of `runWastFile`. */
export interface FileOptions {
  /** Run only the command spanning this line (see `RunOptions.line`). */
  readonly line?: number;
  /** Makes the host for the file (default: `createHost` of `host.ts`). */
  readonly hostFactory?: HostFactory;
  /**
   * How text modules are converted: `wasm2` (default: wabt with the Wasm 2.0 features) or
   * `wasm3` (wabt with every feature, then wasm-tools).
   */
  readonly profile?: TextProfile;
}

/**
 * Parses and runs one `.wast` file.
 *
 * @param path the file to read
 * @param name the name results carry (usually the base name)
 * @returns one result per command; a script that does not parse yields one failed `script`
 *   result at the error's line
 */
export async function runWastFile(
  path: string,
  name: string,
  options: FileOptions = {},
): Promise<CaseResult[]> {
  let commands;
  try {
    commands = parseScript(name, Deno.readFileSync(path));
  } catch (error) {
    if (!(error instanceof ScriptError || error instanceof SExprError)) throw error;
    const reason = `script does not parse: ${error.message}`;
    return [{ file: name, line: error.line, kind: "script", status: "failed", reason, notes: [] }];
  }
  const conversions = await convertScript(commands, options.profile ?? "wasm2");
  const host = (options.hostFactory ?? createHost)();
  return runCommands(commands, host, { line: options.line, conversions });
}
