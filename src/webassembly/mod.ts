/**
 * The standard `WebAssembly` JavaScript API (`Module`, `Instance`, `Memory`, `Table`, `Global`,
 * `Tag`, `Exception`, `JSTag`, `validate`, `compile`, `instantiate`, the streaming variants and
 * the three error types),
 * implemented on this engine, for runtimes that lack one (Hermes, QuickJS, `node --jitless`,
 * pages whose CSP forbids Wasm) and for glue code written against the standard API.
 *
 * `install()` puts it on `globalThis` where there is no native `WebAssembly` (or always, when
 * forced); `createWebAssembly(options)` makes a namespace with engine options (fuel, limits).
 *
 * @example Instantiate a module through the standard API
 * ```ts
 * import { WebAssembly } from "./mod.ts";
 * import assert from "node:assert/strict";
 * // (module (func (export "add") (param i32 i32) (result i32)
 * //   (i32.add (local.get 0) (local.get 1))))
 * const bytes = new Uint8Array([
 *   0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97,
 *   100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
 * ]);
 * const { instance } = await WebAssembly.instantiate(bytes);
 * const add = instance.exports.add as (a: number, b: number) => number;
 * assert.equal(add(2, 3), 5);
 * assert.equal(add.name, "0");
 * ```
 *
 * @module
 */

import {
  Config,
  type ConfigOptions,
  Engine,
  Store,
  StoreLimits,
  type StoreLimitsOptions,
} from "../../mod.ts";
import { createNamespace } from "./_namespace.ts";

/** The JS embedding's limit on the size of a table. */
const JS_MAX_TABLE_SIZE = 10_000_000;

/** A value that can cross the JS API boundary. */
export type ExportValue = unknown;

/** The kinds of imports and exports, as `WebAssembly.Module.imports()` names them. */
export type ImportExportKind = "function" | "table" | "memory" | "global" | "tag";

/** A `WebAssembly.Module`: a compiled module. */
export interface WasmModule {
  /** `"WebAssembly.Module"`. */
  readonly [Symbol.toStringTag]: string;
}

/** A `WebAssembly.Instance`: an instantiated module. */
export interface WasmInstance {
  /** The exports: a frozen object with a null prototype. */
  readonly exports: Record<string, ExportValue>;
}

/** A `WebAssembly.Memory`. */
export interface WasmMemory {
  /** The memory's bytes; detached and replaced when the memory grows. */
  readonly buffer: ArrayBuffer;
  /** Grows by `delta` pages; returns the old size in pages. */
  grow(delta: number): number;
}

/** A `WebAssembly.Table`. */
export interface WasmTable {
  /** The size in elements. */
  readonly length: number;
  /** Grows by `delta` elements filled with `value`; returns the old size. */
  grow(delta: number, value?: unknown): number;
  /** The element at `index`. */
  get(index: number): unknown;
  /** Sets the element at `index`. */
  set(index: number, value?: unknown): void;
}

/** A `WebAssembly.Global`. */
export interface WasmGlobal {
  /** The value (settable when the global is mutable). */
  value: unknown;
  /** The value. */
  valueOf(): unknown;
}

/** A `WebAssembly.Tag`: an exception tag, importable into and exportable from modules. */
export interface WasmTag {
  /** `"WebAssembly.Tag"`. */
  readonly [Symbol.toStringTag]: string;
}

/**
 * A `WebAssembly.Exception`: a Wasm exception as JS sees it. Wasm exceptions that leave Wasm are
 * thrown as these (the same object each time the same exception leaves), and JS throws them into
 * Wasm, where handlers catch them by tag.
 *
 * @example An exception made in JS
 * ```ts
 * import { WebAssembly } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const tag = new WebAssembly.Tag({ parameters: ["i32", "i64"] });
 * const exception = new WebAssembly.Exception(tag, [42, 7n]);
 * assert.ok(exception.is(tag));
 * assert.equal(exception.getArg(tag, 0), 42);
 * assert.equal(exception.getArg(tag, 1), 7n);
 * assert.throws(() => new WebAssembly.Exception(WebAssembly.JSTag, [{}]), TypeError);
 * ```
 */
export interface WasmExceptionObject {
  /** Payload value `index`; the tag must be the exception's tag. */
  getArg(tag: WasmTag, index: number): unknown;
  /** Whether the exception's tag is `tag`. */
  is(tag: WasmTag): boolean;
  /** The stack where it was made, when made with `{ traceStack: true }`. */
  readonly stack?: string;
}

/** A tag's type, as `new WebAssembly.Tag` takes it. */
export interface TagDescriptor {
  /** The payload's value types. */
  parameters: (GlobalDescriptor["value"] | "v128")[];
}

/** What `instantiate` on bytes resolves to. */
export interface WebAssemblyInstantiatedSource {
  /** The compiled module. */
  module: WasmModule;
  /** Its instance. */
  instance: WasmInstance;
}

/** The bytes of a module: an ArrayBuffer (shared or not) or a view of one. */
export type WasmBufferSource = ArrayBufferLike | ArrayBufferView;

/** The parts of a fetch `Response` the streaming functions read. */
export interface WasmResponse {
  /** The headers (`Content-Type` must be `application/wasm`). */
  readonly headers: { get(name: string): string | null };
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The status code. */
  readonly status: number;
  /** The body. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The import object: module name → field name → value. */
export type Imports = Record<string, Record<string, unknown>>;

/** A memory descriptor, as the JS API takes it. */
export interface MemoryDescriptor {
  /** The initial size in pages. */
  initial: number;
  /** The maximum size in pages. */
  maximum?: number;
  /** The address type (only `"i32"` is supported). */
  address?: "i32";
}

/** A table descriptor. */
export interface TableDescriptor {
  /** The element type. */
  element: "anyfunc" | "funcref" | "externref";
  /** The initial size. */
  initial: number;
  /** The maximum size. */
  maximum?: number;
}

/** A global descriptor. */
export interface GlobalDescriptor {
  /** The value type. */
  value: "i32" | "i64" | "f32" | "f64" | "externref" | "anyfunc" | "funcref";
  /** Whether the global is mutable. */
  mutable?: boolean;
}

/** The `WebAssembly` namespace object. */
export interface WebAssemblyNamespace {
  /** Whether `bytes` is a valid module. */
  validate(bytes: WasmBufferSource): boolean;
  /** Compiles `bytes`. */
  compile(bytes: WasmBufferSource): Promise<WasmModule>;
  /** Compiles and instantiates `bytes`. */
  instantiate(bytes: WasmBufferSource, imports?: Imports): Promise<WebAssemblyInstantiatedSource>;
  /** Instantiates a compiled module. */
  instantiate(module: WasmModule, imports?: Imports): Promise<WasmInstance>;
  /** Compiles the body of a `Response` (of type `application/wasm`). */
  compileStreaming(source: WasmResponse | PromiseLike<WasmResponse>): Promise<WasmModule>;
  /** Compiles and instantiates the body of a `Response`. */
  instantiateStreaming(
    source: WasmResponse | PromiseLike<WasmResponse>,
    imports?: Imports,
  ): Promise<WebAssemblyInstantiatedSource>;
  /** `WebAssembly.Module`. */
  Module: {
    new (bytes: WasmBufferSource): WasmModule;
    /** The module's exports. */
    exports(module: WasmModule): { name: string; kind: ImportExportKind }[];
    /** The module's imports. */
    imports(module: WasmModule): { module: string; name: string; kind: ImportExportKind }[];
    /** The contents of the custom sections called `name`. */
    customSections(module: WasmModule, name: string): ArrayBuffer[];
  };
  /** `WebAssembly.Instance`. */
  Instance: new (module: WasmModule, imports?: Imports) => WasmInstance;
  /** `WebAssembly.Memory`. */
  Memory: new (descriptor: MemoryDescriptor) => WasmMemory;
  /** `WebAssembly.Table`. */
  Table: new (descriptor: TableDescriptor, value?: unknown) => WasmTable;
  /** `WebAssembly.Global`. */
  Global: new (descriptor: GlobalDescriptor, value?: unknown) => WasmGlobal;
  /** `WebAssembly.Tag`. */
  Tag: new (type: TagDescriptor) => WasmTag;
  /** `WebAssembly.Exception`: an exception of `tag` with one payload value per parameter. */
  Exception: new (
    tag: WasmTag,
    payload: Iterable<unknown>,
    options?: { traceStack?: boolean },
  ) => WasmExceptionObject;
  /**
   * The tag (one externref parameter) of the exceptions that stand for other JS values thrown
   * into Wasm: Wasm catches them by it, and they leave Wasm as the value thrown.
   */
  readonly JSTag: WasmTag;
  /** Thrown when a module does not decode or validate. */
  CompileError: new (message?: string, options?: ErrorOptions) => Error;
  /** Thrown when imports do not match. */
  LinkError: new (message?: string, options?: ErrorOptions) => Error;
  /** Thrown when Wasm code traps. */
  RuntimeError: new (message?: string, options?: ErrorOptions) => Error;
}

/** Options of `createWebAssembly` and `install`. */
export interface WebAssemblyOptions {
  /**
   * The store everything lives in (its engine compiles the modules); the embedder keeps it to
   * set fuel or a resource limiter. When given, `config`, `fuel` and `limits` must not be.
   */
  store?: Store<unknown>;
  /**
   * Engine configuration. The compilation mode defaults to `"lazyTranslation"`, which validates
   * whole modules when they are compiled, as the JS API requires (`"lazy"` defers function body
   * validation to the first call); `wasmExceptions` defaults to on.
   */
  config?: ConfigOptions;
  /** Meters fuel and starts with this much; running out is a `RuntimeError` ("all fuel consumed"). */
  fuel?: number | bigint;
  /** Resource limits of the store (memory and table sizes, instance counts). */
  limits?: Partial<StoreLimitsOptions>;
}

/**
 * Makes a `WebAssembly` namespace over a new engine and store (or the given store).
 *
 * @example Fuel: a runaway loop stops with a RuntimeError
 * ```ts
 * import { createWebAssembly } from "./mod.ts";
 * import assert from "node:assert/strict";
 * // (module (func (export "spin") (loop (br 0))))
 * const bytes = new Uint8Array([
 *   0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 115, 112, 105, 110,
 *   0, 0, 10, 9, 1, 7, 0, 3, 64, 12, 0, 11, 11,
 * ]);
 * const wasm = createWebAssembly({ fuel: 10_000 });
 * const { instance } = await wasm.instantiate(bytes);
 * assert.throws(() => (instance.exports.spin as () => void)(), wasm.RuntimeError);
 * ```
 *
 * @param options engine options, or the store to use
 * @returns a namespace with its own classes and store
 * @throws {TypeError} when `store` is given together with other options
 */
export function createWebAssembly(options: WebAssemblyOptions = {}): WebAssemblyNamespace {
  let store = options.store;
  if (store !== undefined) {
    if (options.config !== undefined || options.fuel !== undefined || options.limits) {
      throw new TypeError("Give either a store or engine options (config, fuel, limits)");
    }
  } else {
    const consumeFuel = options.fuel !== undefined || options.config?.consumeFuel === true;
    const config = new Config({
      compilationMode: "lazyTranslation",
      // The JS API has tags and exceptions: modules that use them compile, as natively.
      wasmExceptions: true,
      ...options.config,
      consumeFuel,
    });
    store = new Store<unknown>(new Engine(config), null);
    if (options.fuel !== undefined) store.setFuel(options.fuel);
    // The JS embedding's dynamic limit on table sizes; no limit on how many objects there are.
    const unlimited = Number.MAX_SAFE_INTEGER;
    store.limiter(
      new StoreLimits({
        tableElements: JS_MAX_TABLE_SIZE,
        instances: unlimited,
        tables: unlimited,
        memories: unlimited,
        ...options.limits,
      }),
    );
  }
  return createNamespace({ store }) as unknown as WebAssemblyNamespace;
}

/**
 * A `WebAssembly` namespace with the default options (its own engine and store).
 *
 * @example
 * ```ts
 * import { WebAssembly } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const before = memory.buffer;
 * assert.equal(memory.grow(1), 1);
 * assert.equal(memory.buffer.byteLength, 2 * 65536);
 * assert.notEqual(memory.buffer, before);
 * ```
 */
export const WebAssembly: WebAssemblyNamespace = createWebAssembly();

/** Options of `install`. */
export interface InstallOptions extends WebAssemblyOptions {
  /** Replace a `WebAssembly` that is already there (a native one, or another). */
  force?: boolean;
}

/**
 * Puts a `WebAssembly` namespace on `globalThis` (writable, configurable, not enumerable, as the
 * native one is), unless one is already there and `force` is not set.
 *
 * @example Forced install, then restoring the native object
 * ```ts
 * import { install } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const native = globalThis.WebAssembly;
 * try {
 *   const ours = install({ force: true });
 *   assert.equal(globalThis.WebAssembly, ours);
 *   assert.equal(Object.prototype.toString.call(ours), "[object WebAssembly]");
 * } finally {
 *   globalThis.WebAssembly = native;
 * }
 * ```
 *
 * @param options `force`, and engine options for a new namespace
 * @returns the `WebAssembly` on `globalThis` afterwards (the existing one when not replaced)
 */
export function install(options: InstallOptions = {}): WebAssemblyNamespace {
  const g = globalThis as { WebAssembly?: unknown };
  if (g.WebAssembly !== undefined && !options.force) {
    return g.WebAssembly as WebAssemblyNamespace;
  }
  const { force: _force, ...engineOptions } = options;
  const hasOptions = Object.keys(engineOptions).length > 0;
  const ns = hasOptions ? createWebAssembly(engineOptions) : WebAssembly;
  Object.defineProperty(globalThis, "WebAssembly", {
    value: ns,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return ns;
}
