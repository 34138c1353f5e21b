/**
 * `Config`: the Wasm features an engine accepts, its limits and its execution options.
 *
 * @module
 */

import { ConfigError } from "../core/errors.ts";
import type { WasmFeatures } from "../core/features.ts";

/**
 * When a function body is checked and translated to internal code, as in wasmi:
 * - `eager`: `new Module` decodes, validates and translates every body (each validated while it
 *   is translated, so its instructions are read once);
 * - `lazyTranslation`: `new Module` decodes and validates every body; each is translated on its
 *   first call;
 * - `lazy` (the default): `new Module` checks everything but the instructions of the bodies;
 *   each body is decoded, validated and translated on its first call, so unused functions cost
 *   nothing. A malformed or invalid body is then reported by the call that reaches it (see
 *   `Module`), with the `DecodeError` or `ValidationError` the other modes throw at
 *   `new Module`. `Module.validate` checks a whole module in any mode.
 */
export type CompilationMode = "eager" | "lazyTranslation" | "lazy";

/**
 * How Wasm code runs: `interpreter` (the dispatch loop over internal code), `codegen` (each
 * function translated to JavaScript with `new Function` on its first call; engine creation fails
 * where the realm forbids code generation), or `auto` (the default): where `new Function` works
 * in this realm (probed once, silently), the interpreter until a function is hot (1,000 calls
 * plus loop iterations), then its generated code, a running call continuing there; the
 * interpreter alone otherwise.
 */
export type ExecutionTier = "interpreter" | "codegen" | "auto";

/**
 * How the code-generation tier spells its JavaScript: `jit` for an engine that compiles it
 * with an optimizing JIT (V8's TurboFan, JavaScriptCore's DFG/FTL: inline forms its optimizer
 * folds away), `lean` for one that only interprets it (V8's `--jitless` Ignition, iOS Lockdown
 * Mode, QuickJS, Hermes' interpreter: fewer bytecodes per Wasm instruction, since each one
 * costs there), or `auto` (the default): `lean` where `globalThis.WebAssembly` is missing,
 * `jit` otherwise. That probe is what `auto` detects, nothing more: V8 and JavaScriptCore
 * remove `WebAssembly` when they run without a JIT (`--jitless`, Lockdown Mode), and QuickJS
 * and Hermes never have it; a realm that merely deletes `WebAssembly` also gets `lean`, and a
 * JIT-less realm that still provides it gets `jit`. Both styles run every instruction exactly
 * alike (same traps, fuel, NaN bits); only their speed differs.
 */
export type CodegenStyle = "jit" | "lean" | "auto";

/**
 * When bulk operations (`memory.copy`, `table.fill`, ...) pay their per-byte fuel: `lazy` only
 * when they succeed, `eager` before checking their bounds.
 */
export type FuelConsumptionMode = "lazy" | "eager";

/**
 * Fuel prices: what an operator costs, and how many bytes or elements one unit of fuel buys.
 * What is counted, and when it is paid, is described in `src/engine/fuel.ts`.
 */
export interface FuelCosts {
  /** Cost of every Wasm operator (`end`, `block`, `local.get`, ... included); default 1. */
  base: number;
  /** Cost of a call (`call`, `call_indirect`) in addition to `base`; default 0. */
  call: number;
  /** Bulk memory operations, and `memory.grow` for its new bytes, pay 1 fuel per this many bytes. */
  bytesPerFuel: number;
  /** Bulk table operations, and `table.grow` for its new elements, pay 1 fuel per this many. */
  elementsPerFuel: number;
}

/** Everything `new Config(...)` accepts; every field is optional. */
export interface ConfigOptions {
  /** Importing and exporting mutable globals; default on. */
  wasmMutableGlobal?: boolean;
  /** Sign-extension operators such as `i32.extend8_s`; default on. */
  wasmSignExtension?: boolean;
  /** Non-trapping float-to-int conversions (`*.trunc_sat_*`); default on. */
  wasmSaturatingFloatToInt?: boolean;
  /** Functions and blocks with several results; default on. */
  wasmMultiValue?: boolean;
  /** Bulk memory and table operations, passive segments; default on. */
  wasmBulkMemory?: boolean;
  /** `funcref`/`externref` values, several tables, `ref.*` and `table.*`; default on. */
  wasmReferenceTypes?: boolean;
  /** 128-bit SIMD, the `v128` type; default on. */
  wasmSimd?: boolean;
  /**
   * The relaxed SIMD proposal; default on, as in wasmi. Each relaxed operator computes what the
   * Arm (AArch64) lowering computes, the same on every host (see `engine/simd.ts`).
   */
  wasmRelaxedSimd?: boolean;
  /** The tail-call proposal (`return_call`, `return_call_indirect`); default on, as in wasmi. */
  wasmTailCall?: boolean;
  /** The extended-const proposal (arithmetic in constant expressions); default off. */
  wasmExtendedConst?: boolean;
  /** The multi-memory proposal (several memories per module); default on. */
  wasmMultiMemory?: boolean;
  /** The memory64 proposal (memories and tables indexed by `i64`); default on. */
  wasmMemory64?: boolean;
  /** The custom-page-sizes proposal (memories with 1-byte pages); default off. */
  wasmCustomPageSizes?: boolean;
  /** The wide-arithmetic proposal (`i64.add128`, `i64.sub128`, `i64.mul_wide_s/u`); default off. */
  wasmWideArithmetic?: boolean;
  /**
   * The exception-handling proposal (tags, `throw`, `throw_ref`, `try_table`, `exnref`; the
   * legacy `try`/`catch`/`rethrow`/`delegate` are not supported); default off, as in wasmi.
   */
  wasmExceptions?: boolean;
  /**
   * The threads proposal, as far as one thread honours it: shared memory types and every atomic
   * operator (see `engine/atomics.ts`); default off, as in wasmi.
   */
  wasmThreads?: boolean;
  /**
   * Typed function references (`(ref $t)`, `call_ref`, `return_call_ref`, `ref.as_non_null`,
   * `br_on_null`, `br_on_non_null`, non-defaultable locals); default off, as in wasmi.
   */
  wasmFunctionReferences?: boolean;
  /** The GC proposal (struct, array, i31, subtyping, casts); implies function references; default off. */
  wasmGc?: boolean;
  /** Maximum depth of nested Wasm calls before `StackOverflow`. */
  maxRecursionDepth?: number;
  /** Maximum number of value slots on one execution stack before `StackOverflow`. */
  maxStackHeight?: number;
  /**
   * How many calls from the host may nest inside a running call (host → Wasm → host → Wasm
   * ...) before `StackOverflow`; default 128.
   */
  maxHostReentry?: number;
  /** Execution stacks the engine keeps for reuse. */
  maxCachedStacks?: number;
  /** Whether execution pays fuel (see `Store.setFuel`); default off. */
  consumeFuel?: boolean;
  /** When bulk operations pay their per-byte fuel; default `"lazy"`. */
  fuelConsumptionMode?: FuelConsumptionMode;
  /** Fuel prices to change; the others keep their defaults. */
  fuelCosts?: Partial<FuelCosts>;
  /** When function bodies are checked and translated; default `"lazy"` (see `CompilationMode`). */
  compilationMode?: CompilationMode;
  /** How Wasm code runs; default `"auto"` (see `ExecutionTier`). */
  executionTier?: ExecutionTier;
  /** How generated JavaScript is spelled; default `"auto"` (see `CodegenStyle`). */
  codegenStyle?: CodegenStyle;
}

/** The proposals a switch names that the engine does not implement: their switches stay off. */
const UNIMPLEMENTED_PROPOSALS: Partial<Record<keyof WasmFeatures, string>> = {};

/**
 * Engine configuration, as wasmi's `Config`: Wasm 2.0 features, tail calls, relaxed SIMD,
 * multi-memory and memory64 on by default (as in wasmi 2.0); custom page sizes, wide arithmetic,
 * threads and exceptions off; fuel metering off.
 *
 * @example Metering fuel and limiting recursion
 * ```ts
 * import { Config, Engine, Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const config = new Config({ consumeFuel: true, maxRecursionDepth: 10_000 });
 * assert.equal(config.wasmSimd, true, "Wasm 2.0 features are on by default");
 * assert.equal(config.wasmTailCall, true, "tail calls are on, as in wasmi 2.0");
 * assert.equal(config.wasmWideArithmetic, false, "wide arithmetic is off, as in wasmi 2.0");
 * const store = new Store(new Engine(config), null);
 * store.setFuel(500);
 * assert.equal(store.getFuel(), 500n);
 * ```
 *
 * @example Spelling generated code for a JavaScript engine without a JIT
 * ```ts
 * import { Config, Engine } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * // `auto` (the default) picks `lean` where `globalThis.WebAssembly` is missing (`node
 * // --jitless`, iOS Lockdown Mode, QuickJS, Hermes) and `jit` elsewhere, as here.
 * assert.equal(new Engine(new Config()).codegenStyle, "jit");
 * const lean = new Engine(new Config({ executionTier: "codegen", codegenStyle: "lean" }));
 * assert.equal(lean.codegenStyle, "lean");
 * ```
 */
export class Config implements WasmFeatures {
  /** Importing and exporting mutable globals. */
  wasmMutableGlobal = true;
  /** Sign-extension operators such as `i32.extend8_s`. */
  wasmSignExtension = true;
  /** Non-trapping float-to-int conversions (`*.trunc_sat_*`). */
  wasmSaturatingFloatToInt = true;
  /** Functions and blocks with several results. */
  wasmMultiValue = true;
  /** Bulk memory and table operations, passive segments. */
  wasmBulkMemory = true;
  /** `funcref`/`externref` values, several tables, `ref.*` and `table.*`. */
  wasmReferenceTypes = true;
  /** 128-bit SIMD, the `v128` type. */
  wasmSimd = true;
  /** The relaxed SIMD proposal (deterministic: the Arm lowering of each operator). */
  wasmRelaxedSimd = true;
  /** The tail-call proposal (`return_call`, `return_call_indirect`). */
  wasmTailCall = true;
  /** The extended-const proposal (arithmetic in constant expressions). */
  wasmExtendedConst = false;
  /** The multi-memory proposal: several memories per module. */
  wasmMultiMemory = true;
  /** The memory64 proposal: memories and tables indexed by `i64`. */
  wasmMemory64 = true;
  /** The custom-page-sizes proposal: memories with 1-byte pages. */
  wasmCustomPageSizes = false;
  /** The wide-arithmetic proposal. */
  wasmWideArithmetic = false;
  /** The exception-handling proposal (final form, with `exnref`). */
  wasmExceptions = false;
  /** The threads proposal: shared memories and atomics, run by this one thread. */
  wasmThreads = false;
  /** Typed function references (`call_ref`, `(ref $t)`, ...). */
  wasmFunctionReferences = false;
  /** The GC proposal; turning it on turns on `wasmFunctionReferences` too. */
  wasmGc = false;
  /** Maximum depth of nested Wasm calls before a `StackOverflow` trap. */
  maxRecursionDepth = 1024 * 16;
  /** Maximum number of value slots on one execution stack before a `StackOverflow` trap. */
  maxStackHeight = 1024 * 1024;
  /**
   * How many calls from the host (a host function calling Wasm, or a host function through the
   * API) may nest inside a running call before a `StackOverflow` trap. Wasm→Wasm calls do not
   * count: they never use the JS stack; these do, about 2 KiB of V8's ~1 MiB per level. The
   * default, 128, leaves V8 three quarters of its stack and fits glue that re-enters Wasm per
   * call (Emscripten's `invoke_*` trampolines). Where a smaller JS stack runs out first
   * (QuickJS, Hermes), the JS stack overflow still becomes a `StackOverflow` trap; lower the
   * limit there to keep the host's own frames safe.
   */
  maxHostReentry = 128;
  /** Execution stacks the engine keeps for reuse between calls. */
  maxCachedStacks = 2;
  /** Whether execution pays fuel; a store then runs only while it has fuel left. */
  consumeFuel = false;
  /** When bulk operations pay their per-byte fuel: after succeeding (`lazy`) or before (`eager`). */
  fuelConsumptionMode: FuelConsumptionMode = "lazy";
  /** Fuel prices of operators, calls and bulk operations. */
  fuelCosts: FuelCosts = { base: 1, call: 0, bytesPerFuel: 64, elementsPerFuel: 16 };
  /** When function bodies are validated and translated. */
  compilationMode: CompilationMode = "lazy";
  /** How Wasm code runs: interpreted, translated to JavaScript, or chosen by the realm. */
  executionTier: ExecutionTier = "auto";
  /** How generated JavaScript is spelled: for a JIT, lean for an interpreter, or by the realm. */
  codegenStyle: CodegenStyle = "auto";

  /**
   * Creates a configuration: the defaults, changed by `options`.
   *
   * @param options fields to change from the defaults
   * @throws {ConfigError} when an option is unknown, a feature switch is not a boolean, or it
   *   turns on a proposal the engine does not implement (the message names it)
   * @throws {RangeError} when a limit or a fuel price is not a non-negative integer (or, for
   *   `bytesPerFuel` and `elementsPerFuel`, not a positive one)
   */
  constructor(options: ConfigOptions = {}) {
    const { fuelCosts, ...rest } = options;
    const given: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      // An option left undefined keeps its default.
      if (value === undefined) continue;
      given[key] = value;
      if (!Object.hasOwn(this, key) || key === "fuelCosts") {
        throw new ConfigError(`Unknown Config option ${JSON.stringify(key)}`);
      }
      if (key.startsWith("wasm") && typeof value !== "boolean") {
        throw new ConfigError(`Config.${key} must be a boolean, got ${String(value)}`);
      }
      const proposal = UNIMPLEMENTED_PROPOSALS[key as keyof WasmFeatures];
      if (proposal !== undefined && value === true) {
        throw new ConfigError(
          `Config.${key}: the ${proposal} proposal is not implemented by this engine`,
        );
      }
    }
    Object.assign(this, given);
    // GC builds on typed function references (as in Wasmtime): one implies the other, and
    // asking for GC without them is a contradiction, not something to silently fix.
    if (this.wasmGc) {
      if (given.wasmFunctionReferences === false) {
        throw new ConfigError("Config.wasmGc needs wasmFunctionReferences, which was turned off");
      }
      this.wasmFunctionReferences = true;
    }
    if (typeof this.consumeFuel !== "boolean") {
      throw new ConfigError(
        `Config.consumeFuel must be a boolean, got ${String(this.consumeFuel)}`,
      );
    }
    if (this.fuelConsumptionMode !== "lazy" && this.fuelConsumptionMode !== "eager") {
      throw new ConfigError(
        `Config.fuelConsumptionMode must be "lazy" or "eager", got ${
          String(this.fuelConsumptionMode)
        }`,
      );
    }
    if (!["eager", "lazyTranslation", "lazy"].includes(this.compilationMode)) {
      throw new ConfigError(
        `Config.compilationMode must be "eager", "lazyTranslation" or "lazy", got ${
          String(this.compilationMode)
        }`,
      );
    }
    if (!["interpreter", "codegen", "auto"].includes(this.executionTier)) {
      throw new ConfigError(
        `Config.executionTier must be "interpreter", "codegen" or "auto", got ${
          String(this.executionTier)
        }`,
      );
    }
    if (!["jit", "lean", "auto"].includes(this.codegenStyle)) {
      throw new ConfigError(
        `Config.codegenStyle must be "jit", "lean" or "auto", got ${String(this.codegenStyle)}`,
      );
    }
    if (fuelCosts) this.fuelCosts = { ...this.fuelCosts, ...fuelCosts };
    for (
      const limit of [
        "maxRecursionDepth",
        "maxStackHeight",
        "maxHostReentry",
        "maxCachedStacks",
      ] as const
    ) {
      const n = this[limit];
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(`Config.${limit} must be a non-negative integer, got ${n}`);
      }
    }
    for (const price of ["base", "call", "bytesPerFuel", "elementsPerFuel"] as const) {
      const n = this.fuelCosts[price];
      const min = price === "base" || price === "call" ? 0 : 1;
      if (!Number.isSafeInteger(n) || n < min) {
        const what = min === 0 ? "a non-negative" : "a positive";
        throw new RangeError(`Config.fuelCosts.${price} must be ${what} integer, got ${n}`);
      }
    }
  }
}
