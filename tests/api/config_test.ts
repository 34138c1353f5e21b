/**
 * `Config` tells the truth: every feature switch it accepts changes what modules the engine
 * takes, and switches for proposals the engine does not implement are refused.
 */
import assert from "node:assert/strict";
import {
  Config,
  ConfigError,
  DecodeError,
  Engine,
  Linker,
  Module,
  Store,
  ValidationError,
} from "../../mod.ts";
import type { ConfigOptions } from "../../mod.ts";
import { wat } from "./_wat.ts";

Deno.test("config: the defaults are wasmi 2.0's", () => {
  const config = new Config();
  for (
    const key of [
      "wasmCustomPageSizes",
      "wasmWideArithmetic",
      "wasmThreads",
      "wasmExceptions",
    ] as const
  ) {
    assert.equal(config[key], false, key);
  }
  // As in wasmi 2.0: tail calls, relaxed SIMD, multi-memory and memory64 are on by default.
  for (
    const key of [
      "wasmSimd",
      "wasmTailCall",
      "wasmRelaxedSimd",
      "wasmMultiMemory",
      "wasmMemory64",
    ] as const
  ) {
    assert.equal(config[key], true, key);
  }
  assert.equal(new Config({}).wasmSimd, true);
});

Deno.test("config: wasmCustomPageSizes decides whether a memory may have 1-byte pages", () => {
  // (memory 3 (pagesize 1)): limits flags 0x08, minimum 3, page size 2^0
  const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 0x08, 3, 0);
  const on = new Engine(new Config({ wasmCustomPageSizes: true }));
  const store = new Store(on, null);
  const instance = new Linker(on).instantiate(store, new Module(on, bytes));
  assert.equal(instance.exports(store).length, 0);
  assert.throws(() => new Module(new Engine(new Config()), bytes), /malformed limits flags/);
});

Deno.test("config: unknown options and values of the wrong kind are refused", () => {
  const asOptions = (x: unknown) => x as ConfigOptions;
  assert.throws(() => new Config(asOptions({ wasmTailcall: true })), /Unknown Config option/);
  assert.throws(() => new Config(asOptions({ wasmSimd: "yes" })), ConfigError);
  assert.throws(() => new Config(asOptions({ consumeFuel: 1 })), ConfigError);
  assert.throws(() => new Config(asOptions({ fuelConsumptionMode: "sometimes" })), ConfigError);
  assert.throws(() => new Config(asOptions({ compilationMode: "jit" })), ConfigError);
  // Undefined keeps the default.
  assert.equal(new Config({ wasmSimd: undefined, consumeFuel: undefined }).wasmSimd, true);
});

/** Each accepted switch, a module that needs it, and what the engine says when it is off. */
const SWITCHES: [keyof ConfigOptions, string][] = [
  ["wasmMutableGlobal", `(module (global (export "g") (mut i32) (i32.const 0)))`],
  ["wasmSignExtension", `(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))`],
  [
    "wasmSaturatingFloatToInt",
    `(module (func (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0))))`,
  ],
  ["wasmMultiValue", `(module (func (result i32 i32) (i32.const 1) (i32.const 2)))`],
  [
    "wasmBulkMemory",
    `(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))`,
  ],
  ["wasmReferenceTypes", `(module (func (result externref) (ref.null extern)))`],
  ["wasmSimd", `(module (func (result v128) (v128.const i64x2 0 0)))`],
  [
    "wasmExtendedConst",
    `(module (global i32 (i32.add (i32.const 1) (i32.const 2))))`,
  ],
  ["wasmTailCall", `(module (func $f) (func (return_call $f)))`],
  [
    "wasmRelaxedSimd",
    `(module (func (param v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 0))))`,
  ],
  ["wasmThreads", `(module (memory 1 1 shared) (func (atomic.fence)))`],
  ["wasmMultiMemory", `(module (memory 1) (memory 2))`],
  ["wasmMemory64", `(module (memory i64 1) (func (drop (i64.load (i64.const 0)))))`],
];

Deno.test("config: every accepted feature switch changes what the engine takes", () => {
  for (const [key, text] of SWITCHES) {
    const bytes = wat(text);
    const on = new Engine(new Config({ [key]: true }));
    const store = new Store(on, null);
    new Linker(on).instantiate(store, new Module(on, bytes));
    // Bodies checked at `new Module` (in `lazy` mode a body is checked when first called).
    const off = new Engine(new Config({ [key]: false, compilationMode: "lazyTranslation" }));
    assert.throws(
      () => new Module(off, bytes),
      (e) => e instanceof DecodeError || e instanceof ValidationError,
      key,
    );
  }
});
