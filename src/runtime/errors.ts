/**
 * Errors of the runtime API: misuse of a handle, a call with the wrong arguments, an operation on
 * a memory, table or global that cannot be done. Wasm execution errors are `Trap`s; these are the
 * embedder's mistakes, reported before anything changes.
 *
 * @module
 */

import { WasmError } from "../core/errors.ts";

/**
 * A handle (`Func`, `Memory`, `Table`, `Global`, `Instance`) was used with a store that does not
 * own it, or an engine-bound object was used with another engine.
 *
 * @example
 * ```ts
 * import { Engine, Memory, MemoryType, Store, StoreMismatchError } from "../../mod.ts";
 * const engine = new Engine();
 * const a = new Store(engine, null);
 * const b = new Store(engine, null);
 * const mem = new Memory(a, new MemoryType({ minimum: 1 }));
 * let caught: unknown;
 * try { mem.size(b); } catch (e) { caught = e; }
 * if (!(caught instanceof StoreMismatchError)) throw new Error("expected a StoreMismatchError");
 * ```
 */
export class StoreMismatchError extends WasmError {
  /** Always `"StoreMismatchError"`. */
  override name = "StoreMismatchError";
}

/**
 * A function was called, or a host function returned, with values that do not match its type:
 * wrong number of values or a value of the wrong type. Nothing ran.
 *
 * @example
 * ```ts
 * import { Engine, Func, FuncError, Store, Val } from "../../mod.ts";
 * const store = new Store(new Engine(), null);
 * const f = Func.wrap(store, { params: ["i32"], results: [] }, () => {});
 * let caught: unknown;
 * try { f.call(store, [Val.i64(1n)]); } catch (e) { caught = e; }
 * if (!(caught instanceof FuncError)) throw new Error("expected a FuncError");
 * ```
 */
export class FuncError extends WasmError {
  /** Always `"FuncError"`. */
  override name = "FuncError";
}

/**
 * A memory operation from the API failed: an access out of bounds, a growth past the maximum, or
 * a memory type that cannot be created.
 *
 * @example
 * ```ts
 * import { Engine, Memory, MemoryError, MemoryType, Store } from "../../mod.ts";
 * const store = new Store(new Engine(), null);
 * const mem = new Memory(store, new MemoryType({ minimum: 1, maximum: 1 }));
 * let caught: unknown;
 * try { mem.grow(store, 1); } catch (e) { caught = e; }
 * if (!(caught instanceof MemoryError)) throw new Error("expected a MemoryError");
 * ```
 */
export class MemoryError extends WasmError {
  /** Always `"MemoryError"`. */
  override name = "MemoryError";
}

/**
 * A table operation from the API failed: an index out of bounds, a growth past the maximum, or an
 * element of the wrong type.
 *
 * @example
 * ```ts
 * import { Engine, Store, Table, TableError, TableType, Val } from "../../mod.ts";
 * const store = new Store(new Engine(), null);
 * const table = new Table(store, new TableType({ element: "funcref", minimum: 1 }), Val.funcref(null));
 * let caught: unknown;
 * try { table.set(store, 5, Val.funcref(null)); } catch (e) { caught = e; }
 * if (!(caught instanceof TableError)) throw new Error("expected a TableError");
 * ```
 */
export class TableError extends WasmError {
  /** Always `"TableError"`. */
  override name = "TableError";
}

/**
 * A global could not be set: it is immutable, or the value has the wrong type.
 *
 * @example
 * ```ts
 * import { Engine, Global, GlobalError, Store, Val } from "../../mod.ts";
 * const store = new Store(new Engine(), null);
 * const g = new Global(store, Val.i32(1), "const");
 * let caught: unknown;
 * try { g.set(store, Val.i32(2)); } catch (e) { caught = e; }
 * if (!(caught instanceof GlobalError)) throw new Error("expected a GlobalError");
 * ```
 */
export class GlobalError extends WasmError {
  /** Always `"GlobalError"`. */
  override name = "GlobalError";
}

/**
 * Fuel was read or set on a store whose engine does not meter fuel (`Config.consumeFuel` off).
 *
 * @example
 * ```ts
 * import { Engine, FuelError, Store } from "../../mod.ts";
 * const store = new Store(new Engine(), null);
 * let caught: unknown;
 * try { store.setFuel(10); } catch (e) { caught = e; }
 * if (!(caught instanceof FuelError)) throw new Error("expected a FuelError");
 * ```
 */
export class FuelError extends WasmError {
  /** Always `"FuelError"`. */
  override name = "FuelError";
}

/**
 * A host function returned a Promise during a synchronous call (`call`, `callResumable`), which
 * cannot wait for it: call the function with `callAsync` instead. The call was abandoned.
 *
 * @example
 * ```ts
 * import { AsyncHostFuncError, Engine, Func, Store } from "../../mod.ts";
 * const store = new Store(new Engine(), null);
 * const f = Func.wrap(store, { params: [], results: [] }, () => Promise.resolve());
 * let caught: unknown;
 * try { f.call(store, []); } catch (e) { caught = e; }
 * if (!(caught instanceof AsyncHostFuncError)) throw new Error("expected an AsyncHostFuncError");
 * await f.callAsync(store, []); // fine
 * ```
 */
export class AsyncHostFuncError extends WasmError {
  /** Always `"AsyncHostFuncError"`. */
  override name = "AsyncHostFuncError";
}

/**
 * A suspended resumable call was resumed twice, or resumed after it was dropped. Each handle
 * resumes once; a call that suspends again returns a new handle.
 *
 * @example
 * ```ts
 * import { Config, Engine, Linker, Module, ResumeError, Store } from "../../mod.ts";
 * import wabtInit from "wabt";
 * const wat = `(module (func (export "spin") (loop (br 0))))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const engine = new Engine(new Config({ consumeFuel: true }));
 * const store = new Store(engine, null);
 * const spin = new Linker(engine).instantiate(store, new Module(engine, bytes))
 *   .getFunc(store, "spin")!;
 * const call = spin.callResumable(store, []);
 * if (call.kind !== "outOfFuel") throw new Error("expected to run out of fuel");
 * call.drop();
 * let caught: unknown;
 * try { call.resume(store); } catch (e) { caught = e; }
 * if (!(caught instanceof ResumeError)) throw new Error("expected a ResumeError");
 * ```
 */
export class ResumeError extends WasmError {
  /** Always `"ResumeError"`. */
  override name = "ResumeError";
}
