/**
 * Decoders for the type encodings shared by several sections: value, reference, function,
 * table, memory and global types, and limits.
 *
 * Type codes are one-byte signed LEB128 values in the spec: a continuation bit makes one
 * over-long ("integer representation too long") rather than unknown.
 *
 * @module
 */

import {
  FuncType,
  GlobalType,
  MemoryType,
  refInfo,
  type RefType,
  TableType,
  type ValType,
} from "../core/types.ts";
import type { FieldType, StorageType } from "../core/type_registry.ts";
import type { DecodeContext } from "./decode_context.ts";
import { valTypeOf } from "./op_reader.ts";

/**
 * Reads a value type (with typed function references, `0x63`/`0x64` and a heap type, whose
 * type index becomes a canonical id: see `OpReader.heap`).
 */
export function readValType(ctx: DecodeContext): ValType {
  const r = ctx.reader;
  const at = r.pos;
  const b = r.pos < r.end ? r.bytes[r.pos]! : 0;
  const t = r.valType();
  if (!valTypeEnabled(ctx, t)) {
    ctx.fail(b & 0x80 ? "integer representation too long" : "malformed value type", at);
  }
  return t;
}

/** Reads a reference type. */
export function readRefType(ctx: DecodeContext): RefType {
  const r = ctx.reader;
  const at = r.pos;
  const b = r.pos < r.end ? r.bytes[r.pos]! : 0;
  const t = (b === 0x63 || b === 0x64) && r.typedRefs ? r.valType() : valTypeOf(r.u8());
  if (t === null || refInfo(t) === null || !valTypeEnabled(ctx, t)) {
    ctx.fail(b & 0x80 ? "integer representation too long" : "malformed reference type", at);
  }
  if (!r.gc && b !== 0x70 && b !== 0x6f && b !== 0x69 && b !== 0x63 && b !== 0x64) {
    ctx.fail("malformed reference type", at);
  }
  return t as RefType;
}

function valTypeEnabled(ctx: DecodeContext, t: ValType): boolean {
  if (t === "v128") return ctx.features.wasmSimd;
  if (t === "externref") return ctx.features.wasmReferenceTypes;
  if (t === "exnref" || t === "nullexnref") return ctx.features.wasmExceptions;
  return true;
}

/** Reads a function type (`0x60`, parameters, results). */
export function readFuncType(ctx: DecodeContext): FuncType {
  const r = ctx.reader;
  const at = r.pos;
  const b = r.u8();
  if (b !== 0x60) {
    ctx.fail(b & 0x80 ? "integer representation too long" : "malformed function type", at);
  }
  return readFuncBody(ctx);
}

/** Reads a function type's parameters and results (after its `0x60`). */
export function readFuncBody(ctx: DecodeContext): FuncType {
  const params = readValTypes(ctx);
  const results = readValTypes(ctx);
  return new FuncType(params, results);
}

/** Reads a struct field or array element type: storage type, mutability. */
export function readFieldType(ctx: DecodeContext): FieldType {
  const r = ctx.reader;
  const b = r.pos < r.end ? r.bytes[r.pos]! : 0;
  let storage: StorageType;
  if (b === 0x78) {
    r.pos++;
    storage = "i8";
  } else if (b === 0x77) {
    r.pos++;
    storage = "i16";
  } else {
    storage = readValType(ctx);
  }
  const at = r.pos;
  const mut = r.u8();
  if (mut > 1) ctx.fail("malformed mutability", at);
  return { storage, mutable: mut === 1 };
}

function readValTypes(ctx: DecodeContext): ValType[] {
  const n = ctx.reader.vecLen();
  const types: ValType[] = [];
  for (let i = 0; i < n; i++) types.push(readValType(ctx));
  return types;
}

/** Limits as decoded: minimum and optional maximum, and the flags of later proposals. */
export interface DecodedLimits {
  readonly minimum: number;
  readonly maximum: number | null;
  /** Flag 0x02 (threads). */
  readonly shared: boolean;
  /** Flag 0x04 (memory64, table64). */
  readonly index64: boolean;
  /** log2 of the page size: 16 unless flag 0x08 (custom-page-sizes) gives one. */
  readonly pageSizeLog2: number;
}

/** The limits flags: a maximum follows, shared, 64-bit, a custom page size follows. */
const enum LimitsFlag {
  Max = 0x01,
  Shared = 0x02,
  Index64 = 0x04,
  PageSize = 0x08,
}

/**
 * Reads limits: a flags byte, the minimum and maximum, then a custom page size's log2.
 *
 * A flag no enabled proposal defines is "malformed limits flags", except the shared flag without
 * threads, which Wasm 2.0 rejects as its one-bit LEB128 does ("integer too large"). `memory`
 * says whether these are a memory's limits: tables have no shared or page-size flag.
 */
export function readLimits(ctx: DecodeContext, memory: boolean): DecodedLimits {
  const r = ctx.reader;
  const at = r.pos;
  const flags = r.u8();
  const f = ctx.features;
  let allowed = LimitsFlag.Max;
  if (f.wasmMemory64) allowed |= LimitsFlag.Index64;
  if (memory && f.wasmThreads === true) allowed |= LimitsFlag.Shared;
  if (memory && f.wasmCustomPageSizes) allowed |= LimitsFlag.PageSize;
  if ((flags & ~allowed) !== 0) {
    const wasm2 = !f.wasmMemory64 && !f.wasmCustomPageSizes;
    if (wasm2 || (flags === LimitsFlag.Shared || flags === (LimitsFlag.Shared | LimitsFlag.Max))) {
      ctx.fail(flags & 0x80 ? "integer representation too long" : "integer too large", at);
    }
    ctx.fail("malformed limits flags", at);
  }
  const index64 = (flags & LimitsFlag.Index64) !== 0;
  // With memory64, limits are u64 for every memory and table (the validator checks the range
  // of 32-bit ones); Wasm 2.0 reads u32.
  const wide = f.wasmMemory64;
  const minimum = wide ? r.u64() : r.u32();
  const maximum = flags & LimitsFlag.Max ? (wide ? r.u64() : r.u32()) : null;
  let pageSizeLog2 = 16;
  if (flags & LimitsFlag.PageSize) {
    const pat = r.pos;
    pageSizeLog2 = r.u32();
    // A page size of 2^65 or more does not fit a u64 byte count at all: malformed. Other
    // powers of two decode and fail validation.
    if (pageSizeLog2 > 64) ctx.fail("invalid custom page size", pat);
  }
  return { minimum, maximum, shared: (flags & LimitsFlag.Shared) !== 0, index64, pageSizeLog2 };
}

/** Reads a table type (reference type, limits). */
export function readTableType(ctx: DecodeContext): TableType {
  const element = readRefType(ctx);
  const { minimum, maximum, index64 } = readLimits(ctx, false);
  return new TableType({ element, minimum, maximum, index64 });
}

/** Reads a memory type (limits in pages). */
export function readMemoryType(ctx: DecodeContext): MemoryType {
  return new MemoryType(readLimits(ctx, true));
}

/** Reads a global type (value type, mutability). */
export function readGlobalType(ctx: DecodeContext): GlobalType {
  const content = readValType(ctx);
  const r = ctx.reader;
  const at = r.pos;
  const mut = r.u8();
  if (mut > 1) ctx.fail("malformed mutability", at);
  return new GlobalType(content, mut === 1);
}

/**
 * Reads a tag type (exception handling): an attribute byte (0, an exception) and the index of
 * the function type of its payload; returns the type index (the validator checks it).
 */
export function readTagType(ctx: DecodeContext): number {
  const r = ctx.reader;
  const at = r.pos;
  if (r.u8() !== 0) ctx.fail("malformed tag attribute", at);
  return r.u32();
}
