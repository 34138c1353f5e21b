/**
 * Deoptimisations of the generated code, counted per call: each workload of `bench/` runs in a
 * fresh process with V8's `--trace-deopt` and `--trace-opt`, `run` called `--calls` times, and the
 * table shows, per call, its time in ms and how many times V8 threw away the optimised code of a
 * generated function (the body `wasm`, and the functions named `$...` that the generator declares
 * beside it), with the reasons summed over all calls. Counting is steadier than timing on a busy
 * machine: a deoptimisation costs little itself, but it says where V8 runs code it compiled
 * without type feedback, or runs code in a lower tier.
 *
 * ```sh
 * deno task bench:deopt [--filter xxh64,hashtab] [--calls 7] [--tier codegen|interpreter] [--tree ../main]
 * ```
 *
 * With `--tier interpreter` the executor's `run` (and `runCold`, `runWarm`) count. There the
 * column that tells most is `osr/opt`: a whole-function compile (`opt`) is used only from the
 * next entry of `run`, which is why `run` stops every so often to be entered again (`REENTER` in
 * src/engine/exec_support.ts).
 *
 * Columns: `deopts` per call (first to last); `kept` is how many of them came from an OSR code
 * object that had deoptimised before (V8 keeps OSR code whose deoptimisation happened outside the
 * outermost loop around the OSR'd loop, so it deoptimises again at every call); `osr`/`opt` are
 * the optimised compiles (on-stack and whole-function). `--tree` runs another checkout's `mod.ts`
 * (an A/B against `main` in the same machine state). The child's trace is ordered against its
 * call markers by running it under `stdbuf -oL` (V8 prints through the C library's buffered
 * stdout); where `stdbuf` is missing every deoptimisation counts for the last call.
 *
 * ## What it showed (December 2026, V8 15.0 in Deno 2.9, tier codegen, 7 calls)
 * Every workload with a loop deoptimises 1-3 times on every call once warm, always "kept":
 * xxh64 2 (one OSR code object of its first, short loop, compiled before the rest of the
 * function had run, runs the first outer iteration of the hash loop on every call and stops
 * after it), matmul 2, bytesum 2, sieve 3, i64 1, hashtab and sha512 0-1 (they reach
 * whole-function code by the 4th call); lz 47, 41, 22, then 0 (its `memset`, called many times,
 * leaves its OSR'd loop into a return path with no feedback). Each is "Insufficient type
 * feedback" at code after a loop, which had not run when V8 compiled the loop's OSR code.
 *
 * Tried twice, so that V8 drops such OSR code at that exit and recompiles it with the feedback:
 * (1) the whole body inside a loop that never repeats (`$F: for (;;) { if ($never) continue $F;
 * ...body }`), which puts every exit inside the outermost loop around the OSR'd loop; (2) a
 * loop's exit followed by straight-line code and a `return` given a copy of that code inside
 * the loop (`{ s32[fp] = r16; ...; return 11; }` in place of `break L8;`), which does it for the
 * return path alone. Both took the deoptimisations of warm calls to 0, and both made V8 compile
 * the whole function (Maglev, then TurboFan) in the 2nd-3rd call, so that the next two calls ran
 * entirely in Maglev's whole-function code, which never enters TurboFan's OSR code (Deno's V8
 * runs with `--no-always-osr-from-maglev`). Per-call ms, this tree against the change, calls 4-5,
 * 2-3 processes each: (1) i64 110-160 -> 480-875, hashtab 300-450 -> 670-930, xxh64 (calls 2-5)
 * 80-130 -> 460-720, and on top of `h/cgsimd`'s loop splitting i64 114-148 -> 477-647, hashtab
 * 337-472 -> 692-831; (2) i64 148-163 -> 716-838, bytesum 62-83 -> 481-487, sieve 131-157 ->
 * 380-393, lz 67-79 -> 322-365. Later calls equal within the noise. So these deoptimisations are
 * cheap (a frame's translation and the statements after the loop in the interpreter, once per
 * call) and keep V8 running its OSR code (apparently, time there does not count towards the
 * function's tier-up); what costs is a call run in whole-function Maglev code, which a smaller
 * function (a loop split into one of its own) leaves sooner.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadWasmiEngine } from "./_bench_engines.ts";
import { loadWorkloadBytes, WORKLOADS } from "./_bench_workloads.ts";

/** What the trace says about one call of `run`. */
export interface CallTrace {
  /** The call's time in ms (wall clock, as the child measured it). */
  ms: number;
  /** Deoptimisations of generated functions during the call. */
  deopts: number;
  /** Of those, the ones from a code object (`opt id`) that had deoptimised before. */
  kept: number;
  /**
   * Optimised compiles (Maglev or TurboFan) of generated functions completed during the call:
   * on-stack (`osr`) and whole-function (`opt`).
   */
  osr: number;
  opt: number;
  /** Deoptimisations by reason. */
  reasons: Map<string, number>;
}

/** The line the child prints before call `i`. */
const MARK = "=== bench_deopt call ";
/** The line the child prints after each call: its time. */
const TIME = "=== bench_deopt ms ";

/**
 * The functions whose deoptimisations count, by name in V8's traces: with tier `codegen`, the
 * generated body and what the generator declares beside it; with tier `interpreter`, the
 * executor's loops (`run`, and `runCold` and `runWarm` beside it).
 */
const GENERATED = /<JSFunction (wasm|\$[\w$]+|run|runCold|runWarm) /;

/**
 * Reads a child's output (V8's trace lines and its markers) into one `CallTrace` per call: a
 * deoptimisation (`[bailout (kind: ..., reason: R): begin. deoptimizing <JSFunction F ...>,
 * <Code K>, opt id N, ...`) of a generated function counts for the call whose marker precedes it,
 * and as `kept` if its `opt id` deoptimised before.
 */
export function parseTrace(text: string): CallTrace[] {
  const calls: CallTrace[] = [];
  const seen = new Set<string>();
  let current: CallTrace | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith(MARK)) {
      current = { ms: NaN, deopts: 0, kept: 0, osr: 0, opt: 0, reasons: new Map() };
      calls.push(current);
      continue;
    }
    if (line.startsWith(TIME)) {
      if (current !== null) current.ms = Number(line.slice(TIME.length));
      continue;
    }
    if (current === null || !GENERATED.test(line)) continue;
    const bailout = /\[bailout \(kind: [^,]+, reason: ([^)]*)\): begin.*opt id (\d+)/.exec(line);
    if (bailout !== null) {
      current.deopts++;
      const reason = bailout[1]!;
      current.reasons.set(reason, (current.reasons.get(reason) ?? 0) + 1);
      if (seen.has(bailout[2]!)) current.kept++;
      seen.add(bailout[2]!);
    } else if (/^\[completed compiling .*\(target (TURBOFAN|MAGLEV)/.test(line)) {
      if (/\) OSR\b/.test(line)) current.osr++;
      else current.opt++;
    }
  }
  return calls;
}

/** The child: `calls` calls of one workload, each between markers. */
async function child(name: string, calls: number, tier: string, tree: string): Promise<void> {
  const workload = WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`no workload ${name}`);
  const bytes = await loadWorkloadBytes(workload);
  const engine = await loadWasmiEngine(tree === "" ? undefined : `${tree}/mod.ts`, { tier });
  const runner = engine.instantiate(bytes, workload);
  for (let i = 0; i < calls; i++) {
    console.log(`${MARK}${i}`);
    const start = performance.now();
    runner.run(workload.size(1));
    console.log(`${TIME}${(performance.now() - start).toFixed(0)}`);
  }
}

/** Whether `stdbuf` (GNU coreutils) can make the child's C stdout line-buffered. */
async function hasStdbuf(): Promise<boolean> {
  try {
    const out = await new Deno.Command("stdbuf", { args: ["--version"], stdout: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string" },
      calls: { type: "string", default: "7" },
      tier: { type: "string", default: "codegen" },
      tree: { type: "string", default: "" },
      child: { type: "string" },
    },
  });
  const calls = Math.max(1, Math.round(Number(values.calls)));
  if (values.child !== undefined) {
    await child(values.child, calls, values.tier, values.tree);
    return 0;
  }
  const filters = values.filter?.split(",").filter((f) => f !== "") ?? [];
  const names = WORKLOADS.map((w) => w.name).filter((name) =>
    filters.length === 0 || filters.some((f) => name.includes(f))
  );
  const script = new URL(import.meta.url).pathname;
  const tree = values.tree === "" ? "" : new URL(values.tree, `file://${Deno.cwd()}/`).pathname;
  const stdbuf = await hasStdbuf();
  console.log(
    `deno ${Deno.version.deno}; ${calls} calls per process; tier ${values.tier}; ${
      tree === "" ? "this tree" : tree
    }${stdbuf ? "" : "; no stdbuf: deoptimisations not ordered by call"}\n`,
  );
  for (const name of names) {
    const args = [
      "run",
      "--allow-read",
      "--allow-env",
      "--v8-flags=--trace-deopt,--trace-opt",
      script,
      "--child",
      name,
      "--calls",
      String(calls),
      "--tier",
      values.tier,
      ...(tree === "" ? [] : ["--tree", tree]),
    ];
    const out = await new Deno.Command(stdbuf ? "stdbuf" : Deno.execPath(), {
      args: stdbuf ? ["-oL", Deno.execPath(), ...args] : args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      console.error(`${name}: ${new TextDecoder().decode(out.stderr)}`);
      return 1;
    }
    const trace = parseTrace(new TextDecoder().decode(out.stdout));
    const reasons = new Map<string, number>();
    for (const c of trace) {
      for (const [r, n] of c.reasons) reasons.set(r, (reasons.get(r) ?? 0) + n);
    }
    const sum = (f: (c: CallTrace) => number) => trace.reduce((s, c) => s + f(c), 0);
    console.log(`${name}`);
    console.log(`  ms      ${trace.map((c) => c.ms).join(" ")}`);
    console.log(
      `  deopts  ${trace.map((c) => c.deopts).join(" ")}  (total ${sum((c) => c.deopts)})`,
    );
    console.log(`  kept    ${trace.map((c) => c.kept).join(" ")}  (total ${sum((c) => c.kept)})`);
    console.log(`  osr/opt ${trace.map((c) => `${c.osr}/${c.opt}`).join(" ")}`);
    for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`    ${n}x ${r}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
