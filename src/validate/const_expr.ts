/**
 * Validation of constant expressions: global initializers, segment offsets and element items.
 *
 * @module
 */

import { ValidationError } from "../core/errors.ts";
import { HeapCode, refInfo, refType, type ValType } from "../core/types.ts";
import { defaultable, type StorageType, TypeKind, TYPES } from "../core/type_registry.ts";
import type { ConstExpr } from "../binary/module.ts";
import { Op } from "../binary/opcodes.ts";
import { OpReader } from "../binary/op_reader.ts";
import type { ModuleContext } from "./context.ts";
import { Feature, featureMessage } from "../core/features.ts";
import { valTypeFeature } from "./op_rules.ts";

/**
 * Checks constant expressions of one module. Reuses its reader and stack across expressions, so
 * a module with a million element items costs no allocation per item.
 */
export class ConstExprValidator {
  readonly #ctx: ModuleContext;
  readonly #reader: OpReader;
  readonly #stack: ValType[] = [];
  /** Offset of the first type error, or -1: reported only after constness is settled. */
  #typeError = -1;

  /** @param ctx the module context */
  constructor(ctx: ModuleContext) {
    this.#ctx = ctx;
    this.#reader = new OpReader(ctx.module.bytes);
    this.#reader.configure(ctx.features, ctx.module.typeIds);
  }

  /** How many globals `global.get` may read (see `validate`). */
  #visibleGlobals = 0;

  /**
   * Checks that `expr` is a constant expression producing exactly one value of type `expected`.
   *
   * In Wasm 2.0, `global.get` may only read imported immutable globals; with typed references
   * (Wasm 3.0), the first `visibleGlobals` (a global's initialiser: the globals before it). With
   * extended-const on, `i32`/`i64` `add`, `sub` and `mul` are constant too; with GC, `ref.i31`,
   * `struct.new(_default)`, `array.new(_default/_fixed)`, `any.convert_extern` and
   * `extern.convert_any`.
   *
   * @param expr the expression's byte range
   * @param expected the type it must produce (the result may be a subtype)
   * @param visibleGlobals how many globals `global.get` may read with typed references (default:
   *   all of them)
   * @throws {ValidationError} "constant expression required" for a non-constant instruction,
   *   "unknown global N" / "unknown function N" for bad indices, else "type mismatch" for the
   *   wrong result (the spec checks constness of the whole sequence before typing it).
   */
  validate(expr: ConstExpr, expected: ValType, visibleGlobals?: number): void {
    const m = this.#ctx.module;
    // Wasm 3.0 (with typed references) lets `global.get` read any earlier immutable global.
    this.#visibleGlobals = this.#typedRefs
      ? visibleGlobals ?? m.globalTypes.length
      : m.importedGlobals;
    const reader = this.#reader;
    reader.pos = expr.start;
    reader.end = expr.end;
    this.#stack.length = 0;
    this.#typeError = -1;
    let ended = false;
    while (!reader.atEnd) {
      const op = reader.read();
      if (op === Op.End && reader.atEnd) {
        ended = true;
        break;
      }
      this.#instr(op, reader.opPos);
    }
    if (!ended) this.#fail("constant expression required", expr.end);
    const stack = this.#stack;
    if (
      this.#typeError >= 0 || stack.length !== 1 ||
      (stack[0] !== expected && !TYPES.valSub(stack[0]!, expected))
    ) {
      this.#fail("type mismatch", this.#typeError >= 0 ? this.#typeError : expr.start);
    }
  }

  #instr(op: number, at: number): void {
    const reader = this.#reader;
    switch (op) {
      case Op.I32Const:
        return this.#push("i32");
      case Op.I64Const:
        return this.#push("i64");
      case Op.F32Const:
        return this.#push("f32");
      case Op.F64Const:
        return this.#push("f64");
      case Op.V128Const:
        return this.#push(this.#enabled("v128", at));
      case Op.RefNull:
        return this.#push(this.#enabled(reader.refType, at));
      case Op.RefFunc:
        this.#enabled("funcref", at);
        if (reader.index >= this.#ctx.funcCount) this.#fail(`unknown function ${reader.index}`, at);
        if (!this.#typedRefs) return this.#push("funcref");
        return this.#push(refType(false, this.#funcTypeId(reader.index)));
      case Op.GlobalGet: {
        const module = this.#ctx.module;
        if (reader.index >= this.#visibleGlobals) {
          this.#fail(`unknown global ${reader.index}`, at);
        }
        const type = module.globalTypes[reader.index]!;
        if (type.mutable) this.#fail("constant expression required", at);
        return this.#push(type.content);
      }
      case Op.I32Add:
      case Op.I32Sub:
      case Op.I32Mul:
        return this.#binary("i32", at);
      case Op.I64Add:
      case Op.I64Sub:
      case Op.I64Mul:
        return this.#binary("i64", at);
      case Op.RefI31:
        this.#pop("i32", at);
        return this.#push("(ref i31)");
      case Op.AnyConvertExtern:
      case Op.ExternConvertAny: {
        const any = op === Op.AnyConvertExtern;
        const t = this.#stack.pop();
        const info = t === undefined ? null : refInfo(t);
        if (info === null || !TYPES.valSub(t!, any ? "externref" : "anyref")) this.#mismatch(at);
        return this.#push(refType(info?.nullable ?? false, any ? HeapCode.Any : HeapCode.Extern));
      }
      case Op.StructNew:
      case Op.StructNewDefault: {
        const id = this.#typeOf(reader.index, TypeKind.Struct, at);
        const c = TYPES.type(id).comp;
        const fields = c.kind === "struct" ? c.fields : [];
        for (let i = fields.length - 1; i >= 0; i--) {
          const t = unpacked(fields[i]!.storage);
          if (op === Op.StructNew) this.#pop(t, at);
          else if (!defaultable(t)) this.#mismatch(at);
        }
        return this.#push(refType(false, id));
      }
      case Op.ArrayNew:
      case Op.ArrayNewDefault:
      case Op.ArrayNewFixed: {
        const id = this.#typeOf(reader.index, TypeKind.Array, at);
        const c = TYPES.type(id).comp;
        const t = unpacked(c.kind === "array" ? c.element.storage : "i32");
        if (op === Op.ArrayNewFixed) {
          if (reader.index2 > this.#stack.length) this.#mismatch(at);
          for (let i = 0; i < reader.index2; i++) this.#pop(t, at);
        } else {
          this.#pop("i32", at);
          if (op === Op.ArrayNew) this.#pop(t, at);
          else if (!defaultable(t)) this.#mismatch(at);
        }
        return this.#push(refType(false, id));
      }
      default:
        this.#fail("constant expression required", at);
    }
  }

  #push(t: ValType): void {
    this.#stack.push(t);
  }

  get #typedRefs(): boolean {
    return (this.#ctx.disabled & Feature.FunctionReferences) === 0;
  }

  /** Pops a `t` (a mismatch is recorded, reported once constness is settled). */
  #pop(t: ValType, at: number): void {
    const a = this.#stack.pop();
    if (a === undefined || (a !== t && !TYPES.valSub(a, t))) this.#mismatch(at);
  }

  #mismatch(at: number): void {
    if (this.#typeError < 0) this.#typeError = at;
  }

  #funcTypeId(func: number): number {
    const m = this.#ctx.module;
    return m.typeIds[m.funcTypeIndices[func]!]!;
  }

  #typeOf(index: number, kind: TypeKind, at: number): number {
    const id = this.#ctx.module.typeIds[index];
    if (id === undefined) this.#fail(`unknown type ${index}`, at);
    if (TYPES.kind(id) !== kind) this.#mismatch(at);
    return id;
  }

  #binary(t: ValType, at: number): void {
    if (!this.#ctx.features.wasmExtendedConst) this.#fail("constant expression required", at);
    const b = this.#stack.pop();
    const a = this.#stack.pop();
    if ((a !== t || b !== t) && this.#typeError < 0) this.#typeError = at;
    this.#push(t);
  }

  #enabled<T extends ValType>(t: T, at: number): T {
    const f = valTypeFeature(t);
    if (f !== Feature.None && (this.#ctx.disabled & f) !== 0) this.#fail(featureMessage(f), at);
    return t;
  }

  #fail(message: string, at: number): never {
    throw new ValidationError(message, at, null);
  }
}

function unpacked(s: StorageType): ValType {
  return s === "i8" || s === "i16" ? "i32" : s;
}
