/**
 * The engine's internal instruction set, declared once as data.
 *
 * Code is an `Int32Array`: an opcode followed by its operands. Instructions are register (slot)
 * shaped and named after their operands: `I32Add d a b` reads slots `a` and `b` and writes slot
 * `d`; `I32AddImm d a imm` takes its right operand inline; `BrIfI32LtS a b target` fuses a
 * compare with a branch. Every value-producing instruction has its destination slot as its
 * first operand (the translator relies on this to retarget a result into a local).
 *
 * Operand shapes, one character per operand:
 * - `r` a slot: a word offset from the frame base (a multiple of 4, `SLOT_WORDS`), so the
 *   executor reads `s32[fp + r]`;
 * - `i` an i32 immediate; `w` an i64 immediate as two words, low then high;
 * - `o` a memory offset (a u32 stored as int32);
 * - `x` an index (function, type, global, table, element or data segment);
 * - `t` a branch target: an absolute index into the code;
 * - `T` a jump table: a count `n`, then `n + 1` targets (the last is the default);
 * - `v` a SIMD sub-opcode (`0xFD n` → `n`), which the generic `V128*` instructions pass on to
 *   `simd.ts` / `simd_mem.ts`, so that v128 takes only a few cases of the executor's `switch`.
 *
 * The opcode of an instruction is its index in `ISA`. The executor's `switch` uses these numbers
 * as literals (V8 builds a jump table only for literal `case` labels); `tests/engine/isa_test.ts`
 * checks every `case N: // Name` of the executor against this table. Append new instructions at
 * the end so existing numbers stay put.
 *
 * @module
 */

/** One instruction's declaration. */
export interface InstrDef {
  /** Its name, e.g. `I32AddImm`. */
  readonly name: string;
  /** Its operand shape (see the module doc). */
  readonly shape: string;
}

const CMP = ["Eq", "Ne", "LtS", "LtU", "GtS", "GtU", "LeS", "LeU", "GeS", "GeU"] as const;
const FCMP = ["Eq", "Ne", "Lt", "Gt", "Le", "Ge"] as const;
const I_BIN = [
  "Add",
  "Sub",
  "Mul",
  "DivS",
  "DivU",
  "RemS",
  "RemU",
  "And",
  "Or",
  "Xor",
  "Shl",
  "ShrS",
  "ShrU",
  "Rotl",
  "Rotr",
] as const;
const F_UN = ["Abs", "Neg", "Ceil", "Floor", "Trunc", "Nearest", "Sqrt"] as const;
const F_BIN = ["Add", "Sub", "Mul", "Div", "Min", "Max", "Copysign"] as const;

type Entry<N extends string = string> = readonly [name: N, shape: string];

function group<P extends string, N extends string, S extends string>(
  prefix: P,
  names: readonly N[],
  suffix: S,
  shape: string,
): Entry<`${P}${N}${S}`>[] {
  return names.map((n) => [`${prefix}${n}${suffix}`, shape] as const);
}

/** Conversions between number types: one `rr` instruction per Wasm operator of the same name. */
export const CONVERSIONS = [
  "I32TruncF32S",
  "I32TruncF32U",
  "I32TruncF64S",
  "I32TruncF64U",
  "I64TruncF32S",
  "I64TruncF32U",
  "I64TruncF64S",
  "I64TruncF64U",
  "F32ConvertI32S",
  "F32ConvertI32U",
  "F32ConvertI64S",
  "F32ConvertI64U",
  "F32DemoteF64",
  "F64ConvertI32S",
  "F64ConvertI32U",
  "F64ConvertI64S",
  "F64ConvertI64U",
  "F64PromoteF32",
  "I32TruncSatF32S",
  "I32TruncSatF32U",
  "I32TruncSatF64S",
  "I32TruncSatF64U",
  "I64TruncSatF32S",
  "I64TruncSatF32U",
  "I64TruncSatF64S",
  "I64TruncSatF64U",
] as const;

function each<N extends string>(names: readonly N[], shape: string): Entry<N>[] {
  return names.map((n) => [n, shape] as const);
}

const ENTRIES = [
  // Control
  ["Unreachable", ""],
  ["Br", "t"],
  ["BrIfNez", "rt"],
  ["BrIfEqz", "rt"],
  ["BrIfI64Nez", "rt"],
  ["BrIfI64Eqz", "rt"],
  ...group("BrIfI32", CMP, "", "rrt"),
  ...group("BrIfI32", CMP, "Imm", "rit"),
  ...group("BrIfI64", CMP, "", "rrt"),
  ...group("BrIfI64", CMP, "Imm", "rwt"),
  ["BrTable", "rT"],
  ["Return", ""],
  ["ReturnSlot", "r"],
  ["Call", "xr"],
  ["CallIndirect", "xxrr"],
  // Moves, globals, references
  ["Copy", "rr"],
  ["ConstI32", "ri"],
  ["ConstI64", "rw"],
  ["Select", "rrrr"],
  ["GlobalGet", "rx"],
  ["GlobalSet", "xr"],
  ["RefFunc", "rx"],
  // i32
  ["I32Eqz", "rr"],
  ...group("I32", CMP, "", "rrr"),
  ...group("I32", CMP, "Imm", "rri"),
  ...group("I32", ["Clz", "Ctz", "Popcnt", "Extend8S", "Extend16S"], "", "rr"),
  ...group("I32", I_BIN, "", "rrr"),
  ...group(
    "I32",
    ["Add", "Mul", "And", "Or", "Xor", "Shl", "ShrS", "ShrU", "Rotl", "Rotr"],
    "Imm",
    "rri",
  ),
  // i64
  ["I64Eqz", "rr"],
  ...group("I64", CMP, "", "rrr"),
  ...group("I64", CMP, "Imm", "rrw"),
  ...group(
    "I64",
    ["Clz", "Ctz", "Popcnt", "Extend8S", "Extend16S", "Extend32S", "ExtendI32S", "ExtendI32U"],
    "",
    "rr",
  ),
  ...group("I64", I_BIN, "", "rrr"),
  ...group("I64", ["Add", "Mul", "And", "Or", "Xor"], "Imm", "rrw"),
  ...group("I64", ["Shl", "ShrS", "ShrU", "Rotl", "Rotr"], "Imm", "rri"),
  // f32, f64
  ...group("F32", FCMP, "", "rrr"),
  ...group("F32", F_UN, "", "rr"),
  ...group("F32", F_BIN, "", "rrr"),
  ...group("F64", FCMP, "", "rrr"),
  ...group("F64", F_UN, "", "rr"),
  ...group("F64", F_BIN, "", "rrr"),
  ...each(CONVERSIONS, "rr"),
  // Memory (f32/f64 loads and stores move raw bits, so they use the i32/i64 instructions)
  ...each(
    [
      "I32Load",
      "I64Load",
      "I32Load8S",
      "I32Load8U",
      "I32Load16S",
      "I32Load16U",
      "I64Load8S",
      "I64Load8U",
      "I64Load16S",
      "I64Load16U",
      "I64Load32S",
      "I64Load32U",
    ] as const,
    "rro",
  ),
  ...each(["I32Store", "I64Store", "I32Store8", "I32Store16"] as const, "ror"),
  ["MemorySize", "r"],
  ["MemoryGrow", "rr"],
  ["MemoryFill", "rrr"],
  ["MemoryCopy", "rrr"],
  ["MemoryInit", "xrrr"],
  ["DataDrop", "x"],
  // Tables
  ["TableGet", "rxr"],
  ["TableSet", "xrr"],
  ["TableSize", "rx"],
  ["TableGrow", "rxrr"],
  ["TableFill", "xrrr"],
  ["TableCopy", "xxrrr"],
  ["TableInit", "xxrrr"],
  ["ElemDrop", "x"],
  // Appended later (keep existing numbers stable)
  ["Nop", ""],
  ["I32StoreImm", "roi"],
  ["I32Store8Imm", "roi"],
  ["I32Store16Imm", "roi"],
  ["I64StoreImm", "row"],
  // Pays the fuel of the segment it starts (see fuel.ts); only emitted when fuel is metered.
  ["ConsumeFuel", "i"],
  // v128 (SIMD): moves of all four words of a slot (the plain ones move two), then generic
  // instructions keyed by the Wasm sub-opcode (see `simd.ts`, `simd_mem.ts`)
  ["Copy128", "rr"],
  ["Select128", "rrrr"],
  ["GlobalGet128", "rx"],
  ["GlobalSet128", "xr"],
  ["V128Const", "riiii"],
  ["V128Unary", "rvr"],
  ["V128Binary", "rvrr"],
  ["V128Ternary", "rvrrr"],
  ["V128ExtractLane", "rvri"],
  ["V128ReplaceLane", "rvrri"],
  ["V128Shuffle", "rrriiii"],
  ["V128Load", "rvro"],
  ["V128Store", "ror"],
  ["V128LoadLane", "rvrori"],
  ["V128StoreLane", "vrori"],
] as const satisfies readonly Entry[];

/** The name of an instruction. */
export type InstrName = typeof ENTRIES[number][0];

/** Every instruction, in opcode order. */
export const ISA: readonly InstrDef[] = ENTRIES.map(([name, shape]) =>
  Object.freeze({ name, shape })
);

/** Opcode numbers by instruction name: `I.I32Add`. */
export const I: Readonly<Record<InstrName, number>> = Object.freeze(
  Object.fromEntries(ISA.map((d, i) => [d.name, i])) as Record<InstrName, number>,
);

/**
 * Code words an instruction occupies (opcode included); for `BrTable` the fixed part only
 * (add the jump table's `n + 1` targets).
 */
export const INSTR_SIZE: Uint8Array = Uint8Array.from(ISA, (d) => {
  let n = 1;
  for (const c of d.shape) n += c === "w" ? 2 : 1;
  return n;
});

/** The size of the instruction at `code[pc]`, jump tables included. */
export function instrSize(code: Int32Array, pc: number): number {
  const op = code[pc]!;
  const size = INSTR_SIZE[op]!;
  return op === I.BrTable ? size + code[pc + 2]! + 1 : size;
}
