/**
 * The error classes of every stage before execution (execution errors are `Trap`s).
 *
 * @module
 */

/** Base class of the library's own errors, so one `instanceof` catches them all. */
export class WasmError extends Error {
  override name = "WasmError";
}

/**
 * Malformed binary: the bytes are not a Wasm module.
 *
 * `offset` is the byte offset where decoding failed; the message says what was expected there
 * (using the spec testsuite's wording where it has one, e.g. "unexpected end").
 */
export class DecodeError extends WasmError {
  override name = "DecodeError";
  /**
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
  override name = "ValidationError";
  /**
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
  override name = "LinkError";
}

/** Instantiation failed after linking, e.g. an active segment out of bounds. */
export class InstantiationError extends WasmError {
  override name = "InstantiationError";
}
