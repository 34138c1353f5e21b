/**
 * `Session`: the REPL's command layer without any UI. It holds an engine, a store, the named
 * instances, the names they are registered under, stand-ins for missing imports, fuel, and the
 * calls that stopped and wait to be resumed.
 *
 * The REPL prints what it returns. The spec runner does not use this layer: it talks to the
 * library directly through `tests/spec/host.ts`, so that the conformance figures depend on the
 * library alone.
 *
 * @example Loading a module and calling an export
 * ```ts ignore
 * import { Session } from "./session.ts";
 * const session = new Session();
 * await session.load("(module (func (export \"two\") (result i32) i32.const 2))", { name: "$m" });
 * const outcome = session.invoke(session.func("$m.two"), []);
 * if (outcome.kind !== "finished" || outcome.results[0]!.value !== 2) throw new Error();
 * ```
 *
 * @module
 */

import {
  type CallFrame,
  Config,
  Engine,
  Func,
  FuncType,
  Global,
  type GlobalType,
  type Instance,
  Linker,
  Memory,
  MemoryType,
  Module,
  type ResumableCall,
  type ResumableCallHostTrap,
  type ResumableCallOutOfFuel,
  Store,
  Table,
  TableType,
  Tag,
  TagType,
  type Val,
  ValidationError,
  type ValType,
} from "../mod.ts";
import { RefHandles } from "./ref_handles.ts";
import { ReplError } from "./repl_error.ts";
import {
  AwaitRequest,
  jsToResults,
  type StandInBehaviour,
  StandIns,
  SuspendRequest,
  valsToJs,
  zeroValue,
} from "./stand_ins.ts";
import { leadingBytes, moduleKind, watErrorLocation, watModuleName, watToWasm } from "./wat.ts";
import { WASI_MODULE, type WasiCtx } from "../src/wasi/mod.ts";

/** Anything an instance exports or a module imports. */
export type Extern = Func | Memory | Table | Global | Tag;

/** Which kind of entity an `Extern` is. */
export type ExternKindName = "func" | "memory" | "table" | "global" | "tag";

/** A loaded module and its instance, under a `$name`. */
export interface InstanceRecord {
  /** `$name`, always starting with `$`. */
  readonly name: string;
  /** The compiled module. */
  readonly module: Module;
  /** Its instance in the session's store. */
  readonly instance: Instance;
  /** File path, or `inline` for typed-in WAT. */
  readonly origin: string;
  /** Size of the binary. */
  readonly byteLength: number;
  /** Module names this instance's exports are registered under. */
  readonly registeredAs: string[];
  /** How each import was satisfied, by `module.name`. */
  readonly resolutions: ReadonlyMap<string, string>;
}

/** Why a call stopped. */
export type StopReason =
  /** A suspending stand-in was called: the user supplies its results. */
  | {
    readonly kind: "host";
    readonly key: string;
    readonly params: readonly Val[];
    readonly results: readonly ValType[];
  }
  /** The fuel budget ran out; `required` is what the failed charge needs. */
  | { readonly kind: "fuel"; readonly required: bigint }
  /** The user interrupted it (Ctrl-C). */
  | { readonly kind: "interrupted" };

/** A call that stopped and waits in the session until resumed or dropped. */
export interface SuspendedCall {
  /** Its number for `resume <id>`. */
  readonly id: number;
  /** What was called, e.g. `$demo.main`. */
  readonly target: string;
  /** The arguments it was called with. */
  readonly args: readonly Val[];
  /** Why it stopped (changes each time it stops again). */
  readonly reason: StopReason;
}

/** What became of a call. */
export type CallOutcome =
  | { readonly kind: "finished"; readonly results: Val[] }
  /** A trap, or an error from a host function or from the API (kept as thrown). */
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "suspended"; readonly call: SuspendedCall };

/** The fuel the user sees: unlimited (`on: false`), or a budget that calls draw from. */
export interface FuelState {
  /** Whether calls draw from a budget. */
  readonly on: boolean;
  /** The budget left when `on`. */
  readonly left: bigint;
}

/** Options for a new session. */
export interface SessionOptions {
  /** Fuel per slice of an interruptible call; smaller reacts to Ctrl-C sooner. */
  readonly sliceFuel?: bigint;
  /** Told whenever a stand-in returns values, so a UI can show it. */
  readonly onStandInCall?: (key: string, params: readonly Val[], results: readonly Val[]) => void;
  /** Where `print(...)` inside a `bind` expression writes. */
  readonly print?: (line: string) => void;
}

/** Load options. */
export interface LoadOptions {
  /** `$name` for the instance (default: the WAT module's `$id`, else the file's base name). */
  readonly name?: string;
  /** Where it came from, for listings (default `inline`). */
  readonly origin?: string;
  /** Provides the module's `wasi_snapshot_preview1` imports (`load --wasi`). */
  readonly wasi?: WasiCtx;
}

/** What `load` did. */
export interface LoadResult {
  /** The new instance. */
  readonly record: InstanceRecord;
  /** The name it replaced, if an instance of the same name existed. */
  readonly replaced: boolean;
  /** Imports the session stood in for, as `module.name`. */
  readonly standIns: readonly string[];
}

const DEFAULT_SLICE = 1_000_000n;
/** Fuel for "unlimited": more than any REPL call will use, and still a safe JS integer. */
const PLENTY = BigInt(Number.MAX_SAFE_INTEGER);

interface StoppedCall {
  info: SuspendedCall;
  handle: ResumableCallHostTrap | ResumableCallOutOfFuel;
}

/** One step of driving a resumable call: done, or how to continue. */
type Step =
  | { readonly done: CallOutcome }
  | { readonly next: (results?: Val[]) => ResumableCall; readonly wait?: AwaitRequest };

/**
 * The REPL's state and every operation on it, UI-free.
 */
export class Session {
  /** The engine (fuel metering on). */
  readonly engine: Engine;
  /** Stand-ins for imports nobody provides. */
  readonly standIns: StandIns = new StandIns();
  /** Short names for references shown to the user. */
  readonly refs: RefHandles = new RefHandles();
  #store: Store<unknown>;
  readonly #options: SessionOptions;
  readonly #sliceFuel: bigint;
  readonly #instances = new Map<string, InstanceRecord>();
  readonly #registered = new Map<string, InstanceRecord>();
  readonly #defined = new Map<string, { module: string; name: string; value: Extern }>();
  readonly #standInExterns = new Map<string, Extern>();
  #current: InstanceRecord | undefined;
  #autoName = 0;
  readonly #stopped = new Map<number, StoppedCall>();
  #nextCallId = 1;
  #fuelOn = false;
  #fuelLeft = 0n;
  #granted = 0n;
  #interrupt = false;
  #instantiating = false;

  /** @param options see `SessionOptions` */
  constructor(options: SessionOptions = {}) {
    this.#options = options;
    this.#sliceFuel = options.sliceFuel ?? DEFAULT_SLICE;
    // Fuel is always metered: slices of it are what make calls interruptible.
    // Bodies are validated at load (not on first call, as `lazy` mode would) so that `load`
    // reports an invalid module with its place in the text.
    this.engine = new Engine(new Config({ consumeFuel: true, compilationMode: "lazyTranslation" }));
    this.#store = new Store(this.engine, {});
  }

  /** The store everything lives in (replaced by `reset`). */
  get store(): Store<unknown> {
    return this.#store;
  }

  // ---- modules and instances ----

  /**
   * Compiles and instantiates a module from a binary or WAT text, told apart by content: bytes
   * starting with `\0asm` are a binary, UTF-8 text starting with `(` is WAT, anything else is
   * refused in one line. Imports nobody provides get stand-ins. A validation error in WAT text
   * also gives the line and column wabt places it at.
   */
  async load(source: Uint8Array | string, options: LoadOptions = {}): Promise<LoadResult> {
    if (typeof source !== "string") {
      const kind = moduleKind(source);
      if (kind === "binary") return this.loadBinary(source, options);
      if (kind === "neither") {
        throw new ReplError(
          `${options.origin ?? "The input"} is not a Wasm module: no \\0asm magic and not WAT ` +
            `text (${leadingBytes(source)})`,
        );
      }
      source = new TextDecoder().decode(source);
    }
    const text = source;
    const name = options.name ?? watModuleName(text);
    const origin = options.origin ?? "inline.wat";
    const bytes = await watToWasm(text, origin);
    try {
      return this.loadBinary(bytes, { ...options, ...(name === undefined ? {} : { name }) });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const where = await watErrorLocation(text, origin);
      if (where === undefined) throw e;
      throw new ReplError(`validation error: ${e.message}\n  in the text: ${where}`);
    }
  }

  /** `load` for a binary, synchronous. */
  loadBinary(bytes: Uint8Array, options: LoadOptions = {}): LoadResult {
    const origin = options.origin ?? "inline";
    const name = options.name === undefined
      ? this.#uniqueName(origin)
      : normalizeInstanceName(options.name);
    const module = new Module(this.engine, bytes);
    const { linker, resolutions, standIns } = this.#linkerFor(module, options.wasi);
    const instance = this.#instantiate(linker, module);
    const replaced = this.#instances.has(name);
    const record: InstanceRecord = {
      name,
      module,
      instance,
      origin,
      byteLength: bytes.length,
      registeredAs: [],
      resolutions,
    };
    this.#instances.set(name, record);
    this.#current = record;
    return { record, replaced, standIns };
  }

  #uniqueName(origin: string): string {
    const base = origin === "inline"
      ? ""
      : origin.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "").replace(/[^\w.-]/g, "_");
    if (base !== "" && !this.#instances.has(`$${base}`)) return `$${base}`;
    let name: string;
    do name = `$${base || "m"}${++this.#autoName}`; while (this.#instances.has(name));
    return name;
  }

  #instantiate(linker: Linker<unknown>, module: Module): Instance {
    this.#instantiating = true;
    this.#grantFuel(this.#fuelOn ? this.#fuelLeft : PLENTY);
    try {
      return linker.instantiate(this.#store, module);
    } finally {
      this.#settleFuel();
      this.#instantiating = false;
    }
  }

  /** A linker with everything registered and defined, plus stand-ins for the rest. */
  #linkerFor(module: Module, wasi?: WasiCtx): {
    linker: Linker<unknown>;
    resolutions: Map<string, string>;
    standIns: string[];
  } {
    const linker = new Linker<unknown>(this.engine);
    if (wasi !== undefined) wasi.addToLinker(linker);
    for (const [as, record] of this.#registered) linker.instance(this.#store, as, record.instance);
    for (const d of this.#defined.values()) linker.define(d.module, d.name, d.value);
    const resolutions = new Map<string, string>();
    const standIns: string[] = [];
    for (const imp of module.imports()) {
      const key = `${imp.module}.${imp.name}`;
      if (wasi !== undefined && imp.module === WASI_MODULE) {
        resolutions.set(key, "WASI");
        continue;
      }
      const provider = this.#provider(imp.module, imp.name);
      if (provider !== undefined) {
        resolutions.set(key, provider);
        continue;
      }
      this.#defineStandIn(linker, imp.module, imp.name, imp.type);
      resolutions.set(key, "stand-in");
      standIns.push(key);
    }
    return { linker, resolutions, standIns };
  }

  #provider(module: string, name: string): string | undefined {
    if (this.#defined.has(`${module}.${name}`)) return "defined by the host";
    const record = this.#registered.get(module);
    if (record && record.instance.exports(this.#store).some((e) => e.name === name)) {
      return record.name;
    }
    return undefined;
  }

  #defineStandIn(
    linker: Linker<unknown>,
    module: string,
    name: string,
    type: FuncType | MemoryType | TableType | GlobalType | TagType,
  ): void {
    const key = `${module}.${name}`;
    if (type instanceof FuncType) {
      const initial: StandInBehaviour = { kind: "suspend" };
      this.standIns.ensure(key, type, initial);
      linker.funcNew(module, name, type, (_caller, params) => this.#runStandIn(key, type, params));
      return;
    }
    let extern = this.#standInExterns.get(key);
    if (!extern) {
      extern = this.#createExtern(type);
      this.#standInExterns.set(key, extern);
    }
    linker.define(module, name, extern);
  }

  #createExtern(type: MemoryType | TableType | GlobalType | TagType): Extern {
    if (type instanceof TagType) return new Tag(this.#store, type);
    if (type instanceof MemoryType) return new Memory(this.#store, type);
    if (type instanceof TableType) return new Table(this.#store, type, zeroValue(type.element));
    return new Global(this.#store, zeroValue(type.content), type.mutable);
  }

  #runStandIn(key: string, type: FuncType, params: Val[]): Val[] {
    const behaviour = this.standIns.get(key)?.behaviour ?? { kind: "suspend" };
    switch (behaviour.kind) {
      case "values": {
        const results = jsToResults(
          type.results.length === 1 ? behaviour.values[0] : [...behaviour.values],
          type.results,
          key,
        );
        this.#options.onStandInCall?.(key, params, results);
        return results;
      }
      case "js": {
        const value = behaviour.fn(...valsToJs(params));
        if (isThenable(value)) {
          if (this.#instantiating) {
            throw new ReplError(
              `${key} returned a Promise, which cannot be awaited during instantiation`,
            );
          }
          throw new AwaitRequest(key, Promise.resolve(value), type.results);
        }
        return jsToResults(value, type.results, key);
      }
      case "suspend": {
        if (this.#instantiating) {
          // Nobody can type results in the middle of instantiation: answer zeros.
          const results = type.results.map(zeroValue);
          this.#options.onStandInCall?.(key, params, results);
          return results;
        }
        throw new SuspendRequest(key, params, type.results);
      }
    }
  }

  /** Every instance, in load order. */
  instances(): InstanceRecord[] {
    return [...this.#instances.values()];
  }

  /** The instance bare export names refer to (the last loaded, or the one chosen by `use`). */
  get current(): InstanceRecord | undefined {
    return this.#current;
  }

  /**
   * The instance named `name` (with or without `$`), or the current one when `name` is omitted.
   *
   * @throws ReplError when there is no such instance
   */
  instance(name?: string): InstanceRecord {
    if (name === undefined) {
      if (!this.#current) throw new ReplError("No module loaded yet (try `load <file>`)");
      return this.#current;
    }
    const record = this.#instances.get(normalizeInstanceName(name));
    if (!record) throw new ReplError(`No instance named ${normalizeInstanceName(name)}`);
    return record;
  }

  /** Makes `name` the current instance. */
  use(name: string): InstanceRecord {
    this.#current = this.instance(name);
    return this.#current;
  }

  /** Makes an instance's exports importable under module name `as` (latest wins). */
  register(instanceName: string | undefined, as: string): InstanceRecord {
    const record = this.instance(instanceName);
    const previous = this.#registered.get(as);
    if (previous) {
      const i = previous.registeredAs.indexOf(as);
      if (i >= 0) previous.registeredAs.splice(i, 1);
    }
    this.#registered.set(as, record);
    record.registeredAs.push(as);
    return record;
  }

  /** Provides `module.name` to every later load (a host function or a `spectest`-like module). */
  define(module: string, name: string, value: Extern): void {
    this.#defined.set(`${module}.${name}`, { module, name, value });
  }

  /** The instances registered under module names, by name. */
  registered(): ReadonlyMap<string, InstanceRecord> {
    return this.#registered;
  }

  /** Memories, tables and globals the session created for missing imports, by `module.name`. */
  standInExterns(): ReadonlyMap<string, Extern> {
    return this.#standInExterns;
  }

  // ---- looking things up ----

  /**
   * Finds an entity by reference: `$inst.name` (an export of that instance), `module.name` (an
   * export of the instance registered as `module`, or a stand-in), or `name` (an export of the
   * current instance).
   *
   * @returns the entity and a display name, or `undefined`
   */
  lookup(ref: string): { value: Extern; label: string } | undefined {
    if (ref.startsWith("$")) {
      const dot = ref.indexOf(".");
      if (dot < 0) return undefined;
      const record = this.#instances.get(ref.slice(0, dot));
      const name = ref.slice(dot + 1);
      const value = record?.instance.exports(this.#store).find((e) => e.name === name)?.value;
      return value ? { value: value as Extern, label: ref } : undefined;
    }
    const dot = ref.indexOf(".");
    if (dot > 0) {
      const module = ref.slice(0, dot);
      const name = ref.slice(dot + 1);
      const registered = this.#registered.get(module);
      const value = registered?.instance.exports(this.#store).find((e) => e.name === name)
        ?.value ??
        this.#standInExterns.get(ref) ?? this.#defined.get(ref)?.value;
      if (value) return { value: value as Extern, label: ref };
    }
    const current = this.#current;
    const value = current?.instance.exports(this.#store).find((e) => e.name === ref)?.value;
    return value && current
      ? { value: value as Extern, label: `${current.name}.${ref}` }
      : undefined;
  }

  /** The exported function `ref` names (see `lookup`). */
  func(ref: string): Func {
    return this.#lookupKind(ref, Func, "func");
  }

  /** The memory `ref` names, or the current instance's first exported memory. */
  memory(ref?: string): { value: Memory; label: string } {
    return this.#lookupOrFirst(ref, Memory, "memory");
  }

  /** The table `ref` names, or the current instance's first exported table. */
  table(ref?: string): { value: Table; label: string } {
    return this.#lookupOrFirst(ref, Table, "table");
  }

  /** The global `ref` names. */
  global(ref: string): Global {
    return this.#lookupKind(ref, Global, "global");
  }

  #lookupKind<T>(ref: string, cls: abstract new (...a: never[]) => T, kind: string): T {
    const found = this.lookup(ref);
    if (!found) throw new ReplError(this.#notFound(ref));
    if (!(found.value instanceof cls)) {
      throw new ReplError(`${found.label} is a ${externKind(found.value)}, not a ${kind}`);
    }
    return found.value;
  }

  #lookupOrFirst<T>(
    ref: string | undefined,
    cls: abstract new (...a: never[]) => T,
    kind: string,
  ): { value: T; label: string } {
    if (ref !== undefined) {
      const value = this.#lookupKind(ref, cls, kind);
      return { value, label: this.lookup(ref)!.label };
    }
    const record = this.instance();
    const first = record.instance.exports(this.#store).find((e) => e.value instanceof cls);
    if (!first) throw new ReplError(`${record.name} exports no ${kind}`);
    return { value: first.value as T, label: `${record.name}.${first.name}` };
  }

  #notFound(ref: string): string {
    if (ref.startsWith("$")) {
      const dot = ref.indexOf(".");
      const inst = dot < 0 ? ref : ref.slice(0, dot);
      if (!this.#instances.has(inst)) return `No instance named ${inst}`;
      if (dot < 0) return `Name an export of ${inst}: ${inst}.<export>`;
      return `${inst} has no export named '${ref.slice(dot + 1)}'`;
    }
    if (!this.#current) return `No module loaded, so nothing is named '${ref}'`;
    return `${this.#current.name} has no export named '${ref}'`;
  }

  /** Display name of a function handle: `$inst.export` if it is an export, else `func`. */
  funcLabel(func: Func): string {
    for (const record of this.#instances.values()) {
      for (const e of record.instance.exports(this.#store)) {
        if (e.value === func) return `${record.name}.${e.name}`;
      }
    }
    return "func";
  }

  // ---- calls ----

  /**
   * Calls `func` to completion or until it stops (stand-in waiting, fuel budget spent), without
   * yielding to the event loop. Bound JS functions may not return Promises here.
   *
   * @param target how the call is shown in `calls` (default: the function's export name)
   */
  invoke(func: Func, args: Val[], target: string = this.funcLabel(func)): CallOutcome {
    this.#interrupt = false;
    const info = { id: 0, target, args };
    let call: ResumableCall;
    let step: Step = { next: () => func.callResumable(this.#store, args) };
    for (;;) {
      if ("done" in step) return step.done;
      if (step.wait) {
        return {
          kind: "error",
          error: new ReplError("Use invokeAsync for Promise-returning hosts"),
        };
      }
      this.#grantFuel(0n);
      try {
        call = step.next();
      } catch (error) {
        this.#settleFuel();
        return { kind: "error", error };
      }
      this.#settleFuel();
      step = this.#step(call, info);
    }
  }

  /**
   * Like `invoke`, but runs in fuel slices and yields to the event loop between them, so that
   * `interrupt()` can stop it, and awaits bound JS functions that return Promises.
   */
  invokeAsync(
    func: Func,
    args: Val[],
    target: string = this.funcLabel(func),
  ): Promise<CallOutcome> {
    this.#interrupt = false;
    const info = { id: 0, target, args };
    return this.#drive({ next: () => func.callResumable(this.#store, args) }, info);
  }

  /** Asks the running `invokeAsync`/`resume` to stop at its next fuel slice. */
  interrupt(): void {
    this.#interrupt = true;
  }

  async #drive(first: Step, info: { id: number; target: string; args: Val[] }): Promise<
    CallOutcome
  > {
    let step = first;
    for (;;) {
      if ("done" in step) return step.done;
      let results: Val[] | undefined;
      if (step.wait) {
        try {
          results = jsToResults(await step.wait.promise, step.wait.results, step.wait.key);
        } catch (error) {
          return { kind: "error", error };
        }
      }
      this.#grantFuel(0n);
      let call: ResumableCall;
      try {
        call = step.next(results);
      } catch (error) {
        this.#settleFuel();
        return { kind: "error", error };
      }
      this.#settleFuel();
      step = this.#step(call, info);
      if ("next" in step && !step.wait) await yieldToEventLoop();
    }
  }

  /** Decides what to do with a stopped call. */
  #step(call: ResumableCall, info: { id: number; target: string; args: Val[] }): Step {
    switch (call.kind) {
      case "finished":
        return { done: { kind: "finished", results: call.results } };
      case "hostTrap": {
        const error = call.hostError;
        if (error instanceof SuspendRequest) {
          const reason: StopReason = {
            kind: "host",
            key: error.key,
            params: error.params,
            results: error.results,
          };
          return { done: this.#park(call, info, reason) };
        }
        if (error instanceof AwaitRequest) {
          return { next: (results) => call.resume(this.#store, results ?? []), wait: error };
        }
        call.drop();
        return { done: { kind: "error", error } };
      }
      case "outOfFuel": {
        if (this.#interrupt) {
          this.#interrupt = false;
          return { done: this.#park(call, info, { kind: "interrupted" }) };
        }
        if (this.#fuelOn && this.#fuelLeft < call.requiredFuel) {
          return { done: this.#park(call, info, { kind: "fuel", required: call.requiredFuel }) };
        }
        const required = call.requiredFuel;
        return {
          next: () => {
            this.#grantFuel(required);
            return call.resume(this.#store);
          },
        };
      }
    }
  }

  #park(
    handle: ResumableCallHostTrap | ResumableCallOutOfFuel,
    info: { id: number; target: string; args: Val[] },
    reason: StopReason,
  ): CallOutcome {
    if (info.id === 0) info.id = this.#nextCallId++;
    const suspended: SuspendedCall = { id: info.id, target: info.target, args: info.args, reason };
    this.#stopped.set(info.id, { info: suspended, handle });
    return { kind: "suspended", call: suspended };
  }

  /** The calls waiting to be resumed, oldest first. */
  suspended(): SuspendedCall[] {
    return [...this.#stopped.values()].map((s) => s.info);
  }

  /** The suspended call `id`, or a ReplError. */
  suspendedCall(id: number): SuspendedCall {
    const stopped = this.#stopped.get(id);
    if (!stopped) throw new ReplError(this.#noCall(id));
    return stopped.info;
  }

  #noCall(id: number): string {
    const ids = [...this.#stopped.keys()];
    const waiting = ids.length === 0 ? "none are waiting" : `waiting: ${ids.join(", ")}`;
    return `No suspended call ${id} (${waiting})`;
  }

  /**
   * Continues suspended call `id`. A call waiting for a stand-in takes `results` (checked against
   * the stand-in's result types by the API); one stopped for fuel or Ctrl-C takes none.
   */
  resume(id: number, results: Val[] = []): Promise<CallOutcome> {
    const stopped = this.#stopped.get(id);
    if (!stopped) return Promise.reject(new ReplError(this.#noCall(id)));
    this.#stopped.delete(id);
    this.#interrupt = false;
    const { handle, info } = stopped;
    const live = { id, target: info.target, args: [...info.args] };
    let next: () => ResumableCall;
    if (handle.kind === "hostTrap") next = () => handle.resume(this.#store, results);
    else {
      const required = handle.requiredFuel;
      if (this.#fuelOn && this.#fuelLeft < required) {
        this.#stopped.set(id, stopped);
        return Promise.reject(
          new ReplError(
            `Call ${id} needs ${required} fuel and ${this.#fuelLeft} is left (try \`fuel add\`)`,
          ),
        );
      }
      next = () => {
        this.#grantFuel(required);
        return handle.resume(this.#store);
      };
    }
    return this.#drive({ next }, live);
  }

  /**
   * The Wasm frames of suspended call `id`, innermost first, with each frame's parameters and
   * locals.
   */
  framesOf(id: number): CallFrame[] {
    const stopped = this.#stopped.get(id);
    if (!stopped) throw new ReplError(this.#noCall(id));
    return stopped.handle.frames(this.#store, { locals: true });
  }

  /** Abandons suspended call `id`, releasing its stack. */
  drop(id: number): SuspendedCall {
    const stopped = this.#stopped.get(id);
    if (!stopped) throw new ReplError(this.#noCall(id));
    this.#stopped.delete(id);
    stopped.handle.drop();
    return stopped.info;
  }

  // ---- fuel ----

  /** The fuel the user sees. */
  get fuel(): FuelState {
    return { on: this.#fuelOn, left: this.#fuelLeft };
  }

  /** Turns the budget on with `amount` fuel, or off (unlimited). */
  setFuel(on: boolean, amount = 0n): void {
    if (amount < 0n) throw new ReplError(`Fuel cannot be negative, got ${amount}`);
    this.#fuelOn = on;
    this.#fuelLeft = on ? amount : 0n;
  }

  /** Adds to the budget. */
  addFuel(amount: bigint): void {
    if (!this.#fuelOn) {
      throw new ReplError("Fuel is off (unlimited); turn it on with `fuel on <n>`");
    }
    if (amount < 0n) throw new ReplError(`Fuel to add cannot be negative, got ${amount}`);
    this.#fuelLeft += amount;
  }

  /** Gives the store one slice of fuel (at least `required`), within the budget. */
  #grantFuel(required: bigint): void {
    const want = required > this.#sliceFuel ? required : this.#sliceFuel;
    const grant = this.#fuelOn ? (this.#fuelLeft < want ? this.#fuelLeft : want) : want;
    this.#granted = grant;
    this.#store.setFuel(grant);
  }

  /** Charges the budget with what the store used since `#grantFuel`. */
  #settleFuel(): void {
    const used = this.#granted - this.#store.getFuel();
    this.#granted = 0n;
    this.#store.setFuel(0n);
    if (this.#fuelOn) this.#fuelLeft -= used > this.#fuelLeft ? this.#fuelLeft : used;
  }

  // ---- state ----

  /** Reads a global. */
  getGlobal(ref: string): Val {
    return this.global(ref).get(this.#store);
  }

  /** Writes a mutable global. */
  setGlobal(ref: string, value: Val): void {
    this.global(ref).set(this.#store, value);
  }

  /** Binds import `key` (`module.name`) to a JS function, now and for later loads. */
  bind(key: string, source: string): void {
    const fn = evaluateFunction(source, this.#options.print ?? (() => {}), this);
    this.standIns.setBehaviour(key, { kind: "js", source, fn });
  }

  /** Forgets every instance, registration, stand-in and suspended call; starts a new store. */
  reset(): void {
    for (const id of [...this.#stopped.keys()]) this.drop(id);
    this.#store = new Store(this.engine, {});
    this.#instances.clear();
    this.#registered.clear();
    this.#defined.clear();
    this.#standInExterns.clear();
    this.standIns.clear();
    this.refs.clear();
    this.#current = undefined;
    this.#autoName = 0;
    this.#nextCallId = 1;
    this.#fuelOn = false;
    this.#fuelLeft = 0n;
  }
}

/** `demo` → `$demo`; `$demo` stays. */
export function normalizeInstanceName(name: string): string {
  const n = name.startsWith("$") ? name : `$${name}`;
  if (!/^\$[^\s.]+$/.test(n)) {
    throw new ReplError(`Instance names are $ followed by letters, digits or _-, got '${name}'`);
  }
  return n;
}

/** `func`, `memory`, `table`, `global` or `tag`. */
export function externKind(value: Extern): ExternKindName {
  if (value instanceof Func) return "func";
  if (value instanceof Memory) return "memory";
  if (value instanceof Table) return "table";
  if (value instanceof Tag) return "tag";
  return "global";
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as { then?: unknown } | null)?.then === "function";
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Evaluates the user's JS expression for `bind`; `print` and `session` are in scope.
 *
 * @throws ReplError when it does not compile or is not a function
 */
function evaluateFunction(
  source: string,
  print: (line: string) => void,
  session: Session,
): (...args: unknown[]) => unknown {
  let fn: unknown;
  try {
    const printArgs = (...args: unknown[]) => print(args.map(String).join(" "));
    fn = new Function("print", "session", `"use strict"; return (${source});`)(printArgs, session);
  } catch (e) {
    throw new ReplError(`Cannot evaluate '${source}': ${(e as Error).message}`);
  }
  if (typeof fn !== "function") {
    throw new ReplError(`'${source}' is a ${typeof fn}, not a function`);
  }
  return fn as (...args: unknown[]) => unknown;
}
