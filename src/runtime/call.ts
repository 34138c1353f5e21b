/**
 * Calling a function entity from the API, synchronously: the one place a `Func` or `TypedFunc`
 * call (and an instance's start function) enters the engine.
 *
 * @module
 */

import { FuncType, type ValType } from "../core/types.ts";
import { DONE, type RunStatus } from "../engine/engine.ts";
import type { FuncEntity } from "../engine/entities.ts";
import { hookedWasmCall } from "./call_hook.ts";
import { callHostRoot, promiseInSyncCall } from "./resumable.ts";
import { type Store, storeInner } from "./store.ts";

/** A function type, or anything with the same `params` and `results`. */
export type FuncTypeLike = FuncType | {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
};

/** `type` as a `FuncType` (validating its value types). */
export function toFuncType(type: FuncTypeLike): FuncType {
  return type instanceof FuncType ? type : new FuncType(type.params, type.results);
}

/**
 * Runs `entity` with its parameters in the slots of `io` and leaves its results there. Wasm
 * functions go to the engine, between the store's `CallingWasm` and `ReturningFromWasm` hooks;
 * host functions are called directly, with no calling instance (and no hooks, as in wasmi).
 * A host function that returns a Promise makes it throw `AsyncHostFuncError`.
 */
export function callEntity(store: Store, entity: FuncEntity, io: Int32Array): void {
  if (entity.isHost) return callHostRoot(store.engine, entity, io);
  const inner = storeInner(store);
  const hook = inner.callHook;
  let status: RunStatus = DONE;
  if (hook === null) status = store.engine.execute(inner, entity, io);
  else hookedWasmCall(hook, () => void (status = store.engine.execute(inner, entity, io)));
  if (status !== DONE) throw promiseInSyncCall();
}
