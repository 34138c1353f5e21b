/**
 * Load time: how long big modules take from bytes to "ready to call" (`new Module`, instantiate,
 * and the first call of one small function) in each `Config.compilationMode`, next to V8's
 * synchronous `new WebAssembly.Module` measured in the same process, and what the compiled code
 * takes in memory.
 *
 * The modules:
 * - `sqlite`: the SQLite build of sql.js (`node_modules/sql.js`, C compiled by clang/emscripten),
 *   instantiated with stub imports (its exports need the JS glue to run, so its first call is
 *   left out);
 * - `funcs50k`: 50,000 small generated functions (about 1 MB of code), `f0` called;
 * - `large`: four generated functions of about 256 KB of code each, one called;
 * - any `--wasm path` given (instantiated with stub imports, not called).
 *
 * Each mode is loaded `--warmup` times (default 10), then `--rounds` times (default 20), each round
 * on a new engine (nothing cached). Per mode it prints the CPU time of the process (min, median and
 * max over the rounds: other processes' turns do not count, this process's GC and compiler threads
 * do), split into `new Module`, instantiation and the first call (medians), the code throughput of
 * the median, the median wall time, and V8's median wall time; then `new Module` alone, in rounds
 * that make no instance (a load's `module` phase also pays for collecting earlier rounds'
 * instances: see `compileAlone`). Then the compile's steps alone (decode, validate, translate, and
 * validate-while-translating as an eager compile does), min and median CPU. Then the JS heap each
 * phase and step allocates: measured in a child process with a young generation of 128 MB and a
 * full GC before each round, so no collection runs inside a phase and the growth of the used heap
 * is exactly what it allocated (repeatable to 0.1 MB; V8's `total_allocated_bytes` counter swings
 * by megabytes). Code arenas are typed arrays outside the JS heap: the memory figures below count
 * them.
 *
 * Why the warm-up: the decoder, validator and translator are JavaScript that V8 compiles in tiers
 * (Ignition, Sparkplug, Maglev, TurboFan) as they run, with deoptimisations on the way. Loading
 * `large` lazily in one process took 100, 59, 30, 28, 19, 25, 18, 13, 14, 14, 13 ... ms of CPU
 * in successive rounds (no GC ran in them): the old harness's one warm-up and five rounds took
 * its median from the steep part of that curve, hence wall figures swinging 15-30 ms between
 * runs. Wall time adds the turns of other processes on a busy machine (2 cores, 8 jobs: wall up
 * to 3x CPU in the same round). Cold figures (a fresh process, `--cold`) are the other end: what
 * a program that loads one module sees.
 *
 * `--tree path` compares the compile steps (validate, translate, one pass) and a whole eager
 * `new Module` (making no instance) of this checkout with those of another one, interleaved in
 * one process (see `compareTrees`): the way to measure a change of a few percent on a shared
 * machine.
 *
 * Memory: after an eager compile, the bytes of internal code per byte of Wasm code (what the
 * module's code arena holds, unused chunk tails included), the same with the side tables
 * (exception handlers; the pc → byte-offset maps of suspended frames are made on demand), the
 * same with fuel metering on, the records the functions' objects are made from on first call
 * (`PendingFuncs`, 16 bytes a body, in place of an object of 104 bytes of JS heap each, which
 * these figures never counted), and the largest frame on the value stack (each call takes its
 * frame: `SLOT_WORDS` words per local and operand-stack slot).
 *
 * ```sh
 * deno task bench:load [--rounds 20] [--warmup 10] [--only funcs50k,large] [--wasm path.wasm]
 *   [--cold] [--no-heap] [--json out.json] [--tree ../main]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { sleb, str, u32 as leb } from "../tests/_lib/bytes.ts";
import {
  type CompilationMode,
  Config,
  Engine,
  FuncType,
  Linker,
  Module,
  Store,
  Val,
} from "../mod.ts";
import { moduleDecl } from "../src/runtime/module.ts";
import { decodeModule } from "../src/binary/decoder.ts";
import { FuncValidator, ModuleContext, validateModule } from "../src/validate/mod.ts";
import { translateFunc } from "../src/engine/translator.ts";
import { CodeArena } from "../src/engine/code_builder.ts";
import { ExecStack } from "../src/engine/stack.ts";
import { SLOT_WORDS } from "../src/engine/entities.ts";
import process from "node:process";

/** CPU time of this process so far, in ms: unlike wall time, not inflated by other processes. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const MODES: readonly CompilationMode[] = ["lazy", "lazyTranslation", "eager"];

/** Appends `items` to `out` (no spread: the arrays are too large for one). */
function append(out: number[], items: readonly number[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  append(out, leb(body.length));
  append(out, body);
}

/** A module of `(param i32) (result i32)` functions with the given bodies (locals included). */
function moduleOf(bodies: number[][], exported: [string, number][]): Uint8Array {
  const code: number[] = leb(bodies.length);
  for (const b of bodies) {
    append(code, leb(b.length));
    append(code, b);
  }
  const exports = leb(exported.length);
  for (const [name, index] of exported) append(exports, [...str(name), 0, ...leb(index)]);
  const funcs = leb(bodies.length);
  for (let i = 0; i < bodies.length; i++) funcs.push(0);
  const out = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  section(out, 1, [1, 0x60, 1, 0x7f, 1, 0x7f]);
  section(out, 3, funcs);
  section(out, 5, [1, 0, 1]);
  section(out, 7, exports);
  section(out, 10, code);
  return new Uint8Array(out);
}

/**
 * `count` small functions: arithmetic on the parameter and two locals, a load, an `if`, and a
 * call to the next function every 16th (about 20 bytes each).
 */
export function manyFuncsModule(count: number): Uint8Array {
  const bodies: number[][] = [];
  for (let f = 0; f < count; f++) {
    const b = [1, 2, 0x7f]; // two i32 locals
    b.push(0x20, 0, 0x41, ...sleb(f & 0xfff), 0x6a, 0x21, 1); // l1 = p + k
    b.push(0x20, 1, 0x28, 2, 0, 0x21, 2); // l2 = i32.load l1
    b.push(0x20, 1, 0x20, 2, 0x73); // l1 ^ l2
    if (f % 16 === 0 && f + 1 < count) b.push(0x20, 0, 0x10, ...leb(f + 1), 0x6a); // + next(p)
    b.push(0x0b);
    bodies.push(b);
  }
  return moduleOf(bodies, [["f0", 0]]);
}

/**
 * `count` functions of about `bytes` bytes each: a loop over straight-line i32 arithmetic with
 * locals, nested blocks and conditional branches, the shapes a C compiler emits.
 */
export function largeFuncsModule(count: number, bytes: number): Uint8Array {
  const bodies: number[][] = [];
  for (let f = 0; f < count; f++) {
    const b = [1, 4, 0x7f]; // four i32 locals
    b.push(0x41, 2, 0x21, 1, 0x03, 0x40); // l1 = 2; loop
    let k = 0;
    while (b.length < bytes) {
      const x = 2 + (k & 1);
      b.push(0x02, 0x40); // block
      b.push(0x20, 0, 0x41, ...sleb(k * 7), 0x6a, 0x22, x); // l_x = p + c (tee)
      b.push(0x41, ...sleb(k & 0xff), 0x6c, 0x20, 4, 0x73, 0x21, 4); // l4 ^= l_x * c
      b.push(0x20, 4, 0x41, 3, 0x71, 0x45, 0x0d, 0); // br_if 0 (l4 & 3 == 0)
      b.push(0x20, 0, 0x20, 4, 0x6a, 0x21, 0); // p += l4
      b.push(0x0b); // end
      k++;
    }
    // l1 -= 1; br_if loop l1; end; p ^ l4
    b.push(0x20, 1, 0x41, 1, 0x6b, 0x22, 1, 0x0d, 0, 0x0b, 0x20, 0, 0x20, 4, 0x73, 0x0b);
    bodies.push(b);
  }
  return moduleOf(bodies, [["f0", 0]]);
}

/** The size of the module's code: its function bodies, each from its size field on. */
function codeBytes(bytes: Uint8Array): number {
  const decl = moduleDecl(new Module(new Engine(new Config({ compilationMode: "lazy" })), bytes));
  let n = 0;
  const bodies = decl.bodies;
  for (let i = 0; i < bodies.length; i++) n += bodies.codeEnd(i) - bodies.offset(i);
  return n;
}

interface Subject {
  name: string;
  bytes: Uint8Array;
  /** The export to call once (a `(param i32) (result i32)` function), or null. */
  call: string | null;
}

function subjects(only: string[] | null, extra: string[]): Subject[] {
  const all: Subject[] = [];
  const sqlite = new URL("../node_modules/sql.js/dist/sql-wasm-browser.wasm", import.meta.url);
  try {
    all.push({ name: "sqlite", bytes: Deno.readFileSync(sqlite), call: null });
  } catch {
    console.error(`(no ${sqlite.pathname}: run npm install for the sql.js module)`);
  }
  all.push({ name: "funcs50k", bytes: manyFuncsModule(50_000), call: "f0" });
  all.push({ name: "large", bytes: largeFuncsModule(4, 256 * 1024), call: "f0" });
  for (const path of extra) {
    all.push({ name: path.split("/").pop()!, bytes: Deno.readFileSync(path), call: null });
  }
  return only === null ? all : all.filter((s) => only.includes(s.name));
}

/** The three phases of a load: `new Module`, instantiation, the first call. */
interface Phases {
  module: number;
  instantiate: number;
  call: number;
}

/** What the probe measures: CPU ms (`cpuMs`) or bytes of JS heap in use (`heapUsed`). */
type Probe = () => number;

/** The JS heap in use, in bytes: its growth is what was allocated while no GC ran. */
function heapUsed(): number {
  return Deno.memoryUsage().heapUsed;
}

/**
 * Bytes to ready to call in `mode`, on a new engine: the wall ms of the whole, the `probe`'s
 * growth in each phase, and the engine's module.
 */
function load(
  subject: Subject,
  mode: CompilationMode,
  probe: Probe = cpuMs,
  consumeFuel = false,
): { ms: number; phases: Phases; module: Module } {
  const engine = new Engine(
    new Config({ compilationMode: mode, executionTier: "interpreter", consumeFuel }),
  );
  const store = new Store(engine, null);
  const p0 = probe();
  const t0 = performance.now();
  const module = new Module(engine, subject.bytes);
  const p1 = probe();
  const linker = new Linker(engine);
  for (const imp of module.imports()) {
    if (!(imp.type instanceof FuncType)) throw new Error(`import ${imp.name}: only functions`);
    const results = imp.type.results.map((t) => Val.default(t));
    linker.funcNew(imp.module, imp.name, imp.type, () => results);
  }
  const instance = linker.instantiate(store, module);
  const p2 = probe();
  if (subject.call !== null) {
    if (consumeFuel) store.setFuel(Number.MAX_SAFE_INTEGER);
    instance.getTypedFunc<[number], number>(store, subject.call).call(store, 1);
  }
  const ms = performance.now() - t0;
  const p3 = probe();
  return { ms, phases: { module: p1 - p0, instantiate: p2 - p1, call: p3 - p2 }, module };
}

/**
 * CPU ms of `new Module` in `mode` on a new engine, `rounds` times after `warmup`, in rounds
 * that make no instance and so no memory. What a load's `module` phase shows is this plus the
 * collection of earlier rounds' garbage: each SQLite instance's memory is a 16 MiB buffer
 * outside the JS heap, and V8 answers that external memory with scavenges and mark-compacts
 * ("external memory pressure" in `--trace-gc`) that fall in a later round, mostly in its
 * `new Module`, the phase that allocates most. Eager SQLite, 30 rounds after 10, `--trace-gc`:
 * GC pauses inside `new Module` 5.8 ms a round with an instance per round (14 collections),
 * 0.7 ms without (7 scavenges), concurrent marking and sweeping threads not counted. A program
 * that compiles one module pays none of that garbage: "eager mode >= 20 MB/s" is this figure;
 * the loads stay printed for what a load costs in a loop. The two are measured a few seconds
 * apart: on the loaded machine their difference swung both ways between runs (eager SQLite, 30
 * rounds: load `new Module` 34.0 / 33.6 ms median, compile alone 32.3 / 50.8 ms), so the GC they
 * differ by is read from `--trace-gc`, not from them.
 */
function compileAlone(subject: Subject, mode: CompilationMode, rounds: number, warmup: number) {
  const cpu: number[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    const engine = new Engine(new Config({ compilationMode: mode, executionTier: "interpreter" }));
    const c0 = cpuMs();
    new Module(engine, subject.bytes);
    const c = cpuMs() - c0;
    if (r >= warmup) cpu.push(c);
  }
  return stats(cpu);
}

/** The steps of a compile (see `steps`): one figure each. */
interface Steps {
  decode: number;
  validate: number;
  translate: number;
  onePass: number;
}

/** The compile functions `steps` calls: this checkout's, or another's (`--tree`). */
interface Api {
  Config: typeof Config;
  Engine: typeof Engine;
  Module: typeof Module;
  decodeModule: typeof decodeModule;
  validateModule: typeof validateModule;
  FuncValidator: typeof FuncValidator;
  ModuleContext: typeof ModuleContext;
  translateFunc: typeof translateFunc;
  CodeArena: typeof CodeArena;
}

const OWN: Api = {
  Config,
  Engine,
  Module,
  decodeModule,
  validateModule,
  FuncValidator,
  ModuleContext,
  translateFunc,
  CodeArena,
};

/** The compile functions of the checkout at `tree` (same internal API assumed). */
async function apiOf(tree: string): Promise<Api> {
  const at = (path: string) => new URL(path, `file://${tree}/`).href;
  const [mod, decoder, validate, translator, builder] = await Promise.all([
    import(at("mod.ts")),
    import(at("src/binary/decoder.ts")),
    import(at("src/validate/mod.ts")),
    import(at("src/engine/translator.ts")),
    import(at("src/engine/code_builder.ts")),
  ]);
  return {
    Config: mod.Config,
    Engine: mod.Engine,
    Module: mod.Module,
    decodeModule: decoder.decodeModule,
    validateModule: validate.validateModule,
    FuncValidator: validate.FuncValidator,
    ModuleContext: validate.ModuleContext,
    translateFunc: translator.translateFunc,
    CodeArena: builder.CodeArena,
  };
}

/**
 * `--tree`: the compile steps of this checkout against another's, in one process, the two
 * alternating round by round (which goes first alternating too), so both see the same machine:
 * on a busy one, two processes measured one after the other differ by more than most changes.
 */
async function compareTrees(list: Subject[], tree: string, rounds: number, warmup: number) {
  const other = await apiOf(tree);
  console.log(
    `compile steps and a whole eager new Module (no instances), CPU ms min / median of ` +
      `${rounds} rounds after ${warmup}: this tree (A) against ${tree} (B), interleaved in one ` +
      `process; A/B < 1: this tree is faster`,
  );
  for (const s of list) {
    const a: (Steps & { eager: number })[] = [], b: (Steps & { eager: number })[] = [];
    for (let r = 0; r < warmup + rounds; r++) {
      const order: [Api, (Steps & { eager: number })[]][] = r % 2 === 0
        ? [[OWN, a], [other, b]]
        : [[other, b], [OWN, a]];
      for (const [api, out] of order) {
        const st = steps(s, cpuMs, () => {}, api);
        // The issue's figure: a whole eager `new Module`, in rounds that make no instance.
        const engine = new api.Engine(
          new api.Config({ compilationMode: "eager", executionTier: "interpreter" }),
        );
        const c0 = cpuMs();
        new api.Module(engine, s.bytes);
        if (r >= warmup) out.push({ ...st, eager: cpuMs() - c0 });
      }
    }
    const sa = statsOf(a), sb = statsOf(b);
    const cell = (k: keyof Steps | "eager") =>
      `${k} ${f1(sa[k].min)}/${f1(sa[k].median)} vs ${f1(sb[k].min)}/${f1(sb[k].median)} ` +
      `(${(sa[k].median / sb[k].median).toFixed(3)})`;
    console.log(`  ${s.name.padEnd(10)} ${
      (["validate", "translate", "onePass", "eager"] as const)
        .map(cell).join("   ")
    }`);
  }
}

/**
 * The steps of a compile, each measured alone by `probe`: decoding (bodies framed; validation
 * reads their instructions), validating, translating every body (what `lazyTranslation` does,
 * the translation spread over first calls), and what an eager compile does after decoding: the
 * module-level rules, then each body validated while it is translated. `before` runs before each
 * step (a full GC when measuring the heap).
 */
function steps(subject: Subject, probe: Probe, before: () => void, api: Api = OWN): Steps {
  const { decodeModule, validateModule, FuncValidator, ModuleContext, translateFunc, CodeArena } =
    api;
  const config = new api.Config();
  const offsets = { offsetsOf: () => new Int32Array(0) };
  before();
  const c0 = probe();
  const decl = decodeModule(subject.bytes, config, "onError"); // as `new Module` does
  const c1 = probe();
  before();
  const c1b = probe();
  validateModule(decl, config);
  const c2 = probe();
  before();
  const c2b = probe();
  const arena = new CodeArena();
  for (let i = 0; i < decl.bodies.length; i++) {
    translateFunc(decl, decl.importedFuncs + i, null, arena, offsets);
  }
  const c3 = probe();
  before();
  const c3b = probe();
  validateModule(decl, config, false);
  const validator = new FuncValidator(new ModuleContext(decl, config));
  const onePass = new CodeArena();
  for (let i = 0; i < decl.bodies.length; i++) {
    translateFunc(decl, decl.importedFuncs + i, null, onePass, offsets, 0, validator);
  }
  const c4 = probe();
  return { decode: c1 - c0, validate: c2 - c1b, translate: c3 - c2b, onePass: c4 - c3b };
}

function v8Load(subject: Subject): number {
  const t0 = performance.now();
  new WebAssembly.Module(subject.bytes as Uint8Array<ArrayBuffer>);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Least, median and greatest of some samples. */
interface Stats {
  min: number;
  median: number;
  max: number;
}

function stats(xs: number[]): Stats {
  return { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) };
}

/** Per-key stats of records of numbers. */
function statsOf<K extends string>(rs: Record<K, number>[]): Record<K, Stats> {
  const out = {} as Record<K, Stats>;
  for (const k of Object.keys(rs[0]!) as K[]) out[k] = stats(rs.map((r) => r[k]));
  return out;
}

/** The JS heap allocated by each phase and step (bytes, medians), from `heapRows`. */
interface Heap {
  modes: Record<string, Phases>;
  steps: Steps;
}

interface Row {
  name: string;
  codeBytes: number;
  /** Per mode: CPU ms of the whole load and of each phase, and wall ms. */
  modes: Record<string, { cpu: Stats; phases: Record<keyof Phases, Stats>; wall: Stats }>;
  /** Per mode: CPU ms of `new Module` alone, in rounds that make no instance (`compileAlone`). */
  compile: Record<string, Stats>;
  v8: Stats;
  /** Compile steps, CPU ms (see `steps`). */
  steps: Record<keyof Steps, Stats>;
  /** JS heap allocated (bytes), when measured. */
  heap: Heap | null;
  memory: {
    codePerWasmByte: number;
    withTablesPerWasmByte: number;
    fueledPerWasmByte: number;
    /** The records functions are made from on first use (`PendingFuncs`), per Wasm byte. */
    pendingPerWasmByte: number;
    maxFrameBytes: number;
    compiledFuncs: number;
  };
}

function measure(
  subject: Subject,
  rounds: number,
  warmup: number,
  modes: readonly CompilationMode[],
): Row {
  const row: Row = {
    name: subject.name,
    codeBytes: codeBytes(subject.bytes),
    modes: {},
    compile: {},
    v8: { median: 0, min: 0, max: 0 },
    steps: {} as Row["steps"],
    heap: null,
    memory: {
      codePerWasmByte: 0,
      withTablesPerWasmByte: 0,
      fueledPerWasmByte: 0,
      pendingPerWasmByte: 0,
      maxFrameBytes: 0,
      compiledFuncs: 0,
    },
  };
  const v8: number[] = [];
  for (const mode of modes) {
    const wall: number[] = [];
    const phases: Phases[] = [];
    for (let r = 0; r < warmup + rounds; r++) {
      const m = load(subject, mode);
      if (r >= warmup) {
        wall.push(m.ms);
        phases.push(m.phases);
      }
      if (r % 4 === 0) v8.push(v8Load(subject));
    }
    const cpu = phases.map((p) => p.module + p.instantiate + p.call);
    row.modes[mode] = { cpu: stats(cpu), phases: statsOf(phases), wall: stats(wall) };
  }
  row.v8 = stats(v8);
  // After the loads, so the compiler's JavaScript is as warm as theirs (in a fresh process, an
  // eager compile of SQLite took 69-98 ms of CPU in rounds 20-22, 45-55 ms later, on a loaded
  // machine: V8 optimising again, past a warm-up of 10); the warm-up rounds, which make no
  // instance either, take the collection of the loads' garbage (`--trace-gc`: no "external
  // memory pressure" collection in the 20 timed eager rounds after 90 loads of SQLite, one
  // old-space mark-compact; 14 collections in `new Module` in 30 rounds between loads).
  for (const mode of modes) row.compile[mode] = compileAlone(subject, mode, rounds, warmup);
  const stepRuns: Steps[] = [];
  for (let r = 0; r < Math.max(2, warmup >> 1) + rounds; r++) {
    const s = steps(subject, cpuMs, () => {});
    if (r >= Math.max(2, warmup >> 1)) stepRuns.push(s);
  }
  row.steps = statsOf(stepRuns);
  const { module } = load(subject, "eager");
  const f = module.engine.codeFootprint(moduleDecl(module));
  const fueled = load(subject, "eager", cpuMs, true).module;
  const ff = fueled.engine.codeFootprint(moduleDecl(fueled));
  row.memory = {
    codePerWasmByte: f.codeBytes / f.wasmBytes,
    withTablesPerWasmByte: (f.codeBytes + f.tableBytes) / f.wasmBytes,
    fueledPerWasmByte: (ff.codeBytes + ff.tableBytes) / ff.wasmBytes,
    pendingPerWasmByte: f.pendingBytes / f.wasmBytes,
    maxFrameBytes: f.maxFrameBytes,
    compiledFuncs: f.compiledFuncs,
  };
  return row;
}

/** The young generation (MB) of the heap-measuring child: larger than any phase allocates. */
const HEAP_CHILD_SEMI_SPACE_MB = 128;

/**
 * In the child run with `--expose-gc` and a 128 MB young generation: the heap each phase and
 * step allocates, medians of 5 rounds after 3 warm-up rounds, a full GC before each.
 */
function heapRows(subject: Subject, modes: readonly CompilationMode[]): Heap {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("the heap child needs --v8-flags=--expose-gc");
  const heap: Heap = { modes: {}, steps: { decode: 0, validate: 0, translate: 0, onePass: 0 } };
  const medians = <K extends string>(rs: Record<K, number>[]) => {
    const s = statsOf(rs);
    const out = {} as Record<K, number>;
    for (const k of Object.keys(s) as K[]) out[k] = s[k].median;
    return out;
  };
  for (const mode of modes) {
    const runs: Phases[] = [];
    for (let r = 0; r < 8; r++) {
      gc();
      const m = load(subject, mode, heapUsed);
      if (r >= 3) runs.push(m.phases);
    }
    heap.modes[mode] = medians(runs);
  }
  const runs: Steps[] = [];
  for (let r = 0; r < 8; r++) {
    const s = steps(subject, heapUsed, gc);
    if (r >= 3) runs.push(s);
  }
  heap.steps = medians(runs);
  return heap;
}

/** Runs `heapRows` for `subject` in a child process (see `HEAP_CHILD_SEMI_SPACE_MB`). */
async function heapOf(subject: Subject, extra: string[]): Promise<Heap> {
  const mb = HEAP_CHILD_SEMI_SPACE_MB;
  const flags = `--expose-gc,--min-semi-space-size=${mb},--max-semi-space-size=${mb}`;
  const args = ["run", "-A", `--v8-flags=${flags}`, new URL(import.meta.url).pathname];
  args.push("--heap-child", "--only", subject.name, ...extra.flatMap((p) => ["--wasm", p]));
  const out = await new Deno.Command(Deno.execPath(), { args }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** `--cold`: one measurement per module and mode, each in a fresh process. */
async function coldRows(list: Subject[], extra: string[]): Promise<void> {
  console.log(
    "cold (fresh process per module and mode; ms to ready to call, wall/CPU, V8 in the same one)",
  );
  for (const s of list) {
    const cells: string[] = [];
    for (const mode of MODES) {
      const args = ["run", "-A", new URL(import.meta.url).pathname, "--child", mode, "--only"];
      args.push(s.name, ...extra.flatMap((p) => ["--wasm", p]));
      const out = await new Deno.Command(Deno.execPath(), { args }).output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
      const [ms, cpu, v8] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
      cells.push(`${mode} ${ms!.toFixed(1)}/${cpu!.toFixed(1)} ms (V8 ${v8!.toFixed(1)})`);
    }
    console.log(`  ${s.name.padEnd(10)} ${cells.join("   ")}`);
  }
}

const f1 = (x: number) => x.toFixed(1);
const mbOf = (bytes: number) => (bytes / 1e6).toFixed(1);

function printRow(row: Row, rounds: number): void {
  const mb = row.codeBytes / 1e6;
  const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1)} MB/s`;
  console.log(`${row.name}: ${(mb * 1000).toFixed(0)} KB of code`);
  for (const mode of MODES) {
    const m = row.modes[mode];
    if (m === undefined) continue;
    const p = m.phases;
    const h = row.heap?.modes[mode];
    console.log(
      `  ${mode.padEnd(16)} CPU ${f1(m.cpu.min)} / ${f1(m.cpu.median)} / ${f1(m.cpu.max)} ms ` +
        `(${rate(m.cpu.median)}): module ${f1(p.module.median)}, instantiate ` +
        `${f1(p.instantiate.median)}, call ${f1(p.call.median)}; wall ${f1(m.wall.median)} ms` +
        (h === undefined ? "" : `; heap ${mbOf(h.module)} + ${mbOf(h.instantiate)} + ` +
          `${mbOf(h.call)} MB`),
    );
  }
  console.log(
    `  compile alone (new Module, rounds that make no instance), CPU min / median / max: ${
      MODES.filter((mode) => row.compile[mode] !== undefined).map((mode) => {
        const c = row.compile[mode]!;
        return `${mode} ${f1(c.min)} / ${f1(c.median)} / ${f1(c.max)} ms (${rate(c.median)})`;
      }).join(", ")
    }`,
  );
  console.log(`  ${"V8 (sync)".padEnd(16)} wall ${f1(row.v8.min)} / ${f1(row.v8.median)} ms`);
  const st = row.steps;
  const hs = row.heap?.steps;
  const step = (k: keyof Steps) =>
    `${f1(st[k].min)} / ${f1(st[k].median)} ms (${rate(st[k].median)}` +
    (hs === undefined ? ")" : `, ${mbOf(hs[k])} MB)`);
  console.log(
    `  steps (CPU min / median of ${rounds}): decode ${step("decode")}, validate ` +
      `${step("validate")}, translate ${step("translate")}; eager validates while ` +
      `translating: ${step("onePass")}`,
  );
  const mem = row.memory;
  console.log(
    `  memory (eager, ${mem.compiledFuncs} bodies): ${mem.codePerWasmByte.toFixed(2)} B of ` +
      `code per Wasm byte, ${mem.withTablesPerWasmByte.toFixed(2)} B with side tables, ` +
      `${mem.fueledPerWasmByte.toFixed(2)} B with fuel metering, ` +
      `${mem.pendingPerWasmByte.toFixed(2)} B of function records (made into objects on first ` +
      `call); ` +
      `largest frame ${mem.maxFrameBytes} B`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "20" },
      warmup: { type: "string", default: "10" },
      only: { type: "string" },
      wasm: { type: "string", multiple: true, default: [] },
      cold: { type: "boolean", default: false },
      heap: { type: "boolean", default: true },
      child: { type: "string" },
      "heap-child": { type: "boolean", default: false },
      json: { type: "string" },
      tree: { type: "string" },
    },
    allowNegative: true,
  });
  const only = values.only === undefined ? null : values.only.split(",");
  const list = subjects(only, values.wasm);
  if (values.child !== undefined) {
    // One cold load, then V8's (its own first compile in this process).
    const c0 = cpuMs();
    const { ms } = load(list[0]!, values.child as CompilationMode);
    const cpu = cpuMs() - c0;
    console.log(`${ms} ${cpu} ${v8Load(list[0]!)}`);
    return;
  }
  if (values["heap-child"]) {
    console.log(JSON.stringify(heapRows(list[0]!, MODES)));
    return;
  }
  if (values.cold) return await coldRows(list, values.wasm);
  const rounds = Number(values.rounds);
  const warmup = Number(values.warmup);
  if (values.tree !== undefined) {
    const tree = new URL(values.tree, `file://${Deno.cwd()}/`).pathname.replace(/\/$/, "");
    return await compareTrees(list, tree, rounds, warmup);
  }
  const rows: Row[] = [];
  console.log(
    `ready to call (new Module + instantiate + first call), after ${warmup} warm-up rounds: ` +
      `CPU ms min / median / max of ${rounds} rounds (MB/s of Wasm code at the median), the ` +
      `median per phase, the median wall ms (a round's module phase includes collecting ` +
      `earlier rounds' instances; "compile alone" rounds make none)` +
      (values.heap ? `, the JS heap each phase allocates (another process, median of 5)` : ""),
  );
  for (const s of list) {
    const row = measure(s, rounds, warmup, MODES);
    if (values.heap) row.heap = await heapOf(s, values.wasm);
    rows.push(row);
    printRow(row, rounds);
  }
  // The value stack is per call, not per module: what one takes.
  const c = new Config();
  const stack = new ExecStack(c.maxStackHeight * SLOT_WORDS, c.maxRecursionDepth);
  console.log(
    `value stack: ${SLOT_WORDS * 4} B per slot; a call's stack starts at ` +
      `${stack.s32.byteLength / 1024} KiB and doubles as frames need, up to maxStackHeight ` +
      `(${c.maxStackHeight} slots, ${(c.maxStackHeight * SLOT_WORDS * 4) / 2 ** 20} MiB); ` +
      `an engine keeps ${c.maxCachedStacks} for reuse`,
  );
  if (values.json !== undefined) {
    Deno.writeTextFileSync(values.json, JSON.stringify(rows, null, 2) + "\n");
  }
}

if (import.meta.main) await main();
