/**
 * The code map: every translated function body, keyed by module so that all instances of a
 * module share one copy of its code.
 *
 * @module
 */

import type { ModuleDecl } from "../binary/module.ts";

/** A translated function body and the frame it needs. Sizes are in words of the slot array. */
export class CompiledFunc {
  /**
   * The body the code-generation tier made of `code` (see `codegen.ts`), null when it stays in
   * the interpreter, undefined until the engine has decided. Only the engine reads or writes it.
   */
  generated: ((...args: never[]) => number) | null | undefined = undefined;

  /**
   * @param code the internal code (see `isa.ts`)
   * @param paramWords words taken by the parameters (the frame starts with them)
   * @param localWords words taken by parameters and declared locals (the executor zeroes the
   *   declared locals, `[paramWords, localWords)`, on entry)
   * @param frameWords words the whole frame needs: locals, then the operand stack's slots
   * @param numResults how many results the function leaves in the frame's first slots
   * @param funcIndex the function's index in its module (for backtraces)
   * @param codeOffsets where the code came from: pairs `[pc, byte offset]`, ascending in `pc`,
   *   each saying that the internal code from `pc` on was translated from the Wasm instruction
   *   at that offset of the module's bytes (for the frames of suspended calls)
   * @param bodyOffset the byte offset of the body's first instruction
   * @param handlers the `try_table` catch clauses, innermost first (see `exceptions.ts`), or
   *   null when the function has none
   */
  constructor(
    readonly code: Int32Array,
    readonly paramWords: number,
    readonly localWords: number,
    readonly frameWords: number,
    readonly numResults: number,
    readonly funcIndex: number,
    readonly codeOffsets: Int32Array = new Int32Array(0),
    readonly bodyOffset: number = 0,
    readonly handlers: Int32Array | null = null,
  ) {}

  /**
   * The byte offset of the Wasm instruction that internal position `pc` belongs to.
   *
   * @param pc a position in `code`
   * @param inCall true when `pc` is where a frame continues after a call (the call itself is
   *   the instruction before it), false when it is the instruction that stopped
   */
  wasmOffsetAt(pc: number, inCall: boolean): number {
    const target = inCall ? pc - 1 : pc;
    const o = this.codeOffsets;
    // Binary search for the last pair whose pc is at most `target`.
    let lo = 0;
    let hi = (o.length >> 1) - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (o[2 * mid]! <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.bodyOffset : o[2 * found + 1]!;
  }
}

/** Compiled bodies per module, filled on demand. */
export class CodeMap {
  readonly #modules = new WeakMap<ModuleDecl, (CompiledFunc | null)[]>();

  /** The compiled-body table of `module` (index = defined function index), created if new. */
  bodiesOf(module: ModuleDecl): (CompiledFunc | null)[] {
    let bodies = this.#modules.get(module);
    if (bodies === undefined) {
      bodies = new Array<CompiledFunc | null>(module.bodies.length).fill(null);
      this.#modules.set(module, bodies);
    }
    return bodies;
  }
}
