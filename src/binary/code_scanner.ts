/**
 * One syntactic pass over an instruction sequence (a function body or a constant expression):
 * every instruction and immediate is read, block nesting is tracked, and the sequence must close
 * with the `end` of its outermost block. Typing is the validator's job; what fails here is
 * malformed.
 *
 * @module
 */

import { disabledFeatures, type WasmFeatures } from "../core/features.ts";
import type { DecodeContext } from "./decode_context.ts";
import { DENSE_SIZE, denseIndex, Op, OP_INFO, opName } from "./opcodes.ts";

const KIND_BLOCK = 0;
const KIND_IF = 1;
const KIND_ELSE = 2;

/**
 * Reads instructions up to and including the `end` that closes the sequence, leaving the reader
 * just after it.
 *
 * @param ctx the module being decoded
 * @param inFunction whether this is a function body (its data segment uses are recorded)
 */
export function scanInstructions(ctx: DecodeContext, inFunction: boolean): void {
  const r = ctx.reader;
  const disabled = disabledOps(ctx.features);
  const refTypes = ctx.features.wasmReferenceTypes;
  // Kinds of the open blocks inside the sequence; the sequence itself is not on it.
  const open: number[] = [];
  for (;;) {
    const op = r.read();
    if (disabled[denseIndex(op)] !== 0) {
      r.fail(`illegal opcode (${opName(op)} needs a disabled feature)`, r.opPos);
    }
    switch (op) {
      case Op.Block:
      case Op.Loop:
      case Op.TryTable:
        open.push(KIND_BLOCK);
        break;
      case Op.If:
        open.push(KIND_IF);
        break;
      case Op.Else:
        // `else` ends an if's first arm; anywhere else the enclosing block needed its `end`.
        if (open.length === 0 || open[open.length - 1] !== KIND_IF) {
          r.fail("END opcode expected", r.opPos);
        }
        open[open.length - 1] = KIND_ELSE;
        break;
      case Op.End:
        if (open.length === 0) return;
        open.pop();
        break;
      case Op.CallIndirect:
        if (!refTypes && r.index2 !== 0) r.fail("zero byte expected", r.opPos);
        break;
      case Op.MemoryInit:
      case Op.DataDrop:
      case Op.ArrayNewData:
      case Op.ArrayInitData:
        if (inFunction) ctx.usesDataIndex = true;
        break;
    }
  }
}

const disabledCache = new WeakMap<WasmFeatures, Uint8Array>();

/** The opcodes whose feature `features` turns off, as a table indexed by `denseIndex`. */
function disabledOps(features: WasmFeatures): Uint8Array {
  let table = disabledCache.get(features);
  if (table === undefined) {
    const off = disabledFeatures(features);
    table = new Uint8Array(DENSE_SIZE);
    for (const info of OP_INFO.values()) {
      if ((info.feature & off) !== 0) table[denseIndex(info.code)] = 1;
    }
    disabledCache.set(features, table);
  }
  return table;
}
