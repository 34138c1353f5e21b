/**
 * CLI of the spec-testsuite runner.
 *
 * ```sh
 * deno task spec [--fuel] [--json OUT] [--filter SUBSTR] [--verbose] [FILE[:LINE]...]
 * ```
 *
 * Runs every root `.wast` file of the testsuite (or the named ones; `FILE:LINE` runs just the
 * command at that line), prints per-file counts, the failures, and totals by command kind.
 * Exits non-zero if any case failed. `--fuel` runs in fueled mode: fuel metering on, every invoke
 * a resumable call that starts from 0 fuel and gets exactly the fuel each stop requires.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { createFueledHost } from "./host.ts";
import { COMMAND_KINDS } from "./script.ts";
import type { CaseResult, ResultKind } from "./runner.ts";
import { formatCounts, type Report, summarizeFile, type Summary, totalOf } from "./summary.ts";
import { rootWastFiles, runWastFile, testsuiteDir } from "./suite.ts";
import { obtainTestsuites, testsuiteSpec } from "../_lib/testsuites.ts";

const USAGE =
  `usage: deno task spec [--fuel] [--json OUT] [--filter SUBSTR] [--verbose] [FILE[:LINE]...]

  FILE        a .wast file: a path, or a name in the testsuite (default: every root file)
  FILE:LINE   only the command at LINE (after the modules and actions it depends on)
  --fuel      fueled mode: every invoke from 0 fuel, resumed with exactly the fuel it needs
  --filter S  only files whose name contains S
  --json OUT  write the report as JSON to OUT
  --verbose   print every case, not just failures
  testsuite: $WASM_TESTSUITE, else ../shared/wasm-testsuite beside the repo, else fetched into
  .testsuites/ at the pinned commit`;

/** One file to run, as selected on the command line. */
interface Selection {
  /** Name in reports. */
  readonly name: string;
  readonly path: string;
  readonly line?: number;
}

/** Resolves `FILE` or `FILE:LINE`: an existing path as is, otherwise inside the testsuite. */
function resolveSelection(arg: string, suiteDir: string): Selection {
  const match = /^(.*):(\d+)$/.exec(arg);
  const file = match ? match[1] : arg;
  const line = match ? Number(match[2]) : undefined;
  const path = existsSync(file) ? file : join(suiteDir, file);
  if (!existsSync(path)) throw new Error(`no such file: ${file} (testsuite: ${suiteDir})`);
  return { name: existsSync(file) ? basename(file) : file, path, line };
}

function selections(positionals: readonly string[], filter: string | undefined): Selection[] {
  const suiteDir = testsuiteDir();
  const chosen = positionals.length > 0
    ? positionals.map((arg) => resolveSelection(arg, suiteDir))
    : rootWastFiles(suiteDir).map((name) => ({ name, path: join(suiteDir, name) }));
  return filter === undefined ? chosen : chosen.filter((s) => s.name.includes(filter));
}

function formatCase(result: CaseResult): string {
  const reason = result.reason === undefined ? "" : `: ${result.reason}`;
  const notes = result.notes.map((note) => `\n      note (${note.kind}): ${note.detail}`).join("");
  return `  ${result.file}:${result.line} ${result.kind} ${result.status}${reason}${notes}`;
}

function printTotals(total: Summary, seconds: number): void {
  console.log("\nby command kind:");
  const kinds: ResultKind[] = [...COMMAND_KINDS, "script"];
  for (const kind of kinds) {
    const counts = total.byKind[kind];
    if (counts !== undefined) console.log(`  ${kind.padEnd(22)} ${formatCounts(counts)}`);
  }
  const { notes } = total;
  console.log(
    `notes: ${notes["message-mismatch"]} error-message mismatches, ` +
      `${notes["text-parser-rejected"]} assert_malformed rejected by the text parser (wabt), ` +
      `${notes["wabt-failed"]} text modules wabt could not convert`,
  );
  console.log(`total: ${formatCounts(total)} (${seconds.toFixed(1)}s)`);
}

function main(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "string" },
      filter: { type: "string" },
      verbose: { type: "boolean", default: false },
      fuel: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const start = performance.now();
  const report: Report = { files: {}, total: totalOf([]) };
  const failures: CaseResult[] = [];
  for (const selection of selections(positionals, values.filter)) {
    const results = runWastFile(selection.path, selection.name, {
      line: selection.line,
      ...(values.fuel ? { hostFactory: createFueledHost } : {}),
    });
    const summary = summarizeFile(results);
    report.files[selection.name] = summary;
    console.log(`${selection.name.padEnd(40)} ${formatCounts(summary)}`);
    if (values.verbose) results.forEach((result) => console.log(formatCase(result)));
    failures.push(...results.filter((result) => result.status === "failed"));
  }
  report.total = totalOf(Object.values(report.files));
  if (failures.length > 0 && !values.verbose) {
    console.log("\nfailures:");
    failures.forEach((failure) => console.log(formatCase(failure)));
  }
  printTotals(report.total, (performance.now() - start) / 1000);
  if (values.json !== undefined) {
    Deno.writeTextFileSync(values.json, JSON.stringify(report, null, 2));
  }
  return report.total.failed > 0 ? 1 : 0;
}

if (import.meta.main) {
  try {
    // A fresh machine: fetch the testsuite first (it is found locally when it is there).
    await obtainTestsuites([testsuiteSpec("wasm-testsuite")], {
      log: (line) => console.error(line),
    });
    Deno.exit(main(Deno.args));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(USAGE);
    Deno.exit(2);
  }
}
