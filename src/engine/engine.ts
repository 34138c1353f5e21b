/**
 * `Engine`: what modules compiled with it share: the config, the function-type registry and
 * the compiled code; and the entry point that runs a function on a store.
 *
 * @module
 */

import { Config } from "./config.ts";
import type { FuncType } from "../core/types.ts";
import type { ModuleDecl } from "../binary/module.ts";
import { Trap, TrapCode } from "../core/trap.ts";
import { type FuncEntity, SLOT_WORDS, type StoreInner, type WasmFuncEntity } from "./entities.ts";
import { CodeMap, type CompiledFunc } from "./code_map.ts";
import { translateFunc } from "./translator.ts";
import { callHost, run } from "./executor.ts";
import { ExecStack } from "./stack.ts";

/** Execution stacks larger than this (in words: 16 MiB) are dropped rather than pooled. */
const MAX_CACHED_WORDS = 4 * 1024 * 1024;

/**
 * Compiles and runs Wasm. Cheap to share between stores and modules.
 *
 * @example
 * ```ts
 * import { Engine } from "./engine.ts";
 * import { Config } from "./config.ts";
 * const engine = new Engine(new Config({ maxRecursionDepth: 10_000 }));
 * if (engine.config.maxRecursionDepth !== 10_000) throw new Error();
 * ```
 */
export class Engine {
  /** The configuration this engine was created with. */
  readonly config: Config;
  readonly #typeIds = new Map<string, number>();
  readonly #types: FuncType[] = [];
  readonly #codeMap = new CodeMap();
  readonly #stacks: ExecStack[] = [];

  /**
   * Creates an engine.
   *
   * @param config the engine's configuration (defaults if omitted)
   */
  constructor(config: Config = new Config()) {
    this.config = config;
  }

  /** The deduplicated id of a function type: equal types get equal ids. */
  typeId(type: FuncType): number {
    let id = this.#typeIds.get(type.key);
    if (id === undefined) {
      id = this.#types.length;
      this.#types.push(type);
      this.#typeIds.set(type.key, id);
    }
    return id;
  }

  /** The function type with the given id. */
  funcType(id: number): FuncType {
    return this.#types[id]!;
  }

  /**
   * Called once per validated module; compiles every body now when the compilation mode is
   * `eager` (otherwise bodies are translated on first call).
   *
   * @internal
   */
  prepareModule(module: ModuleDecl): void {
    const bodies = this.#codeMap.bodiesOf(module);
    if (this.config.compilationMode !== "eager") return;
    for (let i = 0; i < bodies.length; i++) {
      bodies[i] ??= translateFunc(module, module.importedFuncs + i);
    }
  }

  /**
   * The compiled body of a Wasm function, translated on first use and shared by every instance
   * of its module.
   *
   * @internal
   */
  compile(func: WasmFuncEntity): CompiledFunc {
    if (func.compiled !== null) return func.compiled;
    const module = func.instance.module;
    const bodies = this.#codeMap.bodiesOf(module);
    const i = func.funcIndex - module.importedFuncs;
    const compiled = bodies[i] ??= translateFunc(module, func.funcIndex);
    func.compiled = compiled;
    return compiled;
  }

  /**
   * Runs `func` on `store`. Parameters come in `io` (one 4-word slot each, see entities.ts),
   * results go out in the same buffer (it must hold max(params, results) slots).
   *
   * Throws `Trap` when execution traps (with `backtrace` filled in, innermost frame first); the
   * store stays usable. An error thrown by a host function propagates unchanged. Re-entrant: a
   * host function may call `execute` again (each call runs on its own execution stack).
   *
   * @internal
   */
  execute(store: StoreInner, func: FuncEntity, io: Int32Array): void {
    if (func.isHost) return callHost(func, null, io, 0);
    const st = this.#takeStack();
    try {
      const compiled = this.compile(func);
      if (compiled.frameWords > st.s32.length) st.growValues(compiled.frameWords);
      st.s32.set(io.subarray(0, compiled.paramWords));
      st.s32.fill(0, compiled.paramWords, compiled.localWords);
      st.depth = 0;
      st.frames[0] = 0;
      st.frames[1] = 0;
      st.funcs[0] = func;
      run(this, store, st, 0);
      io.set(st.s32.subarray(0, compiled.numResults * SLOT_WORDS));
    } catch (e) {
      throw withBacktrace(e, st);
    } finally {
      this.#releaseStack(st);
    }
  }

  #takeStack(): ExecStack {
    const c = this.config;
    if (c.maxRecursionDepth < 1) throw new Trap(TrapCode.StackOverflow);
    return this.#stacks.pop() ??
      new ExecStack(c.maxStackHeight * SLOT_WORDS, c.maxRecursionDepth);
  }

  #releaseStack(st: ExecStack): void {
    st.clear();
    // A stack that grew for a deep recursion is not worth keeping alive.
    if (this.#stacks.length < this.config.maxCachedStacks && st.s32.length <= MAX_CACHED_WORDS) {
      this.#stacks.push(st);
    }
  }
}

/**
 * Adds the Wasm frames of `st` to a trap's backtrace (after any frames of a nested call that
 * already trapped). A JS stack overflow (deep host/Wasm re-entrance) becomes a `StackOverflow`
 * trap; any other error passes through unchanged.
 */
function withBacktrace(e: unknown, st: ExecStack): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    e = new Trap(TrapCode.StackOverflow, undefined, { cause: e });
  }
  if (!(e instanceof Trap)) return e;
  for (let d = st.depth; d >= 0; d--) {
    const f = st.funcs[d];
    if (f === undefined) continue;
    const name = f.instance.module.names.funcNames.get(f.funcIndex);
    e.backtrace.push(
      name === undefined ? { funcIndex: f.funcIndex } : { funcIndex: f.funcIndex, name },
    );
  }
  return e;
}
