/**
 * `runCore`, the interpreter's loop over the control flow, calls, fuel rows and i32 rows alone
 * (`CORE` in scripts/gen_executor.ts): an engine runs it until its code reaches another row,
 * which it hands to `run` with the state saved (`WIDEN`), and runs `run` from then on. The way
 * between them must change nothing: an engine whose code widens in the middle of a call must
 * compute, charge, stop, resume and trap as one that ran `run` from the start.
 */
import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store, Trap, Val } from "../../mod.ts";
import { DONE } from "../../src/engine/exec_support.ts";
import { run, runCore, WIDEN } from "../../src/engine/executor.ts";
import { instantiate, wat } from "./harness.ts";

// `$s` runs `runCore`'s rows only; `$w` (i64) and `$v` (v128) rows of `run` alone, and call
// `$s` back. `a(n)` loops over `$s`, calling `$w` on every 4th turn and `$v` on every 8th;
// `b(n)` calls the host first; `t(n)` runs `a(n)`, then divides by zero in `$w64`; `deep(n)`
// recurses through `$s`-like code n times.
const MIX = wat(`(module
  (import "env" "h" (func $h (param i32) (result i32)))
  (func $s (param $x i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func $w (export "w") (param $x i32) (result i32) (local $y i64)
    (local.set $y (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 0x9E3779B1)))
    (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $y) (i64.const 16))) (call $s (local.get $x))))
  (func $v (param $x i32) (result i32)
    (i32.add
      (i32x4.extract_lane 2
        (i32x4.add (i32x4.splat (local.get $x)) (v128.const i32x4 1 2 3 4)))
      (call $w (local.get $x))))
  (func $a (export "a") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $s (local.get $n))))
      (if (i32.eqz (i32.and (local.get $n) (i32.const 3)))
        (then (local.set $acc (i32.xor (local.get $acc) (call $w (local.get $n))))))
      (if (i32.eqz (i32.and (local.get $n) (i32.const 7)))
        (then (local.set $acc (i32.sub (local.get $acc) (call $v (local.get $n))))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "b") (param $n i32) (result i32)
    (i32.add (call $h (local.get $n)) (call $a (local.get $n))))
  (func $w64 (param $x i64) (result i64) (i64.div_u (local.get $x) (i64.const 0)))
  (func (export "t") (param $n i32) (result i32)
    (i32.wrap_i64 (call $w64 (i64.extend_i32_u (call $a (local.get $n))))))
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))
      (else (i32.const 0)))))`);

/** What `a(n)` returns. */
function aExpected(n: number): number {
  const s = (x: number) => (Math.imul(x, 3) + 1) | 0;
  const w = (x: number) => Number((BigInt(x >>> 0) * 0x9E3779B1n >> 16n) & 0xffffffffn) ^ s(x);
  const v = (x: number) => (x + 3 + w(x)) | 0;
  let acc = 0;
  do {
    acc = (acc + s(n)) | 0;
    if ((n & 3) === 0) acc ^= w(n);
    if ((n & 7) === 0) acc = (acc - v(n)) | 0;
  } while ((n = (n - 1) | 0) !== 0);
  return acc;
}

/** An engine (interpreter tier) and an instance of `MIX`; `wide` makes it run `run` at once. */
function setUp(wide: boolean, config: ConstructorParameters<typeof Config>[0] = {}) {
  const engine = new Engine(new Config({ executionTier: "interpreter", ...config }));
  if (wide) engine.wideLoop = true;
  const store = new Store(engine, null);
  const linker = new Linker<null>(engine);
  let pending: (n: number) => number | Promise<number> = (n) => n * 7;
  linker.funcWrap("env", "h", { params: ["i32"], results: ["i32"] }, (_, n) => pending(n));
  const instance = linker.instantiate(store, new Module(engine, MIX));
  const func = (name: string) => instance.getFunc(store, name)!;
  return { engine, store, func, setHost: (h: typeof pending) => (pending = h) };
}

Deno.test("runCore hands the first row it lacks to run, which finishes the call", () => {
  const t = instantiate(MIX, {
    config: { executionTier: "interpreter" },
    imports: { "env.h": (n) => n },
  });
  const engine = t.store.engine;
  const io = new Int32Array(4);
  io[0] = 40;
  const st = engine.startCall(t.entity("a"), io);
  // n = 40: the first turn calls `$w`, whose first row is i64.
  assert.equal(runCore(engine, t.inner, st, 0), WIDEN);
  assert.match(t.code("w"), /\bI64/);
  assert.equal(run(engine, t.inner, st, 0), DONE);
  engine.finishCall(st, io, 1);
  assert.equal(io[0], aExpected(40));
});

Deno.test("an engine runs runCore until its code needs run, then run for good", () => {
  const { engine, store, func } = setUp(false);
  assert.equal(func("deep").call(store, [Val.i32(50)])[0]!.value, 50);
  assert.equal(func("a").call(store, [Val.i32(3)])[0]!.value, aExpected(3));
  assert.equal(engine.wideLoop, false);
  assert.equal(func("a").call(store, [Val.i32(100)])[0]!.value, aExpected(100));
  assert.equal(engine.wideLoop, true);
  assert.equal(func("a").call(store, [Val.i32(1000)])[0]!.value, aExpected(1000));
});

Deno.test("fuel stops across runCore and run resume as with run alone", () => {
  // A fresh engine per budget, so that the widening falls between different stops.
  const seen = [false, true].map((wide) => {
    const log: unknown[] = [];
    for (const budget of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 1000]) {
      const { store, func } = setUp(wide, { consumeFuel: true });
      store.setFuel(budget);
      let call = func("a").callResumable(store, [Val.i32(41)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 100_000; stops++) {
        log.push(call.requiredFuel, call.frames(store, { locals: true }), store.getFuel());
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value, store.getFuel());
    }
    return log;
  });
  assert.ok(seen[0]!.length > 300, `${seen[0]!.length}`);
  assert.ok(seen[0]!.includes(aExpected(41)));
  assert.deepEqual(seen[0], seen[1]);
});

Deno.test("a call suspended at an async host function widens after resuming as with run alone", async () => {
  for (const wide of [false, true]) {
    const { engine, store, func, setHost } = setUp(wide, { consumeFuel: true });
    store.setFuel(1_000_000);
    setHost((n) => Promise.resolve(n * 11));
    const got = await func("b").callAsync(store, [Val.i32(64)]);
    assert.equal(got[0]!.value, (64 * 11 + aExpected(64)) | 0);
    assert.equal(engine.wideLoop, true);
    // The same charges either way.
    assert.equal(store.getFuel(), setUpFuelLeft());
  }
});

/** The fuel `b(64)` leaves of 1,000,000 on an engine that runs `run` from the start. */
let fuelLeft: bigint | undefined;
function setUpFuelLeft(): bigint {
  if (fuelLeft === undefined) {
    const { store, func } = setUp(true, { consumeFuel: true });
    store.setFuel(1_000_000);
    func("b").call(store, [Val.i32(64)]);
    fuelLeft = store.getFuel();
  }
  return fuelLeft;
}

Deno.test("traps after the widening and stack overflows in runCore trap as with run alone", () => {
  const widened: boolean[] = [];
  const traps = [false, true].map((wide) => {
    const log: unknown[] = [];
    const { engine, store, func } = setUp(wide, { maxRecursionDepth: 300 });
    for (const [name, arg] of [["deep", 1000], ["t", 20], ["deep", 200]] as const) {
      try {
        log.push(func(name).call(store, [Val.i32(arg)])[0]!.value);
      } catch (e) {
        assert.ok(e instanceof Trap, String(e));
        log.push(e.code, e.backtrace.length, e.backtrace.slice(0, 3), e.backtrace.at(-1));
      }
      if (!wide) widened.push(engine.wideLoop);
    }
    return log;
  });
  // `deep` overflows in `runCore` (the first engine has not widened yet), `t` traps in `run`.
  assert.deepEqual(widened, [false, true, true]);
  assert.equal(traps[0]!.at(-1), 200);
  assert.deepEqual(traps[0], traps[1]);
});
