/**
 * The error classes of every stage before execution (execution errors are `Trap`s).
 *
 * @module
 */

/**
 * Base class of the library's own errors, so one `instanceof` catches them all.
 *
 * @example Telling a malformed module apart
 * ```ts
 * import { DecodeError, Engine, Module, WasmError } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const notWasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]);
 * assert.throws(() => new Module(new Engine(), notWasm), (e) => {
 *   assert.ok(e instanceof WasmError && e instanceof DecodeError);
 *   assert.equal(e.offset, 4); // the version field
 *   return true;
 * });
 * ```
 */
export class WasmError extends Error {
  /** The class name, shown before the message when the error is printed. */
  override name = "WasmError";

  /**
   * Creates the error.
   *
   * @param message what went wrong
   * @param options the `cause`, if any
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Keeps `instanceof` working where classes are compiled down to ES5 functions (the Hermes
    // build), whose `Error.call` returns a plain Error; a no-op for real classes.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * Malformed binary: the bytes are not a Wasm module.
 *
 * `offset` is the byte offset where decoding failed; the message says what was expected there
 * (using the spec testsuite's wording where it has one, e.g. "unexpected end").
 */
export class DecodeError extends WasmError {
  /** The class name, shown before the message when the error is printed. */
  override name = "DecodeError";
  /**
   * Creates a decode error; the message gets the offset appended in hex.
   *
   * @param message what was expected (spec wording first)
   * @param offset byte offset into the module where decoding failed
   */
  constructor(message: string, readonly offset: number) {
    super(`${message} (at offset 0x${offset.toString(16)})`);
    this.reason = message;
  }
  /** The message without the offset, e.g. `"unexpected end"`. */
  readonly reason: string;
}

/**
 * Invalid module: well-formed bytes that break a validation rule.
 *
 * `funcIndex` names the function whose body is invalid (or `null` outside code), `offset` the
 * byte offset of the offending instruction or entry.
 */
export class ValidationError extends WasmError {
  /** The class name, shown before the message when the error is printed. */
  override name = "ValidationError";
  /**
   * Creates a validation error; the message gets the function and the offset appended.
   *
   * @param message the rule that was broken (spec wording first, e.g. "type mismatch")
   * @param offset byte offset into the module
   * @param funcIndex index of the function whose body is invalid, if any
   */
  constructor(message: string, readonly offset: number, readonly funcIndex: number | null = null) {
    const where = funcIndex === null ? "" : ` in func ${funcIndex}`;
    super(`${message}${where} (at offset 0x${offset.toString(16)})`);
    this.reason = message;
  }
  /** The message without location, e.g. `"type mismatch"`. */
  readonly reason: string;
}

/** An import could not be resolved, or resolved to an entity of the wrong type. */
export class LinkError extends WasmError {
  /** The class name, shown before the message when the error is printed. */
  override name = "LinkError";
}

/**
 * A `Config` asked for something the engine cannot do: a Wasm proposal it does not implement,
 * or an option it does not know.
 *
 * @example
 * ```ts
 * import { Config, ConfigError } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => new Config({ compilationMode: "jit" as never }), ConfigError);
 * ```
 */
export class ConfigError extends WasmError {
  /** The class name, shown before the message when the error is printed. */
  override name = "ConfigError";
}

/** Instantiation failed after linking, e.g. an active segment out of bounds. */
export class InstantiationError extends WasmError {
  /** The class name, shown before the message when the error is printed. */
  override name = "InstantiationError";
}
