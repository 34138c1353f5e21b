/**
 * One syntactic pass over an instruction sequence (a function body or a constant expression):
 * every instruction and immediate is read, block nesting is tracked, and the sequence must close
 * with the `end` of its outermost block. Typing is the validator's job; what fails here is
 * malformed.
 *
 * @module
 */

import type { WasmFeatures } from "../core/features.ts";
import type { DecodeContext } from "./decode_context.ts";
import { Op, OP_INFO, opName } from "./opcodes.ts";

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
    if (disabled[opSlot(op)] !== 0) {
      r.fail(`illegal opcode (${opName(op)} needs a disabled feature)`, r.opPos);
    }
    switch (op) {
      case Op.Block:
      case Op.Loop:
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
        if (inFunction) ctx.usesDataIndex = true;
        break;
    }
  }
}

/** Maps an opcode as `OpReader.read()` returns it to an index in `[0, 768)`. */
function opSlot(op: number): number {
  const prefix = op >> 8;
  return prefix === 0 ? op : (prefix === 0xfc ? 256 : 512) + (op & 0xff);
}

const disabledCache = new WeakMap<WasmFeatures, Uint8Array>();

/** The opcodes that belong to a disabled proposal, as a table indexed by `opSlot`. */
function disabledOps(features: WasmFeatures): Uint8Array {
  let table = disabledCache.get(features);
  if (table === undefined) {
    table = new Uint8Array(768);
    for (const code of OP_INFO.keys()) {
      if (!opEnabled(code, features)) table[opSlot(code)] = 1;
    }
    disabledCache.set(features, table);
  }
  return table;
}

function opEnabled(code: number, f: WasmFeatures): boolean {
  if (code >> 8 === 0xfd) return f.wasmSimd;
  if (code >= 0xc0 && code <= 0xc4) return f.wasmSignExtension;
  if (code >= 0xfc00 && code <= 0xfc07) return f.wasmSaturatingFloatToInt;
  if (code >= 0xfc08 && code <= 0xfc0e) return f.wasmBulkMemory;
  switch (code) {
    case Op.SelectT:
    case Op.TableGet:
    case Op.TableSet:
    case Op.RefNull:
    case Op.RefIsNull:
    case Op.RefFunc:
    case Op.TableGrow:
    case Op.TableSize:
    case Op.TableFill:
      return f.wasmReferenceTypes;
    default:
      return true;
  }
}
