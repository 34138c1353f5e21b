/**
 * The threads proposal's atomic operators (`0xFE` prefix), as one thread runs them.
 *
 * The executor sees a few generic instructions (`AtomicLoad`, `AtomicStore`, `AtomicRmw`,
 * `AtomicCmpxchg`, `AtomicWait`, `AtomicNotify`) that carry the `0xFE` sub-opcode; each function
 * below takes it and the operands' slots (i32 in one word, i64 as two, as everywhere in the
 * engine). `atomic.fence` becomes no code.
 *
 * Every access checks, in the spec's order, that its effective address is a multiple of its
 * size ("unaligned atomic"), then that it is in bounds ("out of bounds memory access").
 *
 * One thread, no other agent: every access is trivially atomic and sequentially consistent, and
 * a shared memory is an ordinary buffer. What this means for wait and notify:
 * - `memory.atomic.notify` wakes nobody (no agent can be waiting) and returns 0, on a shared or
 *   unshared memory alike;
 * - `memory.atomic.wait32/64` traps on an unshared memory ("expected shared memory"), returns 1
 *   ("not-equal") when the memory does not hold the expected value, and otherwise, since nothing
 *   can change it or notify it, times out: with a timeout (≥ 0 ns) it returns 2 ("timed-out") at
 *   once (the engine keeps no clock and never blocks the host thread); with none (< 0) it would
 *   wait forever, and traps instead (`TrapCode.WaitForever`) rather than hang the host.
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";
import type { MemoryEntity } from "./entities.ts";

/**
 * The access size of sub-opcodes `0x10` to `0x4e`: loads, stores and each read-modify-write
 * operator are groups of seven in this order (i32, i64, i32 8-bit, i32 16-bit, i64 8-bit,
 * i64 16-bit, i64 32-bit), indexed by `(sub - 0x10) % 7`.
 */
const BYTES = [4, 8, 1, 2, 1, 2, 4] as const;
/** Whether the group member's value is an i64 (two words). */
const WIDE = [false, true, false, false, true, true, true] as const;

/** Read-modify-write operators, by `(sub - 0x1e) / 7`. */
const ADD = 0, SUB = 1, AND = 2, OR = 3, XOR = 4;

/** The effective address of an atomic access of `bytes` bytes, after its checks. */
function address(mview: DataView, addr: number, offset: number, bytes: number): number {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea % bytes !== 0) throw new Trap(TrapCode.UnalignedAtomic);
  if (ea + bytes > mview.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  return ea;
}

/** The `bytes`-byte value at `ea`, zero-extended (4 bytes: as an int32's bits). */
function read(mview: DataView, ea: number, bytes: number): number {
  return bytes === 4
    ? mview.getInt32(ea, true)
    : bytes === 2
    ? mview.getUint16(ea, true)
    : mview.getUint8(ea);
}

/** Writes the low `bytes` bytes of `value` at `ea`. */
function write(mview: DataView, ea: number, bytes: number, value: number): void {
  if (bytes === 4) mview.setInt32(ea, value, true);
  else if (bytes === 2) mview.setUint16(ea, value, true);
  else mview.setUint8(ea, value);
}

/**
 * `*.atomic.load*` (`0xFE 0x10`..`0x16`): the value at `addr + offset` into slot `d`,
 * zero-extended.
 */
export function atomicLoad(
  sub: number,
  s: Int32Array,
  mview: DataView,
  d: number,
  addr: number,
  offset: number,
): void {
  const k = (sub - 0x10) % 7;
  const bytes = BYTES[k]!;
  const ea = address(mview, addr, offset, bytes);
  if (bytes === 8) {
    s[d] = mview.getInt32(ea, true);
    s[d + 1] = mview.getInt32(ea + 4, true);
    return;
  }
  s[d] = read(mview, ea, bytes);
  if (WIDE[k]) s[d + 1] = 0;
}

/** `*.atomic.store*` (`0xFE 0x17`..`0x1d`): the value in slot `v`, wrapped to the access size. */
export function atomicStore(
  sub: number,
  s: Int32Array,
  mview: DataView,
  addr: number,
  offset: number,
  v: number,
): void {
  const bytes = BYTES[(sub - 0x10) % 7]!;
  const ea = address(mview, addr, offset, bytes);
  if (bytes === 8) {
    mview.setInt32(ea, s[v]!, true);
    mview.setInt32(ea + 4, s[v + 1]!, true);
    return;
  }
  write(mview, ea, bytes, s[v]!);
}

/** One 32-bit-or-narrower read-modify-write: the new value from `old` and `x`. */
function modify(op: number, old: number, x: number): number {
  switch (op) {
    case ADD:
      return (old + x) | 0;
    case SUB:
      return (old - x) | 0;
    case AND:
      return old & x;
    case OR:
      return old | x;
    case XOR:
      return old ^ x;
    default: // xchg
      return x;
  }
}

/**
 * `*.atomic.rmw*.{add,sub,and,or,xor,xchg}` (`0xFE 0x1e`..`0x47`): replaces the value at
 * `addr + offset` by itself combined with slot `v` (wrapping), and writes the old value to slot
 * `d` (zero-extended). Reads every input before writing `d`, which may be `v`'s slot.
 */
export function atomicRmw(
  sub: number,
  s: Int32Array,
  mview: DataView,
  d: number,
  addr: number,
  offset: number,
  v: number,
): void {
  const k = (sub - 0x10) % 7;
  const op = ((sub - 0x1e) / 7) | 0;
  const bytes = BYTES[k]!;
  const ea = address(mview, addr, offset, bytes);
  if (bytes === 8) {
    const lo = mview.getInt32(ea, true), hi = mview.getInt32(ea + 4, true);
    const xlo = s[v]!, xhi = s[v + 1]!;
    let nlo: number, nhi: number;
    switch (op) {
      case ADD:
        nlo = (lo + xlo) | 0;
        nhi = (hi + xhi + ((lo >>> 0) + (xlo >>> 0) > 0xffffffff ? 1 : 0)) | 0;
        break;
      case SUB:
        nlo = (lo - xlo) | 0;
        nhi = (hi - xhi - ((lo >>> 0) < (xlo >>> 0) ? 1 : 0)) | 0;
        break;
      default:
        nlo = modify(op, lo, xlo);
        nhi = modify(op, hi, xhi);
    }
    mview.setInt32(ea, nlo, true);
    mview.setInt32(ea + 4, nhi, true);
    s[d] = lo;
    s[d + 1] = hi;
    return;
  }
  const old = read(mview, ea, bytes);
  write(mview, ea, bytes, modify(op, old, s[v]!));
  s[d] = old;
  if (WIDE[k]) s[d + 1] = 0;
}

/**
 * `*.atomic.rmw*.cmpxchg*` (`0xFE 0x48`..`0x4e`): if the value at `addr + offset` equals slot
 * `e` (wrapped to the access size), replaces it by slot `r` (wrapped); writes the old value to
 * slot `d` (zero-extended) either way.
 */
export function atomicCmpxchg(
  sub: number,
  s: Int32Array,
  mview: DataView,
  d: number,
  addr: number,
  offset: number,
  e: number,
  r: number,
): void {
  const k = (sub - 0x10) % 7;
  const bytes = BYTES[k]!;
  const ea = address(mview, addr, offset, bytes);
  if (bytes === 8) {
    const lo = mview.getInt32(ea, true), hi = mview.getInt32(ea + 4, true);
    if (lo === s[e] && hi === s[e + 1]) {
      mview.setInt32(ea, s[r]!, true);
      mview.setInt32(ea + 4, s[r + 1]!, true);
    }
    s[d] = lo;
    s[d + 1] = hi;
    return;
  }
  const old = read(mview, ea, bytes);
  // Wrap the expected value as the loaded one was: to `bytes` bytes, zero-extended.
  const mask = bytes === 4 ? -1 : (1 << (8 * bytes)) - 1;
  if (old === (s[e]! & mask)) write(mview, ea, bytes, s[r]!);
  s[d] = old;
  if (WIDE[k]) s[d + 1] = 0;
}

/**
 * `memory.atomic.wait32` (`0xFE 0x01`) and `memory.atomic.wait64` (`0x02`) on `mem`, expecting
 * slot `e` with the i64 timeout (ns) in slot `t`: 1 ("not-equal") or 2 ("timed-out"); see the
 * module doc for why nothing else can happen on one thread.
 */
export function atomicWait(
  sub: number,
  s: Int32Array,
  mem: MemoryEntity,
  addr: number,
  offset: number,
  e: number,
  t: number,
): number {
  if (!mem.type.shared) throw new Trap(TrapCode.ExpectedSharedMemory);
  const mview = mem.view;
  const bytes = sub === 0x01 ? 4 : 8;
  const ea = address(mview, addr, offset, bytes);
  const equal = bytes === 4
    ? mview.getInt32(ea, true) === s[e]
    : mview.getInt32(ea, true) === s[e] && mview.getInt32(ea + 4, true) === s[e + 1];
  if (!equal) return 1;
  if (s[t + 1]! < 0) throw new Trap(TrapCode.WaitForever);
  return 2;
}

/**
 * `memory.atomic.notify` (`0xFE 0x00`): checks the address (4-byte aligned, in bounds) and wakes
 * nobody: returns 0.
 */
export function atomicNotify(mview: DataView, addr: number, offset: number): number {
  address(mview, addr, offset, 4);
  return 0;
}
