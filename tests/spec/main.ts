/**
 * CLI of the spec-testsuite runner.
 *
 * ```sh
 * deno task spec [--fuel] [--tier T] [--style S] [--mode M] [--json OUT] [--filter SUBSTR] [--verbose] [FILE[:LINE]...]
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
import type { Engine } from "../../mod.ts";
import {
  FOLDER_SWITCHES,
  hostFactory,
  OUTSIDE_WASM3,
  wasm2Switches,
  wasm3FeaturesFor,
  wasm3Switches,
} from "./host.ts";
import { COMMAND_KINDS } from "./script.ts";
import type { CaseResult, ResultKind } from "./runner.ts";
import { formatCounts, type Report, summarizeFile, type Summary, totalOf } from "./summary.ts";
import {
  proposalFiles,
  proposalFolders,
  rootWastFiles,
  runWastFile,
  testsuiteDir,
  wasm3Files,
} from "./suite.ts";
import { obtainTestsuites, testsuiteSpec } from "../_lib/testsuites.ts";

const USAGE =
  `usage: deno task spec [--suite S] [--fuel] [--tier T] [--style S] [--mode M] [--json OUT] [--filter SUBSTR] [--verbose] [FILE[:LINE]...]

  FILE        a .wast file: a path, or a name in the testsuite (default: every file of the suite)
  FILE:LINE   only the command at LINE (after the modules and actions it depends on)
  --suite S   root (default: the Wasm 2.0 root files), wasm-3.0 (proposals/wasm-3.0 laid over
              the root), proposals (every proposal folder, each with its own total), or one
              proposal folder's name (e.g. tail-call). Every suite but root turns on each Config
              proposal switch the library accepts and converts text with wabt, then wasm-tools.
  --fuel      fueled mode: every invoke from 0 fuel, resumed with exactly the fuel it needs
  --tier T    Config.executionTier: interpreter, codegen or auto (the default)
  --style S   Config.codegenStyle: jit, lean or auto (the default)
  --mode M    Config.compilationMode: lazyTranslation (the default) or eager (bodies validated
              while they are translated)
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
  /** The group it is totalled in (a proposal folder, in the `proposals` suite). */
  readonly group?: string;
}

/** Resolves `FILE` or `FILE:LINE`: an existing path as is, otherwise inside the testsuite. */
function resolveSelection(arg: string, suiteDir: string): Selection {
  const match = /^(.*):(\d+)$/.exec(arg);
  const file = match ? match[1] : arg;
  const line = match ? Number(match[2]) : undefined;
  const candidates = [file, join(suiteDir, file), join(suiteDir, "proposals", file)];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined) throw new Error(`no such file: ${file} (testsuite: ${suiteDir})`);
  return { name: path === file ? basename(file) : file, path, line };
}

/** The files of a suite (see `--suite`). */
function suiteFiles(suite: string, suiteDir: string): Selection[] {
  if (suite === "root") {
    return rootWastFiles(suiteDir).map((name) => ({ name, path: join(suiteDir, name) }));
  }
  if (suite === "wasm-3.0") return wasm3Files(suiteDir);
  const folders = proposalFolders(suiteDir);
  if (suite === "proposals") {
    return folders.filter((folder) => folder !== "wasm-3.0")
      .flatMap((folder) =>
        proposalFiles(suiteDir, folder).map((file) => ({ ...file, group: folder }))
      );
  }
  if (!folders.includes(suite)) {
    throw new Error(`unknown suite "${suite}" (root, wasm-3.0, proposals, ${folders.join(", ")})`);
  }
  return proposalFiles(suiteDir, suite);
}

function selections(
  suite: string,
  positionals: readonly string[],
  filter: string | undefined,
): Selection[] {
  const suiteDir = testsuiteDir();
  const chosen = positionals.length > 0
    ? positionals.map((arg) => resolveSelection(arg, suiteDir))
    : suiteFiles(suite, suiteDir);
  return filter === undefined ? chosen : chosen.filter((s) => s.name.includes(filter));
}

/** `" (3 via wasm-tools, 1 unconvertible)"` for a file that needed the second converter. */
function converterNote(summary: Summary): string {
  const parts = [];
  if (summary.notes["wasm-tools"] > 0) parts.push(`${summary.notes["wasm-tools"]} via wasm-tools`);
  if (summary.notes.unconvertible > 0) parts.push(`${summary.notes.unconvertible} unconvertible`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
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
    `converters: ${
      notes["wasm-tools"]
    } commands needed wasm-tools (wabt refused or misencodes the text), ` +
      `${notes.unconvertible} failed because no converter could produce the module`,
  );
  console.log(
    `text-only: ${total["text-only"]} assert_malformed of text modules ` +
      `(tests of the text format, which the library does not read; not counted as passes)`,
  );
  console.log(`total: ${formatCounts(total)} (${seconds.toFixed(1)}s)`);
}

/**
 * How many functions the engines generated, and how many fell back to the interpreter, with
 * why: `codegen: 5210 functions generated, 0 fell back to the interpreter`.
 */
export function fallbackLine(engines: readonly Engine[]): string {
  let generated = 0;
  const reasons = new Map<string, number>();
  for (const engine of engines) {
    const stats = engine.codegenStats();
    generated += stats.generated;
    for (const [reason, n] of Object.entries(stats.reasons)) {
      reasons.set(reason, (reasons.get(reason) ?? 0) + n);
    }
  }
  const fell = [...reasons.values()].reduce((a, b) => a + b, 0);
  const why = [...reasons].map(([reason, n]) => `${n} ${reason}`).join("; ");
  return `codegen: ${generated} functions generated, ${fell} fell back to the interpreter` +
    (fell > 0 ? ` (${why})` : "");
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      suite: { type: "string", default: "root" },
      json: { type: "string" },
      filter: { type: "string" },
      verbose: { type: "boolean", default: false },
      fuel: { type: "boolean", default: false },
      tier: { type: "string", default: "auto" },
      style: { type: "string", default: "auto" },
      mode: { type: "string", default: "lazyTranslation" },
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
  const wasm3 = values.suite !== "root";
  const switches = wasm3 ? wasm3Switches() : { on: wasm2Switches(), refused: [] };
  if (wasm3) {
    console.log(`proposal switches on: ${Object.keys(switches.on).join(", ")}`);
    console.log(`refused by this build: ${switches.refused.join(", ") || "none"}`);
    console.log(`off outside their own folders: ${OUTSIDE_WASM3.join(", ")}`);
    console.log(`per folder: ${JSON.stringify(FOLDER_SWITCHES)}\n`);
  }
  const tier = values.tier;
  if (tier !== "auto" && tier !== "interpreter" && tier !== "codegen") {
    throw new Error(`--tier must be interpreter, codegen or auto, got ${tier}`);
  }
  const style = values.style;
  if (style !== "auto" && style !== "jit" && style !== "lean") {
    throw new Error(`--style must be jit, lean or auto, got ${style}`);
  }
  const mode = values.mode;
  if (mode !== "lazyTranslation" && mode !== "eager") {
    throw new Error(`--mode must be lazyTranslation or eager, got ${mode}`);
  }
  // Every engine the run makes, to count the functions generated code never ran (a case the
  // interpreter then passed is a pass, but not one of the tier asked for).
  const engines: Engine[] = [];
  const onEngine = (engine: Engine) => engines.push(engine);
  const factory = hostFactory({
    fuel: values.fuel,
    features: switches.on,
    tier,
    style,
    mode,
    onEngine,
  });
  // A proposal outside Wasm 3.0 is on only for the files of its own folder.
  const factoryFor = (path: string) =>
    wasm3
      ? hostFactory({
        fuel: values.fuel,
        features: wasm3FeaturesFor(path, switches.on),
        tier,
        style,
        mode,
        onEngine,
      })
      : factory;
  const groups = new Map<string, Summary[]>();
  for (const selection of selections(values.suite, positionals, values.filter)) {
    const results = await runWastFile(selection.path, selection.name, {
      line: selection.line,
      hostFactory: factoryFor(selection.path),
      profile: wasm3 ? "wasm3" : "wasm2",
    });
    const summary = summarizeFile(results);
    report.files[selection.name] = summary;
    if (selection.group !== undefined) {
      groups.set(selection.group, [...groups.get(selection.group) ?? [], summary]);
    }
    console.log(`${selection.name.padEnd(40)} ${formatCounts(summary)}${converterNote(summary)}`);
    if (values.verbose) results.forEach((result) => console.log(formatCase(result)));
    failures.push(...results.filter((result) => result.status === "failed"));
  }
  report.total = totalOf(Object.values(report.files));
  if (groups.size > 0) {
    console.log("\nby proposal folder:");
    for (const [group, summaries] of groups) {
      console.log(`  ${group.padEnd(22)} ${formatCounts(totalOf(summaries))}`);
    }
  }
  if (failures.length > 0 && !values.verbose) {
    console.log("\nfailures:");
    failures.forEach((failure) => console.log(formatCase(failure)));
  }
  if (tier !== "interpreter") console.log(fallbackLine(engines));
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
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(USAGE);
    Deno.exit(2);
  }
}
