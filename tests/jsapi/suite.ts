/**
 * The official JS-API tests (`../shared/wasm-js-api`, or `$WASM_JS_API`): which files cover
 * Wasm 2.0, the subtests excluded and why, and how to run one file in a child process and read
 * its results (`_run_file.mjs` prints them as JSON).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** The suite directory (it holds `test/js-api` and `test/harness`). */
export function suiteDir(): string {
  return Deno.env.get("WASM_JS_API") ?? join(ROOT, "..", "shared", "wasm-js-api");
}

/** The test files of the JS API of Wasm 2.0 (see the suite's SOURCE.md). */
export const WASM2_FILES: readonly string[] = [
  "constructor/compile.any.js",
  "constructor/instantiate-bad-imports.any.js",
  "constructor/instantiate.any.js",
  "constructor/multi-value.any.js",
  "constructor/toStringTag.any.js",
  "constructor/validate.any.js",
  "global/constructor.any.js",
  "global/toString.any.js",
  "global/value-get-set.any.js",
  "global/valueOf.any.js",
  "instance/constructor-bad-imports.any.js",
  "instance/constructor-caching.any.js",
  "instance/constructor.any.js",
  "instance/exports.any.js",
  "instance/toString.any.js",
  "memory/buffer.any.js",
  "memory/constructor.any.js",
  "memory/grow.any.js",
  "memory/toString.any.js",
  "module/constructor.any.js",
  "module/customSections.any.js",
  "module/exports.any.js",
  "module/imports.any.js",
  "module/toString.any.js",
  "table/constructor.any.js",
  "table/get-set.any.js",
  "table/grow.any.js",
  "table/length.any.js",
  "table/toString.any.js",
  "interface.any.js",
  "prototypes.any.js",
  "limits.any.js",
  "error-interfaces-no-symbol-tostringtag.js",
];

/**
 * The test files of the exception-handling JS API (`Tag`, `Exception`, `JSTag`; Wasm 3.0), run
 * against the facade's default namespace, which turns `wasmExceptions` on.
 */
export const EXCEPTION_FILES: readonly string[] = [
  "exception/basic.tentative.any.js",
  "exception/constructor.tentative.any.js",
  "exception/getArg.tentative.any.js",
  "exception/identity.tentative.any.js",
  "exception/is.tentative.any.js",
  "exception/jsTag.tentative.any.js",
  "exception/toString.tentative.any.js",
  "tag/constructor.tentative.any.js",
  "tag/toString.tentative.any.js",
];

const THREADS = "needs a shared memory (threads proposal), which the engine does not implement";
const THREADS_BUILDER = "the suite's module builder marks the memory shared (it tests " +
  "`shared !== undefined`, and passes `false`), so this needs threads, which the engine lacks";
const TABLE64 = "uses a table with 64-bit addresses (table64, Wasm 3.0)";

/** Subtests excluded from files in `WASM2_FILES`, by file, with the reason. */
export const EXCLUDED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "memory/grow.any.js": { "Growing shared memory does not detach old buffer": THREADS },
  "table/get-set.any.js": Object.fromEntries(
    [
      "Basic (i64)",
      "Growing (i64)",
      "Setting out-of-bounds (i64)",
      ...["-1n", "18446744073709551616n", '"0x10000000000000000"'].flatMap((v) => [
        `Getting out-of-range argument (i64): ${v}`,
        `Setting out-of-range argument (i64): ${v}`,
      ]),
    ].map((name) => [name, TABLE64]),
  ),
  "limits.any.js": Object.fromEntries(
    [
      "Validate data segments minimum",
      "Validate data segments limit",
      "Compile data segments minimum",
      "Compile data segments limit",
      "Async compile data segments minimum",
      "Async compile data segments limit",
      "Validate memories limit",
      "Compile memories limit",
      "Async compile memories limit",
    ].map((name) => [name, THREADS_BUILDER]),
  ),
};

/** One subtest's result, as testharness.js reports it. */
export interface SubtestResult {
  name: string;
  /** 0 pass, 1 fail, 2 timeout, 3 not run, 4 precondition failed. */
  status: number;
  message: string | null;
}

/** What `_run_file.mjs` prints. */
export interface FileResult {
  file: string;
  harness: { status: number; message: string | null };
  tests: SubtestResult[];
}

/** Counts of one file against `EXCLUDED`. */
export interface FileCounts {
  file: string;
  passed: number;
  failed: SubtestResult[];
  excluded: number;
  /** Excluded subtests that passed after all (the list is out of date), or never ran. */
  staleExclusions: string[];
  harnessError: string | null;
}

/**
 * Compares a file's results with its exclusions: those of `EXCLUDED` must fail (else the list is
 * stale); `hostExcluded` ones (a host's limits, where a pass would mean nothing) count as
 * excluded whatever their outcome, but must run.
 */
export function countFile(
  file: string,
  result: FileResult,
  hostExcluded: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): FileCounts {
  const excluded = EXCLUDED[file] ?? {};
  const anyOutcome = hostExcluded[file] ?? {};
  const counts: FileCounts = {
    file,
    passed: 0,
    failed: [],
    excluded: 0,
    staleExclusions: [],
    harnessError: result.harness.status === 0 ? null : String(result.harness.message),
  };
  const seen = new Set<string>();
  for (const t of result.tests) {
    seen.add(t.name);
    if (t.name in anyOutcome) {
      counts.excluded++;
    } else if (t.name in excluded) {
      if (t.status === 0) counts.staleExclusions.push(`${t.name} (passes)`);
      else counts.excluded++;
    } else if (t.status === 0) counts.passed++;
    else counts.failed.push(t);
  }
  for (const name of [...Object.keys(excluded), ...Object.keys(anyOutcome)]) {
    if (!seen.has(name)) counts.staleExclusions.push(`${name} (not run)`);
  }
  return counts;
}

/** Reads `_run_file.mjs`'s output (its last line is the JSON). */
export function parseFileResult(stdout: string): FileResult {
  const line = stdout.trim().split("\n").findLast((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`No result printed:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as FileResult;
}

/**
 * Runs one test file in a child: `command` (e.g. `[deno, "run", "--allow-read"]`) runs
 * `_run_file.mjs`, unless it names a runner script (`.mjs`) itself.
 */
export async function runFile(
  command: readonly string[],
  file: string,
  implementation: string,
): Promise<FileResult> {
  const dir = suiteDir();
  const [bin, ...args] = command;
  const runner = args.some((a) => a.endsWith(".mjs"))
    ? []
    : [join(ROOT, "tests/jsapi/_run_file.mjs")];
  const out = await new Deno.Command(bin!, {
    args: [
      ...args,
      ...runner,
      dir,
      join(dir, "test/js-api", file),
      implementation,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr);
    throw new Error(`${file}: exit ${out.code}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
  }
  return parseFileResult(stdout);
}

/** One summary line per file and a total. */
export function summarize(all: readonly FileCounts[]): string {
  const lines = all.map((c) =>
    `${c.file}: ${c.passed} passed, ${c.failed.length} failed, ${c.excluded} excluded`
  );
  const sum = (f: (c: FileCounts) => number) => all.reduce((n, c) => n + f(c), 0);
  lines.push(
    `total: ${sum((c) => c.passed)} passed, ${sum((c) => c.failed.length)} failed, ` +
      `${sum((c) => c.excluded)} excluded`,
  );
  return lines.join("\n");
}
