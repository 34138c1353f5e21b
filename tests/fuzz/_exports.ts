/**
 * Rewrites a module so that every function, table, memory and global is exported (as `__fz_f3`,
 * `__fz_t0`, `__fz_m0`, `__fz_g2`, by index), so that the differential fuzzer can read the whole
 * final state, and identify function references, through each engine's public API. A minimal
 * binary reader of its own, so that the engine under test does not prepare its own input.
 *
 * @module
 */

/** The prefix of the names added by `exportEverything`. */
export const ADDED_PREFIX = "__fz_";

/** A value type, as the fuzzer names it. */
export type FuzzValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";

/** A function type read from the module. */
export interface FuzzFuncType {
  params: FuzzValType[];
  results: FuzzValType[];
}

/** One export of the original module. */
export interface FuzzExport {
  name: string;
  /** 0 function, 1 table, 2 memory, 3 global. */
  kind: number;
  index: number;
}

/** What the fuzzer knows of a module: its entities (imports included, in index order). */
export interface ModuleShape {
  /** The type of every function. */
  funcs: FuzzFuncType[];
  /** How many tables and memories. */
  tables: number;
  memories: number;
  /** The value type of every global. */
  globals: FuzzValType[];
  /** The module's own exports, in order. */
  exports: FuzzExport[];
}

const VAL_TYPES: Record<number, FuzzValType> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

class Reader {
  constructor(readonly bytes: Uint8Array, public at = 0) {}
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error(`Unexpected end at ${this.at}`);
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error(`LEB128 too long at ${this.at}`);
  }
  skip(n: number): void {
    this.at += n;
  }
  valType(): FuzzValType {
    const b = this.byte();
    const t = VAL_TYPES[b];
    if (t === undefined) throw new Error(`Unsupported value type 0x${b.toString(16)}`);
    return t;
  }
  /** Skips a constant expression up to and including its `end`. */
  constExpr(): void {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42) this.sleb();
      else if (op === 0x43) this.skip(4);
      else if (op === 0x44) this.skip(8);
      else if (op === 0x23 || op === 0xd2) this.u32();
      else if (op === 0xd0) this.byte();
      else if (op === 0xfd && this.u32() === 12) this.skip(16);
      else throw new Error(`Unexpected opcode 0x${op.toString(16)} in a constant expression`);
    }
  }
  sleb(): void {
    while (this.byte() & 0x80);
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function name(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [...leb(bytes.length), ...bytes];
}

/** Section ids that must come after the export section (start, element, data count, code, data). */
const AFTER_EXPORTS = new Set([8, 9, 10, 11, 12]);

/**
 * `wasm` with an export added for every function, table, memory and global, and the shape of the
 * module (entity types and its own exports).
 *
 * @throws {Error} on a module using something the fuzzer does not model (a GC type, ...)
 */
export function exportEverything(wasm: Uint8Array): { wasm: Uint8Array; shape: ModuleShape } {
  const r = new Reader(wasm, 8);
  const shape: ModuleShape = { funcs: [], tables: 0, memories: 0, globals: [], exports: [] };
  const types: FuzzFuncType[] = [];
  const sections: { id: number; start: number; end: number; payload: number }[] = [];
  const vec = <T>(item: () => T): T[] => Array.from({ length: r.u32() }, item);
  while (r.at < wasm.length) {
    const start = r.at;
    const id = r.byte();
    const size = r.u32();
    const payload = r.at;
    const end = payload + size;
    sections.push({ id, start, end, payload });
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error("Only function types are supported");
        types.push({ params: vec(() => r.valType()), results: vec(() => r.valType()) });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.skip(r.u32());
        r.skip(r.u32());
        const kind = r.byte();
        if (kind === 0) shape.funcs.push(types[r.u32()]!);
        else if (kind === 1) r.valType(), r.limits(), shape.tables++;
        else if (kind === 2) r.limits(), shape.memories++;
        else if (kind === 3) shape.globals.push(r.valType()), r.byte();
        else throw new Error(`Unknown import kind ${kind}`);
      }
    } else if (id === 3) { for (let n = r.u32(); n > 0; n--) shape.funcs.push(types[r.u32()]!); }
    else if (id === 4) shape.tables += r.u32();
    else if (id === 5) shape.memories += r.u32();
    else if (id === 6) {
      for (let n = r.u32(); n > 0; n--) {
        shape.globals.push(r.valType());
        r.byte();
        r.constExpr();
      }
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const len = r.u32();
        const name = new TextDecoder().decode(wasm.subarray(r.at, r.at + len));
        r.skip(len);
        shape.exports.push({ name, kind: r.byte(), index: r.u32() });
      }
    }
    r.at = end;
  }
  const added: number[] = [];
  let n = 0;
  const add = (prefix: string, kind: number, count: number) => {
    for (let i = 0; i < count; i++, n++) {
      added.push(...name(`${ADDED_PREFIX}${prefix}${i}`), kind, ...leb(i));
    }
  };
  add("f", 0, shape.funcs.length);
  add("t", 1, shape.tables);
  add("m", 2, shape.memories);
  add("g", 3, shape.globals.length);

  const existing = sections.find((s) => s.id === 7);
  let before: number, after: number, body: number[];
  if (existing !== undefined) {
    const er = new Reader(wasm, existing.payload);
    const old = er.u32();
    body = [...leb(old + n), ...wasm.subarray(er.at, existing.end), ...added];
    before = existing.start;
    after = existing.end;
  } else {
    const next = sections.find((s) => AFTER_EXPORTS.has(s.id));
    before = after = next?.start ?? wasm.length;
    body = [...leb(n), ...added];
  }
  const section = [7, ...leb(body.length), ...body];
  const out = new Uint8Array(before + section.length + (wasm.length - after));
  out.set(wasm.subarray(0, before), 0);
  out.set(section, before);
  out.set(wasm.subarray(after), before + section.length);
  return { wasm: out, shape };
}
