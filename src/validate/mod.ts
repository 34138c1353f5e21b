/**
 * Validation: the spec's rules for modules and function bodies (Wasm 2.0, SIMD included), run on
 * a decoded `ModuleDecl` before anything is translated or instantiated.
 *
 * @module
 */

export { validateFunction, validateModule } from "./module_validator.ts";
export { ModuleContext } from "./context.ts";
export { FuncValidator, type Operand, UNKNOWN } from "./func_validator.ts";
export { ConstExprValidator } from "./const_expr.ts";
