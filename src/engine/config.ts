/**
 * `Config`: the Wasm features an engine accepts, its limits and its execution options.
 *
 * @module
 */

import type { WasmFeatures } from "../core/features.ts";

/** When a function body is translated to internal code. */
export type CompilationMode = "eager" | "lazyTranslation" | "lazy";

/** When bulk operations pay their per-byte fuel. */
export type FuelConsumptionMode = "lazy" | "eager";

/** Fuel prices: what an operator costs, and how many bytes or elements one unit of fuel buys. */
export interface FuelCosts {
  /** Cost of an ordinary Wasm operator. */
  base: number;
  /** Cost of a call (`call`, `call_indirect`) in addition to `base`. */
  call: number;
  /** Bulk memory operations pay 1 fuel per this many bytes. */
  bytesPerFuel: number;
  /** Bulk table operations pay 1 fuel per this many elements. */
  elementsPerFuel: number;
}

/** Everything `new Config(...)` accepts; every field is optional. */
export interface ConfigOptions {
  wasmMutableGlobal?: boolean;
  wasmSignExtension?: boolean;
  wasmSaturatingFloatToInt?: boolean;
  wasmMultiValue?: boolean;
  wasmBulkMemory?: boolean;
  wasmReferenceTypes?: boolean;
  wasmSimd?: boolean;
  wasmRelaxedSimd?: boolean;
  wasmTailCall?: boolean;
  wasmExtendedConst?: boolean;
  wasmMultiMemory?: boolean;
  wasmMemory64?: boolean;
  wasmCustomPageSizes?: boolean;
  wasmWideArithmetic?: boolean;
  /** Maximum depth of nested Wasm calls before `StackOverflow`. */
  maxRecursionDepth?: number;
  /** Maximum number of value slots on one execution stack before `StackOverflow`. */
  maxStackHeight?: number;
  /** Execution stacks the engine keeps for reuse. */
  maxCachedStacks?: number;
  consumeFuel?: boolean;
  fuelConsumptionMode?: FuelConsumptionMode;
  fuelCosts?: Partial<FuelCosts>;
  compilationMode?: CompilationMode;
}

/**
 * Engine configuration, as wasmi's `Config`: Wasm 2.0 features on by default, later proposals
 * off, fuel metering off.
 *
 * @example
 * ```ts
 * import { Config } from "./config.ts";
 * const config = new Config({ consumeFuel: true, maxRecursionDepth: 10_000 });
 * if (!config.wasmSimd || !config.consumeFuel) throw new Error();
 * ```
 */
export class Config implements WasmFeatures {
  wasmMutableGlobal = true;
  wasmSignExtension = true;
  wasmSaturatingFloatToInt = true;
  wasmMultiValue = true;
  wasmBulkMemory = true;
  wasmReferenceTypes = true;
  wasmSimd = true;
  wasmRelaxedSimd = false;
  wasmTailCall = false;
  wasmExtendedConst = false;
  wasmMultiMemory = false;
  wasmMemory64 = false;
  wasmCustomPageSizes = false;
  wasmWideArithmetic = false;
  maxRecursionDepth = 1024 * 16;
  maxStackHeight = 1024 * 1024;
  maxCachedStacks = 2;
  consumeFuel = false;
  fuelConsumptionMode: FuelConsumptionMode = "lazy";
  fuelCosts: FuelCosts = { base: 1, call: 0, bytesPerFuel: 64, elementsPerFuel: 16 };
  compilationMode: CompilationMode = "lazy";

  /** @param options fields to change from the defaults */
  constructor(options: ConfigOptions = {}) {
    const { fuelCosts, ...rest } = options;
    Object.assign(this, rest);
    if (fuelCosts) this.fuelCosts = { ...this.fuelCosts, ...fuelCosts };
    for (const limit of ["maxRecursionDepth", "maxStackHeight", "maxCachedStacks"] as const) {
      const n = this[limit];
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(`Config.${limit} must be a non-negative integer, got ${n}`);
      }
    }
  }
}
