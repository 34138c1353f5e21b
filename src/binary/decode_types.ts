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
  type RefType,
  TableType,
  type ValType,
} from "../core/types.ts";
import type { DecodeContext } from "./decode_context.ts";
import { valTypeOf } from "./op_reader.ts";

/** Reads a value type. */
export function readValType(ctx: DecodeContext): ValType {
  const r = ctx.reader;
  const at = r.pos;
  const b = r.u8();
  const t = valTypeOf(b);
  if (t === null || !valTypeEnabled(ctx, t)) {
    ctx.fail(b & 0x80 ? "integer representation too long" : "malformed value type", at);
  }
  return t;
}

/** Reads a reference type. */
export function readRefType(ctx: DecodeContext): RefType {
  const r = ctx.reader;
  const at = r.pos;
  const b = r.u8();
  const t = valTypeOf(b);
  if ((t !== "funcref" && t !== "externref" && t !== "exnref") || !valTypeEnabled(ctx, t)) {
    ctx.fail(b & 0x80 ? "integer representation too long" : "malformed reference type", at);
  }
  return t;
}

function valTypeEnabled(ctx: DecodeContext, t: ValType): boolean {
  if (t === "v128") return ctx.features.wasmSimd;
  if (t === "externref") return ctx.features.wasmReferenceTypes;
  if (t === "exnref") return ctx.features.wasmExceptions;
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
  const params = readValTypes(ctx);
  const results = readValTypes(ctx);
  return new FuncType(params, results);
}

function readValTypes(ctx: DecodeContext): ValType[] {
  const n = ctx.reader.vecLen();
  const types: ValType[] = [];
  for (let i = 0; i < n; i++) types.push(readValType(ctx));
  return types;
}

/** Limits as decoded: minimum, optional maximum, and whether they are a shared memory's. */
export interface DecodedLimits {
  readonly minimum: number;
  readonly maximum: number | null;
  readonly shared: boolean;
}

/**
 * Reads limits. The flags are a one-bit LEB128 number in Wasm 2.0; with `shared` (a memory's
 * limits, threads enabled) bit 1 marks a shared memory. Flags of proposals not supported
 * (64-bit, custom page sizes) fail as the 2.0 testsuite expects ("integer too large").
 */
export function readLimits(ctx: DecodeContext, shared = false): DecodedLimits {
  const r = ctx.reader;
  const at = r.pos;
  const flags = r.u8();
  if ((flags & 0x7f) > (shared ? 3 : 1)) ctx.fail("integer too large", at);
  if (flags & 0x80) ctx.fail("integer representation too long", at);
  const minimum = r.u32();
  const maximum = (flags & 1) !== 0 ? r.u32() : null;
  return { minimum, maximum, shared: (flags & 2) !== 0 };
}

/** Reads a table type (reference type, limits). */
export function readTableType(ctx: DecodeContext): TableType {
  const element = readRefType(ctx);
  const { minimum, maximum } = readLimits(ctx);
  return new TableType({ element, minimum, maximum });
}

/** Reads a memory type (limits in pages). */
export function readMemoryType(ctx: DecodeContext): MemoryType {
  return new MemoryType(readLimits(ctx, ctx.features.wasmThreads));
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
