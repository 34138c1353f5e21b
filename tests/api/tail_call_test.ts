/**
 * Tail calls (`return_call`, `return_call_indirect`): constant stack use, host functions reached
 * by a tail call (plain, resumable and async calls), calls across instances, fuel, and the
 * `wasmTailCall` switch.
 */

import assert from "node:assert/strict";
import {
  Config,
  DecodeError,
  Engine,
  Linker,
  Module,
  ResumableCallHostTrap,
  Store,
  Trap,
  TrapCode,
  Val,
  ValidationError,
} from "../../mod.ts";
import { wat } from "./_wat.ts";

/** `even(n)` / `odd(n)` by mutual recursion, as tail calls or as plain calls. */
function evenOdd(tail: boolean): string {
  const call = tail ? "return_call" : "call";
  return `(module
    (type $t (func (param i64) (result i32)))
    (table funcref (elem $even $odd))
    (func $even (export "even") (param $n i64) (result i32)
      (if (result i32) (i64.eqz (local.get $n))
        (then (i32.const 1))
        (else (${call} $odd (i64.sub (local.get $n) (i64.const 1))))))
    (func $odd (export "odd") (param $n i64) (result i32)
      (if (result i32) (i64.eqz (local.get $n))
        (then (i32.const 0))
        (else (${call}_indirect (type $t)
          (i64.sub (local.get $n) (i64.const 1)) (i32.const 0))))))`;
}

Deno.test("tail calls: 200,000 mutual tail calls run in a fixed-size stack", () => {
  // Two frames and a few hundred slots: a plain call chain would need 200,000 frames.
  // (tests/engine/tail_call_stack_test.ts runs ten million, in Deno.)
  const config = new Config({ maxRecursionDepth: 2, maxStackHeight: 256 });
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, wat(evenOdd(true))));
  const even = instance.getTypedFunc<[bigint], number>(store, "even");
  assert.equal(even.call(store, 200_000n), 1);
  assert.equal(even.call(store, 199_999n), 0);

  // The same recursion with plain calls exhausts the same stack at once.
  const plain = new Linker(engine).instantiate(store, new Module(engine, wat(evenOdd(false))));
  assert.throws(
    () => plain.getTypedFunc<[bigint], number>(store, "even").call(store, 10n),
    (e) => e instanceof Trap && e.code === TrapCode.StackOverflow,
  );
});

Deno.test("tail calls: fueled, a tail call pays like a call and the chain can stop and resume", () => {
  const engine = new Engine(new Config({ consumeFuel: true, fuelCosts: { call: 7 } }));
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(
    store,
    new Module(
      engine,
      wat(`(module
        (func $k (result i32) (i32.const 5))
        (func (export "tail") (result i32) (return_call $k))
        (func (export "plain") (result i32) (call $k)))`),
    ),
  );
  const spent = (name: string): bigint => {
    store.setFuel(1000);
    assert.equal(instance.getTypedFunc<[], number>(store, name).call(store), 5);
    return 1000n - store.getFuel();
  };
  // Both: the operator and `end` of the caller (2, plus 7 for the call), then `i32.const` and
  // `end` of $k (2).
  assert.equal(spent("tail"), 11n);
  assert.equal(spent("plain"), 11n);

  // A tail-call chain stops for fuel inside the callee and resumes there.
  const evenOdd2 = new Linker(engine).instantiate(
    store,
    new Module(engine, wat(evenOdd(true))),
  );
  store.setFuel(0);
  let call = evenOdd2.getFunc(store, "even")!.callResumable(store, [Val.i64(1001n)]);
  let stops = 0;
  while (call.kind === "outOfFuel") {
    stops++;
    store.setFuel(call.requiredFuel);
    call = call.resume(store);
  }
  assert.equal(call.kind, "finished");
  assert.equal(call.results[0]!.value, 0);
  assert.ok(stops > 1000, `${stops} stops`);
});

const HOST_TAIL = `(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (func $tail (export "tail") (param i32) (result i32) (return_call $host (local.get 0)))
  (func (export "nested") (param i32) (result i32)
    (i32.add (call $tail (local.get 0)) (i32.const 1000))))`;

/** `env.host` throws for negative arguments, returns 2x for the others. */
function hostSetup(host?: (x: number) => number | Promise<number>) {
  const engine = new Engine();
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const failure = new Error("host refuses");
  const run = host ?? ((x: number) => {
    if (x < 0) throw failure;
    return 2 * x;
  });
  linker.funcWrap("env", "host", { params: ["i32"], results: ["i32"] }, (_caller, x) => run(x));
  const instance = linker.instantiate(store, new Module(engine, wat(HOST_TAIL)));
  return { store, instance, failure };
}

Deno.test("tail calls: a host function reached by a tail call returns to the frame's caller", () => {
  const { store, instance } = hostSetup();
  assert.equal(instance.getTypedFunc<[number], number>(store, "tail").call(store, 21), 42);
  assert.equal(instance.getTypedFunc<[number], number>(store, "nested").call(store, 21), 1042);
});

Deno.test("tail calls: callResumable when a host function reached by a tail call throws", () => {
  const { store, instance, failure } = hostSetup();
  // From the function the embedder called, no Wasm frame is left to resume: callResumable
  // throws the host function's error unchanged (as wasmi does), and the store stays usable.
  assert.throws(
    () => instance.getFunc(store, "tail")!.callResumable(store, [Val.i32(-1)]),
    (e) => e === failure,
  );
  assert.equal(instance.getTypedFunc<[number], number>(store, "tail").call(store, 4), 8);

  // From a deeper frame, the call stops in the tail-calling frame's caller: resuming with the
  // host function's results continues there.
  const call = instance.getFunc(store, "nested")!.callResumable(store, [Val.i32(-1)]);
  assert.ok(call instanceof ResumableCallHostTrap);
  assert.equal(call.hostError, failure);
  const done = call.resume(store, [Val.i32(5)]);
  assert.equal(done.kind, "finished");
  assert.equal(done.results[0]!.value, 1005);
});

Deno.test("tail calls: callAsync awaits a host function reached by a tail call", async () => {
  const { store, instance } = hostSetup(async (x) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return 3 * x;
  });
  assert.equal(
    (await instance.getFunc(store, "tail")!.callAsync(store, [Val.i32(5)]))[0]!.value,
    15,
  );
  assert.equal(
    (await instance.getFunc(store, "nested")!.callAsync(store, [Val.i32(5)]))[0]!.value,
    1015,
  );
});

Deno.test("tail calls: across instances, the callee runs on its own memory and globals", () => {
  const engine = new Engine();
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const a = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (memory (export "mem") 1) (data (i32.const 0) "\\2a")
        (global $g (mut i32) (i32.const 100))
        (func (export "peek") (param i32) (result i32)
          (global.set $g (i32.add (global.get $g) (i32.const 1)))
          (i32.add (i32.load8_u (local.get 0)) (global.get $g))))`),
    ),
  );
  linker.instance(store, "a", a);
  const b = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (import "a" "peek" (func $peek (param i32) (result i32)))
        (memory 1) (data (i32.const 0) "\\07")
        (func $tail (param i32) (result i32) (return_call $peek (local.get 0)))
        (func (export "run") (result i32)
          (i32.add (call $tail (i32.const 0)) (i32.load8_u (i32.const 0)))))`),
    ),
  );
  // 42 + 101 from a's memory and global, then 7 from b's own memory after the return.
  assert.equal(b.getTypedFunc<[], number>(store, "run").call(store), 150);
});

Deno.test("tail calls: return_call_indirect checks the table entry like call_indirect", () => {
  const engine = new Engine();
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(
    store,
    new Module(
      engine,
      wat(`(module
        (type $i (func (result i32)))
        (type $l (func (result i64)))
        (table 3 funcref) (elem (i32.const 0) $one $wide)
        (func $one (result i32) (i32.const 1))
        (func $wide (result i64) (i64.const 2))
        (func (export "go") (param i32) (result i32)
          (return_call_indirect (type $i) (local.get 0))))`),
    ),
  );
  const go = instance.getTypedFunc<[number], number>(store, "go");
  assert.equal(go.call(store, 0), 1);
  const trapsWith = (i: number, message: string) =>
    assert.throws(() => go.call(store, i), (e) => e instanceof Trap && e.message === message);
  trapsWith(1, "indirect call type mismatch");
  trapsWith(2, "uninitialized element 2");
  trapsWith(3, "undefined element");
});

Deno.test("tail calls: the switch is on by default; off, return_call is an illegal opcode", () => {
  assert.equal(new Config().wasmTailCall, true);
  const engine = new Engine(
    new Config({ wasmTailCall: false, compilationMode: "lazyTranslation" }),
  );
  for (
    const [text, name] of [
      [`(module (func $f) (func (return_call $f)))`, "return_call"],
      [
        `(module (type $t (func)) (table 1 funcref)
          (func (return_call_indirect (type $t) (i32.const 0))))`,
        "return_call_indirect",
      ],
    ]
  ) {
    const bytes = wat(text!);
    assert.throws(
      () => new Module(engine, bytes),
      (e) => e instanceof DecodeError && e.message.includes(`(${name} needs a disabled feature)`),
    );
    new Module(new Engine(), bytes); // on by default
  }
});

Deno.test("tail calls: a callee must return exactly the caller's results", () => {
  const engine = new Engine(new Config({ compilationMode: "lazyTranslation" })); // bodies checked at new Module
  for (
    const body of [
      `(func $f (result i64) (i64.const 0)) (func (result i32) (return_call $f))`,
      `(type $t (func (result i64))) (table 1 funcref)
       (func (result i32) (return_call_indirect (type $t) (i32.const 0)))`,
    ]
  ) {
    assert.throws(
      () => new Module(engine, wat(`(module ${body})`)),
      (e) => e instanceof ValidationError && /type mismatch/.test(e.message),
    );
  }
});
