/**
 * Host functions: the trampoline between the engine's slots and a JS function, in two flavours:
 * `Val`s in and out (`new Func`, `Linker.funcNew`), or plain JS values (`Func.wrap`,
 * `Linker.funcWrap`).
 *
 * @module
 */

import type { FuncType } from "../core/types.ts";
import { HostFuncEntity, type InstanceEntity, SLOT_WORDS } from "../engine/entities.ts";
import { type Caller, createCaller } from "./caller.ts";
import { FuncError } from "./errors.ts";
import { hookedHostCall } from "./call_hook.ts";
import { type Store, storeInner } from "./store.ts";
import { checkVals, readJs, readVal, type Val, writeJs, writeVal } from "./val.ts";

/**
 * A host function taking and returning `Val`s. It returns one `Val` per result (`undefined` is
 * accepted when there are none), or a Promise of them (only usable from an async call).
 */
export type HostFuncNew<T> = (
  caller: Caller<T>,
  params: Val[],
) => readonly Val[] | void | Promise<readonly Val[] | void>;

/**
 * A host function taking one plain JS value per parameter (see `Func.wrap`) and returning
 * nothing, the value for a single result, or an array for several (or a Promise of that).
 */
// deno-lint-ignore no-explicit-any
export type HostFuncWrap<T> = (caller: Caller<T>, ...params: any[]) => unknown;

/** Which calling convention a host function uses. */
export type HostFuncFlavour = "vals" | "plain";

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === "object" && x !== null &&
    typeof (x as { then?: unknown }).then === "function";
}

/**
 * A host function entity for `fn`, not yet registered in `store` (the caller registers it).
 *
 * @param label names the function in error messages, e.g. `host function "env"."f"`
 */
export function createHostFunc(
  store: Store,
  type: FuncType,
  fn: HostFuncNew<unknown> | HostFuncWrap<unknown>,
  flavour: HostFuncFlavour,
  label = "host function",
): HostFuncEntity {
  const { params, results } = type;
  const what = `${label} ${type}`;

  const writeResults = (out: unknown, stack: Int32Array, base: number): void => {
    if (flavour === "vals") {
      if (out === undefined && results.length === 0) return;
      checkVals(out as readonly Val[], results, `results from ${what}`, store);
      const vals = out as readonly Val[];
      for (let i = 0; i < vals.length; i++) writeVal(store, vals[i]!, stack, base + i * SLOT_WORDS);
      return;
    }
    if (results.length === 0) return;
    if (results.length === 1) {
      writeJs(store, results[0]!, out, stack, base, `the result of ${what}`, true);
      return;
    }
    if (!Array.isArray(out) || out.length !== results.length) {
      throw new FuncError(`Expected ${what} to return an array of ${results.length} results`);
    }
    for (let i = 0; i < results.length; i++) {
      const at = base + i * SLOT_WORDS;
      writeJs(store, results[i]!, out[i], stack, at, `result ${i} of ${what}`, true);
    }
  };

  const call = (
    instance: InstanceEntity | null,
    stack: Int32Array,
    base: number,
  ): void | Promise<void> => {
    // Parameters are read out before the call: the results overwrite the same slots.
    const caller = createCaller(store, instance);
    let out: unknown;
    if (flavour === "vals") {
      const args = new Array<Val>(params.length);
      for (let i = 0; i < args.length; i++) {
        args[i] = readVal(store, params[i]!, stack, base + i * SLOT_WORDS);
      }
      out = (fn as HostFuncNew<unknown>)(caller, args);
    } else {
      const args = new Array<unknown>(params.length + 1);
      args[0] = caller;
      for (let i = 0; i < params.length; i++) {
        args[i + 1] = readJs(store, params[i]!, stack, base + i * SLOT_WORDS);
      }
      out = Reflect.apply(fn, undefined, args);
    }
    if (isThenable(out)) {
      return Promise.resolve(out).then((value) => writeResults(value, stack, base));
    }
    writeResults(out, stack, base);
  };

  // Calls from Wasm (those with a calling instance) run between the store's call hooks.
  const inner = storeInner(store);
  const invoke = (
    instance: InstanceEntity | null,
    stack: Int32Array,
    base: number,
  ): void | Promise<void> => {
    const hook = inner.callHook;
    if (hook === null || instance === null) return call(instance, stack, base);
    return hookedHostCall(hook, () => call(instance, stack, base));
  };

  return new HostFuncEntity(type, store.engine.typeId(type), invoke);
}
