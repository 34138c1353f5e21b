/**
 * A minimal instantiation harness for engine tests: WAT → decoded, validated module → a
 * hand-built `InstanceEntity` in a `StoreInner`, and a `call` that converts values. It stands in
 * for the public API so the engine can be tested alone.
 */
import wabtInit from "wabt";
import { decodeModule } from "../../src/binary/decoder.ts";
import type { ConstExpr, ModuleDecl } from "../../src/binary/module.ts";
import { OpReader } from "../../src/binary/op_reader.ts";
import { Op } from "../../src/binary/opcodes.ts";
import { i64FromBigInt, i64ToBigInt } from "../../src/core/num/i64.ts";
import type { FuncType, ValType } from "../../src/core/types.ts";
import { validateModule } from "../../src/validate/mod.ts";
import { Config, type ConfigOptions } from "../../src/engine/config.ts";
import { Engine } from "../../src/engine/engine.ts";
import {
  type FuncEntity,
  GlobalEntity,
  HostFuncEntity,
  InstanceEntity,
  MemoryEntity,
  SLOT_WORDS,
  StoreInner,
  TableEntity,
  WasmFuncEntity,
} from "../../src/engine/entities.ts";
import { disassemble } from "../../src/engine/disassemble.ts";

const wabt = await wabtInit();

/** Assembles WAT text (Wasm 2.0 features). */
export function wat(text: string): Uint8Array {
  const m = wabt.parseWat("test.wat", text, {
    multi_value: true,
    bulk_memory: true,
    reference_types: true,
    sign_extension: true,
    sat_float_to_int: true,
    mutable_globals: true,
  });
  try {
    m.generateNames();
    return new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
  } finally {
    m.destroy();
  }
}

/** A JS value as the harness passes it: numbers for i32/f32/f64/refs, bigints for i64. */
export type JsVal = number | bigint;

/** A host function for the harness: plain JS values in and out. */
export type HostFn = (...args: JsVal[]) => JsVal | JsVal[] | void;

/** An instance plus helpers. */
export interface TestInstance {
  engine: Engine;
  store: StoreInner;
  inst: InstanceEntity;
  module: ModuleDecl;
  /** Calls an exported function; returns its single result, an array for several, or undefined. */
  call(name: string, ...args: JsVal[]): JsVal | JsVal[] | undefined;
  /** The disassembled code of an exported (or indexed) function. */
  code(nameOrIndex: string | number): string;
  memory(): MemoryEntity;
}

/** Options for `instantiate`. */
export interface HarnessOptions {
  config?: ConfigOptions;
  engine?: Engine;
  store?: StoreInner;
  /** Imported functions by "module.name": host functions or functions of other instances. */
  imports?: Record<string, HostFn | FuncEntity | MemoryEntity | TableEntity | GlobalEntity>;
}

const scratch = new Int32Array(SLOT_WORDS);
const scratchF32 = new Float32Array(scratch.buffer);
const scratchF64 = new Float64Array(scratch.buffer);

/** Writes `v` of type `t` into the slot at word `w` of `s`. */
export function toSlot(s: Int32Array, w: number, t: ValType, v: JsVal): void {
  switch (t) {
    case "i64":
      i64FromBigInt(s, w, BigInt(v));
      return;
    case "f32":
      scratchF32[0] = Number(v);
      s[w] = scratch[0]!;
      return;
    case "f64":
      scratchF64[0] = Number(v);
      s[w] = scratch[0]!;
      s[w + 1] = scratch[1]!;
      return;
    default:
      s[w] = Number(v);
  }
}

/** Reads a value of type `t` from the slot at word `w` of `s`. */
export function fromSlot(s: Int32Array, w: number, t: ValType): JsVal {
  switch (t) {
    case "i64":
      return i64ToBigInt(s, w);
    case "f32":
      scratch[0] = s[w]!;
      return scratchF32[0]!;
    case "f64":
      scratch[0] = s[w]!;
      scratch[1] = s[w + 1]!;
      return scratchF64[0]!;
    default:
      return s[w]!;
  }
}

/** Wraps a JS function as a host function entity of type `type`. */
export function hostFunc(engine: Engine, type: FuncType, fn: HostFn): HostFuncEntity {
  return new HostFuncEntity(type, engine.typeId(type), (_caller, s, base) => {
    const args = type.params.map((t, i) => fromSlot(s, base + i * SLOT_WORDS, t));
    const r = fn(...args);
    const results = r === undefined ? [] : Array.isArray(r) ? r : [r];
    type.results.forEach((t, i) => toSlot(s, base + i * SLOT_WORDS, t, results[i]!));
  });
}

/** Decodes, validates and instantiates `text` (WAT) or `bytes`. */
export function instantiate(source: string | Uint8Array, opts: HarnessOptions = {}): TestInstance {
  const engine = opts.engine ?? new Engine(new Config(opts.config));
  const bytes = typeof source === "string" ? wat(source) : source;
  const module = decodeModule(bytes, engine.config);
  validateModule(module, engine.config);
  engine.prepareModule(module);
  const store = opts.store ?? new StoreInner();
  const inst = new InstanceEntity(module, store);
  for (const t of module.types) inst.typeIds.push(engine.typeId(t));

  for (const imp of module.imports) {
    const found = opts.imports?.[`${imp.module}.${imp.name}`];
    if (found === undefined) throw new Error(`missing import ${imp.module}.${imp.name}`);
    if (imp.kind === "func") {
      let f = found as HostFn | FuncEntity;
      if (typeof f === "function") {
        f = hostFunc(engine, module.types[imp.typeIndex]!, f);
        store.addFunc(f);
      }
      inst.funcs.push(f);
    } else if (imp.kind === "memory") inst.memories.push(found as MemoryEntity);
    else if (imp.kind === "table") inst.tables.push(found as TableEntity);
    else inst.globals.push(found as GlobalEntity);
  }
  for (let i = module.importedFuncs; i < module.funcTypeIndices.length; i++) {
    const ti = module.funcTypeIndices[i]!;
    const f = new WasmFuncEntity(module.types[ti]!, inst.typeIds[ti]!, inst, i);
    store.addFunc(f);
    inst.funcs.push(f);
  }
  for (const t of module.memories.slice(module.importedMemories)) {
    inst.memories.push(new MemoryEntity(t, Math.min(t.maximum ?? 65536, 65536)));
  }
  for (const t of module.tables.slice(module.importedTables)) {
    inst.tables.push(new TableEntity(t, t.maximum ?? 10_000_000));
  }
  for (const g of module.globals) {
    const e = new GlobalEntity(g.type);
    evalConst(inst, g.init, e.value);
    inst.globals.push(e);
  }
  for (const el of module.elems) {
    const handles = el.funcIndices !== null
      ? Int32Array.from(el.funcIndices, (i) => inst.funcs[i]!.id)
      : Int32Array.from(el.exprs!, (x) => {
        const v = new Int32Array(SLOT_WORDS);
        evalConst(inst, x, v);
        return v[0]!;
      });
    if (el.mode === "active") {
      const off = new Int32Array(SLOT_WORDS);
      evalConst(inst, el.offsetExpr!, off);
      const t = inst.tables[el.table]!;
      if (off[0]! + handles.length > t.size) throw new Error("elem out of bounds");
      t.elements.set(handles, off[0]!);
    }
    inst.elemSegments.push(el.mode === "passive" ? handles : null);
  }
  for (const d of module.datas) {
    if (d.mode === "active") {
      const off = new Int32Array(SLOT_WORDS);
      evalConst(inst, d.offsetExpr!, off);
      inst.memories[d.memory]!.u8.set(d.bytes, off[0]!);
    }
    inst.dataSegments.push(d.mode === "passive" ? d.bytes.slice() : null);
  }
  for (const ex of module.exports) {
    const e = ex.kind === "func"
      ? inst.funcs[ex.index]!
      : ex.kind === "memory"
      ? inst.memories[ex.index]!
      : ex.kind === "table"
      ? inst.tables[ex.index]!
      : inst.globals[ex.index]!;
    inst.exports.set(ex.name, e);
  }

  const funcOf = (name: string | number): FuncEntity => {
    const f = typeof name === "number" ? inst.funcs[name] : inst.exports.get(name);
    if (f === undefined || !("isHost" in f)) throw new Error(`no function ${name}`);
    return f;
  };
  if (module.start !== null) engine.execute(store, inst.funcs[module.start]!, new Int32Array(4));
  return {
    engine,
    store,
    inst,
    module,
    call(name, ...args) {
      const f = funcOf(name);
      const io = new Int32Array(
        Math.max(f.type.params.length, f.type.results.length, 1) * SLOT_WORDS,
      );
      f.type.params.forEach((t, i) => toSlot(io, i * SLOT_WORDS, t, args[i]!));
      engine.execute(store, f, io);
      const results = f.type.results.map((t, i) => fromSlot(io, i * SLOT_WORDS, t));
      return results.length === 0 ? undefined : results.length === 1 ? results[0] : results;
    },
    code(name) {
      const f = funcOf(name);
      if (f.isHost) throw new Error("host function");
      return disassemble(engine.compile(f).code);
    },
    memory: () => inst.memories[0]!,
  };
}

function evalConst(inst: InstanceEntity, expr: ConstExpr, out: Int32Array): void {
  const r = new OpReader(inst.module.bytes, expr.start, expr.end);
  for (;;) {
    const op = r.read();
    switch (op) {
      case Op.I32Const:
        out[0] = r.i32;
        break;
      case Op.I64Const:
        out[0] = r.i64Lo;
        out[1] = r.i64Hi;
        break;
      case Op.F32Const:
        out[0] = r.f32Bits;
        break;
      case Op.F64Const:
        out[0] = r.f64Lo;
        out[1] = r.f64Hi;
        break;
      case Op.RefNull:
        out[0] = 0;
        break;
      case Op.V128Const:
        out.set(new Int32Array(r.v128.slice().buffer));
        break;
      case Op.RefFunc:
        out[0] = inst.funcs[r.index]!.id;
        break;
      case Op.GlobalGet:
        out.set(inst.globals[r.index]!.value);
        break;
      case Op.End:
        return;
      default:
        throw new Error(`unsupported const op ${op}`);
    }
  }
}
