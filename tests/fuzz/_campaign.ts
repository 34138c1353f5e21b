/**
 * The differential fuzzing campaign shared by `deno task fuzz` (scripts/fuzz.ts) and the CI slice
 * (tests/fuzz/differential_test.ts): per seed, generate a module with binaryen, run it on every
 * runner, compare each against native V8, and sort the outcome.
 *
 * Outcomes:
 * - `agree`: every runner's transcript matches V8's.
 * - `nan`: the module disagreed, but the same module instrumented by binaryen's `--denan` (every
 *   NaN replaced by 0 at run time) agrees: the difference came from NaN bits, whose sign and
 *   payload the spec leaves nondeterministic for arithmetic results. Kept for inspection, since
 *   a NaN-handling bug would land here too.
 * - `divergence`: a real difference; saved with a reproduction.
 * - `cut`: a run stopped early (fuel budget, call stack exhausted), or wasm-opt failed, so
 *   nothing is compared.
 *
 * @module
 */

import { generateModule, type GenerateOptions } from "./_binaryen.ts";
import {
  compareTranscripts,
  DEFAULT_FUEL,
  type Runner,
  setUpRunners,
  type Subject,
  type Transcript,
  V8Runner,
  WasmiRunner,
} from "./_diff.ts";
import { exportEverything } from "./_exports.ts";
import { seededBytes, uniform as prng } from "../_lib/prng.ts";

/** How one module ended. */
export type Verdict = "agree" | "nan" | "divergence" | "cut";

/** The result of fuzzing one seed. */
export interface CaseResult {
  seed: number;
  verdict: Verdict;
  /** The generated module (before the fuzzer's extra exports). */
  wasm: Uint8Array;
  /** wasm-opt options used besides -ttf and the features. */
  options: GenerateOptions;
  /** The difference, for `nan` and `divergence`; the reason, for `cut`. */
  detail?: string;
  /** Every runner's transcript, for `nan` and `divergence`. */
  transcripts?: Transcript[];
  /** Exported functions called (on V8), and skipped for a v128 signature. */
  calls: number;
  skipped: number;
}

/** Campaign settings. */
export interface CampaignOptions {
  /** Bytes of random input per module, drawn between these bounds. */
  minInput?: number;
  maxInput?: number;
  /** Fuel per module run for the fueled runner (the step limit of the whole comparison). */
  fuel?: number;
}

const OPTIMIZE = ["-O1", "-O2", "-Os", "-O3"];

/**
 * The runners: V8 is the reference; the tested ones run in order, the fueled one first, as it
 * cuts off a module that runs too long before V8 or an unmetered run could hang on it. A new
 * execution tier is one more entry here (with fuel off and on).
 */
export function defaultRunners(fuel = DEFAULT_FUEL): { reference: Runner; tested: Runner[] } {
  return {
    reference: new V8Runner(),
    tested: [
      new WasmiRunner({ fuel }),
      new WasmiRunner(),
      new WasmiRunner({ name: "wasmi-ts(eager)", config: { compilationMode: "eager" } }),
      // Stops at many different points: a slice of 20..519 fuel, by seed.
      new WasmiRunner({
        name: "wasmi-ts+resume",
        fuel,
        fuelSlice: (seed) => 20 + (Math.imul(seed, 7919) >>> 0) % 500,
      }),
    ],
  };
}

/** The options a seed generates its module with: most plain, some optimized by binaryen. */
export function optionsFor(seed: number): GenerateOptions {
  const rand = prng(seed ^ 0x9e3779b9);
  return rand() < 0.25 ? { optimize: OPTIMIZE[Math.floor(rand() * OPTIMIZE.length)]! } : {};
}

/** The random input for a seed. */
export function inputFor(seed: number, options: CampaignOptions = {}): Uint8Array {
  const min = options.minInput ?? 1024, max = options.maxInput ?? 16 * 1024;
  const size = min + Math.floor(prng(seed)() * (max - min + 1));
  return seededBytes(seed, size);
}

/** Runs `wasm` on the reference and every tested runner; the first difference, if any. */
export function runAll(
  wasm: Uint8Array,
  seed: number,
  runners: { reference: Runner; tested: Runner[] },
): {
  transcripts: Transcript[];
  cut?: string;
  difference?: string;
  calls: number;
  skipped: number;
} {
  const prepared = exportEverything(wasm);
  const subject: Subject = { wasm: prepared.wasm, shape: prepared.shape, seed };
  const [first, ...rest] = runners.tested;
  const transcripts: Transcript[] = [];
  const fueled = first!.run(subject);
  transcripts.push(fueled);
  const count = (t: Transcript) => ({
    calls: t.events.filter((e) => e.startsWith("call ")).length,
    skipped: t.events.filter((e) => e.startsWith("skip ")).length,
  });
  if (fueled.cut !== undefined) return { transcripts, cut: fueled.cut, ...count(fueled) };
  const reference = runners.reference.run(subject);
  transcripts.unshift(reference);
  if (reference.cut !== undefined) return { transcripts, cut: reference.cut, ...count(reference) };
  for (const runner of rest) transcripts.push(runner.run(subject));
  for (const t of transcripts.slice(1)) {
    if (t.cut !== undefined) {
      return { transcripts, cut: `${t.runner}: ${t.cut}`, ...count(reference) };
    }
    const difference = compareTranscripts(reference, t);
    if (difference !== undefined) return { transcripts, difference, ...count(reference) };
  }
  return { transcripts, ...count(reference) };
}

/** Fuzzes one seed. */
export async function fuzzSeed(
  seed: number,
  runners: { reference: Runner; tested: Runner[] },
  options: CampaignOptions = {},
): Promise<CaseResult> {
  await setUpRunners();
  const generate = optionsFor(seed);
  const input = inputFor(seed, options);
  let wasm: Uint8Array;
  try {
    wasm = await generateModule(input, generate);
  } catch (e) {
    const detail = `wasm-opt failed: ${(e as Error).message.slice(-200)}`;
    return {
      seed,
      wasm: new Uint8Array(),
      options: generate,
      verdict: "cut",
      detail,
      calls: 0,
      skipped: 0,
    };
  }
  const base = { seed, wasm, options: generate };
  const first = runAll(wasm, seed, runners);
  const stats = { calls: first.calls, skipped: first.skipped };
  if (first.cut !== undefined) return { ...base, ...stats, verdict: "cut", detail: first.cut };
  if (first.difference === undefined) return { ...base, ...stats, verdict: "agree" };
  let denanWasm: Uint8Array;
  try {
    denanWasm = await generateModule(input, { ...generate, denan: true });
  } catch (_) {
    return {
      ...base,
      ...stats,
      verdict: "divergence",
      detail: first.difference,
      transcripts: first.transcripts,
    };
  }
  const denan = runAll(denanWasm, seed, runners);
  const verdict: Verdict = denan.cut === undefined && denan.difference === undefined
    ? "nan"
    : "divergence";
  return { ...base, ...stats, verdict, detail: first.difference, transcripts: first.transcripts };
}

/** The wasm-opt command line that regenerates a seed's module (for reports). */
export function describeSeed(seed: number, options: GenerateOptions): string {
  return `seed ${seed}${options.optimize ? ` ${options.optimize}` : ""}${
    options.denan ? " --denan" : ""
  }`;
}
