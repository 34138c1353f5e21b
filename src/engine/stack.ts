/**
 * An execution stack: the value stack (slots in one `ArrayBuffer`, seen through three typed
 * views) and the call stack (one frame per active Wasm function). All the state of a running
 * call lives here, so a call can stop at a host call or a fuel charge and continue later.
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";
import type { TieredCompiler } from "./codegen.ts";
import type { BulkFuel } from "./fuel.ts";
import {
  type HostFuncEntity,
  SLOT_WORDS,
  type StoreInner,
  type WasmFuncEntity,
} from "./entities.ts";

/** Initial value-stack size, in words (grown by doubling). */
const INITIAL_WORDS = 4096 * SLOT_WORDS;
/** Initial call-stack capacity, in frames (grown by doubling). */
const INITIAL_FRAMES = 256;
/** How many of `funcs`' slots `clear` keeps (emptied) for the next call on the stack. */
const CLEARED_FUNCS = 64;

/** A value stack and a call stack. Engines pool these (`Config.maxCachedStacks`). */
export class ExecStack {
  /** The value stack: 32-bit words; a frame's slot `r` is at `fp + r`. */
  s32: Int32Array;
  /** The same memory as `f32` values (index = word). */
  f32: Float32Array;
  /** The same memory as `f64` values (index = word / 2). */
  f64: Float64Array;
  /**
   * The call stack: frame `d` has its frame base at `frames[2d]` and, while it is suspended in
   * a call, the pc to continue at in `frames[2d + 1]`.
   */
  frames: Int32Array;
  /**
   * The function of each frame `0..depth` (only those are read; an idle stack holds `undefined`
   * in slot 0, see `clear`).
   */
  readonly funcs: WasmFuncEntity[] = [];
  /** Index of the innermost frame (-1 when idle). */
  depth = -1;
  /**
   * Whether the call stops when its fuel slice runs out (a sliced async call, which then yields
   * to the event loop) rather than refilling from the store's reserve at once (see `fuel.ts`).
   */
  yields = false;

  // Why the call stopped, when `run` did not finish it (see `RunStatus` in executor.ts).
  /** The fuel the charge that could not be paid needs (after `OUT_OF_FUEL`). */
  requiredFuel = 0;
  /**
   * The host function being called from this stack (set for the duration of the call, so an
   * error escaping `run` with it set came from the host function), or null.
   */
  host: HostFuncEntity | null = null;
  /** Word offset of that host function's parameter and result slots. */
  hostBase = 0;
  /** The Promise the host function returned (after `HOST_AWAIT`). */
  pending: Promise<void> | null = null;
  /** The error the host function threw (after `HOST_TRAP`, see `Engine.resumeCall`). */
  hostError: unknown = undefined;
  // What generated code's direct entries read from here rather than take as parameters (set
  // by `runTiered` in codegen.ts, the same for every call it runs: see "Direct calls" there).
  /** The driver's compiler (null until generated code first runs on this stack). */
  compiler: TieredCompiler | null = null;
  /** The driver's record of bulk operations' fuel (null without fuel). */
  bulkFuel: BulkFuel | null = null;
  /** The frame the driver runs to (its `baseDepth`). */
  baseDepth = 0;
  /** The store the call runs on, which holds `#ref` among its stacks (see `attach`). */
  #store: StoreInner | null = null;
  /** How the store refers to this stack: weakly where the runtime can. */
  readonly #ref: { deref(): ExecStack | undefined } = typeof WeakRef === "function"
    ? new WeakRef(this)
    : { deref: () => this };

  /**
   * @param maxWords the value stack's limit in words (`maxStackHeight` slots)
   * @param maxDepth the call stack's limit in frames (`maxRecursionDepth`)
   */
  constructor(readonly maxWords: number, readonly maxDepth: number) {
    const words = Math.min(INITIAL_WORDS, maxWords);
    this.s32 = new Int32Array(words);
    this.f32 = new Float32Array(this.s32.buffer);
    this.f64 = new Float64Array(this.s32.buffer);
    this.frames = new Int32Array(2 * Math.min(INITIAL_FRAMES, Math.max(maxDepth, 1)));
  }

  /** Grows the value stack to hold at least `words` words; traps past the limit. */
  growValues(words: number): void {
    if (words > this.maxWords) throw new Trap(TrapCode.StackOverflow);
    const size = Math.min(Math.max(words, this.s32.length * 2), this.maxWords);
    const s32 = new Int32Array(size);
    s32.set(this.s32);
    this.s32 = s32;
    this.f32 = new Float32Array(s32.buffer);
    this.f64 = new Float64Array(s32.buffer);
  }

  /** Makes room for frame `depth`; traps past the recursion limit. */
  growFrames(depth: number): void {
    if (depth >= this.maxDepth) throw new Trap(TrapCode.StackOverflow);
    const frames = new Int32Array(Math.min(this.frames.length * 2, 2 * this.maxDepth));
    frames.set(this.frames);
    this.frames = frames;
  }

  /**
   * A call on `store` starts on this stack: the store counts its words among the roots of its
   * exception handles (see `StoreInner.exnHandle`) until `clear`.
   */
  attach(store: StoreInner): void {
    this.#store = store;
    store.stacks.add(this.#ref);
  }

  /** Forgets the frames (their functions may be garbage collected). */
  clear(): void {
    this.#store?.stacks.delete(this.#ref);
    this.#store = null;
    // Emptied by overwriting, not cut: V8 swaps an array cut to length 0 for an empty backing
    // store, so the next call's `funcs[0] = func` grew it again (`GrowFastSmiOrObjectElements`,
    // 3-5% of a 1e7-call `TypedFunc.call` profile), and an array cut to length 1 made the next
    // call's `funcs[depth] = callee` a growing store, which deoptimised `run`'s optimised code
    // at a process's second call ("out of bounds"; bench/exceptions then compiled `run` again
    // with Maglev and TurboFan during calls 2-3). The first `CLEARED_FUNCS` slots stay, emptied
    // (a loop: `fill` gave the array another map, "wrong map" deopts in `run` and exceptions.ts).
    const funcs = this.funcs;
    const kept = Math.min(funcs.length, CLEARED_FUNCS);
    if (funcs.length > kept) funcs.length = kept;
    for (let i = 0; i < kept; i++) funcs[i] = undefined as unknown as WasmFuncEntity;
    this.depth = -1;
    this.host = null;
    this.pending = null;
    this.hostError = undefined;
    this.yields = false;
  }
}
