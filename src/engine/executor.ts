/**
 * The executor: one synchronous dispatch loop over the internal code (`isa.ts`).
 *
 * The hot state (pc, frame base, code, the value-stack views, the current instance's globals and
 * memory view) lives in local variables; it is written back to the `ExecStack` only on calls,
 * returns, host calls and traps. Wasm→Wasm calls push a frame on the explicit call stack and
 * never recurse into JavaScript; the callee's frame starts at the caller's first argument slot,
 * so arguments are never copied and results land where the caller expects them.
 *
 * `case` labels are literal numbers (V8 compiles only literal labels into a jump table); each
 * names its instruction in a comment, and `tests/engine/isa_test.ts` checks them against `ISA`.
 * Index arithmetic is written `(fp + code[(pc + 1) | 0]) | 0`: the `| 0` tells V8 the sums are
 * int32, which drops an overflow check per operand (measured: 15-25% on tight loops).
 *
 * `run` stops without finishing when a fuel charge cannot be paid or a host function returns a
 * Promise; the stack then holds everything needed to continue (`RunStatus`). Fuel is read from
 * and written to `store.fuel` once per charge (`ConsumeFuel` starts each fuel segment).
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";
import {
  f32ConvertI64S,
  f32ConvertI64U,
  f64AbsBits,
  f64ConvertI64S,
  f64ConvertI64U,
  f64CopysignBits,
  f64Nearest,
  f64NegBits,
  i32Ctz,
  i32DivS,
  i32DivU,
  i32Popcnt,
  i32RemS,
  i32RemU,
  i32Rotl,
  i32Rotr,
  i32TruncF32S,
  i32TruncF32U,
  i32TruncF64S,
  i32TruncF64U,
  i32TruncSatF32S,
  i32TruncSatF32U,
  i32TruncSatF64S,
  i32TruncSatF64U,
  i64Add,
  i64AddImm,
  i64And,
  i64AndImm,
  i64Clz,
  i64Ctz,
  i64DivS,
  i64DivU,
  i64Eq,
  i64EqImm,
  i64Eqz,
  i64Extend16S,
  i64Extend32S,
  i64Extend8S,
  i64ExtendI32S,
  i64ExtendI32U,
  i64GeS,
  i64GeSImm,
  i64GeU,
  i64GeUImm,
  i64GtS,
  i64GtSImm,
  i64GtU,
  i64GtUImm,
  i64LeS,
  i64LeSImm,
  i64LeU,
  i64LeUImm,
  i64LtS,
  i64LtSImm,
  i64LtU,
  i64LtUImm,
  i64Mul,
  i64MulImm,
  i64Ne,
  i64NeImm,
  i64Or,
  i64OrImm,
  i64Popcnt,
  i64RemS,
  i64RemU,
  i64Rotl,
  i64RotlImm,
  i64Rotr,
  i64RotrImm,
  i64Shl,
  i64ShlImm,
  i64ShrS,
  i64ShrSImm,
  i64ShrU,
  i64ShrUImm,
  i64Sub,
  i64TruncF32S,
  i64TruncF32U,
  i64TruncF64S,
  i64TruncF64U,
  i64TruncSatF32S,
  i64TruncSatF32U,
  i64TruncSatF64S,
  i64TruncSatF64U,
  i64Xor,
  i64XorImm,
} from "../core/num/mod.ts";
// Not Math.min/max: optimised V8 code turns a canonical NaN argument into a non-canonical one.
import { fMax, fMin } from "../core/num/float.ts";
import {
  dataDrop,
  elemDrop,
  GROW_OUT_OF_FUEL,
  memoryCopy,
  memoryFill,
  memoryGrow,
  memoryInit,
  tableCopy,
  tableFill,
  tableGet,
  tableGrow,
  tableInit,
  tableSet,
} from "./bulk_ops.ts";
import type { CompiledFunc } from "./code_map.ts";
import {
  type FuncEntity,
  type HostFuncEntity,
  type InstanceEntity,
  type MemoryEntity,
  PAGE_SIZE,
  type StoreInner,
  type WasmFuncEntity,
} from "./entities.ts";
import { type BulkFuel, refillFuel } from "./fuel.ts";
import { I } from "./isa.ts";
import {
  simdBinary,
  simdExtractLane,
  simdReplaceLane,
  simdShuffle,
  simdTernary,
  simdUnary,
} from "./simd.ts";
import { simdLoad, simdLoadLane, simdStore, simdStoreLane } from "./simd_mem.ts";
import type { ExecStack } from "./stack.ts";

/** What the executor needs from the engine: translation on first call, bulk fuel prices. */
export interface Compiler {
  /** The compiled body of `func`, translating it if needed. */
  compile(func: WasmFuncEntity): CompiledFunc;
  /** The per-byte/element charges of bulk operations, or null when fuel is not metered. */
  readonly bulkFuel: BulkFuel | null;
}

/** How `run` ended: one of the constants below. */
export type RunStatus = number;
/** The base frame returned: its results are in the first slots of its frame. */
export const DONE: RunStatus = 0;
/**
 * A fuel charge could not be paid (`st.requiredFuel` says how much it needs). The innermost
 * frame's saved pc is the charging instruction, so running again retries the charge.
 */
export const OUT_OF_FUEL: RunStatus = 1;
/**
 * The host function `st.host` returned a Promise (`st.pending`), which writes its results to
 * the slots at `st.hostBase` when it settles; run again after that.
 */
export const HOST_AWAIT: RunStatus = 2;

const OP_RETURN_SLOT = I.ReturnSlot;
const OP_CALL = I.Call;
const OP_CONSUME_FUEL = I.ConsumeFuel;
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * `x`, or the canonical NaN if `x` is a NaN: rounding a signalling NaN must give a quiet one,
 * and `Math.floor` & co. return a NaN argument unchanged.
 */
function quiet(x: number): number {
  return x === x ? x : NaN;
}

function trap(code: TrapCode): Trap {
  return new Trap(code);
}

/** The callee of `call_indirect`, after the table, null and signature checks. */
function indirectCallee(
  store: StoreInner,
  inst: InstanceEntity,
  typeIndex: number,
  tableIndex: number,
  i: number,
): FuncEntity {
  const table = inst.tables[tableIndex]!;
  // The spec words these two with the element index in view: "undefined element" for an index
  // past the table's end (wasmi's code: TableOutOfBounds), "uninitialized element N" for null.
  if (i >>> 0 >= table.size) throw new Trap(TrapCode.TableOutOfBounds, "undefined element");
  const handle = table.elements[i >>> 0]!;
  if (handle === 0) {
    throw new Trap(TrapCode.IndirectCallToNull, `uninitialized element ${i >>> 0}`);
  }
  const callee = store.funcs[handle]!;
  if (callee.typeId !== inst.typeIds[typeIndex]) throw trap(TrapCode.BadSignature);
  return callee;
}

/**
 * A fuel charge of `cost` could not be paid: refills from a fuel slice's reserve if there is one
 * and this call does not yield (see `fuel.ts`). Returns true when the caller must stop with
 * `OUT_OF_FUEL` (`st.requiredFuel` set), false to retry the charge.
 */
function outOfFuel(store: StoreInner, st: ExecStack, cost: number): boolean {
  if (!st.yields && refillFuel(store, cost)) return false;
  st.requiredFuel = cost;
  return true;
}

/**
 * Calls host function `func` with its parameters and results in the slots at `base` of `st`.
 * While it runs `st.host` names it, so an error that escapes `run` is known to be the host
 * function's. Returns its Promise if it returned one (`st.host` then stays set).
 */
function callHost(
  func: HostFuncEntity,
  caller: InstanceEntity,
  st: ExecStack,
  base: number,
): Promise<void> | undefined {
  st.host = func;
  st.hostBase = base;
  const pending = func.invoke(caller, st.s32, base);
  if (pending !== undefined) {
    st.pending = pending;
    return pending;
  }
  st.host = null;
  return undefined;
}

/**
 * Runs the frame `st.depth` of `st` (set up by the caller: frame base, pc and function) until
 * the frame at `baseDepth` returns (`DONE`: its results are then in the first slots of its
 * frame), or until it must stop (`OUT_OF_FUEL`, `HOST_AWAIT`; calling `run` again continues).
 * Throws `Trap`s (and host errors) with `st.depth` naming the frame that was executing: the loop
 * keeps `st.depth` current on every call and return rather than catching (a `try` around the
 * loop makes V8's code for it several times slower on call-heavy code).
 */
export function run(
  compiler: Compiler,
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
): RunStatus {
  const bulkFuel = compiler.bulkFuel;
  let depth = st.depth;
  let frames = st.frames;
  const funcs = st.funcs;
  let fp = frames[2 * depth]!;
  let pc = frames[2 * depth + 1]!;
  let code = funcs[depth]!.compiled!.code;
  let inst = funcs[depth]!.instance;
  let globals = inst.globals;
  let mem: MemoryEntity | null = inst.memories[0] ?? null;
  let mview = mem !== null ? mem.view : EMPTY_VIEW;
  let memLen = mview.byteLength;
  let s32 = st.s32;
  let f32 = st.f32;
  let f64 = st.f64;
  for (;;) {
    switch (code[pc]) {
      case 0: // Unreachable
        throw trap(TrapCode.UnreachableCodeReached);
      case 1: // Br
        pc = code[(pc + 1) | 0];
        break;
      case 2: // BrIfNez
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] !== 0 ? code[(pc + 2) | 0] : pc + 3;
        break;
      case 3: // BrIfEqz
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] === 0 ? code[(pc + 2) | 0] : pc + 3;
        break;
      case 4: // BrIfI64Nez
      {
        const a = (fp + code[(pc + 1) | 0]) | 0;
        pc = (s32[a] | s32[a + 1]) !== 0 ? code[(pc + 2) | 0] : pc + 3;
        break;
      }
      case 5: // BrIfI64Eqz
      {
        const a = (fp + code[(pc + 1) | 0]) | 0;
        pc = (s32[a] | s32[a + 1]) === 0 ? code[(pc + 2) | 0] : pc + 3;
        break;
      }
      case 6: // BrIfI32Eq
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] === s32[(fp + code[(pc + 2) | 0]) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 7: // BrIfI32Ne
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] !== s32[(fp + code[(pc + 2) | 0]) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 8: // BrIfI32LtS
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] < s32[(fp + code[(pc + 2) | 0]) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 9: // BrIfI32LtU
        pc = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) < (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0)
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 10: // BrIfI32GtS
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] > s32[(fp + code[(pc + 2) | 0]) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 11: // BrIfI32GtU
        pc = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) > (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0)
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 12: // BrIfI32LeS
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] <= s32[(fp + code[(pc + 2) | 0]) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 13: // BrIfI32LeU
        pc =
          (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) <= (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0)
            ? code[(pc + 3) | 0]
            : pc + 4;
        break;
      case 14: // BrIfI32GeS
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] >= s32[(fp + code[(pc + 2) | 0]) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 15: // BrIfI32GeU
        pc =
          (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) >= (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0)
            ? code[(pc + 3) | 0]
            : pc + 4;
        break;
      case 16: // BrIfI32EqImm
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] === code[(pc + 2) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 17: // BrIfI32NeImm
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] !== code[(pc + 2) | 0]
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 18: // BrIfI32LtSImm
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] < code[(pc + 2) | 0] ? code[(pc + 3) | 0] : pc + 4;
        break;
      case 19: // BrIfI32LtUImm
        pc = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) < (code[(pc + 2) | 0] >>> 0)
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 20: // BrIfI32GtSImm
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] > code[(pc + 2) | 0] ? code[(pc + 3) | 0] : pc + 4;
        break;
      case 21: // BrIfI32GtUImm
        pc = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) > (code[(pc + 2) | 0] >>> 0)
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 22: // BrIfI32LeSImm
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] <= code[(pc + 2) | 0] ? code[(pc + 3) | 0] : pc + 4;
        break;
      case 23: // BrIfI32LeUImm
        pc = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) <= (code[(pc + 2) | 0] >>> 0)
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 24: // BrIfI32GeSImm
        pc = s32[(fp + code[(pc + 1) | 0]) | 0] >= code[(pc + 2) | 0] ? code[(pc + 3) | 0] : pc + 4;
        break;
      case 25: // BrIfI32GeUImm
        pc = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) >= (code[(pc + 2) | 0] >>> 0)
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 26: // BrIfI64Eq
        pc = i64Eq(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 27: // BrIfI64Ne
        pc = i64Ne(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 28: // BrIfI64LtS
        pc = i64LtS(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 29: // BrIfI64LtU
        pc = i64LtU(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 30: // BrIfI64GtS
        pc = i64GtS(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 31: // BrIfI64GtU
        pc = i64GtU(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 32: // BrIfI64LeS
        pc = i64LeS(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 33: // BrIfI64LeU
        pc = i64LeU(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 34: // BrIfI64GeS
        pc = i64GeS(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 35: // BrIfI64GeU
        pc = i64GeU(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0) !== 0
          ? code[(pc + 3) | 0]
          : pc + 4;
        break;
      case 36: // BrIfI64EqImm
        pc =
          i64EqImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !== 0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 37: // BrIfI64NeImm
        pc =
          i64NeImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !== 0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 38: // BrIfI64LtSImm
        pc =
          i64LtSImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 39: // BrIfI64LtUImm
        pc =
          i64LtUImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 40: // BrIfI64GtSImm
        pc =
          i64GtSImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 41: // BrIfI64GtUImm
        pc =
          i64GtUImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 42: // BrIfI64LeSImm
        pc =
          i64LeSImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 43: // BrIfI64LeUImm
        pc =
          i64LeUImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 44: // BrIfI64GeSImm
        pc =
          i64GeSImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 45: // BrIfI64GeUImm
        pc =
          i64GeUImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0]) !==
              0
            ? code[(pc + 4) | 0]
            : pc + 5;
        break;
      case 46: // BrTable
      {
        const n = code[(pc + 2) | 0];
        const i = s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0;
        pc = code[pc + 3 + (i < n ? i : n)];
        break;
      }
      case 51: // Copy
        {
          const d = fp + code[(pc + 1) | 0], a = (fp + code[(pc + 2) | 0]) | 0;
          s32[d] = s32[a];
          s32[d + 1] = s32[a + 1];
        }
        pc = (pc + 3) | 0;
        break;
      case 52: // ConstI32
        s32[(fp + code[(pc + 1) | 0]) | 0] = code[(pc + 2) | 0];
        pc = (pc + 3) | 0;
        break;
      case 53: // ConstI64
        {
          const d = (fp + code[(pc + 1) | 0]) | 0;
          s32[d] = code[(pc + 2) | 0];
          s32[d + 1] = code[(pc + 3) | 0];
        }
        pc = (pc + 4) | 0;
        break;
      case 54: // Select
        {
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const a = fp +
            (s32[(fp + code[(pc + 2) | 0]) | 0] !== 0 ? code[(pc + 3) | 0] : code[(pc + 4) | 0]);
          s32[d] = s32[a];
          s32[d + 1] = s32[a + 1];
        }
        pc = (pc + 5) | 0;
        break;
      case 55: // GlobalGet
        {
          const g = globals[code[(pc + 2) | 0]].value;
          const d = (fp + code[(pc + 1) | 0]) | 0;
          s32[d] = g[0];
          s32[d + 1] = g[1];
        }
        pc = (pc + 3) | 0;
        break;
      case 56: // GlobalSet
        {
          const g = globals[code[(pc + 1) | 0]].value;
          const a = (fp + code[(pc + 2) | 0]) | 0;
          g[0] = s32[a];
          g[1] = s32[a + 1];
        }
        pc = (pc + 3) | 0;
        break;
      case 57: // RefFunc
        s32[(fp + code[(pc + 1) | 0]) | 0] = inst.funcs[code[(pc + 2) | 0]].id;
        pc = (pc + 3) | 0;
        break;
      case 58: // I32Eqz
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] === 0 ? 1 : 0;
        pc = (pc + 3) | 0;
        break;
      case 59: // I32Eq
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] === s32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 60: // I32Ne
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] !== s32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 61: // I32LtS
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] < s32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 62: // I32LtU
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) < (s32[(fp + code[(pc + 3) | 0]) | 0] >>> 0)
            ? 1
            : 0;
        pc = (pc + 4) | 0;
        break;
      case 63: // I32GtS
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] > s32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 64: // I32GtU
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) > (s32[(fp + code[(pc + 3) | 0]) | 0] >>> 0)
            ? 1
            : 0;
        pc = (pc + 4) | 0;
        break;
      case 65: // I32LeS
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] <= s32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 66: // I32LeU
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) <= (s32[(fp + code[(pc + 3) | 0]) | 0] >>> 0)
            ? 1
            : 0;
        pc = (pc + 4) | 0;
        break;
      case 67: // I32GeS
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] >= s32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 68: // I32GeU
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) >= (s32[(fp + code[(pc + 3) | 0]) | 0] >>> 0)
            ? 1
            : 0;
        pc = (pc + 4) | 0;
        break;
      case 69: // I32EqImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] === code[(pc + 3) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 70: // I32NeImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] !== code[(pc + 3) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 71: // I32LtSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] < code[(pc + 3) | 0]
          ? 1
          : 0;
        pc = (pc + 4) | 0;
        break;
      case 72: // I32LtUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) < (code[(pc + 3) | 0] >>> 0) ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 73: // I32GtSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] > code[(pc + 3) | 0]
          ? 1
          : 0;
        pc = (pc + 4) | 0;
        break;
      case 74: // I32GtUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) > (code[(pc + 3) | 0] >>> 0) ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 75: // I32LeSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] <= code[(pc + 3) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 76: // I32LeUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) <= (code[(pc + 3) | 0] >>> 0) ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 77: // I32GeSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          s32[(fp + code[(pc + 2) | 0]) | 0] >= code[(pc + 3) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 78: // I32GeUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) >= (code[(pc + 3) | 0] >>> 0) ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 79: // I32Clz
        s32[(fp + code[(pc + 1) | 0]) | 0] = Math.clz32(s32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 80: // I32Ctz
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32Ctz(s32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 81: // I32Popcnt
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32Popcnt(s32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 82: // I32Extend8S
        s32[(fp + code[(pc + 1) | 0]) | 0] = (s32[(fp + code[(pc + 2) | 0]) | 0] << 24) >> 24;
        pc = (pc + 3) | 0;
        break;
      case 83: // I32Extend16S
        s32[(fp + code[(pc + 1) | 0]) | 0] = (s32[(fp + code[(pc + 2) | 0]) | 0] << 16) >> 16;
        pc = (pc + 3) | 0;
        break;
      case 84: // I32Add
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] + s32[(fp + code[(pc + 3) | 0]) | 0]) | 0;
        pc = (pc + 4) | 0;
        break;
      case 85: // I32Sub
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] - s32[(fp + code[(pc + 3) | 0]) | 0]) | 0;
        pc = (pc + 4) | 0;
        break;
      case 86: // I32Mul
        s32[(fp + code[(pc + 1) | 0]) | 0] = Math.imul(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 87: // I32DivS
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32DivS(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 88: // I32DivU
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32DivU(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 89: // I32RemS
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32RemS(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 90: // I32RemU
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32RemU(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 91: // I32And
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] &
          s32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 92: // I32Or
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] |
          s32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 93: // I32Xor
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] ^
          s32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 94: // I32Shl
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] <<
          s32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 95: // I32ShrS
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] >>
          s32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 96: // I32ShrU
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> s32[(fp + code[(pc + 3) | 0]) | 0]) | 0;
        pc = (pc + 4) | 0;
        break;
      case 97: // I32Rotl
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32Rotl(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 98: // I32Rotr
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32Rotr(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 99: // I32AddImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] + code[(pc + 3) | 0]) | 0;
        pc = (pc + 4) | 0;
        break;
      case 100: // I32MulImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = Math.imul(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 101: // I32AndImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] &
          code[(pc + 3) | 0];
        pc = (pc + 4) | 0;
        break;
      case 102: // I32OrImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] |
          code[(pc + 3) | 0];
        pc = (pc + 4) | 0;
        break;
      case 103: // I32XorImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] ^
          code[(pc + 3) | 0];
        pc = (pc + 4) | 0;
        break;
      case 104: // I32ShlImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] <<
          code[(pc + 3) | 0];
        pc = (pc + 4) | 0;
        break;
      case 105: // I32ShrSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] >>
          code[(pc + 3) | 0];
        pc = (pc + 4) | 0;
        break;
      case 106: // I32ShrUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          (s32[(fp + code[(pc + 2) | 0]) | 0] >>> code[(pc + 3) | 0]) | 0;
        pc = (pc + 4) | 0;
        break;
      case 107: // I32RotlImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32Rotl(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 108: // I32RotrImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32Rotr(
          s32[(fp + code[(pc + 2) | 0]) | 0],
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 109: // I64Eqz
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64Eqz(s32, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 110: // I64Eq
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64Eq(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 111: // I64Ne
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64Ne(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 112: // I64LtS
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LtS(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 113: // I64LtU
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LtU(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 114: // I64GtS
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GtS(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 115: // I64GtU
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GtU(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 116: // I64LeS
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LeS(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 117: // I64LeU
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LeU(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 118: // I64GeS
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GeS(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 119: // I64GeU
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GeU(
          s32,
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 120: // I64EqImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64EqImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 121: // I64NeImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64NeImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 122: // I64LtSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LtSImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 123: // I64LtUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LtUImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 124: // I64GtSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GtSImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 125: // I64GtUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GtUImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 126: // I64LeSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LeSImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 127: // I64LeUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64LeUImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 128: // I64GeSImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GeSImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 129: // I64GeUImm
        s32[(fp + code[(pc + 1) | 0]) | 0] = i64GeUImm(
          s32,
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 130: // I64Clz
        i64Clz(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 131: // I64Ctz
        i64Ctz(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 132: // I64Popcnt
        i64Popcnt(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 133: // I64Extend8S
        i64Extend8S(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 134: // I64Extend16S
        i64Extend16S(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 135: // I64Extend32S
        i64Extend32S(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 136: // I64ExtendI32S
        i64ExtendI32S(s32, (fp + code[(pc + 1) | 0]) | 0, s32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 137: // I64ExtendI32U
        i64ExtendI32U(s32, (fp + code[(pc + 1) | 0]) | 0, s32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 138: // I64Add
        i64Add(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 139: // I64Sub
        i64Sub(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 140: // I64Mul
        i64Mul(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 141: // I64DivS
        i64DivS(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 142: // I64DivU
        i64DivU(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 143: // I64RemS
        i64RemS(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 144: // I64RemU
        i64RemU(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 145: // I64And
        i64And(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 146: // I64Or
        i64Or(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 147: // I64Xor
        i64Xor(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 148: // I64Shl
        i64Shl(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 149: // I64ShrS
        i64ShrS(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 150: // I64ShrU
        i64ShrU(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 151: // I64Rotl
        i64Rotl(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 152: // I64Rotr
        i64Rotr(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 153: // I64AddImm
        i64AddImm(
          s32,
          fp + code[(pc + 1) | 0],
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 154: // I64MulImm
        i64MulImm(
          s32,
          fp + code[(pc + 1) | 0],
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 155: // I64AndImm
        i64AndImm(
          s32,
          fp + code[(pc + 1) | 0],
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 156: // I64OrImm
        i64OrImm(
          s32,
          fp + code[(pc + 1) | 0],
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 157: // I64XorImm
        i64XorImm(
          s32,
          fp + code[(pc + 1) | 0],
          fp + code[(pc + 2) | 0],
          code[(pc + 3) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 158: // I64ShlImm
        i64ShlImm(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 159: // I64ShrSImm
        i64ShrSImm(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 160: // I64ShrUImm
        i64ShrUImm(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 161: // I64RotlImm
        i64RotlImm(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 162: // I64RotrImm
        i64RotrImm(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 163: // F32Eq
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f32[(fp + code[(pc + 2) | 0]) | 0] === f32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 164: // F32Ne
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f32[(fp + code[(pc + 2) | 0]) | 0] !== f32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 165: // F32Lt
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f32[(fp + code[(pc + 2) | 0]) | 0] < f32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 166: // F32Gt
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f32[(fp + code[(pc + 2) | 0]) | 0] > f32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 167: // F32Le
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f32[(fp + code[(pc + 2) | 0]) | 0] <= f32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 168: // F32Ge
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f32[(fp + code[(pc + 2) | 0]) | 0] >= f32[(fp + code[(pc + 3) | 0]) | 0] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 169: // F32Abs
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] & 0x7fffffff;
        pc = (pc + 3) | 0;
        break;
      case 170: // F32Neg
        s32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] ^ -0x80000000;
        pc = (pc + 3) | 0;
        break;
      case 171: // F32Ceil
        f32[(fp + code[(pc + 1) | 0]) | 0] = Math.ceil(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 172: // F32Floor
        f32[(fp + code[(pc + 1) | 0]) | 0] = Math.floor(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 173: // F32Trunc
        f32[(fp + code[(pc + 1) | 0]) | 0] = Math.trunc(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 174: // F32Nearest
        f32[(fp + code[(pc + 1) | 0]) | 0] = f64Nearest(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 175: // F32Sqrt
        f32[(fp + code[(pc + 1) | 0]) | 0] = Math.sqrt(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 176: // F32Add
        f32[(fp + code[(pc + 1) | 0]) | 0] = f32[(fp + code[(pc + 2) | 0]) | 0] +
          f32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 177: // F32Sub
        f32[(fp + code[(pc + 1) | 0]) | 0] = f32[(fp + code[(pc + 2) | 0]) | 0] -
          f32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 178: // F32Mul
        f32[(fp + code[(pc + 1) | 0]) | 0] = f32[(fp + code[(pc + 2) | 0]) | 0] *
          f32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 179: // F32Div
        f32[(fp + code[(pc + 1) | 0]) | 0] = f32[(fp + code[(pc + 2) | 0]) | 0] /
          f32[(fp + code[(pc + 3) | 0]) | 0];
        pc = (pc + 4) | 0;
        break;
      case 180: // F32Min
        f32[(fp + code[(pc + 1) | 0]) | 0] = fMin(
          f32[(fp + code[(pc + 2) | 0]) | 0],
          f32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 181: // F32Max
        f32[(fp + code[(pc + 1) | 0]) | 0] = fMax(
          f32[(fp + code[(pc + 2) | 0]) | 0],
          f32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 182: // F32Copysign
        s32[(fp + code[(pc + 1) | 0]) | 0] = (s32[(fp + code[(pc + 2) | 0]) | 0] & 0x7fffffff) |
          (s32[(fp + code[(pc + 3) | 0]) | 0] & -0x80000000);
        pc = (pc + 4) | 0;
        break;
      case 183: // F64Eq
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f64[(fp + code[(pc + 2) | 0]) >> 1] === f64[(fp + code[(pc + 3) | 0]) >> 1] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 184: // F64Ne
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f64[(fp + code[(pc + 2) | 0]) >> 1] !== f64[(fp + code[(pc + 3) | 0]) >> 1] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 185: // F64Lt
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f64[(fp + code[(pc + 2) | 0]) >> 1] < f64[(fp + code[(pc + 3) | 0]) >> 1] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 186: // F64Gt
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f64[(fp + code[(pc + 2) | 0]) >> 1] > f64[(fp + code[(pc + 3) | 0]) >> 1] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 187: // F64Le
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f64[(fp + code[(pc + 2) | 0]) >> 1] <= f64[(fp + code[(pc + 3) | 0]) >> 1] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 188: // F64Ge
        s32[(fp + code[(pc + 1) | 0]) | 0] =
          f64[(fp + code[(pc + 2) | 0]) >> 1] >= f64[(fp + code[(pc + 3) | 0]) >> 1] ? 1 : 0;
        pc = (pc + 4) | 0;
        break;
      case 189: // F64Abs
        f64AbsBits(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 190: // F64Neg
        f64NegBits(s32, (fp + code[(pc + 1) | 0]) | 0, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 191: // F64Ceil
        f64[(fp + code[(pc + 1) | 0]) >> 1] = quiet(Math.ceil(f64[(fp + code[(pc + 2) | 0]) >> 1]));
        pc = (pc + 3) | 0;
        break;
      case 192: // F64Floor
        f64[(fp + code[(pc + 1) | 0]) >> 1] = quiet(
          Math.floor(f64[(fp + code[(pc + 2) | 0]) >> 1]),
        );
        pc = (pc + 3) | 0;
        break;
      case 193: // F64Trunc
        f64[(fp + code[(pc + 1) | 0]) >> 1] = quiet(
          Math.trunc(f64[(fp + code[(pc + 2) | 0]) >> 1]),
        );
        pc = (pc + 3) | 0;
        break;
      case 194: // F64Nearest
        f64[(fp + code[(pc + 1) | 0]) >> 1] = quiet(
          f64Nearest(f64[(fp + code[(pc + 2) | 0]) >> 1]),
        );
        pc = (pc + 3) | 0;
        break;
      case 195: // F64Sqrt
        f64[(fp + code[(pc + 1) | 0]) >> 1] = Math.sqrt(f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 196: // F64Add
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f64[(fp + code[(pc + 2) | 0]) >> 1] +
          f64[(fp + code[(pc + 3) | 0]) >> 1];
        pc = (pc + 4) | 0;
        break;
      case 197: // F64Sub
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f64[(fp + code[(pc + 2) | 0]) >> 1] -
          f64[(fp + code[(pc + 3) | 0]) >> 1];
        pc = (pc + 4) | 0;
        break;
      case 198: // F64Mul
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f64[(fp + code[(pc + 2) | 0]) >> 1] *
          f64[(fp + code[(pc + 3) | 0]) >> 1];
        pc = (pc + 4) | 0;
        break;
      case 199: // F64Div
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f64[(fp + code[(pc + 2) | 0]) >> 1] /
          f64[(fp + code[(pc + 3) | 0]) >> 1];
        pc = (pc + 4) | 0;
        break;
      case 200: // F64Min
        f64[(fp + code[(pc + 1) | 0]) >> 1] = fMin(
          f64[(fp + code[(pc + 2) | 0]) >> 1],
          f64[(fp + code[(pc + 3) | 0]) >> 1],
        );
        pc = (pc + 4) | 0;
        break;
      case 201: // F64Max
        f64[(fp + code[(pc + 1) | 0]) >> 1] = fMax(
          f64[(fp + code[(pc + 2) | 0]) >> 1],
          f64[(fp + code[(pc + 3) | 0]) >> 1],
        );
        pc = (pc + 4) | 0;
        break;
      case 202: // F64Copysign
        f64CopysignBits(
          s32,
          fp + code[(pc + 1) | 0],
          fp + code[(pc + 2) | 0],
          fp + code[(pc + 3) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 203: // I32TruncF32S
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncF32S(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 204: // I32TruncF32U
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncF32U(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 205: // I32TruncF64S
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncF64S(f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 206: // I32TruncF64U
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncF64U(f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 207: // I64TruncF32S
        i64TruncF32S(s32, (fp + code[(pc + 1) | 0]) | 0, f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 208: // I64TruncF32U
        i64TruncF32U(s32, (fp + code[(pc + 1) | 0]) | 0, f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 209: // I64TruncF64S
        i64TruncF64S(s32, (fp + code[(pc + 1) | 0]) | 0, f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 210: // I64TruncF64U
        i64TruncF64U(s32, (fp + code[(pc + 1) | 0]) | 0, f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 211: // F32ConvertI32S
        f32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0];
        pc = (pc + 3) | 0;
        break;
      case 212: // F32ConvertI32U
        f32[(fp + code[(pc + 1) | 0]) | 0] = s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0;
        pc = (pc + 3) | 0;
        break;
      case 213: // F32ConvertI64S
        f32[(fp + code[(pc + 1) | 0]) | 0] = f32ConvertI64S(s32, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 214: // F32ConvertI64U
        f32[(fp + code[(pc + 1) | 0]) | 0] = f32ConvertI64U(s32, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 215: // F32DemoteF64
        f32[(fp + code[(pc + 1) | 0]) | 0] = f64[(fp + code[(pc + 2) | 0]) >> 1];
        pc = (pc + 3) | 0;
        break;
      case 216: // F64ConvertI32S
        f64[(fp + code[(pc + 1) | 0]) >> 1] = s32[(fp + code[(pc + 2) | 0]) | 0];
        pc = (pc + 3) | 0;
        break;
      case 217: // F64ConvertI32U
        f64[(fp + code[(pc + 1) | 0]) >> 1] = s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0;
        pc = (pc + 3) | 0;
        break;
      case 218: // F64ConvertI64S
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f64ConvertI64S(s32, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 219: // F64ConvertI64U
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f64ConvertI64U(s32, (fp + code[(pc + 2) | 0]) | 0);
        pc = (pc + 3) | 0;
        break;
      case 220: // F64PromoteF32
        f64[(fp + code[(pc + 1) | 0]) >> 1] = f32[(fp + code[(pc + 2) | 0]) | 0];
        pc = (pc + 3) | 0;
        break;
      case 221: // I32TruncSatF32S
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncSatF32S(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 222: // I32TruncSatF32U
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncSatF32U(f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 223: // I32TruncSatF64S
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncSatF64S(f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 224: // I32TruncSatF64U
        s32[(fp + code[(pc + 1) | 0]) | 0] = i32TruncSatF64U(f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 225: // I64TruncSatF32S
        i64TruncSatF32S(s32, (fp + code[(pc + 1) | 0]) | 0, f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 226: // I64TruncSatF32U
        i64TruncSatF32U(s32, (fp + code[(pc + 1) | 0]) | 0, f32[(fp + code[(pc + 2) | 0]) | 0]);
        pc = (pc + 3) | 0;
        break;
      case 227: // I64TruncSatF64S
        i64TruncSatF64S(s32, (fp + code[(pc + 1) | 0]) | 0, f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 228: // I64TruncSatF64U
        i64TruncSatF64U(s32, (fp + code[(pc + 1) | 0]) | 0, f64[(fp + code[(pc + 2) | 0]) >> 1]);
        pc = (pc + 3) | 0;
        break;
      case 229: // I32Load
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          s32[(fp + code[(pc + 1) | 0]) | 0] = mview.getInt32(ea, true);
        }
        pc = (pc + 4) | 0;
        break;
      case 230: // I64Load
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 8 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          s32[d] = mview.getInt32(ea, true);
          s32[d + 1] = mview.getInt32(ea + 4, true);
        }
        pc = (pc + 4) | 0;
        break;
      case 231: // I32Load8S
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 1 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          s32[(fp + code[(pc + 1) | 0]) | 0] = mview.getInt8(ea);
        }
        pc = (pc + 4) | 0;
        break;
      case 232: // I32Load8U
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 1 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          s32[(fp + code[(pc + 1) | 0]) | 0] = mview.getUint8(ea);
        }
        pc = (pc + 4) | 0;
        break;
      case 233: // I32Load16S
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 2 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          s32[(fp + code[(pc + 1) | 0]) | 0] = mview.getInt16(ea, true);
        }
        pc = (pc + 4) | 0;
        break;
      case 234: // I32Load16U
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 2 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          s32[(fp + code[(pc + 1) | 0]) | 0] = mview.getUint16(ea, true);
        }
        pc = (pc + 4) | 0;
        break;
      case 235: // I64Load8S
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 1 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const v = mview.getInt8(ea);
          s32[d] = v;
          s32[d + 1] = v >> 31;
        }
        pc = (pc + 4) | 0;
        break;
      case 236: // I64Load8U
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 1 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const v = mview.getUint8(ea);
          s32[d] = v;
          s32[d + 1] = 0;
        }
        pc = (pc + 4) | 0;
        break;
      case 237: // I64Load16S
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 2 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const v = mview.getInt16(ea, true);
          s32[d] = v;
          s32[d + 1] = v >> 31;
        }
        pc = (pc + 4) | 0;
        break;
      case 238: // I64Load16U
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 2 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const v = mview.getUint16(ea, true);
          s32[d] = v;
          s32[d + 1] = 0;
        }
        pc = (pc + 4) | 0;
        break;
      case 239: // I64Load32S
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const v = mview.getInt32(ea, true);
          s32[d] = v;
          s32[d + 1] = v >> 31;
        }
        pc = (pc + 4) | 0;
        break;
      case 240: // I64Load32U
        {
          const ea = (s32[(fp + code[(pc + 2) | 0]) | 0] >>> 0) + (code[(pc + 3) | 0] >>> 0);
          if (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const v = mview.getInt32(ea, true);
          s32[d] = v;
          s32[d + 1] = 0;
        }
        pc = (pc + 4) | 0;
        break;
      case 241: // I32Store
        {
          const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
          if (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          mview.setInt32(ea, s32[(fp + code[(pc + 3) | 0]) | 0], true);
        }
        pc = (pc + 4) | 0;
        break;
      case 242: // I64Store
        {
          const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
          if (ea + 8 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          const v = (fp + code[(pc + 3) | 0]) | 0;
          mview.setInt32(ea, s32[v], true);
          mview.setInt32(ea + 4, s32[v + 1], true);
        }
        pc = (pc + 4) | 0;
        break;
      case 243: // I32Store8
        {
          const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
          if (ea + 1 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          mview.setInt8(ea, s32[(fp + code[(pc + 3) | 0]) | 0]);
        }
        pc = (pc + 4) | 0;
        break;
      case 244: // I32Store16
        {
          const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
          if (ea + 2 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
          mview.setInt16(ea, s32[(fp + code[(pc + 3) | 0]) | 0], true);
        }
        pc = (pc + 4) | 0;
        break;
      case 245: // MemorySize
        s32[(fp + code[(pc + 1) | 0]) | 0] = memLen / PAGE_SIZE;
        pc = (pc + 2) | 0;
        break;
      case 246: { // MemoryGrow
        const old = memoryGrow(mem!, s32[(fp + code[(pc + 2) | 0]) | 0], bulkFuel, store);
        if (old === GROW_OUT_OF_FUEL) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        s32[(fp + code[(pc + 1) | 0]) | 0] = old;
        mview = mem!.view;
        memLen = mview.byteLength;
        pc = (pc + 3) | 0;
        break;
      }
      case 247: // MemoryFill
        if (
          !memoryFill(
            mem!,
            s32[(fp + code[(pc + 1) | 0]) | 0],
            s32[(fp + code[(pc + 2) | 0]) | 0],
            s32[(fp + code[(pc + 3) | 0]) | 0],
            bulkFuel,
            store,
          )
        ) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        pc = (pc + 4) | 0;
        break;
      case 248: // MemoryCopy
        if (
          !memoryCopy(
            mem!,
            s32[(fp + code[(pc + 1) | 0]) | 0],
            s32[(fp + code[(pc + 2) | 0]) | 0],
            s32[(fp + code[(pc + 3) | 0]) | 0],
            bulkFuel,
            store,
          )
        ) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        pc = (pc + 4) | 0;
        break;
      case 249: // MemoryInit
        if (
          !memoryInit(
            inst,
            code[(pc + 1) | 0],
            s32[(fp + code[(pc + 2) | 0]) | 0],
            s32[(fp + code[(pc + 3) | 0]) | 0],
            s32[(fp + code[(pc + 4) | 0]) | 0],
            bulkFuel,
            store,
          )
        ) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        pc = (pc + 5) | 0;
        break;
      case 250: // DataDrop
        dataDrop(inst, code[(pc + 1) | 0]);
        pc = (pc + 2) | 0;
        break;
      case 251: // TableGet
        s32[(fp + code[(pc + 1) | 0]) | 0] = tableGet(
          inst.tables[code[(pc + 2) | 0]],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 252: // TableSet
        tableSet(
          inst.tables[code[(pc + 1) | 0]],
          s32[(fp + code[(pc + 2) | 0]) | 0],
          s32[(fp + code[(pc + 3) | 0]) | 0],
        );
        pc = (pc + 4) | 0;
        break;
      case 253: // TableSize
        s32[(fp + code[(pc + 1) | 0]) | 0] = inst.tables[code[(pc + 2) | 0]].size;
        pc = (pc + 3) | 0;
        break;
      case 254: { // TableGrow
        const old = tableGrow(
          inst.tables[code[(pc + 2) | 0]],
          s32[(fp + code[(pc + 3) | 0]) | 0],
          s32[(fp + code[(pc + 4) | 0]) | 0],
          bulkFuel,
          store,
        );
        if (old === GROW_OUT_OF_FUEL) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        s32[(fp + code[(pc + 1) | 0]) | 0] = old;
        pc = (pc + 5) | 0;
        break;
      }
      case 255: // TableFill
        if (
          !tableFill(
            inst.tables[code[(pc + 1) | 0]],
            s32[(fp + code[(pc + 2) | 0]) | 0],
            s32[(fp + code[(pc + 3) | 0]) | 0],
            s32[(fp + code[(pc + 4) | 0]) | 0],
            bulkFuel,
            store,
          )
        ) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        pc = (pc + 5) | 0;
        break;
      case 256: // TableCopy
        if (
          !tableCopy(
            inst.tables[code[(pc + 1) | 0]],
            inst.tables[code[(pc + 2) | 0]],
            s32[(fp + code[(pc + 3) | 0]) | 0],
            s32[(fp + code[(pc + 4) | 0]) | 0],
            s32[(fp + code[(pc + 5) | 0]) | 0],
            bulkFuel,
            store,
          )
        ) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        pc = (pc + 6) | 0;
        break;
      case 257: // TableInit
        if (
          !tableInit(
            inst,
            code[(pc + 1) | 0],
            code[(pc + 2) | 0],
            s32[(fp + code[(pc + 3) | 0]) | 0],
            s32[(fp + code[(pc + 4) | 0]) | 0],
            s32[(fp + code[(pc + 5) | 0]) | 0],
            bulkFuel,
            store,
          )
        ) {
          if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
          break; // refilled: run it again
        }
        pc = (pc + 6) | 0;
        break;
      case 258: // ElemDrop
        elemDrop(inst, code[(pc + 1) | 0]);
        pc = (pc + 2) | 0;
        break;
      case 259: // Nop
        pc = (pc + 1) | 0;
        break;
      case 260: { // I32StoreImm
        const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
        if (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
        mview.setInt32(ea, code[(pc + 3) | 0], true);
        pc = (pc + 4) | 0;
        break;
      }
      case 261: { // I32Store8Imm
        const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
        if (ea + 1 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
        mview.setInt8(ea, code[(pc + 3) | 0]);
        pc = (pc + 4) | 0;
        break;
      }
      case 262: { // I32Store16Imm
        const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
        if (ea + 2 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
        mview.setInt16(ea, code[(pc + 3) | 0], true);
        pc = (pc + 4) | 0;
        break;
      }
      case 263: { // I64StoreImm
        const ea = (s32[(fp + code[(pc + 1) | 0]) | 0] >>> 0) + (code[(pc + 2) | 0] >>> 0);
        if (ea + 8 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
        mview.setInt32(ea, code[(pc + 3) | 0], true);
        mview.setInt32(ea + 4, code[(pc + 4) | 0], true);
        pc = (pc + 5) | 0;
        break;
      }
      case 264: { // ConsumeFuel
        const cost = code[(pc + 1) | 0];
        if (store.fuel < cost) {
          if (outOfFuel(store, st, cost)) {
            frames[2 * depth + 1] = pc;
            return OUT_OF_FUEL;
          }
          break; // refilled: charge again
        }
        store.fuel -= cost;
        pc = (pc + 2) | 0;
        break;
      }
      // v128: moves of four words, then the generic SIMD instructions (`simd.ts`)
      case 265: // Copy128
        {
          const d = (fp + code[(pc + 1) | 0]) | 0, a = (fp + code[(pc + 2) | 0]) | 0;
          s32[d] = s32[a];
          s32[d + 1] = s32[a + 1];
          s32[d + 2] = s32[a + 2];
          s32[d + 3] = s32[a + 3];
        }
        pc = (pc + 3) | 0;
        break;
      case 266: // Select128
        {
          const d = (fp + code[(pc + 1) | 0]) | 0;
          const a = fp +
            (s32[(fp + code[(pc + 2) | 0]) | 0] !== 0 ? code[(pc + 3) | 0] : code[(pc + 4) | 0]);
          s32[d] = s32[a];
          s32[d + 1] = s32[a + 1];
          s32[d + 2] = s32[a + 2];
          s32[d + 3] = s32[a + 3];
        }
        pc = (pc + 5) | 0;
        break;
      case 267: // GlobalGet128
        {
          const g = globals[code[(pc + 2) | 0]].value;
          const d = (fp + code[(pc + 1) | 0]) | 0;
          s32[d] = g[0];
          s32[d + 1] = g[1];
          s32[d + 2] = g[2];
          s32[d + 3] = g[3];
        }
        pc = (pc + 3) | 0;
        break;
      case 268: // GlobalSet128
        {
          const g = globals[code[(pc + 1) | 0]].value;
          const a = (fp + code[(pc + 2) | 0]) | 0;
          g[0] = s32[a];
          g[1] = s32[a + 1];
          g[2] = s32[a + 2];
          g[3] = s32[a + 3];
        }
        pc = (pc + 3) | 0;
        break;
      case 269: // V128Const
        {
          const d = (fp + code[(pc + 1) | 0]) | 0;
          s32[d] = code[(pc + 2) | 0];
          s32[d + 1] = code[(pc + 3) | 0];
          s32[d + 2] = code[(pc + 4) | 0];
          s32[d + 3] = code[(pc + 5) | 0];
        }
        pc = (pc + 6) | 0;
        break;
      case 270: // V128Unary
        simdUnary(
          code[(pc + 2) | 0],
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 271: // V128Binary
        simdBinary(
          code[(pc + 2) | 0],
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
          (fp + code[(pc + 4) | 0]) | 0,
        );
        pc = (pc + 5) | 0;
        break;
      case 272: // V128Ternary
        simdTernary(
          code[(pc + 2) | 0],
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
          (fp + code[(pc + 4) | 0]) | 0,
          (fp + code[(pc + 5) | 0]) | 0,
        );
        pc = (pc + 6) | 0;
        break;
      case 273: // V128ExtractLane
        simdExtractLane(
          code[(pc + 2) | 0],
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 274: // V128ReplaceLane
        simdReplaceLane(
          code[(pc + 2) | 0],
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
          (fp + code[(pc + 4) | 0]) | 0,
          code[(pc + 5) | 0],
        );
        pc = (pc + 6) | 0;
        break;
      case 275: // V128Shuffle
        simdShuffle(
          s32,
          (fp + code[(pc + 1) | 0]) | 0,
          (fp + code[(pc + 2) | 0]) | 0,
          (fp + code[(pc + 3) | 0]) | 0,
          code[(pc + 4) | 0],
          code[(pc + 5) | 0],
          code[(pc + 6) | 0],
          code[(pc + 7) | 0],
        );
        pc = (pc + 8) | 0;
        break;
      case 276: // V128Load
        simdLoad(
          code[(pc + 2) | 0],
          s32,
          mview,
          (fp + code[(pc + 1) | 0]) | 0,
          s32[(fp + code[(pc + 3) | 0]) | 0],
          code[(pc + 4) | 0],
        );
        pc = (pc + 5) | 0;
        break;
      case 277: // V128Store
        simdStore(
          s32,
          mview,
          s32[(fp + code[(pc + 1) | 0]) | 0],
          code[(pc + 2) | 0],
          (fp + code[(pc + 3) | 0]) | 0,
        );
        pc = (pc + 4) | 0;
        break;
      case 278: // V128LoadLane
        simdLoadLane(
          code[(pc + 2) | 0],
          s32,
          mview,
          (fp + code[(pc + 1) | 0]) | 0,
          s32[(fp + code[(pc + 3) | 0]) | 0],
          code[(pc + 4) | 0],
          (fp + code[(pc + 5) | 0]) | 0,
          code[(pc + 6) | 0],
        );
        pc = (pc + 7) | 0;
        break;
      case 279: // V128StoreLane
        simdStoreLane(
          code[(pc + 1) | 0],
          s32,
          mview,
          s32[(fp + code[(pc + 2) | 0]) | 0],
          code[(pc + 3) | 0],
          (fp + code[(pc + 4) | 0]) | 0,
          code[(pc + 5) | 0],
        );
        pc = (pc + 6) | 0;
        break;
      case 47: // Return
      case 48: { // ReturnSlot
        if (code[pc] === OP_RETURN_SLOT) {
          const a = (fp + code[(pc + 1) | 0]) | 0;
          s32[fp] = s32[a];
          s32[fp + 1] = s32[a + 1];
        }
        if (depth === baseDepth) {
          st.depth = depth - 1;
          return DONE;
        }
        st.depth = --depth;
        fp = frames[2 * depth];
        pc = frames[2 * depth + 1];
        const caller = funcs[depth];
        code = caller.compiled!.code;
        if (caller.instance !== inst) {
          inst = caller.instance;
          globals = inst.globals;
          mem = inst.memories[0] ?? null;
          mview = mem !== null ? mem.view : EMPTY_VIEW;
          memLen = mview.byteLength;
        } else if (mem !== null && mview !== mem.view) {
          // The callee grew the memory.
          mview = mem.view;
          memLen = mview.byteLength;
        }
        break;
      }
      case 49: // Call
      case 50: { // CallIndirect
        let callee: FuncEntity;
        let base: number;
        if (code[pc] === OP_CALL) {
          callee = inst.funcs[code[(pc + 1) | 0]];
          base = (fp + code[(pc + 2) | 0]) | 0;
          pc = (pc + 3) | 0;
        } else {
          callee = indirectCallee(
            store,
            inst,
            code[(pc + 1) | 0],
            code[(pc + 2) | 0],
            s32[(fp + code[(pc + 3) | 0]) | 0],
          );
          base = (fp + code[(pc + 4) | 0]) | 0;
          pc = (pc + 5) | 0;
        }
        frames[2 * depth + 1] = pc;
        if (callee.isHost) {
          if (callHost(callee, inst, st, base) !== undefined) return HOST_AWAIT;
          if (mem !== null && mview !== mem.view) {
            mview = mem.view;
            memLen = mview.byteLength;
          }
          break;
        }
        const cf = callee.compiled ?? compiler.compile(callee);
        if (base + cf.frameWords > s32.length) {
          st.growValues(base + cf.frameWords);
          s32 = st.s32;
          f32 = st.f32;
          f64 = st.f64;
        }
        if (2 * (depth + 1) >= frames.length) {
          st.growFrames(depth + 1);
          frames = st.frames;
        }
        st.depth = ++depth;
        frames[2 * depth] = base;
        funcs[depth] = callee;
        for (let i = base + cf.paramWords, end = base + cf.localWords; i < end; i++) s32[i] = 0;
        fp = base;
        code = cf.code;
        pc = 0;
        if (code[0] === OP_CONSUME_FUEL && store.fuel >= code[1]) {
          // Pays the callee's entry here, saving a dispatch (when short, `ConsumeFuel` stops).
          store.fuel -= code[1];
          pc = 2;
        }
        if (callee.instance !== inst) {
          inst = callee.instance;
          globals = inst.globals;
          mem = inst.memories[0] ?? null;
          mview = mem !== null ? mem.view : EMPTY_VIEW;
          memLen = mview.byteLength;
        }
        break;
      }
      default:
        throw new Error(`Bad internal opcode ${code[pc]} at ${pc}`);
    }
  }
}

/** Stops before the instruction at `pc` of frame `depth`, which could not pay its fuel. */
function stopAt(st: ExecStack, depth: number, pc: number): RunStatus {
  st.frames[2 * depth + 1] = pc;
  return OUT_OF_FUEL;
}
