/**
 * Reads one instruction at a time from a function body or constant expression.
 *
 * The validator, the translator and the constant-expression evaluator all read code through
 * this class. It allocates nothing per instruction: `read()` returns the opcode and leaves the
 * immediates in fields, which stay valid until the next `read()`.
 *
 * @module
 */

import type { RefType, ValType } from "../core/types.ts";
import { BinaryReader } from "./reader.ts";
import { Imm, OP_INFO, opPrefix, opSub, PREFIX_ROOM, prefixed } from "./opcodes.ts";

/** Block type of a block with no parameters and no results (the s33 value of byte 0x40). */
export const BLOCK_EMPTY = -64;

/** `try_table` catch clause kinds, as encoded. */
export const CATCH = 0;
/** `catch_ref x l`: the payload and the exception as an `exnref`. */
export const CATCH_REF = 1;
/** `catch_all l`: any exception, no values. */
export const CATCH_ALL = 2;
/** `catch_all_ref l`: any exception, as an `exnref`. */
export const CATCH_ALL_REF = 3;

/**
 * The immediate shape of every opcode (255: no such opcode): one table for single-byte opcodes,
 * one per prefix byte 0xFC, 0xFD, 0xFE (indexed by the byte).
 */
const IMM_1 = new Uint8Array(256).fill(255);
const IMM_PREFIXED: (Uint8Array | null)[] = new Array(256).fill(null);
for (const [prefix, room] of Object.entries(PREFIX_ROOM)) {
  IMM_PREFIXED[Number(prefix)] = new Uint8Array(room).fill(255);
}
for (const info of OP_INFO.values()) {
  const prefix = opPrefix(info.code);
  const table = prefix === 0 ? IMM_1 : IMM_PREFIXED[prefix]!;
  table[opSub(info.code)] = info.imm;
}

/** Decodes a value type byte, or returns null. */
export function valTypeOf(byte: number): ValType | null {
  switch (byte) {
    case 0x7f:
      return "i32";
    case 0x7e:
      return "i64";
    case 0x7d:
      return "f32";
    case 0x7c:
      return "f64";
    case 0x7b:
      return "v128";
    case 0x70:
      return "funcref";
    case 0x6f:
      return "externref";
    case 0x69:
      return "exnref";
    default:
      return null;
  }
}

/** The value type of a single-result block type, or null for an empty or indexed one. */
export function blockValType(blockType: number): ValType | null {
  return blockType < 0 && blockType !== BLOCK_EMPTY ? valTypeOf(blockType + 0x80) : null;
}

/** An instruction reader over `bytes[pos..end)`. */
export class OpReader extends BinaryReader {
  /** Offset of the opcode of the last instruction read. */
  opPos = 0;
  /**
   * First index immediate: label, function, local, global, table, type, data, elem, memory
   * (for loads and stores too: the memarg's memory, 0 unless `multiMemory`).
   */
  index = 0;
  /**
   * Second index immediate: call_indirect's table, table.init's table, a copy's source,
   * memory.init's memory.
   */
  index2 = 0;
  /**
   * Block type: `BLOCK_EMPTY`, a negative value-type code (see `blockValType`), or a type index.
   * A negative s33 in a multi-byte encoding is no value type: it is mapped to an index of at
   * least 2^32, which no module has, so the validator reports an unknown type as the spec does.
   */
  blockType = BLOCK_EMPTY;
  /** `i32.const` value. */
  i32 = 0;
  /** `i64.const` low and high 32 bits. */
  i64Lo = 0;
  /** High 32 bits; see `i64Lo`. */
  i64Hi = 0;
  /** `f32.const` bit pattern. */
  f32Bits = 0;
  /** `f64.const` bit pattern, low and high 32 bits. */
  f64Lo = 0;
  /** High 32 bits; see `f64Lo`. */
  f64Hi = 0;
  /** Memarg alignment exponent. */
  align = 0;
  /** Memarg offset (a u64 with `memory64`: exact below 2^53; see `offsetLo`, `offsetHi`). */
  offset = 0;
  /** Memarg offset, low 32 bits. */
  offsetLo = 0;
  /** Memarg offset, high 32 bits (0 unless `memory64`). */
  offsetHi = 0;
  /** Lane index of SIMD lane instructions. */
  lane = 0;
  /** `v128.const` bytes or `i8x16.shuffle` lanes (reused: copy to keep). */
  readonly v128 = new Uint8Array(16);
  /** `br_table` targets, the default last. */
  targets: number[] = [];
  /** `select t` types. */
  selectTypes: ValType[] = [];
  /** `ref.null` type. */
  refType: RefType = "funcref";
  /**
   * `try_table` catch clauses, three numbers each: the kind (`CATCH`, `CATCH_REF`, `CATCH_ALL`,
   * `CATCH_ALL_REF`), the tag index (-1 for the `catch_all` kinds) and the label.
   */
  catches: number[] = [];
  /**
   * Whether memory immediates are indices (multi-memory proposal). When false, they are the
   * zero byte of Wasm 2.0 and a memarg's flags must not announce a memory index.
   */
  multiMemory = false;
  /** Whether memarg offsets are u64 (memory64 proposal); u32 otherwise. */
  memory64 = false;

  /** Sets `multiMemory` and `memory64` from the enabled features. */
  configure(features: { readonly wasmMultiMemory: boolean; readonly wasmMemory64: boolean }): this {
    this.multiMemory = features.wasmMultiMemory;
    this.memory64 = features.wasmMemory64;
    return this;
  }

  /**
   * Reads the next instruction and returns its opcode (prefixed ones as `prefixed(prefix, n)`,
   * see `opcodes.ts`). Throws `DecodeError` on an unknown opcode or a malformed immediate.
   */
  read(): number {
    this.opPos = this.pos;
    const b = this.u8();
    let code: number;
    let imm: number;
    if (b >= 0xfc && b !== 0xff) {
      const table = IMM_PREFIXED[b]!;
      const sub = this.u32();
      imm = sub < table.length ? table[sub]! : 255;
      code = prefixed(b, sub);
    } else {
      code = b;
      imm = IMM_1[b]!;
    }
    if (imm === 255) this.fail("illegal opcode", this.opPos);
    if (imm !== Imm.None) this.readImmediates(imm);
    return code;
  }

  #zeroByte(): void {
    const at = this.pos;
    if (this.u8() !== 0) this.fail("zero byte expected", at);
  }

  #memoryIndex(): number {
    if (this.multiMemory) return this.u32();
    this.#zeroByte();
    return 0;
  }

  #memArg(): void {
    const at = this.pos;
    let flags = this.u32();
    this.index = 0;
    if (this.multiMemory) {
      // Wasm 3.0: flags below 2^6 are the alignment exponent; from 2^6 to 2^7 a memory index
      // follows and the exponent is the rest; an exponent above the natural one is invalid,
      // not malformed.
      if (flags >= 0x80) this.fail("malformed memop flags", at);
      if (flags & 0x40) {
        flags &= ~0x40;
        this.index = this.u32();
      }
    } else if (flags >= 32) {
      // Wasm 2.0: an exponent of 32 or more is malformed.
      this.fail("malformed memop flags", at);
    }
    this.align = flags;
    if (this.memory64) {
      this.offset = this.u64();
      this.offsetLo = this.lo;
      this.offsetHi = this.hi;
    } else {
      this.offset = this.offsetLo = this.u32();
      this.offsetHi = 0;
    }
  }

  #valType(): ValType {
    const at = this.pos;
    const b = this.u8();
    const t = valTypeOf(b);
    if (t === null) {
      // A type is a one-byte s7: a continuation bit makes it over-long, not unknown.
      this.fail(b & 0x80 ? "integer representation too long" : "malformed value type", at);
    }
    return t;
  }

  #catches(): void {
    const n = this.vecLen();
    const catches: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = this.pos;
      const kind = this.u8();
      if (kind > CATCH_ALL_REF) this.fail("malformed catch clause", at);
      const tag = kind < CATCH_ALL ? this.u32() : -1;
      catches.push(kind, tag, this.u32());
    }
    this.catches = catches;
  }

  private readImmediates(imm: Imm): void {
    switch (imm) {
      case Imm.TryTable:
        this.readImmediates(Imm.Block);
        this.#catches();
        return;
      case Imm.Block: {
        const at = this.pos;
        const single = this.pos < this.end && (this.bytes[this.pos]! & 0xc0) === 0x40;
        this.blockType = this.s33();
        if (this.blockType < 0 && this.blockType !== BLOCK_EMPTY) {
          if (!single) this.blockType += 2 ** 33;
          else if (blockValType(this.blockType) === null) this.fail("malformed value type", at);
        }
        return;
      }
      case Imm.Label:
      case Imm.Tag:
      case Imm.Func:
      case Imm.Local:
      case Imm.Global:
      case Imm.Table:
      case Imm.Data:
      case Imm.Elem:
        this.index = this.u32();
        return;
      case Imm.BrTable: {
        const n = this.vecLen();
        const targets: number[] = new Array(n + 1);
        for (let i = 0; i <= n; i++) targets[i] = this.u32();
        this.targets = targets;
        return;
      }
      case Imm.CallIndirect:
        this.index = this.u32();
        this.index2 = this.u32();
        return;
      case Imm.MemArg:
        this.#memArg();
        return;
      case Imm.Memory:
        this.index = this.#memoryIndex();
        return;
      case Imm.I32:
        this.i32 = this.s32();
        return;
      case Imm.I64:
        this.i64Lo = this.s64();
        this.i64Hi = this.hi;
        return;
      case Imm.F32:
        this.f32Bits = this.i32le();
        return;
      case Imm.F64:
        this.f64Lo = this.i32le();
        this.f64Hi = this.i32le();
        return;
      case Imm.SelectT: {
        const n = this.vecLen();
        const types: ValType[] = new Array(n);
        for (let i = 0; i < n; i++) types[i] = this.#valType();
        this.selectTypes = types;
        return;
      }
      case Imm.RefNull: {
        const at = this.pos;
        const t = valTypeOf(this.u8());
        if (t !== "funcref" && t !== "externref" && t !== "exnref") {
          this.fail("malformed reference type", at);
        }
        this.refType = t;
        return;
      }
      case Imm.MemoryInit:
        this.index = this.u32();
        this.index2 = this.#memoryIndex();
        return;
      case Imm.MemoryCopy:
        this.index = this.#memoryIndex();
        this.index2 = this.#memoryIndex();
        return;
      case Imm.TableInit:
      case Imm.TableCopy:
        this.index = this.u32();
        this.index2 = this.u32();
        return;
      case Imm.V128:
      case Imm.Shuffle:
        this.v128.set(this.take(16));
        return;
      case Imm.Lane:
        this.lane = this.u8();
        return;
      case Imm.MemArgLane:
        this.#memArg();
        this.lane = this.u8();
        return;
      case Imm.ZeroByte:
        this.#zeroByte();
        return;
    }
  }
}
