/**
 * Stand-ins for imports nobody provides: what a host function the REPL invents does when Wasm
 * calls it. One behaviour per import name (`env.ask`), shared by every module that imports it
 * and changeable at any time, because the host function looks it up on each call.
 *
 * @module
 */

import { valRepr } from "../src/core/type_registry.ts";
import { type FuncType, Val, type ValType } from "../mod.ts";
import { ReplError } from "./repl_error.ts";

/** What a function stand-in does when called. */
export type StandInBehaviour =
  /** Return these values (zeros until the user says otherwise). */
  | { readonly kind: "values"; readonly values: readonly Val[] }
  /** Call a JS function the user bound with `bind`. */
  | { readonly kind: "js"; readonly source: string; readonly fn: (...args: unknown[]) => unknown }
  /** Suspend the Wasm call until the user types the results. */
  | { readonly kind: "suspend" };

/** One function stand-in. */
export interface FuncStandIn {
  /** `module.name` of the import. */
  readonly key: string;
  /** The type the first importer declared. */
  readonly type: FuncType;
  /** What it does now. */
  behaviour: StandInBehaviour;
}

/**
 * Thrown by a suspending stand-in: the resumable call stops with this as its host error, and the
 * session turns it into a suspended call waiting for the user's results.
 */
export class SuspendRequest extends Error {
  override name = "SuspendRequest";
  /**
   * @param key the stand-in's `module.name`
   * @param params the arguments Wasm passed
   * @param results the types the user must supply
   */
  constructor(readonly key: string, readonly params: Val[], readonly results: readonly ValType[]) {
    super(`${key} is waiting for results`);
  }
}

/**
 * Thrown by a bound JS function that returned a Promise: the session awaits it and resumes the
 * call with its value.
 */
export class AwaitRequest extends Error {
  override name = "AwaitRequest";
  /**
   * @param key the import's `module.name`
   * @param promise what the JS function returned
   * @param results the import's result types, to convert the settled value
   */
  constructor(
    readonly key: string,
    readonly promise: Promise<unknown>,
    readonly results: readonly ValType[],
  ) {
    super(`${key} returned a Promise`);
  }
}

/** The zero value of a type (what stand-ins return until told otherwise). */
export function zeroValue(type: ValType): Val {
  switch (valRepr(type)) {
    case "i32":
      return Val.i32(0);
    case "i64":
      return Val.i64(0n);
    case "f32":
      return Val.f32(0);
    case "f64":
      return Val.f64(0);
    case "v128":
      return Val.v128(new Uint8Array(16));
    case "funcref":
      return Val.funcref(null);
    case "externref":
      return Val.externref(null);
    case "exnref":
      return Val.exnref(null);
    case "anyref":
      throw new ReplError(`The REPL cannot handle ${type} values yet`);
  }
}

/** Converts a JS function's return value into Wasm results of the given types. */
export function jsToResults(value: unknown, types: readonly ValType[], key: string): Val[] {
  let list: unknown[];
  if (types.length === 0) list = [];
  else if (types.length === 1) list = [value];
  else if (Array.isArray(value)) list = value;
  else throw new ReplError(`${key} must return an array of ${types.length} values`);
  if (list.length !== types.length) {
    throw new ReplError(`${key} returned ${list.length} values, expected ${types.length}`);
  }
  return types.map((t, i) => jsToVal(list[i], t, key));
}

function jsToVal(x: unknown, type: ValType, key: string): Val {
  if (x instanceof Val) return x;
  const fail = () =>
    new ReplError(`${key} returned ${String(x)} (${typeof x}), which is not ${article(type)}`);
  switch (valRepr(type)) {
    case "i32":
      if (typeof x === "number" || typeof x === "boolean") return Val.i32(Number(x) | 0);
      if (typeof x === "bigint") return Val.i32(Number(BigInt.asIntN(32, x)));
      throw fail();
    case "i64":
      if (typeof x === "bigint") return Val.i64(BigInt.asIntN(64, x));
      if (typeof x === "number" && Number.isInteger(x)) return Val.i64(BigInt(x));
      throw fail();
    case "f32":
      if (typeof x === "number") return Val.f32(x);
      throw fail();
    case "f64":
      if (typeof x === "number") return Val.f64(x);
      throw fail();
    case "v128":
      if (x instanceof Uint8Array && x.length === 16) return Val.v128(x);
      throw fail();
    case "funcref":
      if (x === null || x === undefined) return Val.funcref(null);
      throw fail();
    case "externref":
      return Val.externref(x ?? null);
    case "exnref":
      if (x === null || x === undefined) return Val.exnref(null);
      throw fail();
    case "anyref":
      throw new ReplError(`The REPL cannot handle ${type} values yet`);
  }
}

function article(type: ValType): string {
  return `${type === "i32" || type === "i64" ? "an" : "a"} ${type}`;
}

/** Plain JS arguments for a bound function: numbers, bigints, bytes, references. */
export function valsToJs(values: readonly Val[]): unknown[] {
  return values.map((v) => v.value);
}

/** The stand-ins of one session, by `module.name`. */
export class StandIns {
  readonly #funcs = new Map<string, FuncStandIn>();
  /** Behaviours set before any module imported the name (e.g. `bind` before `load`). */
  readonly #early = new Map<string, StandInBehaviour>();

  /**
   * The stand-in for `key`, created with `initial` behaviour if new.
   *
   * @param initial used when there is no stand-in yet and no behaviour was set early
   */
  ensure(key: string, type: FuncType, initial: StandInBehaviour): FuncStandIn {
    let s = this.#funcs.get(key);
    if (!s) {
      s = { key, type, behaviour: this.#early.get(key) ?? initial };
      this.#funcs.set(key, s);
      this.#early.delete(key);
    }
    return s;
  }

  /** The stand-in for `key`, if a module imported it. */
  get(key: string): FuncStandIn | undefined {
    return this.#funcs.get(key);
  }

  /** Sets the behaviour of `key`, now or for when a module first imports it. */
  setBehaviour(key: string, behaviour: StandInBehaviour): void {
    const s = this.#funcs.get(key);
    if (s) s.behaviour = behaviour;
    else this.#early.set(key, behaviour);
  }

  /** The behaviour set early for a name no module imports yet. */
  pending(key: string): StandInBehaviour | undefined {
    return this.#early.get(key);
  }

  /** Every function stand-in, in creation order. */
  list(): FuncStandIn[] {
    return [...this.#funcs.values()];
  }

  /** Forgets every stand-in. */
  clear(): void {
    this.#funcs.clear();
    this.#early.clear();
  }
}
