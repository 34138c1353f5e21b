/**
 * What the executor's generated `run` (`executor.ts`) calls besides the semantics functions: its
 * status codes and the helpers of calls, traps and fuel, kept out of the hot loop.
 *
 * @module
 */

import { TYPES } from "../core/type_registry.ts";
import { Trap, TrapCode } from "../core/trap.ts";
import type { CompiledFunc } from "./code_map.ts";
import {
  exnOfError,
  type FuncEntity,
  type HostFuncEntity,
  type InstanceEntity,
  type StoreInner,
  type WasmFuncEntity,
} from "./entities.ts";
import { type BulkFuel, refillFuel } from "./fuel.ts";
import { throwException } from "./exceptions.ts";
import type { ExecStack } from "./stack.ts";

/** What the executor needs from the engine: translation on first call, bulk fuel prices. */
export interface Compiler {
  /** The compiled body of `func`, translating it if needed. */
  compile(func: WasmFuncEntity): CompiledFunc;
  /** The per-byte/element charges of bulk operations, or null when fuel is not metered. */
  readonly bulkFuel: BulkFuel | null;
  /**
   * Whether \`runSteady\` runs \`run\` rather than \`runCore\`: set for good when the code first
   * reaches a row that \`runCore\` lacks (\`WIDEN\` in executor.ts).
   */
  wideLoop: boolean;
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
/**
 * The innermost frame's function became hot (a `TierUp` instruction's count ran out): its saved
 * pc is that instruction; the driver (`runTiered`) generates the function and continues the
 * frame in the generated body. Only code translated for the `auto` tier returns it.
 */
export const TIER_UP: RunStatus = 3;
/**
 * `run` stopped to be entered again (`runSteady` in executor.ts does so at once): the innermost
 * frame's saved pc is the instruction it stopped before, which runs when `run` is called again.
 *
 * Why: V8 gives a function new code only where it is entered, never inside a running call of it,
 * but by on-stack replacement from the bytecode interpreter into a loop's own compile. A
 * benchmark's call of `run` lasts 0.3-3 s, so V8's steps for the whole function each came one
 * call late: the whole-function Maglev compile was asked for in one call, started where the
 * next call entered, and entered by the one after; then the same for TurboFan. On fib, i64,
 * sha512, xxh64 and calls the 4th and 5th calls of a process ran all through in Maglev's code,
 * 1.5-2.5x slower than TurboFan's (`%GetOptimizationStatus(run)` at each call's start, calls
 * 0-5: `I I I M M T`; `I` entered the bytecode and ran the loops' own compiles), and
 * `deno task bench` times calls 1-5. Stopping every `REENTER_TICKS` counted rows and entering
 * again, each workload had TurboFan's whole-function code from its 3rd call on (`I I T T T T`;
 * matmul from its 2nd). Measured on a loaded 2-core machine (load 11-22), December 2026.
 */
export const REENTER: RunStatus = 4;
/**
 * How many `REENTER_ROWS` (scripts/gen_executor.ts) `run` runs before it stops to be entered
 * again: at most a few ms of work between stops, each of which costs a call and the loads of
 * `run`'s prologue.
 */
export const REENTER_TICKS = 1 << 16;

/** The memory view of an instance without memory. */
export const EMPTY_VIEW: DataView = new DataView(new ArrayBuffer(0));

/**
 * `x`, or the canonical NaN if `x` is a NaN: rounding a signalling NaN must give a quiet one,
 * and `Math.floor` & co. return a NaN argument unchanged.
 */
export function quiet(x: number): number {
  return x === x ? x : NaN;
}

export function trap(code: TrapCode): Trap {
  return new Trap(code);
}

/** The callee of `call_indirect`, after the table, null and signature checks. */
export function indirectCallee(
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
  const expected = inst.typeIds[typeIndex]!;
  // Equal ids first: without GC subtypes this one compare decides. A function type declared as a
  // subtype (GC) matches its supertypes too: one read of its supertype chain.
  if (callee.typeId !== expected && !TYPES.isSubtypeId(callee.typeId, expected)) {
    throw trap(TrapCode.BadSignature);
  }
  return callee;
}

/** The callee of `call_ref` / `return_call_ref`: the function `handle` names, unless null. */
export function refCallee(store: StoreInner, handle: number): FuncEntity {
  if (handle === 0) throw trap(TrapCode.NullFunctionReference);
  return store.funcs[handle]!;
}

/**
 * A fuel charge of `cost` could not be paid: refills from a fuel slice's reserve if there is one
 * and this call does not yield (see `fuel.ts`). Returns true when the caller must stop with
 * `OUT_OF_FUEL` (`st.requiredFuel` set), false to retry the charge.
 */
export function outOfFuel(store: StoreInner, st: ExecStack, cost: number): boolean {
  if (!st.yields && refillFuel(store, cost)) return false;
  st.requiredFuel = cost;
  return true;
}

/**
 * The slow path of a generated body's checked fuel charge (see codegen_fuel.ts): the charge costs
 * `cost` and tests the count for `need` (its cost and the covered charges after it), which the
 * store's count, current here, cannot pay. Refills the store from its reserve (unless this call
 * yields at its slice's end, see `fuel.ts`) so that it holds `need`, and returns 0: the body
 * goes on. Where even the store cannot pay `need`, returns 1 if it can pay `cost`: the frame
 * must go on exactly, in the interpreter (which tests every charge), from the charge; and 2
 * when it cannot even pay `cost`: stop with `OUT_OF_FUEL` (`st.requiredFuel` set), as `outOfFuel`.
 */
export function refuelAhead(
  store: StoreInner,
  st: ExecStack,
  cost: number,
  need: number,
): number {
  if (store.fuel >= need || (!st.yields && refillFuel(store, need))) return 0;
  if (store.fuel >= cost) return 1;
  return outOfFuel(store, st, cost) ? 2 : 1;
}

/**
 * Calls host function `func` with its parameters and results in the slots at `base` of `st`.
 * While it runs `st.host` names it, so an error that escapes `run` is known to be the host
 * function's. Returns its Promise if it returned one (`st.host` then stays set), and null when
 * it threw a Wasm exception (an error `exnOfError` knows) that a handler in frames `baseDepth..` caught: `st`
 * then names the handler's frame and pc (an exception no handler catches is thrown on, as
 * Wasm's own, not as a host error).
 */
export function callHost(
  func: HostFuncEntity,
  caller: InstanceEntity,
  st: ExecStack,
  base: number,
  store: StoreInner,
  baseDepth: number,
): Promise<void> | null | undefined {
  st.host = func;
  st.hostBase = base;
  let pending: void | Promise<void>;
  try {
    pending = func.invoke(caller, st.s32, base);
  } catch (e) {
    const exn = exnOfError(e);
    if (exn === undefined) throw e;
    st.host = null;
    throwException(store, st, baseDepth, exn);
    return null;
  }
  if (pending !== undefined) {
    st.pending = pending;
    return pending;
  }
  st.host = null;
  return undefined;
}

/** Stops before the instruction at `pc` of frame `depth`, which could not pay its fuel. */
export function stopAt(st: ExecStack, depth: number, pc: number): RunStatus {
  st.frames[2 * depth + 1] = pc;
  return OUT_OF_FUEL;
}
