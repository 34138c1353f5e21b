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

/** Reads a parameter's slot at word `w` as a plain JS value. */
type Reader = (stack: Int32Array, w: number) => unknown;

/** An i32 parameter as a JS number. */
const readI32: Reader = (stack, w) => stack[w]!;

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
  // Plain copies of the frozen signature arrays: V8 15 reads elements of a frozen array in
  // optimised code through the generic keyed-load stub (see `TypedFunc`'s `#params`).
  const params = [...type.params];
  const results = [...type.results];
  const what = `${label} ${type}`;

  // Messages built once: a host call that builds one per call (a template string) pays for it.
  const resultWhat = `the result of ${what}`;
  const resultsWhat = `results from ${what}`;
  const singleI32 = results.length === 1 && results[0] === "i32";
  const writeResults = (out: unknown, stack: Int32Array, base: number): void => {
    if (flavour === "vals") {
      if (out === undefined && results.length === 0) return;
      checkVals(out as readonly Val[], results, resultsWhat, store);
      const vals = out as readonly Val[];
      for (let i = 0; i < vals.length; i++) writeVal(store, vals[i]!, stack, base + i * SLOT_WORDS);
      return;
    }
    if (results.length === 0) return;
    if (results.length === 1) {
      if (singleI32 && typeof out === "number") stack[base] = out | 0;
      else writeJs(store, results[0]!, out, stack, base, resultWhat, true);
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

  // A plain host function of up to three parameters is called with them as arguments, each
  // read by a reader fixed for its type, rather than through an array and `Reflect.apply`
  // (`bench/hostcall.wat`, two i32 parameters: see the commit that added it).
  const readers = params.map((t): Reader =>
    t === "i32" ? readI32 : (stack, w) => readJs(store, t, stack, w)
  );
  const [r0, r1, r2] = readers;
  const plain = fn as HostFuncWrap<unknown>;
  const callPlain: (caller: Caller<unknown>, stack: Int32Array, base: number) => unknown =
    params.length === 0
      ? (caller) => plain(caller)
      : params.length === 1
      ? (caller, stack, base) => plain(caller, r0!(stack, base))
      : params.length === 2
      ? (caller, stack, base) => plain(caller, r0!(stack, base), r1!(stack, base + SLOT_WORDS))
      : params.length === 3
      ? (caller, stack, base) =>
        plain(
          caller,
          r0!(stack, base),
          r1!(stack, base + SLOT_WORDS),
          r2!(stack, base + 2 * SLOT_WORDS),
        )
      : (caller, stack, base) => {
        const args = new Array<unknown>(params.length + 1);
        args[0] = caller;
        for (let i = 0; i < params.length; i++) {
          args[i + 1] = readers[i]!(
            stack,
            base + i * SLOT_WORDS,
          );
        }
        return Reflect.apply(fn, undefined, args);
      };

  // The last caller made: a `Caller` only names the store and the calling instance, so calls
  // from the same instance share one rather than allocating one per call.
  let lastInstance: InstanceEntity | null | undefined = undefined;
  let lastCaller: Caller<unknown> | null = null;
  const call = (
    instance: InstanceEntity | null,
    stack: Int32Array,
    base: number,
  ): void | Promise<void> => {
    // Parameters are read out before the call: the results overwrite the same slots.
    let caller = lastCaller;
    if (instance !== lastInstance || caller === null) {
      caller = lastCaller = createCaller(store, instance);
      lastInstance = instance;
    }
    let out: unknown;
    if (flavour === "vals") {
      const args = new Array<Val>(params.length);
      for (let i = 0; i < args.length; i++) {
        args[i] = readVal(store, params[i]!, stack, base + i * SLOT_WORDS);
      }
      out = (fn as HostFuncNew<unknown>)(caller, args);
    } else {
      out = callPlain(caller, stack, base);
    }
    if (typeof out === "object" && isThenable(out)) {
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

  const entity = new HostFuncEntity(type, store.engine.typeId(type), invoke);
  // Generated code calls a plain function of at most three i32 parameters and no result or
  // one i32 with its arguments and result as JS values (`HostFast`), not through the slots and
  // the layers above.
  if (
    flavour === "plain" && params.length <= 3 && params.every((t) => t === "i32") &&
    (results.length === 0 || singleI32)
  ) {
    const callFast: (caller: Caller<unknown>, a: number, b: number, c: number) => unknown =
      params.length === 0
        ? (caller) => plain(caller)
        : params.length === 1
        ? (caller, a) => plain(caller, a)
        : params.length === 2
        ? (caller, a, b) => plain(caller, a, b)
        : (caller, a, b, c) => plain(caller, a, b, c);
    entity.fast = (instance, stack, base, a, b, c) => {
      if (inner.callHook !== null) return invoke(instance, stack, base);
      let caller = lastCaller;
      if (instance !== lastInstance || caller === null) {
        caller = lastCaller = createCaller(store, instance);
        lastInstance = instance;
      }
      const out = callFast(caller, a, b, c);
      if (typeof out === "number") {
        if (singleI32) return out | 0;
        if (results.length === 0) return 0;
      }
      if (typeof out === "object" && isThenable(out)) {
        return Promise.resolve(out).then((value) => writeResults(value, stack, base));
      }
      writeResults(out, stack, base);
      return results.length === 0 ? 0 : undefined;
    };
  }
  return entity;
}
