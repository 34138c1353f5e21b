/**
 * `Module`: a decoded, validated Wasm module, ready to be instantiated.
 *
 * @module
 */

import { type ExternType, TagType } from "../core/types.ts";
import { DecodeError, ValidationError } from "../core/errors.ts";
import type { ModuleDecl } from "../binary/module.ts";
import { checkBodies, decodeModule } from "../binary/decoder.ts";
import { validateModule } from "../validate/mod.ts";
import type { Engine } from "../engine/engine.ts";
import type { Config } from "../engine/config.ts";

/** An import of a module: where it comes from and the type it must have. */
export interface ImportType {
  /** The module name. */
  readonly module: string;
  /** The field name. */
  readonly name: string;
  /** The type the import must have. */
  readonly type: ExternType;
}

/** An export of a module: its name and type. */
export interface ExportType {
  /** The export name. */
  readonly name: string;
  /** The type of the exported entity. */
  readonly type: ExternType;
}

function toBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new TypeError("A module's bytes must be a Uint8Array or an ArrayBuffer");
}

/**
 * Decodes and validates a whole module, reporting what decoding then validating reports: a
 * malformed module (any body included) before an invalid one. The bodies' instructions are read
 * by validation alone unless something fails (see `BodyReading`): SQLite (610 KB of code)
 * compiles 5.6 ms (CPU) faster, a seventh of an eager compile (`deno task bench:load`).
 */
function decodeChecked(bytes: Uint8Array, config: Config): ModuleDecl {
  const decl = decodeModule(bytes, config, "onError");
  validateChecked(decl, config);
  return decl;
}

/** Validates a decoded module as `decodeChecked` does. */
function validateChecked(decl: ModuleDecl, config: Config): void {
  try {
    validateModule(decl, config);
  } catch (e) {
    checkBodies(decl, config);
    throw e;
  }
}

/**
 * An eager compile: the module-level rules, then each body validated while it is translated,
 * so each body is read once, not once to validate and once to translate (SQLite: see the
 * commit). The error is the one every other mode reports (the first broken rule, a malformed
 * body before an invalid one): a module-level failure is reported by checking the module as
 * `decodeChecked` does; a body's is already the one that check reports (every module-level
 * rule held, and bodies are checked in order, each instruction as `FuncValidator.validate`
 * checks it: tests/engine/eager_validate_test.ts), once no body is malformed.
 */
function compileEager(engine: Engine, bytes: Uint8Array): ModuleDecl {
  const decl = decodeModule(bytes, engine.config, "onError");
  try {
    validateModule(decl, engine.config, false);
  } catch (e) {
    validateChecked(decl, engine.config);
    throw e;
  }
  try {
    engine.prepareModule(decl, true);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof ValidationError) checkBodies(decl, engine.config);
    else validateChecked(decl, engine.config); // a failure of the translator itself
    throw e;
  }
  return decl;
}

let declOf: (module: Module) => ModuleDecl;

/**
 * A compiled module: decoded and validated with the features of its engine, instantiated by a
 * `Linker` (or `new Instance`) into any store of the same engine.
 *
 * @example Inspecting a module
 * ```ts
 * import { Engine, FuncType, Module } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 * const wat = `(module (import "env" "f" (func (param i32))) (memory (export "mem") 1))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const module = new Module(new Engine(), bytes);
 * const [imp] = module.imports();
 * assert.equal(imp!.name, "f");
 * assert.ok(imp!.type instanceof FuncType);
 * assert.deepEqual(module.exports().map((e) => e.name), ["mem"]);
 * ```
 */
export class Module {
  /** The engine it was compiled with. */
  readonly engine: Engine;
  readonly #decl: ModuleDecl;

  /**
   * Decodes and validates `bytes`, as the engine's `Config.compilationMode` says:
   * - `eager` and `lazyTranslation`: the whole module, function bodies included;
   * - `lazy` (the default): everything but the function bodies' instructions, which are decoded
   *   and validated when the function is first called (as wasmi's `CompilationMode::Lazy`). A
   *   malformed or invalid body is then reported by that call, which throws the `DecodeError`
   *   or `ValidationError` this constructor throws in the other modes (and throws it again on
   *   every later call of the function); the module's other functions still run. Use
   *   `Module.validate` to check a whole module at once. Unlike wasmi, compiling a body costs
   *   no fuel, so a fueled call stops at the same point in every mode.
   *
   * The module keeps `bytes` (no copy): they must not change while it is in use.
   *
   * @throws {DecodeError} when the bytes are malformed
   * @throws {ValidationError} when the module is invalid
   */
  constructor(engine: Engine, bytes: Uint8Array | ArrayBuffer) {
    this.engine = engine;
    const mode = engine.config.compilationMode;
    let decl: ModuleDecl;
    if (mode === "eager") {
      decl = compileEager(engine, toBytes(bytes));
    } else {
      const lazy = mode === "lazy";
      decl = lazy
        ? decodeModule(toBytes(bytes), engine.config, "never")
        : decodeChecked(toBytes(bytes), engine.config);
      if (lazy) validateModule(decl, engine.config, false);
      engine.prepareModule(decl);
    }
    this.#decl = decl;
  }

  /**
   * Checks that `bytes` are a valid module for `engine`, without compiling it: the whole module,
   * function bodies included, whatever the compilation mode.
   *
   * @throws {DecodeError} when the bytes are malformed
   * @throws {ValidationError} when the module is invalid
   */
  static validate(engine: Engine, bytes: Uint8Array | ArrayBuffer): void {
    decodeChecked(toBytes(bytes), engine.config);
  }

  /** The module's name from its name section, if any. */
  get name(): string | null {
    return this.#decl.names.moduleName;
  }

  /** The imports, in order. */
  imports(): ImportType[] {
    const d = this.#decl;
    return d.imports.map((imp) => ({
      module: imp.module,
      name: imp.name,
      type: imp.kind === "func"
        ? d.types[imp.typeIndex]!
        : imp.kind === "tag"
        ? new TagType(d.types[imp.typeIndex]!)
        : imp.type,
    }));
  }

  /** The exports, in order. */
  exports(): ExportType[] {
    const d = this.#decl;
    return d.exports.map((exp) => {
      let type: ExternType;
      switch (exp.kind) {
        case "func":
          type = d.types[d.funcTypeIndices[exp.index]!]!;
          break;
        case "table":
          type = d.tables[exp.index]!;
          break;
        case "memory":
          type = d.memories[exp.index]!;
          break;
        case "global":
          type = d.globalTypes[exp.index]!;
          break;
        case "tag":
          type = new TagType(d.types[d.tags[exp.index]!]!);
          break;
      }
      return { name: exp.name, type };
    });
  }

  static {
    declOf = (module) => module.#decl;
  }

  /** The contents of every custom section called `name`, in order. */
  customSections(name: string): Uint8Array[] {
    return this.#decl.customSections.filter((s) => s.name === name).map((s) => s.data);
  }
}

/** The decoded module behind `module` (for the runtime and the engine only). */
export function moduleDecl(module: Module): ModuleDecl {
  return declOf(module);
}
