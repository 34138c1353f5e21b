/**
 * wasmi-ts: a WebAssembly interpreter in pure TypeScript, modelled on Rust's
 * [wasmi](https://github.com/wasmi-labs/wasmi). It never uses the host's `WebAssembly` object.
 *
 * The API follows wasmi's: an `Engine` compiles `Module`s; a `Store` owns instances and their
 * functions, memories, tables and globals; a `Linker` resolves imports; handles such as `Func` and
 * `Memory` name an entity in one store and take that store in every call.
 *
 * @example Hello, world
 * ```ts
 * import { Engine, Linker, Module, Store } from "./mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 *
 * const wat = `(module
 *   (import "host" "hello" (func $hello (param i32)))
 *   (func (export "run") (call $hello (i32.const 3))))`;
 * const bytes = (await wabtInit()).parseWat("hello.wat", wat).toBinary({}).buffer;
 *
 * const engine = new Engine();
 * const module = new Module(engine, bytes);
 * const store = new Store(engine, { greeted: 0 });
 * const linker = new Linker<{ greeted: number }>(engine);
 * linker.funcWrap("host", "hello", { params: ["i32"], results: [] }, (caller, times: number) => {
 *   caller.data.greeted += times;
 * });
 * const instance = linker.instantiate(store, module);
 * instance.getTypedFunc(store, "run").call(store);
 * assert.equal(store.data.greeted, 3);
 * ```
 *
 * @module
 */

export { Engine } from "./src/engine/engine.ts";
export {
  type CodegenStyle,
  type CompilationMode,
  Config,
  type ConfigOptions,
  type ExecutionTier,
  type FuelConsumptionMode,
  type FuelCosts,
} from "./src/engine/config.ts";
export type { WasmFeatures } from "./src/core/features.ts";
export {
  type ExternKind,
  type ExternType,
  FuncType,
  GlobalType,
  type Limits,
  MemoryType,
  type NumType,
  type RefType,
  TableType,
  TagType,
  type ValType,
} from "./src/core/types.ts";
export {
  ConfigError,
  DecodeError,
  InstantiationError,
  LinkError,
  ValidationError,
  WasmError,
} from "./src/core/errors.ts";
export {
  BACKTRACE_LIMIT,
  type BacktraceFrame,
  formatFrame,
  Trap,
  TrapCode,
} from "./src/core/trap.ts";

export { Store } from "./src/runtime/store.ts";
export {
  DEFAULT_INSTANCE_LIMIT,
  DEFAULT_LIMITS,
  DEFAULT_MEMORY_LIMIT,
  DEFAULT_TABLE_ELEMENTS,
  DEFAULT_TABLE_LIMIT,
  type ResourceLimiter,
  type ResourceLimiterSource,
  StoreLimits,
  StoreLimitsBuilder,
  type StoreLimitsOptions,
} from "./src/runtime/limits.ts";
export { CallHook, type CallHookFn } from "./src/runtime/call_hook.ts";
export { type ExportType, type ImportType, Module } from "./src/runtime/module.ts";
export { Linker } from "./src/runtime/linker.ts";
export { Instance } from "./src/runtime/instance.ts";
export { Func } from "./src/runtime/func.ts";
export { AnyRef, type AnyRefKind } from "./src/runtime/any_ref.ts";
export type { FuncTypeLike } from "./src/runtime/call.ts";
export { TypedFunc } from "./src/runtime/typed_func.ts";
export {
  type AbortSignalLike,
  type CallAsyncOptions,
  type CallFrame,
  type ResumableCall,
  ResumableCallFinished,
  ResumableCallHostTrap,
  ResumableCallOutOfFuel,
  ResumableInvocation,
} from "./src/runtime/resumable.ts";
export type { HostFuncNew, HostFuncWrap } from "./src/runtime/host_func.ts";
export type {
  HostFuncTyped,
  JsParams,
  JsResults,
  JsValue,
  Signature,
} from "./src/runtime/signature.ts";
export { Caller } from "./src/runtime/caller.ts";
export { Memory } from "./src/runtime/memory.ts";
export { Table } from "./src/runtime/table.ts";
export { Global, type Mutability } from "./src/runtime/global.ts";
export { Tag } from "./src/runtime/tag.ts";
export { WasmException } from "./src/runtime/exception.ts";
export type { ExportItem, Extern } from "./src/runtime/extern.ts";
export { Val } from "./src/runtime/val.ts";
export {
  AsyncHostFuncError,
  FuelError,
  FuncError,
  GlobalError,
  MemoryError,
  ResumeError,
  StoreMismatchError,
  TableError,
} from "./src/runtime/errors.ts";
