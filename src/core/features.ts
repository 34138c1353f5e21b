/**
 * The Wasm feature switches the decoder and validator consult. `Config` carries them; this
 * interface lets the lower layers read them without depending on the engine.
 *
 * @module
 */

/** Which Wasm proposals are enabled. */
export interface WasmFeatures {
  readonly wasmMutableGlobal: boolean;
  readonly wasmSignExtension: boolean;
  readonly wasmSaturatingFloatToInt: boolean;
  readonly wasmMultiValue: boolean;
  readonly wasmBulkMemory: boolean;
  readonly wasmReferenceTypes: boolean;
  readonly wasmSimd: boolean;
  readonly wasmRelaxedSimd: boolean;
  readonly wasmTailCall: boolean;
  readonly wasmExtendedConst: boolean;
  readonly wasmMultiMemory: boolean;
  readonly wasmMemory64: boolean;
  readonly wasmCustomPageSizes: boolean;
  readonly wasmWideArithmetic: boolean;
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
};
