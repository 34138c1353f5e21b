/**
 * Per-opcode facts the validator needs beyond `OP_INFO`: which feature an operator belongs to,
 * the natural alignment of memory accesses and the lane count of lane operators.
 *
 * Everything is laid out in dense tables indexed by `denseIndex(opcode)`, so the per-instruction
 * work is a few typed-array reads.
 *
 * @module
 */

import type { WasmFeatures } from "../core/features.ts";
import type { ValType } from "../core/types.ts";
import { Imm, Op, OP_INFO } from "../binary/opcodes.ts";

/** Size of the dense opcode space: single-byte, `0xFC n` and `0xFD n` opcodes. */
const DENSE_SIZE = 768;

/**
 * Maps an opcode as `OpReader.read()` returns it to an index in `[0, 768)`.
 * `OpReader` only returns prefixed opcodes with a sub-opcode below 256.
 */
export function denseIndex(op: number): number {
  const prefix = op >> 8;
  return prefix === 0 ? op : prefix === 0xfc ? 256 + (op & 0xff) : 512 + (op & 0xff);
}

/** A feature an operator or type depends on, as one bit, so a set of them is one integer. */
export const enum Feature {
  None = 0,
  SignExtension = 1,
  SaturatingFloatToInt = 2,
  BulkMemory = 4,
  ReferenceTypes = 8,
  Simd = 16,
  MultiValue = 32,
  MutableGlobal = 64,
}

/** The wording for a disabled feature, after wasmparser's "... support is not enabled". */
export function featureMessage(feature: Feature): string {
  switch (feature) {
    case Feature.SignExtension:
      return "sign extension operations support is not enabled";
    case Feature.SaturatingFloatToInt:
      return "saturating float to int conversions support is not enabled";
    case Feature.BulkMemory:
      return "bulk memory support is not enabled";
    case Feature.ReferenceTypes:
      return "reference types support is not enabled";
    case Feature.Simd:
      return "SIMD support is not enabled";
    case Feature.MultiValue:
      return "multi-value support is not enabled";
    case Feature.MutableGlobal:
      return "mutable global support is not enabled";
    default:
      return "feature is not enabled";
  }
}

/** The set of features `features` turns off, as `Feature` bits. */
export function disabledFeatures(features: WasmFeatures): number {
  let off = 0;
  if (!features.wasmSignExtension) off |= Feature.SignExtension;
  if (!features.wasmSaturatingFloatToInt) off |= Feature.SaturatingFloatToInt;
  if (!features.wasmBulkMemory) off |= Feature.BulkMemory;
  if (!features.wasmReferenceTypes) off |= Feature.ReferenceTypes;
  if (!features.wasmSimd) off |= Feature.Simd;
  if (!features.wasmMultiValue) off |= Feature.MultiValue;
  if (!features.wasmMutableGlobal) off |= Feature.MutableGlobal;
  return off;
}

/** The feature a value type depends on. */
export function valTypeFeature(t: ValType): Feature {
  switch (t) {
    case "v128":
      return Feature.Simd;
    case "externref":
    case "funcref":
      return Feature.ReferenceTypes;
    default:
      return Feature.None;
  }
}

/** Feature of each opcode (`Feature.None` for MVP operators). */
export const OP_FEATURE: Uint8Array = new Uint8Array(DENSE_SIZE);
/** Immediate shape of each opcode. */
export const OP_IMM: Uint8Array = new Uint8Array(DENSE_SIZE);
/** Fixed operand types of each opcode, or null when the validator types it by hand. */
export const OP_PARAMS: (readonly ValType[] | null)[] = new Array(DENSE_SIZE).fill(null);
/** Fixed result type of each opcode (none of them has more than one), or null. */
export const OP_RESULT: (ValType | null)[] = new Array(DENSE_SIZE).fill(null);
/**
 * log2 of the natural alignment of each memory access (the largest alignment exponent a memarg
 * may carry).
 */
export const OP_MAX_ALIGN: Uint8Array = new Uint8Array(DENSE_SIZE);
/** Number of lanes a lane index of the opcode must stay below. */
export const OP_LANES: Uint8Array = new Uint8Array(DENSE_SIZE);

const REF_TYPES_OPS: readonly number[] = [
  Op.SelectT,
  Op.TableGet,
  Op.TableSet,
  Op.RefNull,
  Op.RefIsNull,
  Op.RefFunc,
  Op.TableGrow,
  Op.TableSize,
  Op.TableFill,
];

function opFeature(code: number): Feature {
  if (code >= 0xfd00) return Feature.Simd;
  if (code >= 0xfc00) {
    if (code <= 0xfc07) return Feature.SaturatingFloatToInt;
    if (code <= 0xfc0e) return Feature.BulkMemory;
    return Feature.ReferenceTypes;
  }
  if (code >= 0xc0 && code <= 0xc4) return Feature.SignExtension;
  return REF_TYPES_OPS.includes(code) ? Feature.ReferenceTypes : Feature.None;
}

/** Access width in bytes, from the text name: the memory operators spell it out. */
function accessBytes(name: string, result: ValType | null, params: readonly ValType[]): number {
  const m = /^v128\.load(\d+)x(\d+)_/.exec(name);
  if (m) return (Number(m[1]) * Number(m[2])) / 8;
  const sized = /(?:load|store)(\d+)(?:_|$)/.exec(name);
  if (sized) return Number(sized[1]) / 8;
  // Plain `t.load` / `t.store`: the width of the loaded or stored type.
  const t = result ?? params[params.length - 1]!;
  return t === "i32" || t === "f32" ? 4 : t === "v128" ? 16 : 8;
}

function laneCount(name: string): number {
  const shape = /^[if](\d+)x(\d+)\./.exec(name);
  if (shape) return Number(shape[2]);
  const lane = /^v128\.(?:load|store)(\d+)_lane$/.exec(name);
  return lane ? 128 / Number(lane[1]) : 0;
}

for (const info of OP_INFO.values()) {
  const i = denseIndex(info.code);
  OP_FEATURE[i] = opFeature(info.code);
  OP_IMM[i] = info.imm;
  OP_PARAMS[i] = info.params;
  OP_RESULT[i] = info.params === null ? null : info.results[0] ?? null;
  if (info.imm === Imm.MemArg || info.imm === Imm.MemArgLane) {
    OP_MAX_ALIGN[i] = Math.log2(accessBytes(info.name, OP_RESULT[i] ?? null, info.params ?? []));
  }
  if (info.imm === Imm.Lane || info.imm === Imm.MemArgLane) OP_LANES[i] = laneCount(info.name);
  if (info.results.length > 1) throw new Error(`${info.name}: more than one fixed result`);
}
