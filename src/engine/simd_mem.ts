/**
 * Wasm 2.0 SIMD memory operations: v128 loads (plain, extending, splatting, zero-filling),
 * stores, and single-lane loads and stores, between a linear memory's `DataView` and the
 * engine's slot array (layout as in `simd.ts`).
 *
 * Each takes the address operand's value (an i32, read by the caller before anything is
 * written, since the result slot may be the address's slot) and the static offset; the
 * effective address is their sum as unsigned numbers (no 32-bit wrap), and any access past the
 * memory's end traps with `MemoryOutOfBounds` before anything is written.
 *
 * @module
 */

import { IMM_F32, IMM_WORDS } from "../core/num/float.ts";
import { Trap, TrapCode } from "../core/trap.ts";
import { f32x4MaxMin, simdShuffleZx } from "./simd.ts";

/**
 * The effective address of an access of `n` bytes, after the bounds check. (The 16-byte
 * `v128Load`, `simdStore` and `f32x4MulLoad` spell it out: V8 did not inline this call there,
 * 4% of vec_float's CPU profile; so do the loads vec_bytes runs, `v128.load16x4_s`,
 * `v128.load32_splat` and `v128.load64_zero`: the call was 0.7% of its profile.)
 */
function address(mem: DataView, addr: number, offset: number, n: number): number {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + n > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  return ea;
}

/**
 * `v128.load`, the plain 16-byte load (the executor's `V128LoadFull` calls it directly).
 *
 * @param s the slot array
 * @param mem the memory
 * @param d the result's word index
 * @param addr the address operand (an i32)
 * @param offset the memarg offset (a u32)
 */
export function v128Load(
  s: Int32Array,
  mem: DataView,
  d: number,
  addr: number,
  offset: number,
): void {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + 16 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  s[d] = mem.getInt32(ea, true);
  s[d + 1] = mem.getInt32(ea + 4, true);
  s[d + 2] = mem.getInt32(ea + 8, true);
  s[d + 3] = mem.getInt32(ea + 12, true);
}

/** `v128.load32_splat` (the `V128Load32SplatAt` row; `simdLoad` for the arguments). */
export function v128Load32Splat(
  s: Int32Array,
  mem: DataView,
  d: number,
  addr: number,
  offset: number,
): void {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + 4 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  const w = mem.getInt32(ea, true);
  s[d] = w;
  s[d + 1] = w;
  s[d + 2] = w;
  s[d + 3] = w;
}

/** `v128.load64_zero` (the `V128Load64ZeroAt` row; `simdLoad` for the arguments). */
export function v128Load64Zero(
  s: Int32Array,
  mem: DataView,
  d: number,
  addr: number,
  offset: number,
): void {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + 8 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  s[d] = mem.getInt32(ea, true);
  s[d + 1] = mem.getInt32(ea + 4, true);
  s[d + 2] = 0;
  s[d + 3] = 0;
}

/**
 * `f32x4.mul` of the v128 at `a` and the v128 loaded from `addr + offset` (as `v128Load`
 * loads it), into `d`.
 */
export function f32x4MulLoad(
  f: Float32Array,
  mem: DataView,
  d: number,
  a: number,
  addr: number,
  offset: number,
): void {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + 16 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  f[d] = f[a] * mem.getFloat32(ea, true);
  f[d + 1] = f[a + 1] * mem.getFloat32(ea + 4, true);
  f[d + 2] = f[a + 2] * mem.getFloat32(ea + 8, true);
  f[d + 3] = f[a + 3] * mem.getFloat32(ea + 12, true);
}

/**
 * `f32x4MulLoad` then `f32x4.add` of the product and the v128 at `c` (each lane rounded after
 * each step).
 */
export function f32x4MulLoadAdd(
  f: Float32Array,
  mem: DataView,
  d: number,
  a: number,
  addr: number,
  offset: number,
  c: number,
): void {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + 16 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  f[d] = Math.fround(f[a] * mem.getFloat32(ea, true)) + f[c];
  f[d + 1] = Math.fround(f[a + 1] * mem.getFloat32(ea + 4, true)) + f[c + 1];
  f[d + 2] = Math.fround(f[a + 2] * mem.getFloat32(ea + 8, true)) + f[c + 2];
  f[d + 3] = Math.fround(f[a + 3] * mem.getFloat32(ea + 12, true)) + f[c + 3];
}

/**
 * `f32x4.mul` of the two v128s loaded from `(base + imm) mod 2^32` and `(base + imm2) mod 2^32`
 * (a dot product's step `x[i] * y[i]`), into `d`; traps as the first load, then as the second.
 */
export function f32x4MulLoad2(
  f: Float32Array,
  mem: DataView,
  d: number,
  base: number,
  imm: number,
  imm2: number,
): void {
  const ea = (base + imm) >>> 0, eb = (base + imm2) >>> 0;
  if (ea + 16 > mem.byteLength || eb + 16 > mem.byteLength) {
    throw new Trap(TrapCode.MemoryOutOfBounds);
  }
  f[d] = mem.getFloat32(ea, true) * mem.getFloat32(eb, true);
  f[d + 1] = mem.getFloat32(ea + 4, true) * mem.getFloat32(eb + 4, true);
  f[d + 2] = mem.getFloat32(ea + 8, true) * mem.getFloat32(eb + 8, true);
  f[d + 3] = mem.getFloat32(ea + 12, true) * mem.getFloat32(eb + 12, true);
}

/**
 * `f32x4MulLoad2` then `f32x4.add` of the product and the v128 at `c` (each lane rounded after
 * each step).
 */
export function f32x4MulLoad2Add(
  f: Float32Array,
  mem: DataView,
  d: number,
  base: number,
  imm: number,
  imm2: number,
  c: number,
): void {
  const ea = (base + imm) >>> 0, eb = (base + imm2) >>> 0;
  if (ea + 16 > mem.byteLength || eb + 16 > mem.byteLength) {
    throw new Trap(TrapCode.MemoryOutOfBounds);
  }
  f[d] = Math.fround(mem.getFloat32(ea, true) * mem.getFloat32(eb, true)) + f[c];
  f[d + 1] = Math.fround(mem.getFloat32(ea + 4, true) * mem.getFloat32(eb + 4, true)) + f[c + 1];
  f[d + 2] = Math.fround(mem.getFloat32(ea + 8, true) * mem.getFloat32(eb + 8, true)) + f[c + 2];
  f[d + 3] = Math.fround(mem.getFloat32(ea + 12, true) * mem.getFloat32(eb + 12, true)) +
    f[c + 3];
}

/**
 * `f32.add(f32.mul(x, y), c)` of the f32s `x` at `ea` and `y` at `eb` (`f32.load`s without a
 * memarg offset), into the slot at `d` (`F32MulLoad2Add`: a scalar dot product's term). Traps
 * when either load would.
 */
export function f32MulLoad2Add(
  f: Float32Array,
  mem: DataView,
  d: number,
  ea: number,
  eb: number,
  c: number,
): void {
  ea >>>= 0;
  eb >>>= 0;
  if (ea + 4 > mem.byteLength || eb + 4 > mem.byteLength) {
    throw new Trap(TrapCode.MemoryOutOfBounds);
  }
  f[d] = Math.fround(mem.getFloat32(ea, true) * mem.getFloat32(eb, true)) + f[c];
}

/**
 * `f32.mul(x, k)` of the f32 `x` at `ea` (an `f32.load` without a memarg offset) and the
 * constant whose bits are `k`, into the slot at `d` (`F32MulImmLoad`). Traps when the load
 * would.
 */
export function f32MulImmLoad(
  f: Float32Array,
  mem: DataView,
  d: number,
  ea: number,
  k: number,
): void {
  ea >>>= 0;
  if (ea + 4 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  IMM_WORDS[0] = k;
  f[d] = mem.getFloat32(ea, true) * IMM_F32[0]!;
}

/**
 * A clamp of a v128 just loaded: `f32x4.min(f32x4.max(x, b), c)` with `x` the v128 at `addr`
 * (`v128.load` of `addr + 0`), into `d` (the loaded vector goes through `d`, which is neither
 * `b` nor `c`).
 */
export function f32x4MaxMinLoad(
  f: Float32Array,
  mem: DataView,
  d: number,
  b: number,
  c: number,
  addr: number,
): void {
  const ea = addr >>> 0;
  if (ea + 16 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  f[d] = mem.getFloat32(ea, true);
  f[d + 1] = mem.getFloat32(ea + 4, true);
  f[d + 2] = mem.getFloat32(ea + 8, true);
  f[d + 3] = mem.getFloat32(ea + 12, true);
  f32x4MaxMin(f, d, d, b, c);
}

/**
 * The `F32x4MaxMinLoadStoreAt` row, from the code at `pc`: the `F32x4MaxMinLoad d b c base
 * imm` there, then the `V128StoreAt base imm offset v` after it (its opcode word skipped), as
 * the two would run (a trap of the load stores nothing).
 *
 * @param s the slot array
 * @param f the slot array's f32 view
 * @param mem the memory
 * @param code the function's code
 * @param pc where the instruction starts
 * @param fp the frame's first slot
 */
export function f32x4MaxMinLoadStoreAt(
  s: Int32Array,
  f: Float32Array,
  mem: DataView,
  code: Int32Array,
  pc: number,
  fp: number,
): void {
  f32x4MaxMinLoad(
    f,
    mem,
    fp + code[pc + 1]!,
    fp + code[pc + 2]!,
    fp + code[pc + 3]!,
    (s[fp + code[pc + 4]!]! + code[pc + 5]!) | 0,
  );
  simdStore(
    s,
    mem,
    (s[fp + code[pc + 7]!]! + code[pc + 8]!) | 0,
    code[pc + 9]!,
    fp + code[pc + 10]!,
  );
}

/**
 * The `F32x4MulLoadAddStore` row, from the code at `pc`: the `F32x4MulLoadAdd d a base imm
 * offset c` there, then the `V128Store addr offset v` after it (its opcode word skipped).
 *
 * @param s the slot array
 * @param f the slot array's f32 view
 * @param mem the memory
 * @param code the function's code
 * @param pc where the instruction starts
 * @param fp the frame's first slot
 */
export function f32x4MulLoadAddStore(
  s: Int32Array,
  f: Float32Array,
  mem: DataView,
  code: Int32Array,
  pc: number,
  fp: number,
): void {
  f32x4MulLoadAdd(
    f,
    mem,
    fp + code[pc + 1]!,
    fp + code[pc + 2]!,
    (s[fp + code[pc + 3]!]! + code[pc + 4]!) | 0,
    code[pc + 5]!,
    fp + code[pc + 6]!,
  );
  simdStore(s, mem, s[fp + code[pc + 8]!]!, code[pc + 9]!, fp + code[pc + 10]!);
}

/**
 * A v128 load: `v128.load`, `v128.load{8x8,16x4,32x2}_{s,u}`, `v128.load{8,16,32,64}_splat`,
 * `v128.load{32,64}_zero`.
 *
 * @param op the sub-opcode (`0x00`..`0x0a`, `0x5c`, `0x5d`)
 * @param s the slot array
 * @param mem the memory
 * @param d the result's word index
 * @param addr the address operand (an i32)
 * @param offset the memarg offset (a u32)
 */
export function simdLoad(
  op: number,
  s: Int32Array,
  mem: DataView,
  d: number,
  addr: number,
  offset: number,
): void {
  switch (op) {
    case 0x00: // v128.load
      return v128Load(s, mem, d, addr, offset);
    case 0x01: // v128.load8x8_s
    case 0x02: { // v128.load8x8_u
      const ea = address(mem, addr, offset, 8);
      const signed = op === 0x01;
      for (let i = 0; i < 4; i++) {
        const lo = signed ? mem.getInt8(ea + 2 * i) : mem.getUint8(ea + 2 * i);
        const hi = signed ? mem.getInt8(ea + 2 * i + 1) : mem.getUint8(ea + 2 * i + 1);
        s[d + i] = (lo & 0xffff) | (hi << 16);
      }
      return;
    }
    case 0x03: { // v128.load16x4_s
      const ea = (addr >>> 0) + (offset >>> 0);
      if (ea + 8 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
      s[d] = mem.getInt16(ea, true);
      s[d + 1] = mem.getInt16(ea + 2, true);
      s[d + 2] = mem.getInt16(ea + 4, true);
      s[d + 3] = mem.getInt16(ea + 6, true);
      return;
    }
    case 0x04: { // v128.load16x4_u
      const ea = address(mem, addr, offset, 8);
      for (let i = 0; i < 4; i++) s[d + i] = mem.getUint16(ea + 2 * i, true);
      return;
    }
    case 0x05: // v128.load32x2_s
    case 0x06: { // v128.load32x2_u
      const ea = address(mem, addr, offset, 8);
      const x = mem.getInt32(ea, true), y = mem.getInt32(ea + 4, true);
      s[d] = x;
      s[d + 1] = op === 0x05 ? x >> 31 : 0;
      s[d + 2] = y;
      s[d + 3] = op === 0x05 ? y >> 31 : 0;
      return;
    }
    case 0x07: { // v128.load8_splat
      const w = Math.imul(mem.getUint8(address(mem, addr, offset, 1)), 0x01010101);
      s.fill(w, d, d + 4);
      return;
    }
    case 0x08: { // v128.load16_splat
      const w = Math.imul(mem.getUint16(address(mem, addr, offset, 2), true), 0x00010001);
      s.fill(w, d, d + 4);
      return;
    }
    case 0x09: // v128.load32_splat (four stores: a `fill` call cost more than the load)
      return v128Load32Splat(s, mem, d, addr, offset);
    case 0x0a: { // v128.load64_splat
      const ea = address(mem, addr, offset, 8);
      const lo = mem.getInt32(ea, true), hi = mem.getInt32(ea + 4, true);
      s[d] = s[d + 2] = lo;
      s[d + 1] = s[d + 3] = hi;
      return;
    }
    case 0x5c: // v128.load32_zero
      s[d] = mem.getInt32(address(mem, addr, offset, 4), true);
      s[d + 1] = s[d + 2] = s[d + 3] = 0;
      return;
    case 0x5d: // v128.load64_zero
      return v128Load64Zero(s, mem, d, addr, offset);
  }
  throw new Error(`Not a v128 load: 0xfd${op.toString(16).padStart(2, "0")}`);
}

/**
 * `v128.store` of the v128 at `v`.
 *
 * @param s the slot array
 * @param mem the memory
 * @param addr the address operand (an i32)
 * @param offset the memarg offset (a u32)
 * @param v the value's word index
 */
export function simdStore(
  s: Int32Array,
  mem: DataView,
  addr: number,
  offset: number,
  v: number,
): void {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + 16 > mem.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  mem.setInt32(ea, s[v], true);
  mem.setInt32(ea + 4, s[v + 1], true);
  mem.setInt32(ea + 8, s[v + 2], true);
  mem.setInt32(ea + 12, s[v + 3], true);
}

/**
 * `v128.load{8,16,32,64}_lane`: the v128 at `v` with lane `lane` loaded from memory.
 *
 * @param op the sub-opcode (`0x54`..`0x57`)
 * @param s the slot array
 * @param mem the memory
 * @param d the result's word index
 * @param addr the address operand (an i32)
 * @param offset the memarg offset (a u32)
 * @param v the vector's word index
 * @param lane the lane index
 */
export function simdLoadLane(
  op: number,
  s: Int32Array,
  mem: DataView,
  d: number,
  addr: number,
  offset: number,
  v: number,
  lane: number,
): void {
  const bits = 8 << (op - 0x54);
  const ea = address(mem, addr, offset, bits >> 3);
  if (d !== v) {
    s[d] = s[v];
    s[d + 1] = s[v + 1];
    s[d + 2] = s[v + 2];
    s[d + 3] = s[v + 3];
  }
  switch (bits) {
    case 8: {
      const w = d + (lane >> 2), sh = (lane & 3) << 3;
      s[w] = (s[w] & ~(0xff << sh)) | (mem.getUint8(ea) << sh);
      return;
    }
    case 16: {
      const w = d + (lane >> 1), sh = (lane & 1) << 4;
      s[w] = (s[w] & ~(0xffff << sh)) | (mem.getUint16(ea, true) << sh);
      return;
    }
    case 32:
      s[d + lane] = mem.getInt32(ea, true);
      return;
    default:
      s[d + 2 * lane] = mem.getInt32(ea, true);
      s[d + 2 * lane + 1] = mem.getInt32(ea + 4, true);
  }
}

/**
 * `v128.store{8,16,32,64}_lane`: stores lane `lane` of the v128 at `v`.
 *
 * @param op the sub-opcode (`0x58`..`0x5b`)
 * @param s the slot array
 * @param mem the memory
 * @param addr the address operand (an i32)
 * @param offset the memarg offset (a u32)
 * @param v the vector's word index
 * @param lane the lane index
 */
export function simdStoreLane(
  op: number,
  s: Int32Array,
  mem: DataView,
  addr: number,
  offset: number,
  v: number,
  lane: number,
): void {
  const bits = 8 << (op - 0x58);
  const ea = address(mem, addr, offset, bits >> 3);
  switch (bits) {
    case 8:
      mem.setUint8(ea, s[v + (lane >> 2)] >>> ((lane & 3) << 3));
      return;
    case 16:
      mem.setUint16(ea, s[v + (lane >> 1)] >>> ((lane & 1) << 4), true);
      return;
    case 32:
      mem.setInt32(ea, s[v + lane], true);
      return;
    default:
      mem.setInt32(ea, s[v + 2 * lane], true);
      mem.setInt32(ea + 4, s[v + 2 * lane + 1], true);
  }
}

/**
 * The `V128*AtShuffleZx` rows: the load `kind` (0 `v128.load`, 1 `v128.load32_splat`, 2
 * `v128.load64_zero`) of `base + imm` into slot `t`, then the `V128ShuffleZx` (`simd.ts`) of the
 * instruction's first eight operands, which reads `t`. The operands are read here from the code
 * (`code[pc + 1]` on: `d a b k0 k1 k2 k3 kind t base imm`, slots relative to `fp`), so that
 * the executor's `run` passes five values instead of thirteen.
 *
 * @param kind which load
 * @param s the slot array
 * @param mem the memory
 * @param code the function's code
 * @param pc where the instruction starts
 * @param fp the frame's first slot
 */
export function v128LoadShuffleZx(
  kind: number,
  s: Int32Array,
  mem: DataView,
  code: Int32Array,
  pc: number,
  fp: number,
): void {
  const t = fp + code[pc + 9]!, addr = (s[fp + code[pc + 10]!]! + code[pc + 11]!) | 0;
  if (kind === 0) v128Load(s, mem, t, addr, 0);
  else if (kind === 1) v128Load32Splat(s, mem, t, addr, 0);
  else v128Load64Zero(s, mem, t, addr, 0);
  simdShuffleZx(
    s,
    fp + code[pc + 1]!,
    fp + code[pc + 2]!,
    fp + code[pc + 3]!,
    code[pc + 4]!,
    code[pc + 5]!,
    code[pc + 6]!,
    code[pc + 7]!,
    code[pc + 8]!,
  );
}
