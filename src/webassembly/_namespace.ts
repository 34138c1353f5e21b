/**
 * The `WebAssembly` namespace of the JS API (https://webassembly.github.io/spec/js-api/), built
 * over the library's public API: one store stands for the spec's "surrounding agent's store".
 *
 * Each call of `createNamespace` makes a separate namespace (its own classes, error types and
 * store), as a separate realm would have.
 *
 * @module
 */

import {
  DecodeError,
  Func,
  FuncType,
  Global as CoreGlobal,
  GlobalType,
  Instance as CoreInstance,
  InstantiationError,
  LinkError as CoreLinkError,
  Memory as CoreMemory,
  MemoryError,
  MemoryType,
  Module as CoreModule,
  type RefType,
  type Store,
  Table as CoreTable,
  TableError,
  TableType,
  Tag as CoreTag,
  TagType,
  Trap,
  type TypedFunc,
  Val,
  ValidationError,
  type ValType,
  WasmException,
} from "../../mod.ts";
import type { Extern } from "../../mod.ts";
import {
  copyBufferSource,
  dictionary,
  enforceU32,
  enumValue,
  isObject,
  nameFunction,
  toNumber,
  toStringStrict,
  webidlInterface,
} from "./_webidl.ts";
import { checkJsLimits } from "./_limits.ts";

/** The most pages a 32-bit memory may have (the JS API's limit, as the core spec's). */
const MAX_PAGES = 65536;
/** The JS embedding's limit on table sizes. */
const MAX_TABLE_SIZE = 10_000_000;

type AnyFn = (...args: unknown[]) => unknown;

/** Detaches `buffer` where the host can (ES2024 `transfer`, else `structuredClone`). */
function detach(buffer: ArrayBuffer): void {
  const transfer = (ArrayBuffer.prototype as { transfer?: (n?: number) => ArrayBuffer }).transfer;
  try {
    if (typeof transfer === "function") {
      transfer.call(buffer, 0);
      return;
    }
    const clone = (globalThis as {
      structuredClone?: (v: unknown, o: { transfer: ArrayBuffer[] }) => unknown;
    }).structuredClone;
    if (typeof clone === "function") clone(buffer, { transfer: [buffer] });
  } catch {
    // Already detached, or the host cannot detach: the old buffer then keeps the old bytes.
  }
}

/**
 * IteratorToList over `x`'s `Symbol.iterator`, step by step as the spec does (`next` read once;
 * `done`, then `value`, read from each result).
 */
function iterate(x: unknown, what: string): unknown[] {
  if (x === undefined || x === null) throw new TypeError(`${what} must be iterable`);
  const method = (x as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (method === undefined || method === null) throw new TypeError(`${what} must be iterable`);
  if (typeof method !== "function") throw new TypeError(`${what}[Symbol.iterator] is not callable`);
  const iterator = method.call(x) as { next?: unknown };
  if (!isObject(iterator)) throw new TypeError(`${what}: the iterator is not an object`);
  const next = iterator.next;
  const list: unknown[] = [];
  for (;;) {
    if (typeof next !== "function") throw new TypeError(`${what}: next is not callable`);
    const result = next.call(iterator) as { done?: unknown; value?: unknown };
    if (!isObject(result)) throw new TypeError(`${what}: an iterator result is not an object`);
    if (result.done) return list;
    list.push(result.value);
  }
}

/**
 * Throws unless called with `new` (real classes do this themselves; classes compiled to ES5
 * functions, as in the Hermes build, need it said).
 */
function requireNew(newTarget: unknown, self: unknown, ctor: { name: string }): void {
  if (newTarget === undefined || !(self instanceof (ctor as unknown as typeof Object))) {
    throw new TypeError(`Constructor WebAssembly.${ctor.name} requires 'new'`);
  }
}

/**
 * Whether `e` is the host's own stack overflow (V8, JavaScriptCore and Hermes: a `RangeError`;
 * SpiderMonkey and QuickJS: an `InternalError`), which the engine turns into a trap.
 */
function isHostStackOverflow(e: unknown): boolean {
  if (!(e instanceof Error) || (e.name !== "RangeError" && e.name !== "InternalError")) {
    return false;
  }
  return e.message.includes("stack") || e.message.includes("recursion");
}

/** The error types a namespace throws, as its `CompileError`/`LinkError`/`RuntimeError`. */
interface ErrorClasses {
  CompileError: new (message?: string, options?: ErrorOptions) => Error;
  LinkError: new (message?: string, options?: ErrorOptions) => Error;
  RuntimeError: new (message?: string, options?: ErrorOptions) => Error;
}

function makeErrorClass(name: string): new (message?: string, options?: ErrorOptions) => Error {
  // One class per name; the holder object gives the class its `name` without a static block.
  const holder = {
    [name]: class extends Error {
      constructor(message?: string, ...rest: [ErrorOptions?]) {
        super(message, ...rest);
        // For ES5-compiled builds (Hermes), where `Error.call` returns a plain Error.
        Object.setPrototypeOf(this, new.target.prototype);
      }
    },
  };
  const ctor = holder[name]!;
  Object.defineProperty(ctor, "name", { value: name });
  Object.defineProperty(ctor, "length", { value: 1 });
  Object.defineProperty(ctor, "prototype", { writable: false });
  Object.defineProperty(ctor.prototype, "constructor", { enumerable: false });
  Object.defineProperty(ctor.prototype, "name", {
    value: name,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(ctor.prototype, "message", {
    value: "",
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return ctor;
}

/** Options of `createNamespace` (see `WebAssemblyOptions` in `mod.ts`). */
export interface NamespaceOptions {
  /** The store every module, instance and object of the namespace lives in. */
  readonly store: Store;
}

/** Builds one `WebAssembly` namespace object over `options.store`. */
export function createNamespace(options: NamespaceOptions): Record<string | symbol, unknown> {
  const store = options.store;
  const engine = store.engine;
  const errors: ErrorClasses = {
    CompileError: makeErrorClass("CompileError"),
    LinkError: makeErrorClass("LinkError"),
    RuntimeError: makeErrorClass("RuntimeError"),
  };

  // Internal slots: the core object behind each JS object (also the brand check).
  const moduleSlots = new WeakMap<object, CoreModule>();
  const instanceSlots = new WeakMap<object, object>();
  const memorySlots = new WeakMap<object, MemoryState>();
  const tableSlots = new WeakMap<object, CoreTable>();
  const globalSlots = new WeakMap<object, CoreGlobal>();
  const tagSlots = new WeakMap<object, CoreTag>();
  const exceptionSlots = new WeakMap<object, WasmException>();
  // The JS object of each core object (the spec's caches: one JS object per address).
  const funcObjects = new WeakMap<Func, AnyFn>();
  const funcOfObject = new WeakMap<object, Func>();
  /**
   * The one JS object standing for `core`: made from `proto` on first use (`bind` records its
   * internal slots), the same object every time after.
   */
  function wrapperOf<C extends object>(
    core: C,
    objects: WeakMap<C, object>,
    proto: object,
    bind: (obj: object) => void,
  ): object {
    let obj = objects.get(core);
    if (obj === undefined) {
      obj = Object.create(proto) as object;
      bind(obj);
      objects.set(core, obj);
    }
    return obj;
  }

  const memoryObjects = new WeakMap<CoreMemory, object>();
  const tableObjects = new WeakMap<CoreTable, object>();
  const globalObjects = new WeakMap<CoreGlobal, object>();
  const tagObjects = new WeakMap<CoreTag, object>();
  const exceptionObjects = new WeakMap<WasmException, object>();
  /** The RuntimeErrors made from traps: Wasm cannot catch them, even after they crossed JS. */
  const trapErrors = new WeakSet<object>();
  /** Names of host functions made from JS callables (their index in the importing module). */
  const hostFuncNames = new WeakMap<Func, string>();

  interface MemoryState {
    memory: CoreMemory;
    buffer: ArrayBuffer | null;
  }

  function slot<T>(map: WeakMap<object, T>, x: unknown, what: string): T {
    const v = isObject(x) ? map.get(x) : undefined;
    if (v === undefined) throw new TypeError(`Expected a WebAssembly.${what}`);
    return v;
  }

  /** The JS API's error for an error of the library. */
  function translate(e: unknown): unknown {
    if (e instanceof Trap) {
      const error = new errors.RuntimeError(e.message, { cause: e });
      trapErrors.add(error);
      return error;
    }
    if (e instanceof WasmException) return exceptionToJs(e);
    if (e instanceof DecodeError || e instanceof ValidationError) {
      return new errors.CompileError(e.message, { cause: e });
    }
    if (e instanceof CoreLinkError) return new errors.LinkError(e.message, { cause: e });
    if (e instanceof InstantiationError) return new RangeError(e.message, { cause: e });
    return e;
  }

  // ---- Values -------------------------------------------------------------------------------

  /** ToWebAssemblyValue, as a plain value for the engine's typed calls. */
  function toWasm(v: unknown, type: ValType): unknown {
    switch (type) {
      case "i32":
        return toNumber(v) | 0;
      case "i64":
        // BigInt.asIntN applies ToBigInt, then wraps: exactly ToBigInt64.
        return BigInt.asIntN(64, v as bigint);
      case "f32":
        return Math.fround(toNumber(v));
      case "f64":
        return toNumber(v);
      case "funcref": {
        if (v === null) return null;
        const func = isObject(v) ? funcOfObject.get(v) : undefined;
        if (func === undefined) {
          throw new TypeError("A funcref must be null or an exported WebAssembly function");
        }
        return func;
      }
      case "externref":
        return v;
      default:
        throw new TypeError(`A ${type} value cannot cross the JS API boundary`);
    }
  }

  /** ToJSValue, from a plain value of the engine's typed calls. */
  function toJs(v: unknown, type: ValType): unknown {
    if (type === "funcref") return v === null ? null : exportedFunction(v as Func);
    if (type === "v128" || type === "exnref") {
      throw new TypeError(`A ${type} value cannot cross the JS API boundary`);
    }
    return v;
  }

  /** DefaultValue: the value of a missing argument (externref's is `undefined`). */
  function defaultValue(type: ValType): unknown {
    switch (type) {
      case "i64":
        return 0n;
      case "funcref":
        return null;
      case "externref":
        return undefined;
      case "v128":
        throw new TypeError("A v128 value cannot cross the JS API boundary");
      default:
        return 0;
    }
  }

  /** A core `Val` of `type` from a plain value (already converted by `toWasm`). */
  function toVal(v: unknown, type: ValType): Val {
    switch (type) {
      case "i32":
        return Val.i32(v as number);
      case "i64":
        return Val.i64(v as bigint);
      case "f32":
        return Val.f32(v as number);
      case "f64":
        return Val.f64(v as number);
      case "funcref":
        return Val.funcref(v as Func | null);
      case "externref":
        return Val.externref(v);
      default:
        throw new TypeError(`No JS value converts to a ${type}`);
    }
  }

  // ---- Functions ----------------------------------------------------------------------------

  /** The Exported Function of `func` (the same JS function every time). */
  function exportedFunction(func: Func): AnyFn {
    const known = funcObjects.get(func);
    if (known !== undefined) return known;
    const type = func.ty(store);
    const { params, results } = type;
    const crossesV128 = params.includes("v128") || results.includes("v128");
    const typed: TypedFunc<unknown[], unknown> = func.typed(store);
    const n = params.length;
    const call = (...args: unknown[]): unknown => {
      if (crossesV128) throw new TypeError(`Cannot call a function of type ${type} from JS`);
      const converted = new Array<unknown>(n);
      for (let i = 0; i < n; i++) converted[i] = toWasm(args[i], params[i]!);
      let out: unknown;
      try {
        out = typed.call(store, ...converted);
      } catch (e) {
        throw translate(e);
      }
      if (results.length === 0) return undefined;
      if (results.length === 1) return toJs(out, results[0]!);
      const list = out as unknown[];
      return list.map((x, i) => toJs(x, results[i]!));
    };
    const index = func.index(store);
    const name = index !== null ? String(index) : hostFuncNames.get(func) ?? "0";
    nameFunction(call, name, n);
    funcObjects.set(func, call);
    funcOfObject.set(call, func);
    return call;
  }

  /** A host function calling the JS callable `target` (the spec's "create a host function"). */
  function hostFunction(target: AnyFn, type: FuncType, name: string): Func {
    const { params, results } = type;
    const crossesV128 = params.includes("v128") || results.includes("v128");
    const jsArgs = (raw: readonly unknown[]): unknown[] => {
      if (crossesV128) throw new TypeError(`Cannot call JS with a function type ${type}`);
      const args = new Array<unknown>(raw.length);
      for (let i = 0; i < raw.length; i++) args[i] = toJs(raw[i], params[i]!);
      return args;
    };
    const jsResults = (ret: unknown): unknown[] => {
      if (results.length === 0) return [];
      if (results.length === 1) return [toWasm(ret, results[0]!)];
      const values = iterate(ret, "The result of a multi-value import");
      if (values.length !== results.length) {
        throw new TypeError(`Expected ${results.length} results, got ${values.length}`);
      }
      return values.map((x, i) => toWasm(x, results[i]!));
    };
    // What the JS callable throws, as Wasm sees it (the spec's "create a host function"): a
    // WebAssembly.Exception is that exception; any other value an exception of JSTag carrying
    // it. A RuntimeError from a trap, a host stack overflow and engine traps stay what they are:
    // Wasm cannot catch them.
    const call = (args: unknown[]): unknown => {
      try {
        return Reflect.apply(target, undefined, args);
      } catch (e) {
        throw jsToWasmThrow(e);
      }
    };
    let func: Func;
    if (results.includes("externref")) {
      // With `Val` results, an externref result that is a thenable stays a plain value (the
      // plain-value flavour would take it for an async result).
      func = new Func(store, type, (_caller, vals) => {
        const ret = call(jsArgs(vals.map((v) => v.value)));
        const out = jsResults(ret);
        return out.map((x, i) => toVal(x, results[i]!));
      });
    } else {
      func = Func.wrap(store, type, (_caller, ...raw: unknown[]) => {
        const ret = call(jsArgs(raw));
        const out = jsResults(ret);
        return results.length === 1 ? out[0] : results.length === 0 ? undefined : out;
      });
    }
    hostFuncNames.set(func, name);
    return func;
  }

  // ---- Module -------------------------------------------------------------------------------

  function compileBytes(bytes: Uint8Array): CoreModule {
    const overLimit = checkJsLimits(bytes);
    if (overLimit !== null) throw new errors.CompileError(overLimit);
    try {
      // The JS API rejects an invalid module when it is compiled: an engine in `lazy` mode
      // (a store or config given by the embedder) would check function bodies only when called.
      if (engine.config.compilationMode === "lazy") CoreModule.validate(engine, bytes);
      return new CoreModule(engine, bytes);
    } catch (e) {
      throw translate(e);
    }
  }

  function kindOf(type: unknown): "function" | "table" | "memory" | "global" | "tag" {
    if (type instanceof FuncType) return "function";
    if (type instanceof TableType) return "table";
    if (type instanceof MemoryType) return "memory";
    if (type instanceof TagType) return "tag";
    return "global";
  }

  function newModuleObject(core: CoreModule, proto: object = Module.prototype): object {
    const obj = Object.create(proto) as object;
    moduleSlots.set(obj, core);
    return obj;
  }

  class Module {
    constructor(bytes: unknown) {
      requireNew(new.target, this, Module);
      if (arguments.length < 1) throw new TypeError("WebAssembly.Module needs the module's bytes");
      moduleSlots.set(this, compileBytes(copyBufferSource(bytes, "The module's bytes")));
    }

    static exports(moduleObject: unknown): { name: string; kind: string }[] {
      const core = slot(moduleSlots, moduleObject, "Module");
      return core.exports().map((e) => ({ name: e.name, kind: kindOf(e.type) }));
    }

    static imports(moduleObject: unknown): { module: string; name: string; kind: string }[] {
      const core = slot(moduleSlots, moduleObject, "Module");
      return core.imports().map((i) => ({ module: i.module, name: i.name, kind: kindOf(i.type) }));
    }

    static customSections(moduleObject: unknown, sectionName: unknown): ArrayBuffer[] {
      const core = slot(moduleSlots, moduleObject, "Module");
      if (arguments.length < 2) throw new TypeError("customSections needs a section name");
      // A DOMString: a lone surrogate stays as it is, and matches no (UTF-8) section name.
      const name = toStringStrict(sectionName);
      return core.customSections(name).map((bytes) => bytes.slice().buffer);
    }
  }
  webidlInterface(Module, "Module", 1, "WebAssembly.Module");

  // ---- Instance -----------------------------------------------------------------------------

  /** The spec's "read the imports": one extern per import, in order. */
  function readImports(core: CoreModule, importObject: unknown): Extern[] {
    const imports = core.imports();
    if (imports.length > 0 && importObject === undefined) {
      throw new TypeError("The module has imports, but no import object was given");
    }
    if (importObject !== undefined && !isObject(importObject)) {
      throw new TypeError("The import object must be an object");
    }
    const externs: Extern[] = [];
    let funcIndex = 0;
    for (const imp of imports) {
      const o = (importObject as Record<string, unknown>)[imp.module];
      if (!isObject(o)) throw new TypeError(`Import module "${imp.module}" must be an object`);
      const v = o[imp.name];
      const where = `"${imp.module}"."${imp.name}"`;
      const type = imp.type;
      if (type instanceof FuncType) {
        if (typeof v !== "function") {
          throw new errors.LinkError(`Import ${where} must be callable`);
        }
        const exported = funcOfObject.get(v);
        externs.push(exported ?? hostFunction(v as AnyFn, type, String(funcIndex)));
        funcIndex++;
      } else if (type instanceof GlobalType) {
        externs.push(importGlobal(v, type, where));
      } else if (type instanceof TagType) {
        const tag = isObject(v) ? tagSlots.get(v) : undefined;
        if (tag === undefined) {
          throw new errors.LinkError(`Import ${where} must be a WebAssembly.Tag`);
        }
        externs.push(tag);
      } else if (type instanceof MemoryType) {
        const state = isObject(v) ? memorySlots.get(v) : undefined;
        if (state === undefined) {
          throw new errors.LinkError(`Import ${where} must be a WebAssembly.Memory`);
        }
        externs.push(state.memory);
      } else {
        const table = isObject(v) ? tableSlots.get(v) : undefined;
        if (table === undefined) {
          throw new errors.LinkError(`Import ${where} must be a WebAssembly.Table`);
        }
        externs.push(table);
      }
    }
    return externs;
  }

  function importGlobal(v: unknown, type: GlobalType, where: string): CoreGlobal {
    const global = isObject(v) ? globalSlots.get(v) : undefined;
    if (global !== undefined) return global;
    const t = type.content;
    if (t === "i64" && typeof v !== "bigint") {
      throw new errors.LinkError(`Import ${where} must be a BigInt or a WebAssembly.Global`);
    }
    if ((t === "i32" || t === "f32" || t === "f64") && typeof v !== "number") {
      throw new errors.LinkError(`Import ${where} must be a Number or a WebAssembly.Global`);
    }
    if (t === "v128") throw new errors.LinkError(`Import ${where}: a v128 global cannot be given`);
    let value: unknown;
    try {
      value = toWasm(v, t);
    } catch (e) {
      if (e instanceof TypeError) throw new errors.LinkError(`Import ${where}: ${e.message}`);
      throw e;
    }
    if (type.mutable) {
      throw new errors.LinkError(`Import ${where} is a mutable global: it needs a Global`);
    }
    return new CoreGlobal(store, toVal(value, t), "const");
  }

  /** Instantiates the core module with `externs`; returns the exports object. */
  function instantiateCore(core: CoreModule, externs: Extern[]): object {
    let instance: CoreInstance;
    try {
      instance = new CoreInstance(store, core, externs);
    } catch (e) {
      throw translate(e);
    }
    const exports = Object.create(null) as Record<string, unknown>;
    for (const { name, value } of instance.exports(store)) {
      Object.defineProperty(exports, name, {
        value: externObject(value),
        writable: false,
        enumerable: true,
        configurable: false,
      });
    }
    return Object.freeze(exports);
  }

  function externObject(value: Extern): unknown {
    if (value instanceof Func) return exportedFunction(value);
    if (value instanceof CoreMemory) return memoryObject(value);
    if (value instanceof CoreTable) return tableObject(value);
    if (value instanceof CoreGlobal) return globalObject(value);
    return tagObject(value);
  }

  function newInstanceObject(exports: object, proto: object = Instance.prototype): object {
    const obj = Object.create(proto) as object;
    instanceSlots.set(obj, exports);
    return obj;
  }

  class Instance {
    constructor(module: unknown, importObject: unknown = undefined) {
      requireNew(new.target, this, Instance);
      const core = slot(moduleSlots, module, "Module");
      instanceSlots.set(this, instantiateCore(core, readImports(core, importObject)));
    }

    get exports(): object {
      return slot(instanceSlots, this, "Instance");
    }
  }
  webidlInterface(Instance, "Instance", 1, "WebAssembly.Instance");

  // ---- Memory -------------------------------------------------------------------------------

  function memoryObject(memory: CoreMemory): object {
    return wrapperOf(
      memory,
      memoryObjects,
      Memory.prototype,
      (o) => memorySlots.set(o, { memory, buffer: null }),
    );
  }

  /** The memory's current buffer; a buffer replaced since (Wasm grew it) is detached now. */
  function currentBuffer(state: MemoryState): ArrayBuffer {
    const buffer = state.memory.data(store).buffer as ArrayBuffer;
    if (state.buffer !== buffer) {
      if (state.buffer !== null) detach(state.buffer);
      state.buffer = buffer;
    }
    return buffer;
  }

  function addressType(d: Record<PropertyKey, unknown>): void {
    const address = d.address;
    if (address === undefined) return;
    const kind = enumValue(address, ["i32", "i64"], "The address type");
    if (kind === "i64") throw new TypeError("64-bit addresses (memory64) are not supported");
  }

  class Memory {
    constructor(descriptor: unknown) {
      requireNew(new.target, this, Memory);
      const d = dictionary(descriptor, "The memory descriptor");
      addressType(d);
      const initialRaw = d.initial;
      if (initialRaw === undefined) throw new TypeError("The memory descriptor needs `initial`");
      const initial = enforceU32(initialRaw, "initial");
      const maximumRaw = d.maximum;
      const maximum = maximumRaw === undefined ? null : enforceU32(maximumRaw, "maximum");
      if (d.shared) throw new TypeError("Shared memories are not supported");
      if (initial > MAX_PAGES) throw new RangeError(`initial must be at most ${MAX_PAGES} pages`);
      if (maximum !== null && maximum > MAX_PAGES) {
        throw new RangeError(`maximum must be at most ${MAX_PAGES} pages`);
      }
      if (maximum !== null && initial > maximum) {
        throw new RangeError("initial must not be above maximum");
      }
      let memory: CoreMemory;
      try {
        memory = new CoreMemory(store, new MemoryType({ minimum: initial, maximum }));
      } catch (e) {
        if (e instanceof MemoryError) throw new RangeError(e.message, { cause: e });
        throw e;
      }
      memorySlots.set(this, { memory, buffer: null });
      memoryObjects.set(memory, this);
    }

    grow(delta: unknown): number {
      const state = slot(memorySlots, this, "Memory");
      const pages = enforceU32(delta, "delta");
      const old = currentBuffer(state);
      let result: number;
      try {
        result = state.memory.grow(store, pages);
      } catch (e) {
        if (e instanceof MemoryError) throw new RangeError(e.message, { cause: e });
        throw e;
      }
      if (pages > 0) {
        detach(old);
        state.buffer = null;
      }
      return result;
    }

    get buffer(): ArrayBuffer {
      return currentBuffer(slot(memorySlots, this, "Memory"));
    }
  }
  webidlInterface(Memory, "Memory", 1, "WebAssembly.Memory");

  // ---- Table --------------------------------------------------------------------------------

  function tableObject(table: CoreTable): object {
    return wrapperOf(table, tableObjects, Table.prototype, (o) => tableSlots.set(o, table));
  }

  function refType(kind: string): RefType {
    return kind === "externref" ? "externref" : "funcref";
  }

  /** The element to store: `value` converted, or the default when it is missing. */
  function tableValue(table: CoreTable, value: unknown, present: boolean): Val {
    const type = table.ty(store).element;
    const v = present ? toWasm(value, type) : defaultValue(type);
    return toVal(v, type);
  }

  class Table {
    constructor(descriptor: unknown, value: unknown = undefined) {
      requireNew(new.target, this, Table);
      const d = dictionary(descriptor, "The table descriptor");
      // The order the JS-API tests expect: the element type, then the address type.
      const elementRaw = d.element;
      if (elementRaw === undefined) throw new TypeError("The table descriptor needs `element`");
      const element = refType(
        enumValue(elementRaw, ["anyfunc", "funcref", "externref"], "The element type"),
      );
      addressType(d);
      const initialRaw = d.initial;
      if (initialRaw === undefined) throw new TypeError("The table descriptor needs `initial`");
      const initial = enforceU32(initialRaw, "initial");
      const maximumRaw = d.maximum;
      const maximum = maximumRaw === undefined ? null : enforceU32(maximumRaw, "maximum");
      if (maximum !== null && initial > maximum) {
        throw new RangeError("initial must not be above maximum");
      }
      if (initial > MAX_TABLE_SIZE) {
        throw new RangeError(`initial must be at most ${MAX_TABLE_SIZE} elements`);
      }
      const init = toVal(
        value === undefined ? defaultValue(element) : toWasm(value, element),
        element,
      );
      let table: CoreTable;
      try {
        table = new CoreTable(store, new TableType({ element, minimum: initial, maximum }), init);
      } catch (e) {
        if (e instanceof TableError) throw new RangeError(e.message, { cause: e });
        throw e;
      }
      tableSlots.set(this, table);
      tableObjects.set(table, this);
    }

    get length(): number {
      return slot(tableSlots, this, "Table").size(store);
    }

    // `...rest` rather than a default: `length` stays 1 when compiled to ES5.
    grow(delta: unknown, ...rest: unknown[]): number {
      const table = slot(tableSlots, this, "Table");
      const n = enforceU32(delta, "delta");
      const init = tableValue(table, rest[0], rest.length > 0);
      const size = table.size(store);
      if (size + n > MAX_TABLE_SIZE) {
        throw new RangeError(`A table has at most ${MAX_TABLE_SIZE} elements`);
      }
      try {
        return table.grow(store, n, init);
      } catch (e) {
        if (e instanceof TableError) throw new RangeError(e.message, { cause: e });
        throw e;
      }
    }

    get(index: unknown): unknown {
      const table = slot(tableSlots, this, "Table");
      const i = enforceU32(index, "index");
      const val = table.get(store, i);
      if (val === undefined) throw new RangeError(`Table index ${i} is out of bounds`);
      return toJs(val.value, val.type);
    }

    set(index: unknown, ...rest: unknown[]): void {
      const table = slot(tableSlots, this, "Table");
      const i = enforceU32(index, "index");
      if (i >= table.size(store)) throw new RangeError(`Table index ${i} is out of bounds`);
      table.set(store, i, tableValue(table, rest[0], rest.length > 0));
    }
  }
  webidlInterface(Table, "Table", 1, "WebAssembly.Table");

  // ---- Global -------------------------------------------------------------------------------

  function globalObject(global: CoreGlobal): object {
    return wrapperOf(global, globalObjects, Global.prototype, (o) => globalSlots.set(o, global));
  }

  const VALUE_TYPES = ["i32", "i64", "f32", "f64", "v128", "externref", "anyfunc", "funcref"];

  function globalValue(global: CoreGlobal): unknown {
    const val = global.get(store);
    if (val.type === "v128") throw new TypeError("A v128 global cannot be read from JS");
    return toJs(val.value, val.type);
  }

  class Global {
    constructor(descriptor: unknown, v: unknown = undefined) {
      requireNew(new.target, this, Global);
      const d = dictionary(descriptor, "The global descriptor");
      const mutable = Boolean(d.mutable);
      const valueRaw = d.value;
      if (valueRaw === undefined) throw new TypeError("The global descriptor needs `value`");
      const kind = enumValue(valueRaw, VALUE_TYPES, "The value type");
      if (kind === "v128") throw new TypeError("A v128 global cannot be created from JS");
      const type: ValType = kind === "anyfunc" ? "funcref" : kind as ValType;
      const value = v === undefined ? defaultValue(type) : toWasm(v, type);
      const global = new CoreGlobal(store, toVal(value, type), mutable ? "var" : "const");
      globalSlots.set(this, global);
      globalObjects.set(global, this);
    }

    valueOf(): unknown {
      return globalValue(slot(globalSlots, this, "Global"));
    }

    get value(): unknown {
      return globalValue(slot(globalSlots, this, "Global"));
    }

    set value(v: unknown) {
      const global = slot(globalSlots, this, "Global");
      const type = global.ty(store);
      if (!type.mutable) throw new TypeError("Cannot set an immutable global");
      if (type.content === "v128") throw new TypeError("A v128 global cannot be set from JS");
      global.set(store, toVal(toWasm(v, type.content), type.content));
    }
  }
  webidlInterface(Global, "Global", 1, "WebAssembly.Global");

  // ---- Tag, Exception (the exception-handling JS API) ---------------------------------------

  function tagObject(tag: CoreTag): object {
    return wrapperOf(tag, tagObjects, Tag.prototype, (o) => tagSlots.set(o, tag));
  }

  class Tag {
    constructor(type: unknown) {
      requireNew(new.target, this, Tag);
      const d = dictionary(type, "The tag type");
      const parametersRaw = d.parameters;
      if (parametersRaw === undefined) throw new TypeError("The tag type needs `parameters`");
      const params = iterate(parametersRaw, "parameters").map((p) => {
        const kind = enumValue(p, VALUE_TYPES, "A parameter type");
        return (kind === "anyfunc" ? "funcref" : kind) as ValType;
      });
      const tag = new CoreTag(store, new TagType(new FuncType(params, [])));
      tagSlots.set(this, tag);
      tagObjects.set(tag, this);
    }
  }
  webidlInterface(Tag, "Tag", 1, "WebAssembly.Tag");

  /**
   * `WebAssembly.JSTag`: the tag of the exceptions that stand for JS values thrown into Wasm.
   * Wasm can catch them by this tag (an externref payload); leaving Wasm, they are that value.
   */
  const jsTag = new CoreTag(store, new TagType(new FuncType(["externref"], [])));
  const jsTagObject = tagObject(jsTag);

  /** The JS value an uncaught Wasm exception leaves Wasm as. */
  function exceptionToJs(e: WasmException): unknown {
    if (e.tag(store) === jsTag) return e.payload(store)[0]!.value;
    return wrapperOf(e, exceptionObjects, Exception.prototype, (o) => exceptionSlots.set(o, e));
  }

  /** What a JS throw into Wasm becomes (see `hostFunction`). */
  function jsToWasmThrow(e: unknown): unknown {
    const exception = isObject(e) ? exceptionSlots.get(e) : undefined;
    if (exception !== undefined) return exception;
    if (e instanceof Trap || e instanceof WasmException) return e;
    if (isObject(e) && trapErrors.has(e)) return e;
    if (isHostStackOverflow(e)) return e;
    return new WasmException(store, jsTag, [Val.externref(e)]);
  }

  class Exception {
    constructor(exceptionTag: unknown, payload: unknown, options: unknown = undefined) {
      requireNew(new.target, this, Exception);
      const tag = slot(tagSlots, exceptionTag, "Tag");
      const values = iterate(payload, "The payload");
      const d = dictionary(options, "The exception options");
      if (tag === jsTag) throw new TypeError("An Exception cannot be made with WebAssembly.JSTag");
      const types = tag.ty(store).params;
      if (values.length !== types.length) {
        throw new TypeError(
          `The tag takes ${types.length} values, the payload has ${values.length}`,
        );
      }
      const vals = types.map((t, i) => toVal(toWasm(values[i], t), t));
      const exception = new WasmException(store, tag, vals);
      exceptionSlots.set(this, exception);
      exceptionObjects.set(exception, this);
      if (d.traceStack === true) {
        Object.defineProperty(this, "stack", {
          value: new Error().stack ?? "",
          writable: true,
          enumerable: false,
          configurable: true,
        });
      }
    }

    getArg(exceptionTag: unknown, index: unknown): unknown {
      const exception = slot(exceptionSlots, this, "Exception");
      const tag = slot(tagSlots, exceptionTag, "Tag");
      const i = enforceU32(index, "index");
      if (exception.tag(store) !== tag) {
        throw new TypeError("The exception's tag is not the tag given");
      }
      const payload = exception.payload(store);
      if (i >= payload.length) throw new RangeError(`Payload index ${i} is out of bounds`);
      const val = payload[i]!;
      return toJs(val.value, val.type);
    }

    is(exceptionTag: unknown): boolean {
      const exception = slot(exceptionSlots, this, "Exception");
      return exception.tag(store) === slot(tagSlots, exceptionTag, "Tag");
    }
  }
  webidlInterface(Exception, "Exception", 2, "WebAssembly.Exception");

  // ---- Namespace operations -----------------------------------------------------------------

  const later = <T>(work: () => T): Promise<T> => Promise.resolve().then(work);

  function asyncInstantiate(core: CoreModule, importObject: unknown): Promise<object> {
    // Imports are read now; the instance is made in a later job (the spec's queued task).
    try {
      const externs = readImports(core, importObject);
      return later(() => newInstanceObject(instantiateCore(core, externs)));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  interface ResponseLike {
    headers: { get(name: string): string | null };
    ok: boolean;
    status: number;
    arrayBuffer(): Promise<ArrayBuffer>;
  }

  /** Whether `x` is a fetch `Response` (of the host's class, where it has one). */
  function isResponse(x: unknown): x is ResponseLike {
    const R = (globalThis as { Response?: new () => unknown }).Response;
    return typeof R === "function" && x instanceof R;
  }

  async function responseBytes(source: unknown): Promise<Uint8Array> {
    const response = await source;
    if (!isResponse(response)) throw new TypeError("Expected a Response or a Promise of one");
    const mime = (response.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (mime !== "application/wasm") {
      throw new TypeError(`Expected a Response of type application/wasm, got "${mime}"`);
    }
    if (!response.ok) throw new TypeError(`The Response's status is ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  const operations = {
    validate(bytes: unknown): boolean {
      const copy = copyBufferSource(bytes, "The module's bytes");
      if (checkJsLimits(copy) !== null) return false;
      try {
        CoreModule.validate(engine, copy);
        return true;
      } catch (e) {
        if (e instanceof DecodeError || e instanceof ValidationError) return false;
        throw e;
      }
    },
    compile(bytes: unknown): Promise<object> {
      try {
        const copy = copyBufferSource(bytes, "The module's bytes");
        return later(() => newModuleObject(compileBytes(copy)));
      } catch (e) {
        return Promise.reject(e);
      }
    },
    instantiate(source: unknown, importObject: unknown = undefined): Promise<object> {
      const core = isObject(source) ? moduleSlots.get(source) : undefined;
      if (core !== undefined) return asyncInstantiate(core, importObject);
      let copy: Uint8Array;
      try {
        copy = copyBufferSource(source, "The module's bytes or a WebAssembly.Module");
      } catch (e) {
        return Promise.reject(e);
      }
      return later(() => compileBytes(copy)).then((compiled) =>
        asyncInstantiate(compiled, importObject).then((instance) => ({
          module: newModuleObject(compiled),
          instance,
        }))
      );
    },
    compileStreaming(source: unknown): Promise<object> {
      return responseBytes(source).then((bytes) => newModuleObject(compileBytes(bytes)));
    },
    instantiateStreaming(source: unknown, importObject: unknown = undefined): Promise<object> {
      return responseBytes(source).then((bytes) => {
        const compiled = compileBytes(bytes);
        return asyncInstantiate(compiled, importObject).then((instance) => ({
          module: newModuleObject(compiled),
          instance,
        }));
      });
    },
  };

  const ns: Record<string | symbol, unknown> = {};
  for (const [name, fn] of Object.entries(operations)) {
    // Each takes one required argument; set here, as ES5 lowering counts defaulted ones.
    nameFunction(fn as AnyFn, name, 1);
    Object.defineProperty(ns, name, {
      value: fn,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  const interfaces = { Module, Instance, Memory, Table, Global, Tag, Exception, ...errors };
  for (const [name, ctor] of Object.entries(interfaces)) {
    Object.defineProperty(ns, name, {
      value: ctor,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  // A namespace attribute: a getter, enumerable and configurable (WebIDL).
  const getJsTag = nameFunction(() => jsTagObject, "get JSTag", 0);
  Object.defineProperty(ns, "JSTag", { get: getJsTag, enumerable: true, configurable: true });
  Object.defineProperty(ns, Symbol.toStringTag, {
    value: "WebAssembly",
    writable: false,
    enumerable: false,
    configurable: true,
  });
  return ns;
}
