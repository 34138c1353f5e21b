/**
 * `Engine`: what modules compiled with it share: the config, the function-type registry and
 * the compiled code; and the entry point that runs a function on a store.
 *
 * @module
 */

import { Config } from "./config.ts";
import type { FuncType } from "../core/types.ts";
import type { ModuleDecl } from "../binary/module.ts";
import type { FuncEntity, StoreInner } from "./entities.ts";

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

  /** @param config the engine's configuration (defaults if omitted) */
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
   */
  prepareModule(_module: ModuleDecl): void {
  }

  /**
   * Runs `func` on `store`. Parameters come in `io` (one 4-word slot each, see entities.ts),
   * results go out in the same buffer (it must hold max(params, results) slots).
   * Throws `Trap` when execution traps; the store stays usable.
   */
  execute(_store: StoreInner, _func: FuncEntity, _io: Int32Array): void {
    throw new Error("Engine.execute is not implemented yet");
  }
}
