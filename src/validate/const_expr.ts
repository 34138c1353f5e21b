/**
 * Validation of constant expressions: global initializers, segment offsets and element items.
 *
 * @module
 */

import { ValidationError } from "../core/errors.ts";
import type { ValType } from "../core/types.ts";
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
    this.#reader.configure(ctx.features);
  }

  /**
   * Checks that `expr` is a constant expression producing exactly one value of type `expected`.
   *
   * As in Wasm 2.0, `global.get` may only read imported immutable globals. With extended-const
   * on, `i32`/`i64` `add`, `sub` and `mul` are constant too.
   *
   * @param expr the expression's byte range
   * @param expected the type it must produce
   * @throws {ValidationError} "constant expression required" for a non-constant instruction,
   *   "unknown global N" / "unknown function N" for bad indices, else "type mismatch" for the
   *   wrong result (the spec checks constness of the whole sequence before typing it).
   */
  validate(expr: ConstExpr, expected: ValType): void {
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
    if (this.#typeError >= 0 || stack.length !== 1 || stack[0] !== expected) {
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
        return this.#push("funcref");
      case Op.GlobalGet: {
        const module = this.#ctx.module;
        if (reader.index >= module.importedGlobals) {
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
      default:
        this.#fail("constant expression required", at);
    }
  }

  #push(t: ValType): void {
    this.#stack.push(t);
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
