/**
 * The spec runner's CLI (`tests/spec/main.ts`) reports, beside its pass count, how many
 * functions generated code never ran: a case the interpreter passed after a function fell back
 * is not a pass of the tier asked for.
 */
import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";
import { fallbackLine } from "./main.ts";

Deno.test("spec CLI: generated functions and fallbacks are counted, with their reasons", () => {
  const engine = new Engine(new Config({ executionTier: "codegen" }));
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (func (export "f") (param i32) (result i32)
      (i32.add (local.get 0) (i32.const 1))))`),
  );
  const f = new Linker<null>(engine).instantiate(store, module)
    .getTypedFunc<[number], number>(store, "f");
  assert.equal(f.call(store, 1), 2);
  assert.equal(
    fallbackLine([engine]),
    "codegen: 1 functions generated, 0 fell back to the interpreter",
  );
  assert.equal(fallbackLine([]), "codegen: 0 functions generated, 0 fell back to the interpreter");
});
