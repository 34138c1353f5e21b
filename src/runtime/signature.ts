/**
 * Plain JS types for Wasm signatures: what a typed function takes and returns, inferred from a
 * `{ params, results }` literal. `Func.wrap`, `Linker.funcWrap` and `Instance.getTypedFunc` use
 * these so that a callback of the wrong shape fails to type-check.
 *
 * @module
 */

import type { ValType } from "../core/types.ts";
import type { Caller } from "./caller.ts";
import type { Func } from "./func.ts";
import type { WasmException } from "./exception.ts";

/**
 * The plain JS type of a value of the Wasm type `V`: `number` for i32, f32 and f64, `bigint` for
 * i64, a 16-byte `Uint8Array` for v128, `Func | null` for funcref, any value for externref,
 * `WasmException | null` for exnref. A union of value types gives the union of their JS types.
 *
 * @example
 * ```ts
 * import type { JsValue } from "../../mod.ts";
 * const x: JsValue<"i64"> = 5n;
 * const y: JsValue<"f32"> = 1.5;
 * if (x !== 5n || y !== 1.5) throw new Error();
 * ```
 */
export type JsValue<V extends ValType> = V extends "i64" ? bigint
  : V extends "v128" ? Uint8Array
  : V extends "funcref" ? Func | null
  : V extends "externref" ? unknown
  : V extends "exnref" ? WasmException | null
  : number;

/**
 * The JS parameters of a function whose parameter types are `P`: one `JsValue` per type when
 * `P` is a tuple (a literal, or `as const`); any values when it is only known as `ValType[]`.
 *
 * @example
 * ```ts
 * import type { JsParams } from "../../mod.ts";
 * const args: JsParams<readonly ["i32", "i64"]> = [1, 2n];
 * if (args.length !== 2) throw new Error();
 * ```
 */
export type JsParams<P extends readonly ValType[]> = number extends P["length"]
  // Not a tuple: an array of any length.
  // deno-lint-ignore no-explicit-any
  ? any[]
  : { -readonly [K in keyof P]: JsValue<P[K]> };

/**
 * The JS result of a function whose result types are `R`: `void` for none, the `JsValue` of the
 * one result, a tuple for several; `unknown` when `R` is only known as `ValType[]`.
 *
 * @example
 * ```ts
 * import type { JsResults } from "../../mod.ts";
 * const one: JsResults<readonly ["f64"]> = 2.5;
 * const two: JsResults<readonly ["i32", "i64"]> = [1, 2n];
 * if (one !== 2.5 || two.length !== 2) throw new Error();
 * ```
 */
export type JsResults<R extends readonly ValType[]> = number extends R["length"] ? unknown
  : R extends readonly [] ? void
  : R extends readonly [infer V extends ValType] ? JsValue<V>
  : { -readonly [K in keyof R]: JsValue<R[K]> };

/** A signature given as a `{ params, results }` literal (or a `FuncType`). */
export interface Signature {
  /** The parameter types. */
  readonly params: readonly ValType[];
  /** The result types. */
  readonly results: readonly ValType[];
}

/**
 * A host function for `Func.wrap` / `Linker.funcWrap` with the signature `S`: it takes the
 * `Caller` and one JS value per parameter, and returns the JS result (or a Promise of it).
 *
 * @example
 * ```ts
 * import type { HostFuncTyped } from "../../mod.ts";
 * const add: HostFuncTyped<null, { params: ["i64", "i64"]; results: ["i64"] }> = (_c, a, b) =>
 *   a + b;
 * if (typeof add !== "function") throw new Error();
 * ```
 */
export type HostFuncTyped<T, S extends Signature> = (
  caller: Caller<T>,
  ...params: JsParams<S["params"]>
) => [JsResults<S["results"]>] extends [void] ? void // any function (an async one too) fits
  : JsResults<S["results"]> | Promise<JsResults<S["results"]>>;
