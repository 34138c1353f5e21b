/**
 * Run by `codegen_test.ts` under `--disallow-code-generation-from-strings`: prints the tier
 * `auto` resolves to, a result computed there, and what asking for `codegen` throws.
 */
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";

// (module (func (export "f") (result i32) (i32.const 42)))
const bytes = Uint8Array.of(
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  96,
  0,
  1,
  127,
  3,
  2,
  1,
  0,
  7,
  5,
  1,
  1,
  102,
  0,
  0,
  10,
  6,
  1,
  4,
  0,
  65,
  42,
  11,
);
const engine = new Engine();
const store = new Store(engine, null);
const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
let codegen = "none";
try {
  new Engine(new Config({ executionTier: "codegen" }));
} catch (e) {
  codegen = e instanceof Error ? e.name : String(e);
}
console.log(JSON.stringify({
  auto: engine.executionTier,
  result: instance.getTypedFunc<[], number>(store, "f").call(store),
  codegen,
}));
