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
   * @param code the internal code (see `isa.ts`)
   * @param paramWords words taken by the parameters (the frame starts with them)
   * @param localWords words taken by parameters and declared locals (the executor zeroes the
   *   declared locals, `[paramWords, localWords)`, on entry)
   * @param frameWords words the whole frame needs: locals, then the operand stack's slots
   * @param numResults how many results the function leaves in the frame's first slots
   * @param funcIndex the function's index in its module (for backtraces)
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
    readonly handlers: Int32Array | null = null,
  ) {}
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
