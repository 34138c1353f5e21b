/**
 * The second execution tier: a function's internal code (`isa.ts`, the same validated, fused
 * register code the interpreter runs) turned into one JavaScript function by `new Function`.
 *
 * ## Same frames, same stops
 * A generated function runs one frame of an `ExecStack`, exactly as the interpreter would: its
 * slots are the same words of the same value stack (`s32[fp + r]`), its operands are the code's
 * words written in as numeric literals. It starts at the pc saved in its frame and returns to
 * the driver (`runTiered`) to call a Wasm function (after pushing the callee's frame as the
 * interpreter does, with the same `StackOverflow` checks) or to return. So Wasm→Wasm calls never
 * nest on the JS stack (recursion is bounded only by `Config`), and at every point where a call
 * can stop (a fuel charge that cannot be paid, a host function that throws or returns a
 * Promise) the frame holds what the interpreter holds: either tier can continue it.
 *
 * The body is a `switch (pc)` inside a loop, with a `case` at each place control can enter:
 * the start, branch targets, the instruction after a call, each `ConsumeFuel`, and each
 * instruction whose template stops or retries itself (bulk operations, growth). Straight-line
 * code between them is the rows' own `run` templates, spelled with constant operands, so every
 * instruction behaves (traps, NaN bits, fuel) exactly as in the interpreter.
 *
 * Slots used only as whole i32 words (`s32[fp + k]` read or assigned, nothing else) live in JS
 * locals between the points where the value stack must be current: they are written back before
 * a call (whose callee may stop, or whose host function deeper down may throw and be resumed),
 * before a fuel stop and before the instructions that may stop or retry, and read back after a
 * call from the callee's frame start on. Everything else (i64, floats, v128, references) stays in
 * the value stack, operated on in place by the same helpers the interpreter calls (i64 as two
 * int32 words, never BigInt; floats through the f32/f64 views, so NaN bits are never rounded
 * through a JS number where the interpreter keeps them).
 *
 * ## When a function is generated
 * On its first run (`Engine.bodyOf`), with no call-count threshold: both tiers translate
 * Wasm to internal code first, the extra work is one linear pass over that code plus
 * `new Function`, whose body V8 parses lazily and tiers up by itself (Ignition first, then its
 * optimising compilers for what is hot), so a second threshold of ours would only delay the
 * gain. A threshold would also need the interpreter to count and hand frames back for loops
 * (a frame it runs keeps running there, callees included, until it returns), and a long-running
 * `_start` would then never leave the interpreter.
 *
 * ## What is not covered
 * An instruction whose row the generator does not know how to spell (a jumping row other than
 * the branches, calls and returns below, or a template naming anything outside the generated
 * function's scope) becomes an exit: the generated body writes its cached slots back, saves that
 * pc and hands the frame to the interpreter, which runs the rest of that call of the function
 * (frames are the same in both tiers). Code the generator cannot read at all (an opcode outside
 * `isa.ts`, a branch into an instruction) leaves the whole function in the interpreter. The
 * engine counts both, with the reasons (`Engine.codegenStats`).
 *
 * ## Security
 * The source is built from the rows' templates and integers from the code array only; nothing
 * taken from the module (names, custom sections, data) is ever spelled into it.
 *
 * @module
 */

import { TrapCode } from "../core/trap.ts";
import * as num from "../core/num/mod.ts";
import * as bulk from "./bulk_ops.ts";
import * as entities from "./entities.ts";
import * as support from "./exec_support.ts";
import * as simd from "./simd.ts";
import * as simdMem from "./simd_mem.ts";
import * as atomics from "./atomics.ts";
import * as exceptions from "./exceptions.ts";
import * as gc from "./gc.ts";
import * as memoryExt from "./memory_ext.ts";
import {
  expandRun,
  I,
  INSTR_SIZE,
  type InstrDef,
  instrSize,
  ISA,
  type RunSpelling,
} from "./isa.ts";
import type { CompiledFunc } from "./code_map.ts";
import { exnOfError, type StoreInner, type WasmFuncEntity } from "./entities.ts";
const { throwException } = exceptions;
import type { BulkFuel } from "./fuel.ts";
import type { ExecStack } from "./stack.ts";
import { type Compiler, DONE, run, type RunStatus } from "./executor.ts";

/** A generated function returned to call the Wasm function whose frame it pushed. */
const CALL = 10;
/** A generated function's frame returned (its results are in its first slots). */
const RETURN = 11;
/**
 * A generated function reached an instruction it cannot run: the interpreter must continue its
 * frame (the innermost) from the saved pc until it returns.
 */
const INTERPRET = 12;

const NO_ESCAPES: ReadonlySet<number> = new Set();

/**
 * How much generated code may nest on the JS stack: a generated body calls a generated callee
 * directly (a JS call is much cheaper than a round trip through the driver) while the nested
 * bodies' costs stay within this; deeper calls go back to the driver (`CALL`), so deep Wasm
 * recursion never exhausts the JS stack. A body costs 1 per `COST_WORDS` words of code (its JS
 * frame grows with its size: a function with thousands of locals has a large one), at least 1:
 * 64 small bodies take a few tens of KiB, well inside what `Config.maxHostReentry` leaves per
 * host re-entry.
 */
const MAX_NESTING = 64;
/** Code words per unit of a body's nesting cost (see `MAX_NESTING`). */
const COST_WORDS = 256;

/** The nesting cost of a body of `words` code words. */
function costOf(words: number): number {
  return 1 + Math.floor(words / COST_WORDS);
}

/**
 * A function's generated body: runs frame `depth` of `st` from its saved pc until it returns
 * (`RETURN`), calls a Wasm function the driver must run (`CALL`, the callee's frame pushed) or
 * stops (`OUT_OF_FUEL`, `HOST_AWAIT`); `nesting` is the cost of the generated bodies below it on
 * the JS stack. A callee it runs directly leaves the call stack as the driver would have, so any
 * status but `RETURN` from it is passed on as it is: the frames say where to continue.
 */
export type GeneratedBody = (
  store: StoreInner,
  st: ExecStack,
  depth: number,
  bulkFuel: BulkFuel | null,
  compiler: TieredCompiler,
  nesting: number,
  baseDepth: number,
) => number;

/** What the driver needs: the interpreter's compiler, and a generated body per function. */
export interface TieredCompiler extends Compiler {
  /** The generated body of `cf`, generating it if needed; null: it runs in the interpreter. */
  bodyOf(cf: CompiledFunc): GeneratedBody | null;
}

/**
 * Runs the frames of `st` from the innermost until the frame at `baseDepth` returns, each frame
 * in its function's tier: its generated body, or the interpreter (which then also runs the
 * functions that frame calls, until it returns). Same contract as the interpreter's `run`.
 */
export function runTiered(
  compiler: TieredCompiler,
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
): RunStatus {
  const bulkFuel = compiler.bulkFuel;
  for (;;) {
    const depth = st.depth;
    const body = compiler.bodyOf(st.funcs[depth]!.compiled!);
    let status: number;
    let interpretAt = -1;
    if (body === null) interpretAt = depth;
    else {
      status = body(store, st, depth, bulkFuel, compiler, 0, baseDepth);
      if (status === CALL) continue;
      if (status === INTERPRET) interpretAt = st.depth;
      else if (status === RETURN) {
        st.depth = depth - 1;
        status = DONE;
      }
    }
    if (interpretAt >= 0) {
      try {
        status = run(compiler, store, st, interpretAt);
      } catch (e) {
        // A Wasm exception no handler in the interpreter's frames caught: the frames below
        // them (this driver's) may have one.
        const exn = exnOfError(e);
        if (exn === undefined || interpretAt === baseDepth) throw e;
        throwException(store, st, baseDepth, exn);
        continue;
      }
      if (status === DONE && interpretAt !== baseDepth) continue;
      return status;
    }
    if (status! !== DONE || depth === baseDepth) return status!;
  }
}

/**
 * Pushes the frame of Wasm function `callee`, whose parameters are at word `base`, above frame
 * `depth`, as the interpreter's `Call` does (value stack first, then call stack: the same
 * `StackOverflow` at the same depth).
 */
function pushFrame(
  compiler: Compiler,
  st: ExecStack,
  depth: number,
  callee: WasmFuncEntity,
  base: number,
): void {
  const cf = callee.compiled ?? compiler.compile(callee);
  if (base + cf.frameWords > st.s32.length) st.growValues(base + cf.frameWords);
  if (2 * (depth + 1) >= st.frames.length) st.growFrames(depth + 1);
  const frames = st.frames;
  st.depth = depth + 1;
  frames[2 * depth + 2] = base;
  frames[2 * depth + 3] = 0;
  st.funcs[depth + 1] = callee;
  if (cf.localWords > cf.paramWords) st.s32.fill(0, base + cf.paramWords, base + cf.localWords);
}

/**
 * Pushes the frame of Wasm function `callee` above frame `depth` (its parameters at word
 * `base`) and returns its generated body to run on the JS stack, or null when the driver must
 * run it (`CALL`): it has none, or it would nest more than `MAX_NESTING` allows (`nesting` is
 * the cost of the bodies running, the caller's included).
 */
function enterFunc(
  callee: WasmFuncEntity,
  st: ExecStack,
  depth: number,
  base: number,
  compiler: TieredCompiler,
  nesting: number,
): GeneratedBody | null {
  pushFrame(compiler, st, depth, callee, base);
  const cf = callee.compiled!;
  return nesting + costOf(cf.code.length) > MAX_NESTING ? null : compiler.bodyOf(cf);
}

/** What generated code may call: the executor's modules, and the driver's own helpers. */
const RUNTIME: Readonly<Record<string, unknown>> = (() => {
  const all: Record<string, unknown> = {
    TrapCode,
    enterFunc,
    CALL,
    RETURN,
    INTERPRET,
    MAX_NESTING,
  };
  // The modules scripts/gen_executor.ts lets templates call (its CALLABLE list).
  const modules = [num, atomics, bulk, entities, exceptions, gc, support, memoryExt, simd, simdMem];
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) all[name] = value;
  }
  return Object.freeze(all);
})();

/** Names the generated function declares: a template may use these. */
const LOCALS = [
  "store",
  "st",
  "depth",
  "bulkFuel",
  "compiler",
  "nesting",
  "baseDepth",
  "frames",
  "fp",
  "pc",
  "code",
  "s32",
  "f32",
  "f64",
  "inst",
  "globals",
  "mem",
  "mview",
  "memLen",
];

/** Globals and keywords a template may use. */
const BUILTINS = new Set([
  "Math",
  "NaN",
  "Infinity",
  "undefined",
  "null",
  "true",
  "false",
  "const",
  "let",
  "if",
  "else",
  "for",
  "while",
  "do",
  "break",
  "continue",
  "return",
  "throw",
  "new",
  "typeof",
  "switch",
  "case",
  "default",
]);

for (const name of LOCALS) {
  if (name in RUNTIME) throw new Error(`codegen: runtime name ${name} shadows a local`);
}

/** Operands spelled as constants: a slot as `(fp + r)`, anything else as its literal. */
function spelling(code: Int32Array, pc: number): RunSpelling {
  return {
    operand(kind, word) {
      const value = code[pc + word]!;
      return kind === "r" ? `(fp + ${value})` : `${value}`;
    },
    next: (size) => `${pc + size}`,
    opcode: (name) => `${I[name]}`,
  };
}

/** A row's template as JavaScript: TypeScript's non-null assertions (`mem!`) dropped. */
function toJs(text: string): string {
  return text.replace(/([\w$\])])!(?!=)/g, "$1");
}

/** `js` without its comments. */
function withoutComments(js: string): string {
  return js.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

/** The identifiers `js` uses that are neither declared in it, nor locals, runtime or builtins. */
function unknownNames(js: string): string[] {
  js = withoutComments(js);
  const declared = new Set<string>();
  for (const m of js.matchAll(/\b(?:const|let)\s+([A-Za-z_$][\w$]*)/g)) declared.add(m[1]!);
  for (const m of js.matchAll(/,\s*([A-Za-z_$][\w$]*)\s*=(?!=)/g)) declared.add(m[1]!);
  const unknown: string[] = [];
  for (const m of js.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)/g)) {
    const name = m[1]!;
    if (
      declared.has(name) || BUILTINS.has(name) || LOCALS.includes(name) || name in RUNTIME
    ) continue;
    unknown.push(name);
  }
  return unknown;
}

/** Templates that stop, retry or read the pc: their instruction needs `pc` set and a `case`. */
function needsPc(run: string): boolean {
  return /\b(pc|break|return|code)\b/.test(run);
}

/** Whether `def` is a conditional branch (see `branch` in isa.ts). */
function isBranch(def: InstrDef): boolean {
  return def.run !== null && /pc = [\s\S]* \? \$\d+ : \$next;$/.test(def.run);
}

/** The instructions the generator writes itself rather than from their templates. */
const OWN = new Set<number>([
  I.Unreachable,
  I.Br,
  I.BrTable,
  I.Return,
  I.ReturnSlot,
  I.Call,
  I.CallIndirect,
  I.CallRef,
  I.ConsumeFuel,
  I.Throw,
  I.ThrowRef,
  I.Copy,
  I.Select,
  I.GlobalGet,
  I.GlobalSet,
]);

/** Where the cached slots must be written back to the value stack (see `promote`). */
const FLUSH = "/*flush*/";
/** Write back the cached slots below word `k`. */
const flushBelow = (k: number) => `/*flush<${k}*/`;
/** Read the cached slots from word `k` on again from the value stack. */
const reloadFrom = (k: number) => `/*reload>=${k}*/`;

/** How a cached slot is used: as an i32 word (`s32`) or as an f64 (`f64`). */
type SlotKind = "s32" | "f64";

/** A cached slot: its word offset and its kind. */
interface Cached {
  readonly k: number;
  readonly kind: SlotKind;
}

/** How a cached slot is spelled in the value stack, and as a local. */
const inStack = ({ k, kind }: Cached) =>
  kind === "s32" ? `s32[fp + ${k}]` : `f64[(fp + ${k}) >> 1]`;
const local = ({ k, kind }: Cached) => `${kind === "s32" ? "r" : "d"}${k}`;

/**
 * The slots that can live in JS locals: those used only as whole i32 words, `s32[(fp + k)]`, or
 * only as f64s, `f64[(fp + k) >> 1]`, read or assigned. A slot reached any other way (both
 * views, another view, an index passed to a helper, a word beside it) stays in the value stack.
 * When an instruction writes several consecutive results (its template adds `SLOT_WORDS`), none
 * is cached.
 */
function promotable(parts: readonly string[]): Cached[] {
  const text = parts.join("\n");
  if (text.includes("SLOT_WORDS")) return [];
  const kinds = new Map<number, SlotKind | null>();
  for (const m of text.matchAll(/\(fp \+ (-?\d+)\)/g)) {
    const k = Number(m[1]);
    const at = m.index!;
    const end = at + m[0].length;
    let kind: SlotKind | null = null;
    if (text.startsWith("s32[", at - 4) && text[end] === "]") kind = "s32";
    else if (text.startsWith("f64[", at - 4) && text.startsWith(" >> 1]", end)) kind = "f64";
    if (kind !== null) {
      // A compound assignment (`s32[x] += ...`) would need its own rewriting.
      const close = kind === "s32" ? end + 1 : end + 6;
      if (/^ [-+*/%&|^<>]+=/.test(text.slice(close, close + 5)) || k % 4 !== 0) kind = null;
    }
    const known = kinds.get(k);
    kinds.set(k, known === undefined || known === kind ? kind : null);
  }
  return [...kinds].flatMap(([k, kind]) => kind === null ? [] : [{ k, kind }])
    .sort((a, b) => a.k - b.k);
}

/**
 * \`text\` with the \`promoted\` slots in locals (\`r<k>\` for i32 words, \`d<k>\` for f64s):
 * reads become the local, assignments assign the local (an i32 truncated to int32, as storing
 * into \`s32\` would), and the flush and reload marks copy them (all, or those below or from a
 * word) to and from the value stack.
 */
function promote(text: string, promoted: readonly Cached[]): string {
  const byK = new Map(promoted.map((c) => [c.k, c]));
  const copy = (what: string, op: string | undefined, limit: string | undefined) =>
    promoted.filter(({ k }) =>
      op === undefined || (op === "<" ? k < Number(limit) : k >= Number(limit))
    ).map((c) => what === "flush" ? `${inStack(c)} = ${local(c)};` : `${local(c)} = ${inStack(c)};`)
      .join(" ");
  let out = "";
  let from = 0;
  const assign = /(s32|f64)\[\(fp \+ (-?\d+)\)( >> 1)?\] = (?!=)/g;
  for (let m = assign.exec(text); m !== null; m = assign.exec(text)) {
    const c = byK.get(Number(m[2]));
    if (c === undefined || c.kind !== m[1]) continue;
    // The assigned expression ends at the first `;` outside brackets.
    let end = assign.lastIndex;
    for (let level = 0; end < text.length; end++) {
      const ch = text[end];
      if (ch === "(" || ch === "[" || ch === "{") level++;
      else if (ch === ")" || ch === "]" || ch === "}") level--;
      else if (ch === ";" && level === 0) break;
    }
    const value = text.slice(assign.lastIndex, end);
    out += text.slice(from, m.index) + `${local(c)} = ` +
      (c.kind === "s32" ? `(${value}) | 0` : value);
    from = end;
    assign.lastIndex = end;
  }
  out += text.slice(from);
  return out
    .replace(/(s32|f64)\[\(fp \+ (-?\d+)\)( >> 1)?\]/g, (whole, kind: string, k: string) => {
      const c = byK.get(Number(k));
      return c !== undefined && c.kind === kind ? local(c) : whole;
    })
    .replace(
      /\/\*(flush|reload)(?:(<|>=)(\d+))?\*\//g,
      (_, what: string, op?: string, limit?: string) => copy(what, op, limit),
    );
}

/** What the generator knows of a row's template, worked out once per instruction. */
interface Template {
  /**
   * The template as JavaScript, split at its operands: `parts[0] op[0] parts[1] op[1] ...`
   * (for a branch: the statements before it, then `if (`, its condition, `) {` and the jump).
   */
  readonly parts: readonly string[];
  /** Each operand: its shape letter (`n` for `$next`) and the index of its code word. */
  readonly ops: readonly { readonly kind: string; readonly word: number }[];
  /** Why it cannot be spelled (names outside the generated scope, ...), or null. */
  readonly problem: string | null;
  /** The runtime names it uses. */
  readonly names: readonly string[];
  /** Whether its instruction needs `pc` and a `case` (see `needsPc`). */
  readonly needsPc: boolean;
  /** Whether it is a conditional branch. */
  readonly branch: boolean;
}

const TEMPLATES: (Template | undefined)[] = [];

/** The runtime names `js` uses. */
function runtimeNames(js: string): string[] {
  const names = new Set<string>();
  for (const m of withoutComments(js).matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)/g)) {
    if (m[1]! in RUNTIME) names.add(m[1]!);
  }
  return [...names];
}

/** The template of instruction `op` (a row with a `run`), checked on a sample spelling. */
function templateOf(op: number): Template {
  const known = TEMPLATES[op];
  if (known !== undefined) return known;
  const row = ISA[op]!;
  const def = { ...row, run: toJs(row.run!) };
  const sample = expandRun(def, spelling(new Int32Array(INSTR_SIZE[op]! + 1), 0));
  const branch = isBranch(row);
  let problem: string | null = null;
  // The template with each operand as a mark (`⟦r1⟧`: kind and word; `⟦n⟧` for `$next`),
  // split at the marks once, so that spelling an instruction is only concatenation.
  let marked = expandRun(def, {
    operand: (kind, word) => `⟦${kind}${word}⟧`,
    next: () => "⟦n⟧",
    opcode: (name) => `${I[name]}`,
  });
  if (branch) {
    const m = /^([\s\S]*?)pc = ([\s\S]*) \? (⟦t\d+⟧) : ⟦n⟧;$/.exec(marked);
    if (m === null) problem = "an unexpected branch template";
    else marked = `${m[1]}if (${m[2]}) {\n  pc = ${m[3]};\n  continue;\n}`;
  }
  const unknown = unknownNames(sample);
  if (unknown.length > 0) problem = `its template uses ${unknown.join(", ")}`;
  const pieces = marked.split(/⟦(\w)(\d+)⟧|⟦n⟧/);
  const parts: string[] = [];
  const ops: { kind: string; word: number }[] = [];
  // split() with two groups gives: text, kind, word, text, ... (both undefined at a `⟦n⟧`).
  for (let i = 0; i < pieces.length; i += 3) {
    parts.push(pieces[i]!);
    if (i + 1 < pieces.length) {
      const kind = pieces[i + 1];
      ops.push(kind === undefined ? { kind: "n", word: 0 } : { kind, word: Number(pieces[i + 2]) });
    }
  }
  const t = {
    parts,
    ops,
    problem,
    names: runtimeNames(sample),
    needsPc: needsPc(row.run!),
    branch,
  };
  TEMPLATES[op] = t;
  return t;
}

/** Template `t` spelled for the instruction at `pc` of `code` (`size` words long). */
function spell(t: Template, code: Int32Array, pc: number, size: number): string {
  const { parts, ops } = t;
  let out = parts[0]!;
  for (let i = 0; i < ops.length; i++) {
    const { kind, word } = ops[i]!;
    if (kind === "n") out += pc + size;
    else if (kind === "r") out += `(fp + ${code[pc + word]})`;
    else out += code[pc + word];
    out += parts[i + 1];
  }
  return out;
}

/** The source of the body generated for `code`, or why it cannot be generated. */
export function generateSource(
  code: Int32Array,
  numResults = Infinity,
  escape: ReadonlySet<number> = NO_ESCAPES,
): { source: string; escapes: string[] } | { reason: string } {
  /** The words a return must leave in the value stack: the results'. */
  const resultWords = Math.min(numResults * entities.SLOT_WORDS, 0x7fffffff);
  // Pass 1: where control can enter, and whether every instruction is covered.
  const labels = new Set<number>([0]);
  const starts = new Set<number>();
  /** Instructions the generator cannot spell, by pc, and why. */
  const escapes = new Map<number, string>();
  for (let pc = 0; pc < code.length;) {
    starts.add(pc);
    const op = code[pc]!;
    const def = ISA[op];
    if (def === undefined) return { reason: `unknown internal opcode ${op}` };
    const size = instrSize(code, pc);
    if (op === I.Br) labels.add(code[pc + 1]!);
    else if (op === I.BrTable) {
      for (let k = 0; k <= code[pc + 2]!; k++) labels.add(code[pc + 3 + k]!);
    } else if (op === I.Call || op === I.CallIndirect || op === I.CallRef) labels.add(pc + size);
    else if (op === I.ConsumeFuel) labels.add(pc);
    else if (escape.has(op)) escapes.set(pc, `${def.name} (asked to)`);
    else if (!OWN.has(op)) {
      if (def.run === null) escapes.set(pc, `${def.name} (shares another instruction's case)`);
      else if (isBranch(def)) labels.add(code[pc + size - 1]!);
      else if (def.jumps) escapes.set(pc, `${def.name} (a jumping instruction)`);
      else if (needsPc(def.run)) labels.add(pc);
    }
    pc += size;
  }
  for (const l of labels) if (!starts.has(l)) return { reason: `a branch into an instruction` };

  // Pass 2: the body.
  const out: string[] = [];
  const names = new Set<string>(["EMPTY_VIEW", "CALL", "RETURN", "INTERPRET", "MAX_NESTING"]);
  let reachable = true;
  for (let pc = 0; pc < code.length;) {
    const op = code[pc]!;
    const def = ISA[op]!;
    const size = instrSize(code, pc);
    const next = pc + size;
    if (labels.has(pc)) {
      out.push(`case ${pc}:`);
      reachable = true;
    }
    if (!reachable) {
      pc = next;
      continue;
    }
    const slot = (k: number) => `(fp + ${code[pc + k]})`;
    let js = "";
    const known = escapes.has(pc) ? -1 : op;
    switch (known) {
      case -1:
        break;
      case I.Unreachable:
        js = `throw trap(TrapCode.UnreachableCodeReached);`;
        reachable = false;
        break;
      case I.Br:
        js = `pc = ${code[pc + 1]}; continue;`;
        reachable = false;
        break;
      case I.BrTable: {
        const n = code[pc + 2]!;
        const cases = [];
        for (let k = 0; k < n; k++) cases.push(`case ${k}: pc = ${code[pc + 3 + k]}; continue;`);
        js = `switch (s32[${slot(1)}] >>> 0) {\n${cases.join("\n")}\ndefault: pc = ${
          code[pc + 3 + n]
        }; continue;\n}`;
        reachable = false;
        break;
      }
      case I.Return:
        js = `${flushBelow(resultWords)}\nreturn ${RETURN};`;
        reachable = false;
        break;
      case I.ReturnSlot:
        js = `${flushBelow(resultWords)}\ns32[fp] = s32[${slot(1)}];\ns32[fp + 1] = s32[fp + ${
          code[pc + 1]! + 1
        }];\nreturn ${RETURN};`;
        reachable = false;
        break;
      case I.Call:
      case I.CallIndirect:
      case I.CallRef: {
        const callee = op === I.Call
          ? `inst.funcs[${code[pc + 1]}]`
          : op === I.CallRef
          ? `refCallee(store, s32[${slot(1)}])`
          : `indirectCallee(store, inst, ${code[pc + 1]}, ${code[pc + 2]}, s32[${slot(3)}])`;
        // Every cached slot is written back first: the callee may stop, or a host function
        // deeper down may throw (a resumable host trap unwinds these JS frames), and the frame
        // is then continued from the value stack. The callee's frame starts at the caller's
        // slot `b`, so only the cached slots from there on change (results, scratch).
        const b = code[pc + (op === I.Call || op === I.CallRef ? 2 : 4)]!;
        // The callee's generated body is called here rather than in a shared helper: each call
        // site then keeps its own type feedback, and V8 can inline a callee it always sees.
        js = `${FLUSH}
frames[2 * depth + 1] = ${next};
const callee = ${callee};
if (callee.isHost) {
  const pending = callHost(callee, inst, st, fp + ${b}, store, baseDepth);
  // null: it threw a Wasm exception, which a handler in frame st.depth caught.
  if (pending !== undefined) return pending === null ? CALL : HOST_AWAIT;
} else {
  const body = enterFunc(callee, st, depth, fp + ${b}, compiler, nesting);
  if (body === null) return CALL;
  const status = body(store, st, depth + 1, bulkFuel, compiler, nesting + ${
          costOf(code.length)
        }, baseDepth);
  if (status !== RETURN) return status;
  st.depth = depth;
}
s32 = st.s32;
f32 = st.f32;
f64 = st.f64;
frames = st.frames;
${reloadFrom(b)}
if (mem !== null) {
  mview = mem.view;
  memLen = mview.byteLength;
}`;
        break;
      }
      // Two-word moves, spelled word by word: the low word as `s32[(fp + k)]` (so that a slot
      // otherwise used as an i32 stays cached), the high word as `s32[fp + k + 1]`, which is
      // never cached (the moved value may be an i64 or f64; the high word then travels along).
      case I.Copy: {
        const [d, a] = [code[pc + 1]!, code[pc + 2]!];
        js = `s32[(fp + ${d})] = s32[(fp + ${a})];\ns32[fp + ${d + 1}] = s32[fp + ${a + 1}];`;
        break;
      }
      case I.Select: {
        const [d, c, a, b] = [code[pc + 1]!, code[pc + 2]!, code[pc + 3]!, code[pc + 4]!];
        js = `if (s32[(fp + ${c})] !== 0) {
  s32[(fp + ${d})] = s32[(fp + ${a})];
  s32[fp + ${d + 1}] = s32[fp + ${a + 1}];
} else {
  s32[(fp + ${d})] = s32[(fp + ${b})];
  s32[fp + ${d + 1}] = s32[fp + ${b + 1}];
}`;
        break;
      }
      case I.GlobalGet: {
        const [d, x] = [code[pc + 1]!, code[pc + 2]!];
        js = `const g = globals[${x}].value;
s32[(fp + ${d})] = g[0];
s32[fp + ${d + 1}] = g[1];`;
        break;
      }
      case I.GlobalSet: {
        const [x, a] = [code[pc + 1]!, code[pc + 2]!];
        js = `const g = globals[${x}].value;
g[0] = s32[(fp + ${a})];
g[1] = s32[fp + ${a + 1}];`;
        break;
      }
      // A throw hands the exception to the innermost handler in this call's frames (functions
      // with handlers run in the interpreter), which the driver then continues (CALL).
      case I.Throw:
        js = `${FLUSH}
frames[2 * depth + 1] = ${next};
throwException(store, st, baseDepth, newException(store, inst.tags[${code[pc + 1]}], s32, ${
          slot(2)
        }));
return CALL;`;
        reachable = false;
        break;
      case I.ThrowRef:
        js = `${FLUSH}
const exn = store.exns[s32[${slot(1)}]];
if (exn === null) throw trap(TrapCode.NullExnReference);
frames[2 * depth + 1] = ${next};
throwException(store, st, baseDepth, exn);
return CALL;`;
        reachable = false;
        break;
      case I.ConsumeFuel: {
        const cost = code[pc + 1]!;
        js = `if (store.fuel < ${cost}) {
  if (outOfFuel(store, st, ${cost})) {
    ${FLUSH}
    frames[2 * depth + 1] = ${pc};
    return OUT_OF_FUEL;
  }
  pc = ${pc};
  continue; // refilled: charge again
}
store.fuel -= ${cost};`;
        break;
      }
      default: {
        const t = templateOf(op);
        if (t.problem !== null) {
          escapes.set(pc, `${def.name} (${t.problem})`);
          break;
        }
        const text = spell(t, code, pc, size);
        js = t.needsPc && !t.branch ? `${FLUSH}\npc = ${pc};\n${text}` : text;
        for (const name of t.names) names.add(name);
      }
    }
    if (escapes.has(pc)) {
      // The interpreter runs the rest of this call of the function, from this instruction.
      js = `${FLUSH}\nframes[2 * depth + 1] = ${pc};\nreturn ${INTERPRET};`;
      reachable = false;
    } else if (OWN.has(op)) {
      for (const name of runtimeNames(js)) names.add(name);
    }
    // A block only where the instruction declares names (it keeps the source small to parse).
    out.push(/\b(const|let) /.test(js) ? `{\n${js}\n}` : js);
    pc = next;
  }
  const promoted = promotable(out);
  const body = promote(out.join("\n"), promoted);
  const imports = [...names].sort();
  const declare = promoted.length === 0
    ? ""
    : `let ${promoted.map((c) => `${local(c)} = 0`).join(", ")};
${promoted.map((c) => `${local(c)} = ${inStack(c)};`).join("\n")}\n`;
  // The prologue reads only what the body uses (the names are the templates' and ours).
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(body);
  const usesMem = uses("mem") || uses("mview") || uses("memLen");
  const usesInst = usesMem || uses("inst") || uses("globals");
  const prologue = [
    `let frames = st.frames;`,
    `const fp = frames[2 * depth];`,
    `let pc = frames[2 * depth + 1];`,
    `let s32 = st.s32, f32 = st.f32, f64 = st.f64;`,
    ...(usesInst ? [`const inst = st.funcs[depth].instance;`] : []),
    ...(uses("globals") ? [`const globals = inst.globals;`] : []),
    ...(usesMem
      ? [
        `let mem = inst.memories[0] ?? null;`,
        `let mview = mem !== null ? mem.view : EMPTY_VIEW;`,
        `let memLen = mview.byteLength;`,
      ]
      : []),
  ].join("\n");
  // Straight-line code entered only at its start needs no dispatch loop.
  const loop = labels.size > 1 || uses("continue") || uses("break");
  const source = `"use strict";
const { ${imports.join(", ")} } = rt;
return function wasm(store, st, depth, bulkFuel, compiler, nesting, baseDepth) {
${prologue}
${declare}${
    loop
      ? `for (;;) {
switch (pc) {
${body}
default:
throw new Error("Bad entry point " + pc + " into generated code");
}
}`
      : body.replace(/^case 0:$/m, "")
  }
};`;
  return { source, escapes: [...escapes.values()] };
}

/**
 * The generated body of `cf`, or why it has none. `new Function` is only called here (a realm
 * that forbids it makes it throw, which is reported as the reason).
 */
export function generateBody(
  cf: CompiledFunc,
  escape?: ReadonlySet<number>,
): { body: GeneratedBody; escapes: string[] } | string {
  // A catching frame is continued at its handler, which only the interpreter can do.
  if (cf.handlers !== null) return "exception handlers (try_table)";
  const result = generateSource(cf.code, cf.numResults, escape);
  if ("reason" in result) return result.reason;
  try {
    const factory = new Function("rt", result.source) as (rt: unknown) => GeneratedBody;
    return { body: factory(RUNTIME), escapes: result.escapes };
  } catch (e) {
    return `code generation failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

let canGenerate: boolean | null = null;

/**
 * Whether this realm lets code be generated from strings (`new Function`): false under a CSP
 * without `unsafe-eval`, `--disallow-code-generation-from-strings`, and similar. Probed once.
 */
export function codeGenerationAllowed(): boolean {
  if (canGenerate === null) {
    try {
      canGenerate = new Function("return 2 + 3")() === 5;
    } catch {
      canGenerate = false;
    }
  }
  return canGenerate;
}
