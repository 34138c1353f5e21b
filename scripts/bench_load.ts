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
 * Columns: the Wasm code size (the code section's bodies), then per mode the median time of
 * `--rounds` rounds after one warm-up round (each round on a new engine, so nothing is cached),
 * the code throughput (code bytes / median time), the median CPU time of the process over the
 * same span (on a busy machine wall time counts other processes' turns; CPU time counts this
 * process's threads, the garbage collector's included), and V8's median. `--cold` measures each module
 * and mode once in a fresh process instead (the JIT has not warmed the decoder: what a program
 * that loads one module sees).
 *
 * Memory: after an eager compile, the bytes of internal code per byte of Wasm code (what the
 * module's code arena holds, unused chunk tails included), the same with the side tables
 * (exception handlers; the pc → byte-offset maps of suspended frames are made on demand), the
 * same with fuel metering on, and the largest frame on the value stack (each call takes its
 * frame: `SLOT_WORDS` words per local and operand-stack slot).
 *
 * ```sh
 * deno task bench:load [--rounds 5] [--only funcs50k,large] [--wasm path.wasm] [--cold] [--json out.json]
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

/** Bytes to ready to call in `mode`, on a new engine: milliseconds, and the engine's module. */
function load(
  subject: Subject,
  mode: CompilationMode,
  consumeFuel = false,
): { ms: number; cpu: number; module: Module } {
  const engine = new Engine(
    new Config({ compilationMode: mode, executionTier: "interpreter", consumeFuel }),
  );
  const store = new Store(engine, null);
  const c0 = cpuMs();
  const t0 = performance.now();
  const module = new Module(engine, subject.bytes);
  const linker = new Linker(engine);
  for (const imp of module.imports()) {
    if (!(imp.type instanceof FuncType)) throw new Error(`import ${imp.name}: only functions`);
    const results = imp.type.results.map((t) => Val.default(t));
    linker.funcNew(imp.module, imp.name, imp.type, () => results);
  }
  const instance = linker.instantiate(store, module);
  if (subject.call !== null) {
    if (consumeFuel) store.setFuel(Number.MAX_SAFE_INTEGER);
    instance.getTypedFunc<[number], number>(store, subject.call).call(store, 1);
  }
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, module };
}

/**
 * The steps of a compile, each timed alone (CPU ms, the least of `rounds`): decoding (bodies
 * framed; validation reads their instructions), validating, translating every body (what
 * `lazyTranslation` does, the translation spread over first calls), and what an eager compile
 * does after decoding: the module-level rules, then each body validated while it is translated.
 */
function steps(
  subject: Subject,
  rounds: number,
): { decode: number; validate: number; translate: number; onePass: number } {
  const config = new Config();
  const best = { decode: Infinity, validate: Infinity, translate: Infinity, onePass: Infinity };
  const offsets = { offsetsOf: () => new Int32Array(0) };
  for (let r = 0; r < Math.max(rounds, 1); r++) {
    const c0 = cpuMs();
    const decl = decodeModule(subject.bytes, config, "onError"); // as `new Module` does
    const c1 = cpuMs();
    validateModule(decl, config);
    const c2 = cpuMs();
    const arena = new CodeArena();
    for (let i = 0; i < decl.bodies.length; i++) {
      translateFunc(decl, decl.importedFuncs + i, null, arena, offsets);
    }
    const c3 = cpuMs();
    validateModule(decl, config, false);
    const validator = new FuncValidator(new ModuleContext(decl, config));
    const onePass = new CodeArena();
    for (let i = 0; i < decl.bodies.length; i++) {
      translateFunc(decl, decl.importedFuncs + i, null, onePass, offsets, 0, validator);
    }
    const c4 = cpuMs();
    best.decode = Math.min(best.decode, c1 - c0);
    best.validate = Math.min(best.validate, c2 - c1);
    best.translate = Math.min(best.translate, c3 - c2);
    best.onePass = Math.min(best.onePass, c4 - c3);
  }
  return best;
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

interface Row {
  name: string;
  codeBytes: number;
  /** Per mode: median ms, min ms, max ms (wall), and the median CPU ms. */
  modes: Record<string, { median: number; min: number; max: number; cpu: number }>;
  v8: { median: number; min: number; max: number };
  /** Compile steps, CPU ms (see `steps`). */
  steps: { decode: number; validate: number; translate: number; onePass: number };
  memory: {
    codePerWasmByte: number;
    withTablesPerWasmByte: number;
    fueledPerWasmByte: number;
    maxFrameBytes: number;
    compiledFuncs: number;
  };
}

function measure(subject: Subject, rounds: number, modes: readonly CompilationMode[]): Row {
  const stats = (xs: number[]) => ({
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  const row: Row = {
    name: subject.name,
    codeBytes: codeBytes(subject.bytes),
    modes: {},
    v8: { median: 0, min: 0, max: 0 },
    steps: { decode: 0, validate: 0, translate: 0, onePass: 0 },
    memory: {
      codePerWasmByte: 0,
      withTablesPerWasmByte: 0,
      fueledPerWasmByte: 0,
      maxFrameBytes: 0,
      compiledFuncs: 0,
    },
  };
  const v8: number[] = [];
  for (const mode of modes) {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const m = load(subject, mode);
      if (r > 0 || rounds === 0) { // the first round warms the JIT up
        times.push(m.ms);
        cpu.push(m.cpu);
      }
      v8.push(v8Load(subject));
    }
    row.modes[mode] = { ...stats(times), cpu: median(cpu) };
  }
  row.v8 = stats(v8);
  row.steps = steps(subject, rounds);
  const { module } = load(subject, "eager");
  const f = module.engine.codeFootprint(moduleDecl(module));
  const fueled = load(subject, "eager", true).module;
  const ff = fueled.engine.codeFootprint(moduleDecl(fueled));
  row.memory = {
    codePerWasmByte: f.codeBytes / f.wasmBytes,
    withTablesPerWasmByte: (f.codeBytes + f.tableBytes) / f.wasmBytes,
    fueledPerWasmByte: (ff.codeBytes + ff.tableBytes) / ff.wasmBytes,
    maxFrameBytes: f.maxFrameBytes,
    compiledFuncs: f.compiledFuncs,
  };
  return row;
}

/** `--cold`: one measurement per module and mode, each in a fresh process. */
async function coldRows(list: Subject[], extra: string[]): Promise<void> {
  console.log("cold (fresh process per module and mode; ms to ready to call, V8 in the same one)");
  for (const s of list) {
    const cells: string[] = [];
    for (const mode of MODES) {
      const args = ["run", "-A", new URL(import.meta.url).pathname, "--child", mode, "--only"];
      args.push(s.name, ...extra.flatMap((p) => ["--wasm", p]));
      const out = await new Deno.Command(Deno.execPath(), { args }).output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
      const [ms, v8] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
      cells.push(`${mode} ${ms!.toFixed(1)} ms (V8 ${v8!.toFixed(1)})`);
    }
    console.log(`  ${s.name.padEnd(10)} ${cells.join("   ")}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      only: { type: "string" },
      wasm: { type: "string", multiple: true, default: [] },
      cold: { type: "boolean", default: false },
      child: { type: "string" },
      json: { type: "string" },
    },
  });
  const only = values.only === undefined ? null : values.only.split(",");
  const list = subjects(only, values.wasm);
  if (values.child !== undefined) {
    // One cold load, then V8's (its own first compile in this process).
    const { ms } = load(list[0]!, values.child as CompilationMode);
    console.log(`${ms} ${v8Load(list[0]!)}`);
    return;
  }
  if (values.cold) return await coldRows(list, values.wasm);
  const rounds = Number(values.rounds);
  const rows: Row[] = [];
  console.log(
    `ready to call (new Module + instantiate + first call): wall ms, median of ${rounds} warm ` +
      `rounds [min-max], MB/s of Wasm code; the process's CPU ms (median)`,
  );
  for (const s of list) {
    const row = measure(s, rounds, MODES);
    rows.push(row);
    const mb = row.codeBytes / 1e6;
    console.log(`${row.name}: ${(mb * 1000).toFixed(0)} KB of code`);
    for (const mode of MODES) {
      const m = row.modes[mode]!;
      console.log(
        `  ${mode.padEnd(16)} ${m.median.toFixed(1).padStart(7)} ms ` +
          `[${m.min.toFixed(1)}-${m.max.toFixed(1)}]  ${(mb / (m.median / 1000)).toFixed(1)} MB/s` +
          `   CPU ${m.cpu.toFixed(1)} ms, ${(mb / (m.cpu / 1000)).toFixed(1)} MB/s`,
      );
    }
    console.log(
      `  ${"V8 (sync)".padEnd(16)} ${row.v8.median.toFixed(1).padStart(7)} ms ` +
        `[${row.v8.min.toFixed(1)}-${row.v8.max.toFixed(1)}]`,
    );
    const st = row.steps;
    const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(0)} MB/s`;
    console.log(
      `  steps (CPU, least of ${rounds}): decode ${st.decode.toFixed(1)} ms ` +
        `(${rate(st.decode)}), validate ${st.validate.toFixed(1)} ms (${rate(st.validate)}), ` +
        `translate ${st.translate.toFixed(1)} ms (${rate(st.translate)}); eager validates ` +
        `while translating: ${st.onePass.toFixed(1)} ms (${rate(st.onePass)})`,
    );
    const mem = row.memory;
    console.log(
      `  memory (eager, ${mem.compiledFuncs} bodies): ${mem.codePerWasmByte.toFixed(2)} B of ` +
        `code per Wasm byte, ${mem.withTablesPerWasmByte.toFixed(2)} B with side tables, ` +
        `${mem.fueledPerWasmByte.toFixed(2)} B with fuel metering; ` +
        `largest frame ${mem.maxFrameBytes} B`,
    );
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
