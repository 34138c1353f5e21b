/**
 * `wasmi-ts wast`: runs spec test scripts (`.wast`) with the spec runner of `tests/spec/`.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";

/** Usage of `wasmi-ts wast`. */
export const WAST_USAGE = `Usage: wasmi-ts wast [--fuel] [--verbose] FILE.wast...

Runs every command of each spec script and prints the failures and a summary per file.
--fuel runs each invoke with fuel metering, resumed with exactly the fuel it needs.
Exit status: 0 when every command passed, 1 when one failed, 2 for a bad command line.`;

/**
 * Runs `wasmi-ts wast` with `args` (the words after `wast`).
 *
 * @returns the exit status
 */
export async function wastCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        fuel: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`wasmi-ts wast: ${(e as Error).message}\n\n${WAST_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${WAST_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`wasmi-ts wast: expected a .wast file\n\n${WAST_USAGE}\n`);
    return 2;
  }
  // The spec runner loads only when asked for: `run` and the REPL never need it.
  const { parseScript } = await import("../tests/spec/script.ts");
  const { runCommands } = await import("../tests/spec/runner.ts");
  const { createFueledHost, createHost } = await import("../tests/spec/host.ts");
  const { formatCounts, summarizeFile } = await import("../tests/spec/summary.ts");
  let failed = 0;
  for (const path of positionals) {
    const name = basename(path);
    let source: Uint8Array;
    try {
      source = new Uint8Array(readFileSync(path));
    } catch (e) {
      process.stderr.write(`wasmi-ts wast: cannot read ${path}: ${(e as Error).message}\n`);
      failed++;
      continue;
    }
    let results;
    try {
      const commands = parseScript(name, source);
      results = runCommands(commands, (values.fuel ? createFueledHost : createHost)());
    } catch (e) {
      process.stderr.write(`wasmi-ts wast: ${path}: ${(e as Error).message}\n`);
      failed++;
      continue;
    }
    for (const r of results) {
      if (r.status === "failed") {
        process.stdout.write(`${name}:${r.line}: ${r.kind} failed: ${r.reason ?? ""}\n`);
      } else if (values.verbose) {
        process.stdout.write(`${name}:${r.line}: ${r.kind} ${r.status}\n`);
      }
    }
    const summary = summarizeFile(results);
    process.stdout.write(`${name}: ${formatCounts(summary)}\n`);
    if (summary.failed > 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}
