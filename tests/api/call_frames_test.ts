/** `ResumableInvocation.frames`: the Wasm frames of a suspended call. */
import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, ResumeError, Store, Val } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const NESTED = `(module
  (import "env" "ask" (func $ask (param i32) (result i32)))
  (func $leaf (param $x i32) (param $y i64) (result i32)
    (local $f f64)
    (local.set $f (f64.const 2.5))
    (call $ask (local.get $x)))
  (func (export "outer") (param i32) (result i32)
    (call $leaf (i32.add (local.get 0) (i32.const 1)) (i64.const -7))))`;

function setup(config = new Config()) {
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  linker.funcWrap("env", "ask", { params: ["i32"], results: ["i32"] }, () => {
    throw new Error("suspend");
  });
  const bytes = wat(NESTED);
  const instance = linker.instantiate(store, new Module(engine, bytes));
  return { store, bytes, outer: instance.getFunc(store, "outer")! };
}

Deno.test("call frames: innermost first, export names, call offsets and locals", () => {
  const { store, bytes, outer } = setup();
  const call = outer.callResumable(store, [Val.i32(41)]);
  assert.equal(call.kind, "hostTrap");
  const frames = call.frames(store, { locals: true });
  assert.deepEqual(frames.map((f) => [f.funcIndex, f.name]), [[1, undefined], [2, "outer"]]);
  // Both frames wait in a `call` instruction (opcode 0x10).
  for (const f of frames) assert.equal(bytes[f.codeOffset], 0x10, `func ${f.funcIndex}`);
  assert.ok(frames[0]!.codeOffset < frames[1]!.codeOffset, "the leaf's body comes first");
  assert.deepEqual(frames[0]!.locals!.map((v) => [v.type, v.value]), [
    ["i32", 42],
    ["i64", -7n],
    ["f64", 2.5],
  ]);
  assert.deepEqual(frames[1]!.locals!.map((v) => v.value), [41]);
  // Without `locals` they are left out; reading frames does not disturb the call.
  assert.equal(call.frames(store)[0]!.locals, undefined);
  const done = call.resume(store, [Val.i32(5)]);
  assert.equal(done.kind, "finished");
  assert.equal(done.results[0]!.value, 5);
});

Deno.test("call frames: an out-of-fuel stop points at the instruction that could not pay", () => {
  const { store, bytes, outer } = setup(new Config({ consumeFuel: true }));
  store.setFuel(0);
  const call = outer.callResumable(store, [Val.i32(1)]);
  assert.equal(call.kind, "outOfFuel");
  const [frame] = call.frames(store);
  assert.equal(frame!.name, "outer");
  // Nothing ran: the stop is at the body's first instruction (`local.get 0` = 0x20).
  assert.equal(bytes[frame!.codeOffset], 0x20);
  call.drop();
});

Deno.test("call frames: a resumed or dropped handle has none", () => {
  const { store, outer } = setup();
  const call = outer.callResumable(store, [Val.i32(1)]);
  assert.equal(call.kind, "hostTrap");
  call.drop();
  assert.throws(() => call.frames(store), ResumeError);
});
