/**
 * The translator: a validated function body → internal code (`isa.ts`), in one linear pass.
 *
 * Frame layout (slots of `SLOT_WORDS` words): parameters, then declared locals (zeroed on entry),
 * then one slot per operand-stack position. Operands are addressed as word offsets from the
 * frame base.
 *
 * The compile-time operand stack is lazy (`operand_stack.ts`): `local.get` and `*.const` emit
 * nothing, an instruction reads a local's slot directly or takes a constant as an immediate,
 * and an instruction's result lands in the slot of its stack position. A `local.set` /
 * `local.tee` right after the instruction that produced the value retargets that instruction's
 * destination to the local instead of copying. At control-flow joins the values a label expects
 * are moved into that label's canonical slots (the slots of the stack positions just above the
 * block's base); a compare followed by `br_if` or `if` becomes one fused branch.
 *
 * Two invariants keep lazy entries sound across control flow:
 * - entering a block, loop or if materialises every `LOCAL` entry (copies it to its slot), so a
 *   later write to a local inside the block never needs code on a path that may be skipped;
 * - loop and if parameters are materialised on entry, so every path sees them in the same slots.
 *
 * Moves are two words (enough for every scalar); the stack knows which entries are v128s and
 * moves those with the four-word `Copy128` / `Select128` / `GlobalGet128` / `GlobalSet128`
 * (a v128 result returns through `Copy128` to slot 0, then `Return`). The common SIMD operators
 * have instructions of their own (`I32x4Add`, `V128LoadFull`; a `v128.load` of `base + constant`
 * fuses the add: `V128LoadAt`); the others become a few generic `V128*` instructions carrying the
 * Wasm sub-opcode (`simd.ts`, `simd_mem.ts`).
 *
 * Code after `br`, `br_table`, `return` and `unreachable` is skipped up to the matching `else` or
 * `end`. The input must be valid: the translator trusts the validator and checks nothing.
 *
 * With fuel metering on, each fuel region (the function body, a loop body, an if or else arm;
 * see `fuel.ts`) starts with a `ConsumeFuel` whose immediate is patched, when the region ends,
 * with the price of the Wasm operators it holds. A rotated loop's back edge pays the loop's
 * region again with a `ConsumeFuel` of its own, patched with the same price. Branches that land
 * on a charge pay it themselves where a fuel-paying form exists (`FUEL_ROWS` in isa.ts): a
 * rotated back edge staying in its loop and a `br_if` to a loop header (`*Pay`, falling back to
 * the header's `ConsumeFuel` when the store cannot pay), and the branch of an `if` that has an
 * `else` (`*Arms`). With fuel off nothing of this is emitted.
 *
 * @module
 */

import type { ModuleDecl } from "../binary/module.ts";
import {
  BLOCK_EMPTY,
  blockValType,
  CAST_NULL_2,
  CATCH_ALL,
  CATCH_ALL_REF,
  CATCH_REF,
  OpReader,
} from "../binary/op_reader.ts";
import {
  DENSE_SIZE,
  denseIndex,
  Op,
  OP_INFO,
  type OpInfo,
  opSub,
  TranslateKind,
} from "../binary/opcodes.ts";
import type { FuncType, ValType } from "../core/types.ts";
import { type CodeArena, CodeBuilder, NO_PATCH } from "./code_builder.ts";
import { CompiledFunc, type OffsetSource, type PendingFuncs } from "./code_map.ts";
import type { FuelCosts } from "./config.ts";
import { SLOT_WORDS } from "./entities.ts";
import { FUEL_CHUNK } from "./fuel.ts";
import { HANDLER_WORDS } from "./exceptions.ts";
import { gcType, ST_I16, ST_I16_S, ST_I8, ST_I8_S, ST_V128 } from "./gc.ts";
import {
  ARMS_FORM,
  I,
  INSTR_SIZE,
  type InstrName,
  instrSize,
  ISA,
  PAID_BRANCH,
  PAYING_FORM,
} from "./isa.ts";
import { ADDR, CONST, LOCAL, OperandStack, TEMP } from "./operand_stack.ts";
import { shuffleOneInput, shuffleZeroExtendKind } from "./simd.ts";
import type { FuncValidator } from "../validate/func_validator.ts";

/**
 * Translates the body of function `funcIndex` (a defined function) of a validated module.
 *
 * @param module the decoded module
 * @param funcIndex index in the function index space (imports first)
 * @param fuel the fuel prices when the engine meters fuel, else null (no fuel instructions)
 * @param arena where to put the code (a buffer of its own when null)
 * @param offsets where the function gets its `codeOffsets` when they are first needed; null
 *   notes them now
 * @param validator when given, the body is validated while it is translated, each instruction
 *   before it is translated (one read of the body instead of two: an eager compile); otherwise
 *   it must have been validated before
 * @param deferCode with `arena`: the function's `code` is left the arena's buffer until
 *   `CompiledFunc.placeCode` (see `CodeArena.place`), which must run before it is read
 * @returns the compiled function
 * @throws {ValidationError} (or `DecodeError`) from `validator`, when given: the body is invalid
 */
export function translateFunc(
  module: ModuleDecl,
  funcIndex: number,
  fuel: FuelCosts | null = null,
  arena: CodeArena | null = null,
  offsets: OffsetSource | null = null,
  hotness = 0,
  validator: FuncValidator | null = null,
  deferCode = false,
): CompiledFunc {
  const t = spareTranslator ?? new FuncTranslator();
  spareTranslator = null;
  const compiled = t.translate(
    module,
    funcIndex,
    fuel,
    arena,
    offsets,
    hotness,
    validator,
    deferCode,
  );
  // Kept only after a translation that finished: one that threw may have left any state.
  spareTranslator = t;
  return compiled!;
}

/**
 * Translates the body of function `funcIndex` as `translateFunc` does with an arena, deferred
 * code and the offset source `offsets` (which tells the body's offset), for an eager compile:
 * when the function needs nothing but its code and frame (no exception handlers), records them
 * in `pending` and returns null; otherwise returns its `CompiledFunc`.
 *
 * @throws {ValidationError} (or `DecodeError`) from `validator`, when given: the body is invalid
 */
export function translateEager(
  module: ModuleDecl,
  funcIndex: number,
  fuel: FuelCosts | null,
  arena: CodeArena,
  offsets: OffsetSource,
  hotness: number,
  validator: FuncValidator | null,
  pending: PendingFuncs,
): CompiledFunc | null {
  const t = spareTranslator ?? new FuncTranslator();
  spareTranslator = null;
  const compiled = t.translate(
    module,
    funcIndex,
    fuel,
    arena,
    offsets,
    hotness,
    validator,
    true,
    pending,
  );
  spareTranslator = t;
  return compiled;
}

/**
 * The operands of the condition `#popCondition` took, shared by all translations (they never
 * overlap): a typed array per function cost a tenth of translating a small one.
 */
const CONDITION_ARGS = new Int32Array(3);

/** What the spare translator holds between translations instead of a module's reader. */
const NO_READER = new OpReader(new Uint8Array(0));

/** The reader the last translation used, kept for the next one (translations never overlap). */
let spareReader: OpReader | null = null;

/** A reader of `bytes[pos, end)` for the translator: the spare one if it reads `bytes`. */
function readerFor(
  bytes: Uint8Array,
  typeIds: readonly number[],
  pos: number,
  end: number,
): OpReader {
  let r = spareReader;
  spareReader = null;
  if (r === null || r.bytes !== bytes || r.typeIds !== typeIds) {
    r = new OpReader(bytes);
    // The body was validated with the module's features: reading memory immediates as indices
    // and memarg offsets as u64 decodes exactly what validation accepted (a zero byte is index
    // 0, a u32 LEB128 the same u64), and typed references likewise.
    r.configure(
      { wasmMultiMemory: true, wasmMemory64: true, wasmFunctionReferences: true, wasmGc: true },
      typeIds,
    );
  }
  r.pos = pos;
  r.end = end;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Control frames

const BLOCK = 0;
const LOOP = 1;
const IF = 2;
const ELSE = 3;
const FUNC = 4;

const NO_TYPES: readonly ValType[] = [];
/** No locals (`Ctrl.byteEntry` of a loop entered with no byte facts). */
const NO_LOCALS: readonly number[] = [];
const SINGLE_TYPES = new Map<ValType, readonly ValType[]>();
/** `[t]`, one shared array per type (block types of one value allocate nothing per block). */
function singleType(t: ValType): readonly ValType[] {
  let a = SINGLE_TYPES.get(t);
  if (a === undefined) SINGLE_TYPES.set(t, a = [t]);
  return a;
}

/** A fuel region being translated: its `ConsumeFuel` and the price of its operators so far. */
class FuelRegion {
  /** The price of the operators read so far. */
  cost = 0;
  /** Immediates of further `ConsumeFuel`s that pay this region (rotated loop back edges). */
  readonly sharers: number[] = [];
  /** @param at the code index of the immediate of the region's `ConsumeFuel` */
  constructor(readonly at: number) {}
}

/** One entry of the control stack. */
class Ctrl {
  /** Forward branches to this label that wait for its `end` (a patch list). */
  patches = NO_PATCH;
  /** `if`: the branch to the else arm (or to `end`), until `else` resolves it. */
  elsePatch = NO_PATCH;
  /** Whether `end` is reached other than by falling through (a branch, or the then arm). */
  merged = false;
  /**
   * A loop whose first instruction is a conditional exit (`loop (br_if $out (cond)) ...`):
   * that branch (opcode and operands, target excluded) and its target. A `br` back to the loop
   * then tests the negated condition itself (loop rotation) instead of jumping to the test.
   */
  head: { op: number; args: number[]; target: Ctrl } | null = null;
  /** A loop's first instruction after its `ConsumeFuel` (`loopPc` when fuel is off). */
  bodyPc = 0;
  /**
   * A metered loop under `auto`: its `TierUp`, after the header's `ConsumeFuel` (or after its
   * head test, see `FuncTranslator.#noteLoopHead`: -2 until emitted there), where a back edge
   * that paid the charge itself lands (-1 otherwise; see `FuncTranslator.#block`).
   */
  tierPc = -1;
  /**
   * An `if` whose branch pays the arm it enters (an `*Arms` row, see `FUEL_ROWS` in isa.ts):
   * the branch's code index, until the `else` (without one, it becomes the plain branch).
   */
  armsAt = -1;
  /** The fuel region this frame opened (function, loop, if or else arm), if fuel is metered. */
  fuel: FuelRegion | null = null;
  /**
   * A `try_table`'s catch clauses as handler entries (see `exceptions.ts`) whose range end is
   * filled in at its `end`; null for other blocks.
   */
  handlers: number[] | null = null;
  /** A loop: the locals that held a byte on entry (see `FuncTranslator.#byteLocal`). */
  byteEntry: readonly number[] | null = null;
  /** A loop: the byte offset of its first operator. */
  bodyPos = 0;
  /** A loop, once asked: 1 per local that some write in the loop may make 256 or more. */
  byteBad: Uint8Array | null = null;

  /**
   * @param kind BLOCK, LOOP, IF, ELSE or FUNC
   * @param height operand stack height below the block's parameters
   * @param params parameter types
   * @param results result types
   * @param loopPc a loop's header (its branch target)
   */
  constructor(
    public kind: number,
    public height: number,
    public params: readonly ValType[],
    public results: readonly ValType[],
    public loopPc: number,
  ) {}

  /** Makes this (popped) entry a new one, as the constructor does (see `FuncTranslator.#open`). */
  reset(
    kind: number,
    height: number,
    params: readonly ValType[],
    results: readonly ValType[],
    loopPc: number,
  ): void {
    this.kind = kind;
    this.height = height;
    this.params = params;
    this.results = results;
    this.loopPc = loopPc;
    this.patches = NO_PATCH;
    this.elsePatch = NO_PATCH;
    this.merged = false;
    this.head = null;
    this.bodyPc = 0;
    this.tierPc = -1;
    this.armsAt = -1;
    this.fuel = null;
    this.handlers = null;
    this.byteEntry = null;
    this.byteBad = null;
  }

  /** How many values a branch to this label carries. */
  get arity(): number {
    return this.kind === LOOP ? this.params.length : this.results.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Operator tables, from the rows of `binary/opcodes.ts` and `isa.ts`

/** How a binary operator's immediate form takes its constant. */
const IMM_I32 = 0;
/** The constant as a `w` pair. */
const IMM_I64 = 1;
/** An i64 shift or rotate count as one `i` word (taken modulo 64). */
const IMM_SHIFT64 = 2;

/** A row's translation rule with its instructions resolved to opcodes. */
interface Rule {
  readonly kind: TranslateKind;
  /** The internal instruction. */
  readonly op: number;
  /** The immediate form, or -1. */
  readonly imm: number;
  /** How the immediate form takes its constant (`IMM_*`). */
  readonly immKind: number;
  readonly commutative: boolean;
  readonly negate: boolean;
  /** The immediate form for a constant left operand, or -1. */
  readonly mirror: number;
  /** Operand and result counts of the signature. */
  readonly params: number;
  readonly results: number;
  /** Whether the (first) result is a v128. */
  readonly v128: boolean;
}

const opOf = (name: InstrName | null): number => (name === null ? -1 : I[name]);

function immKindOf(info: OpInfo): number {
  const imm = info.translate.imm;
  if (imm === null) return IMM_I32;
  if (ISA[I[imm]]!.shape.endsWith("w")) return IMM_I64;
  return info.params![0] === "i64" ? IMM_SHIFT64 : IMM_I32;
}

/** The rule of each Wasm opcode, by `denseIndex`. */
const RULES: (Rule | undefined)[] = new Array(DENSE_SIZE);
/** Value-producing compare → the branch that jumps when it holds (-1: none), by opcode. */
const CMP_TO_BRANCH = new Int32Array(ISA.length).fill(-1);
/** Conditional branch → the branch on the negated condition, by opcode. */
const NEGATE_BRANCH = new Int32Array(ISA.length).fill(-1);

for (const info of OP_INFO.values()) {
  const t = info.translate;
  RULES[denseIndex(info.code)] = {
    kind: t.kind,
    op: opOf(t.instr),
    imm: opOf(t.imm),
    immKind: immKindOf(info),
    commutative: t.commutative,
    negate: t.negate,
    mirror: opOf(t.mirror),
    params: info.params?.length ?? 0,
    results: info.results.length,
    v128: info.results[0] === "v128",
  };
  if (t.branch !== null) CMP_TO_BRANCH[I[t.instr!]] = I[t.branch];
  if (t.branchImm !== null) CMP_TO_BRANCH[I[t.imm!]] = I[t.branchImm];
}
ISA.forEach((d, op) => {
  if (d.negation !== null) NEGATE_BRANCH[op] = I[d.negation as InstrName];
});

/**
 * A table by instruction of the pairs given (-1: none). The translator's lookups of fusions read
 * such tables, not `Map`s or `Set`s: with a `Map.get` per load, store, register shift and branch
 * an eager compile's pass was 1-3% (SQLite) and 2-5% (large, funcs50k) slower (least CPU ms of
 * 35 rounds, three alternating processes per tree).
 */
function byInstr(pairs: readonly (readonly [number, number])[]): Int32Array {
  const table = new Int32Array(ISA.length).fill(-1);
  for (const [from, to] of pairs) table[from] = to;
  return table;
}

/** Memory-0 loads that take an `I32AddImm` of their address into themselves (see `#load`). */
const LOAD_ADD_IMM = byInstr([
  [I.I32Load, I.I32LoadAddImm],
  [I.I64Load, I.I64LoadAddImm],
  [I.I32Load8U, I.I32Load8UAddImm],
]);

/** The instructions a byte swap is spelled in (see `#byteSwap`). */
const BYTE_MOVES: ReadonlySet<number> = new Set([I.I64ShlImm, I.I64ShrUImm, I.I64AndImm, I.I64Or]);

/** How many recorded instruction starts are kept (`#byteSwap` reads back through them). */
const STARTS_KEPT = 64;

/** The most instructions `#byteSwap` takes back (clang's byte swap is 21). */
const BYTE_SWAP_MAX = 32;

/**
 * The slot whose bytes, in reverse order, the instructions starting at `starts[first]` up to
 * the last recorded one (i64 shifts by constants, masks by constants and ors: `BYTE_MOVES`)
 * write into slot `d`, with that slot not written among them. Each value is followed as the
 * source byte (slot and index) of each of its eight bytes, or zero; at a shift by a count that
 * is not whole bytes, a mask byte other than 0x00 and 0xff, or an or of two nonzero bytes, the
 * search ends, returning `-i - 2` for the index `i` of that instruction; else -1 when `d` is not
 * such a swap.
 */
function swappedFrom(
  code: CodeBuilder,
  starts: Int32Array,
  n: number,
  first: number,
  d: number,
): number {
  // Slot -> its value's bytes, low first: -1 zero, else source slot * 8 + byte index.
  const values = new Map<number, number[]>();
  const read = (slot: number): number[] =>
    values.get(slot) ?? [0, 1, 2, 3, 4, 5, 6, 7].map((b) => slot * 8 + b);
  for (let i = first; i < n; i++) {
    const at = starts[i]!, op = code.get(at), a = read(code.get(at + 2));
    let v: number[];
    if (op === I.I64Or) {
      const b = read(code.get(at + 3));
      v = a.map((y, k) => (y < 0 ? b[k]! : b[k]! < 0 ? y : -2));
    } else if (op === I.I64AndImm) {
      const lo = code.get(at + 3), hi = code.get(at + 4);
      v = a.map((y, k) => {
        const m = ((k < 4 ? lo : hi) >>> (8 * (k & 3))) & 0xff;
        return m === 0xff ? y : m === 0 ? -1 : -2;
      });
    } else {
      const k = code.get(at + 3) & 63;
      if ((k & 7) !== 0) return -i - 2;
      const by = op === I.I64ShlImm ? -(k >> 3) : k >> 3;
      v = a.map((_, j) => a[j + by] ?? -1);
    }
    if (v.includes(-2)) return -i - 2;
    values.set(code.get(at + 1), v);
  }
  const v = values.get(d)!;
  const x = v[7]! >> 3;
  if (v[7]! < 0 || values.has(x)) return -1;
  for (let k = 0; k < 8; k++) if (v[k] !== x * 8 + 7 - k) return -1;
  return x;
}

/** Memory-0 stores that take an `ADDR` address (`local + imm`) into themselves (see `#store`). */
const STORE_AT = byInstr([
  [I.I32Store, I.I32StoreAt],
  [I.I32Store8, I.I32Store8At],
]);

/** i64 shifts and rotations by a register count (they read only its low word): 1, else -1. */
const SHIFT_BY_REGISTER = byInstr([
  [I.I64Shl, 1],
  [I.I64ShrS, 1],
  [I.I64ShrU, 1],
  [I.I64Rotl, 1],
  [I.I64Rotr, 1],
]);

/** Compare+branches that take in an `I32Add` of their first operand (see `#emitBranch`). */
const ADD_BRANCH = byInstr([
  [I.BrIfI32LtU, I.I32AddBrIfLtU],
  [I.BrIfI32GeU, I.I32AddBrIfGeU],
]);

/** Compare+branches that take in an `I32AddImm` of their first operand (see `#emitBranch`). */
const ADD_IMM_BRANCH = byInstr([
  [I.BrIfI32LtU, I.I32AddImmBrIfLtU],
  [I.BrIfI32GeU, I.I32AddImmBrIfGeU],
  [I.BrIfI32LeU, I.I32AddImmBrIfLeU],
  [I.BrIfI32GtU, I.I32AddImmBrIfGtU],
  [I.BrIfI32Ne, I.I32AddImmBrIfNe],
  [I.BrIfI32Eq, I.I32AddImmBrIfEq],
  [I.BrIfI32LtUImm, I.I32AddImmBrIfLtUImm],
  [I.BrIfI32GeUImm, I.I32AddImmBrIfGeUImm],
  [I.BrIfI32NeImm, I.I32AddImmBrIfNeImm],
  [I.BrIfI32EqImm, I.I32AddImmBrIfEqImm],
]);

// ---------------------------------------------------------------------------------------------
// Peephole pass over finished code (linear; every rewrite keeps instruction sizes, padding
// with `Nop`, so jump targets stay valid)

/** Where a jump to `target` really ends up: follows chains of `Br` (in `code[0, length)`). */
function threadTarget(code: Int32Array, target: number, length: number): number {
  for (let hops = 0; hops < 8 && target < length && code[target] === I.Br; hops++) {
    target = code[target + 1]!;
  }
  return target;
}

/**
 * - `Br` to a `Br`: jumps straight to the final target;
 * - `Br` to a return: returns right away;
 * - `Copy a, b` followed by `ReturnSlot a`: returns `b`.
 */
function peephole(code: Int32Array, length: number): void {
  // One walk (each pass cost a walk through `instrSize`: 2% of an eager SQLite compile): a
  // `Copy` looks at the instruction after it once that one is rewritten. The code is the
  // builder's buffer, whose words from `length` on are stale: nothing there is read.
  for (let pc = 0; pc < length; pc += instrSize(code, pc)) {
    const op = code[pc];
    if (op === I.Br) threadBranch(code, pc, length);
    else if (op === I.Copy && pc + 3 < length) {
      if (code[pc + 3] === I.Br) threadBranch(code, pc + 3, length);
      if (code[pc + 3] === I.ReturnSlot && code[pc + 4] === code[pc + 1]) {
        code[pc] = I.ReturnSlot;
        code[pc + 1] = code[pc + 2]!;
        code[pc + 2] = I.Nop;
      }
    }
  }
}

/** The first rewrites of `peephole`, for the `Br` at `pc`. */
function threadBranch(code: Int32Array, pc: number, length: number): void {
  const target = threadTarget(code, code[pc + 1]!, length);
  code[pc + 1] = target;
  if (target >= length) return;
  if (code[target] === I.ReturnSlot) {
    code[pc] = I.ReturnSlot;
    code[pc + 1] = code[target + 1]!;
  } else if (code[target] === I.Return) {
    code[pc] = I.Return;
    code[pc + 1] = I.Nop;
  }
}

// ---------------------------------------------------------------------------------------------
// The translator

/**
 * The translator the last translation used, kept for the next one (translations never overlap).
 * A translator per function, with its code builder and its growable arrays, made every small
 * function cost about 800 bytes of garbage and a collection every few thousand functions
 * (funcs50k eager, measured with the sampling heap profiler: see the commit).
 */
let spareTranslator: FuncTranslator | null = null;

/**
 * The reader `#hoistConsts` reads ahead with, kept for the next loop of the same module (as
 * `spareReader`: translations never overlap).
 */
let hoistReader = NO_READER;
/** At most this many constants are hoisted out of one loop (`#hoistConsts`). */
const HOIST_MAX = 16;
/** `#hoistConsts`'s candidates, six numbers each (translations never overlap). */
const HOIST_SCRATCH = new Int32Array(6 * (HOIST_MAX + 1));

/**
 * Whether operator `op` can neither branch, nor call, nor open or close a block: a loop's
 * straight-line start is made of such operators (`#hoistConsts`). Plain operators (`drop`,
 * `select`, locals and globals, tables' get and set, memory, numeric, `0xFC`, SIMD, atomics):
 * they may trap, which ends the call and with it any reader of the locals.
 */
function straightLine(op: number): boolean {
  if (op < 0x100) return (op >= 0x1a && op <= 0x1c) || (op >= 0x20 && op <= 0xc4);
  const prefix = op >> 12;
  return prefix === 0xfc || prefix === 0xfd || prefix === 0xfe;
}

/** Condition kinds produced by `popCondition`. */
const COND_BRANCH = 0;
const COND_ALWAYS = 1;
const COND_NEVER = 2;

class FuncTranslator {
  // Set by `#begin` for each function (the translator is reused: see `spareTranslator`).
  #module!: ModuleDecl;
  #funcIndex = 0;
  #type!: FuncType;
  /** The function's index among the module's bodies (`module.bodies`). */
  #body = 0;
  #numLocals = 0;
  #reader!: OpReader;
  readonly #code = new CodeBuilder();
  #stack!: OperandStack;
  // The growable arrays are emptied by `#begin` (where read by length) and kept: a reused
  // array allocates nothing until it outgrows its largest use so far.
  readonly #ctrl: Ctrl[] = [];
  /**
   * The entries the control stack has held, by depth, reused by `#open` (nothing keeps an entry
   * once popped): an object per block was half of what SQLite's eager compile allocated.
   */
  readonly #ctrlPool: Ctrl[] = [];
  /** Whether the code being read can execute (false after br/return/unreachable). */
  #reachable = true;
  /** Nesting depth of blocks inside skipped (unreachable) code. */
  #deadDepth = 0;
  /**
   * For fuel: which of the blocks nested in skipped code are regions (loop, if), and how many
   * are: operators inside a region that is never entered cost nothing.
   */
  readonly #deadIsRegion: boolean[] = [];
  #deadRegions = 0;
  /** Reused scratch list of stack positions. */
  readonly #positions: number[] = [];
  /** Pairs `[pc, byte offset]` for `CompiledFunc.codeOffsets`. */
  readonly #offsets: number[] = [];
  /** The catch clauses of the `try_table`s ended so far, innermost first (`HANDLER_WORDS` each). */
  readonly #handlers: number[] = [];

  // The last emitted value-producing instruction, for retargeting and compare+branch fusion:
  // it starts at `#lastStart`, its result is the entry at `#lastPos`, and it is still the last
  // instruction while the code length is `#lastEnd` (binding a label sets that to -1).
  #lastStart = 0;
  #lastEnd = -1;
  #lastPos = -1;
  // The code length right after the last `Copy` that `#move` emitted (-1 once a label is bound):
  // a copy back the other way right after it is a no-op and is left out.
  #copyEnd = -1;
  // Where the last lone `I32Copy8At` starts and ends (-1 once a label is bound): a byte copy
  // right after it joins it in an `I32Copy8At2`.
  #copy8At = -1;
  #copy8End = -1;
  // Whether the instruction ending at `#copyEnd` is a lone `Copy` (not yet joined in a `Copy2`).
  #copyPair = false;
  // The code length right after the last `Copy2` that `#move` made (-1 once a label is bound):
  // a `Copy2` made right after it joins it in a `Copy4`.
  #pairEnd = -1;
  // After a lone `Copy x, y` of local `y` into local `x` (at `#aliasAt`), until either local is
  // written or a label is bound: `x` holds what `y` does, so `local.get x` reads `y`, and the
  // copy is dead if `x` is written before anything reads it (`#dropDeadCopy`). -1: none.
  #aliasDst = -1;
  #aliasSrc = -1;
  #aliasAt = -1;
  // Where the last value-producing instruction starts (-1 after a label or a take-back), and the
  // one before (restored when a compare is taken back into its branch): a branch right after an
  // `I32AddImm` there may take it in (`#emitBranch`).
  #resultStart = -1;
  #prevResultStart = -1;
  // And the one before that (a SHA-2 sigma's three steps: `#sigma`).
  #prev2ResultStart = -1;
  // The position of the `ADDR` entry the operator just read pushed (-1 if it pushed none): see
  // `#settleFreshAddr`.
  #freshAddr = -1;

  // The condition popped by `#popCondition`: a branch opcode and its operands (without the
  // target), or ALWAYS / NEVER for a constant condition.
  #condKind = COND_BRANCH;
  #condOp = 0;
  readonly #condArgs = CONDITION_ARGS;
  #condArgc = 0;

  // Fuel: the prices (null when not metered) and the open regions, innermost last.
  #fuel: FuelCosts | null = null;
  readonly #regions: FuelRegion[] = [];
  /** The block type `#blockType` read last. */
  #btParams: readonly ValType[] = NO_TYPES;
  /** See `#btParams`. */
  #btResults: readonly ValType[] = NO_TYPES;
  /**
   * Whether each local (parameters first) is a v128, which moves as four words (entries past
   * the function's locals are stale).
   */
  readonly #localV128: boolean[] = [];
  // Where the value-producing instructions since the last label start, ascending (those a
  // take-back cut off are dropped when the next one is recorded): `#byteSwap` reads back
  // through them.
  readonly #starts = new Int32Array(STARTS_KEPT);
  /** How many of `#starts` are recorded. */
  #nStarts = 0;

  #arena: CodeArena | null = null;
  /** Where the function gets its offsets later, or null to note them in `#offsets` now. */
  #offsetSource: OffsetSource | null = null;
  /**
   * The `auto` tier's threshold (`CompiledFunc.hotness`): when not 0, a `TierUp` starts the
   * function and each loop header (whose loops are then not rotated, so every iteration passes
   * its header).
   */
  #hotness = 0;
  /** Validates each instruction before it is translated, when not null (see `translateFunc`). */
  #validator: FuncValidator | null = null;
  /** Whether the function has a v128 parameter or local (only then can a loop hoist a const). */
  #anyV128Local = false;
  // The loop-invariant `v128.const`s of the loop being read (`#hoistConsts`), written to their
  // locals before its header: pairs (byte offset of the `v128.const`, its local), `#nHoists`
  // of them, the next to meet at `#hoistAt`.
  readonly #hoists: number[] = [];
  #nHoists = 0;
  #hoistAt = 0;
  /** The local of the hoisted `v128.const` just read, until its `local.set` / `local.tee`. */
  #hoistedLocal = -1;
  /** The locals the straight-line start of a loop reads or writes (`#hoistConsts`). */
  readonly #hoistSeen: number[] = [];
  /**
   * Straight-line byte facts: local `x` holds a byte while `#byteAt[x]` is `#byteGen` (its last
   * write wrote one), the first `#nByteNow` of `#byteNow` listing them (and perhaps others
   * since written: `#byteListed[x]` is the generation `x` was listed in); a label bumps the
   * generation (forgets them all: another path may join there).
   */
  #byteGen = 0;
  #byteAt = new Int32Array(0);
  #byteListed = new Int32Array(0);
  #byteNow = new Int32Array(0);
  #nByteNow = 0;
  /** Whether the function's code view is left to `CompiledFunc.placeCode` (`translateFunc`). */
  #deferCode = false;

  /** Starts translating the body of function `funcIndex` (see `translateFunc`). */
  #begin(
    module: ModuleDecl,
    funcIndex: number,
    fuel: FuelCosts | null,
    arena: CodeArena | null,
    offsets: OffsetSource | null,
    hotness: number,
    validator: FuncValidator | null,
    deferCode: boolean,
  ): void {
    this.#code.reset();
    this.#deferCode = deferCode;
    // Emptied only when not empty: `length = 0` frees the backing store.
    if (this.#ctrl.length !== 0) this.#ctrl.length = 0;
    if (this.#offsets.length !== 0) this.#offsets.length = 0;
    if (this.#handlers.length !== 0) this.#handlers.length = 0;
    if (this.#regions.length !== 0) this.#regions.length = 0;
    this.#nStarts = 0;
    this.#reachable = true;
    this.#deadDepth = 0;
    this.#deadRegions = 0;
    this.#lastStart = 0;
    this.#lastEnd = -1;
    this.#lastPos = -1;
    this.#copyEnd = -1;
    this.#copy8At = this.#copy8End = -1;
    this.#copyPair = false;
    this.#pairEnd = -1;
    this.#aliasDst = this.#aliasSrc = this.#aliasAt = -1;
    this.#resultStart = -1;
    this.#prevResultStart = -1;
    this.#prev2ResultStart = -1;
    this.#freshAddr = -1;
    this.#condKind = COND_BRANCH;
    this.#condOp = 0;
    this.#condArgc = 0;
    this.#btParams = NO_TYPES;
    this.#btResults = NO_TYPES;
    this.#hotness = hotness;
    this.#validator = validator;
    this.#arena = arena;
    this.#offsetSource = offsets;
    this.#module = module;
    this.#funcIndex = funcIndex;
    this.#fuel = fuel;
    this.#type = module.types[module.funcTypeIndices[funcIndex]!]!;
    const body = this.#body = funcIndex - module.importedFuncs;
    const bodies = module.bodies;
    const locals = bodies.locals(body);
    this.#numLocals = this.#type.params.length + locals.length;
    this.#reader = validator !== null
      ? validator.begin(funcIndex)
      : readerFor(module.bytes, module.typeIds, bodies.codeStart(body), bodies.codeEnd(body));
    this.#stack = OperandStack.take(this.#numLocals);
    const params = this.#type.params;
    const localV128 = this.#localV128;
    // Noted in the same loops (two `includes` calls were 0.6% of an eager compile of funcs50k).
    let anyV128 = false;
    for (let i = 0; i < params.length + locals.length; i++) {
      const v128 = (i < params.length ? params[i] : locals[i - params.length]) === "v128";
      localV128[i] = v128;
      if (v128) anyV128 = true;
    }
    this.#anyV128Local = anyV128;
    this.#nHoists = 0;
    this.#hoistAt = 0;
    this.#hoistedLocal = -1;
    if (this.#byteAt.length < this.#numLocals) {
      this.#byteAt = new Int32Array(this.#numLocals * 2);
      this.#byteListed = new Int32Array(this.#numLocals * 2);
      this.#byteNow = new Int32Array(this.#numLocals * 2);
    }
    this.#byteGen = 0;
    this.#nByteNow = 0;
    // Declared i32 locals start at zero: a byte until written.
    for (let i = 0; i < params.length; i++) this.#byteAt[i] = this.#byteListed[i] = -1;
    for (let i = params.length; i < this.#numLocals; i++) {
      const i32 = locals[i - params.length] === "i32";
      this.#byteAt[i] = this.#byteListed[i] = i32 ? 0 : -1;
      if (i32) this.#byteNow[this.#nByteNow++] = i;
    }
  }

  /** Translates a body (the parameters are `translateFunc`'s). */
  translate(
    module: ModuleDecl,
    funcIndex: number,
    fuel: FuelCosts | null,
    arena: CodeArena | null,
    offsetSource: OffsetSource | null,
    hotness: number,
    funcValidator: FuncValidator | null,
    deferCode: boolean,
    pending: PendingFuncs | null = null,
  ): CompiledFunc | null {
    this.#begin(module, funcIndex, fuel, arena, offsetSource, hotness, funcValidator, deferCode);
    const func = this.#open(FUNC, 0, NO_TYPES, this.#type.results, 0);
    if (this.#hotness !== 0) this.#code.emit(I.TierUp);
    func.fuel = this.#openFuelRegion();
    const r = this.#reader;
    const validator = this.#validator;
    // Tested here, not only inside the callees: a call that never runs has no feedback, and
    // TurboFan spends the loop's inlining budget (920 bytecode bytes) on the calls that do. With
    // `#markOffset` and `#payFuel` called (and inlined) on every operator of an eager compile
    // that needs neither, `FuncValidator.step` no longer fit in the budget
    // (`--trace-turbo-inlining`) and was called per operator.
    const noteOffsets = this.#offsetSource === null;
    const metered = this.#fuel !== null;
    while (this.#ctrl.length > 0) {
      const op = r.read();
      if (validator !== null) validator.step(op);
      if (!this.#reachable) {
        this.#skipOp(op);
      } else {
        if (this.#freshAddr >= 0) this.#settleFreshAddr(op);
        if (noteOffsets) this.#markOffset(r.opPos);
        // An `end` is priced by `#end`: it may belong to the enclosing region.
        if (metered && op !== Op.End) this.#payFuel(op);
        this.#translateOp(op);
      }
    }
    const params = this.#type.params.length;
    const results = this.#type.results.length;
    const frameSlots = Math.max(this.#numLocals + this.#stack.maxHeight, results);
    this.#stack.release();
    // The validator's reader stays its own (it reads with the module's features).
    if (validator !== null) validator.finish();
    else spareReader = r;
    const offsets = this.#offsetSource ?? Int32Array.from(this.#offsets);
    const handlers = this.#handlers.length > 0 ? Int32Array.from(this.#handlers) : null;
    const builder = this.#code;
    const length = builder.len;
    // Rewritten in the builder's buffer, then copied.
    peephole(builder.words, length);
    const into = this.#arena;
    const deferred = into !== null && this.#deferCode;
    if (pending !== null && deferred && handlers === null) {
      // No object for the function yet (see `PendingFuncs`).
      pending.record(
        this.#body,
        builder.finishPlaced(into),
        into.placedAt,
        length,
        frameSlots * SLOT_WORDS,
      );
      this.#release();
      return null;
    }
    const compiled = new CompiledFunc(
      deferred ? builder.finishPlaced(into) : builder.finish(into),
      params * SLOT_WORDS,
      this.#numLocals * SLOT_WORDS,
      frameSlots * SLOT_WORDS,
      this.#type.results.length,
      this.#funcIndex,
      offsets,
      this.#module.bodies.codeStart(this.#body),
      handlers,
    );
    compiled.hotness = this.#hotness;
    if (deferred) compiled.deferCode(into.placedAt, length);
    this.#release();
    return compiled;
  }

  /**
   * Lets go of what the translation read (the spare translator must not keep a dropped module,
   * its code or its validator alive; `#begin` sets them all again).
   */
  #release(): void {
    this.#module = null!;
    this.#type = null!;
    // A reader of nothing, not null: the field keeps one class, read on every operator.
    this.#reader = NO_READER;
    this.#arena = null;
    this.#offsetSource = null;
    this.#validator = null;
  }

  /**
   * Notes that the code emitted from here on comes from the instruction at byte `offset` (see
   * `CompiledFunc.codeOffsets`). Code an earlier instruction emitted and a later one took back
   * (fusion, retargeting) drops its pairs, so the pcs stay ascending.
   */
  #markOffset(offset: number): void {
    if (this.#offsetSource !== null) return;
    const pc = this.#code.len;
    const o = this.#offsets;
    while (o.length > 0 && o[o.length - 2]! > pc) o.length -= 2;
    if (o.length > 0 && o[o.length - 2] === pc) o[o.length - 1] = offset;
    else o.push(pc, offset);
  }

  /**
   * Opens a fuel region here (function entry, loop header, if/else arm) and emits the
   * `ConsumeFuel` that pays it. Nothing (null) when fuel is not metered.
   */
  #openFuelRegion(): FuelRegion | null {
    if (this.#fuel === null) return null;
    this.#code.emit(I.ConsumeFuel);
    const region = new FuelRegion(this.#code.len);
    this.#code.emit(0);
    this.#regions.push(region);
    return region;
  }

  /** Closes the innermost fuel region: writes its price into the `ConsumeFuel`s that pay it. */
  #closeFuelRegion(): void {
    const region = this.#regions.pop();
    if (region === undefined) return;
    const cost = Math.min(region.cost, FUEL_CHUNK);
    this.#code.set(region.at, cost);
    for (const at of region.sharers) this.#code.set(at, cost);
  }

  /** Adds the price of operator `op` to the innermost fuel region. */
  #payFuel(op: number): void {
    const fuel = this.#fuel;
    if (fuel === null) return;
    const region = this.#regions[this.#regions.length - 1]!;
    region.cost += fuel.base;
    if (
      op === Op.Call || op === Op.CallIndirect || op === Op.ReturnCall ||
      op === Op.ReturnCallIndirect
    ) region.cost += fuel.call;
  }

  // -------------------------------------------------------------------------------------------
  // Slots and entries

  /** Word offset of the slot of stack position `p`. */
  #slot(p: number): number {
    return (this.#numLocals + p) * SLOT_WORDS;
  }

  /** Copies entry `p` into its canonical slot if it is not there yet. */
  #materialise(p: number): void {
    const s = this.#stack;
    const kind = s.kind[p];
    if (kind === TEMP) return;
    this.#move(this.#slot(p), p);
    s.setTemp(p);
  }

  /** Emits code that writes the value of entry `p` to slot `dst` (nothing if already there). */
  #move(dst: number, p: number): void {
    const s = this.#stack;
    const kind = s.kind[p];
    if (kind === CONST) {
      if (s.wide[p]) this.#code.op3(I.ConstI64, dst, s.val[p]!, s.hi[p]!);
      else this.#code.op2(I.ConstI32, dst, s.val[p]!);
      return;
    }
    if (kind === ADDR) {
      this.#code.op3(I.I32AddImm, dst, s.val[p]! * SLOT_WORDS, s.hi[p]!);
      return;
    }
    const src = kind === LOCAL ? s.val[p]! * SLOT_WORDS : this.#slot(p);
    if (src === dst) return;
    const code = this.#code;
    if (s.v128[p]) {
      code.op2(I.Copy128, dst, src);
      return;
    }
    // `Copy x, y` then `Copy y, x` (a result stored to a local, then that local passed as an
    // argument in the result's slot): the second finds the value already there. In
    // `bench/calls.wat` this is one of 11 dispatches per iteration.
    // (A `Copy2` ends with its second copy too.)
    const end = this.#copyEnd;
    if (end === code.len && code.get(end - 2) === src && code.get(end - 1) === dst) return;
    // A copy right after a lone `Copy` joins it in a `Copy2`: one dispatch for both (`deno task
    // bench --count --pairs`: Copy+Copy was 12.7% of sha512's dispatches, 16.7% of hostcall's).
    if (end === code.len && code.get(end - 3) === I.Copy && this.#copyPair) {
      this.#copyPair = false;
      // And that `Copy` right after a `Copy2`: the four copies in one `Copy4` (Copy2+Copy2 was
      // 8.3% of sha512's dispatch pairs).
      if (this.#pairEnd === end - 3 && code.get(end - 8) === I.Copy2) {
        const d = code.get(end - 2), a = code.get(end - 1);
        code.set(end - 8, I.Copy4);
        code.truncate(end - 3);
        code.emit(d);
        code.emit(a);
        code.emit(dst);
        code.emit(src);
        this.#copyEnd = code.len;
        this.#pairEnd = -1;
        return;
      }
      code.set(end - 3, I.Copy2);
      code.emit(dst);
      code.emit(src);
      this.#copyEnd = code.len;
      this.#pairEnd = code.len;
      return;
    }
    code.op2(I.Copy, dst, src);
    this.#copyEnd = code.len;
    this.#copyPair = true;
  }

  /** The slot an instruction reads entry `p` from (materialising a constant into its slot). */
  #use(p: number): number {
    const s = this.#stack;
    const kind = s.kind[p];
    if (kind === LOCAL) return s.val[p]! * SLOT_WORDS;
    if (kind === CONST) this.#materialise(p);
    else if (kind === ADDR) this.#settleAddr(p);
    return this.#slot(p);
  }

  /**
   * Emits the `I32AddImm` of `ADDR` entry `p` into its slot, as the last value-producing
   * instruction (so the fusions that look back at one, `I32AddImmBrIf*`, see it as if emitted
   * when the `i32.add` was read). Only where an instruction reading it follows at once: `#use`.
   */
  #settleAddr(p: number): void {
    const s = this.#stack;
    const code = this.#code;
    this.#lastStart = code.len;
    this.#prev2ResultStart = this.#prevResultStart;
    this.#prevResultStart = this.#resultStart;
    this.#resultStart = code.len;
    this.#lastPos = p;
    code.op3(I.I32AddImm, this.#slot(p), s.val[p]! * SLOT_WORDS, s.hi[p]!);
    this.#lastEnd = code.len;
    s.setTemp(p);
  }

  /**
   * Before operator `op`, right after an `i32.add` left an `ADDR` entry on top: unless `op` only
   * pushes a value (a local or a constant, as before a store's value), emits the add now, as it
   * was emitted before `ADDR` entries existed, so that what follows sees it as the instruction
   * just emitted (a load's `I32Load8UAddImm`, `V128LoadAt`, a `local.tee` writing the local
   * directly, a counter's `I32AddImmBrIf*`).
   */
  #settleFreshAddr(op: number): void {
    const p = this.#freshAddr;
    this.#freshAddr = -1;
    if (
      op === Op.LocalGet || op === Op.I32Const || op === Op.I64Const || op === Op.F32Const ||
      op === Op.F64Const
    ) return;
    if (p === this.#stack.height - 1 && this.#stack.kind[p] === ADDR) this.#settleAddr(p);
  }

  /** Materialises every entry in `[from, to)`. */
  #materialiseRange(from: number, to: number): void {
    for (let p = from; p < to; p++) this.#materialise(p);
  }

  /** Materialises every `LOCAL` entry (at control-flow boundaries, see the module doc). */
  #materialiseLocals(): void {
    const refs = this.#positions;
    const n = this.#stack.takeAllLocalRefs(refs);
    for (let i = 0; i < n; i++) this.#materialise(refs[i]!);
  }

  /** Before writing local `x`: materialises the entries that still read it. */
  #preserveLocal(x: number): void {
    if (x === this.#aliasDst || x === this.#aliasSrc) {
      this.#aliasDst = this.#aliasSrc = this.#aliasAt = -1;
    }
    const refs = this.#positions;
    const n = this.#stack.takeLocalRefs(x, refs);
    for (let i = 0; i < n; i++) this.#materialise(refs[i]!);
  }

  /** Pops `n` entries. */
  #pop(n: number): void {
    for (let i = 0; i < n; i++) this.#stack.pop();
  }

  /** Pushes values of `types` that the last instruction left in their canonical slots. */
  #pushTemps(types: readonly ValType[]): void {
    // An index loop: `for...of` made an iterator per call here (a sixth of the bytes translating
    // SQLite allocated).
    for (let i = 0; i < types.length; i++) this.#stack.pushTemp(types[i] === "v128");
  }

  /** Pushes a reference to local `x` (to the local it was just copied from, see `#aliasDst`). */
  #pushLocal(x: number): void {
    if (x === this.#aliasDst) x = this.#aliasSrc;
    this.#stack.pushLocal(x, this.#localV128[x]);
  }

  /**
   * Emits a value-producing instruction whose operands were popped: its destination is the
   * slot of the new top position. Returns that slot; the caller emits the remaining operands.
   */
  #beginResult(op: number): number {
    const pos = this.#stack.height;
    const dst = this.#slot(pos);
    this.#lastStart = this.#code.len;
    this.#prev2ResultStart = this.#prevResultStart;
    this.#prevResultStart = this.#resultStart;
    this.#resultStart = this.#code.len;
    this.#lastPos = pos;
    this.#recordStart();
    this.#code.emit(op);
    this.#code.emit(dst);
    return dst;
  }

  /** Completes `#beginResult`: pushes the result (`v128`: a v128) and records the producer. */
  #endResult(v128 = false): void {
    this.#stack.pushTemp(v128);
    this.#lastEnd = this.#code.len;
  }

  /** Whether the top entry is the result of the last emitted instruction. */
  #topIsLastResult(): boolean {
    const s = this.#stack;
    const top = s.height - 1;
    return this.#lastEnd === this.#code.len && this.#lastPos === top && s.kind[top] === TEMP;
  }

  /** Whether the entries from `from` up to `to` are all constants with every bit zero. */
  #allZeroConsts(from: number, to: number): boolean {
    const s = this.#stack;
    for (let p = from; p < to; p++) {
      if (s.kind[p] !== CONST || s.val[p] !== 0 || s.hi[p] !== 0) return false;
    }
    return true;
  }

  /**
   * Records that a value-producing instruction starts at the end of the code, after dropping
   * the recorded starts a take-back has cut off since (`CodeBuilder.takeLow`). At most the last
   * `STARTS_KEPT` are kept: `#byteSwap` reads back no further.
   */
  #recordStart(): void {
    const starts = this.#starts;
    const low = this.#code.takeLow();
    let n = this.#nStarts;
    while (n > 0 && starts[n - 1]! >= low) n--;
    if (n === STARTS_KEPT) {
      starts.copyWithin(0, STARTS_KEPT / 2);
      n = STARTS_KEPT / 2;
    }
    starts[n] = this.#code.len;
    this.#nStarts = n + 1;
  }

  /** Marks the current position as a branch target: no instruction may be fused across it. */
  #bindLabel(): void {
    this.#byteGen++;
    this.#nByteNow = 0;
    this.#nStarts = 0;
    this.#lastEnd = -1;
    this.#copyEnd = -1;
    this.#copy8At = this.#copy8End = -1;
    this.#pairEnd = -1;
    this.#aliasDst = this.#aliasSrc = this.#aliasAt = -1;
    this.#resultStart = -1;
    this.#prevResultStart = -1;
    this.#prev2ResultStart = -1;
  }

  // -------------------------------------------------------------------------------------------
  // Dispatch

  /**
   * An operator of skipped code. It is still priced (see `fuel.ts`: a region pays for all its
   * operators) unless it is inside a loop or if nested in the skipped code, whose regions are
   * never entered.
   */
  #skipOp(op: number): void {
    switch (op) {
      case Op.Block:
      case Op.TryTable:
      case Op.Loop:
      case Op.If: {
        if (this.#deadRegions === 0) this.#payFuel(op);
        const region = op !== Op.Block && op !== Op.TryTable;
        this.#deadIsRegion[this.#deadDepth++] = region;
        if (region) this.#deadRegions++;
        return;
      }
      case Op.Else:
        if (this.#deadDepth > 0) return; // a then arm that is never entered pays its else
        this.#payFuel(op);
        this.#else();
        return;
      case Op.End:
        if (this.#deadDepth === 0) return this.#end();
        if (this.#deadIsRegion[--this.#deadDepth]) this.#deadRegions--;
        if (this.#deadRegions === 0) this.#payFuel(op);
        return;
      default:
        if (this.#deadRegions === 0) this.#payFuel(op);
    }
  }

  #translateOp(op: number): void {
    // The two most frequent operators (40% of SQLite's) before the table lookup: with the same
    // in `FuncValidator.step`, an eager compile's pass over large, funcs50k and SQLite 5-8%,
    // 4-6% and 2-4% faster (least CPU ms of 35 rounds, three alternating processes per tree).
    if (op === Op.LocalGet) return this.#pushLocal(this.#reader.index);
    if (op === Op.I32Const) return this.#stack.pushConst(this.#reader.i32, 0, false);
    const rule = RULES[denseIndex(op)]!;
    switch (rule.kind) {
      case TranslateKind.Plain:
        return this.#plain(rule);
      case TranslateKind.Binary:
        return this.#binary(rule);
      case TranslateKind.Load:
        return this.#load(rule, op);
      case TranslateKind.Store:
        return this.#store(rule, op);
      case TranslateKind.Nop:
        return;
      case TranslateKind.Simd:
        if (
          op === Op.V128Const && this.#hoistAt < this.#nHoists &&
          this.#hoists[2 * this.#hoistAt] === this.#reader.opPos
        ) {
          // Written before the loop (`#hoistConsts`): the `local.set` / `local.tee` next is
          // all that remains of it.
          this.#hoistedLocal = this.#hoists[2 * this.#hoistAt + 1]!;
          this.#hoistAt++;
          return;
        }
        return this.#simd(opSub(op), rule);
      case TranslateKind.Atomic:
        return this.#atomic(opSub(op), rule);
    }
    const r = this.#reader;
    const s = this.#stack;
    switch (op) {
      case Op.LocalGet:
        return this.#pushLocal(r.index);
      case Op.LocalSet:
      case Op.LocalTee:
        if (this.#hoistedLocal >= 0) {
          // The local already holds the hoisted constant (`#hoistConsts`).
          const x = this.#hoistedLocal;
          this.#hoistedLocal = -1;
          this.#noteByte(x, false);
          if (op === Op.LocalTee) this.#pushLocal(x);
          return;
        }
        return this.#localSet(r.index, op === Op.LocalTee);
      case Op.I32Const:
        return s.pushConst(r.i32, 0, false);
      case Op.I64Const:
        return s.pushConst(r.i64Lo, r.i64Hi, true);
      case Op.F32Const:
        return s.pushConst(r.f32Bits, 0, false);
      case Op.F64Const:
        return s.pushConst(r.f64Lo, r.f64Hi, true);
      case Op.RefNull:
        return s.pushConst(0, 0, false);
      case Op.I32WrapI64:
        // The low word is the i32; only a constant needs to forget its high word.
        if (s.kind[s.height - 1] === CONST) s.wide[s.height - 1] = 0;
        return;
      case Op.Block:
      case Op.Loop:
      case Op.If:
        return this.#block(op);
      case Op.Else:
        return this.#else();
      case Op.End:
        return this.#end();
      case Op.TryTable:
        return this.#tryTable();
      case Op.Throw:
        return this.#throw(r.index);
      case Op.ThrowRef:
        this.#code.op1(I.ThrowRef, this.#use(s.height - 1));
        s.pop();
        return this.#setUnreachable();
      case Op.Br:
        return this.#br(r.index);
      case Op.BrIf:
        return this.#brIf(r.index);
      case Op.BrTable:
        return this.#brTable(r.targets);
      case Op.Return:
        this.#return();
        return this.#setUnreachable();
      case Op.Unreachable:
        this.#code.emit(I.Unreachable);
        return this.#setUnreachable();
      case Op.Call:
        return this.#call(r.index);
      case Op.CallIndirect:
        if (this.#table64(r.index2)) this.#narrow(s.height - 1);
        return this.#callIndirect(r.index, r.index2);
      case Op.ReturnCall:
        return this.#returnCall(r.index);
      case Op.ReturnCallIndirect:
        return this.#returnCallIndirect(r.index, r.index2);
      case Op.CallRef:
        return this.#callRef(r.index, false);
      case Op.ReturnCallRef:
        return this.#callRef(r.index, true);
      case Op.RefAsNonNull:
        // Checked where it is: the value does not move.
        return this.#code.op1(I.RefAsNonNull, this.#use(s.height - 1));
      case Op.RefEq: {
        // References are handles: equal references have equal handles (i31 included).
        const b = this.#use(s.height - 1), a = this.#use(s.height - 2);
        this.#pop(2);
        this.#beginResult(I.I32Eq);
        this.#code.emit(a);
        this.#code.emit(b);
        return this.#endResult();
      }
      case Op.BrOnNull:
        return this.#brOnNull(r.index);
      case Op.BrOnNonNull:
        return this.#brOnNonNull(r.index);
      case Op.Drop:
        return s.pop();
      case Op.Select:
      case Op.SelectT:
        return this.#select();
      case Op.GlobalGet:
        return this.#globalIsV128(r.index)
          ? this.#nullary(I.GlobalGet128, r.index, true)
          : this.#nullary(I.GlobalGet, r.index);
      case Op.GlobalSet:
        return this.#sink1(this.#globalIsV128(r.index) ? I.GlobalSet128 : I.GlobalSet, r.index);
      case Op.RefFunc:
        return this.#nullary(I.RefFunc, r.index);
      case Op.RefIsNull:
        // A null reference is 0.
        return this.#unary(I.I32Eqz);
      case Op.MemorySize:
        if (r.index !== 0) this.#nullary(I.MemorySizeMem, r.index);
        else {
          this.#beginResult(I.MemorySize);
          this.#endResult();
        }
        return this.#widenIf(this.#memory64(r.index));
      case Op.MemoryGrow: {
        const wide = this.#memory64(r.index);
        if (wide) this.#narrow(s.height - 1);
        if (r.index === 0) this.#unary(I.MemoryGrow);
        else this.#unary(I.MemoryGrowMem, undefined, r.index);
        return this.#widenIf(wide);
      }
      case Op.MemoryFill:
        if (this.#memory64(r.index)) this.#narrowOperands(0b101);
        return r.index === 0 ? this.#sink3(I.MemoryFill) : this.#sink3(I.MemoryFillMem, r.index);
      case Op.MemoryCopy:
        this.#narrowOperands(copyWidth(this.#memory64(r.index), this.#memory64(r.index2)));
        return r.index === 0 && r.index2 === 0
          ? this.#sink3(I.MemoryCopy)
          : this.#sink3(I.MemoryCopyMem, r.index, r.index2);
      case Op.MemoryInit:
        if (this.#memory64(r.index2)) this.#narrowOperands(0b001);
        return r.index2 === 0
          ? this.#sink3(I.MemoryInit, r.index)
          : this.#sink3(I.MemoryInitMem, r.index, r.index2);
      case Op.DataDrop:
        return this.#code.op1(I.DataDrop, r.index);
      case Op.TableGet:
        if (this.#table64(r.index)) this.#narrow(s.height - 1);
        return this.#tableGet(r.index);
      case Op.TableSet:
        if (this.#table64(r.index)) this.#narrow(s.height - 2);
        return this.#tableSet(r.index);
      case Op.TableSize:
        this.#nullary(I.TableSize, r.index);
        return this.#widenIf(this.#table64(r.index));
      case Op.TableGrow: {
        const wide = this.#table64(r.index);
        if (wide) this.#narrow(s.height - 1);
        this.#tableGrow(r.index);
        return this.#widenIf(wide);
      }
      case Op.TableFill:
        if (this.#table64(r.index)) this.#narrowOperands(0b101);
        return this.#sink3(I.TableFill, r.index);
      case Op.TableCopy:
        this.#narrowOperands(copyWidth(this.#table64(r.index), this.#table64(r.index2)));
        return this.#sink3(I.TableCopy, r.index, r.index2);
      case Op.TableInit:
        if (this.#table64(r.index2)) this.#narrowOperands(0b001);
        return this.#sink3(I.TableInit, r.index, r.index2);
      case Op.ElemDrop:
        return this.#code.op1(I.ElemDrop, r.index);
    }
    if (this.#gc(op)) return;
    throw new Error(`The engine cannot translate opcode 0x${op.toString(16)} yet`);
  }

  // -------------------------------------------------------------------------------------------
  // GC (see `gc.ts`): types become canonical ids, fields their word offset and storage kind

  /** Translates GC instruction `op`; false when `op` is none. */
  #gc(op: number): boolean {
    const r = this.#reader;
    const s = this.#stack;
    const code = this.#code;
    const h = s.height;
    const typeId = () => this.#module.typeIds[r.index]!;
    switch (op) {
      case Op.StructNew:
      case Op.ArrayNewFixed: {
        // The operands in consecutive slots: `structNew` / `arrayNewFixed` read them from `a`.
        const id = typeId();
        const n = op === Op.StructNew ? gcType(id).storage.length : r.index2;
        if (op === Op.StructNew && n > 0 && this.#allZeroConsts(h - n, h)) {
          // Zero bits are every field's default (null for a reference: a non-nullable field
          // never gets a null constant): `struct.new_default`, which pays the same fuel, and
          // the constants need no slots (binary-trees' leaves: 8% of its dispatches).
          this.#pop(n);
          this.#nullary(I.StructNewDefault, id);
          return true;
        }
        this.#materialiseRange(h - n, h);
        const a = this.#slot(h - n);
        this.#pop(n);
        this.#beginResult(op === Op.StructNew ? I.StructNew : I.ArrayNewFixed);
        code.emit(id);
        if (op === Op.ArrayNewFixed) code.emit(n);
        code.emit(a);
        this.#endResult();
        return true;
      }
      case Op.StructNewDefault:
        this.#nullary(I.StructNewDefault, typeId());
        return true;
      case Op.StructGet:
      case Op.StructGetS:
      case Op.StructGetU: {
        const t = gcType(typeId());
        const kind = signedKind(t.storage[r.index2]!, op === Op.StructGetS);
        const obj = this.#use(h - 1);
        s.pop();
        this.#beginResult(I.StructGet);
        code.emit(obj);
        code.emit(t.offsets[r.index2]!);
        code.emit(kind);
        this.#endResult(kind === ST_V128);
        return true;
      }
      case Op.StructSet: {
        const t = gcType(typeId());
        const obj = this.#use(h - 2), value = this.#use(h - 1);
        this.#pop(2);
        code.op2(I.StructSet, obj, value);
        code.emit(t.offsets[r.index2]!);
        code.emit(t.storage[r.index2]!);
        return true;
      }
      case Op.ArrayNew:
      case Op.ArrayNewDefault:
      case Op.ArrayNewData:
      case Op.ArrayNewElem: {
        const id = typeId();
        const args = op === Op.ArrayNewDefault ? 1 : 2;
        const a = this.#use(h - args), b = args === 2 ? this.#use(h - 1) : 0;
        this.#pop(args);
        this.#beginResult(
          op === Op.ArrayNew
            ? I.ArrayNew
            : op === Op.ArrayNewDefault
            ? I.ArrayNewDefault
            : op === Op.ArrayNewData
            ? I.ArrayNewData
            : I.ArrayNewElem,
        );
        code.emit(id);
        if (op === Op.ArrayNewData || op === Op.ArrayNewElem) code.emit(r.index2);
        code.emit(a);
        if (args === 2) code.emit(b);
        this.#endResult();
        return true;
      }
      case Op.ArrayGet:
      case Op.ArrayGetS:
      case Op.ArrayGetU: {
        const kind = signedKind(gcType(typeId()).storage[0]!, op === Op.ArrayGetS);
        const arr = this.#use(h - 2), i = this.#use(h - 1);
        this.#pop(2);
        this.#beginResult(I.ArrayGet);
        code.emit(arr);
        code.emit(i);
        code.emit(kind);
        this.#endResult(kind === ST_V128);
        return true;
      }
      case Op.ArraySet:
        this.#sink3(I.ArraySet);
        return true;
      case Op.ArrayLen:
        this.#unary(I.ArrayLen);
        return true;
      case Op.ArrayFill:
      case Op.ArrayCopy:
      case Op.ArrayInitData:
      case Op.ArrayInitElem: {
        const n = op === Op.ArrayCopy ? 5 : 4;
        const args: number[] = [];
        for (let p = h - n; p < h; p++) args.push(this.#use(p));
        this.#pop(n);
        code.emit(
          op === Op.ArrayFill
            ? I.ArrayFill
            : op === Op.ArrayCopy
            ? I.ArrayCopy
            : op === Op.ArrayInitData
            ? I.ArrayInitData
            : I.ArrayInitElem,
        );
        if (op === Op.ArrayInitData || op === Op.ArrayInitElem) code.emit(r.index2);
        for (const a of args) code.emit(a);
        return true;
      }
      case Op.RefI31:
        this.#unary(I.RefI31);
        return true;
      case Op.I31GetS:
        this.#unary(I.I31GetS);
        return true;
      case Op.I31GetU:
        this.#unary(I.I31GetU);
        return true;
      case Op.RefTest:
      case Op.RefTestNull:
      case Op.RefCast:
      case Op.RefCastNull: {
        const a = this.#use(h - 1);
        s.pop();
        const test = op === Op.RefTest || op === Op.RefTestNull;
        this.#beginResult(test ? I.RefTest : I.RefCast);
        code.emit(a);
        code.emit(r.heapType);
        code.emit(op === Op.RefTestNull || op === Op.RefCastNull ? 1 : 0);
        this.#endResult();
        return true;
      }
      case Op.BrOnCast:
      case Op.BrOnCastFail: {
        const frame = this.#frame(r.index);
        const nullable = (r.castFlags & CAST_NULL_2) !== 0 ? 1 : 0;
        const a = this.#use(h - 1);
        const taken = op === Op.BrOnCast ? I.BrOnCast : I.BrOnCastFail;
        if (frame.kind !== FUNC && !this.#needsMove(frame)) {
          code.emit(taken);
          code.emit(a);
          code.emit(r.heapType2);
          code.emit(nullable);
          this.#emitTarget(frame);
          return true;
        }
        // Values to move first: skip the jump when the branch is not taken.
        code.emit(taken === I.BrOnCast ? I.BrOnCastFail : I.BrOnCast);
        code.emit(a);
        code.emit(r.heapType2);
        code.emit(nullable);
        const skip = code.emitPatch(NO_PATCH);
        this.#jump(frame);
        code.resolve(skip, code.len);
        this.#bindLabel();
        return true;
      }
      case Op.AnyConvertExtern:
      case Op.ExternConvertAny:
        // One handle space for both hierarchies: the reference is unchanged.
        return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Plain instructions

  /**
   * Operands and results per the signature: `op dst operands...`, the results in consecutive
   * slots from `dst` (`op operands...` without results).
   */
  #plain(rule: Rule): void {
    const s = this.#stack;
    if (rule.op === I.F64Add && this.#fuseBinary(s.height - 2, I.F64Mul, I.F64MulAdd, false)) {
      return;
    }
    const first = s.height - rule.params;
    const args = this.#positions; // (not emptied: see `OperandStack.takeLocalRefs`)
    let n = 0;
    for (let p = first; p < s.height; p++) args[n++] = this.#use(p);
    this.#pop(rule.params);
    if (rule.results === 0) {
      this.#code.emit(rule.op);
    } else {
      this.#beginResult(rule.op);
    }
    for (let i = 0; i < n; i++) this.#code.emit(args[i]!);
    if (rule.results === 0) return;
    this.#endResult(rule.v128);
    if (rule.results > 1) {
      for (let i = 1; i < rule.results; i++) s.pushTemp(false);
      // Retargeting moves only the first result: an instruction with several stays as it is.
      this.#bindLabel();
    }
  }

  #binary(rule: Rule): void {
    const s = this.#stack;
    const pb = s.height - 1;
    const pa = pb - 1;
    if (s.kind[pb] === CONST) return this.#binaryImm(rule.imm, rule.immKind, rule.negate, pa, pb);
    if (s.kind[pa] === CONST) {
      if (rule.commutative) return this.#binaryImm(rule.imm, rule.immKind, false, pb, pa);
      if (rule.mirror >= 0) return this.#binaryImm(rule.mirror, rule.immKind, false, pb, pa);
    }
    if (rule.op === I.I64Xor && (this.#xorShift(pa) || this.#bitwisePair(pa, I.I64And))) return;
    if (
      rule.op === I.I64And &&
      (this.#bitwisePair(pa, I.I64XorImm) || this.#bitwisePair(pa, I.I64Xor))
    ) {
      return;
    }
    if (
      rule.op === I.F32Add &&
      (this.#mulLoad2Add(pa) || this.#fuseBinary(pa, I.F32Mul, I.F32MulAdd, false))
    ) return;
    if (rule.op === I.I64Add && (this.#addProduct(pa) || this.#addTo(pa))) return;
    if (rule.op === I.I32Add && this.#addShifted(pa)) return;
    if (rule.op === I.I64Sub && this.#subShifted(pa)) return;
    const count = SHIFT_BY_REGISTER[rule.op] === 1 ? this.#extendedCount(pb) : -1;
    const a = this.#use(pa);
    const b = count >= 0 ? count : this.#use(pb);
    this.#pop(2);
    this.#beginResult(rule.op);
    this.#code.emit(a);
    this.#code.emit(b);
    this.#endResult();
    if (rule.op === I.I64Or) this.#byteSwap();
  }

  /**
   * After an `I64Or d, ...`: when the instructions ending with it are i64 shifts by whole bytes,
   * byte masks and ors that together write `d` with the bytes of one slot `x` in reverse order
   * (a byte swap, which Wasm lacks: clang spells `__builtin_bswap64` in 21 such instructions),
   * `x` unwritten among them and every other slot they write a temporary above the stack (dead
   * from here on), takes them back and emits `I64Bswap d, x` (see `swappedFrom`). Only
   * instructions recorded since the last label are read, so none is a branch target. `bench/sha512.c` reads its message words with it (dispatches -9.3%, interpreter
   * min CPU of 7 runs 300 -> 270 ms).
   */
  #byteSwap(): void {
    const code = this.#code;
    const starts = this.#starts;
    const n = this.#nStarts;
    const d = code.get(starts[n - 1]! + 1);
    const deadFrom = this.#slot(this.#stack.height);
    // The instructions taken back: back from the or, while each is one of those kinds and
    // writes `d` or a dead temporary.
    let first = n;
    for (let i = n - 1; i >= 0 && i >= n - BYTE_SWAP_MAX; i--) {
      const at = starts[i]!, op = code.get(at), w = code.get(at + 1);
      if (!BYTE_MOVES.has(op) || (w !== d && w < deadFrom)) break;
      if (at + INSTR_SIZE[op]! !== (i === n - 1 ? code.len : starts[i + 1])) break;
      first = i;
    }
    if (n - first < 4) return;
    // From the earliest of them on, or from after one its bytes cannot be followed through
    // (each try starts further on: linear in the instructions read back).
    let x = swappedFrom(code, starts, n, first, d);
    while (x < -1 && n - (first = -x - 1) >= 4) x = swappedFrom(code, starts, n, first, d);
    if (x < 0) return;
    code.truncate(starts[first]!);
    this.#resultStart = -1;
    this.#prevResultStart = -1;
    this.#prev2ResultStart = -1;
    this.#lastStart = code.len;
    this.#resultStart = code.len;
    this.#recordStart();
    code.op2(I.I64Bswap, d, x);
    this.#lastEnd = code.len;
  }

  /**
   * `i64.xor` of entries `pa` and `pa + 1` when one of them is the result of the instruction just
   * emitted, `I64ShrUImm t, y, k` or `I64RotlImm` / `I64RotrImm t, y, k`, and the other is not a constant: takes
   * the shift back and emits `I64XorShrUImm dst, x, y, k` (or `I64XorRotlImm`) with `x` the
   * other's slot. Returns whether it did. Nothing was emitted since the shift, so `y` still holds
   * what it read. Saves a dispatch per xorshift step (3 of 22 per iteration of `bench/i64.wat`)
   * and 2 of 5 per SHA-2 sigma function (counted with `deno task bench --count`).
   */
  #xorShift(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    if (this.#lastEnd !== code.len) return false;
    const shift = code.get(this.#lastStart);
    const fused = shift === I.I64ShrUImm
      ? I.I64XorShrUImm
      : shift === I.I64RotlImm || shift === I.I64RotrImm
      ? I.I64XorRotlImm
      : -1;
    if (fused < 0) return false;
    // The shift's result is either operand (clang puts it on the left, `(x >> k) ^ x`), still
    // in its slot.
    const shifted = this.#lastPos;
    if ((shifted !== pa && shifted !== pb) || s.kind[shifted] !== TEMP) return false;
    const other = shifted === pa ? pb : pa;
    if (s.kind[other] === CONST) return false;
    const y = code.get(this.#lastStart + 2);
    let k = code.get(this.#lastStart + 3);
    if (shift === I.I64RotrImm) k = (64 - k) & 63; // rotr by k = rotl by 64 - k
    this.#takeBack(this.#lastStart);
    const x = this.#use(other);
    if (this.#sigma(fused, x, y, k)) return true;
    this.#pop(2);
    this.#beginResult(fused);
    code.emit(x);
    code.emit(y);
    code.emit(k);
    this.#endResult();
    return true;
  }

  /**
   * An `i64.and` or `i64.xor` of entries `pa` and `pa + 1` when one of them is the result of the
   * instruction `inner` just emitted, a temporary only this operator reads, and the other is not
   * a constant: takes `inner` back and emits the pair as one instruction, `I64AndNot dst, x, y`
   * for an and of `I64XorImm t, y, -1` (`x & ~y`), `I64XorAnd dst, y, z, x` for an and of
   * `I64Xor t, y, z`, `I64AndXor dst, y, z, x` for a xor of `I64And t, y, z` (`x` the other's
   * slot). Returns whether it did. Nothing was emitted since `inner`, so `y` and `z` still hold
   * what it read. SHA-2's choice and majority functions: `bench/sha512.c`'s rounds from 22 to 19
   * dispatches (`deno task bench --count`).
   */
  #bitwisePair(pa: number, inner: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || code.get(at) !== inner) return false;
    const t = this.#lastPos;
    if ((t !== pa && t !== pb) || s.kind[t] !== TEMP) return false;
    const other = t === pa ? pb : pa;
    if (s.kind[other] === CONST) return false;
    const not = inner === I.I64XorImm;
    if (not && (code.get(at + 3) !== -1 || code.get(at + 4) !== -1)) return false;
    const y = code.get(at + 2), z = code.get(at + 3);
    this.#takeBack(at);
    const x = this.#use(other);
    this.#pop(2);
    if (not) {
      this.#beginResult(I.I64AndNot);
      code.emit(x);
      code.emit(y);
    } else {
      this.#beginResult(inner === I.I64Xor ? I.I64XorAnd : I.I64AndXor);
      code.emit(y);
      code.emit(z);
      code.emit(x);
    }
    this.#endResult();
    return true;
  }

  /**
   * A v128 unary operator of the top entry when it is the result of the instruction `inner` just
   * emitted (`I32x4Sub t, x, y`): takes `inner` back and emits `fused dst, x, y` (`I32x4SubAbs`).
   * Returns whether it did. Nothing was emitted since `inner`, so `x` and `y` still hold what it
   * read.
   */
  #fuseUnary(inner: number, fused: number): boolean {
    const code = this.#code;
    if (!this.#topIsLastResult() || code.get(this.#lastStart) !== inner) return false;
    const x = code.get(this.#lastStart + 2);
    const y = code.get(this.#lastStart + 3);
    code.truncate(this.#lastStart);
    this.#stack.pop();
    this.#beginResult(fused);
    code.emit(x);
    code.emit(y);
    this.#endResult(true);
    return true;
  }

  /**
   * A commutative binary operator of entries `pa` and `pa + 1` when one of them is the result of
   * the instruction `inner` just emitted (`F32Mul t, x, y`, ...) and the other is not a
   * constant: takes `inner` back and emits `fused dst, x, y, c` (`F32MulAdd`, ...) with `c` the
   * other's slot (`v128`: a v128 result). Returns whether it did. Nothing was emitted since
   * `inner`, so `x` and `y` still hold what it read. Multiply+add saves a dispatch per term of
   * a dot product: 13% of bench/vec_float_scalar.wasm's dispatches, 12% of bench/matmul.wat's;
   * max+min (a clamp) 5% of bench/vec_float.wasm's (`deno task bench --count`).
   */
  #fuseBinary(pa: number, inner: number, fused: number, v128: boolean): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    if (this.#lastEnd !== code.len || code.get(this.#lastStart) !== inner) return false;
    const product = this.#lastPos;
    if ((product !== pa && product !== pb) || s.kind[product] !== TEMP) return false;
    const other = product === pa ? pb : pa;
    if (s.kind[other] === CONST) return false;
    const x = code.get(this.#lastStart + 2);
    const y = code.get(this.#lastStart + 3);
    code.truncate(this.#lastStart);
    const c = this.#use(other);
    this.#pop(2);
    this.#beginResult(fused);
    code.emit(x);
    code.emit(y);
    code.emit(c);
    this.#endResult(v128);
    return true;
  }

  /**
   * `f32.add` of entries `pa` and `pa + 1` when one of them is the result of the `F32Mul t, t,
   * t2` just emitted, right after the two loads of its factors into their temporaries (`I32Load
   * t, base, +0` or `I32LoadAddImm t, base, imm, +0`, then the same into `t2`), and the other is
   * not a constant: takes all three back and emits `F32MulLoad2Add dst, base, imm, base2, imm2,
   * c` (`c` the other's slot), starting where the first load did (a trap of either load maps to
   * the first's offset). Returns whether it did. `vec_float_scalar`'s dot products: four
   * dispatches per term became one.
   */
  #mulLoad2Add(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || code.get(at) !== I.F32Mul) return false;
    const product = this.#lastPos;
    if ((product !== pa && product !== pa + 1) || s.kind[product] !== TEMP) return false;
    const other = product === pa ? pa + 1 : pa;
    if (s.kind[other] === CONST) return false;
    const n = this.#nStarts, starts = this.#starts;
    if (n < 3 || starts[n - 1] !== at) return false;
    const first = starts[n - 3]!, second = starts[n - 2]!;
    // The factors: temporaries of the product's position and the one above, each written by
    // its load (so no other instruction reads them: the multiply consumed both).
    const t = this.#slot(product), t2 = this.#slot(product + 1);
    if (code.get(at + 2) !== t || code.get(at + 3) !== t2) return false;
    if (!this.#loadAt(first, second, t) || !this.#loadAt(second, at, t2)) return false;
    // The second load's address must not be the first's value (read through the fused row,
    // it would never have been written).
    const base = code.get(first + 2), base2 = code.get(second + 2);
    if (base2 === t) return false;
    const imm = code.get(first) === I.I32Load ? 0 : code.get(first + 3);
    const imm2 = code.get(second) === I.I32Load ? 0 : code.get(second + 3);
    const c = this.#use(other);
    if (c === t || c === t2) return false;
    code.truncate(first);
    this.#pop(2);
    this.#resultStart = this.#prevResultStart = -1;
    this.#beginResult(I.F32MulLoad2Add);
    code.emit(base);
    code.emit(imm);
    code.emit(base2);
    code.emit(imm2);
    code.emit(c);
    this.#endResult();
    return true;
  }

  /**
   * `f32.mul` of entry `preg` by the constant with bits `k` when `preg` is the result of the
   * load just emitted (`I32Load t, addr, +0` or `I32LoadAddImm t, base, imm, +0`), a temporary
   * only this reads: takes the load back and emits `F32MulImmLoad dst, base, imm, k`, where the
   * load started. Returns whether it did (saxpy's `a * x[i]`: two dispatches became one).
   */
  #loadMulImm(preg: number, k: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || this.#lastPos !== preg || s.kind[preg] !== TEMP) {
      return false;
    }
    if (!this.#loadAt(at, code.len, this.#slot(preg))) return false;
    const base = code.get(at + 2), imm = code.get(at) === I.I32Load ? 0 : code.get(at + 3);
    this.#takeBack(at);
    this.#pop(2);
    this.#beginResult(I.F32MulImmLoad);
    code.emit(base);
    code.emit(imm);
    code.emit(k);
    this.#endResult();
    return true;
  }

  /**
   * `f32.min` of entry `preg` and the constant with bits `hi` when `preg` is the result of the
   * `F32MaxImm t, x, lo` just emitted, a temporary only this reads: takes the max back and emits
   * `F32MaxMinImm dst, x, lo, hi` (a clamp; vec_float_scalar: three dispatches per element
   * became two). Returns whether it did.
   */
  #clampImm(preg: number, hi: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || this.#lastPos !== preg || s.kind[preg] !== TEMP) {
      return false;
    }
    if (code.get(at) !== I.F32MaxImm) return false;
    const x = code.get(at + 2), lo = code.get(at + 3);
    this.#takeBack(at);
    this.#pop(2);
    this.#beginResult(I.F32MaxMinImm);
    code.emit(x);
    code.emit(lo);
    code.emit(hi);
    this.#endResult();
    return true;
  }

  /**
   * Whether the instruction at `at`, ending at `end`, is an i32 load of four bytes into slot
   * `t` without a memarg offset (`I32Load t, addr, +0`, `I32LoadAddImm t, base, imm, +0`).
   */
  #loadAt(at: number, end: number, t: number): boolean {
    const code = this.#code;
    const op = code.get(at);
    if (op !== I.I32Load && op !== I.I32LoadAddImm) return false;
    return at + INSTR_SIZE[op]! === end && code.get(at + 1) === t && code.get(end - 1) === 0;
  }

  /**
   * `f32x4.mul` of entries `pa` and `pa + 1` when one of them is the result of the v128 load just
   * emitted (`V128LoadAt t, base, imm, offset` or `V128LoadFull t, base, offset`): takes the load
   * back and emits `F32x4MulLoad dst, other, base, imm, offset`. Returns whether it did. The
   * fused instruction starts where the load did, so a trap there maps to the load's offset.
   * When the other factor is the result of a v128 load right before (`x[i] * y[i]`) from the
   * same base, neither load with a memarg offset, takes that back too: `F32x4MulLoad2 dst,
   * base, imm, imm2`, starting where the first load did (a trap of either maps to the first
   * load's offset).
   */
  #mulLoad(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    if (this.#lastEnd !== code.len) return false;
    const load = code.get(this.#lastStart);
    if (load !== I.V128LoadAt && load !== I.V128LoadFull) return false;
    const loaded = this.#lastPos;
    if ((loaded !== pa && loaded !== pb) || s.kind[loaded] !== TEMP) return false;
    const other = loaded === pa ? pb : pa;
    const at = load === I.V128LoadAt;
    const base = code.get(this.#lastStart + 2);
    const imm = at ? code.get(this.#lastStart + 3) : 0;
    const offset = code.get(this.#lastStart + (at ? 4 : 3));
    // The other factor loaded by the instruction just before, from the same base and both
    // without a memarg offset: both loads in one.
    const n = this.#nStarts, starts = this.#starts;
    const first = n >= 2 && starts[n - 1] === this.#lastStart ? starts[n - 2]! : -1;
    const load1 = first >= 0 ? code.get(first) : -1;
    if (
      (load1 === I.V128LoadAt || load1 === I.V128LoadFull) &&
      first + INSTR_SIZE[load1]! === this.#lastStart && s.kind[other] === TEMP &&
      code.get(first + 1) === this.#slot(other) && code.get(first + 2) === base &&
      offset === 0 && code.get(first + (load1 === I.V128LoadAt ? 4 : 3)) === 0
    ) {
      const imm1 = load1 === I.V128LoadAt ? code.get(first + 3) : 0;
      code.truncate(first);
      this.#pop(2);
      this.#resultStart = this.#prevResultStart = -1;
      this.#beginResult(I.F32x4MulLoad2);
      code.emit(base);
      code.emit(imm1);
      code.emit(imm);
      this.#endResult(true);
      return true;
    }
    code.truncate(this.#lastStart);
    const a = this.#use(other);
    this.#pop(2);
    this.#beginResult(I.F32x4MulLoad);
    code.emit(a);
    code.emit(base);
    code.emit(imm);
    code.emit(offset);
    this.#endResult(true);
    return true;
  }

  /**
   * `f32x4.min` of entries `pa` and `pa + 1` when `pa` is the result of the `F32x4Max t, x, b`
   * just emitted, `x` the result of the v128 load just before it (`V128LoadAt x, base, imm,
   * +0` or `V128LoadFull x, base, +0`, its vector dead after the max) and `pa + 1` not a
   * constant: takes both back and emits `F32x4MaxMinLoad dst, b, c, base, imm` (a clamp loop's
   * load and clamp). Returns whether it did. It starts where the load did.
   */
  #maxMinLoad(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart, n = this.#nStarts, starts = this.#starts;
    if (this.#lastEnd !== code.len || code.get(at) !== I.F32x4Max) return false;
    if (this.#lastPos !== pa || s.kind[pa] !== TEMP || s.kind[pa + 1] === CONST) return false;
    const first = n >= 2 && starts[n - 1] === at ? starts[n - 2]! : -1;
    const load = first >= 0 ? code.get(first) : -1;
    if ((load !== I.V128LoadAt && load !== I.V128LoadFull) || first + INSTR_SIZE[load]! !== at) {
      return false;
    }
    // The loaded vector is in the max's result slot (a temporary nothing else reads).
    const t = code.get(at + 1);
    if (code.get(first + 1) !== t || t !== this.#slot(pa)) return false;
    const full = load === I.V128LoadFull;
    if (code.get(first + (full ? 3 : 4)) !== 0) return false;
    const x = code.get(at + 2), y = code.get(at + 3);
    if ((x === t) === (y === t)) return false;
    const b = x === t ? y : x;
    const base = code.get(first + 2), imm = full ? 0 : code.get(first + 3);
    code.truncate(first);
    const c = this.#use(pa + 1);
    this.#pop(2);
    this.#resultStart = this.#prevResultStart = -1;
    this.#beginResult(I.F32x4MaxMinLoad);
    code.emit(b);
    code.emit(c);
    code.emit(base);
    code.emit(imm);
    this.#endResult(true);
    return true;
  }

  /**
   * `i16x8.shl` or `i16x8.shr_u` (`instr`) of entry `pa` by the constant `k` (masked): emits
   * `I16x8ShlImm` or `I16x8ShrUImm dst, a, k`, or, for a right shift of the `I16x8Add t, x, y`
   * just emitted (`t` a temporary only this reads), takes the add back and emits
   * `I16x8AddShrUImm dst, x, y, k`. Nothing was emitted since the add, so `x` and `y` still
   * hold what it read.
   */
  #shiftImm(instr: number, pa: number, k: number): void {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart;
    if (
      instr === I.I16x8ShrU && this.#lastEnd === code.len && code.get(at) === I.I16x8Add &&
      this.#lastPos === pa && s.kind[pa] === TEMP
    ) {
      const x = code.get(at + 2), y = code.get(at + 3);
      this.#takeBack(at);
      this.#pop(2);
      this.#beginResult(I.I16x8AddShrUImm);
      code.emit(x);
      code.emit(y);
      code.emit(k);
      return this.#endResult(true);
    }
    const a = this.#use(pa);
    this.#pop(2);
    this.#beginResult(instr === I.I16x8Shl ? I.I16x8ShlImm : I.I16x8ShrUImm);
    code.emit(a);
    code.emit(k);
    this.#endResult(true);
  }

  /**
   * `i16x8.add` of entries `pa` and `pa + 1` when one of them is the result of the
   * `I16x8ShlImm t, a, k` just emitted, a temporary only this reads, and the other is not a
   * constant: takes the shift back and emits `I16x8AddShlImm dst, a, k, c, t` (`c` the other's
   * slot). Returns whether it did. Nothing was emitted since the shift, so `a` still holds what
   * it read.
   */
  #addShifted16(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || code.get(at) !== I.I16x8ShlImm) return false;
    const shifted = this.#lastPos;
    if ((shifted !== pa && shifted !== pa + 1) || s.kind[shifted] !== TEMP) return false;
    const other = shifted === pa ? pa + 1 : pa;
    if (s.kind[other] === CONST) return false;
    const t = code.get(at + 1), a = code.get(at + 2), k = code.get(at + 3);
    this.#takeBack(at);
    const c = this.#use(other);
    this.#pop(2);
    this.#beginResult(I.I16x8AddShlImm);
    code.emit(a);
    code.emit(k);
    code.emit(c);
    code.emit(t);
    this.#endResult(true);
    return true;
  }

  /**
   * Emits `v128.store` (memarg offset `offset`) of the top entry to the address below it:
   * `V128StoreAt base imm offset value` for an `ADDR` address, else `V128Store addr offset
   * value`.
   */
  #emitV128Store(offset: number): void {
    const s = this.#stack;
    const code = this.#code;
    const h = s.height;
    if (s.kind[h - 2] === ADDR) {
      const base = s.val[h - 2]! * SLOT_WORDS, imm = s.hi[h - 2]!;
      const value = this.#use(h - 1);
      this.#pop(2);
      code.op3(I.V128StoreAt, base, imm, offset);
      code.emit(value);
      return;
    }
    const addr = this.#use(h - 2), value = this.#use(h - 1);
    this.#pop(2);
    code.op3(I.V128Store, addr, offset, value);
  }

  /**
   * `f32.add` of entries `pa` and `pa + 1` when one of them is the result of the
   * `F32x4MulLoad t, a, base, imm, offset` just emitted and the other is not a constant: takes it
   * back and emits `F32x4MulLoadAdd dst, a, base, imm, offset, c` with `c` the other's slot
   * (after an `F32x4MulLoad2`, `F32x4MulLoad2Add dst, base, imm, imm2, c`).
   * Returns whether it did. It starts where the load did (a trap maps to the load's offset).
   */
  #mulLoadAdd(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    if (this.#lastEnd !== code.len) return false;
    const mul = code.get(this.#lastStart);
    if (mul !== I.F32x4MulLoad && mul !== I.F32x4MulLoad2) return false;
    const product = this.#lastPos;
    if ((product !== pa && product !== pb) || s.kind[product] !== TEMP) return false;
    const other = product === pa ? pb : pa;
    if (s.kind[other] === CONST) return false;
    const start = this.#lastStart;
    if (mul === I.F32x4MulLoad2) {
      const base = code.get(start + 2), imm1 = code.get(start + 3), imm2 = code.get(start + 4);
      code.truncate(start);
      const c = this.#use(other);
      this.#pop(2);
      this.#beginResult(I.F32x4MulLoad2Add);
      code.emit(base);
      code.emit(imm1);
      code.emit(imm2);
      code.emit(c);
      this.#endResult(true);
      return true;
    }
    const a = code.get(start + 2), base = code.get(start + 3);
    const imm = code.get(start + 4), offset = code.get(start + 5);
    code.truncate(start);
    const c = this.#use(other);
    this.#pop(2);
    this.#beginResult(I.F32x4MulLoadAdd);
    code.emit(a);
    code.emit(base);
    code.emit(imm);
    code.emit(offset);
    code.emit(c);
    this.#endResult(true);
    return true;
  }

  /**
   * An i64 rotation (`op`, `I64RotlImm` or `I64RotrImm`) of entry `preg` by the constant `k`
   * when `preg` is the result of the instruction just emitted, `I64Xor t, x, y`, a temporary
   * only this reads: takes the xor back and emits `I64RotlImmOfXor dst, x, y, k'` (`k'` the
   * count as a left rotation). Returns whether it did. Nothing was emitted since the xor, so `x`
   * and `y` still hold what it read. `bench/i64.wat`: 14 to 13 dispatches per iteration.
   */
  #rotatedXor(op: number, preg: number, k: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || this.#lastPos !== preg || s.kind[preg] !== TEMP) {
      return false;
    }
    if (code.get(at) !== I.I64Xor) return false;
    const x = code.get(at + 2), y = code.get(at + 3);
    this.#takeBack(at);
    this.#pop(2);
    this.#beginResult(I.I64RotlImmOfXor);
    code.emit(x);
    code.emit(y);
    code.emit(op === I.I64RotrImm ? (64 - (k & 63)) & 63 : k & 63);
    this.#endResult();
    return true;
  }

  /**
   * The slot of the i32 that entry `p` (an i64 shift or rotation count) extends, when `p` is the
   * result of the instruction just emitted, `I64ExtendI32U` / `I64ExtendI32S t, x`: that is
   * taken back and `x` returned (the shifts read only a count's low word, which is the i32
   * itself; `(uint64_t)n` counts in C, and `bench/i64.wat`'s `rotr` by `i`). Else -1.
   */
  #extendedCount(p: number): number {
    const code = this.#code;
    if (this.#lastEnd !== code.len || this.#lastPos !== p) return -1;
    if (this.#stack.kind[p] !== TEMP) return -1;
    const op = code.get(this.#lastStart);
    if (op !== I.I64ExtendI32U && op !== I.I64ExtendI32S) return -1;
    const x = code.get(this.#lastStart + 2);
    code.truncate(this.#lastStart);
    this.#lastEnd = -1;
    this.#resultStart = -1;
    return x;
  }

  /**
   * `i64.or` of entry `preg` with the constant `lo`, `hi` when `preg` is the result of the
   * instruction just emitted, `I64ExtendI32U t, x`, a temporary only this reads: takes the
   * extension back and emits `I64ExtendI32UOrImm dst, x, C`. Returns whether it did.
   */
  #extendedOr(preg: number, lo: number, hi: number): boolean {
    const code = this.#code;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || this.#lastPos !== preg) return false;
    if (this.#stack.kind[preg] !== TEMP || code.get(at) !== I.I64ExtendI32U) return false;
    const x = code.get(at + 2);
    this.#takeBack(at);
    this.#pop(2);
    this.#beginResult(I.I64ExtendI32UOrImm);
    code.emit(x);
    code.emit(lo);
    code.emit(hi);
    this.#endResult();
    return true;
  }

  /**
   * The third step of a SHA-2 sigma, `x ^ rotl(y, k3)` (`fused` `I64XorRotlImm`) or
   * `x ^ (y >>> k3)` (`I64XorShrUImm`), right after `I64RotlImm t, y, k1` and
   * `I64XorRotlImm t, t, y, k2` with `x` = `t`: takes both back and emits `I64Sigma dst, t, y,
   * k1, k2, k3, shr` (`shr` 1 for the shift), the three in order (`t` still written). Pops the xor's
   * operands and pushes its result when it does; returns whether it did. Σ0 and Σ1 are 2 of
   * sha512's 30 dispatches per round each, σ0 and σ1 2 of 15 per schedule step.
   */
  #sigma(fused: number, x: number, y: number, k3: number): boolean {
    const code = this.#code;
    const p = this.#resultStart, r = this.#prevResultStart;
    if (p < 0 || r < 0 || p + 5 !== code.len || r + 4 !== p) return false;
    if (code.get(p) !== I.I64XorRotlImm || code.get(r) !== I.I64RotlImm) return false;
    const t = code.get(r + 1);
    if (x !== t || code.get(p + 1) !== t || code.get(p + 2) !== t) return false;
    if (code.get(r + 2) !== y || code.get(p + 3) !== y) return false;
    const k1 = code.get(r + 3), k2 = code.get(p + 4);
    code.truncate(r);
    this.#resultStart = -1;
    this.#pop(2);
    this.#beginResult(I.I64Sigma);
    code.emit(t);
    code.emit(y);
    code.emit(k1);
    code.emit(k2);
    code.emit(k3);
    code.emit(fused === I.I64XorRotlImm ? 0 : 1);
    this.#endResult();
    return true;
  }

  /**
   * `i32.add` of entries `pa` and `pa + 1` when one of them is the result of the instruction just
   * emitted, `I32ShlImm t, y, k`, a temporary only this add reads, and the other is not a
   * constant: takes the shift back and emits `I32AddShlImm dst, x, y, k` (`x` the other's slot).
   * Returns whether it did. Nothing was emitted since the shift, so `y` still holds what it read.
   */
  #addShifted(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    const shifted = this.#lastPos;
    if (this.#lastEnd !== code.len || code.get(this.#lastStart) !== I.I32ShlImm) return false;
    if ((shifted !== pa && shifted !== pb) || s.kind[shifted] !== TEMP) return false;
    const other = shifted === pa ? pb : pa;
    if (s.kind[other] === CONST) return false;
    const y = code.get(this.#lastStart + 2), k = code.get(this.#lastStart + 3);
    this.#takeBack(this.#lastStart);
    const x = this.#use(other);
    this.#pop(2);
    this.#beginResult(I.I32AddShlImm);
    code.emit(x);
    code.emit(y);
    code.emit(k);
    this.#endResult();
    return true;
  }

  /**
   * Takes back the instruction emitted last, which starts at `at`: the code ends there again and
   * the instructions before it are the last results again (see `#sigma`), so a fusion can emit
   * one row in place of it and its user.
   */
  #takeBack(at: number): void {
    this.#code.truncate(at);
    this.#resultStart = this.#prevResultStart;
    this.#prevResultStart = this.#prev2ResultStart;
    this.#prev2ResultStart = -1;
  }

  /**
   * `i64.sub` of entries `pa` and `pa + 1` when the subtrahend `pa + 1` is the result of the
   * instruction just emitted, `I64ShlImm t, y, k`, a temporary only this reads, and the minuend
   * is not a constant: takes the shift back and emits `I64SubShlImm dst, x, y, k` (`x` the
   * minuend's slot). Returns whether it did. Nothing was emitted since the shift, so `y` still
   * holds what it read. `bench/i64.wat`: 13 to 12 dispatches per iteration.
   */
  #subShifted(pa: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    const pb = pa + 1;
    const at = this.#lastStart;
    if (this.#lastEnd !== code.len || code.get(at) !== I.I64ShlImm) return false;
    if (this.#lastPos !== pb || s.kind[pb] !== TEMP || s.kind[pa] === CONST) return false;
    const y = code.get(at + 2), k = code.get(at + 3);
    this.#takeBack(at);
    const x = this.#use(pa);
    this.#pop(2);
    this.#beginResult(I.I64SubShlImm);
    code.emit(x);
    code.emit(y);
    code.emit(k);
    this.#endResult();
    return true;
  }

  /**
   * `i32.shr_u` of entry `preg` by the constant `k` when `preg` is the result of the last two
   * instructions, `I32Add t, x, y` then `I32AddImm t, t, imm` (the second overwriting what the
   * first wrote, so nothing else reads it): takes both back and emits `I32AddAddImmShrUImm dst,
   * x, y, imm, k`. Returns whether it did. Nothing was emitted since the add, so `x` and `y`
   * still hold what it read (the add itself may have overwritten one of them: the fused
   * instruction reads them before writing).
   */
  #shiftedSum(preg: number, k: number): boolean {
    const s = this.#stack;
    const code = this.#code;
    if (this.#lastEnd !== code.len || this.#lastPos !== preg || s.kind[preg] !== TEMP) return false;
    const at = this.#lastStart, add = this.#prevResultStart;
    if (code.get(at) !== I.I32AddImm || add < 0 || add + INSTR_SIZE[I.I32Add]! !== at) return false;
    const t = code.get(at + 1);
    if (code.get(add) !== I.I32Add || code.get(add + 1) !== t || code.get(at + 2) !== t) {
      return false;
    }
    const x = code.get(add + 2), y = code.get(add + 3), imm = code.get(at + 3);
    code.truncate(add);
    this.#resultStart = this.#prev2ResultStart;
    this.#prevResultStart = -1;
    this.#prev2ResultStart = -1;
    this.#pop(2);
    this.#beginResult(I.I32AddAddImmShrUImm);
    code.emit(x);
    code.emit(y);
    code.emit(imm);
    code.emit(k);
    this.#endResult();
    return true;
  }

  /** The slot entry `p` is read from, when it needs no code (not a constant), else -1. */
  #slotOf(p: number): number {
    const s = this.#stack;
    const kind = s.kind[p];
    return kind === LOCAL
      ? s.val[p]! * SLOT_WORDS
      : kind === CONST || kind === ADDR
      ? -1
      : this.#slot(p);
  }

  /**
   * `i64.mul` of entry `preg` by the constant `lo`, `hi` when `preg` reads the destination `t`
   * of the instruction just emitted, `I64XorShrUImm t, x, y, k` or `I64RotlImm` / `I64RotrImm
   * t, y, k`: takes that back and emits `I64XorShrUMulImm dst, t, x, y, k, C` (`I64RotlMulImm
   * dst, t, y, k, C`), which still writes `t`. Returns whether it did.
   */
  #shiftThenMul(preg: number, lo: number, hi: number): boolean {
    const code = this.#code;
    // The last value-producing instruction, if nothing was emitted after it (a `local.tee`
    // retargeting it may have made `t` a local).
    const at = this.#resultStart;
    if (at < 0 || this.#slotOf(preg) !== code.get(at + 1)) return false;
    const shift = code.get(at);
    const rotate = shift === I.I64RotlImm || shift === I.I64RotrImm;
    const end = rotate ? at + 4 : shift === I.I64XorShrUImm ? at + 5 : -1;
    if (end !== code.len) return false;
    const words = code.len - at - 1; // t, [x,] y, k
    const taken: number[] = [];
    for (let i = 1; i <= words; i++) taken.push(code.get(at + i));
    // rotr by k = rotl by 64 - k
    if (shift === I.I64RotrImm) taken[2] = (64 - (taken[2]! & 63)) & 63;
    // Right after `I64MulImmAdd a, acc, x, t, C1` whose sum `a` the rotation reads: the whole
    // round, `I64MulImmAddRotlMulImm dst, u, a, acc, x, t, C1, k, C`.
    const r = this.#prevResultStart;
    const round = rotate && r >= 0 && r + 7 === at && code.get(r) === I.I64MulImmAdd &&
      code.get(r + 1) === taken[1];
    if (round) {
      const sum: number[] = [];
      for (let i = 1; i <= 6; i++) sum.push(code.get(r + i));
      // u, then a, acc, x, t, C1 (two words), then k
      taken.splice(1, 1, ...sum);
    }
    const load = round ? this.#loadBefore(r, at, code.get(r + 3)) : -1;
    const loaded = load >= 0 && code.get(load) === I.I64LoadAddImm;
    // The load's address operands: base, imm (0 for a plain `I64Load`), offset.
    const base = load >= 0 ? code.get(load + 2) : 0;
    const imm = loaded ? code.get(load + 3) : 0;
    const offset = load >= 0 ? code.get(load + (loaded ? 4 : 3)) : 0;
    // The xor-shift's result a temporary only the product reads (`t` = `dst` marks it so, and
    // `I64XorShrUMulImm` then leaves it unwritten, also when `dst` is retargeted: `#localSet`).
    const deadT = !round && !rotate && this.#stack.kind[preg] === TEMP;
    code.truncate(load >= 0 ? load : round ? r : at);
    this.#resultStart = -1;
    this.#pop(2);
    const dst = this.#beginResult(
      load >= 0
        ? I.I64LoadMulImmAddRotlMulImm
        : round
        ? I.I64MulImmAddRotlMulImm
        : rotate
        ? I.I64RotlMulImm
        : I.I64XorShrUMulImm,
    );
    if (deadT) taken[0] = dst;
    for (const w of taken) code.emit(w);
    code.emit(lo);
    code.emit(hi);
    if (load >= 0) {
      code.emit(base);
      code.emit(imm);
      code.emit(offset);
    }
    this.#endResult();
    return true;
  }

  /**
   * Where an `I64Load x, base, offset` or `I64LoadAddImm x, base, imm, offset` of memory 0
   * starts that ends right at `end`, when the last two recorded instructions start at `end` and
   * `last` (so nothing was emitted between), and writes slot `x`; else -1. The round fused with it then
   * starts where the load did, so a trap there maps to the load's offset (xxHash64's stripe:
   * `bench/xxh64.c`).
   */
  #loadBefore(end: number, last: number, x: number): number {
    const starts = this.#starts;
    const n = this.#nStarts;
    if (n < 3 || starts[n - 2] !== end || starts[n - 1] !== last) return -1;
    const at = starts[n - 3]!;
    const op = this.#code.get(at);
    const size = op === I.I64Load ? 4 : op === I.I64LoadAddImm ? 5 : 0;
    return size !== 0 && at + size === end && this.#code.get(at + 1) === x ? at : -1;
  }

  /**
   * `i64.add` of entries `pa` and `pa + 1` when either reads the destination `t` of the
   * instruction just emitted, `I64MulImm t, y, C`: takes the product back and emits
   * `I64MulImmAdd dst, x, y, t, C` (`x` the other entry's slot), which still writes `t`.
   * Returns whether it did.
   */
  #addProduct(pa: number): boolean {
    const code = this.#code;
    const at = this.#resultStart; // (as in `#shiftThenMul`)
    if (at < 0 || at + 5 !== code.len || code.get(at) !== I.I64MulImm) return false;
    const t = code.get(at + 1);
    const a = this.#slotOf(pa), b = this.#slotOf(pa + 1);
    if (a < 0 || b < 0 || (a !== t && b !== t)) return false;
    const x = a === t ? b : a;
    const y = code.get(at + 2), lo = code.get(at + 3), hi = code.get(at + 4);
    code.truncate(at);
    this.#resultStart = -1;
    this.#pop(2);
    this.#beginResult(I.I64MulImmAdd);
    code.emit(x);
    code.emit(y);
    code.emit(t);
    code.emit(lo);
    code.emit(hi);
    this.#endResult();
    return true;
  }

  /**
   * `i64.add` of entries `pa` and `pa + 1` when either reads the destination `t` of the
   * instruction just emitted and the other `x` needs no code: after `I64Add t, a, b` emits
   * `I64AddAdd dst, t, a, b, x`; after `I64Load t, base, offset` or `I64LoadAddImm t, base, imm,
   * offset`, `I64AddLoad dst, x, t, base, imm, offset` (imm 0 for the plain load), which starts
   * where the load did (a trap there maps to the load's offset). Both still write `t`. Returns
   * whether it did.
   */
  #addTo(pa: number): boolean {
    const code = this.#code;
    const at = this.#resultStart; // (as in `#shiftThenMul`)
    if (at < 0) return false;
    const op = code.get(at);
    const size = op === I.I64Add ? 4 : op === I.I64Load ? 4 : op === I.I64LoadAddImm ? 5 : 0;
    if (size === 0 || at + size !== code.len) return false;
    const t = code.get(at + 1);
    const a = this.#slotOf(pa), b = this.#slotOf(pa + 1);
    if (a < 0 || b < 0 || (a !== t && b !== t)) return false;
    const x = a === t ? b : a;
    const y = code.get(at + 2), z = code.get(at + 3);
    const offset = op === I.I64LoadAddImm ? code.get(at + 4) : z;
    code.truncate(at);
    this.#resultStart = -1;
    this.#pop(2);
    if (op === I.I64Add) {
      this.#beginResult(I.I64AddAdd);
      code.emit(t);
      code.emit(y);
      code.emit(z);
      code.emit(x);
    } else {
      this.#beginResult(I.I64AddLoad);
      code.emit(x);
      code.emit(t);
      code.emit(y);
      code.emit(op === I.I64LoadAddImm ? z : 0);
      code.emit(offset);
    }
    this.#endResult();
    return true;
  }

  /**
   * Immediate form `op` (constant as `immKind`, negated when `negate`) with the register
   * operand at `preg` and the constant at `pconst`.
   */
  #binaryImm(op: number, immKind: number, negate: boolean, preg: number, pconst: number): void {
    const s = this.#stack;
    const a = this.#use(preg);
    let lo = s.val[pconst]!;
    let hi = s.hi[pconst]!;
    if (negate) {
      // Two's complement negation, on the halves for an i64.
      if (immKind === IMM_I64) {
        hi = (lo === 0 ? -hi : ~hi) | 0;
        lo = -lo | 0;
      } else {
        lo = -lo | 0;
      }
    }
    if (op === I.I64MulImm && this.#shiftThenMul(preg, lo, hi)) return;
    if (op === I.I64OrImm && this.#extendedOr(preg, lo, hi)) return;
    if ((op === I.I64RotlImm || op === I.I64RotrImm) && this.#rotatedXor(op, preg, lo)) return;
    if (op === I.I32ShrUImm && this.#shiftedSum(preg, lo)) return;
    if (op === I.F32MulImm && this.#loadMulImm(preg, lo)) return;
    if (op === I.F32MinImm && this.#clampImm(preg, lo)) return;
    if (
      op === I.I32AndImm && (lo & 0xff) === 0xff && s.kind[preg] === LOCAL &&
      this.#byteLocal(s.val[preg]!)
    ) {
      // `x & m` is `x` when `x < 256` and `m`'s low byte is all ones: the local itself, as if
      // only `local.get` had been read (nothing emitted).
      const x = s.val[preg]!;
      this.#pop(2);
      s.pushLocal(x, false);
      return;
    }
    if (op === I.I32AddImm && s.kind[preg] === LOCAL) {
      // `local + imm`, an address perhaps: nothing emitted until something reads it, so that a
      // store can take it in (`ADDR` in operand_stack.ts; `#settleFreshAddr`).
      const x = s.val[preg]!;
      this.#pop(2);
      s.pushAddr(x, lo);
      this.#freshAddr = s.height - 1;
      return;
    }
    this.#pop(2);
    this.#beginResult(op);
    this.#code.emit(a);
    if (immKind === IMM_SHIFT64) {
      this.#code.emit(lo & 63);
    } else {
      this.#code.emit(lo);
      if (immKind === IMM_I64) this.#code.emit(hi);
    }
    this.#endResult();
  }

  /** One operand, one result: `op dst [x] a [extra]` (`x`, `extra`: immediates, or omitted). */
  #unary(op: number, extra?: number, x?: number): void {
    const s = this.#stack;
    const a = this.#use(s.height - 1);
    s.pop();
    this.#beginResult(op);
    if (x !== undefined) this.#code.emit(x);
    this.#code.emit(a);
    if (extra !== undefined) this.#code.emit(extra);
    this.#endResult();
  }

  // -------------------------------------------------------------------------------------------
  // Memories and tables: multi-memory, memory64, table64 (see `memory_ext.ts`)

  #memory64(memory: number): boolean {
    return this.#module.memories[memory]!.index64;
  }

  #table64(table: number): boolean {
    return this.#module.tables[table]!.index64;
  }

  /**
   * Narrows the i64 address, index or size at stack position `p` to a u32 word in its canonical
   * slot (`Index64`: 0xfffffff8 plus the low 3 bits when the high word is set, which no 64-bit
   * memory or table here reaches), so the 32-bit instructions can take it.
   */
  #narrow(p: number): void {
    const a = this.#use(p);
    this.#code.op2(I.Index64, this.#slot(p), a);
    this.#stack.setTemp(p);
  }

  /** Narrows the operands of a three-operand operator whose bit (1: first) is set in `mask`. */
  #narrowOperands(mask: number): void {
    const h = this.#stack.height;
    for (let i = 0; i < 3; i++) if (mask & (1 << i)) this.#narrow(h - 3 + i);
  }

  /** Widens the top (a size or old size, -1 for failure) to an i64 when `wide`. */
  #widenIf(wide: boolean): void {
    if (wide) this.#unary(I.SizeToI64);
  }

  /**
   * The memarg offset as the instructions take it: a u32; a 64-bit memory's offset of 2^32 or
   * more as 0xfffffff8 plus its low 3 bits (out of bounds from any address there).
   */
  #offset(): number {
    const r = this.#reader;
    // Past 2^32: 0xfffffff8 plus the low 3 bits, out of bounds and as aligned as the offset.
    return r.offsetHi !== 0 ? -8 | (r.offsetLo & 7) : r.offsetLo;
  }

  /** A load (Wasm opcode `wasmOp`) from memory `reader.index`. */
  #load(rule: Rule, wasmOp: number): void {
    const r = this.#reader;
    const s = this.#stack;
    const memory = r.index;
    if (this.#memory64(memory)) this.#narrow(s.height - 1);
    if (memory === 0) {
      const fused = LOAD_ADD_IMM[rule.op]!;
      const code = this.#code;
      if (
        fused >= 0 && !this.#memory64(0) && this.#topIsLastResult() &&
        code.get(this.#lastStart) === I.I32AddImm
      ) {
        // `I32AddImm t, base, imm` computed the address: the load adds it itself.
        const base = code.get(this.#lastStart + 2);
        const imm = code.get(this.#lastStart + 3);
        code.truncate(this.#lastStart);
        this.#resultStart = -1;
        // A trap at the fused instruction is the load's: it maps to the load's offset.
        this.#markOffset(r.opPos);
        s.pop();
        this.#beginResult(fused);
        code.emit(base);
        code.emit(imm);
        code.emit(this.#offset());
        this.#endResult();
        return;
      }
      return this.#unary(rule.op, this.#offset());
    }
    const a = this.#use(s.height - 1);
    s.pop();
    this.#beginResult(I.LoadMem);
    this.#code.emit(wasmOp);
    this.#code.emit(memory);
    this.#code.emit(a);
    this.#code.emit(this.#offset());
    this.#endResult();
  }

  /** No operands, one result (`v128`: a v128): `op dst x`. */
  #nullary(op: number, x: number, v128 = false): void {
    this.#beginResult(op);
    this.#code.emit(x);
    this.#endResult(v128);
  }

  #globalIsV128(global: number): boolean {
    return this.#module.globalTypes[global]!.content === "v128";
  }

  /** One operand, no result: `op x a`. */
  #sink1(op: number, x: number): void {
    const s = this.#stack;
    const a = this.#use(s.height - 1);
    s.pop();
    this.#code.op2(op, x, a);
  }

  /** Three operands, no result: `op [x [y]] a b c`. */
  #sink3(op: number, x?: number, y?: number): void {
    const s = this.#stack;
    const h = s.height;
    const a = this.#use(h - 3), b = this.#use(h - 2), c = this.#use(h - 1);
    this.#pop(3);
    this.#code.emit(op);
    if (x !== undefined) this.#code.emit(x);
    if (y !== undefined) this.#code.emit(y);
    this.#code.emit(a);
    this.#code.emit(b);
    this.#code.emit(c);
  }

  /**
   * `i32.store8` to `base + imm` (an `ADDR` entry below the top) of the top entry when that is
   * the result of the memory-0 byte load just emitted (`I32Load8UAddImm t, b, i, o` or
   * `I32Load8U t, b, o`), a temporary only the store reads: takes the load back and emits
   * `I32Copy8At base, imm, offset, b, i, o`. Returns whether it did. Nothing was emitted since
   * the load, so `b` still holds what it read. A trap there maps to the load's offset.
   */
  #copyByte(base: number, imm: number, offset: number): boolean {
    const code = this.#code;
    if (!this.#topIsLastResult()) return false;
    const at = this.#lastStart, load = code.get(at);
    if (load !== I.I32Load8UAddImm && load !== I.I32Load8U) return false;
    const addImm = load === I.I32Load8UAddImm;
    const from = code.get(at + 2);
    const fromImm = addImm ? code.get(at + 3) : 0;
    const fromOffset = code.get(at + (addImm ? 4 : 3));
    this.#takeBack(at);
    this.#lastEnd = -1;
    this.#pop(2);
    if (this.#copy8End === at) {
      // Right after a lone byte copy (nothing between, no label): both in one instruction, the
      // first's operands then this one's (vec_bytes' RGBA swap: four copies a pixel).
      const first = this.#copy8At;
      code.set(first, I.I32Copy8At2);
      code.emit(base);
      code.emit(imm);
      code.emit(offset);
      code.emit(from);
      code.emit(fromImm);
      code.emit(fromOffset);
      this.#copy8At = this.#copy8End = -1;
      return true;
    }
    this.#copy8At = at;
    code.op3(I.I32Copy8At, base, imm, offset);
    code.emit(from);
    code.emit(fromImm);
    code.emit(fromOffset);
    this.#copy8End = code.len;
    return true;
  }

  /**
   * `i32.store8` to `base + imm` (an `ADDR` entry below the top) of the top entry when that is
   * the result of the `I32AddAddImmShrUImm t, a, b, k, sh` just emitted, a temporary only the
   * store reads: takes it back and emits `I32AddAddImmShrUStore8At base, imm, offset, a, b, k,
   * sh`. Returns whether it did. Nothing was emitted since, so `a` and `b` still hold what it
   * read.
   */
  #storeShifted(base: number, imm: number, offset: number): boolean {
    const code = this.#code;
    if (!this.#topIsLastResult()) return false;
    const at = this.#lastStart;
    if (code.get(at) !== I.I32AddAddImmShrUImm) return false;
    const a = code.get(at + 2), b = code.get(at + 3), k = code.get(at + 4);
    const sh = code.get(at + 5);
    // The byte load just before it, of one of the addends (no label between: `#starts`).
    const n = this.#nStarts, starts = this.#starts;
    const first = n >= 2 && starts[n - 1] === at ? starts[n - 2]! : -1;
    if (
      first >= 0 && code.get(first) === I.I32Load8UAddImm &&
      first + INSTR_SIZE[I.I32Load8UAddImm]! === at && code.get(first + 4) === 0 && offset === 0
    ) {
      const t = code.get(first + 1);
      if (t === a || t === b) {
        const from = code.get(first + 2), fromImm = code.get(first + 3);
        const other = t === b ? a : b;
        // The other addend computed by the `I32AddShlImm` just before the load, into the
        // temporary the sum then overwrote (so nothing else reads it): all three in one.
        const shl = n >= 3 && starts[n - 2] === first ? starts[n - 3]! : -1;
        if (
          shl >= 0 && code.get(shl) === I.I32AddShlImm &&
          shl + INSTR_SIZE[I.I32AddShlImm]! === first && code.get(shl + 1) === other &&
          other === code.get(at + 1) && from !== other && t !== other
        ) {
          // (The temporary is never written: the load must not address through it.)
          const x = code.get(shl + 2), y = code.get(shl + 3), shift = code.get(shl + 4);
          code.truncate(shl);
          this.#resultStart = this.#prevResultStart = this.#prev2ResultStart = -1;
          this.#lastEnd = -1;
          this.#pop(2);
          code.op3(I.I32AddShlImmLoad8UAddImmShrUStore8At, base, imm, x);
          code.emit(y);
          code.emit(shift);
          code.emit(k);
          code.emit(sh);
          code.emit(t);
          code.emit(from);
          code.emit(fromImm);
          return true;
        }
        code.truncate(first);
        this.#resultStart = this.#prev2ResultStart;
        this.#prevResultStart = this.#prev2ResultStart = -1;
        this.#lastEnd = -1;
        this.#pop(2);
        // The other addend is read after `t` is written, as the add read it after the load.
        code.op3(I.I32Load8UAddAddImmShrUStore8At, base, imm, t === b ? a : b);
        code.emit(k);
        code.emit(sh);
        code.emit(t);
        code.emit(from);
        code.emit(fromImm);
        return true;
      }
    }
    this.#takeBack(at);
    this.#lastEnd = -1;
    this.#pop(2);
    code.op3(I.I32AddAddImmShrUStore8At, base, imm, offset);
    code.emit(a);
    code.emit(b);
    code.emit(k);
    code.emit(sh);
    return true;
  }

  /** A store (Wasm opcode `wasmOp`) to memory `reader.index`. */
  #store(rule: Rule, wasmOp: number): void {
    const s = this.#stack;
    const memory = this.#reader.index;
    if (this.#memory64(memory)) this.#narrow(s.height - 2);
    const offset = this.#offset();
    const top = s.height - 1;
    const fused = memory === 0 && s.kind[top - 1] === ADDR ? STORE_AT[rule.op]! : -1;
    if (fused >= 0 && s.kind[top] !== CONST) {
      // `local + imm` as the address (`ADDR`): the store adds it itself.
      const base = s.val[top - 1]! * SLOT_WORDS, imm = s.hi[top - 1]!;
      if (fused === I.I32Store8At && this.#copyByte(base, imm, offset)) return;
      if (fused === I.I32Store8At && this.#storeShifted(base, imm, offset)) return;
      const value = this.#use(top);
      this.#pop(2);
      this.#code.op3(fused, base, imm, offset);
      this.#code.emit(value);
      return;
    }
    const addr = this.#use(top - 1);
    if (memory !== 0) {
      const value = this.#use(top);
      this.#pop(2);
      this.#code.op3(I.StoreMem, wasmOp, memory, addr);
      this.#code.emit(offset);
      this.#code.emit(value);
      return;
    }
    if (s.kind[top] === CONST) {
      // The operator decides the width: an i64 constant stored narrow keeps its low word.
      const lo = s.val[top]!, hi = s.hi[top]!;
      this.#pop(2);
      this.#code.op3(rule.imm, addr, offset, lo);
      if (rule.immKind === IMM_I64) this.#code.emit(hi);
      return;
    }
    const value = this.#use(top);
    this.#pop(2);
    this.#code.op3(rule.op, addr, offset, value);
  }

  #select(): void {
    const s = this.#stack;
    const h = s.height;
    if (this.#minUImm()) return;
    const v128 = s.v128[h - 3] === 1;
    const a = this.#use(h - 3), b = this.#use(h - 2), cond = this.#use(h - 1);
    this.#pop(3);
    this.#beginResult(v128 ? I.Select128 : I.Select);
    this.#code.emit(cond);
    this.#code.emit(a);
    this.#code.emit(b);
    this.#endResult(v128);
  }

  /**
   * `select` of `x` and a constant `k` on `x <u k` (or of `k` and `x` on `x >u k`), the
   * compare the instruction just emitted (`I32LtUImm c, x, k`): takes it back and emits
   * `I32MinUImm dst, x, k`, the unsigned minimum (a saturation: in `bench/vec_bytes.c`'s
   * brighten, 2 of the 6 dispatches per pixel of its scalar build). Returns whether it did.
   */
  #minUImm(): boolean {
    const s = this.#stack;
    const code = this.#code;
    const h = s.height, at = this.#lastStart;
    if (!this.#topIsLastResult()) return false;
    const cmp = code.get(at);
    if (cmp !== I.I32LtUImm && cmp !== I.I32GtUImm) return false;
    const x = code.get(at + 2), k = code.get(at + 3);
    // `x` in the first operand (`I32LtUImm`) or in the second (`I32GtUImm`), `k` in the other.
    const px = cmp === I.I32LtUImm ? h - 3 : h - 2, pk = cmp === I.I32LtUImm ? h - 2 : h - 3;
    if (s.kind[pk] !== CONST || s.wide[pk] || s.val[pk] !== k) return false;
    const slot = s.kind[px] === LOCAL ? s.val[px]! * SLOT_WORDS : this.#slot(px);
    if ((s.kind[px] !== LOCAL && s.kind[px] !== TEMP) || slot !== x) return false;
    code.truncate(at);
    this.#pop(3);
    this.#beginResult(I.I32MinUImm);
    code.emit(x);
    code.emit(k);
    this.#endResult();
    return true;
  }

  #tableGet(table: number): void {
    const s = this.#stack;
    const index = this.#use(s.height - 1);
    s.pop();
    this.#beginResult(I.TableGet);
    this.#code.emit(table);
    this.#code.emit(index);
    this.#endResult();
  }

  #tableSet(table: number): void {
    const s = this.#stack;
    const index = this.#use(s.height - 2), value = this.#use(s.height - 1);
    this.#pop(2);
    this.#code.op3(I.TableSet, table, index, value);
  }

  #tableGrow(table: number): void {
    const s = this.#stack;
    const init = this.#use(s.height - 2), delta = this.#use(s.height - 1);
    this.#pop(2);
    this.#beginResult(I.TableGrow);
    this.#code.emit(table);
    this.#code.emit(init);
    this.#code.emit(delta);
    this.#endResult();
  }

  // -------------------------------------------------------------------------------------------
  // SIMD: a few generic instructions that carry the Wasm sub-opcode (see `simd.ts`)

  /** A SIMD load or store of sub-opcode `n` on memory `reader.index` (not 0). */
  #simdMem(n: number, kind: number, v128: boolean): void {
    const r = this.#reader;
    const s = this.#stack;
    const code = this.#code;
    const h = s.height;
    const memory = r.index;
    const offset = this.#offset();
    if (kind === I.V128Load) {
      const a = this.#use(h - 1);
      s.pop();
      this.#beginResult(I.V128LoadMem);
      code.emit(n);
      code.emit(memory);
      code.emit(a);
      code.emit(offset);
      return this.#endResult(v128);
    }
    const a = this.#use(h - 2), b = this.#use(h - 1);
    this.#pop(2);
    if (kind === I.V128LoadLane) {
      this.#beginResult(I.V128LoadLaneMem);
      code.emit(n);
      code.emit(memory);
      code.emit(a);
      code.emit(offset);
      code.emit(b);
      code.emit(r.lane);
      return this.#endResult(v128);
    }
    if (kind === I.V128Store) {
      code.op3(I.V128StoreMem, memory, a, offset);
      code.emit(b);
      return;
    }
    code.op3(I.V128StoreLaneMem, n, memory, a);
    code.emit(offset);
    code.emit(b);
    code.emit(r.lane);
  }

  /**
   * `v128.load` (memory 0, 32-bit) of an address the last instruction computed as `base + imm`
   * (`I32AddImm`, as compilers address arrays): takes that instruction back and emits one
   * `V128LoadAt` instead (its result was a temporary only the load reads); with `sub` (the
   * sub-opcode of another v128 load, `v128.load64_zero`, ...) a `V128LoadSubAt`. Returns whether
   * it did.
   */
  #fuseLoadAddress(sub = -1): boolean {
    const code = this.#code;
    if (!this.#topIsLastResult() || code.get(this.#lastStart) !== I.I32AddImm) return false;
    const base = code.get(this.#lastStart + 2), imm = code.get(this.#lastStart + 3);
    code.truncate(this.#lastStart);
    this.#stack.pop();
    this.#beginLoadSubAt(sub < 0 ? -1 : sub);
    code.emit(base);
    code.emit(imm);
    code.emit(this.#reader.offset);
    this.#endResult(true);
    return true;
  }

  /**
   * Begins the v128 load `sub` of `base + imm` (`V128LoadSubAt dst, sub`, or the row of its own
   * that `v128.load32_splat` and `v128.load64_zero` have; `V128LoadAt dst` for -1, the plain
   * load): the caller emits `base, imm, offset`.
   */
  #beginLoadSubAt(sub: number): void {
    const row = sub < 0
      ? I.V128LoadAt
      : sub === 0x09
      ? I.V128Load32SplatAt
      : sub === 0x5d
      ? I.V128Load64ZeroAt
      : I.V128LoadSubAt;
    this.#beginResult(row);
    if (row === I.V128LoadSubAt) this.#code.emit(sub);
  }

  /**
   * `i32x4.splat` (or `f32x4.splat`) of the result of the `i32.load` just emitted (`I32Load t,
   * addr, offset` or `I32LoadAddImm t, base, imm, offset`): takes the load back and emits the
   * `v128.load32_splat` of the same address, `V128LoadSubAt dst, 0x09, base, imm, offset` (the
   * same four bytes, the same trap). Clang loads four bytes and splats them so (vec_bytes: 2.6%
   * of dispatches are such pairs). Returns whether it did.
   */
  #splatLoad(): boolean {
    const code = this.#code;
    const at = this.#lastStart;
    if (!this.#topIsLastResult()) return false;
    const load = code.get(at);
    if (load !== I.I32Load && load !== I.I32LoadAddImm) return false;
    const plain = load === I.I32Load;
    const base = code.get(at + 2), imm = plain ? 0 : code.get(at + 3);
    const offset = code.get(at + (plain ? 3 : 4));
    code.truncate(at);
    this.#stack.pop();
    this.#resultStart = this.#prevResultStart = -1;
    this.#beginLoadSubAt(0x09);
    code.emit(base);
    code.emit(imm);
    code.emit(offset);
    this.#endResult(true);
    return true;
  }

  /** The load `#loadBeforeShuffle` took back: its destination, base and immediate. */
  readonly #takenLoad = new Int32Array(3);

  /**
   * Before a `V128ShuffleZx` of slots `a` and `b`: when the instruction just emitted (into a
   * temporary or, by a `local.tee`, a local) is a `V128LoadAt`, `V128Load32SplatAt` or `V128Load64ZeroAt` without an offset into `a` or `b`,
   * takes it back (its operands into `#takenLoad`) and returns the fused opcode that loads and
   * then shuffles, which starts where the load did (a trap maps to the load's offset); else -1.
   */
  #loadBeforeShuffle(a: number, b: number): number {
    const code = this.#code;
    // The last instruction, also when a `local.tee` retargeted it (which clears `#lastEnd`);
    // none fused across a label (`#bindLabel` clears `#starts`).
    const at = this.#lastStart, n = this.#nStarts;
    if (n === 0 || this.#starts[n - 1] !== at || at >= code.len) return -1;
    const op = code.get(at);
    const fused = op === I.V128LoadAt
      ? I.V128LoadAtShuffleZx
      : op === I.V128Load32SplatAt
      ? I.V128Load32SplatAtShuffleZx
      : op === I.V128Load64ZeroAt
      ? I.V128Load64ZeroAtShuffleZx
      : -1;
    if (fused < 0 || at + INSTR_SIZE[op]! !== code.len || code.get(at + 4) !== 0) return -1;
    const t = code.get(at + 1);
    if (t !== a && t !== b) return -1;
    const words = this.#takenLoad;
    words[0] = t;
    words[1] = code.get(at + 2);
    words[2] = code.get(at + 3);
    this.#takeBack(at);
    this.#lastEnd = -1;
    return fused;
  }

  #simd(n: number, rule: Rule): void {
    const r = this.#reader;
    const s = this.#stack;
    const code = this.#code;
    const h = s.height;
    // A specialised instruction (`I32x4Add`) takes its generic form's operands without the
    // sub-opcode.
    const instr = rule.op;
    const kind = simdGeneric(instr);
    const withSub = kind === instr;
    const v128 = rule.v128;
    if (
      kind === I.V128Load || kind === I.V128LoadLane || kind === I.V128Store ||
      kind === I.V128StoreLane
    ) {
      if (this.#memory64(r.index)) this.#narrow(kind === I.V128Load ? h - 1 : h - 2);
      if (r.index !== 0) return this.#simdMem(n, kind, v128);
      r.offset = this.#offset();
    }
    switch (kind) {
      case I.V128Const:
      case I.V128Shuffle: {
        const k = new DataView(r.v128.buffer, r.v128.byteOffset, 16);
        let a = 0, b = 0;
        if (kind === I.V128Shuffle) {
          a = this.#use(h - 2);
          b = this.#use(h - 1);
          this.#pop(2);
        }
        const zx = kind === I.V128Shuffle ? shuffleZeroExtendKind(r.v128) : -1;
        if (kind === I.V128Shuffle && zx < 0) {
          // A shuffle reading one input takes it twice: `simdShuffle`'s faster path.
          const used = shuffleOneInput(r.v128);
          if (used === 1) b = a;
          else if (used === 2) a = b;
        }
        const load = zx >= 0 ? this.#loadBeforeShuffle(a, b) : -1;
        this.#beginResult(load >= 0 ? load : zx >= 0 ? I.V128ShuffleZx : kind);
        if (kind === I.V128Shuffle) {
          code.emit(a);
          code.emit(b);
        }
        for (let i = 0; i < 16; i += 4) code.emit(k.getInt32(i, true));
        if (zx >= 0) code.emit(zx);
        if (load >= 0) {
          const words = this.#takenLoad;
          code.emit(words[0]!);
          code.emit(words[1]!);
          code.emit(words[2]!);
        }
        return this.#endResult(true);
      }
      case I.V128Unary:
      case I.V128ExtractLane:
      case I.V128Load: {
        if (instr === I.V128LoadFull && this.#fuseLoadAddress()) return;
        if (instr === I.V128Load && this.#fuseLoadAddress(n)) return;
        if (instr === I.V128Splat32 && this.#splatLoad()) return;
        if (instr === I.I32x4Abs && this.#fuseUnary(I.I32x4Sub, I.I32x4SubAbs)) return;
        const a = this.#use(h - 1);
        s.pop();
        // The generic load is a `V128LoadSubAt` adding 0 (`V128Load` itself is cold: `run` had
        // no room for both).
        const sub = instr === I.V128Load;
        if (sub) this.#beginLoadSubAt(n);
        else {
          this.#beginResult(instr);
          if (withSub) code.emit(n);
        }
        code.emit(a);
        if (sub) code.emit(0);
        if (kind === I.V128ExtractLane) code.emit(r.lane);
        if (kind === I.V128Load) code.emit(r.offset);
        return this.#endResult(v128);
      }
      case I.V128Binary:
      case I.V128ReplaceLane:
      case I.V128LoadLane: {
        if (instr === I.F32x4Add && this.#fuseBinary(h - 2, I.F32x4Mul, I.F32x4MulAdd, true)) {
          return;
        }
        if (instr === I.F32x4Add && this.#mulLoadAdd(h - 2)) return;
        if (instr === I.F32x4Mul && this.#mulLoad(h - 2)) return;
        // Only a sum that is the first operand: the result then goes where the sum was, never
        // to the other operand's slot (the generated code writes the sum first).
        if (
          instr === I.I32x4MinU && this.#lastPos === h - 2 &&
          this.#fuseBinary(h - 2, I.I32x4Add, I.I32x4AddMinU, true)
        ) return;
        if (instr === I.F32x4Min && this.#maxMinLoad(h - 2)) return;
        if (instr === I.F32x4Min && this.#fuseBinary(h - 2, I.F32x4Max, I.F32x4MaxMin, true)) {
          return;
        }
        if (instr === I.I16x8Add && this.#addShifted16(h - 2)) return;
        if ((instr === I.I16x8Shl || instr === I.I16x8ShrU) && s.kind[h - 1] === CONST) {
          return this.#shiftImm(instr, h - 2, s.val[h - 1]! & 15);
        }
        const a = this.#use(h - 2), b = this.#use(h - 1);
        this.#pop(2);
        this.#beginResult(instr);
        if (withSub) code.emit(n);
        code.emit(a);
        if (kind === I.V128LoadLane) code.emit(r.offset);
        code.emit(b);
        if (kind !== I.V128Binary) code.emit(r.lane);
        return this.#endResult(v128);
      }
      case I.V128Ternary: {
        const a = this.#use(h - 3), b = this.#use(h - 2), c = this.#use(h - 1);
        this.#pop(3);
        this.#beginResult(I.V128Ternary);
        code.emit(n);
        code.emit(a);
        code.emit(b);
        code.emit(c);
        return this.#endResult(v128);
      }
      case I.V128Store:
      case I.V128StoreLane: {
        // The row whose result this stores, when the store can follow it at once (see
        // `F32x4MaxMinLoadStoreAt` in isa.ts): its opcode changes once the store is emitted.
        const join = instr === I.V128Store && this.#topIsLastResult() &&
            s.kind[h - 2] !== CONST
          ? this.#lastStart
          : -1;
        if (join >= 0) {
          const row = code.get(join), at = s.kind[h - 2] === ADDR;
          const joined = row === I.F32x4MaxMinLoad && at
            ? I.F32x4MaxMinLoadStoreAt
            : row === I.F32x4MulLoadAdd && !at
            ? I.F32x4MulLoadAddStore
            : -1;
          if (joined >= 0) {
            const start = code.len, dst = code.get(join + 1);
            this.#emitV128Store(r.offset);
            // (Nothing came between, and the store's value is the row's result.)
            if (start === join + INSTR_SIZE[row]! && code.get(code.len - 1) === dst) {
              code.set(join, joined);
            }
            return;
          }
        }
        if (instr === I.V128Store) return this.#emitV128Store(r.offset);
        const addr = this.#use(h - 2), value = this.#use(h - 1);
        this.#pop(2);
        code.emit(I.V128StoreLane);
        code.emit(n);
        code.emit(addr);
        code.emit(r.offset);
        code.emit(value);
        code.emit(r.lane);
        return;
      }
    }
    throw new Error(`The engine cannot translate opcode 0xfd${n.toString(16)}`);
  }

  // -------------------------------------------------------------------------------------------
  // Threads: generic atomic instructions that carry the `0xFE` sub-opcode (see `atomics.ts`)

  /**
   * `instr dst? sub memory addr offset operands...`, the operands after the address per the
   * signature; a 64-bit memory's address is narrowed first.
   */
  #atomic(sub: number, rule: Rule): void {
    const s = this.#stack;
    const memory = this.#reader.index;
    if (this.#memory64(memory)) this.#narrow(s.height - rule.params);
    const args = this.#positions; // (not emptied: see `OperandStack.takeLocalRefs`)
    let n = 0;
    for (let p = s.height - rule.params; p < s.height; p++) args[n++] = this.#use(p);
    this.#pop(rule.params);
    const code = this.#code;
    if (rule.results === 0) code.emit(rule.op);
    else this.#beginResult(rule.op);
    code.emit(sub);
    code.emit(memory);
    code.emit(args[0]!);
    code.emit(this.#offset());
    for (let i = 1; i < n; i++) code.emit(args[i]!);
    if (rule.results !== 0) this.#endResult();
  }

  // -------------------------------------------------------------------------------------------
  // Locals

  /** `local.set x` (or `local.tee x` when `tee`). */
  #localSet(x: number, tee: boolean): void {
    const s = this.#stack;
    const top = s.height - 1;
    this.#noteByte(x, this.#topIsByte(top));
    if (s.kind[top] === LOCAL && s.val[top] === x) {
      if (!tee) s.pop();
      return;
    }
    const retarget = this.#topIsLastResult();
    if (retarget && this.#code.len === this.#lastEnd) this.#dropDeadCopy(x);
    this.#preserveLocal(x);
    const dst = x * SLOT_WORDS;
    if (retarget && this.#code.len === this.#lastEnd) {
      // Nothing was emitted to preserve the local: the producer can write it directly.
      const code = this.#code, at = this.#lastStart;
      // (An `I64XorShrUMulImm` whose `t` is its `dst` keeps them equal: see `#shiftThenMul`.)
      if (code.get(at) === I.I64XorShrUMulImm && code.get(at + 2) === code.get(at + 1)) {
        code.set(at + 2, dst);
      }
      code.set(at + 1, dst);
      this.#lastEnd = -1;
      s.pop();
      if (tee) this.#pushLocal(x);
      return;
    }
    this.#move(dst, top);
    // A lone `Copy x, y` of a local: `x` is `y` until one of them is written (`#aliasDst`).
    const code = this.#code, end = code.len;
    if (
      s.kind[top] === LOCAL && this.#copyPair && this.#copyEnd === end &&
      code.get(end - 3) === I.Copy && code.get(end - 2) === dst &&
      code.get(end - 1) === s.val[top]! * SLOT_WORDS
    ) {
      this.#aliasDst = x;
      this.#aliasSrc = s.val[top]!;
      this.#aliasAt = end - 3;
    }
    if (!tee) s.pop();
  }

  /**
   * Before the instruction just emitted is retargeted into local `x`: when it directly follows
   * the `Copy x, y` of `#aliasAt` and `x` is still `y`'s alias (so nothing read `x` since: its
   * reads read `y`), the copy is dead and is taken out, the instruction moved back over it
   * (splitmix64's `z = state; z = (z ^ (z >>> 30)) * C`: `bench/i64.wat`, 1 of 15 dispatches).
   */
  #dropDeadCopy(x: number): void {
    const code = this.#code;
    const at = this.#aliasAt, start = this.#lastStart;
    if (x !== this.#aliasDst || at < 0 || at + 3 !== start) return;
    if (code.get(at) !== I.Copy || code.get(at + 1) !== x * SLOT_WORDS) return;
    if (ISA[code.get(start)]!.jumps) return;
    const words: number[] = [];
    for (let pc = start; pc < code.len; pc++) words.push(code.get(pc));
    code.truncate(at);
    for (const w of words) code.emit(w);
    this.#lastStart = at;
    this.#lastEnd = code.len;
    this.#resultStart = this.#resultStart === start ? at : -1;
    if (this.#prevResultStart >= at) this.#prevResultStart = -1;
    if (this.#prev2ResultStart >= at) this.#prev2ResultStart = -1;
    const starts = this.#starts;
    let n = this.#nStarts;
    while (n > 0 && starts[n - 1]! >= at) n--;
    this.#nStarts = n;
    this.#copyEnd = this.#pairEnd = -1;
    this.#copyPair = false;
    this.#aliasDst = this.#aliasSrc = this.#aliasAt = -1;
    // The offsets noted from the instruction on move back with it; where one lands on the
    // copy's own, the later wins.
    const o = this.#offsets;
    let i = o.length - 2;
    while (i >= 0 && o[i]! > at) {
      o[i] = o[i]! - 3;
      i -= 2;
    }
    if (i >= 0 && o[i] === at && i + 2 < o.length && o[i + 2] === at) o.splice(i, 2);
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  #call(funcIndex: number): void {
    const m = this.#module;
    const type = m.types[m.funcTypeIndices[funcIndex]!]!;
    const base = this.#stack.height - type.params.length;
    this.#materialiseRange(base, this.#stack.height);
    this.#pop(type.params.length);
    this.#code.op2(I.Call, funcIndex, this.#slot(base));
    this.#pushTemps(type.results);
  }

  #callIndirect(typeIndex: number, table: number): void {
    const type = this.#module.types[typeIndex]!;
    const s = this.#stack;
    const index = this.#use(s.height - 1);
    const base = s.height - 1 - type.params.length;
    this.#materialiseRange(base, s.height - 1);
    this.#pop(type.params.length + 1);
    this.#code.op4(I.CallIndirect, typeIndex, table, index, this.#slot(base));
    this.#pushTemps(type.results);
  }

  /**
   * `return_call f`: the arguments go to their stack slots, from where `ReturnCall` moves them
   * to the frame's first slots, replacing this function's frame with the callee's (see
   * `tail_call` in `isa.ts`).
   */
  #returnCall(funcIndex: number): void {
    const m = this.#module;
    const type = m.types[m.funcTypeIndices[funcIndex]!]!;
    const base = this.#stack.height - type.params.length;
    this.#materialiseRange(base, this.#stack.height);
    this.#code.op2(I.ReturnCall, funcIndex, this.#slot(base));
    this.#setUnreachable();
  }

  #returnCallIndirect(typeIndex: number, table: number): void {
    const type = this.#module.types[typeIndex]!;
    const s = this.#stack;
    const index = this.#use(s.height - 1);
    const base = s.height - 1 - type.params.length;
    this.#materialiseRange(base, s.height - 1);
    this.#code.op4(I.ReturnCallIndirect, typeIndex, table, index, this.#slot(base));
    this.#setUnreachable();
  }

  /**
   * `call_ref $t` / `return_call_ref $t`: the arguments, then the reference, on top of the stack;
   * as `call_indirect` without its table and signature checks (validation proved the type).
   */
  #callRef(typeIndex: number, tail: boolean): void {
    const type = this.#module.types[typeIndex]!;
    const s = this.#stack;
    const ref = this.#use(s.height - 1);
    const base = s.height - 1 - type.params.length;
    this.#materialiseRange(base, s.height - 1);
    if (tail) {
      this.#code.op2(I.ReturnCallRef, ref, this.#slot(base));
      return this.#setUnreachable();
    }
    this.#pop(type.params.length + 1);
    this.#code.op2(I.CallRef, ref, this.#slot(base));
    this.#pushTemps(type.results);
  }

  /**
   * Emits the function's return, with its results on top of the stack. Emits moves only and
   * leaves the entries as they are, since it also runs on conditional paths (`br_if`).
   */
  #return(): void {
    const s = this.#stack;
    const code = this.#code;
    const n = this.#type.results.length;
    const first = s.height - n;
    if (n === 0) {
      code.emit(I.Return);
    } else if (n === 1) {
      if (s.kind[first] === CONST || s.kind[first] === ADDR) {
        this.#move(0, first);
        code.emit(I.Return);
      } else {
        const src = this.#use(first); // a local or a temp: emits nothing
        if (src === 0) {
          code.emit(I.Return);
        } else if (s.v128[first]) {
          // A v128 moves its four words first (`ReturnSlot` moves two).
          code.op2(I.Copy128, 0, src);
          code.emit(I.Return);
        } else {
          code.op1(I.ReturnSlot, src);
        }
      }
    } else {
      // Results go to slots 0..n-1, which are locals (or temps below the results). Copying in
      // increasing order is safe for temps (result i only overwrites slots of results ≤ i) and
      // for a local source x ≥ i; a local x < i would already be overwritten, so it goes
      // through its temp slot first.
      const viaTemp = this.#positions;
      viaTemp.length = 0;
      for (let i = 0; i < n; i++) {
        const p = first + i;
        if (s.kind[p] === LOCAL && s.val[p]! < i) {
          code.op2(s.v128[p] ? I.Copy128 : I.Copy, this.#slot(p), s.val[p]! * SLOT_WORDS);
          viaTemp.push(i);
        } else if (s.kind[p] === ADDR && s.val[p]! < i) {
          code.op3(I.I32AddImm, this.#slot(p), s.val[p]! * SLOT_WORDS, s.hi[p]!);
          viaTemp.push(i);
        }
      }
      for (let i = 0; i < n; i++) {
        const p = first + i;
        if (viaTemp.includes(i)) {
          code.op2(s.v128[p] ? I.Copy128 : I.Copy, i * SLOT_WORDS, this.#slot(p));
        } else {
          this.#move(i * SLOT_WORDS, p);
        }
      }
      code.emit(I.Return);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Blocks

  /**
   * Reads the block type into `#btParams` and `#btResults` (fields, not a returned pair: the
   * pair, its destructuring and a result array per block were a fifth of the bytes translating
   * SQLite allocated).
   */
  #blockType(): void {
    const bt = this.#reader.blockType;
    this.#btParams = NO_TYPES;
    if (bt === BLOCK_EMPTY) {
      this.#btResults = NO_TYPES;
      return;
    }
    const t = blockValType(bt);
    if (t !== null) {
      this.#btResults = singleType(t);
      return;
    }
    const ft = this.#module.types[bt]!;
    this.#btParams = ft.params;
    this.#btResults = ft.results;
  }

  #block(op: number): void {
    this.#blockType();
    const params = this.#btParams, results = this.#btResults;
    if (op === Op.If) this.#popCondition();
    this.#materialiseLocals();
    const s = this.#stack;
    const height = s.height - params.length;
    if (op !== Op.Block) this.#materialiseRange(height, s.height);
    if (op === Op.Loop) {
      this.#hoistConsts();
      const entry = this.#byteEntry();
      this.#bindLabel();
      const loop = this.#open(LOOP, height, params, results, this.#code.len);
      loop.byteEntry = entry;
      loop.bodyPos = this.#reader.pos;
      // Under `auto` each iteration passes a `TierUp`. Metered, it comes after the header's
      // `ConsumeFuel` (after a rotated loop's head test), so back edges pay that charge where
      // the interpreter's do (a rotated loop's exit at its `br`, a paying branch before it
      // jumps) and land on the `TierUp`: a fuel stop reports the interpreter's code offset
      // (before, a rotated loop's exit stopped at its header here). Unmetered, loops are not
      // rotated under `auto`.
      const metered = this.#fuel !== null;
      if (this.#hotness !== 0 && !metered) this.#code.emit(I.TierUp);
      loop.fuel = this.#openFuelRegion();
      if (this.#hotness !== 0 && metered) {
        loop.tierPc = this.#code.len;
        this.#code.emit(I.TierUp);
      }
      loop.bodyPc = this.#hotness !== 0 && !metered ? -1 : this.#code.len;
      return;
    }
    const frame = this.#open(op === Op.If ? IF : BLOCK, height, params, results, 0);
    if (op === Op.If) {
      if (this.#condKind === COND_BRANCH) {
        this.#negateCondition();
        const arms = this.#fuel !== null ? ARMS_FORM[this.#condOp]! : -1;
        if (arms >= 0) {
          // Both ways enter an arm at its `ConsumeFuel` if an `else` comes (see `#end`).
          frame.armsAt = this.#code.len;
          this.#condOp = arms;
        }
        frame.elsePatch = this.#emitCondBranch(NO_PATCH);
      } else if (this.#condKind === COND_NEVER) {
        // The then arm is skipped: jump straight to the else arm.
        this.#code.emit(I.Br);
        frame.elsePatch = this.#code.emitPatch(NO_PATCH);
      }
      frame.fuel = this.#openFuelRegion();
    }
  }

  /**
   * The side reader that reads ahead in this body (`#hoistConsts`, `#scanWrites`) without moving
   * the translator's own, placed at `pos`; one per module's bytes, reused.
   */
  #aheadReader(pos: number): OpReader {
    let r = hoistReader;
    if (r.bytes !== this.#reader.bytes) {
      r = hoistReader = new OpReader(this.#reader.bytes);
      r.configure(
        { wasmMultiMemory: true, wasmMemory64: true, wasmFunctionReferences: true, wasmGc: true },
        this.#module.typeIds,
      );
    }
    r.typeIds = this.#module.typeIds;
    r.pos = pos;
    r.end = this.#module.bodies.codeEnd(this.#body);
    return r;
  }

  /**
   * Entering a loop: writes its loop-invariant `v128.const`s to their locals here, before its
   * header, and notes them (`#hoists`) so that reading the loop emits nothing for them. Clang
   * materialises a vector constant inside the loop that uses it (`v128.const; local.tee $c` at
   * the top of each iteration): in `bench/vec_float.c` those were 10% of all dispatches, and
   * the load+multiply fusions (`F32x4MulLoad`) could not see past them.
   *
   * A `v128.const c; local.set/tee $x` qualifies when it lies in the loop's straight-line start
   * (no branch, call or block before it: every iteration runs it before anything can leave the
   * loop or observe `$x`), nothing before it there reads or writes `$x`, and nothing else in
   * the loop writes `$x`: then `$x` holds `c` wherever the loop reads it, and on every way
   * out, as before. Reads ahead with a reader of its own, only in functions with a v128 local;
   * stops (hoisting nothing) at a nested loop, so no byte is read ahead twice: translation
   * stays linear.
   */
  #hoistConsts(): void {
    this.#nHoists = 0;
    this.#hoistAt = 0;
    if (!this.#anyV128Local) return;
    const r = this.#aheadReader(this.#reader.pos);
    const found = HOIST_SCRATCH; // (offset, local, four words) per candidate
    let n = 0;
    const seen = this.#hoistSeen;
    if (seen.length !== 0) seen.length = 0;
    let op = 0;
    try {
      // The straight-line start: candidates.
      let constAt = -1;
      for (;;) {
        op = r.read();
        if (!straightLine(op)) break;
        if (op === Op.LocalGet || op === Op.LocalSet || op === Op.LocalTee) {
          const x = r.index;
          if (constAt >= 0 && op !== Op.LocalGet && n < HOIST_MAX && !seen.includes(x)) {
            found[6 * n] = constAt;
            found[6 * n + 1] = x;
            n++;
          }
          seen.push(x);
        }
        constAt = -1;
        if (op === Op.V128Const) {
          constAt = r.opPos;
          const w = new DataView(r.v128.buffer, r.v128.byteOffset, 16);
          for (let i = 0; i < 4; i++) found[6 * n + 2 + i] = w.getInt32(4 * i, true);
        }
      }
      if (n === 0) return;
      // The rest of the loop: no other write to a candidate's local.
      for (let depth = 0;; op = r.read()) {
        if (op === Op.Loop) return;
        if (op === Op.Block || op === Op.If || op === Op.TryTable) depth++;
        else if (op === Op.End && depth-- === 0) break;
        else if (op === Op.LocalSet || op === Op.LocalTee) {
          for (let i = 0; i < n; i++) if (found[6 * i + 1] === r.index) found[6 * i] = -1;
        }
      }
    } catch {
      // Bytes the validator has not reached yet, and will reject: hoist nothing.
      return;
    }
    const code = this.#code;
    for (let i = 0; i < n; i++) {
      if (found[6 * i]! < 0) continue;
      const x = found[6 * i + 1]!;
      this.#preserveLocal(x);
      code.emit(I.V128Const);
      code.emit(x * SLOT_WORDS);
      for (let k = 0; k < 4; k++) code.emit(found[6 * i + 2 + k]!);
      this.#hoists[2 * this.#nHoists] = found[6 * i]!;
      this.#hoists[2 * this.#nHoists + 1] = x;
      this.#nHoists++;
    }
  }

  /**
   * Whether local `x` provably holds a value below 256 here: its last write on the straight
   * line since the last label wrote one (an `i32.load8_u`, an `i32.const` in [0, 255], an `and`
   * of one, a copy of such a local; a declared local is zero on entry), or it holds one
   * throughout the loop being read (`#loopByte`). Clang keeps the bytes a `[1 2 1]` filter
   * slides over in locals and re-masks them with `and 255` each time (the horizontal blur of
   * `bench/vec_bytes.c`: 2 of its 10 dispatches per two pixels, 7.6% of all).
   */
  #byteLocal(x: number): boolean {
    return this.#byteAt[x] === this.#byteGen || this.#loopByte(this.#ctrl.length - 1, x);
  }

  /**
   * Whether local `x` holds a byte throughout the innermost loop at or below control frame `i`:
   * it held one on entry (straight-line, or throughout the enclosing loop) and every write of
   * it in the loop writes one (see `#scanWrites`, over the loop's body:
   * read once per loop that asks). The `[1 2 1]` blur of `bench/vec_bytes.c` slides over
   * bytes kept in locals that clang reuses for other values elsewhere in the function.
   */
  #loopByte(i: number, x: number): boolean {
    const ctrl = this.#ctrl;
    while (i >= 0 && ctrl[i]!.kind !== LOOP) i--;
    if (i < 0) return false;
    const loop = ctrl[i]!;
    if (!loop.byteEntry!.includes(x) && !this.#loopByte(i - 1, x)) return false;
    let bad = loop.byteBad;
    if (bad === null) bad = loop.byteBad = this.#scanWrites(loop.bodyPos);
    return bad[x] === 0;
  }

  /** The locals holding a byte now (straight-line facts), for a loop being entered. */
  #byteEntry(): readonly number[] {
    const n = this.#nByteNow, now = this.#byteNow, at = this.#byteAt, gen = this.#byteGen;
    let out = NO_LOCALS as number[];
    for (let i = 0; i < n; i++) {
      const x = now[i]!;
      if (at[x] !== gen) continue;
      if (out === NO_LOCALS) out = [];
      out.push(x);
    }
    return out;
  }

  /** After a write of local `x`: whether it wrote a byte. */
  #noteByte(x: number, byte: boolean): void {
    if (!byte) {
      this.#byteAt[x] = -1;
    } else {
      const gen = this.#byteGen;
      this.#byteAt[x] = gen;
      if (this.#byteListed[x] !== gen) {
        this.#byteListed[x] = gen;
        this.#byteNow[this.#nByteNow++] = x;
      }
    }
  }

  /** Whether operand stack entry `p` is an i32 below 256 (a byte load, a small and or const). */
  #topIsByte(p: number): boolean {
    const s = this.#stack;
    const kind = s.kind[p];
    if (kind === CONST) return !s.wide[p] && s.val[p]! >= 0 && s.val[p]! < 256;
    // A copy keeps only a straight-line fact (no scan for every `local.get; local.set`).
    if (kind === LOCAL) return this.#byteAt[s.val[p]!] === this.#byteGen;
    if (kind !== TEMP || !this.#topIsLastResult()) return false;
    const code = this.#code, at = this.#lastStart, op = code.get(at);
    if (op === I.I32Load8U || op === I.I32Load8UAddImm) return true;
    return op === I.I32AndImm && code.get(at + 3) >= 0 && code.get(at + 3) < 256;
  }

  /**
   * Reads the loop whose body starts at byte offset `pos` (with a reader of its own): 1 per local that some `local.set` / `local.tee` may write a value of 256 or
   * more with (anything but an `i32.load8_u`, an `i32.const` in [0, 255] or an `i32.and` whose
   * second operand is one: the operator just before). All 1s if the bytes do not decode.
   */
  #scanWrites(pos: number): Uint8Array {
    const bad = new Uint8Array(this.#numLocals);
    const r = this.#aheadReader(pos);
    // Whether the operator just read leaves a byte, and whether it was an `i32.const` of one.
    let byte = false, byteConst = false, depth = 0;
    try {
      while (r.pos < r.end) {
        const op = r.read();
        if (op === Op.LocalSet || op === Op.LocalTee) {
          if (!byte) bad[r.index] = 1;
          byte = byteConst = false;
          continue;
        }
        if (op === Op.Block || op === Op.Loop || op === Op.If || op === Op.TryTable) depth++;
        else if (op === Op.End && depth-- === 0) break;
        if (op === Op.I32Const) {
          byte = byteConst = r.i32 >= 0 && r.i32 < 256;
        } else {
          byte = op === Op.I32Load8U || (op === Op.I32And && byteConst);
          byteConst = false;
        }
      }
    } catch {
      // Bytes the validator has not reached yet, and will reject: prove nothing.
      bad.fill(1);
    }
    return bad;
  }

  /**
   * `try_table`: a block whose catch clauses become landing pads, emitted before the body (which
   * a `Br` skips) while the control and operand stacks are those around the `try_table`, the
   * context its catch labels are relative to. A pad finds the payload (then the `exnref`) in
   * the slots of the stack positions just above the block's base and branches to the clause's
   * label as `br` would. The clauses' handler entries are recorded at the `end`.
   */
  #tryTable(): void {
    this.#blockType();
    const params = this.#btParams, results = this.#btResults;
    const catches = this.#reader.catches;
    this.#materialiseLocals();
    const s = this.#stack;
    const code = this.#code;
    const height = s.height - params.length;
    // The pads drop the params from the compile-time stack: keep them in their slots.
    this.#materialiseRange(height, s.height);
    const handlers: number[] = [];
    if (catches.length > 0) {
      code.emit(I.Br);
      const skip = code.emitPatch(NO_PATCH);
      const module = this.#module;
      for (let i = 0; i < catches.length; i += 3) {
        const kind = catches[i]!;
        const tag = kind < CATCH_ALL ? catches[i + 1]! : -1;
        const ref = kind === CATCH_REF || kind === CATCH_ALL_REF;
        this.#bindLabel();
        handlers.push(0, 0, tag, ref ? 1 : 0, code.len, this.#slot(height));
        s.truncate(height);
        if (tag >= 0) this.#pushTemps(module.types[module.tags[tag]!]!.params);
        if (ref) s.pushTemp(false);
        this.#jump(this.#frame(catches[i + 2]!));
      }
      this.#resetStack(height, params);
      code.resolve(skip, code.len);
      this.#bindLabel();
    }
    const frame = this.#open(BLOCK, height, params, results, 0);
    if (handlers.length > 0) {
      for (let i = 0; i < handlers.length; i += HANDLER_WORDS) handlers[i] = code.len;
      frame.handlers = handlers;
    }
  }

  /** `throw tag`: the payload goes to consecutive slots, as a call's arguments. */
  #throw(tag: number): void {
    const m = this.#module;
    const n = m.types[m.tags[tag]!]!.params.length;
    const base = this.#stack.height - n;
    this.#materialiseRange(base, this.#stack.height);
    this.#pop(n);
    this.#code.op2(I.Throw, tag, this.#slot(base));
    this.#setUnreachable();
  }

  /** Pushes a control frame (the `Ctrl` constructor's parameters), reusing a pooled one. */
  #open(
    kind: number,
    height: number,
    params: readonly ValType[],
    results: readonly ValType[],
    loopPc: number,
  ): Ctrl {
    const ctrl = this.#ctrl, pool = this.#ctrlPool;
    let c = pool[ctrl.length];
    if (c === undefined) pool.push(c = new Ctrl(kind, height, params, results, loopPc));
    else c.reset(kind, height, params, results, loopPc);
    ctrl.push(c);
    return c;
  }

  #else(): void {
    const frame = this.#ctrl[this.#ctrl.length - 1]!;
    if (this.#reachable) {
      this.#moveValues(frame, frame.results.length);
      this.#code.emit(I.Br);
      frame.patches = this.#code.emitPatch(frame.patches);
      frame.merged = true;
    }
    this.#code.resolve(frame.elsePatch, this.#code.len);
    frame.elsePatch = NO_PATCH;
    frame.kind = ELSE;
    this.#bindLabel();
    this.#resetStack(frame.height, frame.params);
    this.#reachable = true;
    if (frame.fuel !== null) this.#closeFuelRegion();
    frame.fuel = this.#openFuelRegion();
  }

  #end(): void {
    const frame = this.#ctrl.pop()!;
    if (frame.kind === IF && frame.armsAt >= 0) {
      // No else arm: the branch skips to the end, where no charge waits.
      const code = this.#code;
      code.set(frame.armsAt, PAID_BRANCH[code.get(frame.armsAt)]!);
    }
    // The `end` of a loop or an if leaves that region: it is paid by the enclosing one.
    if (frame.fuel !== null && frame.kind !== FUNC) this.#closeFuelRegion();
    this.#payFuel(Op.End);
    if (frame.kind === FUNC) {
      if (this.#reachable) this.#return();
      if (frame.fuel !== null) this.#closeFuelRegion();
      return;
    }
    if (frame.handlers !== null) {
      // The clauses cover the body: everything emitted since the frame was pushed.
      const handlers = frame.handlers;
      for (let i = 0; i < handlers.length; i += HANDLER_WORDS) handlers[i + 1] = this.#code.len;
      this.#handlers.push(...handlers);
    }
    if (this.#reachable) this.#moveValues(frame, frame.results.length);
    // An if without else: its false path reaches the end with the params (= results) in place.
    const joins = frame.merged || frame.kind === IF || frame.kind === ELSE;
    this.#code.resolve(frame.elsePatch, this.#code.len);
    this.#code.resolve(frame.patches, this.#code.len);
    if (joins) this.#bindLabel();
    this.#reachable ||= joins;
    this.#resetStack(frame.height, frame.results);
  }

  /** Truncates the stack to `height` and pushes values of `types` in their canonical slots. */
  #resetStack(height: number, types: readonly ValType[]): void {
    this.#stack.truncate(height);
    this.#pushTemps(types);
  }

  #setUnreachable(): void {
    this.#reachable = false;
    this.#deadDepth = 0;
    this.#deadRegions = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Branches

  /** The control frame `depth` levels out. */
  #frame(depth: number): Ctrl {
    return this.#ctrl[this.#ctrl.length - 1 - depth]!;
  }

  /** Whether a branch to `frame` needs code to move its values into the label's slots. */
  #needsMove(frame: Ctrl): boolean {
    if (frame.kind === FUNC) return true;
    const s = this.#stack;
    const n = frame.arity;
    const first = s.height - n;
    if (n === 0) return false;
    if (first !== frame.height) return true;
    for (let p = first; p < s.height; p++) if (s.kind[p] !== TEMP) return true;
    return false;
  }

  /**
   * Emits moves of the top `n` values into `frame`'s label slots (without changing the entries:
   * this also runs on conditional paths). In increasing order a destination only ever
   * overwrites the slot of a source that was already moved, or its own.
   */
  #moveValues(frame: Ctrl, n: number): void {
    const first = this.#stack.height - n;
    for (let i = 0; i < n; i++) this.#move(this.#slot(frame.height + i), first + i);
  }

  /** Emits the target word of a branch to `frame` (which is not the function frame). */
  #emitTarget(frame: Ctrl): void {
    if (frame.kind === LOOP) {
      this.#code.emit(frame.loopPc);
    } else {
      frame.patches = this.#code.emitPatch(frame.patches);
      frame.merged = true;
    }
  }

  /** An unconditional branch to `frame`, values included. */
  #jump(frame: Ctrl): void {
    if (frame.kind === FUNC) return this.#return();
    const head = frame.head;
    if (head !== null) {
      // Loop rotation: `if (!cond) goto body; goto exit` instead of `goto test`.
      const code = this.#code;
      const test = NEGATE_BRANCH[head.op]!;
      // (Metered under `auto`, the `TierUp` there.)
      const body = frame.bodyPc + 2 + head.args.length;
      if (this.#emitBranch(test, head.args, head.args.length, frame.fuel, frame.fuel !== null)) {
        // `if (!cond) { pay; goto body }` in one instruction (when the store cannot pay it goes
        // to the header, which charges, then tests `cond` again), then `pay; goto exit`.
        code.emit(body);
        code.emit(frame.loopPc);
        frame.fuel!.sharers.push(code.len);
        code.emit(0);
        code.emit(I.ConsumeFuel);
        frame.fuel!.sharers.push(code.len);
        code.emit(0);
      } else code.emit(body);
      code.emit(I.Br);
      this.#emitTarget(head.target);
      return;
    }
    this.#moveValues(frame, frame.arity);
    this.#code.emit(I.Br);
    this.#emitTarget(frame);
  }

  #br(depth: number): void {
    this.#jump(this.#frame(depth));
    this.#setUnreachable();
  }

  #brIf(depth: number): void {
    this.#popCondition();
    this.#branchOnCondition(depth);
  }

  /**
   * `br_on_null l`: branches with the values below the reference when it is null (a handle of
   * 0); falls through with the reference left as it was.
   */
  #brOnNull(depth: number): void {
    const s = this.#stack;
    const top = s.height - 1;
    const slot = this.#use(top);
    const local = s.kind[top] === LOCAL ? s.val[top]! : -1;
    s.pop();
    this.#condKind = COND_BRANCH;
    this.#condOp = I.BrIfEqz;
    this.#condArgs[0] = slot;
    this.#condArgc = 1;
    this.#branchOnCondition(depth);
    // Back on the stack as it was: a local still holds it, a temporary is still in its slot
    // (the branch's moves only write the label's slots, all below it).
    if (local >= 0) this.#pushLocal(local);
    else s.pushTemp(false);
  }

  /** `br_on_non_null l`: branches with the reference when it is not null, else drops it. */
  #brOnNonNull(depth: number): void {
    const s = this.#stack;
    this.#condKind = COND_BRANCH;
    this.#condOp = I.BrIfNez;
    this.#condArgs[0] = this.#use(s.height - 1);
    this.#condArgc = 1;
    this.#branchOnCondition(depth);
    s.pop();
  }

  /** Emits the branch of `#condOp` (see `#popCondition`) to label `depth`. */
  #branchOnCondition(depth: number): void {
    if (this.#condKind === COND_NEVER) return;
    if (this.#condKind === COND_ALWAYS) return this.#br(depth);
    const frame = this.#frame(depth);
    if (!this.#needsMove(frame)) {
      this.#noteLoopHead(frame);
      const code = this.#code;
      // A branch back to a loop header pays the header's charge itself (falling back to it).
      const pays = frame.kind === LOOP && frame.fuel !== null &&
        code.get(frame.loopPc) === I.ConsumeFuel;
      if (this.#emitBranch(this.#condOp, this.#condArgs, this.#condArgc, null, pays)) {
        code.emit(frame.loopPc + 2);
        code.emit(frame.loopPc);
        frame.fuel!.sharers.push(code.len);
        code.emit(0);
        return;
      }
      this.#emitTarget(frame);
      this.#headTierUp();
      return;
    }
    this.#negateCondition();
    const skip = this.#emitCondBranch(NO_PATCH);
    this.#jump(frame);
    this.#code.resolve(skip, this.#code.len);
    this.#bindLabel();
  }

  /**
   * Records the branch about to be emitted as the loop's head condition if it is the loop's
   * first instruction (its operands are then locals or immediates: nothing computed them).
   */
  #noteLoopHead(target: Ctrl): void {
    const loop = this.#ctrl[this.#ctrl.length - 1]!;
    if (
      loop.kind !== LOOP || loop.params.length !== 0 || loop === target ||
      this.#code.len !== loop.bodyPc || target.kind === LOOP
    ) return;
    const args = Array.from(this.#condArgs.subarray(0, this.#condArgc));
    loop.head = { op: this.#condOp, args, target };
    if (loop.tierPc >= 0) {
      // Metered under `auto`: the `TierUp` moves after this test (see `#headTierUp`), where
      // a rotated back edge lands, so an iteration tests the exit once, as in the interpreter
      // (testing it again there made `deno task bench --tier auto --fuel --filter sieve`
      // 1.5-2.6x -> 2.2-3.1x, min ratio over 4 runs against main; this way 2.1-2.9x against
      // 1.8-2.4x, within the noise of the shared machine, and the code of the codegen tier's).
      const code = this.#code;
      code.truncate(loop.tierPc);
      loop.bodyPc = loop.tierPc;
      loop.tierPc = -2;
      // The test's offset pair, noted after the `TierUp`, moves back with it.
      const o = this.#offsets;
      if (o.length > 0 && o[o.length - 2] === code.len + 1) o[o.length - 2] = code.len;
    }
  }

  /** After a loop's head test (see `#noteLoopHead`): its `TierUp`, if it moved. */
  #headTierUp(): void {
    const loop = this.#ctrl[this.#ctrl.length - 1]!;
    if (loop.kind !== LOOP || loop.tierPc !== -2) return;
    loop.tierPc = this.#code.len;
    this.#code.emit(I.TierUp);
  }

  #brTable(targets: readonly number[]): void {
    const s = this.#stack;
    const top = s.height - 1;
    if (s.kind[top] === CONST) {
      const i = s.val[top]! >>> 0;
      s.pop();
      return this.#br(targets[Math.min(i, targets.length - 1)]!);
    }
    const index = this.#use(top);
    s.pop();
    const code = this.#code;
    code.op2(I.BrTable, index, targets.length - 1);
    const table = code.len;
    // Targets that need values moved go through a stub emitted after the table, one per label.
    const stubs = new Map<number, number[]>();
    for (let i = 0; i < targets.length; i++) {
      const depth = targets[i]!;
      const frame = this.#frame(depth);
      if (this.#needsMove(frame)) {
        code.emit(0);
        const users = stubs.get(depth);
        if (users === undefined) stubs.set(depth, [table + i]);
        else users.push(table + i);
      } else {
        this.#emitTarget(frame);
      }
    }
    for (const [depth, users] of stubs) {
      for (const at of users) code.set(at, code.len);
      this.#jump(this.#frame(depth));
    }
    this.#setUnreachable();
  }

  // -------------------------------------------------------------------------------------------
  // Conditions

  /**
   * Pops an i32 condition into `#condKind` / `#condOp` / `#condArgs`: a constant becomes ALWAYS
   * or NEVER; a compare that was the last instruction is taken back and becomes a fused branch;
   * anything else branches on the value being nonzero.
   */
  #popCondition(): void {
    const s = this.#stack;
    const top = s.height - 1;
    if (s.kind[top] === CONST) {
      this.#condKind = s.val[top] !== 0 ? COND_ALWAYS : COND_NEVER;
      s.pop();
      return;
    }
    this.#condKind = COND_BRANCH;
    const code = this.#code;
    if (this.#topIsLastResult()) {
      const branch = CMP_TO_BRANCH[code.get(this.#lastStart)]!;
      if (branch >= 0) {
        // `cmp dst a b...` → `brif a b... target`: keep the operands, drop dst.
        this.#condOp = branch;
        this.#condArgc = code.len - this.#lastStart - 2;
        for (let i = 0; i < this.#condArgc; i++) {
          this.#condArgs[i] = code.get(this.#lastStart + 2 + i);
        }
        code.truncate(this.#lastStart);
        this.#lastEnd = -1;
        // The instruction before the compare may be an `I32AddImm` the branch can take in.
        this.#resultStart = this.#prevResultStart;
        s.pop();
        return;
      }
    }
    this.#condOp = I.BrIfNez;
    this.#condArgs[0] = this.#use(top);
    this.#condArgc = 1;
    s.pop();
  }

  #negateCondition(): void {
    this.#condOp = NEGATE_BRANCH[this.#condOp]!;
  }

  /** Emits the condition's branch with a pending target; returns the new patch-list head. */
  #emitCondBranch(head: number): number {
    this.#emitBranch(this.#condOp, this.#condArgs, this.#condArgc);
    return this.#code.emitPatch(head);
  }

  /**
   * Emits conditional branch `op` and its `argc` operands `args` (the caller emits the target),
   * after a `ConsumeFuel` paying region `pay` if given (a rotated loop's back edge). With
   * `paying` (the branch lands on a charge), emits its fuel-paying form instead if there is one
   * (`*Pay`, see `FUEL_ROWS` in isa.ts; no `ConsumeFuel` before it) and returns true: the caller
   * then emits the target, the fallback and the charge (a sharer of the region it pays).
   * Right after `I32AddImm x, y, imm` (or `I32Add x, y, z`; no label between) with `x` the first
   * operand, takes the add back and emits `I32AddImmBrIf<Cmp> x, y, imm, ...` (`I32AddBrIf<Cmp>
   * x, y, z, ...`) instead: a loop counter's step and the loop's back edge in one dispatch. The `ConsumeFuel` then goes before the add: the add
   * only writes a slot, so running out of fuel there and resuming is not observable.
   */
  #emitBranch(
    op: number,
    args: ArrayLike<number>,
    argc: number,
    pay: FuelRegion | null = null,
    paying = false,
  ): boolean {
    const code = this.#code;
    const at = this.#resultStart;
    const add = at >= 0 && at + 4 === code.len && code.get(at + 1) === args[0] ? code.get(at) : -1;
    // (`I32AddImm` and `I32Add` are both 4 words: op, x, y, imm or z.)
    // A counter stepped to zero (`br_if` on the step's result: clang's loops over negative
    // offsets, vec_float's 6% of dispatches) compares with an immediate 0.
    const nez = argc === 1 && (op === I.BrIfNez || op === I.BrIfEqz);
    const fused = add === I.I32AddImm
      ? nez ? (op === I.BrIfNez ? I.I32AddImmBrIfNeImm : I.I32AddImmBrIfEqImm) : ADD_IMM_BRANCH[op]!
      : add === I.I32Add
      ? ADD_BRANCH[op]!
      : -1;
    // The paying form of what would be emitted (the fused row's when there is one).
    const form = paying ? PAYING_FORM[fused >= 0 ? fused : op]! : -1;
    if (fused >= 0) {
      const y = code.get(at + 2);
      const imm = code.get(at + 3);
      code.truncate(at);
      this.#resultStart = -1;
      this.#lastEnd = -1;
      if (form < 0) this.#emitPay(pay);
      code.emit(form >= 0 ? form : fused);
      code.emit(args[0]!);
      code.emit(y);
      code.emit(imm);
      for (let i = 1; i < argc; i++) code.emit(args[i]!);
      if (nez) code.emit(0);
      return form >= 0;
    }
    if (form < 0) this.#emitPay(pay);
    code.emit(form >= 0 ? form : op);
    for (let i = 0; i < argc; i++) code.emit(args[i]!);
    return form >= 0;
  }
  /** Emits a `ConsumeFuel` paying region `region` (its cost patched in later), if not null. */
  #emitPay(region: FuelRegion | null): void {
    if (region === null) return;
    this.#code.emit(I.ConsumeFuel);
    region.sharers.push(this.#code.len);
    this.#code.emit(0);
  }
}

/**
 * Which operands of a copy (destination, source, size: bits 1, 2, 4) are i64 between a
 * destination and a source of the given address widths: the size only when both are.
 */
function copyWidth(dst64: boolean, src64: boolean): number {
  return (dst64 ? 0b001 : 0) | (src64 ? 0b010 : 0) | (dst64 && src64 ? 0b100 : 0);
}

/**
 * The generic SIMD instruction whose operands (but for the sub-opcode) a specialised one takes,
 * told by its shape; a generic instruction is its own.
 */
function simdGeneric(instr: number): number {
  switch (ISA[instr]!.shape) {
    case "rr":
      return I.V128Unary;
    case "rrr":
      return I.V128Binary;
    case "rri":
      return I.V128ExtractLane;
    case "rro":
      return I.V128Load;
  }
  return instr;
}

/** A packed storage kind read sign-extended (`_s`) when `signed`. */
function signedKind(kind: number, signed: boolean): number {
  if (!signed) return kind;
  return kind === ST_I8 ? ST_I8_S : kind === ST_I16 ? ST_I16_S : kind;
}
