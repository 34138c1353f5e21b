/**
 * Resumable calls: stopping at a host function that throws and at a fuel charge, resuming
 * (typed and untyped, again and again), handles that are dropped or resumed twice, stacks that
 * are never shared while a call is suspended, and re-entrancy.
 */

import assert from "node:assert/strict";
import {
  AsyncHostFuncError,
  CallHook,
  Config,
  Engine,
  type Func,
  FuncError,
  Linker,
  Module,
  type ResumableCall,
  ResumableCallHostTrap,
  ResumableCallOutOfFuel,
  ResumeError,
  Store,
  StoreMismatchError,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

/** `run(n)` sums `env.ask(i)` for i = n..1, with a local that must survive suspensions. */
const ASK_LOOP = `(module
  (import "env" "ask" (func $ask (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $ask (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "trap") (param i32) (result i32) (drop (call $ask (local.get 0))) unreachable)
  (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))`;

interface Setup {
  engine: Engine;
  store: Store<string[]>;
  linker: Linker<string[]>;
  run: Func;
  sq: Func;
}

/** `ask` throws for odd arguments (a host trap) and returns 10 * x for even ones. */
function setup(config: Config = new Config()): Setup {
  const engine = new Engine(config);
  const store = new Store<string[]>(engine, []);
  const linker = new Linker<string[]>(engine);
  const ask = (x: number) => {
    if (x % 2 === 1) throw new Error(`odd ${x}`);
    return 10 * x;
  };
  linker.funcWrap("env", "ask", { params: ["i32"], results: ["i32"] }, (_c, x: number) => ask(x));
  const instance = linker.instantiate(store, new Module(engine, wat(ASK_LOOP)));
  return {
    engine,
    store,
    linker,
    run: instance.getFunc(store, "run")!,
    sq: instance.getFunc(store, "sq")!,
  };
}

/** Drives `call` to the end, answering host traps with `answer(error)` and adding fuel. */
function finish(
  store: Store,
  call: ResumableCall,
  answer: (e: unknown) => Val[] = () => [Val.i32(1)],
  fuel = 1000n,
): { results: Val[]; stops: string[] } {
  const stops: string[] = [];
  while (call.kind !== "finished") {
    stops.push(call.kind);
    if (call.kind === "hostTrap") call = call.resume(store, answer(call.hostError));
    else {
      store.setFuel(store.getFuel() + fuel);
      call = call.resume(store);
    }
  }
  return { results: call.results, stops };
}

Deno.test("resumable: a call that does not stop finishes", () => {
  const { store, sq } = setup();
  const call = sq.callResumable(store, [Val.i32(4)]);
  assert.equal(call.kind, "finished");
  assert.equal(call.results[0]!.value, 16);
});

Deno.test("resumable: a host trap stops the call; resume passes that function's results", () => {
  const { store, run, linker } = setup();
  const call = run.callResumable(store, [Val.i32(3)]);
  assert.ok(call instanceof ResumableCallHostTrap);
  assert.equal((call.hostError as Error).message, "odd 3");
  assert.equal(call.hostFunc, linker.get(store, "env", "ask"));
  assert.equal(call.hostFunc.ty(store).toString(), "(i32) -> (i32)");
  assert.ok(call.isActive);
  // ask(3) "returns" 1000; ask(2) = 20; ask(1) throws again: a new handle.
  const next = call.resume(store, [Val.i32(1000)]);
  assert.equal(call.isActive, false);
  assert.ok(next.kind === "hostTrap");
  assert.equal((next.hostError as Error).message, "odd 1");
  const done = next.resume(store, [Val.i32(5)]);
  assert.equal(done.kind === "finished" && done.results[0]!.value, 1000 + 20 + 5);
});

Deno.test("resumable: many suspensions in one call, locals intact", () => {
  const { store, run } = setup();
  const { results, stops } = finish(store, run.callResumable(store, [Val.i32(101)]), (e) => {
    const x = Number((e as Error).message.split(" ")[1]);
    return [Val.i32(-x)];
  });
  assert.equal(stops.length, 51);
  // Even i contribute 10 i, odd i contribute -i.
  let expected = 0;
  for (let i = 101; i >= 1; i--) expected += i % 2 === 0 ? 10 * i : -i;
  assert.equal(results[0]!.value, expected);
});

Deno.test("resumable: out of fuel stops before the charge; resume retries it", () => {
  const { store, run } = setup(new Config({ consumeFuel: true }));
  store.setFuel(0);
  const call = run.callResumable(store, [Val.i32(2)]);
  assert.ok(call instanceof ResumableCallOutOfFuel);
  assert.equal(typeof call.requiredFuel, "bigint");
  assert.ok(call.requiredFuel > 0n);
  // Resuming without fuel stops at the same charge again.
  const again = call.resume(store);
  assert.ok(again.kind === "outOfFuel");
  assert.equal(again.requiredFuel, call.requiredFuel);
  store.setFuel(again.requiredFuel);
  const more = again.resume(store);
  assert.notEqual(more.kind, "finished", "the loop's region needs more");
  const { results, stops } = finish(store, more, () => [Val.i32(7)], 3n);
  assert.ok(stops.includes("outOfFuel") && stops.includes("hostTrap"));
  assert.equal(results[0]!.value, 20 + 7);
});

Deno.test("resumable: exactly requiredFuel at every stop reaches the same results", () => {
  const a = setup(new Config({ consumeFuel: true }));
  const b = setup(new Config({ consumeFuel: true }));
  b.store.setFuel(1_000_000);
  const plain = finish(b.store, b.run.callResumable(b.store, [Val.i32(30)]));
  const used = 1_000_000n - b.store.getFuel();
  a.store.setFuel(0);
  let call = a.run.callResumable(a.store, [Val.i32(30)]);
  let added = 0n;
  while (call.kind !== "finished") {
    if (call.kind === "hostTrap") call = call.resume(a.store, [Val.i32(1)]);
    else {
      added += call.requiredFuel;
      a.store.setFuel(a.store.getFuel() + call.requiredFuel);
      call = call.resume(a.store);
    }
  }
  assert.equal(call.results[0]!.value, plain.results[0]!.value);
  assert.equal(added - a.store.getFuel(), used, "the same fuel, however it was handed out");
});

Deno.test("resumable: typed calls convert the final results", () => {
  const { store, run } = setup(new Config({ consumeFuel: true }));
  store.setFuel(0);
  const typed = run.typed<[number], number>(store);
  let call = typed.callResumable(store, 3);
  while (call.kind !== "finished") {
    if (call.kind === "hostTrap") call = call.resume(store, [Val.i32(1)]);
    else {
      store.setFuel(call.requiredFuel);
      call = call.resume(store);
    }
  }
  const results: number = call.results;
  assert.equal(results, 1 + 20 + 1);
});

Deno.test("resumable: inputs are checked against the host function's results", () => {
  const { store, run } = setup();
  const call = run.callResumable(store, [Val.i32(1)]);
  assert.ok(call.kind === "hostTrap");
  assert.throws(() => call.resume(store, []), FuncError);
  assert.throws(() => call.resume(store, [Val.i64(1n)]), FuncError);
  assert.ok(call.isActive, "a rejected resume leaves the handle usable");
  const done = call.resume(store, [Val.i32(9)]);
  assert.equal(done.kind === "finished" && done.results[0]!.value, 9);
});

Deno.test("resumable: resuming twice, or after drop, is a ResumeError", () => {
  const { store, run } = setup();
  const call = run.callResumable(store, [Val.i32(1)]);
  assert.ok(call.kind === "hostTrap");
  call.resume(store, [Val.i32(0)]);
  assert.throws(() => call.resume(store, [Val.i32(0)]), ResumeError);
  const other = run.callResumable(store, [Val.i32(1)]);
  assert.ok(other.kind === "hostTrap");
  other.drop();
  other.drop(); // idempotent
  assert.equal(other.isActive, false);
  assert.throws(() => other.resume(store, [Val.i32(0)]), ResumeError);
});

Deno.test("resumable: a handle belongs to its store", () => {
  const { store, run, engine } = setup();
  const call = run.callResumable(store, [Val.i32(1)]);
  assert.ok(call.kind === "hostTrap");
  assert.throws(() => call.resume(new Store(engine, null), [Val.i32(0)]), StoreMismatchError);
  assert.ok(call.isActive);
  call.drop();
});

Deno.test("resumable: `using` drops a suspended call", () => {
  const { store, run } = setup();
  let handle: ResumableCallHostTrap<Val[]> | undefined;
  {
    using call = run.callResumable(store, [Val.i32(1)]) as ResumableCallHostTrap<Val[]>;
    handle = call;
    assert.ok(call.isActive);
  }
  assert.equal(handle.isActive, false);
});

Deno.test("resumable: a suspended call's stack is never handed to another call", () => {
  for (const maxCachedStacks of [0, 1, 4]) {
    const { store, run, sq } = setup(new Config({ maxCachedStacks }));
    // Three calls suspended at once, other calls running in between.
    const calls = [7, 5, 3].map((n) => run.callResumable(store, [Val.i32(n)]));
    for (let i = 0; i < 20; i++) {
      assert.equal(sq.call(store, [Val.i32(i)])[0]!.value, i * i);
      const dropped = run.callResumable(store, [Val.i32(9)]);
      if (i % 2 === 0) dropped.kind !== "finished" && dropped.drop();
      // Odd rounds abandon the handle without dropping it: it is simply garbage.
    }
    const totals = calls.map((call) => finish(store, call, () => [Val.i32(1)]).results[0]!.value);
    // n = 7: 1 + 60 + 1 + 40 + 1 + 20 + 1
    assert.deepEqual(totals, [124, 63, 22], `maxCachedStacks ${maxCachedStacks}`);
  }
});

Deno.test("resumable: a trap in Wasm is thrown, not resumable, and the store goes on", () => {
  const { store, linker } = setup();
  const instance = linker.instantiate(store, new Module(store.engine, wat(ASK_LOOP)));
  const trapping = instance.getFunc(store, "trap")!;
  assert.throws(() => trapping.callResumable(store, [Val.i32(2)]), (e) => {
    assert.ok(e instanceof Trap);
    assert.equal(e.code, TrapCode.UnreachableCodeReached);
    return true;
  });
  // After a host trap, resuming into a Wasm trap throws too.
  const call = trapping.callResumable(store, [Val.i32(1)]);
  assert.ok(call.kind === "hostTrap");
  assert.throws(() => call.resume(store, [Val.i32(0)]), Trap);
  assert.equal(instance.getFunc(store, "sq")!.call(store, [Val.i32(5)])[0]!.value, 25);
});

Deno.test("resumable: a host function called directly throws as usual", () => {
  const { store, linker } = setup();
  const ask = linker.get(store, "env", "ask") as Func;
  assert.throws(() => ask.callResumable(store, [Val.i32(1)]), /odd 1/);
  const call = ask.callResumable(store, [Val.i32(2)]);
  assert.equal(call.kind === "finished" && call.results[0]!.value, 20);
});

Deno.test("resumable: a host Promise in a synchronous call is an AsyncHostFuncError", () => {
  const engine = new Engine();
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  linker.funcWrap("env", "ask", { params: ["i32"], results: ["i32"] }, () => Promise.resolve(1));
  const run = linker.instantiate(store, new Module(engine, wat(ASK_LOOP))).getFunc(store, "run")!;
  assert.throws(() => run.callResumable(store, [Val.i32(1)]), AsyncHostFuncError);
  assert.throws(() => run.call(store, [Val.i32(1)]), (e) => {
    assert.ok(e instanceof AsyncHostFuncError);
    assert.match(e.message, /callAsync/);
    return true;
  });
});

Deno.test("resumable: re-entrancy: host functions call Wasm, resumable calls and compile", () => {
  const engine = new Engine(new Config({ consumeFuel: true }));
  const store = new Store(engine, [] as string[]);
  const linker = new Linker<string[]>(engine);
  const inner = wat(`(module (import "env" "leaf" (func $leaf (param i32) (result i32)))
    (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "viaLeaf") (param i32) (result i32) (call $leaf (local.get 0))))`);
  linker.funcWrap("env", "leaf", { params: ["i32"], results: ["i32"] }, (_c, x: number) => {
    if (x < 0) throw new Error("negative");
    return x + 1;
  });
  linker.funcWrap("env", "ask", { params: ["i32"], results: ["i32"] }, (caller, x: number) => {
    // Compile and instantiate a module inside a host function, then call into it.
    const module = new Module(caller.engine, inner);
    const instance = linker.instantiate(caller.store, module);
    const double = instance.getTypedFunc<[number], number>(caller.store, "double");
    // A resumable call inside the host function, which suspends and is resumed here.
    const viaLeaf = instance.getFunc(caller.store, "viaLeaf")!;
    const nested = viaLeaf.callResumable(caller.store, [Val.i32(-x)]);
    assert.ok(nested.kind === "hostTrap");
    const resumed = nested.resume(caller.store, [Val.i32(100)]);
    assert.ok(resumed.kind === "finished");
    caller.data.push(`ask(${x})`);
    if (x === 3) throw new Error("outer trap");
    return double.call(caller.store, x) + (resumed.results[0]!.value as number);
  });
  const run = linker.instantiate(store, new Module(engine, wat(ASK_LOOP))).getFunc(store, "run")!;
  store.setFuel(1_000_000);
  const { results, stops } = finish(store, run.callResumable(store, [Val.i32(3)]));
  assert.deepEqual(stops, ["hostTrap"]);
  // ask(3) trapped and was answered 1; ask(2) = 4 + 100; ask(1) = 2 + 100.
  assert.equal(results[0]!.value, 1 + 104 + 102);
  assert.deepEqual(store.data, ["ask(3)", "ask(2)", "ask(1)"]);
});

Deno.test("resumable: call hooks see each run between stops", () => {
  const { store, run } = setup();
  const kinds: string[] = [];
  store.callHook((_data, kind) => {
    if (kind === CallHook.CallingWasm || kind === CallHook.ReturningFromWasm) kinds.push(kind);
  });
  finish(store, run.callResumable(store, [Val.i32(1)]));
  assert.deepEqual(kinds, [
    CallHook.CallingWasm,
    CallHook.ReturningFromWasm,
    CallHook.CallingWasm,
    CallHook.ReturningFromWasm,
  ]);
});
