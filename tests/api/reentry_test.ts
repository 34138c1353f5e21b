/**
 * Host re-entry: host → Wasm → host → ... nests on the JS stack, so it is bounded by
 * `Config.maxHostReentry` and ends in a `StackOverflow` trap, never in a JS `RangeError`, on
 * every runtime these tests run on (Deno; Bun and Node through tests/dist).
 */
import assert from "node:assert/strict";
import {
  Config,
  Engine,
  Func,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  type TypedFunc,
  Val,
} from "../../mod.ts";
import { wat } from "./_wat.ts";

const BYTES = wat(`(module (import "env" "down" (func $down (param i32) (result i32)))
  (func (export "nest") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))`);

/** `nest(n)` recurses n levels: Wasm calls the host, which calls `nest(n - 1)` again. */
function setUp(config: Config, how: "call" | "typed" | "resumable" = "typed") {
  const engine = new Engine(config);
  const store = new Store(engine, { deepest: 0 });
  const linker = new Linker<{ deepest: number }>(engine);
  let nest: TypedFunc<[number], number> | null = null;
  let nestFunc: Func | null = null;
  linker.funcWrap("env", "down", { params: ["i32"], results: ["i32"] }, (caller, n) => {
    caller.data.deepest++;
    if (how === "typed") return nest!.call(caller.store, n);
    if (how === "call") return nestFunc!.call(caller.store, [Val.i32(n)])[0]!.value as number;
    const call = nestFunc!.callResumable(caller.store, [Val.i32(n)]);
    if (call.kind === "hostTrap") throw call.hostError;
    if (call.kind !== "finished") throw new Error(`unexpected ${call.kind}`);
    return call.results[0]!.value as number;
  });
  const instance = linker.instantiate(store, new Module(engine, BYTES));
  nest = instance.getTypedFunc(store, "nest", { params: ["i32"], results: ["i32"] });
  nestFunc = nest.func;
  return { store, nest };
}

function assertStackOverflow(e: unknown): true {
  assert.ok(e instanceof Trap, `expected a Trap, got ${String(e)}`);
  assert.equal(e.code, TrapCode.StackOverflow);
  assert.equal(e.message, "call stack exhausted");
  return true;
}

Deno.test("reentry: nesting 100,000 levels traps with StackOverflow; the store stays usable", () => {
  const { store, nest } = setUp(new Config());
  assert.throws(() => nest.call(store, 100_000), assertStackOverflow);
  // The default 128 calls re-entered; the 129th host call was refused when it called Wasm again.
  assert.equal(store.data.deepest, new Config().maxHostReentry + 1);
  assert.equal(nest.call(store, 20), 20, "the store is usable, and the count was unwound");
  assert.throws(() => nest.call(store, 100_000), assertStackOverflow);
  assert.equal(nest.call(store, 32), 32, "exactly maxHostReentry levels still fit");
});

Deno.test("reentry: Config.maxHostReentry sets the depth, for every way of calling", () => {
  for (const how of ["call", "typed", "resumable"] as const) {
    const { store, nest } = setUp(new Config({ maxHostReentry: 5 }), how);
    assert.equal(nest.call(store, 5), 5, how);
    assert.throws(() => nest.call(store, 6), assertStackOverflow, how);
    assert.equal(nest.call(store, 3), 3, how);
  }
  const { store, nest } = setUp(new Config({ maxHostReentry: 0 }));
  assert.equal(nest.call(store, 0), 0, "a call with no re-entry runs");
  assert.throws(() => nest.call(store, 1), assertStackOverflow);
  assert.throws(() => new Config({ maxHostReentry: -1 }), RangeError);
});

Deno.test("reentry: a limit too high for the JS stack still ends in StackOverflow", () => {
  // Far more levels than any JS stack holds: the JS engine's own overflow becomes the trap.
  const { store, nest } = setUp(new Config({ maxHostReentry: 1_000_000_000 }));
  assert.throws(() => nest.call(store, 100_000), (e) => {
    assertStackOverflow(e);
    assert.ok((e as Trap).cause instanceof Error, "the JS error is kept as the cause");
    return true;
  });
  assert.equal(nest.call(store, 10), 10, "the store is usable");
});

Deno.test("reentry: a host function calling itself through the API traps too", () => {
  const store = new Store(new Engine(), null);
  let depth = 0;
  const self: Func = Func.wrap(store, { params: [], results: [] }, () => {
    depth++;
    self.call(store, []);
  });
  assert.throws(() => self.call(store, []), assertStackOverflow);
  assert.equal(depth, new Config().maxHostReentry + 1);
});

Deno.test("reentry: async calls count only while they run", async () => {
  const { store, nest } = setUp(new Config({ maxHostReentry: 3 }));
  assert.equal(await nest.callAsync(store, 3), 3);
  await assert.rejects(nest.callAsync(store, 4), assertStackOverflow);
  assert.equal(nest.call(store, 3), 3);
});
