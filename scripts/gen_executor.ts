/**
 * Generates `src/engine/executor.ts`, the interpreter's dispatch loop, from the instruction rows
 * of `src/engine/isa.ts`: one `case` per instruction, labelled with its opcode as a literal
 * (V8 compiles only literal labels into a jump table), its `run` template expanded with the
 * operand addressing the loop uses (`(fp + code[(pc + k) | 0]) | 0`: the `| 0` tells V8 the sums
 * are int32, which drops an overflow check per operand).
 *
 * ```sh
 * deno task gen          # rewrite src/engine/executor.ts
 * ```
 *
 * `tests/engine/isa_test.ts` regenerates the file and fails on any difference.
 *
 * @module
 */

import {
  expandRun,
  I,
  type InstrDef,
  type InstrName,
  ISA,
  type RunSpelling,
} from "../src/engine/isa.ts";
import * as num from "../src/core/num/mod.ts";
import * as bulk from "../src/engine/bulk_ops.ts";
import * as entities from "../src/engine/entities.ts";
import * as memoryExt from "../src/engine/memory_ext.ts";
import * as simd from "../src/engine/simd.ts";
import * as simdMem from "../src/engine/simd_mem.ts";
import * as atomics from "../src/engine/atomics.ts";
import * as support from "../src/engine/exec_support.ts";
import * as exceptions from "../src/engine/exceptions.ts";
import * as gc from "../src/engine/gc.ts";

/** Where the generated file goes, relative to the repository root. */
export const EXECUTOR_PATH = "src/engine/executor.ts";

/** Modules whose functions a `run` template may call, by import path from `src/engine/`. */
const CALLABLE: readonly [string, Record<string, unknown>][] = [
  ["../core/num/mod.ts", num],
  ["./atomics.ts", atomics],
  ["./bulk_ops.ts", bulk],
  ["./entities.ts", entities],
  ["./exceptions.ts", exceptions],
  ["./gc.ts", gc],
  ["./exec_support.ts", support],
  ["./memory_ext.ts", memoryExt],
  ["./simd.ts", simd],
  ["./simd_mem.ts", simdMem],
];

/** Whether an expression may stand before `rest` without parentheses. */
function bareBefore(rest: string, safe: readonly string[]): boolean {
  return safe.some((s) => rest.startsWith(s));
}

// `(fp + x) | 0` binds looser than anything but `?:`, `,` and assignments.
const AFTER_OR = [";", "]", ")", ",", " ?", " :", "\n"];
// `pc + n` may also be followed by further additions.
const AFTER_SUM = [...AFTER_OR, " +", " -"];

/** The executor's spelling of the templates: operands read from the code at `pc`. */
export const EXECUTOR_SPELLING: RunSpelling = {
  operand(kind, word, rest) {
    const value = `code[(pc + ${word}) | 0]`;
    if (kind !== "r") return value;
    // An f64 index (`$n >> 1`) needs no `| 0`: the shift truncates.
    if (rest.startsWith(" >> 1")) return `(fp + ${value})`;
    const e = `(fp + ${value}) | 0`;
    return bareBefore(rest, AFTER_OR) ? e : `(${e})`;
  },
  next(size, rest) {
    const e = `pc + ${size}`;
    return bareBefore(rest, AFTER_SUM) ? e : `(${e})`;
  },
  opcode: (name) => String(I[name]),
};

function instrSizeOf(def: InstrDef): number {
  let n = 1;
  for (const c of def.shape) n += c === "w" ? 2 : 1;
  return n;
}

/**
 * Rows kept out of `run`'s switch, in `runCold`: V8 optimises no function over 61,440 bytes of
 * bytecode (`--max-optimized-bytecode-size`), and `run` with every row is past it (75 KB in
 * December 2026, when GC, atomics and fused rows had been added): then every instruction runs in
 * V8's bytecode interpreter, 7-15x slower (`tests/engine/executor_size_test.ts` guards the limit).
 * These rows do enough work per dispatch (allocation, bulk copies, unwinding, atomics, memories
 * other than 0) that the way there, `run` saving its state and `runCold` loading it, costs little
 * next to them, and they are rare in the code the benchmarks measure.
 * `StructNew`, `StructNewDefault` and `StructGet` stay in `run`: in GC code they are a third of
 * all dispatches (binary-trees: 3.1 M of 11.2 M), and the round trip cost more than the call
 * they make (binary-trees warm run 125 -> 91 ms, +404 bytes of `run` bytecode, December 2026;
 * `StructNewDefault` is also what a `struct.new` of zero constants becomes).
 * The wide-arithmetic rows (`I64Add128`, `I64Sub128`, `I64MulWide*`) went there to make room for
 * the fused i64 rows that `bench/xxh64.c` and `bench/sha512.c` run (their four cases were 915
 * bytes of `run`): no benchmark and few modules use that proposal. Each such instruction now
 * pays the round trip, about 11 ns if it costs what `StructNew`'s did above (not measured).
 * The generic `V128Load` is cold because the translator no longer emits it for memory 0: a
 * `V128LoadSubAt` adding 0 does its work (the fused form that `vec_bytes` runs took its room).
 * `MemoryGrow` (236 bytes of `run`) made room for SHA-2's bitwise pairs (`I64AndNot`, ...): a
 * grow costs a call and often a new buffer, far more than the round trip. `MemorySize`, the
 * v128 globals and `RefFunc` (550 bytes together) made room for `I64RotlImmOfXor` and
 * `I64SubShlImm`: none runs in a loop of any benchmark (`deno task bench --count`: at most
 * once per run), and a module rarely asks for them in one. A v128 global (`GlobalGet128`,
 * `GlobalSet128`) is one compilers do not make (C's globals live in linear memory); its room
 * also served the f32x4 load fusions and `I32MinUImm`. Each access pays the round trip: about 18 ns,
 * measured on `v128.load32_lane` and `v128.store32_lane` in a loop, which were tried there
 * first (2.3x that loop's time; they stayed in `run`).
 * `Throw` came back to `run` (322 bytes): `bench/exceptions` throws on 3 of 4 turns, and its
 * way there (`runWarm`, then `runCold`'s round trip) had V8 compile both during the first call
 * (TurboFan 27-72 ms for `runCold` alone, `--trace-opt`). First call CPU, median of 8 fresh
 * processes alternated with the tree before (load 3-9): 384 -> 248 ms (`bench:warmup` A/B,
 * 8 rounds: 297 -> 216 ms); the fastest warm call 32.2 -> 28.5 ms.
 */
const COLD =
  /^(Memory(Fill|Copy|Init|Grow|Size)|GlobalGet128|GlobalSet128|RefFunc|DataDrop|Table[A-Z]\w*|ElemDrop|ThrowRef|StructSet|Array\w+|RefI31|I31Get[SU]|RefTest|RefCast|BrOnCast(Fail)?|Atomic\w+|\w+Mem|I64(Add|Sub)128|I64MulWide[SU]|V128Load)$/;

/**
 * `run` counts fuel in its local `fuel`, read from `store.fuel` on entry: a charge is then a
 * stack slot's load and store, where the store's field cost a map check, a load, untag, tag and
 * a store (`perf annotate` of TurboFan's code for sieve's back edge, fuel on). Anything else that
 * reads or changes the store's count sees it current: before a host call, `runCold`, a row
 * charging by size (`bulkFuel`) or `outOfFuel`, the local is written back and, where that call
 * may throw, marked stale (`FUEL_OUT`: -1), then read again where `run` continues; the returns
 * that leave the count in the local (`DONE`, `TIER_UP`) write it first, and a `catch` around the
 * loop writes it (unless stale) before throwing a trap on, so a trap leaves the fuel it left
 * before. Fuel off, the local holds 0 throughout. Measured (CPU, A/B in one process, calls
 * alternated, min / median of 8 after 3 warm-ups, loaded 2-core machine; `run` bytecode the same):
 * fuel on, new/old: sieve 1.004/0.960 and 0.984/0.963, bytesum 0.957/0.961, fib 0.933/0.986,
 * calls 0.948/0.936, vec_bytes_scalar 0.931/1.039; fuel off fib 1.005/1.002 (the `catch` costs
 * call-heavy code nothing measurable).
 */
const FUEL_OUT = "store.fuel = fuel;\nfuel = -1;";

/** Whether `def`'s case lives in `runCold` rather than `run`. */
export function isCold(def: InstrDef): boolean {
  return COLD.test(def.name);
}

/**
 * Rows kept out of `run`'s switch, in `runWarm`: a function that runs one instruction over the
 * few locals it is given (`WARM_LOCALS`) and returns the next pc, so that the way there is one
 * call, not `runCold`'s round trip (which saves `run`'s state to the stack and loads it all
 * again). Only rows that use no more of the state than those locals and set no local but `pc`
 * can go there (`warmable`; the generator refuses others). They are SIMD rows that no workload
 * of `deno task bench --count` runs even once (`Select128`, the lane loads and stores, `f64x2`
 * arithmetic, `i32x4` shifts ...): moving them took `run` from 61,277 to 56,492 bytes of
 * bytecode (December 2026), room for rows that the benchmarks do run. Each such instruction
 * pays the call: `i32x4.shl` in a loop of four and a counter, CPU time per `i32x4.shl` (minimum
 * of 15 runs): 5.7 ns in `run`, 10.4 ns in `runWarm`, 12.2 ns in `runCold`; `v128.xor` 6.3 ns
 * in `run`, 10.5 ns in `runWarm`.
 */
const WARM =
  /^(Select128|V128(LoadLane|StoreLane|ReplaceLane|ExtractLane|Ternary|Andnot|Or|Xor|Not|AnyTrue)|F32x4(MaxMin|Sub|Mul|Div|Min|Max)|F64x2(Add|Sub|Mul|Div)|I8x16(Shl|ShrU|Eq|Sub)|I16x8(ShrS|Sub|Mul|ShlImm|ShrUImm)|I32x4(Shl|ShrS|ShrU))$/;

/**
 * Rows that `runCore` has too: a second loop over the control flow, calls, fuel rows and i32
 * arithmetic and memory access alone, which `runSteady` runs until the engine's code reaches
 * any other row of `run` (a warm row included), and `run` from then on, for good (`WIDEN`). It
 * is for V8, not for speed: the time V8 takes to compile a loop grows with its cases, executed or
 * not, and a first call spends it. Code that needs no more than these rows (C's integer code,
 * `bench/exceptions`, fib, bytesum, lz) has V8 compile 25,421 bytes of bytecode instead of
 * `run`'s 61,216. Measured (December 2026, loaded 2-core machine):
 * - `bench:warmup --tier interpreter --rounds 8 --filter exceptions,vec_bytes,xxh64,lz
 *   --tree <before>` (8 processes each, alternated, load 5-8), median of the processes, this
 *   tree / before: `exceptions` first call's CPU 166 / 239 ms, wall first/warm 3.24x / 4.10x;
 *   `lz` (i32 code too) CPU 673 / 893 ms, wall 2.44x / 2.33x; `vec_bytes_scalar` 637 / 859
 *   ms, 2.81x / 2.71x; warm calls no slower (`exceptions` 30.4 / 40.7 ms, `lz` 203 / 280);
 * - V8 compiling in the main thread (`--no-concurrent-recompilation --no-concurrent-osr`, 6
 *   processes alternated, load 4, a core of 23,787 bytes): Maglev's OSR compile 10-16 ms
 *   instead of 25-117, TurboFan's 25-48 ms instead of 67-118.
 * A `run` without its v128 rows alone (54,632 bytes, the rest of `run` as it was) measured no
 * faster there (8 processes alternated, load 5: Maglev 35-126 ms against 28-66, TurboFan 69-166
 * against 63-355): the loop must leave out the i64, float, GC and SIMD rows together to be small.
 * `run` keeps every row, so code that widens runs as it did, once there; code that widens late
 * has V8 compile both loops (`vec_bytes`, which needs `run` from its first SIMD row: first
 * call's CPU 524 / 620 ms, wall 3.65x / 2.75x in the measurement above, the wall figures
 * swinging 1.5-5.6x between processes; `xxh64` 555 / 719 ms, 2.19x / 2.85x).
 */
const CORE =
  /^(Unreachable|Nop|Br|BrIf(Nez|Eqz)|BrIfI32\w+|BrTable|Return|Call|ReturnCall|ConsumeFuel|TierUp|Throw|\w+(Pay|Arms)|Copy[24]?|Const(I32|I64)|Select|Global(Get|Set)|I32(?!Trunc)[A-Z]\w*)$/;

/** Whether `def`'s case is in `runCore` too (it is in `run`, and neither cold nor warm). */
export function isCore(def: InstrDef): boolean {
  return CORE.test(def.name) && !isCold(def) && !isWarm(def);
}

/** The locals of `run` that `runWarm` receives, in its parameter order, with their types. */
const WARM_LOCALS: readonly [string, string][] = [
  ["code", "Int32Array"],
  ["pc", "number"],
  ["fp", "number"],
  ["s32", "Int32Array"],
  ["f32", "Float32Array"],
  ["f64", "Float64Array"],
  ["mview", "DataView"],
  ["memLen", "number"],
];

/** `run`'s state that a warm row may not name (it is not passed to `runWarm`). */
const NOT_WARM_STATE =
  /(?<![.\w])(depth|frames|funcs|inst|globals|mem|store|st|compiler|bulkFuel|baseDepth|fuel)\b/;

/** Whether `def`'s case lives in `runWarm` rather than `run`. */
export function isWarm(def: InstrDef): boolean {
  return WARM.test(def.name);
}

/**
 * Whether `def` can run in `runWarm`: its case names none of `run`'s other state, assigns no
 * local but `pc`, and does not leave the loop with a status.
 */
export function warmable(def: InstrDef): boolean {
  const body = expandRun(def, EXECUTOR_SPELLING);
  const assignsOther = WARM_LOCALS.some(([name]) =>
    name !== "pc" && new RegExp(`(?<![.\\w])${name} =[^=]`).test(body)
  );
  return !NOT_WARM_STATE.test(body) && !assignsOther && !/^\s*return\b/m.test(body) &&
    ISA.every((d) => d.caseOf !== def.name);
}

/** The `case` clause(s) of one instruction and those sharing its `run`. */
function caseOf(def: InstrDef): string {
  const defs = [def, ...ISA.filter((d) => d.caseOf === def.name)];
  let body = expandRun(def, EXECUTOR_SPELLING);
  if (REENTER_ROWS.test(def.name)) body = REENTER_CHECK + body;
  if (FED_EXIT_ROWS.test(def.name)) body = fedExit(def.name, body);
  if (REENTER_BACK_ROWS.test(def.name)) body = countedBackward(def.name, body);
  if (!def.jumps) body += `\npc = (pc + ${instrSizeOf(def)}) | 0;`;
  if (!isCold(def) && /\bbulkFuel\b/.test(body)) {
    // It charges the store by size (see `FUEL_OUT`): the count goes there first, and comes back
    // wherever the row continues in `run`.
    const resumes = body.replace(/^(\s*)break;/gm, "$1fuel = store.fuel;\n$1break;");
    body = `${FUEL_OUT}\n${resumes}\nfuel = store.fuel;`;
  }
  const last = body.trimEnd().split("\n").at(-1)!.trim();
  const ends = /^(return|throw)\b/.test(last);
  if (!ends) body += "\nbreak;";
  // A block scopes the `const`s of one case.
  const block = /^(const|let) /m.test(body);
  const labels = defs.map((d, i) =>
    `      case ${I[d.name as InstrName]}:${
      block && i === defs.length - 1 ? " {" : ""
    } // ${d.name}`
  );
  const lines = body.split("\n").map((l) => (l === "" ? "" : "        " + l));
  return `${labels.join("\n")}\n${lines.join("\n")}${block ? "\n      }" : ""}`;
}

/** Types the loop itself names, by import path. */
const TYPES: Readonly<Record<string, readonly string[]>> = {
  "./entities.ts": ["FuncEntity", "MemoryEntity", "StoreInner"],
};

/** Imports of the names `source` uses from the `CALLABLE` modules (and the loop's types). */
function importsOf(source: string): string {
  const out: string[] = [];
  for (const [path, module] of CALLABLE) {
    const types = TYPES[path] ?? [];
    const used = Object.keys(module).filter((name) =>
      !types.includes(name) && new RegExp(`\\b${name}\\b`).test(source)
    );
    const names = [...used, ...types.map((t) => `type ${t}`)]
      .sort((a, b) => {
        const [x, y] = [
          a.replace(/^type /, "").toLowerCase(),
          b.replace(/^type /, "").toLowerCase(),
        ];
        return x < y ? -1 : x > y ? 1 : 0;
      });
    if (names.length > 0) out.push(`import { ${names.join(", ")} } from "${path}";`);
  }
  return out.join("\n");
}

const HEADER =
  `// Generated by scripts/gen_executor.ts from the rows of src/engine/isa.ts: do not edit.
// Change an instruction's row, then run \`deno task gen\`.

/**
 * The executor: one synchronous dispatch loop over the internal code (\`isa.ts\`).
 *
 * The hot state (pc, frame base, code, the value-stack views, the current instance's globals and
 * memory view) lives in local variables; it is written back to the \`ExecStack\` only on calls,
 * returns, host calls and traps. Wasm→Wasm calls push a frame on the explicit call stack and
 * never recurse into JavaScript; the callee's frame starts at the caller's first argument slot,
 * so arguments are never copied and results land where the caller expects them.
 *
 * Each \`case\` is an instruction's row of \`isa.ts\`, labelled with its opcode as a literal (V8
 * compiles only literal labels into a jump table). Index arithmetic is written
 * \`(fp + code[(pc + 1) | 0]) | 0\`: the \`| 0\` tells V8 the sums are int32, which drops an
 * overflow check per operand (measured: 15-25% on tight loops).
 *
 * \`run\` stops without finishing when a fuel charge cannot be paid or a host function returns a
 * Promise; the stack then holds everything needed to continue (\`RunStatus\`). Fuel is counted in
 * \`run\`'s local \`fuel\` (\`ConsumeFuel\` starts each fuel segment), written back to \`store.fuel\`
 * wherever anything else may read or change it (\`FUEL_OUT\` in scripts/gen_executor.ts).
 *
 * @module
 */

`;

const RUN_HEAD = `
export { type Compiler, DONE, HOST_AWAIT, OUT_OF_FUEL, type RunStatus } from "./exec_support.ts";

/**
 * Runs the frame \`st.depth\` of \`st\` (set up by the caller: frame base, pc and function) until
 * the frame at \`baseDepth\` returns (\`DONE\`: its results are then in the first slots of its
 * frame), or until it must stop (\`OUT_OF_FUEL\`, \`HOST_AWAIT\`, \`REENTER\`; calling \`run\` again
 * continues).
 * Throws \`Trap\`s (and host errors) with \`st.depth\` naming the frame that was executing: the loop
 * keeps \`st.depth\` current on every call and return rather than catching. Its one \`catch\` only
 * writes the local fuel count back and throws on (see \`FUEL_OUT\` in scripts/gen_executor.ts).
 */
export function run(
  compiler: Compiler,
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
): RunStatus {
  const bulkFuel = compiler.bulkFuel;
  let depth = st.depth;
  let frames = st.frames;
  const funcs = st.funcs;
  let fp = frames[2 * depth]!;
  let pc = frames[2 * depth + 1]!;
  let code = funcs[depth]!.compiled!.code;
  let inst = funcs[depth]!.instance;
  let globals = inst.globals;
  let mem: MemoryEntity | null = inst.memories[0] ?? null;
  let mview = mem !== null ? mem.view : EMPTY_VIEW;
  let memLen = mview.byteLength;
  let s32 = st.s32;
  let f32 = st.f32;
  let f64 = st.f64;
  let fuel = store.fuel;
  for (;;) {
    switch (code[pc]) {
`;

/**
 * Rows that count towards `run` stopping to be entered again (see `REENTER` in exec_support.ts):
 * the call, the unconditional branch, and the back edges of counted loops (a counter's step fused
 * with its test, in the forms the translator gives a loop that counts up or to an end: the
 * inverted forms mostly leave loops). Each count costs the row a context
 * variable's load, decrement and store (about 11 bytes of bytecode each; `run` 59,969 -> 60,214)
 * and a warm workload's loop that much time: CPU time, this tree against the one before, both in
 * one process, calls alternated, minimum of 8 after 4 warm-ups, both orders: bytesum (a
 * three-instruction loop, every turn counted) 1.075 and 1.074, sieve 1.09 and 0.97, xxh64 1.015
 * and 1.013, and with `Br` and `Call` alone counted: fib 1.03, calls 1.03, loop 1.01-1.06.
 * It buys whole-function TurboFan code two calls earlier (see `REENTER`): i64's median of calls
 * 1-5 in one process 1,226 -> 713 ms, xxh64's 957 -> 691 ms.
 * A loop closed by a plain conditional branch (`BrIfI32LtU` ...) counts through
 * `REENTER_BACK_ROWS`; one closed by a branch in neither list and calling nothing keeps the code
 * its call entered until a counted row runs.
 */
const REENTER_ROWS = /^(Br|Call|I32AddImmBrIf(LtU|LeU|Ne)(Imm)?|I32AddBrIfLtU)$/;

/**
 * Counts a `REENTER_ROWS` row, and leaves the loop (to `REENTER_EXIT`) before it, at pc, every
 * `REENTER_TICKS` times. The count is a module variable, not a local of `run`: one more local
 * carried around the loop made `run` 10-17% slower (CPU time of sieve, sha512 and matmul when it
 * was counted on every dispatch; a local counted on `Br` and `Call` only cost up to 6%).
 * Other spellings of the count measured no cheaper (CPU time of the fastest of 6 calls after 3
 * warm-ups, separate processes alternated, best of 3-4, scale 0.5; against this spelling): a
 * module `var` (no TDZ check) bytesum 1.00, sieve 1.05, sha512 0.99; an `Int32Array(1)` 1.00,
 * 0.99, 0.99; a field of `st` 1.00, 1.00, 0.99. Counting nothing: 0.93, 0.94, 0.95.
 */
const REENTER_CHECK = "if (--ticks < 0) break steady;\n";

/**
 * Conditional branches that count towards `run` stopping to be entered again when they jump
 * backwards (a loop's back edge): the loops that no fused counted row closes (`BrIfI32LtU` in
 * matmul ...). A forward branch (an `if`, a loop's exit) is not counted: one compare, and only
 * when it is taken. About 50 bytes of `run`'s bytecode each (8 rows: 60,214 -> 60,614); the
 * rows of `BrIfI32GtU`/`GtS`/`Eq` ... are left out to stay within the executor's size limit.
 * A call of 10^8 turns of a loop closed by `BrIfI32LtU` (reenter_test.ts's `BACK`, one process,
 * `%GetOptimizationStatus(run)` at each call's start, calls 0-5): `I I I I I T` before, calls
 * 1-5 23.8-26.5 s; counted, `I I T T T T`, 16.7-17.5 s. Cost, CPU time of the fastest of 6 calls
 * after 3 warm-ups, separate processes alternated, best of 3 (scale 0.5, load 15): matmul (whose
 * inner loop is closed so, its outer ones already counted) 1.06, lz (forward branches) 1.01.
 */
const REENTER_BACK_ROWS = /^BrIf(Nez|Eqz|I32(Ne|LtU|LtS)(Imm)?)$/;

/**
 * `body` of the conditional branch `name` (\`pc = cond ? target : next;\`) counting a backward
 * jump, and leaving the loop before it (at pc: a branch changes nothing else) every \`REENTER_TICKS\` counted rows.
 */
function countedBackward(name: string, body: string): string {
  const m = /^pc = (.*) \? (code\[\(pc \+ \d+\) \| 0\]) : (pc \+ \d+);$/.exec(body.trim());
  if (m === null) throw new Error(`${name}: not a conditional branch: ${body}`);
  const [, cond, target, next] = m;
  return `if (${cond}) {
  if (${target} < pc && --ticks < 0) break steady;
  pc = ${target};
} else {
  pc = ${next};
}`;
}

/**
 * Counted loops' back edges whose fall-through (the loop's exit) gets its pc before the test
 * (`fedExit`), so that the add has type feedback from the first turn on. Spelled in the branch,
 * the exit's `pc + n` first ran when the loop ended, after V8 had optimised `run` in the
 * first call: the optimised code deoptimised there ("Insufficient type feedback for binary
 * operation", `--trace-deopt`) and the next calls ran while V8 compiled `run` again (Maglev and
 * TurboFan; bench/exceptions' calls 2-4 ran 2-6x slower than call 6). 60 bytes of `run`; on
 * the taken path, V8 drops the unused add.
 */
const FED_EXIT_ROWS = /^(I32AddImmBrIf(LtU|LeU|Ne)(Imm)?|I32AddBrIfLtU)$/;

/**
 * `body` of the conditional branch `name` (`pc = cond ? target : pc + n;`) with the
 * next pc computed in `v` before the test.
 */
function fedExit(name: string, body: string): string {
  const m = /^([\s\S]*?)pc = ([\s\S]*) \? (code\[\(pc \+ \d+\) \| 0\]) : (pc \+ \d+);$/.exec(
    body.trim(),
  );
  if (m === null || /\bv\b/.test(body)) {
    throw new Error(`${name}: not a conditional branch: ${body}`);
  }
  const [, prelude, cond, target, next] = m;
  return `${prelude}v = (${next}) | 0;\npc = ${cond} ? ${target} : v;`;
}

/** Where `REENTER_CHECK` leaves the loop: the state saved, `run` returns `REENTER`. */
const REENTER_EXIT = `    frames[2 * depth + 1] = pc;
    st.depth = depth;
    store.fuel = fuel;
    return REENTER;
`;

/** `run` continued at once whenever it stops to be entered again. */
const RUN_STEADY = `
/**
 * What is left of \`run\`'s count towards stopping to be entered again (\`REENTER_CHECK\`). One for
 * all calls of \`run\`: a nested one (a host function calling Wasm) starts it again, and the call
 * it returns to then stops sooner or later than it would have, which changes nothing it computes.
 */
let ticks = 0;

/**
 * Runs as \`run\` does, calling it again whenever it returns \`REENTER\`: V8 gives a function new
 * code (Maglev's, then TurboFan's, see \`REENTER\` in exec_support.ts) only where it is entered,
 * so a long call of \`run\` would keep the code it was entered with until it returns.
 * It runs \`runCore\` until the engine's code first reaches a row \`runCore\` lacks (\`WIDEN\`), and
 * \`run\` from then on (\`Compiler.wideLoop\`): V8 then compiles no more than the two loops, and
 * code that needs \`run\` never pays a way back and forth between them.
 */
export function runSteady(
  compiler: Compiler,
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
): RunStatus {
  for (;;) {
%COUNT%    const status = compiler.wideLoop
      ? run(compiler, store, st, baseDepth)
      : runCore(compiler, store, st, baseDepth);
    if (status === REENTER) continue;
    if (status !== WIDEN) return status;
    if (compiler.wideLoop) {
      const depth = st.depth;
      const pc = st.frames[2 * depth + 1]!;
      throw new Error(\`Bad internal opcode \${st.funcs[depth]!.compiled!.code[pc]} at \${pc}\`);
    }
    compiler.wideLoop = true;
  }
}
`;

/**
 * `run`'s state loaded again from the stack, as its prologue first loads it: every `let` of
 * `RUN_HEAD` as an assignment (after `runCold` has moved the pc, the frame or the memory).
 */
const RELOAD_STATE = RUN_HEAD.split("\n").flatMap((line) => {
  const m = /^ {2}let (\w+)(?::[^=]+)? = (.*)$/.exec(line);
  return m === null ? [] : [`        ${m[1]} = ${m[2]}`];
}).join("\n");

const RUN_TAIL = `
      default: {
%WARM_CALL%        // A cold row (\`isCold\`): \`runCold\` runs it, and those after it, from the saved state.
        frames[2 * depth + 1] = pc;
        st.depth = depth;
        ${FUEL_OUT.replaceAll("\n", "\n        ")}
        const status = runCold(compiler, store, st, baseDepth);
        if (status !== HOT) return status;
${RELOAD_STATE}
        break;
      }
    }
  }
}
`;

/**
 * `run`'s call of `runWarm` (in its default case) with the arguments `locals`. The `| 0` keeps
 * `pc` an int32 for TurboFan: assigned a call's result as it is, `pc` became a number of any
 * kind in the whole loop, and every operand read with it slower (sieve, bytesum and matmul
 * 13-18% more CPU time, though none of them runs a warm row).
 */
function warmCall(locals: readonly (readonly [string, string])[]): string {
  return `        // A warm row (\`isWarm\`): one call runs it.
        const next = runWarm(${locals.map(([name]) => name).join(", ")});
        if (next >= 0) {
          pc = next | 0;
          break;
        }
`;
}

/** `WARM_LOCALS` that `body` (the warm cases) names. */
function warmLocals(body: string): (readonly [string, string])[] {
  return WARM_LOCALS.filter(([name]) => new RegExp(`(?<![.\\w])${name}\\b`).test(body));
}

/** The head of `runWarm`, up to its `switch`, with the parameters `locals`. */
function warmHead(locals: readonly (readonly [string, string])[]): string {
  return `
/**
 * Runs the instruction at \`pc\` if it is a warm row (\`isWarm\` in scripts/gen_executor.ts),
 * with \`run\`'s locals of the same names, and returns the pc of the next; returns -1 for any
 * other row. Traps are thrown as \`run\`'s rows throw them.
 */
function runWarm(
${locals.map(([name, type]) => `  ${name}: ${type},`).join("\n")}
): number {
  switch (code[pc]) {
`;
}

const WARM_TAIL = `
    default:
      return -1;
  }
  return pc;
}
`;

/** \`runCold\`: the same loop over the cold rows, back to \`run\` at the first other one. */
const COLD_HEAD = RUN_HEAD
  .replace(/^export \{[^\n]*\n/m, "")
  .replace(
    /\/\*\*[\s\S]*?\*\/\nexport function run\(/,
    `/**
 * Runs the cold rows (\`isCold\` in scripts/gen_executor.ts) from the state \`run\` saved,
 * until the next instruction is one of \`run\`'s: saves the state again and returns \`HOT\`.
 * Any other status ends the call as \`run\`'s would.
 */
function runCold(`,
  );

/** `runCore`: `run`'s loop over the rows of `CORE` alone. */
const CORE_HEAD = RUN_HEAD
  .replace(/^export \{[^\n]*\n/m, "")
  .replace(
    /\/\*\*[\s\S]*?\*\/\nexport function run\(/,
    `/**
 * Runs as \`run\` does, over the rows of \`CORE\` in scripts/gen_executor.ts (and the cold rows,
 * through \`runCold\`), until the next instruction is another row of \`run\`: then saves the
 * state and returns \`WIDEN\` (\`run\` continues there). A loop of fewer cases, which V8
 * compiles in a third of \`run\`'s time (see \`CORE\`).
 */
export function runCore(`,
  );

/** The start of `runCold`'s loop: it returns `WIDEN` if its first row is not one of its own. */
const COLD_ENTRY =
  "  let first = true;\n  for (;;) {\n    const entry = first;\n    first = false;";

const COLD_TAIL = `
      default:
        // A row of \`run\` reached from \`runCore\`, or an opcode no loop knows (see \`runSteady\`).
        if (entry) return WIDEN;
        frames[2 * depth + 1] = pc;
        st.depth = depth;
        return HOT;
    }
  }
}
`;

/**
 * The name under which an instrumented executor (`generateExecutorSource({ count: true })`)
 * publishes its dispatch counts on `globalThis`: a `Float64Array` indexed by opcode (a double
 * counts exactly past 2^32 dispatches).
 */
export const DISPATCH_COUNTS_GLOBAL = "__wasmiDispatchCounts";

/**
 * Where the instrumented executor publishes its counts of consecutive pairs: a `Float64Array`
 * indexed by `previous * ISA.length + opcode` (the candidates for fusing two instructions).
 */
export const DISPATCH_PAIRS_GLOBAL = "__wasmiDispatchPairs";

/** Options of `generateExecutorSource`. */
export interface GenerateOptions {
  /**
   * Count every dispatch by opcode (into `globalThis[DISPATCH_COUNTS_GLOBAL]`). Only for
   * `deno task bench --count`, which runs such a build from a temporary copy of `src/`; the
   * executor in the repository never counts.
   */
  count?: boolean;
}

/**
 * `head`'s locals as `body` needs them: those it never names left out, those it never assigns
 * made `const`, those it only assigns marked for the linter (the cold loop's rows use few of the
 * state `run` keeps).
 */
function trimLocals(head: string, body: string): string {
  return head.split("\n").flatMap((line) => {
    const m = /^ {2}(let|const) (\w+)\b/.exec(line);
    if (m === null) return [line];
    const name = m[2]!;
    const uses = body.match(new RegExp(`(?<![.\\w])${name}\\b`, "g"))?.length ?? 0;
    if (uses === 0) return [];
    if (m[1] === "const") return [line];
    const assigns = body.match(new RegExp(`(?<![.\\w])${name} =[^=]`, "g"))?.length ?? 0;
    if (assigns === 0) return [line.replace("  let ", "  const ")];
    // Kept current for the rows that switch instances, though no cold row reads it.
    return uses === assigns ? ["  // deno-lint-ignore no-unused-vars", line] : [line];
  }).join("\n");
}

/**
 * `body` without its assignments to the locals of `RUN_HEAD` that it never reads (`runCore`'s
 * reload of `f32` and `f64` after `runCold`: none of its rows reads them), which `trimLocals`
 * then leaves undeclared.
 */
function unreadDropped(body: string): string {
  let out = body;
  for (const [, name] of RUN_HEAD.matchAll(/^ {2}let (\w+)\b/gm)) {
    const uses = out.match(new RegExp(`(?<![.\\w])${name}\\b`, "g"))?.length ?? 0;
    const assigns = new RegExp(`^\\s*${name} = [^\\n]*;\\n`, "gm");
    if (uses === (out.match(assigns)?.length ?? 0)) out = out.replace(assigns, "");
  }
  return out;
}

/**
 * The numeric scratch names the rows of `run` declare (`const ea = ...` in a case), declared once
 * for the whole loop instead. V8 gives every block-scoped `const` of a function a register of
 * its own, never shared with a sibling case's: `run` had 126 registers for 111 declared names
 * (most of them the cases' `const`s), and an operand naming register 128 or above takes a wide
 * (longer) bytecode. One more `const` in a row cost 450 bytes of `run`'s bytecode, a row with
 * two 1,250 (measured with `tests/engine/executor_size_test.ts`); with these shared, `run` has
 * 60 registers, a new row's scratch costs nothing extra, and TurboFan's SSA form sees the same
 * values either way.
 */
const SCRATCH = ["ea", "d", "x", "a", "v"];
/** The declaration of the scratch names that `body` uses. */
function scratchDecl(body: string): string {
  const used = SCRATCH.filter((n) => new RegExp(`(?<![.\\w])${n} =[^=]`).test(body));
  return `  // Scratch values of the cases (see \`SCRATCH\` in scripts/gen_executor.ts).
  let ${used.map((n) => `${n} = 0`).join(", ")};`;
}
const SCRATCH_CONST = new RegExp(`^(\\s*)const ((?:${SCRATCH.join("|")}) = )`, "gm");

/** A case of `run` with its `const` scratch declarations as assignments (see `SCRATCH`). */
function hoistScratch(text: string): string {
  return text.replace(SCRATCH_CONST, "$1$2");
}

/** The source of `executor.ts`, unformatted. */
export function generateExecutorSource(options: GenerateOptions = {}): string {
  const owners = ISA.filter((d) => d.caseOf === null);
  for (const def of owners.filter(isWarm)) {
    if (isCold(def)) throw new Error(`${def.name} is both warm and cold`);
    if (!warmable(def)) throw new Error(`${def.name} cannot run in runWarm (see warmable)`);
  }
  const cases = owners.filter((d) => !isCold(d) && !isWarm(d)).map((d) => hoistScratch(caseOf(d)));
  const coldCases = owners.filter(isCold).map(caseOf);
  const warmCases = owners.filter(isWarm).map(caseOf);
  const counted = (head: string) =>
    options.count
      ? head
        .replace("  for (;;) {", "  let previous = 0;\n  for (;;) {")
        .replace(
          "switch (code[pc])",
          "DISPATCH_COUNTS[code[pc]]++;\n" +
            `    DISPATCH_PAIRS[previous * ${ISA.length} + code[pc]]++;\n` +
            "    previous = code[pc];\n    switch (code[pc])",
        )
      : head;
  // A cold row is counted where it runs, once: `run` counts the row it hands to `runCold` (the
  // entry), and a hot row `runCold` hands back; `runCold` counts only the cold rows after its
  // entry.
  const countedCold = (head: string) =>
    options.count
      ? head
        .replace("  for (;;) {", "  let previous = code[pc];\n  for (;;) {")
        .replace(
          "switch (code[pc])",
          `if (!entry && COLD_OPS[code[pc]] === 1) {\n` +
            "      DISPATCH_COUNTS[code[pc]]++;\n" +
            `      DISPATCH_PAIRS[previous * ${ISA.length} + code[pc]]++;\n` +
            "    }\n    previous = code[pc];\n    switch (code[pc])",
        )
      : head;
  const coldBody = coldCases.join("\n") + COLD_TAIL;
  const loopHead = (text: string, body: string, count = (h: string) => h) =>
    count(trimLocals(text, body)).replace(
      "  for (;;) {",
      `${scratchDecl(body)}\n  ticks = REENTER_TICKS;\n  try {\n  steady: for (;;) {`,
    );
  const warmBody = warmCases.join("\n");
  const locals = warmLocals(warmBody);
  const loopTail = (warm: string) =>
    RUN_TAIL.replace("%WARM_CALL%", warm)
      .replace(/ {2}}\n}\n$/, `  }\n${REENTER_EXIT}}\n`)
      .replace(
        /}\n$/,
        "} catch (e) {\n    if (fuel >= 0) store.fuel = fuel;\n    throw e;\n  }\n}\n",
      );
  const runBody = cases.join("\n") +
    loopTail(warmCases.length === 0 ? "" : warmCall(locals));
  // Every other opcode labels `runCore`'s default clause: with its cases alone (about 210 of
  // the 465 opcodes, spread over all of them) V8 compiled its switch to a chain of compares, not
  // a jump table (\`--print-bytecode\`: \`TestEqualStrict\` per case, no \`SwitchOnSmiNoFeedback\`),
  // and sieve ran 9% slower, bytesum 14%, than in \`run\`.
  const coreOps = new Set(
    ISA.filter((d) => isCore(ISA.find((o) => o.name === (d.caseOf ?? d.name))!)).map((d) =>
      I[d.name as InstrName]
    ),
  );
  const others = ISA.map((d) => I[d.name as InstrName]).filter((op) => !coreOps.has(op));
  const coreBody = unreadDropped(
    owners.filter(isCore).map((d) => hoistScratch(caseOf(d))).join("\n") +
      loopTail("").replace(
        "      default: {",
        others.map((op) => `      case ${op}:\n`).join("") + "      default: {",
      ),
  );
  const loop = loopHead(RUN_HEAD, runBody, counted) + runBody + "\n" +
    loopHead(CORE_HEAD, coreBody) + coreBody + "\n" +
    countedCold(trimLocals(COLD_HEAD, coldBody).replace("  for (;;) {", COLD_ENTRY)) + coldBody +
    (warmCases.length === 0 ? "" : warmHead(locals) + warmBody + WARM_TAIL);
  const counts = options.count
    ? `\nconst DISPATCH_COUNTS = new Float64Array(${ISA.length});\n` +
      `(globalThis as Record<string, unknown>).${DISPATCH_COUNTS_GLOBAL} = DISPATCH_COUNTS;\n` +
      `const DISPATCH_PAIRS = new Float64Array(${ISA.length * ISA.length});\n` +
      `(globalThis as Record<string, unknown>).${DISPATCH_PAIRS_GLOBAL} = DISPATCH_PAIRS;\n` +
      `const COLD_OPS = new Uint8Array([${
        ISA.map((d) => isCold(ISA.find((o) => o.name === (d.caseOf ?? d.name))!) ? 1 : 0).join(", ")
      }]);\n`
    : "";
  const imports = [
    `import { TrapCode } from "../core/trap.ts";`,
    // What the loop names in its code: not in its re-export line or its comments.
    importsOf(loop.replace(/^export \{[^\n]*\n/m, "").replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "")),
    `import type { ExecStack } from "./stack.ts";`,
    `import type { Compiler, RunStatus } from "./exec_support.ts";`,
  ].join("\n");
  const hot = "\n/** `runCold`'s status: continue in `run` from the saved state. */\n" +
    "const HOT: RunStatus = -1;\n" +
    "\n/** `runCore`'s status: continue in `run` from the saved state (see `runSteady`). */\n" +
    "export const WIDEN: RunStatus = -2;\n";
  // An instrumented executor runs `run` alone: `runCore` would count the row it widens at twice.
  const steady = RUN_STEADY.replace(
    "%COUNT%",
    options.count ? "    compiler.wideLoop = true;\n" : "",
  );
  return HEADER + imports + "\n" + counts + hot + steady + loop;
}

/** `source` as `deno fmt` formats it with the repository's settings. */
async function formatted(source: string): Promise<string> {
  const fmt = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    cwd: new URL("..", import.meta.url).pathname, // for deno.json's settings
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { success, stdout, stderr } = await fmt.output();
  if (!success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}

/**
 * The formatted source of `executor.ts` (formatted by `deno fmt`, as the repository is). One
 * pass does not always settle: a long expression substituted deep inside the loop can be wrapped
 * again by a second pass, so it is formatted until `deno fmt --check` would accept it.
 */
export async function generateExecutor(): Promise<string> {
  let source = await formatted(generateExecutorSource());
  for (let pass = 0; pass < 3; pass++) {
    const again = await formatted(source);
    if (again === source) return source;
    source = again;
  }
  throw new Error("deno fmt does not settle on the generated executor");
}

if (import.meta.main) {
  const path = new URL(`../${EXECUTOR_PATH}`, import.meta.url);
  Deno.writeTextFileSync(path, await generateExecutor());
  console.log(`wrote ${EXECUTOR_PATH} (${ISA.length} instructions)`);
}
