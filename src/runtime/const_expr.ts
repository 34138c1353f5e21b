/**
 * Evaluation of constant expressions (global initialisers, segment offsets and element items)
 * at instantiation, straight from the module's bytes.
 *
 * @module
 */

import { InstantiationError } from "../core/errors.ts";
import type { ConstExpr } from "../binary/module.ts";
import { Op, opName } from "../binary/opcodes.ts";
import { OpReader } from "../binary/op_reader.ts";
import { type InstanceEntity, NULL_REF, SLOT_WORDS } from "../engine/entities.ts";
import {
  arrayNew,
  arrayNewDefault,
  arrayNewFixed,
  gcType,
  structNew,
  structNewDefault,
} from "../engine/gc.ts";

/** Slots for `n` operands (at least one result). */
function scratch(n: number): Int32Array {
  return new Int32Array(Math.max(n, 1) * SLOT_WORDS);
}

function i64Of(slot: Int32Array): bigint {
  return (BigInt(slot[1]!) << 32n) | BigInt(slot[0]! >>> 0);
}

function setI64(slot: Int32Array, v: bigint): void {
  slot[0] = Number(BigInt.asIntN(32, v));
  slot[1] = Number(BigInt.asIntN(32, v >> 32n));
}

/**
 * Evaluates `expr` in `instance` (whose functions and the globals it may read already exist) and
 * returns its value as one slot's words. Supports the Wasm 2.0 constant instructions and the
 * extended-const proposal's `i32`/`i64` `add`, `sub` and `mul`; validation has checked the rest.
 */
export function evalConstExpr(instance: InstanceEntity, expr: ConstExpr): Int32Array {
  const r = new OpReader(instance.module.bytes, expr.start, expr.end);
  // Validation has checked the features; the reader only needs to read every immediate.
  r.configure(
    { wasmMultiMemory: true, wasmMemory64: true, wasmFunctionReferences: true, wasmGc: true },
    instance.module.typeIds,
  );
  const stack: Int32Array[] = [];
  const pop = (): Int32Array => {
    const slot = stack.pop();
    if (slot === undefined) throw new InstantiationError("Constant expression underflows");
    return slot;
  };
  for (;;) {
    const op = r.read();
    const slot = new Int32Array(SLOT_WORDS);
    switch (op) {
      case Op.End: {
        const result = pop();
        if (stack.length !== 0) throw new InstantiationError("Constant expression leaves values");
        return result;
      }
      case Op.I32Const:
        slot[0] = r.i32;
        break;
      case Op.I64Const:
        slot[0] = r.i64Lo;
        slot[1] = r.i64Hi;
        break;
      case Op.F32Const:
        slot[0] = r.f32Bits;
        break;
      case Op.F64Const:
        slot[0] = r.f64Lo;
        slot[1] = r.f64Hi;
        break;
      case Op.V128Const:
        new Uint8Array(slot.buffer).set(r.v128);
        break;
      case Op.RefNull:
        slot[0] = NULL_REF;
        break;
      case Op.RefFunc:
        slot[0] = instance.funcs[r.index]!.id;
        break;
      case Op.GlobalGet:
        slot.set(instance.globals[r.index]!.value);
        break;
      case Op.I32Add:
      case Op.I32Sub:
      case Op.I32Mul: {
        const b = pop()[0]!, a = pop()[0]!;
        slot[0] = op === Op.I32Add ? a + b : op === Op.I32Sub ? a - b : Math.imul(a, b);
        break;
      }
      case Op.I64Add:
      case Op.I64Sub:
      case Op.I64Mul: {
        const b = i64Of(pop()), a = i64Of(pop());
        setI64(slot, op === Op.I64Add ? a + b : op === Op.I64Sub ? a - b : a * b);
        break;
      }
      // GC: the allocations run the instructions' own semantics on a scratch stack of slots.
      case Op.StructNew:
      case Op.ArrayNewFixed: {
        const type = gcType(instance.module.typeIds[r.index]!);
        const n = op === Op.StructNew ? type.storage.length : r.index2;
        const s32 = scratch(n);
        for (let i = n - 1; i >= 0; i--) s32.set(pop(), i * SLOT_WORDS);
        if (op === Op.StructNew) structNew(instance.store, type, s32, 0, 0, null);
        else arrayNewFixed(instance.store, type, s32, 0, n, 0, null);
        slot[0] = s32[0]!;
        break;
      }
      case Op.StructNewDefault: {
        const s32 = scratch(1);
        structNewDefault(instance.store, gcType(instance.module.typeIds[r.index]!), s32, 0, null);
        slot[0] = s32[0]!;
        break;
      }
      case Op.ArrayNew:
      case Op.ArrayNewDefault: {
        const type = gcType(instance.module.typeIds[r.index]!);
        const n = pop()[0]!;
        const s32 = scratch(1);
        if (op === Op.ArrayNew) {
          s32.set(pop());
          arrayNew(instance.store, type, s32, 0, 0, n, null);
        } else arrayNewDefault(instance.store, type, s32, 0, n, null);
        slot[0] = s32[0]!;
        break;
      }
      case Op.RefI31:
        slot[0] = (pop()[0]! << 1) | 1;
        break;
      case Op.AnyConvertExtern:
      case Op.ExternConvertAny:
        // One handle space for both hierarchies (see engine/gc.ts).
        slot.set(pop());
        break;
      default:
        throw new InstantiationError(`Not a constant instruction: ${opName(op)}`);
    }
    stack.push(slot);
  }
}
