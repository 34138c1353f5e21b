/**
 * Run by `codegen_lean_test.ts` in its own process: removes the global the `auto` code style
 * probes for, as a realm without a JIT lacks it, and prints the style an engine resolves to.
 */
import { Engine } from "../../mod.ts";

delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
console.log(new Engine().codegenStyle);
