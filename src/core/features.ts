/**
 * The Wasm feature switches the decoder and validator consult. `Config` carries them; this
 * interface lets the lower layers read them without depending on the engine.
 *
 * @module
 */

/** Which Wasm proposals are enabled. */
export interface WasmFeatures {
  /** Importing and exporting mutable globals (Wasm 2.0). */
  readonly wasmMutableGlobal: boolean;
  /** Sign-extension operators such as `i32.extend8_s` (Wasm 2.0). */
  readonly wasmSignExtension: boolean;
  /** Non-trapping float-to-int conversions, `*.trunc_sat_*` (Wasm 2.0). */
  readonly wasmSaturatingFloatToInt: boolean;
  /** Functions and blocks with several results (Wasm 2.0). */
  readonly wasmMultiValue: boolean;
  /** Bulk memory and table operations, passive segments (Wasm 2.0). */
  readonly wasmBulkMemory: boolean;
  /** `funcref`/`externref` values, several tables, `ref.*` and `table.*` (Wasm 2.0). */
  readonly wasmReferenceTypes: boolean;
  /** 128-bit SIMD, the `v128` type (Wasm 2.0). */
  readonly wasmSimd: boolean;
  /** The relaxed SIMD proposal. */
  readonly wasmRelaxedSimd: boolean;
  /** The tail-call proposal: `return_call`, `return_call_indirect`. */
  readonly wasmTailCall: boolean;
  /** The extended-const proposal: `i32.add` and friends in constant expressions. */
  readonly wasmExtendedConst: boolean;
  /** The multi-memory proposal: more than one memory per module. */
  readonly wasmMultiMemory: boolean;
  /** The memory64 proposal: memories indexed by `i64`. */
  readonly wasmMemory64: boolean;
  /** The custom-page-sizes proposal. */
  readonly wasmCustomPageSizes: boolean;
  /** The wide-arithmetic proposal: 128-bit add, sub and multiply results. */
  readonly wasmWideArithmetic: boolean;
  /** The exception-handling proposal: tags, `throw`, `throw_ref`, `try_table`, `exnref`. */
  readonly wasmExceptions: boolean;
  /** The threads proposal: shared memories and atomic memory operators. */
  readonly wasmThreads: boolean;
  /**
   * Typed function references: `(ref null? $t)` types, `call_ref`, `ref.as_non_null`,
   * `br_on_null`, non-defaultable locals. Optional here (false when absent).
   */
  readonly wasmFunctionReferences?: boolean;
  /** The GC proposal: struct, array and i31 types, subtyping, casts (implies the above). */
  readonly wasmGc?: boolean;
}

/** Wasm 2.0: the features on by default. */
export const WASM2_FEATURES: WasmFeatures = {
  wasmMutableGlobal: true,
  wasmSignExtension: true,
  wasmSaturatingFloatToInt: true,
  wasmMultiValue: true,
  wasmBulkMemory: true,
  wasmReferenceTypes: true,
  wasmSimd: true,
  wasmRelaxedSimd: false,
  wasmTailCall: false,
  wasmExtendedConst: false,
  wasmMultiMemory: false,
  wasmMemory64: false,
  wasmCustomPageSizes: false,
  wasmWideArithmetic: false,
  wasmExceptions: false,
  wasmThreads: false,
};

/** A feature an operator or type depends on, as one bit, so a set of them is one integer. */
export const enum Feature {
  None = 0,
  SignExtension = 1,
  SaturatingFloatToInt = 2,
  BulkMemory = 4,
  ReferenceTypes = 8,
  Simd = 16,
  MultiValue = 32,
  MutableGlobal = 64,
  WideArithmetic = 128,
  Exceptions = 256,
  TailCall = 512,
  RelaxedSimd = 1024,
  Threads = 2048,
  FunctionReferences = 4096,
  Gc = 8192,
}

/** The wording for a disabled feature, after wasmparser's "... support is not enabled". */
export function featureMessage(feature: Feature): string {
  switch (feature) {
    case Feature.SignExtension:
      return "sign extension operations support is not enabled";
    case Feature.SaturatingFloatToInt:
      return "saturating float to int conversions support is not enabled";
    case Feature.BulkMemory:
      return "bulk memory support is not enabled";
    case Feature.ReferenceTypes:
      return "reference types support is not enabled";
    case Feature.Simd:
      return "SIMD support is not enabled";
    case Feature.MultiValue:
      return "multi-value support is not enabled";
    case Feature.MutableGlobal:
      return "mutable global support is not enabled";
    case Feature.WideArithmetic:
      return "wide arithmetic support is not enabled";
    case Feature.Exceptions:
      return "exceptions support is not enabled";
    case Feature.TailCall:
      return "tail calls support is not enabled";
    case Feature.RelaxedSimd:
      return "relaxed SIMD support is not enabled";
    case Feature.Threads:
      return "threads support is not enabled";
    case Feature.FunctionReferences:
      return "function references support is not enabled";
    case Feature.Gc:
      return "gc support is not enabled";
    default:
      return "feature is not enabled";
  }
}

/** The set of features `features` turns off, as `Feature` bits. */
export function disabledFeatures(features: WasmFeatures): number {
  let off = 0;
  if (!features.wasmSignExtension) off |= Feature.SignExtension;
  if (!features.wasmSaturatingFloatToInt) off |= Feature.SaturatingFloatToInt;
  if (!features.wasmBulkMemory) off |= Feature.BulkMemory;
  if (!features.wasmReferenceTypes) off |= Feature.ReferenceTypes;
  if (!features.wasmSimd) off |= Feature.Simd;
  if (!features.wasmMultiValue) off |= Feature.MultiValue;
  if (!features.wasmMutableGlobal) off |= Feature.MutableGlobal;
  if (!features.wasmWideArithmetic) off |= Feature.WideArithmetic;
  if (!features.wasmExceptions) off |= Feature.Exceptions;
  if (!features.wasmTailCall) off |= Feature.TailCall;
  // Relaxed SIMD extends SIMD: without SIMD its operators are off too.
  if (!features.wasmRelaxedSimd || !features.wasmSimd) off |= Feature.RelaxedSimd;
  if (!features.wasmThreads) off |= Feature.Threads;
  // GC implies typed function references.
  if (!features.wasmGc) off |= Feature.Gc;
  if (!features.wasmGc && !features.wasmFunctionReferences) off |= Feature.FunctionReferences;
  return off;
}
