/**
 * The executor's operations on memories other than memory 0 (multi-memory): loads and stores
 * keyed by their Wasm opcode, so that a handful of instructions with a memory-index operand serve
 * every access (the bulk operations take a memory or two: `bulk_ops.ts`). Memory 0 keeps its
 * own instructions, one per access width, on the fast path.
 *
 * Addresses arrive as u32 words: the translator narrows a 64-bit memory's `i64` addresses first
 * (instruction `Index64`: 0xfffffff8 plus the low 3 bits when the high word is set, which is out
 * of bounds in any 64-bit memory here, since those stay below 4 GiB). The effective address is the unsigned sum
 * of address and offset, without 32-bit wrap; an access past the end traps before writing.
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";

/** The bytes each Wasm load or store opcode (0x28..0x3e) accesses. */
const ACCESS_BYTES = Uint8Array.from({ length: 0x3f }, (_, op) => {
  switch (op) {
    case 0x29: // i64.load
    case 0x2b: // f64.load
    case 0x37: // i64.store
    case 0x39: // f64.store
      return 8;
    case 0x2c: // i32.load8_s
    case 0x2d:
    case 0x30: // i64.load8_s
    case 0x31:
    case 0x3a: // i32.store8
    case 0x3c: // i64.store8
      return 1;
    case 0x2e: // i32.load16_s
    case 0x2f:
    case 0x32: // i64.load16_s
    case 0x33:
    case 0x3b: // i32.store16
    case 0x3d: // i64.store16
      return 2;
    default:
      return 4;
  }
});

/** The effective address of an access of `n` bytes, after the bounds check. */
function address(view: DataView, addr: number, offset: number, n: number): number {
  const ea = (addr >>> 0) + (offset >>> 0);
  if (ea + n > view.byteLength) throw new Trap(TrapCode.MemoryOutOfBounds);
  return ea;
}

/**
 * A load of Wasm opcode `op` (`i32.load` 0x28 .. `i64.load32_u` 0x35) from `view` into slot
 * word `d` of `s` (i64 and f64 results take two words; f32 and f64 move as raw bits).
 *
 * @example Loading a sign-extended byte as an i64
 * ```ts
 * import { memLoad } from "./memory_ext.ts";
 * const view = new DataView(new ArrayBuffer(8));
 * view.setInt8(3, -2);
 * const s = new Int32Array(4);
 * memLoad(0x30, s, 0, view, 1, 2); // i64.load8_s at 1 + offset 2
 * if (s[0] !== -2 || s[1] !== -1) throw new Error();
 * ```
 */
export function memLoad(
  op: number,
  s: Int32Array,
  d: number,
  view: DataView,
  addr: number,
  offset: number,
): void {
  const ea = address(view, addr, offset, ACCESS_BYTES[op]!);
  switch (op) {
    case 0x28: // i32.load
    case 0x2a: // f32.load
      s[d] = view.getInt32(ea, true);
      return;
    case 0x29: // i64.load
    case 0x2b: // f64.load
      s[d] = view.getInt32(ea, true);
      s[d + 1] = view.getInt32(ea + 4, true);
      return;
    case 0x2c:
      s[d] = view.getInt8(ea);
      return;
    case 0x2d:
      s[d] = view.getUint8(ea);
      return;
    case 0x2e:
      s[d] = view.getInt16(ea, true);
      return;
    case 0x2f:
      s[d] = view.getUint16(ea, true);
      return;
  }
  // i64 loads narrower than 8 bytes: the low word, then its sign or zero extension.
  let v: number;
  let signed: boolean;
  switch (op) {
    case 0x30:
      v = view.getInt8(ea);
      signed = true;
      break;
    case 0x31:
      v = view.getUint8(ea);
      signed = false;
      break;
    case 0x32:
      v = view.getInt16(ea, true);
      signed = true;
      break;
    case 0x33:
      v = view.getUint16(ea, true);
      signed = false;
      break;
    case 0x34:
      v = view.getInt32(ea, true);
      signed = true;
      break;
    default: // 0x35 i64.load32_u
      v = view.getInt32(ea, true);
      signed = false;
  }
  s[d] = v;
  s[d + 1] = signed ? v >> 31 : 0;
}

/**
 * A store of Wasm opcode `op` (`i32.store` 0x36 .. `i64.store32` 0x3e) of the value in slot word
 * `v` of `s` to `view`.
 *
 * @example Storing the low half of an i64
 * ```ts
 * import { memStore } from "./memory_ext.ts";
 * const view = new DataView(new ArrayBuffer(8));
 * const s = Int32Array.of(0x01020304, 7);
 * memStore(0x3d, s, view, 0, 4, 0); // i64.store16 at 4
 * if (view.getUint16(4, true) !== 0x0304) throw new Error();
 * ```
 */
export function memStore(
  op: number,
  s: Int32Array,
  view: DataView,
  addr: number,
  offset: number,
  v: number,
): void {
  const ea = address(view, addr, offset, ACCESS_BYTES[op]!);
  switch (op) {
    case 0x37: // i64.store
    case 0x39: // f64.store
      view.setInt32(ea, s[v]!, true);
      view.setInt32(ea + 4, s[v + 1]!, true);
      return;
    case 0x3a: // i32.store8
    case 0x3c: // i64.store8
      view.setInt8(ea, s[v]!);
      return;
    case 0x3b: // i32.store16
    case 0x3d: // i64.store16
      view.setInt16(ea, s[v]!, true);
      return;
    default: // i32.store, f32.store, i64.store32
      view.setInt32(ea, s[v]!, true);
  }
}
