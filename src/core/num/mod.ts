/**
 * The pure Wasm numeric library: every i32/i64/f32/f64 operation that is not a single JS
 * operator, exact per the WebAssembly 2.0 spec, allocation-free, throwing only `Trap`s.
 *
 * i32s and floats are JS numbers; i64s (and f64 bit patterns) are pairs of int32 words in the
 * engine's slot array, operated on in place. See each module for the details.
 *
 * @module
 */

export * from "./i32.ts";
export * from "./i64.ts";
export * from "./float.ts";
export * from "./convert.ts";
export * from "./fma.ts";
