/**
 * The executor's out-of-line operations on memories, tables and segments: bulk memory, table
 * access, growth. Each checks its bounds before writing anything and traps as the spec says.
 * Operands arrive as the raw i32 words from the slots; sizes and indices are unsigned.
 *
 * The bulk operations (`fill`, `copy`, `init`) and growth also pay their per-byte or per-element
 * fuel when `fuel` is not null: before checking bounds in eager mode, after in lazy mode (see
 * `fuel.ts`). They return false (growth: `GROW_OUT_OF_FUEL`), having changed nothing, when the
 * store cannot pay.
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";
import type { InstanceEntity, MemoryEntity, StoreInner, TableEntity } from "./entities.ts";
import type { BulkFuel } from "./fuel.ts";

const EMPTY_ELEMS = new Int32Array(0);
const EMPTY_BYTES = new Uint8Array(0);

function memoryOob(): Trap {
  return new Trap(TrapCode.MemoryOutOfBounds);
}

function tableOob(): Trap {
  return new Trap(TrapCode.TableOutOfBounds);
}

/** `memory.fill`. */
export function memoryFill(
  mem: MemoryEntity,
  d: number,
  value: number,
  n: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): boolean {
  d >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.bytes(store!, n)) return false;
  if (d + n > mem.buffer.byteLength) throw memoryOob();
  if (fuel !== null && !fuel.eager && !fuel.bytes(store!, n)) return false;
  mem.u8.fill(value, d, d + n);
  return true;
}

/**
 * `memory.copy` from memory `src` to memory `dst` (the same memory, or two of a multi-memory
 * module): the ranges may overlap when they are one memory.
 */
export function memoryCopy(
  dst: MemoryEntity,
  src: MemoryEntity,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): boolean {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.bytes(store!, n)) return false;
  if (s + n > src.buffer.byteLength || d + n > dst.buffer.byteLength) throw memoryOob();
  if (fuel !== null && !fuel.eager && !fuel.bytes(store!, n)) return false;
  if (dst === src) dst.u8.copyWithin(d, s, s + n);
  else dst.u8.set(src.u8.subarray(s, s + n), d);
  return true;
}

/**
 * One byte copied in the memory behind `view` (`len` bytes long) from `from + fromOffset` to
 * `to + toOffset`, each sum of an address (wrapped to a u32 here, as `i32.add` would have) and a
 * memarg offset: an `i32.load8_u` then an `i32.store8` (the interpreter's `I32Copy8At`), the
 * load's bounds checked first. A call rather than inline code in the executor: `run`'s bytecode
 * has no room.
 */
export function copyByte(
  view: DataView,
  len: number,
  from: number,
  fromOffset: number,
  to: number,
  toOffset: number,
): void {
  const src = (from >>> 0) + (fromOffset >>> 0), dst = (to >>> 0) + (toOffset >>> 0);
  // `>= len` rather than `+ 1 > len`: no float add on a sum past 2^31 (`outOfBounds` in isa.ts).
  if (src >= len || dst >= len) throw memoryOob();
  view.setInt8(dst, view.getUint8(src));
}

/**
 * Two byte copies, as two `copyByte`s: the `I32Copy8At2` instruction at `pc` of `code` (its
 * operands `to toImm toOffset from fromImm fromOffset` twice, slots relative to `fp` in `s`),
 * read here so that the executor's `run` passes six values instead of fourteen.
 */
export function copyBytes2(
  view: DataView,
  len: number,
  s: Int32Array,
  code: Int32Array,
  pc: number,
  fp: number,
): void {
  copyByte(
    view,
    len,
    s[fp + code[pc + 4]!]! + code[pc + 5]!,
    code[pc + 6]!,
    s[fp + code[pc + 1]!]! + code[pc + 2]!,
    code[pc + 3]!,
  );
  copyByte(
    view,
    len,
    s[fp + code[pc + 10]!]! + code[pc + 11]!,
    code[pc + 12]!,
    s[fp + code[pc + 7]!]! + code[pc + 8]!,
    code[pc + 9]!,
  );
}

/**
 * The `I32AddShlImmLoad8UAddImmShrUStore8At` instruction at `pc` of `code` (operands `to toImm
 * a b k c sh t from fromImm`, slots relative to `fp` in `s`): `u = a + (b << k)`, then the byte
 * at `from + fromImm` (bounds checked, a trap before anything is written) into slot `t`, then
 * `(u + byte + c) >>> sh` stored as a byte at `to + toImm`, as `storeByte` does; the sums
 * wrapped as `i32.add` wraps them.
 */
export function blurByte(
  view: DataView,
  len: number,
  s: Int32Array,
  code: Int32Array,
  pc: number,
  fp: number,
): void {
  const u = (s[fp + code[pc + 3]!]! + (s[fp + code[pc + 4]!]! << code[pc + 5]!)) | 0;
  const from = (s[fp + code[pc + 9]!]! + code[pc + 10]!) >>> 0;
  if (from >= len) throw memoryOob();
  const byte = view.getUint8(from);
  s[fp + code[pc + 8]!] = byte;
  storeByte(
    view,
    len,
    s[fp + code[pc + 1]!]! + code[pc + 2]!,
    0,
    ((u + byte + code[pc + 6]!) | 0) >>> code[pc + 7]!,
  );
}

/**
 * `i32.store8` of `value` to `to + toOffset` (both unsigned, the sum unwrapped) in a memory of
 * `len` bytes: `I32AddAddImmShrUStore8At`'s store (a call, as `copyByte`).
 */
export function storeByte(
  view: DataView,
  len: number,
  to: number,
  toOffset: number,
  value: number,
): void {
  const dst = (to >>> 0) + (toOffset >>> 0);
  if (dst >= len) throw memoryOob();
  view.setInt8(dst, value);
}

/** `memory.init` of data segment `segment` into memory `memory` (a dropped one has length 0). */
export function memoryInit(
  inst: InstanceEntity,
  segment: number,
  memory: number,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): boolean {
  const mem = inst.memories[memory]!;
  const data = inst.dataSegments[segment] ?? EMPTY_BYTES;
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.bytes(store!, n)) return false;
  if (s + n > data.length || d + n > mem.buffer.byteLength) throw memoryOob();
  if (fuel !== null && !fuel.eager && !fuel.bytes(store!, n)) return false;
  mem.u8.set(data.subarray(s, s + n), d);
  return true;
}

/** `data.drop`. */
export function dataDrop(inst: InstanceEntity, segment: number): void {
  inst.dataSegments[segment] = null;
}

/** `table.get`. */
export function tableGet(table: TableEntity, i: number): number {
  i >>>= 0;
  if (i >= table.size) throw tableOob();
  return table.elements[i]!;
}

/** `table.set`. */
export function tableSet(table: TableEntity, i: number, value: number): void {
  i >>>= 0;
  if (i >= table.size) throw tableOob();
  table.elements[i] = value;
}

/**
 * What `memoryGrow` and `tableGrow` return when the store cannot pay for the growth (nothing
 * changed). Not an i32: every real result is.
 */
export const GROW_OUT_OF_FUEL = 2 ** 32;

/**
 * `memory.grow`: the old size in pages, or -1. With `fuel`, a growth pays as copying its new
 * bytes would (`delta * mem.pageSize` bytes, as wasmi): in lazy mode once the limiter and the
 * maximum allow it, in eager mode before asking. Returns `GROW_OUT_OF_FUEL` when the store
 * cannot pay.
 */
export function memoryGrow(
  mem: MemoryEntity,
  delta: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): number {
  delta >>>= 0;
  if (delta === 0) return mem.pages;
  if (fuel !== null && fuel.eager && !fuel.bytes(store!, delta * mem.pageSize)) {
    return GROW_OUT_OF_FUEL;
  }
  if (!mem.mayGrow(delta)) return -1;
  if (fuel !== null && !fuel.eager && !fuel.bytes(store!, delta * mem.pageSize)) {
    return GROW_OUT_OF_FUEL;
  }
  return mem.growBy(delta);
}

/**
 * `table.grow`: the old size, or -1. With `fuel`, a growth pays per new element, when
 * `memoryGrow` would. Returns `GROW_OUT_OF_FUEL` when the store cannot pay.
 */
export function tableGrow(
  table: TableEntity,
  init: number,
  delta: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): number {
  delta >>>= 0;
  if (delta === 0) return table.size;
  if (fuel !== null && fuel.eager && !fuel.elements(store!, delta)) return GROW_OUT_OF_FUEL;
  if (!table.mayGrow(delta)) return -1;
  if (fuel !== null && !fuel.eager && !fuel.elements(store!, delta)) return GROW_OUT_OF_FUEL;
  return table.growBy(delta, init);
}

/** `table.fill`. */
export function tableFill(
  table: TableEntity,
  i: number,
  value: number,
  n: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): boolean {
  i >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.elements(store!, n)) return false;
  if (i + n > table.size) throw tableOob();
  if (fuel !== null && !fuel.eager && !fuel.elements(store!, n)) return false;
  table.elements.fill(value, i, i + n);
  return true;
}

/** `table.copy` (the ranges may overlap when both tables are the same). */
export function tableCopy(
  dst: TableEntity,
  src: TableEntity,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): boolean {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.elements(store!, n)) return false;
  if (s + n > src.size || d + n > dst.size) throw tableOob();
  if (fuel !== null && !fuel.eager && !fuel.elements(store!, n)) return false;
  if (dst === src) dst.elements.copyWithin(d, s, s + n);
  else dst.elements.set(src.elements.subarray(s, s + n), d);
  return true;
}

/** `table.init`: a dropped segment has length 0. */
export function tableInit(
  inst: InstanceEntity,
  segment: number,
  table: number,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null = null,
  store: StoreInner | null = null,
): boolean {
  const t = inst.tables[table]!;
  const elems = inst.elemSegments[segment] ?? EMPTY_ELEMS;
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.elements(store!, n)) return false;
  if (s + n > elems.length || d + n > t.size) throw tableOob();
  if (fuel !== null && !fuel.eager && !fuel.elements(store!, n)) return false;
  t.elements.set(elems.subarray(s, s + n), d);
  return true;
}

/** `elem.drop`. */
export function elemDrop(inst: InstanceEntity, segment: number): void {
  inst.elemSegments[segment] = null;
}
