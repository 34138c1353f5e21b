/**
 * The realm-wide count of calls from the host (`src/engine/reentry.ts`) always unwinds: after a
 * StackOverflow, a host error thrown through many levels, or an async call, it is back to 0.
 */
import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store, Trap, type TypedFunc } from "../../mod.ts";
import { activeHostCalls } from "../../src/engine/reentry.ts";
import { wat } from "../api/_wat.ts";

const BYTES = wat(`(module (import "env" "down" (func $down (param i32) (result i32)))
  (func (export "nest") (param i32) (result i32) (call $down (local.get 0))))`);

Deno.test("reentry: the count of active host calls unwinds after traps and errors", async () => {
  const engine = new Engine(new Config({ maxHostReentry: 8 }));
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  // The host function calls back into the export, which exists only after instantiation.
  const late = {} as { nest: TypedFunc<[number], number> };
  const seen: number[] = [];
  linker.funcWrap("env", "down", { params: ["i32"], results: ["i32"] }, (c, n) => {
    seen.push(activeHostCalls());
    if (n === 0) return 0;
    if (n === -1) throw new Error("host failure");
    return late.nest.call(c.store, n > 0 ? n - 1 : n);
  });
  const nest = linker.instantiate(store, new Module(engine, BYTES))
    .getTypedFunc(store, "nest", { params: ["i32"], results: ["i32"] });
  late.nest = nest;
  assert.equal(activeHostCalls(), 0);
  assert.equal(nest.call(store, 3), 0);
  assert.deepEqual(seen, [1, 2, 3, 4], "one more per level");
  assert.equal(activeHostCalls(), 0);
  assert.throws(() => nest.call(store, 100), Trap);
  assert.equal(activeHostCalls(), 0);
  assert.throws(() => nest.call(store, -1), /host failure/);
  assert.equal(activeHostCalls(), 0);
  assert.equal(await nest.callAsync(store, 2), 0);
  assert.equal(activeHostCalls(), 0);
});
