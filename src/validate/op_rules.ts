/**
 * The validator's view of the opcode table (`binary/opcodes.ts`): each row's feature, immediate
 * shape, signature, natural alignment and lane count, laid out in dense tables indexed by
 * `denseIndex(opcode)`, so the per-instruction work is a few typed-array reads.
 *
 * @module
 */

import { Feature } from "../core/features.ts";
import { HeapCode, refInfo, type ValType } from "../core/types.ts";
import { denseIndex, Imm, OP_INFO } from "../binary/opcodes.ts";

import { DENSE_SIZE } from "../binary/opcodes.ts";

/** The feature a value type depends on. */
export function valTypeFeature(t: ValType): Feature {
  switch (t) {
    case "v128":
      return Feature.Simd;
    case "externref":
    case "funcref":
      return Feature.ReferenceTypes;
    case "exnref":
      return Feature.Exceptions;
    case "i32":
    case "i64":
    case "f32":
    case "f64":
      return Feature.None;
  }
  // Typed references: a GC heap type needs GC, a non-null or concrete one typed references.
  const info = refInfo(t);
  if (info === null) return Feature.None;
  const h = info.heap;
  if (h === HeapCode.Exn || h === HeapCode.NoExn) return Feature.Exceptions;
  if (h < 0 && h !== HeapCode.Func && h !== HeapCode.Extern) return Feature.Gc;
  return Feature.FunctionReferences;
}

/** Feature of each opcode (`Feature.None` for MVP operators). */
export const OP_FEATURE: Uint32Array = new Uint32Array(DENSE_SIZE);
/** Immediate shape of each opcode. */
export const OP_IMM: Uint8Array = new Uint8Array(DENSE_SIZE);
/**
 * 1 when the validator checks the opcode's immediates (memargs, lanes, memory, table, data and
 * elem indices), 0 when there is nothing to check (none, constants): most operators skip that
 * step without going through its `switch`.
 */
export const OP_CHECK_IMM: Uint8Array = new Uint8Array(DENSE_SIZE);
/** Fixed operand types of each opcode, or null when the validator types it by hand. */
export const OP_PARAMS: (readonly ValType[] | null)[] = new Array(DENSE_SIZE).fill(null);
/** Fixed result types of each opcode, or null. */
export const OP_RESULTS: (readonly ValType[] | null)[] = new Array(DENSE_SIZE).fill(null);
/**
 * log2 of the natural alignment of each memory access (the largest alignment exponent a memarg
 * may carry).
 */
export const OP_MAX_ALIGN: Uint8Array = new Uint8Array(DENSE_SIZE);
/** Number of lanes a lane index of the opcode must stay below. */
export const OP_LANES: Uint8Array = new Uint8Array(DENSE_SIZE);

/** The immediate shapes `FuncValidator` checks for operators with a fixed signature. */
const CHECKED_IMMS: ReadonlySet<Imm> = new Set([
  Imm.MemArg,
  Imm.MemArgLane,
  Imm.Lane,
  Imm.Shuffle,
  Imm.Memory,
  Imm.MemoryCopy,
  Imm.MemoryInit,
  Imm.Data,
  Imm.Elem,
  Imm.Table,
  Imm.TableInit,
  Imm.TableCopy,
]);

/**
 * A copy of `types` as a plain (unfrozen) array of one elements kind, whatever its length. The
 * validator reads type lists at almost every instruction, and V8 (15.0) loads the elements of a
 * frozen array (the rows', function types') through its generic keyed-load stub in optimised
 * code: plain copies took 6-26% off validating, 4-14% off an eager compile (`deno task
 * bench:load --tree ../main`, two runs of 30 rounds, December 2026).
 */
export function plainTypes(types: readonly ValType[]): readonly ValType[] {
  const out: ValType[] = ["i32"];
  out.pop(); // an empty array of strings, not of small integers (another V8 shape)
  for (let i = 0; i < types.length; i++) out.push(types[i]!);
  return out;
}

for (const info of OP_INFO.values()) {
  const i = denseIndex(info.code);
  OP_FEATURE[i] = info.feature;
  OP_IMM[i] = info.imm;
  OP_CHECK_IMM[i] = CHECKED_IMMS.has(info.imm) ? 1 : 0;
  OP_PARAMS[i] = info.params === null ? null : plainTypes(info.params);
  OP_RESULTS[i] = info.params === null ? null : plainTypes(info.results);
  OP_MAX_ALIGN[i] = info.align;
  OP_LANES[i] = info.lanes;
}
