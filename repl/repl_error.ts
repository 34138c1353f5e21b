/**
 * The error a command throws when its input is wrong (as opposed to a Wasm error): the REPL
 * prints its message alone, without a stack.
 *
 * @module
 */

/** A mistake in what the user typed; the message says what was expected. */
export class ReplError extends Error {
  override name = "ReplError";
}
