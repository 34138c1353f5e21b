/**
 * The Wasm instruction set, one row per opcode: everything the decoder, the validator and the
 * translator know about an operator, declared once. A row gives
 * - its encoding (single-byte opcodes are themselves; a prefixed one is `prefix * 0x1000 + n`,
 *   so that in hex it reads as the prefix and a three-digit sub-opcode: `0xFC 0x13` is `0xfc013`,
 *   `0xFD 0x100` (relaxed SIMD's first) is `0xfd100`, `0xFE 0x10` is `0xfe010`) and text name;
 * - the shape of its immediates (`Imm`), which `OpReader` decodes;
 * - the feature that enables it (`Feature`; MVP operators have none);
 * - its validation rule: the operand and result types as a signature (`"ii:i"`, with
 *   i=i32 l=i64 f=f32 d=f64 v=v128), or `"*"` when the validator types it by a named rule of its
 *   own (control, locals, globals, tables, references);
 * - for memory accesses the natural alignment (log2 of the access width, the largest exponent a
 *   memarg may carry), for lane operators the number of lanes a lane index must stay below;
 * - how it translates (`Translate`): the internal instruction(s) of `engine/isa.ts` it becomes,
 *   its immediate form, and for compares the fused compare-and-branch.
 *
 * Run-time semantics live in the internal instruction's row of `engine/isa.ts`, which calls the
 * operator's function in `core/num` (or `engine/simd.ts`, `engine/bulk_ops.ts`).
 *
 * @module
 */

import { Feature } from "../core/features.ts";
import type { ValType } from "../core/types.ts";
// Type only: rows name the engine instructions they become; nothing here runs engine code.
import type { InstrName } from "../engine/isa.ts";

/** The shape of an instruction's immediate operands in the binary format. */
export enum Imm {
  None,
  /** block type: empty, a value type, or a type index */
  Block,
  /** label index */
  Label,
  /** vector of label indices and a default label */
  BrTable,
  /** function index */
  Func,
  /** type index, table index */
  CallIndirect,
  /** local index */
  Local,
  /** global index */
  Global,
  /** table index */
  Table,
  /** alignment exponent and offset */
  MemArg,
  /** memory index (a zero byte in Wasm 2.0) */
  Memory,
  I32,
  I64,
  F32,
  F64,
  /** vector of value types */
  SelectT,
  /** reference type */
  RefNull,
  /** data segment index */
  Data,
  /** element segment index */
  Elem,
  /** data segment index, memory index */
  MemoryInit,
  /** destination and source memory indices */
  MemoryCopy,
  /** element segment index, table index */
  TableInit,
  /** destination and source table indices */
  TableCopy,
  /** 16 bytes */
  V128,
  /** 16 lane indices */
  Shuffle,
  /** one lane index */
  Lane,
  /** memarg, then a lane index */
  MemArgLane,
  /** tag index (exception handling) */
  Tag,
  /** block type, then a vector of catch clauses (`try_table`) */
  TryTable,
  /** a reserved byte that must be zero (`atomic.fence`) */
  ZeroByte,
  /** type index (`call_ref`, `struct.new`, `array.get`, ...) */
  Type,
  /**
   * type index and a second index: a field (`struct.get`), a count (`array.new_fixed`), a data
   * or elem segment (`array.new_data`), or a second type (`array.copy`)
   */
  TypeIndex2,
  /** heap type (`ref.test`, `ref.cast`) */
  HeapType,
  /** flags, label, source and target heap types (`br_on_cast`, `br_on_cast_fail`) */
  BrOnCast,
}

/** How the translator turns an operator into internal code (see `engine/translator.ts`). */
export const enum TranslateKind {
  /** The translator has a case of its own for the opcode (control, locals, constants, ...). */
  Special,
  /** No code: the value's bits stay as they are (`nop`, reinterprets). */
  Nop,
  /** `instr dst? operands...`: operands per the signature, results in consecutive slots. */
  Plain,
  /** A binary operator with an immediate form for a constant operand. */
  Binary,
  /** `instr dst addr offset`. */
  Load,
  /** `instr addr offset value`, or the immediate form for a constant value. */
  Store,
  /** One of the generic `V128*` instructions, carrying the SIMD sub-opcode. */
  Simd,
  /**
   * One of the generic `Atomic*` instructions: `instr dst? sub addr offset operands...`, the
   * `0xFE` sub-opcode selecting the access (see `engine/atomics.ts`).
   */
  Atomic,
}

/** A row's translation rule. */
export interface Translate {
  /** Which translation. */
  readonly kind: TranslateKind;
  /** The internal instruction (null for `Special` and `Nop`). */
  readonly instr: InstrName | null;
  /** The immediate form: right operand (or stored value) inline, or null. */
  readonly imm: InstrName | null;
  /** Operands may be swapped, so a constant left operand uses `imm` too. */
  readonly commutative: boolean;
  /** Subtraction: `imm` is an add of the negated constant. */
  readonly negate: boolean;
  /** Compares: the immediate form for a constant left operand (`c < x` is `x > c`). */
  readonly mirror: InstrName | null;
  /** Compares: the fused branch that jumps when `instr`'s result would be nonzero. */
  readonly branch: InstrName | null;
  /** Compares: the fused branch of the immediate form `imm`. */
  readonly branchImm: InstrName | null;
}

/** What the table knows about one opcode. */
export interface OpInfo {
  /** The opcode (see the module doc for prefixed opcodes). */
  readonly code: number;
  /** The text-format name, e.g. `i32.add`. */
  readonly name: string;
  /** The shape of its immediates. */
  readonly imm: Imm;
  /** Operand types popped, or `null` when the validator types the operator by its own rule. */
  readonly params: readonly ValType[] | null;
  /** Result types pushed (empty when `params` is null). */
  readonly results: readonly ValType[];
  /** The feature that enables it (`Feature.None` for MVP operators). */
  readonly feature: Feature;
  /** Memory accesses: log2 of the natural alignment; 0 otherwise. */
  readonly align: number;
  /** Lane operators: the number of lanes; 0 otherwise. */
  readonly lanes: number;
  /** How it translates. */
  readonly translate: Translate;
}

// ---- row constructors ----

const SIG_TYPES: Record<string, ValType> = { i: "i32", l: "i64", f: "f32", d: "f64", v: "v128" };

interface Extra {
  imm?: Imm;
  feature?: Feature;
  align?: number;
  lanes?: number;
}

function rule(kind: TranslateKind, instr: InstrName | null, more: Partial<Translate> = {}) {
  return Object.freeze({
    kind,
    instr,
    imm: null,
    commutative: false,
    negate: false,
    mirror: null,
    branch: null,
    branchImm: null,
    ...more,
  });
}

const SPECIAL: Translate = rule(TranslateKind.Special, null);
const NOP: Translate = rule(TranslateKind.Nop, null);

/** Operands and results per the signature; `branch` is the fused branch of a test. */
function plain(instr: InstrName, branch: InstrName | null = null): Translate {
  return rule(TranslateKind.Plain, instr, { branch });
}

function bin(
  instr: InstrName,
  more: {
    imm: InstrName;
    commutative?: boolean;
    negate?: boolean;
    mirror?: InstrName;
    branch?: InstrName;
    branchImm?: InstrName;
  },
): Translate {
  return rule(TranslateKind.Binary, instr, more);
}

function load(instr: InstrName): Translate {
  return rule(TranslateKind.Load, instr);
}

function store(instr: InstrName, imm: InstrName): Translate {
  return rule(TranslateKind.Store, instr, { imm });
}

/** A row: `sig` is `"params:results"` or `"*"` (typed by the validator's own rule). */
function op(code: number, name: string, sig: string, translate: Translate, x: Extra = {}): OpInfo {
  const [params, results] = sig === "*" ? [null, ""] : sig.split(":") as [string, string];
  return Object.freeze({
    code,
    name,
    imm: x.imm ?? Imm.None,
    params: params === null ? null : Object.freeze([...params].map((c) => SIG_TYPES[c]!)),
    results: Object.freeze([...results].map((c) => SIG_TYPES[c]!)),
    feature: x.feature ?? Feature.None,
    align: x.align ?? 0,
    lanes: x.lanes ?? 0,
    translate,
  });
}

/** A memory access whose natural alignment is `2 ** align` bytes. */
function mem(code: number, name: string, sig: string, align: number, translate: Translate) {
  return op(code, name, sig, translate, { imm: Imm.MemArg, align });
}

/** A SIMD row (`0xFD sub`): feature `Simd`, translated to the generic instruction `instr`. */
function simd(sub: number, name: string, sig: string, instr: InstrName, x: Extra = {}): OpInfo {
  const tr = rule(TranslateKind.Simd, instr);
  return op(prefixed(0xfd, sub), name, sig, tr, { feature: Feature.Simd, ...x });
}

/** A relaxed SIMD row (`0xFD sub`, sub from 0x100): feature `RelaxedSimd`. */
function relaxed(sub: number, name: string, sig: string, instr: InstrName): OpInfo {
  return simd(sub, name, sig, instr, { feature: Feature.RelaxedSimd });
}

/**
 * A threads row (`0xFE sub`): an atomic access of natural alignment `align`, which its memarg
 * must carry exactly, translated to the generic instruction `instr`.
 */
function atomic(sub: number, name: string, sig: string, align: number, instr: InstrName) {
  const tr = rule(TranslateKind.Atomic, instr);
  return op(prefixed(0xfe, sub), name, sig, tr, {
    imm: Imm.MemArg,
    align,
    feature: Feature.Threads,
  });
}

/** A GC row (`0xFB sub`): feature `Gc`, typed by the validator, translated by its own case. */
function gc(sub: number, name: string, imm: Imm): OpInfo {
  return op(prefixed(0xfb, sub), name, "*", SPECIAL, { imm, feature: Feature.Gc });
}

/** A SIMD memory access with a memarg of natural alignment `align`. */
function simdMem(sub: number, name: string, sig: string, instr: InstrName, align: number) {
  return simd(sub, name, sig, instr, { imm: Imm.MemArg, align });
}

/** A SIMD lane operator over `lanes` lanes. */
function simdLane(sub: number, name: string, sig: string, instr: InstrName, lanes: number) {
  return simd(sub, name, sig, instr, { imm: Imm.Lane, lanes });
}

/** A SIMD lane load or store: memarg, then a lane index. */
function simdMemLane(
  sub: number,
  name: string,
  sig: string,
  instr: InstrName,
  align: number,
  lanes: number,
) {
  return simd(sub, name, sig, instr, { imm: Imm.MemArgLane, align, lanes });
}

// ---- the table ----

/** Every opcode, by name: one row each. */
export const OPS = {
  // Control
  Unreachable: op(0x00, "unreachable", "*", SPECIAL),
  Nop: op(0x01, "nop", ":", NOP),
  Block: op(0x02, "block", "*", SPECIAL, { imm: Imm.Block }),
  Loop: op(0x03, "loop", "*", SPECIAL, { imm: Imm.Block }),
  If: op(0x04, "if", "*", SPECIAL, { imm: Imm.Block }),
  Else: op(0x05, "else", "*", SPECIAL),
  End: op(0x0b, "end", "*", SPECIAL),
  Br: op(0x0c, "br", "*", SPECIAL, { imm: Imm.Label }),
  BrIf: op(0x0d, "br_if", "*", SPECIAL, { imm: Imm.Label }),
  BrTable: op(0x0e, "br_table", "*", SPECIAL, { imm: Imm.BrTable }),
  Return: op(0x0f, "return", "*", SPECIAL),
  Call: op(0x10, "call", "*", SPECIAL, { imm: Imm.Func }),
  CallIndirect: op(0x11, "call_indirect", "*", SPECIAL, { imm: Imm.CallIndirect }),
  // Exception handling (the legacy `try`, `catch`, `rethrow`, `delegate` and `catch_all`,
  // 0x06/0x07/0x09/0x18/0x19, are not supported: they decode as illegal opcodes)
  Throw: op(0x08, "throw", "*", SPECIAL, { imm: Imm.Tag, feature: Feature.Exceptions }),
  ThrowRef: op(0x0a, "throw_ref", "*", SPECIAL, { feature: Feature.Exceptions }),
  TryTable: op(0x1f, "try_table", "*", SPECIAL, {
    imm: Imm.TryTable,
    feature: Feature.Exceptions,
  }),
  // Tail calls. `return_call_ref` (0x15) comes with typed function references: a row here, a
  // case in the validator and the translator's `#returnCall` with a callee read from a slot.
  ReturnCall: op(0x12, "return_call", "*", SPECIAL, {
    imm: Imm.Func,
    feature: Feature.TailCall,
  }),
  ReturnCallIndirect: op(0x13, "return_call_indirect", "*", SPECIAL, {
    imm: Imm.CallIndirect,
    feature: Feature.TailCall,
  }),

  // Parametric
  Drop: op(0x1a, "drop", "*", SPECIAL),
  Select: op(0x1b, "select", "*", SPECIAL),
  SelectT: op(0x1c, "select_t", "*", SPECIAL, {
    imm: Imm.SelectT,
    feature: Feature.ReferenceTypes,
  }),

  // Variables
  LocalGet: op(0x20, "local.get", "*", SPECIAL, { imm: Imm.Local }),
  LocalSet: op(0x21, "local.set", "*", SPECIAL, { imm: Imm.Local }),
  LocalTee: op(0x22, "local.tee", "*", SPECIAL, { imm: Imm.Local }),
  GlobalGet: op(0x23, "global.get", "*", SPECIAL, { imm: Imm.Global }),
  GlobalSet: op(0x24, "global.set", "*", SPECIAL, { imm: Imm.Global }),

  // Tables
  TableGet: op(0x25, "table.get", "*", SPECIAL, {
    imm: Imm.Table,
    feature: Feature.ReferenceTypes,
  }),
  TableSet: op(0x26, "table.set", "*", SPECIAL, {
    imm: Imm.Table,
    feature: Feature.ReferenceTypes,
  }),

  // Memory
  I32Load: mem(0x28, "i32.load", "i:i", 2, load("I32Load")),
  I64Load: mem(0x29, "i64.load", "i:l", 3, load("I64Load")),
  F32Load: mem(0x2a, "f32.load", "i:f", 2, load("I32Load")),
  F64Load: mem(0x2b, "f64.load", "i:d", 3, load("I64Load")),
  I32Load8S: mem(0x2c, "i32.load8_s", "i:i", 0, load("I32Load8S")),
  I32Load8U: mem(0x2d, "i32.load8_u", "i:i", 0, load("I32Load8U")),
  I32Load16S: mem(0x2e, "i32.load16_s", "i:i", 1, load("I32Load16S")),
  I32Load16U: mem(0x2f, "i32.load16_u", "i:i", 1, load("I32Load16U")),
  I64Load8S: mem(0x30, "i64.load8_s", "i:l", 0, load("I64Load8S")),
  I64Load8U: mem(0x31, "i64.load8_u", "i:l", 0, load("I64Load8U")),
  I64Load16S: mem(0x32, "i64.load16_s", "i:l", 1, load("I64Load16S")),
  I64Load16U: mem(0x33, "i64.load16_u", "i:l", 1, load("I64Load16U")),
  I64Load32S: mem(0x34, "i64.load32_s", "i:l", 2, load("I64Load32S")),
  I64Load32U: mem(0x35, "i64.load32_u", "i:l", 2, load("I64Load32U")),
  I32Store: mem(0x36, "i32.store", "ii:", 2, store("I32Store", "I32StoreImm")),
  I64Store: mem(0x37, "i64.store", "il:", 3, store("I64Store", "I64StoreImm")),
  F32Store: mem(0x38, "f32.store", "if:", 2, store("I32Store", "I32StoreImm")),
  F64Store: mem(0x39, "f64.store", "id:", 3, store("I64Store", "I64StoreImm")),
  I32Store8: mem(0x3a, "i32.store8", "ii:", 0, store("I32Store8", "I32Store8Imm")),
  I32Store16: mem(0x3b, "i32.store16", "ii:", 1, store("I32Store16", "I32Store16Imm")),
  I64Store8: mem(0x3c, "i64.store8", "il:", 0, store("I32Store8", "I32Store8Imm")),
  I64Store16: mem(0x3d, "i64.store16", "il:", 1, store("I32Store16", "I32Store16Imm")),
  I64Store32: mem(0x3e, "i64.store32", "il:", 2, store("I32Store", "I32StoreImm")),
  MemorySize: op(0x3f, "memory.size", ":i", SPECIAL, { imm: Imm.Memory }),
  MemoryGrow: op(0x40, "memory.grow", "i:i", SPECIAL, { imm: Imm.Memory }),

  // Numeric: constants, then compares, arithmetic and conversions
  I32Const: op(0x41, "i32.const", ":i", SPECIAL, { imm: Imm.I32 }),
  I64Const: op(0x42, "i64.const", ":l", SPECIAL, { imm: Imm.I64 }),
  F32Const: op(0x43, "f32.const", ":f", SPECIAL, { imm: Imm.F32 }),
  F64Const: op(0x44, "f64.const", ":d", SPECIAL, { imm: Imm.F64 }),
  I32Eqz: op(0x45, "i32.eqz", "i:i", plain("I32Eqz", "BrIfEqz")),
  I32Eq: op(
    0x46,
    "i32.eq",
    "ii:i",
    bin("I32Eq", {
      imm: "I32EqImm",
      mirror: "I32EqImm",
      branch: "BrIfI32Eq",
      branchImm: "BrIfI32EqImm",
    }),
  ),
  I32Ne: op(
    0x47,
    "i32.ne",
    "ii:i",
    bin("I32Ne", {
      imm: "I32NeImm",
      mirror: "I32NeImm",
      branch: "BrIfI32Ne",
      branchImm: "BrIfI32NeImm",
    }),
  ),
  I32LtS: op(
    0x48,
    "i32.lt_s",
    "ii:i",
    bin("I32LtS", {
      imm: "I32LtSImm",
      mirror: "I32GtSImm",
      branch: "BrIfI32LtS",
      branchImm: "BrIfI32LtSImm",
    }),
  ),
  I32LtU: op(
    0x49,
    "i32.lt_u",
    "ii:i",
    bin("I32LtU", {
      imm: "I32LtUImm",
      mirror: "I32GtUImm",
      branch: "BrIfI32LtU",
      branchImm: "BrIfI32LtUImm",
    }),
  ),
  I32GtS: op(
    0x4a,
    "i32.gt_s",
    "ii:i",
    bin("I32GtS", {
      imm: "I32GtSImm",
      mirror: "I32LtSImm",
      branch: "BrIfI32GtS",
      branchImm: "BrIfI32GtSImm",
    }),
  ),
  I32GtU: op(
    0x4b,
    "i32.gt_u",
    "ii:i",
    bin("I32GtU", {
      imm: "I32GtUImm",
      mirror: "I32LtUImm",
      branch: "BrIfI32GtU",
      branchImm: "BrIfI32GtUImm",
    }),
  ),
  I32LeS: op(
    0x4c,
    "i32.le_s",
    "ii:i",
    bin("I32LeS", {
      imm: "I32LeSImm",
      mirror: "I32GeSImm",
      branch: "BrIfI32LeS",
      branchImm: "BrIfI32LeSImm",
    }),
  ),
  I32LeU: op(
    0x4d,
    "i32.le_u",
    "ii:i",
    bin("I32LeU", {
      imm: "I32LeUImm",
      mirror: "I32GeUImm",
      branch: "BrIfI32LeU",
      branchImm: "BrIfI32LeUImm",
    }),
  ),
  I32GeS: op(
    0x4e,
    "i32.ge_s",
    "ii:i",
    bin("I32GeS", {
      imm: "I32GeSImm",
      mirror: "I32LeSImm",
      branch: "BrIfI32GeS",
      branchImm: "BrIfI32GeSImm",
    }),
  ),
  I32GeU: op(
    0x4f,
    "i32.ge_u",
    "ii:i",
    bin("I32GeU", {
      imm: "I32GeUImm",
      mirror: "I32LeUImm",
      branch: "BrIfI32GeU",
      branchImm: "BrIfI32GeUImm",
    }),
  ),
  I64Eqz: op(0x50, "i64.eqz", "l:i", plain("I64Eqz", "BrIfI64Eqz")),
  I64Eq: op(
    0x51,
    "i64.eq",
    "ll:i",
    bin("I64Eq", {
      imm: "I64EqImm",
      mirror: "I64EqImm",
      branch: "BrIfI64Eq",
      branchImm: "BrIfI64EqImm",
    }),
  ),
  I64Ne: op(
    0x52,
    "i64.ne",
    "ll:i",
    bin("I64Ne", {
      imm: "I64NeImm",
      mirror: "I64NeImm",
      branch: "BrIfI64Ne",
      branchImm: "BrIfI64NeImm",
    }),
  ),
  I64LtS: op(
    0x53,
    "i64.lt_s",
    "ll:i",
    bin("I64LtS", {
      imm: "I64LtSImm",
      mirror: "I64GtSImm",
      branch: "BrIfI64LtS",
      branchImm: "BrIfI64LtSImm",
    }),
  ),
  I64LtU: op(
    0x54,
    "i64.lt_u",
    "ll:i",
    bin("I64LtU", {
      imm: "I64LtUImm",
      mirror: "I64GtUImm",
      branch: "BrIfI64LtU",
      branchImm: "BrIfI64LtUImm",
    }),
  ),
  I64GtS: op(
    0x55,
    "i64.gt_s",
    "ll:i",
    bin("I64GtS", {
      imm: "I64GtSImm",
      mirror: "I64LtSImm",
      branch: "BrIfI64GtS",
      branchImm: "BrIfI64GtSImm",
    }),
  ),
  I64GtU: op(
    0x56,
    "i64.gt_u",
    "ll:i",
    bin("I64GtU", {
      imm: "I64GtUImm",
      mirror: "I64LtUImm",
      branch: "BrIfI64GtU",
      branchImm: "BrIfI64GtUImm",
    }),
  ),
  I64LeS: op(
    0x57,
    "i64.le_s",
    "ll:i",
    bin("I64LeS", {
      imm: "I64LeSImm",
      mirror: "I64GeSImm",
      branch: "BrIfI64LeS",
      branchImm: "BrIfI64LeSImm",
    }),
  ),
  I64LeU: op(
    0x58,
    "i64.le_u",
    "ll:i",
    bin("I64LeU", {
      imm: "I64LeUImm",
      mirror: "I64GeUImm",
      branch: "BrIfI64LeU",
      branchImm: "BrIfI64LeUImm",
    }),
  ),
  I64GeS: op(
    0x59,
    "i64.ge_s",
    "ll:i",
    bin("I64GeS", {
      imm: "I64GeSImm",
      mirror: "I64LeSImm",
      branch: "BrIfI64GeS",
      branchImm: "BrIfI64GeSImm",
    }),
  ),
  I64GeU: op(
    0x5a,
    "i64.ge_u",
    "ll:i",
    bin("I64GeU", {
      imm: "I64GeUImm",
      mirror: "I64LeUImm",
      branch: "BrIfI64GeU",
      branchImm: "BrIfI64GeUImm",
    }),
  ),
  F32Eq: op(0x5b, "f32.eq", "ff:i", plain("F32Eq")),
  F32Ne: op(0x5c, "f32.ne", "ff:i", plain("F32Ne")),
  F32Lt: op(0x5d, "f32.lt", "ff:i", plain("F32Lt")),
  F32Gt: op(0x5e, "f32.gt", "ff:i", plain("F32Gt")),
  F32Le: op(0x5f, "f32.le", "ff:i", plain("F32Le")),
  F32Ge: op(0x60, "f32.ge", "ff:i", plain("F32Ge")),
  F64Eq: op(0x61, "f64.eq", "dd:i", plain("F64Eq")),
  F64Ne: op(0x62, "f64.ne", "dd:i", plain("F64Ne")),
  F64Lt: op(0x63, "f64.lt", "dd:i", plain("F64Lt")),
  F64Gt: op(0x64, "f64.gt", "dd:i", plain("F64Gt")),
  F64Le: op(0x65, "f64.le", "dd:i", plain("F64Le")),
  F64Ge: op(0x66, "f64.ge", "dd:i", plain("F64Ge")),
  I32Clz: op(0x67, "i32.clz", "i:i", plain("I32Clz")),
  I32Ctz: op(0x68, "i32.ctz", "i:i", plain("I32Ctz")),
  I32Popcnt: op(0x69, "i32.popcnt", "i:i", plain("I32Popcnt")),
  I32Add: op(0x6a, "i32.add", "ii:i", bin("I32Add", { imm: "I32AddImm", commutative: true })),
  I32Sub: op(0x6b, "i32.sub", "ii:i", bin("I32Sub", { imm: "I32AddImm", negate: true })),
  I32Mul: op(0x6c, "i32.mul", "ii:i", bin("I32Mul", { imm: "I32MulImm", commutative: true })),
  I32DivS: op(0x6d, "i32.div_s", "ii:i", plain("I32DivS")),
  I32DivU: op(0x6e, "i32.div_u", "ii:i", plain("I32DivU")),
  I32RemS: op(0x6f, "i32.rem_s", "ii:i", plain("I32RemS")),
  I32RemU: op(0x70, "i32.rem_u", "ii:i", plain("I32RemU")),
  I32And: op(0x71, "i32.and", "ii:i", bin("I32And", { imm: "I32AndImm", commutative: true })),
  I32Or: op(0x72, "i32.or", "ii:i", bin("I32Or", { imm: "I32OrImm", commutative: true })),
  I32Xor: op(0x73, "i32.xor", "ii:i", bin("I32Xor", { imm: "I32XorImm", commutative: true })),
  I32Shl: op(0x74, "i32.shl", "ii:i", bin("I32Shl", { imm: "I32ShlImm" })),
  I32ShrS: op(0x75, "i32.shr_s", "ii:i", bin("I32ShrS", { imm: "I32ShrSImm" })),
  I32ShrU: op(0x76, "i32.shr_u", "ii:i", bin("I32ShrU", { imm: "I32ShrUImm" })),
  I32Rotl: op(0x77, "i32.rotl", "ii:i", bin("I32Rotl", { imm: "I32RotlImm" })),
  I32Rotr: op(0x78, "i32.rotr", "ii:i", bin("I32Rotr", { imm: "I32RotrImm" })),
  I64Clz: op(0x79, "i64.clz", "l:l", plain("I64Clz")),
  I64Ctz: op(0x7a, "i64.ctz", "l:l", plain("I64Ctz")),
  I64Popcnt: op(0x7b, "i64.popcnt", "l:l", plain("I64Popcnt")),
  I64Add: op(0x7c, "i64.add", "ll:l", bin("I64Add", { imm: "I64AddImm", commutative: true })),
  I64Sub: op(0x7d, "i64.sub", "ll:l", bin("I64Sub", { imm: "I64AddImm", negate: true })),
  I64Mul: op(0x7e, "i64.mul", "ll:l", bin("I64Mul", { imm: "I64MulImm", commutative: true })),
  I64DivS: op(0x7f, "i64.div_s", "ll:l", plain("I64DivS")),
  I64DivU: op(0x80, "i64.div_u", "ll:l", plain("I64DivU")),
  I64RemS: op(0x81, "i64.rem_s", "ll:l", plain("I64RemS")),
  I64RemU: op(0x82, "i64.rem_u", "ll:l", plain("I64RemU")),
  I64And: op(0x83, "i64.and", "ll:l", bin("I64And", { imm: "I64AndImm", commutative: true })),
  I64Or: op(0x84, "i64.or", "ll:l", bin("I64Or", { imm: "I64OrImm", commutative: true })),
  I64Xor: op(0x85, "i64.xor", "ll:l", bin("I64Xor", { imm: "I64XorImm", commutative: true })),
  I64Shl: op(0x86, "i64.shl", "ll:l", bin("I64Shl", { imm: "I64ShlImm" })),
  I64ShrS: op(0x87, "i64.shr_s", "ll:l", bin("I64ShrS", { imm: "I64ShrSImm" })),
  I64ShrU: op(0x88, "i64.shr_u", "ll:l", bin("I64ShrU", { imm: "I64ShrUImm" })),
  I64Rotl: op(0x89, "i64.rotl", "ll:l", bin("I64Rotl", { imm: "I64RotlImm" })),
  I64Rotr: op(0x8a, "i64.rotr", "ll:l", bin("I64Rotr", { imm: "I64RotrImm" })),
  F32Abs: op(0x8b, "f32.abs", "f:f", plain("F32Abs")),
  F32Neg: op(0x8c, "f32.neg", "f:f", plain("F32Neg")),
  F32Ceil: op(0x8d, "f32.ceil", "f:f", plain("F32Ceil")),
  F32Floor: op(0x8e, "f32.floor", "f:f", plain("F32Floor")),
  F32Trunc: op(0x8f, "f32.trunc", "f:f", plain("F32Trunc")),
  F32Nearest: op(0x90, "f32.nearest", "f:f", plain("F32Nearest")),
  F32Sqrt: op(0x91, "f32.sqrt", "f:f", plain("F32Sqrt")),
  F32Add: op(0x92, "f32.add", "ff:f", bin("F32Add", { imm: "F32AddImm", commutative: true })),
  F32Sub: op(0x93, "f32.sub", "ff:f", plain("F32Sub")),
  F32Mul: op(0x94, "f32.mul", "ff:f", bin("F32Mul", { imm: "F32MulImm", commutative: true })),
  F32Div: op(0x95, "f32.div", "ff:f", plain("F32Div")),
  F32Min: op(0x96, "f32.min", "ff:f", bin("F32Min", { imm: "F32MinImm", commutative: true })),
  F32Max: op(0x97, "f32.max", "ff:f", bin("F32Max", { imm: "F32MaxImm", commutative: true })),
  F32Copysign: op(0x98, "f32.copysign", "ff:f", plain("F32Copysign")),
  F64Abs: op(0x99, "f64.abs", "d:d", plain("F64Abs")),
  F64Neg: op(0x9a, "f64.neg", "d:d", plain("F64Neg")),
  F64Ceil: op(0x9b, "f64.ceil", "d:d", plain("F64Ceil")),
  F64Floor: op(0x9c, "f64.floor", "d:d", plain("F64Floor")),
  F64Trunc: op(0x9d, "f64.trunc", "d:d", plain("F64Trunc")),
  F64Nearest: op(0x9e, "f64.nearest", "d:d", plain("F64Nearest")),
  F64Sqrt: op(0x9f, "f64.sqrt", "d:d", plain("F64Sqrt")),
  F64Add: op(0xa0, "f64.add", "dd:d", plain("F64Add")),
  F64Sub: op(0xa1, "f64.sub", "dd:d", plain("F64Sub")),
  F64Mul: op(0xa2, "f64.mul", "dd:d", plain("F64Mul")),
  F64Div: op(0xa3, "f64.div", "dd:d", plain("F64Div")),
  F64Min: op(0xa4, "f64.min", "dd:d", plain("F64Min")),
  F64Max: op(0xa5, "f64.max", "dd:d", plain("F64Max")),
  F64Copysign: op(0xa6, "f64.copysign", "dd:d", plain("F64Copysign")),
  I32WrapI64: op(0xa7, "i32.wrap_i64", "l:i", SPECIAL),
  I32TruncF32S: op(0xa8, "i32.trunc_f32_s", "f:i", plain("I32TruncF32S")),
  I32TruncF32U: op(0xa9, "i32.trunc_f32_u", "f:i", plain("I32TruncF32U")),
  I32TruncF64S: op(0xaa, "i32.trunc_f64_s", "d:i", plain("I32TruncF64S")),
  I32TruncF64U: op(0xab, "i32.trunc_f64_u", "d:i", plain("I32TruncF64U")),
  I64ExtendI32S: op(0xac, "i64.extend_i32_s", "i:l", plain("I64ExtendI32S")),
  I64ExtendI32U: op(0xad, "i64.extend_i32_u", "i:l", plain("I64ExtendI32U")),
  I64TruncF32S: op(0xae, "i64.trunc_f32_s", "f:l", plain("I64TruncF32S")),
  I64TruncF32U: op(0xaf, "i64.trunc_f32_u", "f:l", plain("I64TruncF32U")),
  I64TruncF64S: op(0xb0, "i64.trunc_f64_s", "d:l", plain("I64TruncF64S")),
  I64TruncF64U: op(0xb1, "i64.trunc_f64_u", "d:l", plain("I64TruncF64U")),
  F32ConvertI32S: op(0xb2, "f32.convert_i32_s", "i:f", plain("F32ConvertI32S")),
  F32ConvertI32U: op(0xb3, "f32.convert_i32_u", "i:f", plain("F32ConvertI32U")),
  F32ConvertI64S: op(0xb4, "f32.convert_i64_s", "l:f", plain("F32ConvertI64S")),
  F32ConvertI64U: op(0xb5, "f32.convert_i64_u", "l:f", plain("F32ConvertI64U")),
  F32DemoteF64: op(0xb6, "f32.demote_f64", "d:f", plain("F32DemoteF64")),
  F64ConvertI32S: op(0xb7, "f64.convert_i32_s", "i:d", plain("F64ConvertI32S")),
  F64ConvertI32U: op(0xb8, "f64.convert_i32_u", "i:d", plain("F64ConvertI32U")),
  F64ConvertI64S: op(0xb9, "f64.convert_i64_s", "l:d", plain("F64ConvertI64S")),
  F64ConvertI64U: op(0xba, "f64.convert_i64_u", "l:d", plain("F64ConvertI64U")),
  F64PromoteF32: op(0xbb, "f64.promote_f32", "f:d", plain("F64PromoteF32")),
  I32ReinterpretF32: op(0xbc, "i32.reinterpret_f32", "f:i", NOP),
  I64ReinterpretF64: op(0xbd, "i64.reinterpret_f64", "d:l", NOP),
  F32ReinterpretI32: op(0xbe, "f32.reinterpret_i32", "i:f", NOP),
  F64ReinterpretI64: op(0xbf, "f64.reinterpret_i64", "l:d", NOP),
  I32Extend8S: op(0xc0, "i32.extend8_s", "i:i", plain("I32Extend8S"), {
    feature: Feature.SignExtension,
  }),
  I32Extend16S: op(0xc1, "i32.extend16_s", "i:i", plain("I32Extend16S"), {
    feature: Feature.SignExtension,
  }),
  I64Extend8S: op(0xc2, "i64.extend8_s", "l:l", plain("I64Extend8S"), {
    feature: Feature.SignExtension,
  }),
  I64Extend16S: op(0xc3, "i64.extend16_s", "l:l", plain("I64Extend16S"), {
    feature: Feature.SignExtension,
  }),
  I64Extend32S: op(0xc4, "i64.extend32_s", "l:l", plain("I64Extend32S"), {
    feature: Feature.SignExtension,
  }),

  // References
  RefNull: op(0xd0, "ref.null", "*", SPECIAL, {
    imm: Imm.RefNull,
    feature: Feature.ReferenceTypes,
  }),
  RefIsNull: op(0xd1, "ref.is_null", "*", SPECIAL, { feature: Feature.ReferenceTypes }),
  RefFunc: op(0xd2, "ref.func", "*", SPECIAL, { imm: Imm.Func, feature: Feature.ReferenceTypes }),

  // Typed function references
  CallRef: op(0x14, "call_ref", "*", SPECIAL, {
    imm: Imm.Type,
    feature: Feature.FunctionReferences,
  }),
  ReturnCallRef: op(0x15, "return_call_ref", "*", SPECIAL, {
    imm: Imm.Type,
    feature: Feature.FunctionReferences,
  }),
  RefEq: op(0xd3, "ref.eq", "*", SPECIAL, { feature: Feature.Gc }),
  RefAsNonNull: op(0xd4, "ref.as_non_null", "*", SPECIAL, {
    feature: Feature.FunctionReferences,
  }),
  BrOnNull: op(0xd5, "br_on_null", "*", SPECIAL, {
    imm: Imm.Label,
    feature: Feature.FunctionReferences,
  }),
  BrOnNonNull: op(0xd6, "br_on_non_null", "*", SPECIAL, {
    imm: Imm.Label,
    feature: Feature.FunctionReferences,
  }),

  // 0xFB: GC (typed by the validator's own rules; the gc runtime translates them)
  StructNew: gc(0x00, "struct.new", Imm.Type),
  StructNewDefault: gc(0x01, "struct.new_default", Imm.Type),
  StructGet: gc(0x02, "struct.get", Imm.TypeIndex2),
  StructGetS: gc(0x03, "struct.get_s", Imm.TypeIndex2),
  StructGetU: gc(0x04, "struct.get_u", Imm.TypeIndex2),
  StructSet: gc(0x05, "struct.set", Imm.TypeIndex2),
  ArrayNew: gc(0x06, "array.new", Imm.Type),
  ArrayNewDefault: gc(0x07, "array.new_default", Imm.Type),
  ArrayNewFixed: gc(0x08, "array.new_fixed", Imm.TypeIndex2),
  ArrayNewData: gc(0x09, "array.new_data", Imm.TypeIndex2),
  ArrayNewElem: gc(0x0a, "array.new_elem", Imm.TypeIndex2),
  ArrayGet: gc(0x0b, "array.get", Imm.Type),
  ArrayGetS: gc(0x0c, "array.get_s", Imm.Type),
  ArrayGetU: gc(0x0d, "array.get_u", Imm.Type),
  ArraySet: gc(0x0e, "array.set", Imm.Type),
  ArrayLen: gc(0x0f, "array.len", Imm.None),
  ArrayFill: gc(0x10, "array.fill", Imm.Type),
  ArrayCopy: gc(0x11, "array.copy", Imm.TypeIndex2),
  ArrayInitData: gc(0x12, "array.init_data", Imm.TypeIndex2),
  ArrayInitElem: gc(0x13, "array.init_elem", Imm.TypeIndex2),
  RefTest: gc(0x14, "ref.test", Imm.HeapType),
  RefTestNull: gc(0x15, "ref.test_null", Imm.HeapType),
  RefCast: gc(0x16, "ref.cast", Imm.HeapType),
  RefCastNull: gc(0x17, "ref.cast_null", Imm.HeapType),
  BrOnCast: gc(0x18, "br_on_cast", Imm.BrOnCast),
  BrOnCastFail: gc(0x19, "br_on_cast_fail", Imm.BrOnCast),
  AnyConvertExtern: gc(0x1a, "any.convert_extern", Imm.None),
  ExternConvertAny: gc(0x1b, "extern.convert_any", Imm.None),
  RefI31: gc(0x1c, "ref.i31", Imm.None),
  I31GetS: gc(0x1d, "i31.get_s", Imm.None),
  I31GetU: gc(0x1e, "i31.get_u", Imm.None),

  // 0xFC: saturating truncations, bulk memory and tables, wide arithmetic
  I32TruncSatF32S: op(0xfc000, "i32.trunc_sat_f32_s", "f:i", plain("I32TruncSatF32S"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I32TruncSatF32U: op(0xfc001, "i32.trunc_sat_f32_u", "f:i", plain("I32TruncSatF32U"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I32TruncSatF64S: op(0xfc002, "i32.trunc_sat_f64_s", "d:i", plain("I32TruncSatF64S"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I32TruncSatF64U: op(0xfc003, "i32.trunc_sat_f64_u", "d:i", plain("I32TruncSatF64U"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I64TruncSatF32S: op(0xfc004, "i64.trunc_sat_f32_s", "f:l", plain("I64TruncSatF32S"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I64TruncSatF32U: op(0xfc005, "i64.trunc_sat_f32_u", "f:l", plain("I64TruncSatF32U"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I64TruncSatF64S: op(0xfc006, "i64.trunc_sat_f64_s", "d:l", plain("I64TruncSatF64S"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  I64TruncSatF64U: op(0xfc007, "i64.trunc_sat_f64_u", "d:l", plain("I64TruncSatF64U"), {
    feature: Feature.SaturatingFloatToInt,
  }),
  MemoryInit: op(0xfc008, "memory.init", "iii:", SPECIAL, {
    imm: Imm.MemoryInit,
    feature: Feature.BulkMemory,
  }),
  DataDrop: op(0xfc009, "data.drop", ":", SPECIAL, { imm: Imm.Data, feature: Feature.BulkMemory }),
  MemoryCopy: op(0xfc00a, "memory.copy", "iii:", SPECIAL, {
    imm: Imm.MemoryCopy,
    feature: Feature.BulkMemory,
  }),
  MemoryFill: op(0xfc00b, "memory.fill", "iii:", SPECIAL, {
    imm: Imm.Memory,
    feature: Feature.BulkMemory,
  }),
  TableInit: op(0xfc00c, "table.init", "iii:", SPECIAL, {
    imm: Imm.TableInit,
    feature: Feature.BulkMemory,
  }),
  ElemDrop: op(0xfc00d, "elem.drop", ":", SPECIAL, { imm: Imm.Elem, feature: Feature.BulkMemory }),
  TableCopy: op(0xfc00e, "table.copy", "iii:", SPECIAL, {
    imm: Imm.TableCopy,
    feature: Feature.BulkMemory,
  }),
  TableGrow: op(0xfc00f, "table.grow", "*", SPECIAL, {
    imm: Imm.Table,
    feature: Feature.ReferenceTypes,
  }),
  TableSize: op(0xfc010, "table.size", ":i", SPECIAL, {
    imm: Imm.Table,
    feature: Feature.ReferenceTypes,
  }),
  TableFill: op(0xfc011, "table.fill", "*", SPECIAL, {
    imm: Imm.Table,
    feature: Feature.ReferenceTypes,
  }),
  I64Add128: op(0xfc013, "i64.add128", "llll:ll", plain("I64Add128"), {
    feature: Feature.WideArithmetic,
  }),
  I64Sub128: op(0xfc014, "i64.sub128", "llll:ll", plain("I64Sub128"), {
    feature: Feature.WideArithmetic,
  }),
  I64MulWideS: op(0xfc015, "i64.mul_wide_s", "ll:ll", plain("I64MulWideS"), {
    feature: Feature.WideArithmetic,
  }),
  I64MulWideU: op(0xfc016, "i64.mul_wide_u", "ll:ll", plain("I64MulWideU"), {
    feature: Feature.WideArithmetic,
  }),

  // 0xFD: SIMD
  V128Load: simdMem(0x00, "v128.load", "i:v", "V128LoadFull", 4),
  V128Load8x8S: simdMem(0x01, "v128.load8x8_s", "i:v", "V128Load", 3),
  V128Load8x8U: simdMem(0x02, "v128.load8x8_u", "i:v", "V128Load", 3),
  V128Load16x4S: simdMem(0x03, "v128.load16x4_s", "i:v", "V128Load", 3),
  V128Load16x4U: simdMem(0x04, "v128.load16x4_u", "i:v", "V128Load", 3),
  V128Load32x2S: simdMem(0x05, "v128.load32x2_s", "i:v", "V128Load", 3),
  V128Load32x2U: simdMem(0x06, "v128.load32x2_u", "i:v", "V128Load", 3),
  V128Load8Splat: simdMem(0x07, "v128.load8_splat", "i:v", "V128Load", 0),
  V128Load16Splat: simdMem(0x08, "v128.load16_splat", "i:v", "V128Load", 1),
  V128Load32Splat: simdMem(0x09, "v128.load32_splat", "i:v", "V128Load", 2),
  V128Load64Splat: simdMem(0x0a, "v128.load64_splat", "i:v", "V128Load", 3),
  V128Store: simdMem(0x0b, "v128.store", "iv:", "V128Store", 4),
  V128Const: simd(0x0c, "v128.const", ":v", "V128Const", { imm: Imm.V128 }),
  I8x16Shuffle: simd(0x0d, "i8x16.shuffle", "vv:v", "V128Shuffle", { imm: Imm.Shuffle }),
  I8x16Swizzle: simd(0x0e, "i8x16.swizzle", "vv:v", "V128Binary"),
  I8x16Splat: simd(0x0f, "i8x16.splat", "i:v", "V128Unary"),
  I16x8Splat: simd(0x10, "i16x8.splat", "i:v", "V128Unary"),
  I32x4Splat: simd(0x11, "i32x4.splat", "i:v", "V128Splat32"),
  I64x2Splat: simd(0x12, "i64x2.splat", "l:v", "V128Unary"),
  F32x4Splat: simd(0x13, "f32x4.splat", "f:v", "V128Splat32"),
  F64x2Splat: simd(0x14, "f64x2.splat", "d:v", "V128Unary"),
  I8x16ExtractLaneS: simdLane(0x15, "i8x16.extract_lane_s", "v:i", "V128ExtractLane", 16),
  I8x16ExtractLaneU: simdLane(0x16, "i8x16.extract_lane_u", "v:i", "V128ExtractLane", 16),
  I8x16ReplaceLane: simdLane(0x17, "i8x16.replace_lane", "vi:v", "V128ReplaceLane", 16),
  I16x8ExtractLaneS: simdLane(0x18, "i16x8.extract_lane_s", "v:i", "V128ExtractLane", 8),
  I16x8ExtractLaneU: simdLane(0x19, "i16x8.extract_lane_u", "v:i", "V128ExtractLane", 8),
  I16x8ReplaceLane: simdLane(0x1a, "i16x8.replace_lane", "vi:v", "V128ReplaceLane", 8),
  I32x4ExtractLane: simdLane(0x1b, "i32x4.extract_lane", "v:i", "V128ExtractLane32", 4),
  I32x4ReplaceLane: simdLane(0x1c, "i32x4.replace_lane", "vi:v", "V128ReplaceLane", 4),
  I64x2ExtractLane: simdLane(0x1d, "i64x2.extract_lane", "v:l", "V128ExtractLane", 2),
  I64x2ReplaceLane: simdLane(0x1e, "i64x2.replace_lane", "vl:v", "V128ReplaceLane", 2),
  F32x4ExtractLane: simdLane(0x1f, "f32x4.extract_lane", "v:f", "V128ExtractLane32", 4),
  F32x4ReplaceLane: simdLane(0x20, "f32x4.replace_lane", "vf:v", "V128ReplaceLane", 4),
  F64x2ExtractLane: simdLane(0x21, "f64x2.extract_lane", "v:d", "V128ExtractLane", 2),
  F64x2ReplaceLane: simdLane(0x22, "f64x2.replace_lane", "vd:v", "V128ReplaceLane", 2),
  I8x16Eq: simd(0x23, "i8x16.eq", "vv:v", "I8x16Eq"),
  I8x16Ne: simd(0x24, "i8x16.ne", "vv:v", "V128Binary"),
  I8x16LtS: simd(0x25, "i8x16.lt_s", "vv:v", "V128Binary"),
  I8x16LtU: simd(0x26, "i8x16.lt_u", "vv:v", "V128Binary"),
  I8x16GtS: simd(0x27, "i8x16.gt_s", "vv:v", "V128Binary"),
  I8x16GtU: simd(0x28, "i8x16.gt_u", "vv:v", "I8x16GtU"),
  I8x16LeS: simd(0x29, "i8x16.le_s", "vv:v", "V128Binary"),
  I8x16LeU: simd(0x2a, "i8x16.le_u", "vv:v", "V128Binary"),
  I8x16GeS: simd(0x2b, "i8x16.ge_s", "vv:v", "V128Binary"),
  I8x16GeU: simd(0x2c, "i8x16.ge_u", "vv:v", "V128Binary"),
  I16x8Eq: simd(0x2d, "i16x8.eq", "vv:v", "V128Binary"),
  I16x8Ne: simd(0x2e, "i16x8.ne", "vv:v", "V128Binary"),
  I16x8LtS: simd(0x2f, "i16x8.lt_s", "vv:v", "V128Binary"),
  I16x8LtU: simd(0x30, "i16x8.lt_u", "vv:v", "V128Binary"),
  I16x8GtS: simd(0x31, "i16x8.gt_s", "vv:v", "V128Binary"),
  I16x8GtU: simd(0x32, "i16x8.gt_u", "vv:v", "V128Binary"),
  I16x8LeS: simd(0x33, "i16x8.le_s", "vv:v", "V128Binary"),
  I16x8LeU: simd(0x34, "i16x8.le_u", "vv:v", "V128Binary"),
  I16x8GeS: simd(0x35, "i16x8.ge_s", "vv:v", "V128Binary"),
  I16x8GeU: simd(0x36, "i16x8.ge_u", "vv:v", "V128Binary"),
  I32x4Eq: simd(0x37, "i32x4.eq", "vv:v", "V128Binary"),
  I32x4Ne: simd(0x38, "i32x4.ne", "vv:v", "V128Binary"),
  I32x4LtS: simd(0x39, "i32x4.lt_s", "vv:v", "V128Binary"),
  I32x4LtU: simd(0x3a, "i32x4.lt_u", "vv:v", "V128Binary"),
  I32x4GtS: simd(0x3b, "i32x4.gt_s", "vv:v", "V128Binary"),
  I32x4GtU: simd(0x3c, "i32x4.gt_u", "vv:v", "V128Binary"),
  I32x4LeS: simd(0x3d, "i32x4.le_s", "vv:v", "V128Binary"),
  I32x4LeU: simd(0x3e, "i32x4.le_u", "vv:v", "V128Binary"),
  I32x4GeS: simd(0x3f, "i32x4.ge_s", "vv:v", "V128Binary"),
  I32x4GeU: simd(0x40, "i32x4.ge_u", "vv:v", "V128Binary"),
  F32x4Eq: simd(0x41, "f32x4.eq", "vv:v", "V128Binary"),
  F32x4Ne: simd(0x42, "f32x4.ne", "vv:v", "V128Binary"),
  F32x4Lt: simd(0x43, "f32x4.lt", "vv:v", "V128Binary"),
  F32x4Gt: simd(0x44, "f32x4.gt", "vv:v", "V128Binary"),
  F32x4Le: simd(0x45, "f32x4.le", "vv:v", "V128Binary"),
  F32x4Ge: simd(0x46, "f32x4.ge", "vv:v", "V128Binary"),
  F64x2Eq: simd(0x47, "f64x2.eq", "vv:v", "V128Binary"),
  F64x2Ne: simd(0x48, "f64x2.ne", "vv:v", "V128Binary"),
  F64x2Lt: simd(0x49, "f64x2.lt", "vv:v", "V128Binary"),
  F64x2Gt: simd(0x4a, "f64x2.gt", "vv:v", "V128Binary"),
  F64x2Le: simd(0x4b, "f64x2.le", "vv:v", "V128Binary"),
  F64x2Ge: simd(0x4c, "f64x2.ge", "vv:v", "V128Binary"),
  V128Not: simd(0x4d, "v128.not", "v:v", "V128Not"),
  V128And: simd(0x4e, "v128.and", "vv:v", "V128And"),
  V128Andnot: simd(0x4f, "v128.andnot", "vv:v", "V128Andnot"),
  V128Or: simd(0x50, "v128.or", "vv:v", "V128Or"),
  V128Xor: simd(0x51, "v128.xor", "vv:v", "V128Xor"),
  V128Bitselect: simd(0x52, "v128.bitselect", "vvv:v", "V128Ternary"),
  V128AnyTrue: simd(0x53, "v128.any_true", "v:i", "V128AnyTrue"),
  V128Load8Lane: simdMemLane(0x54, "v128.load8_lane", "iv:v", "V128LoadLane", 0, 16),
  V128Load16Lane: simdMemLane(0x55, "v128.load16_lane", "iv:v", "V128LoadLane", 1, 8),
  V128Load32Lane: simdMemLane(0x56, "v128.load32_lane", "iv:v", "V128LoadLane", 2, 4),
  V128Load64Lane: simdMemLane(0x57, "v128.load64_lane", "iv:v", "V128LoadLane", 3, 2),
  V128Store8Lane: simdMemLane(0x58, "v128.store8_lane", "iv:", "V128StoreLane", 0, 16),
  V128Store16Lane: simdMemLane(0x59, "v128.store16_lane", "iv:", "V128StoreLane", 1, 8),
  V128Store32Lane: simdMemLane(0x5a, "v128.store32_lane", "iv:", "V128StoreLane", 2, 4),
  V128Store64Lane: simdMemLane(0x5b, "v128.store64_lane", "iv:", "V128StoreLane", 3, 2),
  V128Load32Zero: simdMem(0x5c, "v128.load32_zero", "i:v", "V128Load", 2),
  V128Load64Zero: simdMem(0x5d, "v128.load64_zero", "i:v", "V128Load", 3),
  F32x4DemoteF64x2Zero: simd(0x5e, "f32x4.demote_f64x2_zero", "v:v", "V128Unary"),
  F64x2PromoteLowF32x4: simd(0x5f, "f64x2.promote_low_f32x4", "v:v", "V128Unary"),
  I8x16Abs: simd(0x60, "i8x16.abs", "v:v", "V128Unary"),
  I8x16Neg: simd(0x61, "i8x16.neg", "v:v", "V128Unary"),
  I8x16Popcnt: simd(0x62, "i8x16.popcnt", "v:v", "V128Unary"),
  I8x16AllTrue: simd(0x63, "i8x16.all_true", "v:i", "V128Unary"),
  I8x16Bitmask: simd(0x64, "i8x16.bitmask", "v:i", "V128Unary"),
  I8x16NarrowI16x8S: simd(0x65, "i8x16.narrow_i16x8_s", "vv:v", "V128Binary"),
  I8x16NarrowI16x8U: simd(0x66, "i8x16.narrow_i16x8_u", "vv:v", "I8x16NarrowI16x8U"),
  F32x4Ceil: simd(0x67, "f32x4.ceil", "v:v", "V128Unary"),
  F32x4Floor: simd(0x68, "f32x4.floor", "v:v", "V128Unary"),
  F32x4Trunc: simd(0x69, "f32x4.trunc", "v:v", "V128Unary"),
  F32x4Nearest: simd(0x6a, "f32x4.nearest", "v:v", "V128Unary"),
  I8x16Shl: simd(0x6b, "i8x16.shl", "vi:v", "I8x16Shl"),
  I8x16ShrS: simd(0x6c, "i8x16.shr_s", "vi:v", "V128Binary"),
  I8x16ShrU: simd(0x6d, "i8x16.shr_u", "vi:v", "I8x16ShrU"),
  I8x16Add: simd(0x6e, "i8x16.add", "vv:v", "I8x16Add"),
  I8x16AddSatS: simd(0x6f, "i8x16.add_sat_s", "vv:v", "V128Binary"),
  I8x16AddSatU: simd(0x70, "i8x16.add_sat_u", "vv:v", "V128Binary"),
  I8x16Sub: simd(0x71, "i8x16.sub", "vv:v", "I8x16Sub"),
  I8x16SubSatS: simd(0x72, "i8x16.sub_sat_s", "vv:v", "V128Binary"),
  I8x16SubSatU: simd(0x73, "i8x16.sub_sat_u", "vv:v", "V128Binary"),
  F64x2Ceil: simd(0x74, "f64x2.ceil", "v:v", "V128Unary"),
  F64x2Floor: simd(0x75, "f64x2.floor", "v:v", "V128Unary"),
  I8x16MinS: simd(0x76, "i8x16.min_s", "vv:v", "V128Binary"),
  I8x16MinU: simd(0x77, "i8x16.min_u", "vv:v", "V128Binary"),
  I8x16MaxS: simd(0x78, "i8x16.max_s", "vv:v", "V128Binary"),
  I8x16MaxU: simd(0x79, "i8x16.max_u", "vv:v", "V128Binary"),
  F64x2Trunc: simd(0x7a, "f64x2.trunc", "v:v", "V128Unary"),
  I8x16AvgrU: simd(0x7b, "i8x16.avgr_u", "vv:v", "V128Binary"),
  I16x8ExtaddPairwiseI8x16S: simd(0x7c, "i16x8.extadd_pairwise_i8x16_s", "v:v", "V128Unary"),
  I16x8ExtaddPairwiseI8x16U: simd(0x7d, "i16x8.extadd_pairwise_i8x16_u", "v:v", "V128Unary"),
  I32x4ExtaddPairwiseI16x8S: simd(0x7e, "i32x4.extadd_pairwise_i16x8_s", "v:v", "V128Unary"),
  I32x4ExtaddPairwiseI16x8U: simd(0x7f, "i32x4.extadd_pairwise_i16x8_u", "v:v", "V128Unary"),
  I16x8Abs: simd(0x80, "i16x8.abs", "v:v", "V128Unary"),
  I16x8Neg: simd(0x81, "i16x8.neg", "v:v", "V128Unary"),
  I16x8Q15mulrSatS: simd(0x82, "i16x8.q15mulr_sat_s", "vv:v", "V128Binary"),
  I16x8AllTrue: simd(0x83, "i16x8.all_true", "v:i", "V128Unary"),
  I16x8Bitmask: simd(0x84, "i16x8.bitmask", "v:i", "V128Unary"),
  I16x8NarrowI32x4S: simd(0x85, "i16x8.narrow_i32x4_s", "vv:v", "V128Binary"),
  I16x8NarrowI32x4U: simd(0x86, "i16x8.narrow_i32x4_u", "vv:v", "I16x8NarrowI32x4U"),
  I16x8ExtendLowI8x16S: simd(0x87, "i16x8.extend_low_i8x16_s", "v:v", "V128Unary"),
  I16x8ExtendHighI8x16S: simd(0x88, "i16x8.extend_high_i8x16_s", "v:v", "V128Unary"),
  I16x8ExtendLowI8x16U: simd(0x89, "i16x8.extend_low_i8x16_u", "v:v", "V128Unary"),
  I16x8ExtendHighI8x16U: simd(0x8a, "i16x8.extend_high_i8x16_u", "v:v", "V128Unary"),
  I16x8Shl: simd(0x8b, "i16x8.shl", "vi:v", "I16x8Shl"),
  I16x8ShrS: simd(0x8c, "i16x8.shr_s", "vi:v", "I16x8ShrS"),
  I16x8ShrU: simd(0x8d, "i16x8.shr_u", "vi:v", "I16x8ShrU"),
  I16x8Add: simd(0x8e, "i16x8.add", "vv:v", "I16x8Add"),
  I16x8AddSatS: simd(0x8f, "i16x8.add_sat_s", "vv:v", "V128Binary"),
  I16x8AddSatU: simd(0x90, "i16x8.add_sat_u", "vv:v", "V128Binary"),
  I16x8Sub: simd(0x91, "i16x8.sub", "vv:v", "I16x8Sub"),
  I16x8SubSatS: simd(0x92, "i16x8.sub_sat_s", "vv:v", "V128Binary"),
  I16x8SubSatU: simd(0x93, "i16x8.sub_sat_u", "vv:v", "V128Binary"),
  F64x2Nearest: simd(0x94, "f64x2.nearest", "v:v", "V128Unary"),
  I16x8Mul: simd(0x95, "i16x8.mul", "vv:v", "I16x8Mul"),
  I16x8MinS: simd(0x96, "i16x8.min_s", "vv:v", "V128Binary"),
  I16x8MinU: simd(0x97, "i16x8.min_u", "vv:v", "V128Binary"),
  I16x8MaxS: simd(0x98, "i16x8.max_s", "vv:v", "V128Binary"),
  I16x8MaxU: simd(0x99, "i16x8.max_u", "vv:v", "V128Binary"),
  I16x8AvgrU: simd(0x9b, "i16x8.avgr_u", "vv:v", "V128Binary"),
  I16x8ExtmulLowI8x16S: simd(0x9c, "i16x8.extmul_low_i8x16_s", "vv:v", "V128Binary"),
  I16x8ExtmulHighI8x16S: simd(0x9d, "i16x8.extmul_high_i8x16_s", "vv:v", "V128Binary"),
  I16x8ExtmulLowI8x16U: simd(0x9e, "i16x8.extmul_low_i8x16_u", "vv:v", "V128Binary"),
  I16x8ExtmulHighI8x16U: simd(0x9f, "i16x8.extmul_high_i8x16_u", "vv:v", "V128Binary"),
  I32x4Abs: simd(0xa0, "i32x4.abs", "v:v", "I32x4Abs"),
  I32x4Neg: simd(0xa1, "i32x4.neg", "v:v", "V128Unary"),
  I32x4AllTrue: simd(0xa3, "i32x4.all_true", "v:i", "V128Unary"),
  I32x4Bitmask: simd(0xa4, "i32x4.bitmask", "v:i", "V128Unary"),
  I32x4ExtendLowI16x8S: simd(0xa7, "i32x4.extend_low_i16x8_s", "v:v", "V128Unary"),
  I32x4ExtendHighI16x8S: simd(0xa8, "i32x4.extend_high_i16x8_s", "v:v", "V128Unary"),
  I32x4ExtendLowI16x8U: simd(0xa9, "i32x4.extend_low_i16x8_u", "v:v", "V128Unary"),
  I32x4ExtendHighI16x8U: simd(0xaa, "i32x4.extend_high_i16x8_u", "v:v", "V128Unary"),
  I32x4Shl: simd(0xab, "i32x4.shl", "vi:v", "I32x4Shl"),
  I32x4ShrS: simd(0xac, "i32x4.shr_s", "vi:v", "I32x4ShrS"),
  I32x4ShrU: simd(0xad, "i32x4.shr_u", "vi:v", "I32x4ShrU"),
  I32x4Add: simd(0xae, "i32x4.add", "vv:v", "I32x4Add"),
  I32x4Sub: simd(0xb1, "i32x4.sub", "vv:v", "I32x4Sub"),
  I32x4Mul: simd(0xb5, "i32x4.mul", "vv:v", "I32x4Mul"),
  I32x4MinS: simd(0xb6, "i32x4.min_s", "vv:v", "V128Binary"),
  I32x4MinU: simd(0xb7, "i32x4.min_u", "vv:v", "I32x4MinU"),
  I32x4MaxS: simd(0xb8, "i32x4.max_s", "vv:v", "V128Binary"),
  I32x4MaxU: simd(0xb9, "i32x4.max_u", "vv:v", "V128Binary"),
  I32x4DotI16x8S: simd(0xba, "i32x4.dot_i16x8_s", "vv:v", "V128Binary"),
  I32x4ExtmulLowI16x8S: simd(0xbc, "i32x4.extmul_low_i16x8_s", "vv:v", "V128Binary"),
  I32x4ExtmulHighI16x8S: simd(0xbd, "i32x4.extmul_high_i16x8_s", "vv:v", "V128Binary"),
  I32x4ExtmulLowI16x8U: simd(0xbe, "i32x4.extmul_low_i16x8_u", "vv:v", "V128Binary"),
  I32x4ExtmulHighI16x8U: simd(0xbf, "i32x4.extmul_high_i16x8_u", "vv:v", "V128Binary"),
  I64x2Abs: simd(0xc0, "i64x2.abs", "v:v", "V128Unary"),
  I64x2Neg: simd(0xc1, "i64x2.neg", "v:v", "V128Unary"),
  I64x2AllTrue: simd(0xc3, "i64x2.all_true", "v:i", "V128Unary"),
  I64x2Bitmask: simd(0xc4, "i64x2.bitmask", "v:i", "V128Unary"),
  I64x2ExtendLowI32x4S: simd(0xc7, "i64x2.extend_low_i32x4_s", "v:v", "V128Unary"),
  I64x2ExtendHighI32x4S: simd(0xc8, "i64x2.extend_high_i32x4_s", "v:v", "V128Unary"),
  I64x2ExtendLowI32x4U: simd(0xc9, "i64x2.extend_low_i32x4_u", "v:v", "V128Unary"),
  I64x2ExtendHighI32x4U: simd(0xca, "i64x2.extend_high_i32x4_u", "v:v", "V128Unary"),
  I64x2Shl: simd(0xcb, "i64x2.shl", "vi:v", "V128Binary"),
  I64x2ShrS: simd(0xcc, "i64x2.shr_s", "vi:v", "V128Binary"),
  I64x2ShrU: simd(0xcd, "i64x2.shr_u", "vi:v", "V128Binary"),
  I64x2Add: simd(0xce, "i64x2.add", "vv:v", "V128Binary"),
  I64x2Sub: simd(0xd1, "i64x2.sub", "vv:v", "V128Binary"),
  I64x2Mul: simd(0xd5, "i64x2.mul", "vv:v", "V128Binary"),
  I64x2Eq: simd(0xd6, "i64x2.eq", "vv:v", "V128Binary"),
  I64x2Ne: simd(0xd7, "i64x2.ne", "vv:v", "V128Binary"),
  I64x2LtS: simd(0xd8, "i64x2.lt_s", "vv:v", "V128Binary"),
  I64x2GtS: simd(0xd9, "i64x2.gt_s", "vv:v", "V128Binary"),
  I64x2LeS: simd(0xda, "i64x2.le_s", "vv:v", "V128Binary"),
  I64x2GeS: simd(0xdb, "i64x2.ge_s", "vv:v", "V128Binary"),
  I64x2ExtmulLowI32x4S: simd(0xdc, "i64x2.extmul_low_i32x4_s", "vv:v", "V128Binary"),
  I64x2ExtmulHighI32x4S: simd(0xdd, "i64x2.extmul_high_i32x4_s", "vv:v", "V128Binary"),
  I64x2ExtmulLowI32x4U: simd(0xde, "i64x2.extmul_low_i32x4_u", "vv:v", "V128Binary"),
  I64x2ExtmulHighI32x4U: simd(0xdf, "i64x2.extmul_high_i32x4_u", "vv:v", "V128Binary"),
  F32x4Abs: simd(0xe0, "f32x4.abs", "v:v", "V128Unary"),
  F32x4Neg: simd(0xe1, "f32x4.neg", "v:v", "V128Unary"),
  F32x4Sqrt: simd(0xe3, "f32x4.sqrt", "v:v", "V128Unary"),
  F32x4Add: simd(0xe4, "f32x4.add", "vv:v", "F32x4Add"),
  F32x4Sub: simd(0xe5, "f32x4.sub", "vv:v", "F32x4Sub"),
  F32x4Mul: simd(0xe6, "f32x4.mul", "vv:v", "F32x4Mul"),
  F32x4Div: simd(0xe7, "f32x4.div", "vv:v", "F32x4Div"),
  F32x4Min: simd(0xe8, "f32x4.min", "vv:v", "F32x4Min"),
  F32x4Max: simd(0xe9, "f32x4.max", "vv:v", "F32x4Max"),
  F32x4Pmin: simd(0xea, "f32x4.pmin", "vv:v", "V128Binary"),
  F32x4Pmax: simd(0xeb, "f32x4.pmax", "vv:v", "V128Binary"),
  F64x2Abs: simd(0xec, "f64x2.abs", "v:v", "V128Unary"),
  F64x2Neg: simd(0xed, "f64x2.neg", "v:v", "V128Unary"),
  F64x2Sqrt: simd(0xef, "f64x2.sqrt", "v:v", "V128Unary"),
  F64x2Add: simd(0xf0, "f64x2.add", "vv:v", "F64x2Add"),
  F64x2Sub: simd(0xf1, "f64x2.sub", "vv:v", "F64x2Sub"),
  F64x2Mul: simd(0xf2, "f64x2.mul", "vv:v", "F64x2Mul"),
  F64x2Div: simd(0xf3, "f64x2.div", "vv:v", "F64x2Div"),
  F64x2Min: simd(0xf4, "f64x2.min", "vv:v", "V128Binary"),
  F64x2Max: simd(0xf5, "f64x2.max", "vv:v", "V128Binary"),
  F64x2Pmin: simd(0xf6, "f64x2.pmin", "vv:v", "V128Binary"),
  F64x2Pmax: simd(0xf7, "f64x2.pmax", "vv:v", "V128Binary"),
  I32x4TruncSatF32x4S: simd(0xf8, "i32x4.trunc_sat_f32x4_s", "v:v", "V128Unary"),
  I32x4TruncSatF32x4U: simd(0xf9, "i32x4.trunc_sat_f32x4_u", "v:v", "V128Unary"),
  F32x4ConvertI32x4S: simd(0xfa, "f32x4.convert_i32x4_s", "v:v", "V128Unary"),
  F32x4ConvertI32x4U: simd(0xfb, "f32x4.convert_i32x4_u", "v:v", "V128Unary"),
  I32x4TruncSatF64x2SZero: simd(0xfc, "i32x4.trunc_sat_f64x2_s_zero", "v:v", "V128Unary"),
  I32x4TruncSatF64x2UZero: simd(0xfd, "i32x4.trunc_sat_f64x2_u_zero", "v:v", "V128Unary"),
  F64x2ConvertLowI32x4S: simd(0xfe, "f64x2.convert_low_i32x4_s", "v:v", "V128Unary"),
  F64x2ConvertLowI32x4U: simd(0xff, "f64x2.convert_low_i32x4_u", "v:v", "V128Unary"),

  // 0xFD 0x100..: relaxed SIMD (each computes its Arm lowering: see `engine/simd.ts`)
  I8x16RelaxedSwizzle: relaxed(0x100, "i8x16.relaxed_swizzle", "vv:v", "V128Binary"),
  I32x4RelaxedTruncF32x4S: relaxed(0x101, "i32x4.relaxed_trunc_f32x4_s", "v:v", "V128Unary"),
  I32x4RelaxedTruncF32x4U: relaxed(0x102, "i32x4.relaxed_trunc_f32x4_u", "v:v", "V128Unary"),
  I32x4RelaxedTruncF64x2SZero: relaxed(
    0x103,
    "i32x4.relaxed_trunc_f64x2_s_zero",
    "v:v",
    "V128Unary",
  ),
  I32x4RelaxedTruncF64x2UZero: relaxed(
    0x104,
    "i32x4.relaxed_trunc_f64x2_u_zero",
    "v:v",
    "V128Unary",
  ),
  F32x4RelaxedMadd: relaxed(0x105, "f32x4.relaxed_madd", "vvv:v", "V128Ternary"),
  F32x4RelaxedNmadd: relaxed(0x106, "f32x4.relaxed_nmadd", "vvv:v", "V128Ternary"),
  F64x2RelaxedMadd: relaxed(0x107, "f64x2.relaxed_madd", "vvv:v", "V128Ternary"),
  F64x2RelaxedNmadd: relaxed(0x108, "f64x2.relaxed_nmadd", "vvv:v", "V128Ternary"),
  I8x16RelaxedLaneselect: relaxed(0x109, "i8x16.relaxed_laneselect", "vvv:v", "V128Ternary"),
  I16x8RelaxedLaneselect: relaxed(0x10a, "i16x8.relaxed_laneselect", "vvv:v", "V128Ternary"),
  I32x4RelaxedLaneselect: relaxed(0x10b, "i32x4.relaxed_laneselect", "vvv:v", "V128Ternary"),
  I64x2RelaxedLaneselect: relaxed(0x10c, "i64x2.relaxed_laneselect", "vvv:v", "V128Ternary"),
  F32x4RelaxedMin: relaxed(0x10d, "f32x4.relaxed_min", "vv:v", "F32x4Min"),
  F32x4RelaxedMax: relaxed(0x10e, "f32x4.relaxed_max", "vv:v", "F32x4Max"),
  F64x2RelaxedMin: relaxed(0x10f, "f64x2.relaxed_min", "vv:v", "V128Binary"),
  F64x2RelaxedMax: relaxed(0x110, "f64x2.relaxed_max", "vv:v", "V128Binary"),
  I16x8RelaxedQ15mulrS: relaxed(0x111, "i16x8.relaxed_q15mulr_s", "vv:v", "V128Binary"),
  I16x8RelaxedDotI8x16I7x16S: relaxed(
    0x112,
    "i16x8.relaxed_dot_i8x16_i7x16_s",
    "vv:v",
    "V128Binary",
  ),
  I32x4RelaxedDotI8x16I7x16AddS: relaxed(
    0x113,
    "i32x4.relaxed_dot_i8x16_i7x16_add_s",
    "vvv:v",
    "V128Ternary",
  ),

  // 0xFE: threads (atomics; see `engine/atomics.ts`). Every access must be naturally aligned.
  MemoryAtomicNotify: atomic(0x00, "memory.atomic.notify", "ii:i", 2, "AtomicNotify"),
  MemoryAtomicWait32: atomic(0x01, "memory.atomic.wait32", "iil:i", 2, "AtomicWait"),
  MemoryAtomicWait64: atomic(0x02, "memory.atomic.wait64", "ill:i", 3, "AtomicWait"),
  AtomicFence: op(prefixed(0xfe, 0x03), "atomic.fence", ":", NOP, {
    imm: Imm.ZeroByte,
    feature: Feature.Threads,
  }),
  I32AtomicLoad: atomic(0x10, "i32.atomic.load", "i:i", 2, "AtomicLoad"),
  I64AtomicLoad: atomic(0x11, "i64.atomic.load", "i:l", 3, "AtomicLoad"),
  I32AtomicLoad8U: atomic(0x12, "i32.atomic.load8_u", "i:i", 0, "AtomicLoad"),
  I32AtomicLoad16U: atomic(0x13, "i32.atomic.load16_u", "i:i", 1, "AtomicLoad"),
  I64AtomicLoad8U: atomic(0x14, "i64.atomic.load8_u", "i:l", 0, "AtomicLoad"),
  I64AtomicLoad16U: atomic(0x15, "i64.atomic.load16_u", "i:l", 1, "AtomicLoad"),
  I64AtomicLoad32U: atomic(0x16, "i64.atomic.load32_u", "i:l", 2, "AtomicLoad"),
  I32AtomicStore: atomic(0x17, "i32.atomic.store", "ii:", 2, "AtomicStore"),
  I64AtomicStore: atomic(0x18, "i64.atomic.store", "il:", 3, "AtomicStore"),
  I32AtomicStore8: atomic(0x19, "i32.atomic.store8", "ii:", 0, "AtomicStore"),
  I32AtomicStore16: atomic(0x1a, "i32.atomic.store16", "ii:", 1, "AtomicStore"),
  I64AtomicStore8: atomic(0x1b, "i64.atomic.store8", "il:", 0, "AtomicStore"),
  I64AtomicStore16: atomic(0x1c, "i64.atomic.store16", "il:", 1, "AtomicStore"),
  I64AtomicStore32: atomic(0x1d, "i64.atomic.store32", "il:", 2, "AtomicStore"),
  I32AtomicRmwAdd: atomic(0x1e, "i32.atomic.rmw.add", "ii:i", 2, "AtomicRmw"),
  I64AtomicRmwAdd: atomic(0x1f, "i64.atomic.rmw.add", "il:l", 3, "AtomicRmw"),
  I32AtomicRmw8AddU: atomic(0x20, "i32.atomic.rmw8.add_u", "ii:i", 0, "AtomicRmw"),
  I32AtomicRmw16AddU: atomic(0x21, "i32.atomic.rmw16.add_u", "ii:i", 1, "AtomicRmw"),
  I64AtomicRmw8AddU: atomic(0x22, "i64.atomic.rmw8.add_u", "il:l", 0, "AtomicRmw"),
  I64AtomicRmw16AddU: atomic(0x23, "i64.atomic.rmw16.add_u", "il:l", 1, "AtomicRmw"),
  I64AtomicRmw32AddU: atomic(0x24, "i64.atomic.rmw32.add_u", "il:l", 2, "AtomicRmw"),
  I32AtomicRmwSub: atomic(0x25, "i32.atomic.rmw.sub", "ii:i", 2, "AtomicRmw"),
  I64AtomicRmwSub: atomic(0x26, "i64.atomic.rmw.sub", "il:l", 3, "AtomicRmw"),
  I32AtomicRmw8SubU: atomic(0x27, "i32.atomic.rmw8.sub_u", "ii:i", 0, "AtomicRmw"),
  I32AtomicRmw16SubU: atomic(0x28, "i32.atomic.rmw16.sub_u", "ii:i", 1, "AtomicRmw"),
  I64AtomicRmw8SubU: atomic(0x29, "i64.atomic.rmw8.sub_u", "il:l", 0, "AtomicRmw"),
  I64AtomicRmw16SubU: atomic(0x2a, "i64.atomic.rmw16.sub_u", "il:l", 1, "AtomicRmw"),
  I64AtomicRmw32SubU: atomic(0x2b, "i64.atomic.rmw32.sub_u", "il:l", 2, "AtomicRmw"),
  I32AtomicRmwAnd: atomic(0x2c, "i32.atomic.rmw.and", "ii:i", 2, "AtomicRmw"),
  I64AtomicRmwAnd: atomic(0x2d, "i64.atomic.rmw.and", "il:l", 3, "AtomicRmw"),
  I32AtomicRmw8AndU: atomic(0x2e, "i32.atomic.rmw8.and_u", "ii:i", 0, "AtomicRmw"),
  I32AtomicRmw16AndU: atomic(0x2f, "i32.atomic.rmw16.and_u", "ii:i", 1, "AtomicRmw"),
  I64AtomicRmw8AndU: atomic(0x30, "i64.atomic.rmw8.and_u", "il:l", 0, "AtomicRmw"),
  I64AtomicRmw16AndU: atomic(0x31, "i64.atomic.rmw16.and_u", "il:l", 1, "AtomicRmw"),
  I64AtomicRmw32AndU: atomic(0x32, "i64.atomic.rmw32.and_u", "il:l", 2, "AtomicRmw"),
  I32AtomicRmwOr: atomic(0x33, "i32.atomic.rmw.or", "ii:i", 2, "AtomicRmw"),
  I64AtomicRmwOr: atomic(0x34, "i64.atomic.rmw.or", "il:l", 3, "AtomicRmw"),
  I32AtomicRmw8OrU: atomic(0x35, "i32.atomic.rmw8.or_u", "ii:i", 0, "AtomicRmw"),
  I32AtomicRmw16OrU: atomic(0x36, "i32.atomic.rmw16.or_u", "ii:i", 1, "AtomicRmw"),
  I64AtomicRmw8OrU: atomic(0x37, "i64.atomic.rmw8.or_u", "il:l", 0, "AtomicRmw"),
  I64AtomicRmw16OrU: atomic(0x38, "i64.atomic.rmw16.or_u", "il:l", 1, "AtomicRmw"),
  I64AtomicRmw32OrU: atomic(0x39, "i64.atomic.rmw32.or_u", "il:l", 2, "AtomicRmw"),
  I32AtomicRmwXor: atomic(0x3a, "i32.atomic.rmw.xor", "ii:i", 2, "AtomicRmw"),
  I64AtomicRmwXor: atomic(0x3b, "i64.atomic.rmw.xor", "il:l", 3, "AtomicRmw"),
  I32AtomicRmw8XorU: atomic(0x3c, "i32.atomic.rmw8.xor_u", "ii:i", 0, "AtomicRmw"),
  I32AtomicRmw16XorU: atomic(0x3d, "i32.atomic.rmw16.xor_u", "ii:i", 1, "AtomicRmw"),
  I64AtomicRmw8XorU: atomic(0x3e, "i64.atomic.rmw8.xor_u", "il:l", 0, "AtomicRmw"),
  I64AtomicRmw16XorU: atomic(0x3f, "i64.atomic.rmw16.xor_u", "il:l", 1, "AtomicRmw"),
  I64AtomicRmw32XorU: atomic(0x40, "i64.atomic.rmw32.xor_u", "il:l", 2, "AtomicRmw"),
  I32AtomicRmwXchg: atomic(0x41, "i32.atomic.rmw.xchg", "ii:i", 2, "AtomicRmw"),
  I64AtomicRmwXchg: atomic(0x42, "i64.atomic.rmw.xchg", "il:l", 3, "AtomicRmw"),
  I32AtomicRmw8XchgU: atomic(0x43, "i32.atomic.rmw8.xchg_u", "ii:i", 0, "AtomicRmw"),
  I32AtomicRmw16XchgU: atomic(0x44, "i32.atomic.rmw16.xchg_u", "ii:i", 1, "AtomicRmw"),
  I64AtomicRmw8XchgU: atomic(0x45, "i64.atomic.rmw8.xchg_u", "il:l", 0, "AtomicRmw"),
  I64AtomicRmw16XchgU: atomic(0x46, "i64.atomic.rmw16.xchg_u", "il:l", 1, "AtomicRmw"),
  I64AtomicRmw32XchgU: atomic(0x47, "i64.atomic.rmw32.xchg_u", "il:l", 2, "AtomicRmw"),
  I32AtomicRmwCmpxchg: atomic(0x48, "i32.atomic.rmw.cmpxchg", "iii:i", 2, "AtomicCmpxchg"),
  I64AtomicRmwCmpxchg: atomic(0x49, "i64.atomic.rmw.cmpxchg", "ill:l", 3, "AtomicCmpxchg"),
  I32AtomicRmw8CmpxchgU: atomic(0x4a, "i32.atomic.rmw8.cmpxchg_u", "iii:i", 0, "AtomicCmpxchg"),
  I32AtomicRmw16CmpxchgU: atomic(0x4b, "i32.atomic.rmw16.cmpxchg_u", "iii:i", 1, "AtomicCmpxchg"),
  I64AtomicRmw8CmpxchgU: atomic(0x4c, "i64.atomic.rmw8.cmpxchg_u", "ill:l", 0, "AtomicCmpxchg"),
  I64AtomicRmw16CmpxchgU: atomic(0x4d, "i64.atomic.rmw16.cmpxchg_u", "ill:l", 1, "AtomicCmpxchg"),
  I64AtomicRmw32CmpxchgU: atomic(0x4e, "i64.atomic.rmw32.cmpxchg_u", "ill:l", 2, "AtomicCmpxchg"),
} as const satisfies Record<string, OpInfo>;

/** The name of a row of `OPS`. */
export type OpName = keyof typeof OPS;

/** Every opcode's number, by name: `Op.I32Add`. */
export const Op: Readonly<Record<OpName, number>> = Object.freeze(
  Object.fromEntries(Object.entries(OPS).map(([k, info]) => [k, info.code])) as Record<
    OpName,
    number
  >,
);

/** Every opcode's info, keyed by code. */
export const OP_INFO: ReadonlyMap<number, OpInfo> = new Map(
  Object.values(OPS).map((info: OpInfo) => [info.code, info]),
);

/**
 * How many sub-opcodes each prefix has room for in the dense opcode space: `0xFC n` and
 * `0xFE n` below 256, `0xFD n` below 512 (relaxed SIMD goes up to `0xFD 0x113`), `0xFB n`
 * (GC) below 32.
 */
export const PREFIX_ROOM: Readonly<Record<number, number>> = {
  0xfb: 32,
  0xfc: 256,
  0xfd: 512,
  0xfe: 256,
};

/**
 * Size of the dense opcode space: single-byte, `0xFC n`, `0xFD n`, `0xFE n` and `0xFB n`
 * opcodes.
 */
export const DENSE_SIZE = 1312;

/** The opcode of `prefix` followed by the sub-opcode `sub` (see the module doc). */
export function prefixed(prefix: number, sub: number): number {
  return prefix * 0x1000 + sub;
}

/** The prefix byte of an opcode (0 for a single-byte opcode). */
export function opPrefix(op: number): number {
  return op >>> 12;
}

/** The sub-opcode of a prefixed opcode (a single-byte opcode is its own). */
export function opSub(op: number): number {
  return op & 0xfff;
}

/**
 * Maps an opcode as `OpReader.read()` returns it to an index in `[0, DENSE_SIZE)`.
 * `OpReader` only returns prefixed opcodes with a sub-opcode within `PREFIX_ROOM`.
 */
export function denseIndex(op: number): number {
  if (op < 256) return op;
  const prefix = op >>> 12;
  return (prefix === 0xfc ? 256 : prefix === 0xfd ? 512 : prefix === 0xfe ? 1024 : 1280) +
    (op & 0xfff);
}

/** The text name of an opcode, or a hex code if it is unknown. */
export function opName(code: number): string {
  return OP_INFO.get(code)?.name ?? `<0x${code.toString(16)}>`;
}
