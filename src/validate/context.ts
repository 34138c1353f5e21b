/**
 * The validation context: what the spec calls `C`, the module-wide facts every rule consults,
 * computed once per module from its `ModuleDecl`.
 *
 * @module
 */

import type { WasmFeatures } from "../core/features.ts";
import type { FuncType, ValType } from "../core/types.ts";
import type { ConstExpr, ModuleDecl } from "../binary/module.ts";
import { Op } from "../binary/opcodes.ts";
import { OpReader } from "../binary/op_reader.ts";
import { disabledFeatures } from "../core/features.ts";
import { plainTypes } from "./op_rules.ts";

/** A function type's parameter and result types, as plain arrays (see `plainTypes`). */
export interface Sig {
  /** Parameter types. */
  readonly params: readonly ValType[];
  /** Result types. */
  readonly results: readonly ValType[];
}

/**
 * Module-wide facts for validating functions and constant expressions.
 *
 * @example Validating one function body by hand
 * ```ts ignore
 * const ctx = new ModuleContext(decl, WASM2_FEATURES);
 * new FuncValidator(ctx).validate(decl.importedFuncs);
 * ```
 */
export class ModuleContext {
  /** The decoded module. */
  readonly module: ModuleDecl;
  /** The enabled features. */
  readonly features: WasmFeatures;
  /** The features turned off, as `Feature` bits. */
  readonly disabled: number;
  /**
   * `C.refs`: functions whose reference code may take with `ref.func` (1 = declared), i.e.
   * those named outside function bodies and the start section.
   */
  readonly declaredFuncs: Uint8Array;
  /** Number of data segments `memory.init` and `data.drop` may name, or null without a count. */
  readonly dataCount: number | null;

  /**
   * @param module the decoded module
   * @param features the enabled features
   */
  constructor(module: ModuleDecl, features: WasmFeatures) {
    this.module = module;
    this.features = features;
    this.disabled = disabledFeatures(features);
    this.dataCount = module.dataCount;
    this.declaredFuncs = collectDeclaredFuncs(module, features);
  }

  /** Number of functions, imported ones included. */
  get funcCount(): number {
    return this.module.funcTypeIndices.length;
  }

  /** The type of function `index`, or null if `index` or its type index is out of range. */
  funcType(index: number): FuncType | null {
    const typeIndex = this.module.funcTypeIndices[index];
    return typeIndex === undefined ? null : this.module.types[typeIndex] ?? null;
  }

  /** `sigAt` of each type index, made on first use. */
  #sigs: (Sig | undefined)[] = [];

  /** The signature of function `index` (as `funcType`), or null. */
  funcSig(index: number): Sig | null {
    const typeIndex = this.module.funcTypeIndices[index];
    return typeIndex === undefined ? null : this.sigAt(typeIndex);
  }

  /**
   * The signature of the function type at type index `typeIndex` (which the caller checked is
   * one), its arrays plain copies made once per module (see `plainTypes`).
   */
  sigAt(typeIndex: number): Sig | null {
    const sig = this.#sigs[typeIndex];
    if (sig !== undefined) return sig;
    const type = this.module.types[typeIndex];
    if (type === undefined) return null;
    return this.#sigs[typeIndex] = {
      params: plainTypes(type.params),
      results: plainTypes(type.results),
    };
  }
}

function collectDeclaredFuncs(module: ModuleDecl, features: WasmFeatures): Uint8Array {
  const declared = new Uint8Array(module.funcTypeIndices.length);
  const declare = (index: number) => {
    if (index < declared.length) declared[index] = 1;
  };
  const reader = new OpReader(module.bytes);
  reader.configure(features, module.typeIds);
  const scan = (expr: ConstExpr | null) => {
    if (expr === null) return;
    reader.pos = expr.start;
    reader.end = expr.end;
    while (!reader.atEnd) {
      if (reader.read() === Op.RefFunc) declare(reader.index);
    }
  };
  for (const g of module.globals) scan(g.init);
  for (const e of module.elems) {
    scan(e.offsetExpr);
    if (e.funcIndices !== null) { for (const f of e.funcIndices) declare(f); }
    if (e.exprs !== null) { for (const x of e.exprs) scan(x); }
  }
  for (const d of module.datas) scan(d.offsetExpr);
  for (const x of module.exports) if (x.kind === "func") declare(x.index);
  return declared;
}
