/**
 * Reads one instruction at a time from a function body or constant expression.
 *
 * The validator, the translator and the constant-expression evaluator all read code through
 * this class. It allocates nothing per instruction: `read()` returns the opcode and leaves the
 * immediates in fields, which stay valid until the next `read()`.
 *
 * @module
 */

import { HeapCode, type RefType, refType, type ValType } from "../core/types.ts";
import { ValidationError } from "../core/errors.ts";
import { recRef } from "../core/type_registry.ts";
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

/** 1 for the immediate shapes that are one index (`OpReader.index`), as `readImmediates` reads. */
const INDEX_IMM = new Uint8Array(256);
for (
  const imm of [Imm.Label, Imm.Tag, Imm.Func, Imm.Local, Imm.Global, Imm.Table, Imm.Data, Imm.Elem]
) INDEX_IMM[imm] = 1;

/** Decodes a one-byte value type (numbers, vector, reference shorthands), or returns null. */
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
    default:
      return byte >= 0x69 && byte <= 0x74 && isAbsHeap(byte - 0x80)
        ? refType(true, byte - 0x80)
        : null;
  }
}

/** Whether `byte` is the one-byte shorthand of a GC reference type (not func, extern, exn). */
function isGcShorthand(byte: number): boolean {
  return byte >= 0x6a && byte <= 0x74 && byte !== 0x70 && byte !== 0x6f;
}

/** Whether `code` (a negative s7) is an abstract heap type. */
function isAbsHeap(code: number): boolean {
  return (code >= HeapCode.Exn && code <= HeapCode.Func) ||
    (code >= HeapCode.None && code <= HeapCode.NoExn);
}

/**
 * Block types that are typed references (`0x63`/`0x64` forms) have no one-byte code: they are
 * interned here and `blockType` is `BLOCK_REF_BASE - i` for the `i`-th.
 */
const BLOCK_REFS: ValType[] = [];
const BLOCK_REF_INDEX = new Map<ValType, number>();
const BLOCK_REF_BASE = -0x10000;

/** The value type of a single-result block type, or null for an empty or indexed one. */
export function blockValType(blockType: number): ValType | null {
  if (blockType <= BLOCK_REF_BASE) return BLOCK_REFS[BLOCK_REF_BASE - blockType] ?? null;
  return blockType < 0 && blockType !== BLOCK_EMPTY ? valTypeOf(blockType + 0x80) : null;
}

/** `br_on_cast` flags: the source type is nullable (bit 0), the target type is (bit 1). */
export const CAST_NULL_1 = 1;
/** See `CAST_NULL_1`. */
export const CAST_NULL_2 = 2;

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
   * Heap type immediate (`ref.null`, `ref.test`, `ref.cast`, `br_on_cast`'s source): a
   * `HeapCode` or a canonical type id.
   */
  heapType = 0;
  /** `br_on_cast`'s target heap type. */
  heapType2 = 0;
  /** `br_on_cast` flags (`CAST_NULL_1`, `CAST_NULL_2`). */
  castFlags = 0;
  /**
   * Canonical ids of the module's types by index (`core/type_registry.ts`): a concrete heap
   * type reads as its id. In the type section, the types of earlier recursion groups.
   */
  typeIds: readonly number[] = [];
  /**
   * In the type section, the first index and the size of the recursion group being read (its
   * types read as `recRef(k)`); `recBase` is -1 elsewhere.
   */
  recBase = -1;
  /** See `recBase`. */
  recSize = 0;
  /** Whether the `(ref null? ht)` forms decode (typed function references). */
  typedRefs = false;
  /** Whether the GC proposal's heap types decode. */
  gc = false;
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

  /**
   * Sets `multiMemory`, `memory64`, `typedRefs` and `gc` from the enabled features, and the
   * module's canonical type ids when given.
   */
  configure(
    features: {
      readonly wasmMultiMemory: boolean;
      readonly wasmMemory64: boolean;
      readonly wasmFunctionReferences?: boolean;
      readonly wasmGc?: boolean;
    },
    typeIds?: readonly number[],
  ): this {
    this.multiMemory = features.wasmMultiMemory;
    this.memory64 = features.wasmMemory64;
    this.gc = features.wasmGc === true;
    this.typedRefs = this.gc || features.wasmFunctionReferences === true;
    if (typeIds !== undefined) this.typeIds = typeIds;
    return this;
  }

  /**
   * Reads a heap type: an abstract one's code, or a type index as its canonical id (in a
   * recursion group of the type section, a reference into the group as `recRef(k)`).
   *
   * @throws {DecodeError} on an unknown abstract code
   * @throws {ValidationError} "unknown type" on an index past the types defined so far
   */
  heap(): number {
    const at = this.pos;
    const first = this.pos < this.end ? this.bytes[this.pos]! : 0;
    const code = this.s33();
    if (code < 0) {
      if (!isAbsHeap(code) || (first & 0x80) !== 0) this.fail("malformed heap type", at);
      if (!this.gc && code !== HeapCode.Func && code !== HeapCode.Extern && code !== HeapCode.Exn) {
        this.fail("malformed heap type", at);
      }
      return code;
    }
    if (!this.typedRefs) this.fail("malformed heap type", at);
    if (this.recBase >= 0 && code >= this.recBase) {
      if (code < this.recBase + this.recSize) return recRef(code - this.recBase);
    } else if (code < this.typeIds.length) {
      return this.typeIds[code]!;
    }
    throw new ValidationError(`unknown type ${code}`, at);
  }

  /**
   * Reads a value type: one byte, or `0x63`/`0x64` and a heap type (typed references).
   *
   * @throws {DecodeError} "malformed value type" on an unknown or disabled encoding
   */
  valType(): ValType {
    const at = this.pos;
    const b = this.u8();
    if ((b === 0x63 || b === 0x64) && this.typedRefs) return refType(b === 0x63, this.heap());
    const t = valTypeOf(b);
    // A type is a one-byte s7: a continuation bit makes it over-long, not unknown.
    if (t === null) {
      this.fail(b & 0x80 ? "integer representation too long" : "malformed value type", at);
    }
    if (!this.gc && isGcShorthand(b)) this.fail("malformed value type", at);
    return t;
  }

  /**
   * Reads the next instruction and returns its opcode (prefixed ones as `prefixed(prefix, n)`,
   * see `opcodes.ts`). Throws `DecodeError` on an unknown opcode or a malformed immediate.
   */
  read(): number {
    // The opcode byte read here, not through `u8`, and the builder's `opN` checking room once
    // per instruction: 1-4% off an eager compile of SQLite and `large` (two interleaved runs of
    // 40 rounds, `deno task bench:load`'s modules).
    const at = this.pos;
    this.opPos = at;
    if (at >= this.end) this.fail(this.eofMessage);
    const b = this.bytes[at]!;
    this.pos = at + 1;
    let code: number;
    let imm: number;
    if ((b >= 0xfc && b !== 0xff) || b === 0xfb) {
      const table = IMM_PREFIXED[b]!;
      const sub = this.u32();
      imm = sub < table.length ? table[sub]! : 255;
      code = prefixed(b, sub);
    } else {
      code = b;
      imm = IMM_1[b]!;
    }
    if (imm === 255) this.fail("illegal opcode", this.opPos);
    if (imm === Imm.None) return code;
    if (INDEX_IMM[imm] === 1) {
      // A one-byte index read here (`local.get`, `call`, `br_if` ...: 45% of SQLite's
      // operators), without the call through `readImmediates`' switch and `u32`.
      const p = this.pos;
      if (p < this.end) {
        const v = this.bytes[p]!;
        if (v < 0x80) {
          this.pos = p + 1;
          this.index = v;
          return code;
        }
      }
      this.index = this.u32();
      return code;
    }
    this.readImmediates(imm);
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
      // The most frequent shapes first: a \`switch\` on \`Imm.*\` values (not literals) tests its
      // cases in order. i32 constants, memargs and block types are 13%, 11% and 5% of SQLite's
      // operators; indices are more (45%), but \`read\` takes those of one byte itself.
      case Imm.I32:
        this.i32 = this.s32();
        return;
      case Imm.MemArg:
        this.#memArg();
        return;
      case Imm.TryTable:
        this.readImmediates(Imm.Block);
        this.#catches();
        return;
      case Imm.Block: {
        const at = this.pos;
        const b0 = this.pos < this.end ? this.bytes[this.pos]! : 0;
        // The empty block type (most blocks, loops and ifs) without the checks and \`s33\`.
        if (b0 === 0x40) {
          this.pos = at + 1;
          this.blockType = BLOCK_EMPTY;
          return;
        }
        if ((b0 === 0x63 || b0 === 0x64) && this.typedRefs) {
          const t = this.valType();
          let i = BLOCK_REF_INDEX.get(t);
          if (i === undefined) {
            i = BLOCK_REFS.push(t) - 1;
            BLOCK_REF_INDEX.set(t, i);
          }
          this.blockType = BLOCK_REF_BASE - i;
          return;
        }
        // The GC shorthands (anyref, i31ref, nullref, ...) are value types only with GC.
        if (!this.gc && isGcShorthand(b0)) this.fail("malformed value type", at);
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
      case Imm.Memory:
        this.index = this.#memoryIndex();
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
        for (let i = 0; i < n; i++) types[i] = this.valType();
        this.selectTypes = types;
        return;
      }
      case Imm.RefNull: {
        const at = this.pos;
        const b = this.pos < this.end ? this.bytes[this.pos]! : 0;
        if (!this.typedRefs && b !== 0x70 && b !== 0x6f && b !== 0x69) {
          this.fail("malformed reference type", at);
        }
        this.heapType = this.heap();
        this.refType = refType(true, this.heapType);
        return;
      }
      case Imm.Type:
        this.index = this.u32();
        return;
      case Imm.TypeIndex2:
        this.index = this.u32();
        this.index2 = this.u32();
        return;
      case Imm.HeapType:
        this.heapType = this.heap();
        return;
      case Imm.BrOnCast: {
        const at = this.pos;
        this.castFlags = this.u8();
        if (this.castFlags > 3) this.fail("malformed br_on_cast flags", at);
        this.index = this.u32();
        this.heapType = this.heap();
        this.heapType2 = this.heap();
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
