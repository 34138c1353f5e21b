/**
 * The Wasm instruction set as the decoder sees it: every opcode of Wasm 2.0 (SIMD included),
 * declared once, with its text name, immediate shape and, for operators with a fixed signature,
 * its operand and result types. The validator, translator and disassembler all read this table.
 *
 * Codes: single-byte opcodes are themselves; `0xFC n` is `0xFC00 + n`; `0xFD n` is `0xFD00 + n`.
 *
 * @module
 */

import type { ValType } from "../core/types.ts";

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
}

/** Every opcode, by name. */
export const Op = {
  Unreachable: 0x00,
  Nop: 0x01,
  Block: 0x02,
  Loop: 0x03,
  If: 0x04,
  Else: 0x05,
  End: 0x0b,
  Br: 0x0c,
  BrIf: 0x0d,
  BrTable: 0x0e,
  Return: 0x0f,
  Call: 0x10,
  CallIndirect: 0x11,
  Drop: 0x1a,
  Select: 0x1b,
  SelectT: 0x1c,
  LocalGet: 0x20,
  LocalSet: 0x21,
  LocalTee: 0x22,
  GlobalGet: 0x23,
  GlobalSet: 0x24,
  TableGet: 0x25,
  TableSet: 0x26,
  I32Load: 0x28,
  I64Load: 0x29,
  F32Load: 0x2a,
  F64Load: 0x2b,
  I32Load8S: 0x2c,
  I32Load8U: 0x2d,
  I32Load16S: 0x2e,
  I32Load16U: 0x2f,
  I64Load8S: 0x30,
  I64Load8U: 0x31,
  I64Load16S: 0x32,
  I64Load16U: 0x33,
  I64Load32S: 0x34,
  I64Load32U: 0x35,
  I32Store: 0x36,
  I64Store: 0x37,
  F32Store: 0x38,
  F64Store: 0x39,
  I32Store8: 0x3a,
  I32Store16: 0x3b,
  I64Store8: 0x3c,
  I64Store16: 0x3d,
  I64Store32: 0x3e,
  MemorySize: 0x3f,
  MemoryGrow: 0x40,
  I32Const: 0x41,
  I64Const: 0x42,
  F32Const: 0x43,
  F64Const: 0x44,
  I32Eqz: 0x45,
  I32Eq: 0x46,
  I32Ne: 0x47,
  I32LtS: 0x48,
  I32LtU: 0x49,
  I32GtS: 0x4a,
  I32GtU: 0x4b,
  I32LeS: 0x4c,
  I32LeU: 0x4d,
  I32GeS: 0x4e,
  I32GeU: 0x4f,
  I64Eqz: 0x50,
  I64Eq: 0x51,
  I64Ne: 0x52,
  I64LtS: 0x53,
  I64LtU: 0x54,
  I64GtS: 0x55,
  I64GtU: 0x56,
  I64LeS: 0x57,
  I64LeU: 0x58,
  I64GeS: 0x59,
  I64GeU: 0x5a,
  F32Eq: 0x5b,
  F32Ne: 0x5c,
  F32Lt: 0x5d,
  F32Gt: 0x5e,
  F32Le: 0x5f,
  F32Ge: 0x60,
  F64Eq: 0x61,
  F64Ne: 0x62,
  F64Lt: 0x63,
  F64Gt: 0x64,
  F64Le: 0x65,
  F64Ge: 0x66,
  I32Clz: 0x67,
  I32Ctz: 0x68,
  I32Popcnt: 0x69,
  I32Add: 0x6a,
  I32Sub: 0x6b,
  I32Mul: 0x6c,
  I32DivS: 0x6d,
  I32DivU: 0x6e,
  I32RemS: 0x6f,
  I32RemU: 0x70,
  I32And: 0x71,
  I32Or: 0x72,
  I32Xor: 0x73,
  I32Shl: 0x74,
  I32ShrS: 0x75,
  I32ShrU: 0x76,
  I32Rotl: 0x77,
  I32Rotr: 0x78,
  I64Clz: 0x79,
  I64Ctz: 0x7a,
  I64Popcnt: 0x7b,
  I64Add: 0x7c,
  I64Sub: 0x7d,
  I64Mul: 0x7e,
  I64DivS: 0x7f,
  I64DivU: 0x80,
  I64RemS: 0x81,
  I64RemU: 0x82,
  I64And: 0x83,
  I64Or: 0x84,
  I64Xor: 0x85,
  I64Shl: 0x86,
  I64ShrS: 0x87,
  I64ShrU: 0x88,
  I64Rotl: 0x89,
  I64Rotr: 0x8a,
  F32Abs: 0x8b,
  F32Neg: 0x8c,
  F32Ceil: 0x8d,
  F32Floor: 0x8e,
  F32Trunc: 0x8f,
  F32Nearest: 0x90,
  F32Sqrt: 0x91,
  F32Add: 0x92,
  F32Sub: 0x93,
  F32Mul: 0x94,
  F32Div: 0x95,
  F32Min: 0x96,
  F32Max: 0x97,
  F32Copysign: 0x98,
  F64Abs: 0x99,
  F64Neg: 0x9a,
  F64Ceil: 0x9b,
  F64Floor: 0x9c,
  F64Trunc: 0x9d,
  F64Nearest: 0x9e,
  F64Sqrt: 0x9f,
  F64Add: 0xa0,
  F64Sub: 0xa1,
  F64Mul: 0xa2,
  F64Div: 0xa3,
  F64Min: 0xa4,
  F64Max: 0xa5,
  F64Copysign: 0xa6,
  I32WrapI64: 0xa7,
  I32TruncF32S: 0xa8,
  I32TruncF32U: 0xa9,
  I32TruncF64S: 0xaa,
  I32TruncF64U: 0xab,
  I64ExtendI32S: 0xac,
  I64ExtendI32U: 0xad,
  I64TruncF32S: 0xae,
  I64TruncF32U: 0xaf,
  I64TruncF64S: 0xb0,
  I64TruncF64U: 0xb1,
  F32ConvertI32S: 0xb2,
  F32ConvertI32U: 0xb3,
  F32ConvertI64S: 0xb4,
  F32ConvertI64U: 0xb5,
  F32DemoteF64: 0xb6,
  F64ConvertI32S: 0xb7,
  F64ConvertI32U: 0xb8,
  F64ConvertI64S: 0xb9,
  F64ConvertI64U: 0xba,
  F64PromoteF32: 0xbb,
  I32ReinterpretF32: 0xbc,
  I64ReinterpretF64: 0xbd,
  F32ReinterpretI32: 0xbe,
  F64ReinterpretI64: 0xbf,
  I32Extend8S: 0xc0,
  I32Extend16S: 0xc1,
  I64Extend8S: 0xc2,
  I64Extend16S: 0xc3,
  I64Extend32S: 0xc4,
  RefNull: 0xd0,
  RefIsNull: 0xd1,
  RefFunc: 0xd2,
  I32TruncSatF32S: 0xfc00,
  I32TruncSatF32U: 0xfc01,
  I32TruncSatF64S: 0xfc02,
  I32TruncSatF64U: 0xfc03,
  I64TruncSatF32S: 0xfc04,
  I64TruncSatF32U: 0xfc05,
  I64TruncSatF64S: 0xfc06,
  I64TruncSatF64U: 0xfc07,
  MemoryInit: 0xfc08,
  DataDrop: 0xfc09,
  MemoryCopy: 0xfc0a,
  MemoryFill: 0xfc0b,
  TableInit: 0xfc0c,
  ElemDrop: 0xfc0d,
  TableCopy: 0xfc0e,
  TableGrow: 0xfc0f,
  TableSize: 0xfc10,
  TableFill: 0xfc11,
  V128Load: 0xfd00,
  V128Load8x8S: 0xfd01,
  V128Load8x8U: 0xfd02,
  V128Load16x4S: 0xfd03,
  V128Load16x4U: 0xfd04,
  V128Load32x2S: 0xfd05,
  V128Load32x2U: 0xfd06,
  V128Load8Splat: 0xfd07,
  V128Load16Splat: 0xfd08,
  V128Load32Splat: 0xfd09,
  V128Load64Splat: 0xfd0a,
  V128Store: 0xfd0b,
  V128Const: 0xfd0c,
  I8x16Shuffle: 0xfd0d,
  I8x16Swizzle: 0xfd0e,
  I8x16Splat: 0xfd0f,
  I16x8Splat: 0xfd10,
  I32x4Splat: 0xfd11,
  I64x2Splat: 0xfd12,
  F32x4Splat: 0xfd13,
  F64x2Splat: 0xfd14,
  I8x16ExtractLaneS: 0xfd15,
  I8x16ExtractLaneU: 0xfd16,
  I8x16ReplaceLane: 0xfd17,
  I16x8ExtractLaneS: 0xfd18,
  I16x8ExtractLaneU: 0xfd19,
  I16x8ReplaceLane: 0xfd1a,
  I32x4ExtractLane: 0xfd1b,
  I32x4ReplaceLane: 0xfd1c,
  I64x2ExtractLane: 0xfd1d,
  I64x2ReplaceLane: 0xfd1e,
  F32x4ExtractLane: 0xfd1f,
  F32x4ReplaceLane: 0xfd20,
  F64x2ExtractLane: 0xfd21,
  F64x2ReplaceLane: 0xfd22,
  I8x16Eq: 0xfd23,
  I8x16Ne: 0xfd24,
  I8x16LtS: 0xfd25,
  I8x16LtU: 0xfd26,
  I8x16GtS: 0xfd27,
  I8x16GtU: 0xfd28,
  I8x16LeS: 0xfd29,
  I8x16LeU: 0xfd2a,
  I8x16GeS: 0xfd2b,
  I8x16GeU: 0xfd2c,
  I16x8Eq: 0xfd2d,
  I16x8Ne: 0xfd2e,
  I16x8LtS: 0xfd2f,
  I16x8LtU: 0xfd30,
  I16x8GtS: 0xfd31,
  I16x8GtU: 0xfd32,
  I16x8LeS: 0xfd33,
  I16x8LeU: 0xfd34,
  I16x8GeS: 0xfd35,
  I16x8GeU: 0xfd36,
  I32x4Eq: 0xfd37,
  I32x4Ne: 0xfd38,
  I32x4LtS: 0xfd39,
  I32x4LtU: 0xfd3a,
  I32x4GtS: 0xfd3b,
  I32x4GtU: 0xfd3c,
  I32x4LeS: 0xfd3d,
  I32x4LeU: 0xfd3e,
  I32x4GeS: 0xfd3f,
  I32x4GeU: 0xfd40,
  F32x4Eq: 0xfd41,
  F32x4Ne: 0xfd42,
  F32x4Lt: 0xfd43,
  F32x4Gt: 0xfd44,
  F32x4Le: 0xfd45,
  F32x4Ge: 0xfd46,
  F64x2Eq: 0xfd47,
  F64x2Ne: 0xfd48,
  F64x2Lt: 0xfd49,
  F64x2Gt: 0xfd4a,
  F64x2Le: 0xfd4b,
  F64x2Ge: 0xfd4c,
  V128Not: 0xfd4d,
  V128And: 0xfd4e,
  V128Andnot: 0xfd4f,
  V128Or: 0xfd50,
  V128Xor: 0xfd51,
  V128Bitselect: 0xfd52,
  V128AnyTrue: 0xfd53,
  V128Load8Lane: 0xfd54,
  V128Load16Lane: 0xfd55,
  V128Load32Lane: 0xfd56,
  V128Load64Lane: 0xfd57,
  V128Store8Lane: 0xfd58,
  V128Store16Lane: 0xfd59,
  V128Store32Lane: 0xfd5a,
  V128Store64Lane: 0xfd5b,
  V128Load32Zero: 0xfd5c,
  V128Load64Zero: 0xfd5d,
  F32x4DemoteF64x2Zero: 0xfd5e,
  F64x2PromoteLowF32x4: 0xfd5f,
  I8x16Abs: 0xfd60,
  I8x16Neg: 0xfd61,
  I8x16Popcnt: 0xfd62,
  I8x16AllTrue: 0xfd63,
  I8x16Bitmask: 0xfd64,
  I8x16NarrowI16x8S: 0xfd65,
  I8x16NarrowI16x8U: 0xfd66,
  F32x4Ceil: 0xfd67,
  F32x4Floor: 0xfd68,
  F32x4Trunc: 0xfd69,
  F32x4Nearest: 0xfd6a,
  I8x16Shl: 0xfd6b,
  I8x16ShrS: 0xfd6c,
  I8x16ShrU: 0xfd6d,
  I8x16Add: 0xfd6e,
  I8x16AddSatS: 0xfd6f,
  I8x16AddSatU: 0xfd70,
  I8x16Sub: 0xfd71,
  I8x16SubSatS: 0xfd72,
  I8x16SubSatU: 0xfd73,
  F64x2Ceil: 0xfd74,
  F64x2Floor: 0xfd75,
  I8x16MinS: 0xfd76,
  I8x16MinU: 0xfd77,
  I8x16MaxS: 0xfd78,
  I8x16MaxU: 0xfd79,
  F64x2Trunc: 0xfd7a,
  I8x16AvgrU: 0xfd7b,
  I16x8ExtaddPairwiseI8x16S: 0xfd7c,
  I16x8ExtaddPairwiseI8x16U: 0xfd7d,
  I32x4ExtaddPairwiseI16x8S: 0xfd7e,
  I32x4ExtaddPairwiseI16x8U: 0xfd7f,
  I16x8Abs: 0xfd80,
  I16x8Neg: 0xfd81,
  I16x8Q15mulrSatS: 0xfd82,
  I16x8AllTrue: 0xfd83,
  I16x8Bitmask: 0xfd84,
  I16x8NarrowI32x4S: 0xfd85,
  I16x8NarrowI32x4U: 0xfd86,
  I16x8ExtendLowI8x16S: 0xfd87,
  I16x8ExtendHighI8x16S: 0xfd88,
  I16x8ExtendLowI8x16U: 0xfd89,
  I16x8ExtendHighI8x16U: 0xfd8a,
  I16x8Shl: 0xfd8b,
  I16x8ShrS: 0xfd8c,
  I16x8ShrU: 0xfd8d,
  I16x8Add: 0xfd8e,
  I16x8AddSatS: 0xfd8f,
  I16x8AddSatU: 0xfd90,
  I16x8Sub: 0xfd91,
  I16x8SubSatS: 0xfd92,
  I16x8SubSatU: 0xfd93,
  F64x2Nearest: 0xfd94,
  I16x8Mul: 0xfd95,
  I16x8MinS: 0xfd96,
  I16x8MinU: 0xfd97,
  I16x8MaxS: 0xfd98,
  I16x8MaxU: 0xfd99,
  I16x8AvgrU: 0xfd9b,
  I16x8ExtmulLowI8x16S: 0xfd9c,
  I16x8ExtmulHighI8x16S: 0xfd9d,
  I16x8ExtmulLowI8x16U: 0xfd9e,
  I16x8ExtmulHighI8x16U: 0xfd9f,
  I32x4Abs: 0xfda0,
  I32x4Neg: 0xfda1,
  I32x4AllTrue: 0xfda3,
  I32x4Bitmask: 0xfda4,
  I32x4ExtendLowI16x8S: 0xfda7,
  I32x4ExtendHighI16x8S: 0xfda8,
  I32x4ExtendLowI16x8U: 0xfda9,
  I32x4ExtendHighI16x8U: 0xfdaa,
  I32x4Shl: 0xfdab,
  I32x4ShrS: 0xfdac,
  I32x4ShrU: 0xfdad,
  I32x4Add: 0xfdae,
  I32x4Sub: 0xfdb1,
  I32x4Mul: 0xfdb5,
  I32x4MinS: 0xfdb6,
  I32x4MinU: 0xfdb7,
  I32x4MaxS: 0xfdb8,
  I32x4MaxU: 0xfdb9,
  I32x4DotI16x8S: 0xfdba,
  I32x4ExtmulLowI16x8S: 0xfdbc,
  I32x4ExtmulHighI16x8S: 0xfdbd,
  I32x4ExtmulLowI16x8U: 0xfdbe,
  I32x4ExtmulHighI16x8U: 0xfdbf,
  I64x2Abs: 0xfdc0,
  I64x2Neg: 0xfdc1,
  I64x2AllTrue: 0xfdc3,
  I64x2Bitmask: 0xfdc4,
  I64x2ExtendLowI32x4S: 0xfdc7,
  I64x2ExtendHighI32x4S: 0xfdc8,
  I64x2ExtendLowI32x4U: 0xfdc9,
  I64x2ExtendHighI32x4U: 0xfdca,
  I64x2Shl: 0xfdcb,
  I64x2ShrS: 0xfdcc,
  I64x2ShrU: 0xfdcd,
  I64x2Add: 0xfdce,
  I64x2Sub: 0xfdd1,
  I64x2Mul: 0xfdd5,
  I64x2Eq: 0xfdd6,
  I64x2Ne: 0xfdd7,
  I64x2LtS: 0xfdd8,
  I64x2GtS: 0xfdd9,
  I64x2LeS: 0xfdda,
  I64x2GeS: 0xfddb,
  I64x2ExtmulLowI32x4S: 0xfddc,
  I64x2ExtmulHighI32x4S: 0xfddd,
  I64x2ExtmulLowI32x4U: 0xfdde,
  I64x2ExtmulHighI32x4U: 0xfddf,
  F32x4Abs: 0xfde0,
  F32x4Neg: 0xfde1,
  F32x4Sqrt: 0xfde3,
  F32x4Add: 0xfde4,
  F32x4Sub: 0xfde5,
  F32x4Mul: 0xfde6,
  F32x4Div: 0xfde7,
  F32x4Min: 0xfde8,
  F32x4Max: 0xfde9,
  F32x4Pmin: 0xfdea,
  F32x4Pmax: 0xfdeb,
  F64x2Abs: 0xfdec,
  F64x2Neg: 0xfded,
  F64x2Sqrt: 0xfdef,
  F64x2Add: 0xfdf0,
  F64x2Sub: 0xfdf1,
  F64x2Mul: 0xfdf2,
  F64x2Div: 0xfdf3,
  F64x2Min: 0xfdf4,
  F64x2Max: 0xfdf5,
  F64x2Pmin: 0xfdf6,
  F64x2Pmax: 0xfdf7,
  I32x4TruncSatF32x4S: 0xfdf8,
  I32x4TruncSatF32x4U: 0xfdf9,
  F32x4ConvertI32x4S: 0xfdfa,
  F32x4ConvertI32x4U: 0xfdfb,
  I32x4TruncSatF64x2SZero: 0xfdfc,
  I32x4TruncSatF64x2UZero: 0xfdfd,
  F64x2ConvertLowI32x4S: 0xfdfe,
  F64x2ConvertLowI32x4U: 0xfdff,
} as const;

/** One of the values of `Op`. */
export type Opcode = typeof Op[keyof typeof Op];

/** What the table knows about one opcode. */
export interface OpInfo {
  /** The opcode (see the module doc for prefixed opcodes). */
  readonly code: number;
  /** The text-format name, e.g. `i32.add`. */
  readonly name: string;
  /** The shape of its immediates. */
  readonly imm: Imm;
  /** Operand types popped, or `null` when the validator types the operator itself. */
  readonly params: readonly ValType[] | null;
  /** Result types pushed (empty when `params` is null). */
  readonly results: readonly ValType[];
}

// code, text name, immediate shape, signature ("operands:results" with i=i32 l=i64 f=f32
// d=f64 v=v128, or "*" when the validator types the operator itself).
const TABLE = `
00 unreachable None *
01 nop None :
02 block Block *
03 loop Block *
04 if Block *
05 else None *
0b end None *
0c br Label *
0d br_if Label *
0e br_table BrTable *
0f return None *
10 call Func *
11 call_indirect CallIndirect *
1a drop None *
1b select None *
1c select_t SelectT *
20 local.get Local *
21 local.set Local *
22 local.tee Local *
23 global.get Global *
24 global.set Global *
25 table.get Table *
26 table.set Table *
28 i32.load MemArg i:i
29 i64.load MemArg i:l
2a f32.load MemArg i:f
2b f64.load MemArg i:d
2c i32.load8_s MemArg i:i
2d i32.load8_u MemArg i:i
2e i32.load16_s MemArg i:i
2f i32.load16_u MemArg i:i
30 i64.load8_s MemArg i:l
31 i64.load8_u MemArg i:l
32 i64.load16_s MemArg i:l
33 i64.load16_u MemArg i:l
34 i64.load32_s MemArg i:l
35 i64.load32_u MemArg i:l
36 i32.store MemArg ii:
37 i64.store MemArg il:
38 f32.store MemArg if:
39 f64.store MemArg id:
3a i32.store8 MemArg ii:
3b i32.store16 MemArg ii:
3c i64.store8 MemArg il:
3d i64.store16 MemArg il:
3e i64.store32 MemArg il:
3f memory.size Memory :i
40 memory.grow Memory i:i
41 i32.const I32 :i
42 i64.const I64 :l
43 f32.const F32 :f
44 f64.const F64 :d
45 i32.eqz None i:i
46 i32.eq None ii:i
47 i32.ne None ii:i
48 i32.lt_s None ii:i
49 i32.lt_u None ii:i
4a i32.gt_s None ii:i
4b i32.gt_u None ii:i
4c i32.le_s None ii:i
4d i32.le_u None ii:i
4e i32.ge_s None ii:i
4f i32.ge_u None ii:i
50 i64.eqz None l:i
51 i64.eq None ll:i
52 i64.ne None ll:i
53 i64.lt_s None ll:i
54 i64.lt_u None ll:i
55 i64.gt_s None ll:i
56 i64.gt_u None ll:i
57 i64.le_s None ll:i
58 i64.le_u None ll:i
59 i64.ge_s None ll:i
5a i64.ge_u None ll:i
5b f32.eq None ff:i
5c f32.ne None ff:i
5d f32.lt None ff:i
5e f32.gt None ff:i
5f f32.le None ff:i
60 f32.ge None ff:i
61 f64.eq None dd:i
62 f64.ne None dd:i
63 f64.lt None dd:i
64 f64.gt None dd:i
65 f64.le None dd:i
66 f64.ge None dd:i
67 i32.clz None i:i
68 i32.ctz None i:i
69 i32.popcnt None i:i
6a i32.add None ii:i
6b i32.sub None ii:i
6c i32.mul None ii:i
6d i32.div_s None ii:i
6e i32.div_u None ii:i
6f i32.rem_s None ii:i
70 i32.rem_u None ii:i
71 i32.and None ii:i
72 i32.or None ii:i
73 i32.xor None ii:i
74 i32.shl None ii:i
75 i32.shr_s None ii:i
76 i32.shr_u None ii:i
77 i32.rotl None ii:i
78 i32.rotr None ii:i
79 i64.clz None l:l
7a i64.ctz None l:l
7b i64.popcnt None l:l
7c i64.add None ll:l
7d i64.sub None ll:l
7e i64.mul None ll:l
7f i64.div_s None ll:l
80 i64.div_u None ll:l
81 i64.rem_s None ll:l
82 i64.rem_u None ll:l
83 i64.and None ll:l
84 i64.or None ll:l
85 i64.xor None ll:l
86 i64.shl None ll:l
87 i64.shr_s None ll:l
88 i64.shr_u None ll:l
89 i64.rotl None ll:l
8a i64.rotr None ll:l
8b f32.abs None f:f
8c f32.neg None f:f
8d f32.ceil None f:f
8e f32.floor None f:f
8f f32.trunc None f:f
90 f32.nearest None f:f
91 f32.sqrt None f:f
92 f32.add None ff:f
93 f32.sub None ff:f
94 f32.mul None ff:f
95 f32.div None ff:f
96 f32.min None ff:f
97 f32.max None ff:f
98 f32.copysign None ff:f
99 f64.abs None d:d
9a f64.neg None d:d
9b f64.ceil None d:d
9c f64.floor None d:d
9d f64.trunc None d:d
9e f64.nearest None d:d
9f f64.sqrt None d:d
a0 f64.add None dd:d
a1 f64.sub None dd:d
a2 f64.mul None dd:d
a3 f64.div None dd:d
a4 f64.min None dd:d
a5 f64.max None dd:d
a6 f64.copysign None dd:d
a7 i32.wrap_i64 None l:i
a8 i32.trunc_f32_s None f:i
a9 i32.trunc_f32_u None f:i
aa i32.trunc_f64_s None d:i
ab i32.trunc_f64_u None d:i
ac i64.extend_i32_s None i:l
ad i64.extend_i32_u None i:l
ae i64.trunc_f32_s None f:l
af i64.trunc_f32_u None f:l
b0 i64.trunc_f64_s None d:l
b1 i64.trunc_f64_u None d:l
b2 f32.convert_i32_s None i:f
b3 f32.convert_i32_u None i:f
b4 f32.convert_i64_s None l:f
b5 f32.convert_i64_u None l:f
b6 f32.demote_f64 None d:f
b7 f64.convert_i32_s None i:d
b8 f64.convert_i32_u None i:d
b9 f64.convert_i64_s None l:d
ba f64.convert_i64_u None l:d
bb f64.promote_f32 None f:d
bc i32.reinterpret_f32 None f:i
bd i64.reinterpret_f64 None d:l
be f32.reinterpret_i32 None i:f
bf f64.reinterpret_i64 None l:d
c0 i32.extend8_s None i:i
c1 i32.extend16_s None i:i
c2 i64.extend8_s None l:l
c3 i64.extend16_s None l:l
c4 i64.extend32_s None l:l
d0 ref.null RefNull *
d1 ref.is_null None *
d2 ref.func Func *
fc00 i32.trunc_sat_f32_s None f:i
fc01 i32.trunc_sat_f32_u None f:i
fc02 i32.trunc_sat_f64_s None d:i
fc03 i32.trunc_sat_f64_u None d:i
fc04 i64.trunc_sat_f32_s None f:l
fc05 i64.trunc_sat_f32_u None f:l
fc06 i64.trunc_sat_f64_s None d:l
fc07 i64.trunc_sat_f64_u None d:l
fc08 memory.init MemoryInit iii:
fc09 data.drop Data :
fc0a memory.copy MemoryCopy iii:
fc0b memory.fill Memory iii:
fc0c table.init TableInit iii:
fc0d elem.drop Elem :
fc0e table.copy TableCopy iii:
fc0f table.grow Table *
fc10 table.size Table :i
fc11 table.fill Table *
fd00 v128.load MemArg i:v
fd01 v128.load8x8_s MemArg i:v
fd02 v128.load8x8_u MemArg i:v
fd03 v128.load16x4_s MemArg i:v
fd04 v128.load16x4_u MemArg i:v
fd05 v128.load32x2_s MemArg i:v
fd06 v128.load32x2_u MemArg i:v
fd07 v128.load8_splat MemArg i:v
fd08 v128.load16_splat MemArg i:v
fd09 v128.load32_splat MemArg i:v
fd0a v128.load64_splat MemArg i:v
fd0b v128.store MemArg iv:
fd0c v128.const V128 :v
fd0d i8x16.shuffle Shuffle vv:v
fd0e i8x16.swizzle None vv:v
fd0f i8x16.splat None i:v
fd10 i16x8.splat None i:v
fd11 i32x4.splat None i:v
fd12 i64x2.splat None l:v
fd13 f32x4.splat None f:v
fd14 f64x2.splat None d:v
fd15 i8x16.extract_lane_s Lane v:i
fd16 i8x16.extract_lane_u Lane v:i
fd17 i8x16.replace_lane Lane vi:v
fd18 i16x8.extract_lane_s Lane v:i
fd19 i16x8.extract_lane_u Lane v:i
fd1a i16x8.replace_lane Lane vi:v
fd1b i32x4.extract_lane Lane v:i
fd1c i32x4.replace_lane Lane vi:v
fd1d i64x2.extract_lane Lane v:l
fd1e i64x2.replace_lane Lane vl:v
fd1f f32x4.extract_lane Lane v:f
fd20 f32x4.replace_lane Lane vf:v
fd21 f64x2.extract_lane Lane v:d
fd22 f64x2.replace_lane Lane vd:v
fd23 i8x16.eq None vv:v
fd24 i8x16.ne None vv:v
fd25 i8x16.lt_s None vv:v
fd26 i8x16.lt_u None vv:v
fd27 i8x16.gt_s None vv:v
fd28 i8x16.gt_u None vv:v
fd29 i8x16.le_s None vv:v
fd2a i8x16.le_u None vv:v
fd2b i8x16.ge_s None vv:v
fd2c i8x16.ge_u None vv:v
fd2d i16x8.eq None vv:v
fd2e i16x8.ne None vv:v
fd2f i16x8.lt_s None vv:v
fd30 i16x8.lt_u None vv:v
fd31 i16x8.gt_s None vv:v
fd32 i16x8.gt_u None vv:v
fd33 i16x8.le_s None vv:v
fd34 i16x8.le_u None vv:v
fd35 i16x8.ge_s None vv:v
fd36 i16x8.ge_u None vv:v
fd37 i32x4.eq None vv:v
fd38 i32x4.ne None vv:v
fd39 i32x4.lt_s None vv:v
fd3a i32x4.lt_u None vv:v
fd3b i32x4.gt_s None vv:v
fd3c i32x4.gt_u None vv:v
fd3d i32x4.le_s None vv:v
fd3e i32x4.le_u None vv:v
fd3f i32x4.ge_s None vv:v
fd40 i32x4.ge_u None vv:v
fd41 f32x4.eq None vv:v
fd42 f32x4.ne None vv:v
fd43 f32x4.lt None vv:v
fd44 f32x4.gt None vv:v
fd45 f32x4.le None vv:v
fd46 f32x4.ge None vv:v
fd47 f64x2.eq None vv:v
fd48 f64x2.ne None vv:v
fd49 f64x2.lt None vv:v
fd4a f64x2.gt None vv:v
fd4b f64x2.le None vv:v
fd4c f64x2.ge None vv:v
fd4d v128.not None v:v
fd4e v128.and None vv:v
fd4f v128.andnot None vv:v
fd50 v128.or None vv:v
fd51 v128.xor None vv:v
fd52 v128.bitselect None vvv:v
fd53 v128.any_true None v:i
fd54 v128.load8_lane MemArgLane iv:v
fd55 v128.load16_lane MemArgLane iv:v
fd56 v128.load32_lane MemArgLane iv:v
fd57 v128.load64_lane MemArgLane iv:v
fd58 v128.store8_lane MemArgLane iv:
fd59 v128.store16_lane MemArgLane iv:
fd5a v128.store32_lane MemArgLane iv:
fd5b v128.store64_lane MemArgLane iv:
fd5c v128.load32_zero MemArg i:v
fd5d v128.load64_zero MemArg i:v
fd5e f32x4.demote_f64x2_zero None v:v
fd5f f64x2.promote_low_f32x4 None v:v
fd60 i8x16.abs None v:v
fd61 i8x16.neg None v:v
fd62 i8x16.popcnt None v:v
fd63 i8x16.all_true None v:i
fd64 i8x16.bitmask None v:i
fd65 i8x16.narrow_i16x8_s None vv:v
fd66 i8x16.narrow_i16x8_u None vv:v
fd67 f32x4.ceil None v:v
fd68 f32x4.floor None v:v
fd69 f32x4.trunc None v:v
fd6a f32x4.nearest None v:v
fd6b i8x16.shl None vi:v
fd6c i8x16.shr_s None vi:v
fd6d i8x16.shr_u None vi:v
fd6e i8x16.add None vv:v
fd6f i8x16.add_sat_s None vv:v
fd70 i8x16.add_sat_u None vv:v
fd71 i8x16.sub None vv:v
fd72 i8x16.sub_sat_s None vv:v
fd73 i8x16.sub_sat_u None vv:v
fd74 f64x2.ceil None v:v
fd75 f64x2.floor None v:v
fd76 i8x16.min_s None vv:v
fd77 i8x16.min_u None vv:v
fd78 i8x16.max_s None vv:v
fd79 i8x16.max_u None vv:v
fd7a f64x2.trunc None v:v
fd7b i8x16.avgr_u None vv:v
fd7c i16x8.extadd_pairwise_i8x16_s None v:v
fd7d i16x8.extadd_pairwise_i8x16_u None v:v
fd7e i32x4.extadd_pairwise_i16x8_s None v:v
fd7f i32x4.extadd_pairwise_i16x8_u None v:v
fd80 i16x8.abs None v:v
fd81 i16x8.neg None v:v
fd82 i16x8.q15mulr_sat_s None vv:v
fd83 i16x8.all_true None v:i
fd84 i16x8.bitmask None v:i
fd85 i16x8.narrow_i32x4_s None vv:v
fd86 i16x8.narrow_i32x4_u None vv:v
fd87 i16x8.extend_low_i8x16_s None v:v
fd88 i16x8.extend_high_i8x16_s None v:v
fd89 i16x8.extend_low_i8x16_u None v:v
fd8a i16x8.extend_high_i8x16_u None v:v
fd8b i16x8.shl None vi:v
fd8c i16x8.shr_s None vi:v
fd8d i16x8.shr_u None vi:v
fd8e i16x8.add None vv:v
fd8f i16x8.add_sat_s None vv:v
fd90 i16x8.add_sat_u None vv:v
fd91 i16x8.sub None vv:v
fd92 i16x8.sub_sat_s None vv:v
fd93 i16x8.sub_sat_u None vv:v
fd94 f64x2.nearest None v:v
fd95 i16x8.mul None vv:v
fd96 i16x8.min_s None vv:v
fd97 i16x8.min_u None vv:v
fd98 i16x8.max_s None vv:v
fd99 i16x8.max_u None vv:v
fd9b i16x8.avgr_u None vv:v
fd9c i16x8.extmul_low_i8x16_s None vv:v
fd9d i16x8.extmul_high_i8x16_s None vv:v
fd9e i16x8.extmul_low_i8x16_u None vv:v
fd9f i16x8.extmul_high_i8x16_u None vv:v
fda0 i32x4.abs None v:v
fda1 i32x4.neg None v:v
fda3 i32x4.all_true None v:i
fda4 i32x4.bitmask None v:i
fda7 i32x4.extend_low_i16x8_s None v:v
fda8 i32x4.extend_high_i16x8_s None v:v
fda9 i32x4.extend_low_i16x8_u None v:v
fdaa i32x4.extend_high_i16x8_u None v:v
fdab i32x4.shl None vi:v
fdac i32x4.shr_s None vi:v
fdad i32x4.shr_u None vi:v
fdae i32x4.add None vv:v
fdb1 i32x4.sub None vv:v
fdb5 i32x4.mul None vv:v
fdb6 i32x4.min_s None vv:v
fdb7 i32x4.min_u None vv:v
fdb8 i32x4.max_s None vv:v
fdb9 i32x4.max_u None vv:v
fdba i32x4.dot_i16x8_s None vv:v
fdbc i32x4.extmul_low_i16x8_s None vv:v
fdbd i32x4.extmul_high_i16x8_s None vv:v
fdbe i32x4.extmul_low_i16x8_u None vv:v
fdbf i32x4.extmul_high_i16x8_u None vv:v
fdc0 i64x2.abs None v:v
fdc1 i64x2.neg None v:v
fdc3 i64x2.all_true None v:i
fdc4 i64x2.bitmask None v:i
fdc7 i64x2.extend_low_i32x4_s None v:v
fdc8 i64x2.extend_high_i32x4_s None v:v
fdc9 i64x2.extend_low_i32x4_u None v:v
fdca i64x2.extend_high_i32x4_u None v:v
fdcb i64x2.shl None vi:v
fdcc i64x2.shr_s None vi:v
fdcd i64x2.shr_u None vi:v
fdce i64x2.add None vv:v
fdd1 i64x2.sub None vv:v
fdd5 i64x2.mul None vv:v
fdd6 i64x2.eq None vv:v
fdd7 i64x2.ne None vv:v
fdd8 i64x2.lt_s None vv:v
fdd9 i64x2.gt_s None vv:v
fdda i64x2.le_s None vv:v
fddb i64x2.ge_s None vv:v
fddc i64x2.extmul_low_i32x4_s None vv:v
fddd i64x2.extmul_high_i32x4_s None vv:v
fdde i64x2.extmul_low_i32x4_u None vv:v
fddf i64x2.extmul_high_i32x4_u None vv:v
fde0 f32x4.abs None v:v
fde1 f32x4.neg None v:v
fde3 f32x4.sqrt None v:v
fde4 f32x4.add None vv:v
fde5 f32x4.sub None vv:v
fde6 f32x4.mul None vv:v
fde7 f32x4.div None vv:v
fde8 f32x4.min None vv:v
fde9 f32x4.max None vv:v
fdea f32x4.pmin None vv:v
fdeb f32x4.pmax None vv:v
fdec f64x2.abs None v:v
fded f64x2.neg None v:v
fdef f64x2.sqrt None v:v
fdf0 f64x2.add None vv:v
fdf1 f64x2.sub None vv:v
fdf2 f64x2.mul None vv:v
fdf3 f64x2.div None vv:v
fdf4 f64x2.min None vv:v
fdf5 f64x2.max None vv:v
fdf6 f64x2.pmin None vv:v
fdf7 f64x2.pmax None vv:v
fdf8 i32x4.trunc_sat_f32x4_s None v:v
fdf9 i32x4.trunc_sat_f32x4_u None v:v
fdfa f32x4.convert_i32x4_s None v:v
fdfb f32x4.convert_i32x4_u None v:v
fdfc i32x4.trunc_sat_f64x2_s_zero None v:v
fdfd i32x4.trunc_sat_f64x2_u_zero None v:v
fdfe f64x2.convert_low_i32x4_s None v:v
fdff f64x2.convert_low_i32x4_u None v:v
`;

const SIG_TYPES: Record<string, ValType> = { i: "i32", l: "i64", f: "f32", d: "f64", v: "v128" };

function parseTable(): Map<number, OpInfo> {
  const infos = new Map<number, OpInfo>();
  for (const line of TABLE.trim().split("\n")) {
    const [code, name, imm, sig] = line.split(" ") as [string, string, string, string];
    const [params, results] = sig === "*" ? [null, ""] : sig.split(":") as [string, string];
    infos.set(parseInt(code, 16), {
      code: parseInt(code, 16),
      name,
      imm: Imm[imm as keyof typeof Imm],
      params: params === null ? null : [...params].map((c) => SIG_TYPES[c]!),
      results: [...results].map((c) => SIG_TYPES[c]!),
    });
  }
  return infos;
}

/** Every opcode's info, keyed by code. */
export const OP_INFO: ReadonlyMap<number, OpInfo> = parseTable();

/** The text name of an opcode, or a hex code if it is unknown. */
export function opName(code: number): string {
  return OP_INFO.get(code)?.name ?? `<0x${code.toString(16)}>`;
}
