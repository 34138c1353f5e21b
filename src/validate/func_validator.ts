/**
 * Validation of function bodies: the algorithm of the spec's validation appendix, with an
 * operand stack of value types and a stack of control frames.
 *
 * After `unreachable`, `br`, `br_table` or `return` the rest of a block is unreachable and its
 * operand stack polymorphic: popping below the frame's height yields `UNKNOWN`, which matches
 * every type.
 *
 * @module
 */

import { DecodeError, ValidationError } from "../core/errors.ts";
import {
  HeapCode,
  isRefType,
  type MemoryType,
  refInfo,
  refType,
  type ValType,
} from "../core/types.ts";
import {
  defaultable,
  type FieldType,
  type StorageType,
  TypeKind,
  TYPES,
} from "../core/type_registry.ts";
import { denseIndex, Imm, Op } from "../binary/opcodes.ts";
import {
  BLOCK_EMPTY,
  blockValType,
  CAST_NULL_1,
  CAST_NULL_2,
  CATCH_ALL,
  CATCH_ALL_REF,
  CATCH_REF,
  OpReader,
} from "../binary/op_reader.ts";
import type { ModuleContext, Sig } from "./context.ts";
import { Feature, featureMessage } from "../core/features.ts";
import {
  OP_CHECK_IMM,
  OP_FEATURE,
  OP_IMM,
  OP_LANES,
  OP_MAX_ALIGN,
  OP_PARAMS,
  OP_RESULTS,
  plainTypes,
  valTypeFeature,
} from "./op_rules.ts";

/** The type of an operand popped from a polymorphic stack: it matches any type. */
export const UNKNOWN = "unknown";

/** A value type on the validator's operand stack. */
export type Operand = ValType | typeof UNKNOWN;

const NONE: readonly ValType[] = plainTypes([]);
const SINGLES = new Map<ValType, readonly ValType[]>();
/** `[t]`, shared: block types of one value allocate nothing per block. */
function single(t: ValType): readonly ValType[] {
  let a = SINGLES.get(t);
  if (a === undefined) SINGLES.set(t, a = plainTypes([t]));
  return a;
}

/** Whether operand `a` matches type `b`: equal (the common case, one compare) or a subtype. */
function matches(a: Operand, b: ValType): boolean {
  return a === b || a === UNKNOWN || TYPES.valSub(a, b);
}

/** The type a packed storage type is read as. */
function unpacked(s: StorageType): ValType {
  return s === "i8" || s === "i16" ? "i32" : s;
}

/** One entry of the control stack: a block, loop, if/else, or the function itself. */
class ControlFrame {
  /** `Op.Block`, `Op.Loop`, `Op.If` or `Op.Else`; the function's frame is a block. */
  opcode = 0;
  /** Types the block takes from the stack. */
  params: readonly ValType[] = NONE;
  /** Types the block leaves on the stack. */
  results: readonly ValType[] = NONE;
  /** Operand stack height when the block was entered (its params popped). */
  height = 0;
  /** Whether the rest of the block is unreachable (its stack is polymorphic). */
  unreachable = false;
  /** Height of the local-initialisation stack when the block was entered. */
  initHeight = 0;

  /** The types a branch to this frame's label carries. */
  get labelTypes(): readonly ValType[] {
    return this.opcode === Op.Loop ? this.params : this.results;
  }
}

/**
 * Validates the function bodies of one module. Create one per module and call `validate` for
 * each defined function: the stacks are reused, so validation allocates nothing per instruction.
 *
 * @example
 * ```ts ignore
 * const v = new FuncValidator(new ModuleContext(decl, WASM2_FEATURES));
 * for (let i = decl.importedFuncs; i < decl.funcTypeIndices.length; i++) v.validate(i);
 * ```
 */
export class FuncValidator {
  readonly #ctx: ModuleContext;
  readonly #reader: OpReader;
  #vals: Operand[] = new Array<Operand>(64).fill(UNKNOWN);
  #height = 0;
  #frames: ControlFrame[] = [];
  #depth = 0;
  /** The innermost frame, `#frames[#depth - 1]`, kept at hand for the hot pop path. */
  #top: ControlFrame = new ControlFrame();
  #funcIndex = 0;
  /**
   * The body's local types, parameters first, copied into one plain array by `begin`: a
   * function type's frozen arrays and the locals' holey ones made each `local.get` (a quarter
   * of the operators) load through V8's generic keyed-load stub (see the commit).
   */
  #localTypes: ValType[] = [];
  #numLocals = 0;
  /** Block-type results of the last `#readBlockType`, kept in fields to avoid allocation. */
  #btParams: readonly ValType[] = NONE;
  #btResults: readonly ValType[] = NONE;
  /**
   * Non-defaultable locals (typed references): 1 once set on every path to here. `#inits`
   * lists the ones set inside open blocks, so a block's end can forget them again.
   */
  #initialised: Uint8Array = new Uint8Array(0);
  /** The last locals array whose types `begin` checked against the enabled features. */
  #checkedLocals: readonly ValType[] | null = null;
  #inits: number[] = [];
  /**
   * Set by `#checkImmediates` for operators on a 64-bit memory or table (memory64): bit `i`
   * makes operand `i` an `i64` instead of the table's `i32`; `WIDE_RESULT` does the same for
   * the result.
   */
  #wide = 0;

  /** @param ctx the module context */
  constructor(ctx: ModuleContext) {
    this.#ctx = ctx;
    this.#reader = new OpReader(ctx.module.bytes);
    this.#reader.configure(ctx.features, ctx.module.typeIds);
  }

  /**
   * Validates the body of defined function `funcIndex` (an index in the function index space).
   *
   * @throws {ValidationError} naming the broken rule with the spec testsuite's wording, the
   *   offending instruction's offset and `funcIndex`.
   * @throws {DecodeError} for `memory.init` / `data.drop` without a data count section, which the
   *   spec counts as malformed.
   */
  validate(funcIndex: number): void {
    const reader = this.begin(funcIndex);
    while (this.#depth > 0) this.#instr(reader.read());
    this.finish();
  }

  /**
   * Starts validating the body of defined function `funcIndex` one instruction at a time, for a
   * caller that reads the body itself (the translator of an eager compile validates while it
   * translates, so each body is read once): read each instruction with the returned reader,
   * pass its opcode to `step` before using it, until `done`, then call `finish`.
   *
   * @returns the reader, positioned at the body's first instruction (its immediates are read
   *   with the module's features)
   * @throws {ValidationError} as `validate`
   */
  begin(funcIndex: number): OpReader {
    const module = this.#ctx.module;
    const bodies = module.bodies;
    const body = funcIndex - module.importedFuncs;
    if (!(body >= 0 && body < bodies.length)) {
      throw new RangeError(`function ${funcIndex} has no body`);
    }
    const type = this.#ctx.funcSig(funcIndex);
    if (type === null) {
      const typeIndex = module.funcTypeIndices[funcIndex];
      throw new ValidationError(`unknown type ${typeIndex}`, bodies.offset(body), funcIndex);
    }
    this.#funcIndex = funcIndex;
    const locals = bodies.locals(body);
    const reader = this.#reader;
    const codeStart = bodies.codeStart(body);
    reader.pos = codeStart;
    reader.end = bodies.codeEnd(body);
    reader.opPos = codeStart;
    // Bodies declaring the same small group of locals share one array (`section_code.ts`).
    if (locals !== this.#checkedLocals) {
      for (let i = 0; i < locals.length; i++) this.#checkType(locals[i]!);
      this.#checkedLocals = locals;
    }
    const nLocals = type.params.length + locals.length;
    const localTypes = this.#localTypes;
    const params = type.params;
    for (let i = 0; i < params.length; i++) localTypes[i] = params[i]!;
    for (let i = 0; i < locals.length; i++) localTypes[params.length + i] = locals[i]!;
    this.#numLocals = nLocals;
    if (this.#initialised.length < nLocals) {
      this.#initialised = new Uint8Array(Math.max(nLocals, 2 * this.#initialised.length)).fill(1);
    }
    // Without typed references every local type has a default: nothing to track, and no entry
    // is ever cleared (the array stays all 1s).
    if (this.#typedRefs) {
      const initialised = this.#initialised;
      initialised.fill(1, 0, nLocals);
      for (let i = 0; i < locals.length; i++) {
        if (!defaultable(locals[i]!)) initialised[type.params.length + i] = 0;
      }
    }
    if (this.#inits.length !== 0) this.#inits.length = 0;
    this.#height = 0;
    this.#depth = 0;
    this.#pushFrame(Op.Block, NONE, type.results);
    return reader;
  }

  /**
   * Validates the instruction the reader `begin` returned has just read (`op`, its opcode).
   *
   * @throws {ValidationError} as `validate`
   */
  step(op: number): void {
    // The two most frequent operators (40% of SQLite's) before the table lookups of `#instr`
    // (see `FuncTranslator.#translateOp`).
    if (op === Op.LocalGet) {
      const index = this.#reader.index;
      const t = this.#local(index);
      if (this.#initialised[index] === 0) this.#fail("uninitialized local");
      return this.#push(t);
    }
    if (op === Op.I32Const) return this.#push("i32");
    this.#instr(op);
  }

  /** Whether the body's final `end` has been validated (see `begin`). */
  get done(): boolean {
    return this.#depth === 0;
  }

  /**
   * Checks that nothing follows the body's final `end` (see `begin`).
   *
   * @throws {DecodeError} "operators remaining after end of function"
   */
  finish(): void {
    const reader = this.#reader;
    if (!reader.atEnd) {
      throw new DecodeError("operators remaining after end of function", reader.pos);
    }
  }

  // ---- operand stack ----

  #push(t: Operand): void {
    if (this.#height === this.#vals.length) this.#vals.push(t);
    else this.#vals[this.#height] = t;
    this.#height++;
  }

  #pushAll(ts: readonly ValType[]): void {
    for (let i = 0; i < ts.length; i++) this.#push(ts[i]!);
  }

  #popAny(): Operand {
    if (this.#height === this.#top.height) {
      if (this.#top.unreachable) return UNKNOWN;
      this.#fail("type mismatch");
    }
    return this.#vals[--this.#height]!;
  }

  #pop(expected: ValType): void {
    const h = this.#height;
    if (h > this.#top.height) {
      const actual = this.#vals[h - 1]!;
      this.#height = h - 1;
      if (actual !== expected && !matches(actual, expected)) this.#fail("type mismatch");
    } else if (!this.#top.unreachable) {
      this.#fail("type mismatch");
    }
  }

  #popAll(ts: readonly ValType[]): void {
    for (let i = ts.length - 1; i >= 0; i--) this.#pop(ts[i]!);
  }

  /**
   * Pops `ts` as `#popAll` does; a mismatch is reported with the operands the instruction needs
   * and those the stack has, as the reference interpreter words it for `throw`:
   * `type mismatch: instruction requires [i32] but stack has [i64]`.
   */
  #popOperands(ts: readonly ValType[]): void {
    const frame = this.#top;
    const available = this.#height - frame.height;
    let ok = frame.unreachable || available >= ts.length;
    for (let i = 1; ok && i <= Math.min(ts.length, available); i++) {
      const actual = this.#vals[this.#height - i]!;
      if (!matches(actual, ts[ts.length - i]!)) ok = false;
    }
    if (!ok) {
      const has = this.#vals.slice(this.#height - Math.min(ts.length, available), this.#height);
      this.#fail(
        `type mismatch: instruction requires [${ts.join(" ")}] but stack has [${has.join(" ")}]`,
      );
    }
    this.#popAll(ts);
  }

  /**
   * Checks that the top of the stack matches `ts` without popping: what popping `ts` and pushing
   * back the popped operands does, as `br_table` needs for every target.
   */
  #peekAll(ts: readonly ValType[]): void {
    const frame = this.#top;
    for (let i = ts.length - 1, at = this.#height - 1; i >= 0; i--, at--) {
      if (at < frame.height) {
        if (frame.unreachable) return;
        this.#fail("type mismatch");
      }
      const actual = this.#vals[at]!;
      if (!matches(actual, ts[i]!)) this.#fail("type mismatch");
    }
  }

  // ---- control stack ----

  #pushFrame(opcode: number, params: readonly ValType[], results: readonly ValType[]): void {
    let frame = this.#frames[this.#depth];
    if (frame === undefined) this.#frames.push(frame = new ControlFrame());
    frame.opcode = opcode;
    frame.params = params;
    frame.results = results;
    frame.height = this.#height;
    frame.unreachable = false;
    frame.initHeight = this.#inits.length;
    this.#depth++;
    this.#top = frame;
    this.#pushAll(params);
  }

  #popFrame(): ControlFrame {
    const frame = this.#top;
    this.#popAll(frame.results);
    if (this.#height !== frame.height) this.#fail("type mismatch");
    this.#resetInits(frame.initHeight);
    this.#depth--;
    // The function's own frame stays `#top` once popped: nothing reads it after that.
    if (this.#depth > 0) this.#top = this.#frames[this.#depth - 1]!;
    return frame;
  }

  /** Forgets the locals set since the init stack had `height` entries. */
  #resetInits(height: number): void {
    const inits = this.#inits;
    while (inits.length > height) this.#initialised[inits.pop()!] = 0;
  }

  #label(depth: number): ControlFrame {
    if (depth >= this.#depth) this.#fail(`unknown label ${depth}`);
    return this.#frames[this.#depth - 1 - depth]!;
  }

  #setUnreachable(): void {
    this.#height = this.#top.height;
    this.#top.unreachable = true;
  }

  // ---- instructions ----

  #instr(op: number): void {
    const idx = denseIndex(op);
    const feature = OP_FEATURE[idx]!;
    if (feature !== Feature.None && (this.#ctx.disabled & feature) !== 0) {
      this.#fail(featureMessage(feature));
    }
    const params = OP_PARAMS[idx];
    if (params !== null && params !== undefined) {
      this.#wide = 0;
      if (OP_CHECK_IMM[idx] !== 0) this.#checkImmediates(idx, OP_IMM[idx]!, op);
      const wide = this.#wide;
      const results = OP_RESULTS[idx]!;
      if (wide === 0) {
        for (let i = params.length - 1; i >= 0; i--) this.#pop(params[i]!);
        for (let i = 0; i < results.length; i++) this.#push(results[i]!);
        return;
      }
      for (let i = params.length - 1; i >= 0; i--) this.#pop(wide & (1 << i) ? "i64" : params[i]!);
      for (let i = 0; i < results.length; i++) {
        this.#push(wide & WIDE_RESULT ? "i64" : results[i]!);
      }
      return;
    }
    this.#special(op);
  }

  /** Checks the immediates of an operator with a fixed signature (and sets `#wide`). */
  #checkImmediates(idx: number, imm: Imm, op: number): void {
    const reader = this.#reader;
    switch (imm) {
      case Imm.MemArg:
        this.#memArg(reader.index);
        return this.#alignment(idx);
      case Imm.MemArgLane:
        this.#memArg(reader.index);
        this.#alignment(idx);
        return this.#lane(idx);
      case Imm.Lane:
        return this.#lane(idx);
      case Imm.Shuffle:
        for (let i = 0; i < 16; i++) {
          if (reader.v128[i]! >= 32) this.#fail("invalid lane index");
        }
        return;
      case Imm.Memory:
        // memory.size and memory.grow: size and delta; memory.fill: destination and size.
        if (this.#memory(reader.index).index64) {
          this.#wide = op === Op.MemoryFill ? 0b101 : 0b1 | WIDE_RESULT;
        }
        return;
      case Imm.MemoryCopy:
        this.#wide = copyWidth(
          this.#memory(reader.index).index64,
          this.#memory(reader.index2).index64,
        );
        return;
      case Imm.MemoryInit:
        this.#requireDataCount();
        if (this.#memory(reader.index2).index64) this.#wide = 0b1;
        return this.#data(reader.index);
      case Imm.Data:
        this.#requireDataCount();
        return this.#data(reader.index);
      case Imm.Elem:
        this.#elem(reader.index);
        return;
      case Imm.Table:
        // table.size
        this.#table(reader.index);
        if (this.#tableAddr(reader.index) === "i64") this.#wide = WIDE_RESULT;
        return;
      case Imm.TableInit: {
        // The binary order is elem then table; the spec checks the table first.
        const tableType = this.#table(reader.index2);
        if (!TYPES.valSub(this.#elem(reader.index), tableType)) this.#fail("type mismatch");
        if (this.#tableAddr(reader.index2) === "i64") this.#wide = 0b1;
        return;
      }
      case Imm.TableCopy: {
        const dst = this.#table(reader.index);
        if (!TYPES.valSub(this.#table(reader.index2), dst)) this.#fail("type mismatch");
        this.#wide = copyWidth(
          this.#tableAddr(reader.index) === "i64",
          this.#tableAddr(reader.index2) === "i64",
        );
        return;
      }
      default:
        // Nothing to check (`OP_CHECK_IMM` keeps constants and other such shapes away).
        return;
    }
  }

  /** Operators typed by hand. */
  #special(op: number): void {
    const reader = this.#reader;
    switch (op) {
      // The most frequent operators first: a `switch` on `Op.*` values (not literals) tests its
      // cases in order (local.get alone is a quarter of SQLite's operators).
      case Op.LocalGet: {
        const t = this.#local(reader.index);
        if (this.#initialised[reader.index] === 0) this.#fail("uninitialized local");
        return this.#push(t);
      }
      case Op.LocalSet:
        this.#pop(this.#local(reader.index));
        return this.#setLocal(reader.index);
      case Op.LocalTee: {
        const t = this.#local(reader.index);
        this.#pop(t);
        this.#setLocal(reader.index);
        return this.#push(t);
      }
      case Op.End: {
        const frame = this.#popFrame();
        // An `if` without `else` has an implicit empty else, which passes its params through.
        if (frame.opcode === Op.If && !subTypes(frame.params, frame.results)) {
          this.#fail("type mismatch");
        }
        return this.#pushAll(frame.results);
      }
      case Op.Call: {
        const type = this.#ctx.funcSig(reader.index);
        if (type === null) this.#fail(`unknown function ${reader.index}`);
        this.#popAll(type.params);
        return this.#pushAll(type.results);
      }
      case Op.Unreachable:
        return this.#setUnreachable();
      case Op.Block:
      case Op.Loop:
        this.#readBlockType();
        this.#popAll(this.#btParams);
        return this.#pushFrame(op, this.#btParams, this.#btResults);
      case Op.TryTable:
        this.#readBlockType();
        this.#catches();
        this.#popAll(this.#btParams);
        return this.#pushFrame(Op.Block, this.#btParams, this.#btResults);
      case Op.Throw: {
        const params = this.#tag(reader.index);
        this.#popOperands(params);
        return this.#setUnreachable();
      }
      case Op.ThrowRef:
        this.#pop("exnref");
        return this.#setUnreachable();
      case Op.If:
        this.#readBlockType();
        this.#pop("i32");
        this.#popAll(this.#btParams);
        return this.#pushFrame(op, this.#btParams, this.#btResults);
      case Op.Else: {
        const frame = this.#top;
        if (frame.opcode !== Op.If) this.#fail("else without if");
        this.#popFrame();
        return this.#pushFrame(Op.Else, frame.params, frame.results);
      }
      case Op.Br:
        this.#popAll(this.#label(reader.index).labelTypes);
        return this.#setUnreachable();
      case Op.BrIf: {
        const types = this.#label(reader.index).labelTypes;
        this.#pop("i32");
        this.#popAll(types);
        return this.#pushAll(types);
      }
      case Op.BrTable:
        return this.#brTable();
      case Op.Return:
        this.#popAll(this.#frames[0]!.results);
        return this.#setUnreachable();
      case Op.CallIndirect:
        return this.#callIndirect();
      case Op.ReturnCall: {
        const type = this.#ctx.funcSig(reader.index);
        if (type === null) this.#fail(`unknown function ${reader.index}`);
        return this.#returnCall(type.params, type.results);
      }
      case Op.ReturnCallIndirect: {
        const type = this.#indirectType();
        return this.#returnCall(type.params, type.results);
      }
      case Op.Drop:
        this.#popAny();
        return;
      case Op.Select:
        return this.#select();
      case Op.SelectT: {
        const types = reader.selectTypes;
        if (types.length !== 1) this.#fail("invalid result arity");
        const t = this.#checkType(types[0]!);
        this.#pop("i32");
        this.#pop(t);
        this.#pop(t);
        return this.#push(t);
      }
      case Op.GlobalGet:
        return this.#push(this.#global(reader.index).content);
      case Op.GlobalSet: {
        const type = this.#global(reader.index);
        // Wasm 2.0's reference interpreter says "global is immutable", Wasm 3.0's "immutable
        // global": the message carries both wordings.
        if (!type.mutable) this.#fail("immutable global: global is immutable");
        this.#pop(type.content);
        return;
      }
      case Op.TableGet: {
        const t = this.#table(reader.index);
        this.#pop(this.#tableAddr(reader.index));
        return this.#push(t);
      }
      case Op.TableSet: {
        const t = this.#table(reader.index);
        this.#pop(t);
        this.#pop(this.#tableAddr(reader.index));
        return;
      }
      case Op.TableGrow: {
        const t = this.#table(reader.index);
        const at = this.#tableAddr(reader.index);
        this.#pop(at);
        this.#pop(t);
        return this.#push(at);
      }
      case Op.TableFill: {
        const t = this.#table(reader.index);
        const at = this.#tableAddr(reader.index);
        this.#pop(at);
        this.#pop(t);
        this.#pop(at);
        return;
      }
      case Op.RefNull:
        return this.#push(this.#checkType(reader.refType));
      case Op.RefIsNull:
        this.#popRef();
        return this.#push("i32");
      case Op.RefFunc: {
        const index = reader.index;
        if (index >= this.#ctx.funcCount) this.#fail(`unknown function ${index}`);
        if (this.#ctx.declaredFuncs[index] !== 1) this.#fail("undeclared function reference");
        // With typed references, `ref.func` has the function's exact type.
        if (!this.#typedRefs) return this.#push("funcref");
        const m = this.#ctx.module;
        return this.#push(refType(false, m.typeIds[m.funcTypeIndices[index]!]!));
      }
      case Op.RefAsNonNull: {
        const t = this.#popRef();
        return this.#push(t === UNKNOWN ? UNKNOWN : nonNull(t));
      }
      case Op.RefEq:
        this.#pop("eqref");
        this.#pop("eqref");
        return this.#push("i32");
      case Op.BrOnNull: {
        const t = this.#popRef();
        const types = this.#label(reader.index).labelTypes;
        this.#popAll(types);
        this.#pushAll(types);
        return this.#push(t === UNKNOWN ? UNKNOWN : nonNull(t));
      }
      case Op.BrOnNonNull: {
        const t = this.#popRef();
        const types = this.#label(reader.index).labelTypes;
        if (types.length === 0) this.#fail("type mismatch");
        const last = types[types.length - 1]!;
        if (t !== UNKNOWN && !TYPES.valSub(nonNull(t), last)) this.#fail("type mismatch");
        const rest = types.slice(0, types.length - 1);
        this.#popAll(rest);
        return this.#pushAll(rest);
      }
      case Op.CallRef: {
        const type = this.#funcTypeAt(reader.index);
        this.#pop(refType(true, this.#ctx.module.typeIds[reader.index]!));
        this.#popAll(type.params);
        return this.#pushAll(type.results);
      }
      case Op.ReturnCallRef: {
        const type = this.#funcTypeAt(reader.index);
        this.#pop(refType(true, this.#ctx.module.typeIds[reader.index]!));
        return this.#returnCall(type.params, type.results);
      }
      default:
        if (op >>> 12 === 0xfb) return this.#gc(op);
        // OpReader returns only opcodes of the table, and every untyped one is handled above.
        throw new DecodeError("illegal opcode", reader.opPos);
    }
  }

  /**
   * The catch clauses of a `try_table` (labels relative to the context around it): each label
   * must take the tag's payload, followed by an `exnref` for the `_ref` kinds.
   */
  #catches(): void {
    const catches = this.#reader.catches;
    for (let i = 0; i < catches.length; i += 3) {
      const kind = catches[i]!;
      const payload = kind < CATCH_ALL ? this.#tag(catches[i + 1]!) : NONE;
      const ref = kind === CATCH_REF || kind === CATCH_ALL_REF;
      const label = this.#label(catches[i + 2]!).labelTypes;
      if (label.length !== payload.length + (ref ? 1 : 0)) this.#fail("type mismatch");
      for (let j = 0; j < payload.length; j++) {
        if (!TYPES.valSub(payload[j]!, label[j]!)) this.#fail("type mismatch");
      }
      if (ref && !TYPES.valSub("(ref exn)", label[payload.length]!)) this.#fail("type mismatch");
    }
  }

  /** The payload types of tag `index`. */
  #tag(index: number): readonly ValType[] {
    const module = this.#ctx.module;
    const typeIndex = module.tags[index];
    if (typeIndex === undefined) this.#fail(`unknown tag ${index}`);
    return this.#ctx.sigAt(typeIndex)!.params;
  }

  #brTable(): void {
    const targets = this.#reader.targets;
    this.#pop("i32");
    const defaultTypes = this.#label(targets[targets.length - 1]!).labelTypes;
    const arity = defaultTypes.length;
    for (let i = 0; i < targets.length - 1; i++) {
      const types = this.#label(targets[i]!).labelTypes;
      if (types.length !== arity) this.#fail("type mismatch");
      this.#peekAll(types);
    }
    this.#popAll(defaultTypes);
    this.#setUnreachable();
  }

  #callIndirect(): void {
    const type = this.#indirectType();
    this.#popAll(type.params);
    this.#pushAll(type.results);
  }

  /** Checks `call_indirect`'s (or `return_call_indirect`'s) immediates, pops the index. */
  #indirectType(): Sig {
    const reader = this.#reader;
    const tableIndex = reader.index2;
    if (tableIndex !== 0) this.#require(Feature.ReferenceTypes);
    const element = this.#table(tableIndex);
    const type = this.#funcTypeAt(reader.index);
    if (!TYPES.valSub(element, "funcref")) this.#fail("type mismatch");
    this.#pop(this.#tableAddr(tableIndex));
    return type;
  }

  /**
   * A tail call to a function of type `params -> results`: it returns what the callee returns,
   * so the callee's results must be the function's own.
   */
  #returnCall(params: readonly ValType[], results: readonly ValType[]): void {
    if (!subTypes(results, this.#frames[0]!.results)) this.#fail("type mismatch");
    this.#popAll(params);
    this.#setUnreachable();
  }

  #select(): void {
    this.#pop("i32");
    const t1 = this.#popAny();
    const t2 = this.#popAny();
    // Untyped select only takes numbers and vectors: a reference needs `select t`.
    if (isRefType(t1 as ValType) || isRefType(t2 as ValType)) this.#fail("type mismatch");
    if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) this.#fail("type mismatch");
    this.#push(t1 === UNKNOWN ? t2 : t1);
  }

  // ---- immediates ----

  #readBlockType(): void {
    const bt = this.#reader.blockType;
    if (bt === BLOCK_EMPTY) {
      this.#btParams = NONE;
      this.#btResults = NONE;
    } else if (bt < 0) {
      this.#btParams = NONE;
      this.#btResults = single(this.#checkType(blockValType(bt)!));
    } else {
      this.#require(Feature.MultiValue);
      const type = this.#funcTypeAt(bt);
      this.#btParams = type.params;
      this.#btResults = type.results;
    }
  }

  #local(index: number): ValType {
    if (index >= this.#numLocals) this.#fail(`unknown local ${index}`);
    return this.#localTypes[index]!;
  }

  #global(index: number) {
    const type = this.#ctx.module.globalTypes[index];
    if (type === undefined) this.#fail(`unknown global ${index}`);
    return type;
  }

  #table(index: number): ValType {
    const type = this.#ctx.module.tables[index];
    if (type === undefined) this.#fail(`unknown table ${index}`);
    return type.element;
  }

  /** The address type of table `index` (which exists). */
  #tableAddr(index: number): "i32" | "i64" {
    return this.#ctx.module.tables[index]!.index64 ? "i64" : "i32";
  }

  #memory(index: number): MemoryType {
    const type = this.#ctx.module.memories[index];
    if (type === undefined) this.#fail(`unknown memory ${index}`);
    return type;
  }

  /** A memarg's memory and offset: a 32-bit memory takes only u32 offsets. */
  #memArg(index: number): void {
    if (this.#memory(index).index64) {
      this.#wide = 0b1;
    } else if (this.#reader.offsetHi !== 0) {
      this.#fail("offset out of range");
    }
  }

  /** `memory.init` and `data.drop` need the data count section; without it the module is malformed. */
  #requireDataCount(): void {
    if (this.#ctx.dataCount === null) {
      throw new DecodeError("data count section required", this.#reader.opPos);
    }
  }

  #data(index: number): void {
    if (index >= this.#ctx.dataCount!) this.#fail(`unknown data segment ${index}`);
  }

  #elem(index: number): ValType {
    const elem = this.#ctx.module.elems[index];
    if (elem === undefined) this.#fail(`unknown elem segment ${index}`);
    return elem.type;
  }

  #alignment(idx: number): void {
    if (OP_FEATURE[idx] === Feature.Threads) {
      // An atomic access carries exactly its natural alignment.
      if (this.#reader.align !== OP_MAX_ALIGN[idx]) this.#fail("atomic alignment must be natural");
    } else if (this.#reader.align > OP_MAX_ALIGN[idx]!) {
      this.#fail("alignment must not be larger than natural");
    }
  }

  #lane(idx: number): void {
    if (this.#reader.lane >= OP_LANES[idx]!) this.#fail("invalid lane index");
  }

  /** Rejects a value type whose feature is off; returns it. */
  #checkType(t: ValType): ValType {
    const feature = valTypeFeature(t);
    if (feature !== Feature.None) this.#require(feature);
    return t;
  }

  #require(feature: Feature): void {
    if ((this.#ctx.disabled & feature) !== 0) this.#fail(featureMessage(feature));
  }

  #fail(message: string): never {
    throw new ValidationError(message, this.#reader.opPos, this.#funcIndex);
  }

  // ---- typed references and GC ----

  get #typedRefs(): boolean {
    return (this.#ctx.disabled & Feature.FunctionReferences) === 0;
  }

  /** Marks local `index` set (the non-defaultable ones are tracked until their block ends). */
  #setLocal(index: number): void {
    if (this.#initialised[index] === 0) {
      this.#initialised[index] = 1;
      this.#inits.push(index);
    }
  }

  /** Pops a reference of any type (`UNKNOWN` from a polymorphic stack). */
  #popRef(): Operand {
    const t = this.#popAny();
    if (t !== UNKNOWN && !isRefType(t)) this.#fail("type mismatch");
    return t;
  }

  /** The function type at type index `index`. */
  #funcTypeAt(index: number): Sig {
    const m = this.#ctx.module;
    const id = m.typeIds[index];
    if (id === undefined) this.#fail(`unknown type ${index}`);
    if (TYPES.kind(id) !== TypeKind.Func) this.#fail("type mismatch");
    return this.#ctx.sigAt(index)!;
  }

  /** The canonical id of the type at index `index`, which must be of kind `kind`. */
  #typeOf(index: number, kind: TypeKind): number {
    const id = this.#ctx.module.typeIds[index];
    if (id === undefined) this.#fail(`unknown type ${index}`);
    if (TYPES.kind(id) !== kind) this.#fail("type mismatch");
    return id;
  }

  #fields(id: number): readonly FieldType[] {
    const c = TYPES.type(id).comp;
    return c.kind === "struct" ? c.fields : NO_FIELDS;
  }

  #element(id: number): FieldType {
    const c = TYPES.type(id).comp;
    return c.kind === "array" ? c.element : NO_FIELD;
  }

  #field(id: number, index: number): FieldType {
    const f = this.#fields(id)[index];
    if (f === undefined) this.#fail(`unknown field ${index}`);
    return f;
  }

  /** A heap type immediate's hierarchy must be the operand's. */
  #sameHierarchy(t: Operand, heap: number): void {
    if (t === UNKNOWN) return;
    if (TYPES.topOf(refInfo(t)!.heap) !== TYPES.topOf(heap)) this.#fail("type mismatch");
  }

  #gc(op: number): void {
    const r = this.#reader;
    switch (op) {
      case Op.StructNew: {
        const id = this.#typeOf(r.index, TypeKind.Struct);
        const fields = this.#fields(id);
        for (let i = fields.length - 1; i >= 0; i--) this.#pop(unpacked(fields[i]!.storage));
        return this.#push(refType(false, id));
      }
      case Op.StructNewDefault: {
        const id = this.#typeOf(r.index, TypeKind.Struct);
        for (const f of this.#fields(id)) {
          if (!defaultable(unpacked(f.storage))) this.#fail("type mismatch");
        }
        return this.#push(refType(false, id));
      }
      case Op.StructGet:
      case Op.StructGetS:
      case Op.StructGetU: {
        const id = this.#typeOf(r.index, TypeKind.Struct);
        const f = this.#field(id, r.index2);
        this.#packedAccess(f, op !== Op.StructGet);
        this.#pop(refType(true, id));
        return this.#push(unpacked(f.storage));
      }
      case Op.StructSet: {
        const id = this.#typeOf(r.index, TypeKind.Struct);
        const f = this.#field(id, r.index2);
        if (!f.mutable) this.#fail("field is immutable");
        this.#pop(unpacked(f.storage));
        this.#pop(refType(true, id));
        return;
      }
      case Op.ArrayNew: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        this.#pop("i32");
        this.#pop(unpacked(this.#element(id).storage));
        return this.#push(refType(false, id));
      }
      case Op.ArrayNewDefault: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        if (!defaultable(unpacked(this.#element(id).storage))) this.#fail("type mismatch");
        this.#pop("i32");
        return this.#push(refType(false, id));
      }
      case Op.ArrayNewFixed: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        const t = unpacked(this.#element(id).storage);
        // The operands are on the stack already, so the count is bounded by the code size.
        if (r.index2 > this.#height - this.#top.height && !this.#top.unreachable) {
          this.#fail("type mismatch");
        }
        for (let i = 0; i < r.index2; i++) this.#pop(t);
        return this.#push(refType(false, id));
      }
      case Op.ArrayNewData: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        this.#numericElement(id);
        this.#requireDataCount();
        this.#data(r.index2);
        this.#pop("i32");
        this.#pop("i32");
        return this.#push(refType(false, id));
      }
      case Op.ArrayNewElem: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        const et = this.#elem(r.index2);
        const s = this.#element(id).storage;
        if (s === "i8" || s === "i16" || !TYPES.valSub(et, s)) this.#fail("type mismatch");
        this.#pop("i32");
        this.#pop("i32");
        return this.#push(refType(false, id));
      }
      case Op.ArrayGet:
      case Op.ArrayGetS:
      case Op.ArrayGetU: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        const f = this.#element(id);
        this.#packedAccess(f, op !== Op.ArrayGet);
        this.#pop("i32");
        this.#pop(refType(true, id));
        return this.#push(unpacked(f.storage));
      }
      case Op.ArraySet: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        const f = this.#mutableElement(id);
        this.#pop(unpacked(f.storage));
        this.#pop("i32");
        this.#pop(refType(true, id));
        return;
      }
      case Op.ArrayLen:
        this.#pop("arrayref");
        return this.#push("i32");
      case Op.ArrayFill: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        const f = this.#mutableElement(id);
        this.#pop("i32");
        this.#pop(unpacked(f.storage));
        this.#pop("i32");
        this.#pop(refType(true, id));
        return;
      }
      case Op.ArrayCopy: {
        const dst = this.#typeOf(r.index, TypeKind.Array);
        const src = this.#typeOf(r.index2, TypeKind.Array);
        const df = this.#mutableElement(dst);
        const ss = this.#element(src).storage;
        const ds = df.storage;
        const ok = ss === ds ||
          (ss !== "i8" && ss !== "i16" && ds !== "i8" && ds !== "i16" && TYPES.valSub(ss, ds));
        if (!ok) this.#fail("array types do not match");
        this.#pop("i32");
        this.#pop("i32");
        this.#pop(refType(true, src));
        this.#pop("i32");
        this.#pop(refType(true, dst));
        return;
      }
      case Op.ArrayInitData: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        this.#mutableElement(id);
        this.#numericElement(id);
        this.#requireDataCount();
        this.#data(r.index2);
        this.#pop("i32");
        this.#pop("i32");
        this.#pop("i32");
        this.#pop(refType(true, id));
        return;
      }
      case Op.ArrayInitElem: {
        const id = this.#typeOf(r.index, TypeKind.Array);
        const f = this.#mutableElement(id);
        const et = this.#elem(r.index2);
        const s = f.storage;
        if (s === "i8" || s === "i16" || !TYPES.valSub(et, s)) this.#fail("type mismatch");
        this.#pop("i32");
        this.#pop("i32");
        this.#pop("i32");
        this.#pop(refType(true, id));
        return;
      }
      case Op.RefTest:
      case Op.RefTestNull: {
        const t = this.#popRef();
        this.#sameHierarchy(t, r.heapType);
        return this.#push("i32");
      }
      case Op.RefCast:
      case Op.RefCastNull: {
        const t = this.#popRef();
        this.#sameHierarchy(t, r.heapType);
        return this.#push(refType(op === Op.RefCastNull, r.heapType));
      }
      case Op.BrOnCast:
      case Op.BrOnCastFail:
        return this.#brOnCast(op === Op.BrOnCastFail);
      case Op.AnyConvertExtern: {
        const t = this.#popRef();
        if (t !== UNKNOWN && !TYPES.valSub(t, "externref")) this.#fail("type mismatch");
        const nullable = t !== UNKNOWN && refInfo(t)!.nullable;
        return this.#push(refType(nullable, HeapCode.Any));
      }
      case Op.ExternConvertAny: {
        const t = this.#popRef();
        if (t !== UNKNOWN && !TYPES.valSub(t, "anyref")) this.#fail("type mismatch");
        const nullable = t !== UNKNOWN && refInfo(t)!.nullable;
        return this.#push(refType(nullable, HeapCode.Extern));
      }
      case Op.RefI31:
        this.#pop("i32");
        return this.#push("(ref i31)");
      case Op.I31GetS:
      case Op.I31GetU:
        this.#pop("i31ref");
        return this.#push("i32");
      default:
        throw new DecodeError("illegal opcode", r.opPos);
    }
  }

  /** `get_s`/`get_u` read packed fields only, plain `get` the others. */
  #packedAccess(f: FieldType, signed: boolean): void {
    const packed = f.storage === "i8" || f.storage === "i16";
    if (packed !== signed) this.#fail("type mismatch");
  }

  #mutableElement(id: number): FieldType {
    const f = this.#element(id);
    if (!f.mutable) this.#fail("array is immutable");
    return f;
  }

  #numericElement(id: number): void {
    const s = this.#element(id).storage;
    if (s !== "i8" && s !== "i16" && isRefType(s)) {
      this.#fail("array type is not numeric or vector");
    }
  }

  /**
   * `br_on_cast l rt1 rt2` (branch when the cast to `rt2` succeeds) and `br_on_cast_fail`
   * (branch when it fails): `rt2 <: rt1`, the operand is an `rt1`, and the branch carries `rt2`
   * (or `rt1` minus `rt2` for the fail form), the fall-through the other.
   */
  #brOnCast(fail: boolean): void {
    const r = this.#reader;
    const rt1 = refType((r.castFlags & CAST_NULL_1) !== 0, r.heapType);
    const rt2 = refType((r.castFlags & CAST_NULL_2) !== 0, r.heapType2);
    this.#checkType(rt1);
    this.#checkType(rt2);
    if (!TYPES.valSub(rt2, rt1)) this.#fail("type mismatch");
    // rt1 minus rt2: when the cast accepts null, what fails it is non-null.
    const diff = (r.castFlags & CAST_NULL_2) !== 0 ? nonNull(rt1) : rt1;
    const toLabel = fail ? diff : rt2;
    const fallThrough = fail ? rt2 : diff;
    const types = this.#label(r.index).labelTypes;
    if (types.length === 0) this.#fail("type mismatch");
    if (!TYPES.valSub(toLabel, types[types.length - 1]!)) this.#fail("type mismatch");
    this.#pop(rt1);
    const rest = types.slice(0, types.length - 1);
    this.#popAll(rest);
    this.#pushAll(rest);
    this.#push(fallThrough);
  }
}

const NO_FIELDS: readonly FieldType[] = Object.freeze([]);
const NO_FIELD: FieldType = Object.freeze({ storage: "i32", mutable: false });

/** Whether `a` and `b` have the same length and each `a[i] <: b[i]`. */
function subTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!TYPES.valSub(a[i]!, b[i]!)) return false;
  return true;
}

/** The non-null version of reference type `t`. */
function nonNull(t: ValType): ValType {
  const info = refInfo(t)!;
  return info.nullable ? refType(false, info.heap) : t;
}

/** `#wide` bit of an operator's result. */
const WIDE_RESULT = 1 << 30;

/**
 * `#wide` of a copy between a destination and a source of the given address widths: the size
 * is an `i64` only when both are.
 */
function copyWidth(dst64: boolean, src64: boolean): number {
  return (dst64 ? 0b001 : 0) | (src64 ? 0b010 : 0) | (dst64 && src64 ? 0b100 : 0);
}
