/**
 * `WasmException`: a Wasm exception (exception-handling proposal) at the API, both ways. An
 * exception that no handler catches leaves a call as this error; a host function called from
 * Wasm throws one to raise an exception that Wasm handlers can catch. It is also the API value
 * of an `exnref`.
 *
 * @module
 */

import { errorExns, ExnEntity, exnErrors, SLOT_WORDS } from "../engine/entities.ts";
import { exnRefsOf } from "../engine/exceptions.ts";
import type { GcRef } from "../engine/gc.ts";
import { refHierarchy } from "../core/type_registry.ts";
import { tags } from "./handles.ts";
import { type Store, storeInner } from "./store.ts";
import type { Tag } from "./tag.ts";
import { checkVals, readVal, Val, writeVal } from "./val.ts";

/** The exception the next `WasmException` adopts instead of making one (see `exnErrors`). */
let adopting: ExnEntity | null = null;

function newExn(store: Store, tag: Tag, payload: readonly Val[]): ExnEntity {
  const entity = tags.entity(store, tag);
  const types = entity.type.params;
  checkVals(payload, types, `payload values of tag (${types.join(", ")})`);
  const words = new Int32Array(types.length * SLOT_WORDS);
  for (let i = 0; i < payload.length; i++) writeVal(store, payload[i]!, words, i * SLOT_WORDS);
  return new ExnEntity(entity, Array.from(words), exnRefsOf(storeInner(store), types, words));
}

/**
 * A Wasm exception: a tag and payload values. Wasm code throws these with `throw` and catches
 * them with `try_table`; one that escapes a call is thrown as this error (a `Trap` is something
 * else: Wasm cannot catch traps). A host function may throw one into the Wasm code that called
 * it, where a handler catches it as if Wasm had thrown it; any other error a host function
 * throws stays a host error, which Wasm cannot catch.
 *
 * @example A host function throws, Wasm catches
 * ```ts
 * import {
 *   Config, Engine, FuncType, Linker, Module, Store, Tag, TagType, Val, WasmException,
 * } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * // (module (import "env" "t" (tag $t (param i32))) (import "env" "f" (func $f))
 * //   (func (export "run") (result i32)
 * //     (block $h (result i32) (try_table (catch $t $h) (call $f)) (i32.const -1))))
 * const bytes = new Uint8Array([
 *   0, 97, 115, 109, 1, 0, 0, 0, 1, 12, 3, 96, 1, 127, 0, 96, 0, 0, 96, 0, 1, 127, 2, 18, 2, 3,
 *   101, 110, 118, 1, 116, 4, 0, 0, 3, 101, 110, 118, 1, 102, 0, 1, 3, 2, 1, 2, 7, 7, 1, 3, 114,
 *   117, 110, 0, 1, 10, 18, 1, 16, 0, 2, 127, 31, 64, 1, 0, 0, 0, 16, 0, 11, 65, 127, 11, 11,
 * ]);
 * const engine = new Engine(new Config({ wasmExceptions: true }));
 * const store = new Store(engine, null);
 * const t = new Tag(store, new TagType(new FuncType(["i32"], [])));
 * const linker = new Linker(engine).define("env", "t", t);
 * linker.funcWrap("env", "f", { params: [], results: [] }, () => {
 *   throw new WasmException(store, t, [Val.i32(42)]);
 * });
 * const instance = linker.instantiate(store, new Module(engine, bytes));
 * assert.equal(instance.getTypedFunc(store, "run").call(store), 42);
 * ```
 */
export class WasmException extends Error {
  readonly #exn: ExnEntity;

  /**
   * Creates an exception to throw from a host function.
   *
   * @param store the store that owns `tag`
   * @param tag the exception's tag
   * @param payload one value per parameter of the tag's type
   * @throws {FuncError} when the payload does not fit the tag's type
   */
  constructor(store: Store, tag: Tag, payload: readonly Val[]) {
    super("uncaught Wasm exception");
    this.name = "WasmException";
    this.#exn = adopting ?? newExn(store, tag, payload);
    adopting = null;
    this.#exn.error ??= this;
    errorExns.set(this, this.#exn);
  }

  /** The exception's tag. */
  tag(store: Store): Tag {
    return tags.handle(store, this.#exn.tag);
  }

  /** The payload values, typed by the tag's parameter types. */
  payload(store: Store): Val[] {
    const exn = this.#exn;
    const words = Int32Array.from(exn.payload);
    return exn.tag.type.params.map((t, i) => {
      const ref = exn.refs?.[i];
      if (ref === undefined) return readVal(store, t, words, i * SLOT_WORDS);
      if (ref === null || ref instanceof ExnEntity) {
        if (refHierarchy(t) === "exn") {
          return Val.exnref(ref === null ? null : exnErrors.make(ref) as WasmException);
        }
      }
      words[i * SLOT_WORDS] = storeInner(store).gc.handle(ref as GcRef);
      return readVal(store, t, words, i * SLOT_WORDS);
    });
  }
}

exnErrors.make = (exn) => {
  if (exn.error !== null) return exn.error;
  adopting = exn;
  // The arguments are unused while adopting.
  return new WasmException(null as unknown as Store, null as unknown as Tag, []);
};
