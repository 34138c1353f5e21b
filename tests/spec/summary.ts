/**
 * Counting results: per file, per command kind, and in total; the shape of the `--json` report.
 *
 * @module
 */

import type { CaseResult, NoteKind, ResultKind, Status } from "./runner.ts";

/** Counts by status (`text-only`: cases that tested only the text converters; see `Status`). */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  "text-only": number;
}

/** Counts of the informational notes, by kind. */
export type NoteCounts = Record<NoteKind, number>;

/** A failure as the report lists it. */
export interface Failure {
  readonly line: number;
  readonly kind: ResultKind;
  readonly reason: string;
}

/** The summary of one file (and, without `failures`, of the total). */
export interface Summary extends Counts {
  byKind: Partial<Record<ResultKind, Counts>>;
  notes: NoteCounts;
}

/** The summary of one file, with its failures. */
export interface FileSummary extends Summary {
  failures: Failure[];
}

/** The `--json` report. */
export interface Report {
  files: Record<string, FileSummary>;
  total: Summary;
}

function emptyCounts(): Counts {
  return { passed: 0, failed: 0, skipped: 0, "text-only": 0 };
}

function emptySummary(): Summary {
  return {
    ...emptyCounts(),
    byKind: {},
    notes: { "wasm-tools": 0, "unconvertible": 0 },
  };
}

function add(counts: Counts, status: Status, amount = 1): void {
  counts[status] += amount;
}

/** Summarises one file's results. */
export function summarizeFile(results: readonly CaseResult[]): FileSummary {
  const summary: FileSummary = { ...emptySummary(), failures: [] };
  for (const result of results) {
    add(summary, result.status);
    add(summary.byKind[result.kind] ??= emptyCounts(), result.status);
    for (const note of result.notes) summary.notes[note.kind]++;
    if (result.status === "failed") {
      summary.failures.push({ line: result.line, kind: result.kind, reason: result.reason ?? "" });
    }
  }
  return summary;
}

/** Adds up file summaries. */
export function totalOf(files: readonly Summary[]): Summary {
  const total = emptySummary();
  for (const file of files) {
    for (const status of ["passed", "failed", "skipped", "text-only"] as const) {
      add(total, status, file[status]);
      for (const [kind, counts] of Object.entries(file.byKind)) {
        add(total.byKind[kind as ResultKind] ??= emptyCounts(), status, counts[status]);
      }
    }
    for (const [kind, count] of Object.entries(file.notes)) total.notes[kind as NoteKind] += count;
  }
  return total;
}

/** `"12 passed, 0 failed, 3 skipped"`, then `", 4 text-only"` when there are any. */
export function formatCounts(counts: Counts): string {
  const textOnly = counts["text-only"] > 0 ? `, ${counts["text-only"]} text-only` : "";
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${textOnly}`;
}
