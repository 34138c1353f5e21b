/**
 * `Tag`: a handle to an exception tag in a store (exception-handling proposal).
 *
 * @module
 */

import { FuncType, TagType } from "../core/types.ts";
import { TagEntity } from "../engine/entities.ts";
import { tags } from "./handles.ts";
import type { Store } from "./store.ts";

/**
 * An exception tag: what `throw` names and `catch` matches. Two tags are the same tag only if
 * they are the same object (a module's own tags are new in each instance); importing a tag
 * shares it. Exceptions carry payload values of the tag type's parameter types.
 *
 * @example A host tag linked into a module, and an exception that escapes
 * ```ts
 * import { Config, Engine, Linker, Module, Store, Tag, TagType, FuncType, Val, WasmException }
 *   from "../../mod.ts";
 * import assert from "node:assert/strict";
 * // (module (import "env" "oops" (tag (param i32)))
 * //   (func (export "boom") (param i32) (throw 0 (local.get 0))))
 * const bytes = new Uint8Array([
 *   0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 1, 127, 0, 2, 13, 1, 3, 101, 110, 118, 4, 111, 111,
 *   112, 115, 4, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 98, 111, 111, 109, 0, 0, 10, 8, 1, 6, 0, 32, 0, 8,
 *   0, 11,
 * ]);
 * const engine = new Engine(new Config({ wasmExceptions: true }));
 * const store = new Store(engine, null);
 * const oops = new Tag(store, new TagType(new FuncType(["i32"], [])));
 * const linker = new Linker(engine).define("env", "oops", oops);
 * const instance = linker.instantiate(store, new Module(engine, bytes));
 * try {
 *   instance.getFunc(store, "boom")!.call(store, [Val.i32(7)]);
 *   assert.fail("no exception");
 * } catch (e) {
 *   assert.ok(e instanceof WasmException);
 *   assert.equal(e.tag(store), oops);
 *   assert.deepEqual(e.payload(store).map((v) => v.value), [7]);
 * }
 * ```
 */
export class Tag {
  /**
   * Creates a tag.
   *
   * @param store the store that will own it
   * @param type its type: the payload types (a `TagType`, or a `FuncType` without results)
   * @throws {TypeError} when `type` is neither, or has results
   */
  constructor(store: Store, type: TagType | FuncType) {
    const t = type instanceof FuncType ? new TagType(type) : type;
    if (!(t instanceof TagType)) throw new TypeError("A tag's type must be a TagType");
    tags.bind(this, store, new TagEntity(t.type));
  }

  /** The tag's type. */
  ty(store: Store): TagType {
    return new TagType(tags.entity(store, this).type);
  }
}
tags.define(Tag);
