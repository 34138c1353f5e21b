/**
 * The `auto` tier's tier-up policy (`codegen.ts`, "When a function is generated"): a function
 * runs in the interpreter until its calls plus loop iterations reach the threshold, then the
 * driver generates it and continues the running frame in the generated body, with the same
 * results, fuel stops and limits as either tier alone; `codegen` still generates on first run.
 */

import assert from "node:assert/strict";
import {
  Config,
  type ConfigOptions,
  Engine,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

/** An instance of `bytes` on a fresh engine with `options`. */
function instantiate(bytes: Uint8Array, options: ConfigOptions = {}) {
  const engine = new Engine(new Config(options));
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
  return { engine, store, instance };
}

const CODE = await wat(`(module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; A loop header no branch targets: every second count is there, so the 1,000th is.
  (func (export "plain") (param i32) (result i32)
    (loop (result i32)
      (drop (call $fib (i32.const 1)))
      (i32.add (local.get 0) (i32.const 1))))
  ;; A loop whose frame tiers up midway (the loop is in the first and only call).
  (func (export "sum") (param $n i32) (result i64)
    (local $acc i64)
    (loop $l
      (i32.store8 (local.get $n) (local.get $n))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i32.load8_u (local.get $n)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $fib (i32.const 3)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`);

/** What `sum(n)` returns, computed in JS. */
function sumOf(n: number): bigint {
  let acc = 0n;
  for (let i = n; i > 0; i--) acc += BigInt(i & 255) + 2n;
  return acc;
}

Deno.test("tier-up: auto leaves code that runs a little in the interpreter", () => {
  const { engine, store, instance } = instantiate(CODE, { executionTier: "auto" });
  assert.equal(instance.getTypedFunc<[number], bigint>(store, "sum").call(store, 100), sumOf(100));
  assert.equal(instance.getTypedFunc<[number], number>(store, "fib").call(store, 5), 5);
  assert.deepEqual(engine.codegenStats(), { generated: 0, interpreted: 0, reasons: {} });
});

Deno.test("tier-up: codegen still generates every function on its first run", () => {
  const { engine, store, instance } = instantiate(CODE, { executionTier: "codegen" });
  assert.equal(instance.getTypedFunc<[number], bigint>(store, "sum").call(store, 100), sumOf(100));
  assert.equal(engine.codegenStats().generated, 2);
});

Deno.test("tier-up: a hot loop continues in generated code, its callee tiers up by calls", () => {
  const { engine, store, instance } = instantiate(CODE, { executionTier: "auto" });
  const sum = instance.getTypedFunc<[number], bigint>(store, "sum");
  assert.equal(sum.call(store, 50_000), sumOf(50_000));
  assert.equal(engine.codegenStats().generated, 2);
  assert.equal(sum.call(store, 3), sumOf(3));
});

Deno.test("tier-up: recursion tiers up inside interpreted callers", () => {
  const { engine, store, instance } = instantiate(CODE, { executionTier: "auto" });
  assert.equal(instance.getTypedFunc<[number], number>(store, "fib").call(store, 22), 17711);
  assert.equal(engine.codegenStats().generated, 1);
});

Deno.test("tier-up: fuel runs out at the same points as in the interpreter", () => {
  const stops = (["interpreter", "auto"] as const).map((tier) => {
    const { engine, store, instance } = instantiate(CODE, {
      executionTier: tier,
      consumeFuel: true,
    });
    const log: (bigint | string)[] = [];
    for (const budget of [1, 333, 5000]) {
      store.setFuel(budget);
      let call = instance.getFunc(store, "sum")!.callResumable(store, [Val.i32(3000)]);
      while (call.kind === "outOfFuel") {
        log.push(call.requiredFuel, store.getFuel());
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      log.push(`done ${store.getFuel()}`);
    }
    return { log, generated: engine.codegenStats().generated };
  });
  assert.ok(stops[0]!.log.length > 50);
  assert.deepEqual(stops[1]!.log, stops[0]!.log);
  assert.equal(stops[1]!.generated, 2);
});

Deno.test("tier-up: a frame continues at a loop header that no branch targets", () => {
  const { engine, store, instance } = instantiate(CODE, { executionTier: "auto" });
  const plain = instance.getTypedFunc<[number], number>(store, "plain");
  for (let i = 0; i < 1200; i++) assert.equal(plain.call(store, i), i + 1);
  assert.equal(engine.codegenStats().generated, 2);
});

const NESTED = await wat(`(module
  ;; An inner loop that tiers up in the third iteration of its outer loop: the frame continues
  ;; at the inner loop's header, inside a block and the outer loop, with values set before the
  ;; loops (an f64, an i64) and in the outer loop's earlier iterations live there.
  (func (export "nest") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $acc f64) (local $k i64) (local $inv f64)
    (local.set $inv (f64.const 1.5))
    (local.set $k (i64.const 7))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (local.set $k (i64.add (i64.mul (local.get $k) (i64.const 3)) (i64.const 1)))
        (loop $inner
          (local.set $acc (f64.add (local.get $acc)
            (f64.mul (local.get $inv) (f64.convert_i32_u (local.get $j)))))
          (local.set $acc (f64.add (local.get $acc)
            (f64.convert_i64_s (i64.and (local.get $k) (i64.const 255)))))
          (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
            (i32.const 300))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $acc)))`);

/** What `nest(n)` returns, computed in JS. */
function nestOf(n: number): number {
  let acc = 0, k = 7n;
  for (let i = 0; i < n; i++) {
    k = BigInt.asIntN(64, k * 3n + 1n);
    for (let j = 0; j < 300; j++) acc = acc + 1.5 * j + Number(k & 255n);
  }
  return acc;
}

Deno.test("tier-up: a frame continues at a nested loop's header in structured code", () => {
  const { engine, store, instance } = instantiate(NESTED, { executionTier: "auto" });
  const nest = instance.getTypedFunc<[number], number>(store, "nest");
  assert.equal(nest.call(store, 20), nestOf(20));
  assert.equal(engine.codegenStats().generated, 1);
  assert.equal(nest.call(store, 7), nestOf(7));
});

Deno.test("tier-up: fuel stops in a nested loop's OSR body match the interpreter's", () => {
  const stops = (["interpreter", "auto"] as const).map((tier) => {
    const { store, instance } = instantiate(NESTED, { executionTier: tier, consumeFuel: true });
    const log: (bigint | number | string)[] = [];
    store.setFuel(9000);
    let call = instance.getFunc(store, "nest")!.callResumable(store, [Val.i32(12)]);
    while (call.kind === "outOfFuel") {
      log.push(call.requiredFuel, store.getFuel());
      store.setFuel(777 + Number(call.requiredFuel));
      call = call.resume(store);
    }
    assert.equal(call.kind, "finished");
    if (call.kind === "finished") log.push(call.results[0]!.value as number);
    log.push(`done ${store.getFuel()}`);
    return log;
  });
  assert.ok(stops[0]!.length > 20);
  assert.deepEqual(stops[1], stops[0]);
  assert.equal(stops[0]!.at(-2), nestOf(12));
});

const CALLER_FIRST = await wat(`(module
  (memory 1)
  ;; Called once per call of "run", after the loop that makes "run" hot: it is still cold when
  ;; the generated "run" first calls it.
  (func $mix (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
        (i32.load8_u (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    (local.get $acc))
  (func (export "run") (param $n i32) (param $rounds i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $fill
      (i32.store8 (local.get $i) (i32.mul (local.get $i) (i32.const 7)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    (loop $again
      (local.set $acc (i32.xor (i32.mul (local.get $acc) (i32.const 3))
        (call $mix (i32.const 40))))
      (br_if $again (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (local.get $acc))
  ;; The same fill loop, then one call outside any loop: the callee stays interpreted.
  (func (export "once") (param $n i32) (result i32)
    (local $i i32)
    (loop $fill
      (i32.store8 (local.get $i) (i32.mul (local.get $i) (i32.const 7)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    (call $mix (i32.const 40))))`);

/** What `run(n, rounds)` of CALLER_FIRST returns for any `n` from 40 on, computed in JS. */
function callerFirstOf(rounds: number): number {
  let mix = 0;
  for (let i = 0; i < 40; i++) mix = (Math.imul(mix, 31) + (Math.imul(i, 7) & 255)) | 0;
  let acc = 0;
  for (let r = 0; r < rounds; r++) acc = Math.imul(acc, 3) ^ mix;
  return acc;
}

Deno.test("tier-up: a generated caller generates a callee on its first call in a loop", () => {
  const { engine, store, instance } = instantiate(CALLER_FIRST, { executionTier: "auto" });
  const run = instance.getTypedFunc<[number, number], number>(store, "run");
  // 3,000 iterations make "run" hot at its first loop; "mix" then runs 40 iterations per call,
  // 2 calls: far below the threshold, it is generated because a generated caller calls it.
  assert.equal(run.call(store, 3000, 2), callerFirstOf(2));
  assert.equal(engine.codegenStats().generated, 2);
  assert.equal(run.call(store, 100, 5), callerFirstOf(5));
  // Called outside a loop, a cold callee stays interpreted even from generated code.
  const one = instantiate(CALLER_FIRST, { executionTier: "auto" });
  const once = one.instance.getTypedFunc<[number], number>(one.store, "once");
  assert.equal(once.call(one.store, 3000), callerFirstOf(1));
  assert.equal(one.engine.codegenStats().generated, 1);
  // Called first by the interpreter, a cold callee stays interpreted.
  const cold = instantiate(CALLER_FIRST, { executionTier: "auto" });
  const small = cold.instance.getTypedFunc<[number, number], number>(cold.store, "run");
  assert.equal(small.call(cold.store, 50, 2), callerFirstOf(2));
  assert.equal(cold.engine.codegenStats().generated, 0);
});

Deno.test("tier-up: fuel stops in a callee generated at its call match the interpreter's", () => {
  const stops = (["interpreter", "auto"] as const).map((tier) => {
    const { engine, store, instance } = instantiate(CALLER_FIRST, {
      executionTier: tier,
      consumeFuel: true,
    });
    const log: (bigint | number | string)[] = [];
    for (const budget of [2, 900, 20_000]) {
      store.setFuel(budget);
      let call = instance.getFunc(store, "run")!.callResumable(store, [Val.i32(2000), Val.i32(9)]);
      while (call.kind === "outOfFuel") {
        log.push(call.requiredFuel, store.getFuel());
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value as number);
      log.push(`done ${store.getFuel()}`);
    }
    return { log, generated: engine.codegenStats().generated };
  });
  assert.ok(stops[0]!.log.length > 50);
  assert.deepEqual(stops[1]!.log, stops[0]!.log);
  assert.equal(stops[0]!.log[stops[0]!.log.length - 2], callerFirstOf(9));
  assert.equal(stops[1]!.generated, 2);
});

const PREPARED = await wat(`(module
  (memory 1)
  ;; Called once per call of "run", before its hot loop (as bench/matmul.wat's $reserve): cold
  ;; for as long as "run" is called fewer than a thousand times.
  (func $prepare (param $n i32) (result i32)
    (i32.mul (local.get $n) (i32.const 3)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (local.set $acc (call $prepare (local.get $n)))
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    (local.get $acc)))`);

/** What `run(n)` of PREPARED returns, computed in JS. */
function preparedOf(n: number): number {
  let acc = n * 3, i = 0;
  do acc = (Math.imul(acc, 31) + i) | 0; while (++i < n);
  return acc;
}

Deno.test("tier-up: a hot loop after a cold call runs in the generated function from its start", () => {
  const { engine, store, instance } = instantiate(PREPARED, { executionTier: "auto" });
  const run = instance.getTypedFunc<[number], number>(store, "run");
  // The only call that long: "run" continues at its loop header, in the generated function.
  assert.equal(run.call(store, 5000), preparedOf(5000));
  assert.equal(engine.codegenStats().generated, 1);
  assert.equal(engine.midwayEntries, 1);
  // Later calls start in the generated "run", whose loop comes after the call of the cold
  // "$prepare": it is generated there, so "run" is never continued midway (its switch body, the
  // slow one) after that call, which a return to the driver would do on every call.
  for (const n of [3000, 10, 4000]) assert.equal(run.call(store, n), preparedOf(n));
  assert.equal(engine.codegenStats().generated, 2);
  assert.equal(engine.midwayEntries, 1);
});

Deno.test("tier-up: fuel stops around a callee generated before a loop match the interpreter's", () => {
  const stops = (["interpreter", "auto"] as const).map((tier) => {
    const { engine, store, instance } = instantiate(PREPARED, {
      executionTier: tier,
      consumeFuel: true,
    });
    const log: (bigint | number | string)[] = [];
    for (const [budget, n] of [[3, 3000], [700, 2500], [50_000, 4000], [5, 20]]) {
      store.setFuel(budget!);
      let call = instance.getFunc(store, "run")!.callResumable(store, [Val.i32(n!)]);
      while (call.kind === "outOfFuel") {
        log.push(call.requiredFuel, store.getFuel());
        store.setFuel(budget! + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value as number);
      log.push(`done ${store.getFuel()}`);
    }
    return { log, generated: engine.codegenStats().generated };
  });
  assert.ok(stops[0]!.log.length > 50);
  assert.deepEqual(stops[1]!.log, stops[0]!.log);
  assert.equal(stops[0]!.log.at(-2), preparedOf(20));
  assert.equal(stops[1]!.generated, 2);
});

const ROTATED = await wat(`(module
  (import "env" "probe" (func $probe (param i32) (result i32)))
  (memory 1)
  ;; Two loops whose first instruction is their exit (the interpreter rotates them: a back edge
  ;; tests the exit itself and pays the loop's charge at its \`br\`): the first's test has a
  ;; fuel-paying form (\`BrIfI32LtUPay\`), the second's not. Every \`$every\`th iteration asks
  ;; the host; at \`$trap\` the second loop divides by zero.
  (func $walk (param $n i32) (param $every i32) (param $trap i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $up
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))
        (if (i32.eqz (i32.rem_u (local.get $i) (local.get $every)))
          (then (local.set $acc (i32.add (local.get $acc) (call $probe (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $up)))
    (block $out
      (loop $down
        (br_if $out (i32.le_s (local.get $i) (i32.const 0)))
        (local.set $acc (i32.xor (local.get $acc)
          (i32.div_u (local.get $i) (i32.sub (local.get $i) (local.get $trap)))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $down)))
    (local.get $acc))
  (func (export "run") (param $n i32) (param $every i32) (param $trap i32) (result i32)
    (i32.add (call $walk (local.get $n) (local.get $every) (local.get $trap)) (i32.const 1))))`);

/**
 * Runs `run(n, every, trap)` of ROTATED resumably under `tier` with fuel (the host answers
 * `3 * i` at each stop there) and logs every stop with its frames, code offsets included.
 */
function rotatedStops(tier: "interpreter" | "codegen" | "auto", n: number, trap: number) {
  const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
  const store = new Store(engine, null);
  const linker = new Linker<null>(engine);
  linker.funcWrap("env", "probe", { params: ["i32"], results: ["i32"] }, (_caller, i) => {
    throw new Error(`probe ${i}`);
  });
  const instance = linker.instantiate(store, new Module(engine, ROTATED));
  const log: unknown[] = [];
  for (const budget of [7, 300, 4_000]) {
    store.setFuel(budget);
    let call = instance.getFunc(store, "run")!.callResumable(store, [
      Val.i32(n),
      Val.i32(250),
      Val.i32(trap),
    ]);
    try {
      for (;;) {
        if (call.kind === "outOfFuel") {
          log.push(call.requiredFuel, call.frames(store));
          store.setFuel(budget + Number(call.requiredFuel));
          call = call.resume(store);
        } else if (call.kind === "hostTrap") {
          const i = Number(/\d+/.exec(String(call.hostError))![0]);
          log.push(String(call.hostError), call.frames(store));
          call = call.resume(store, [Val.i32(3 * i)]);
        } else break;
      }
      if (call.kind === "finished") log.push(call.results[0]!.value);
    } catch (e) {
      assert.ok(e instanceof Trap, String(e));
      log.push(e.code, e.backtraceLines());
    }
    log.push(`fuel ${store.getFuel()}`);
  }
  return { log, engine };
}

Deno.test("tier-up: stops in rotated loops after a midway tier-up report the interpreter's offsets", () => {
  for (const trap of [0, 2_900]) {
    const [interpreter, codegen, auto] = (["interpreter", "codegen", "auto"] as const).map((
      tier,
    ) => rotatedStops(tier, 3_000, trap));
    const log = interpreter!.log;
    assert.ok(log.length > 100, `${log.length}`);
    assert.deepEqual(codegen!.log, log);
    assert.deepEqual(auto!.log, log);
    // The auto tier ran "$walk" in the interpreter, then continued it at a loop header in its
    // generated body.
    assert.equal(auto!.engine.codegenStats().generated, 1);
    assert.ok(auto!.engine.midwayEntries > 0);
    // Stops at the `br` of each loop (a rotated exit paying there), not only at their headers.
    const offsets = new Set(
      log.flatMap((x) => Array.isArray(x) && typeof x[0] === "object" ? [x[0].codeOffset] : []),
    );
    assert.ok(offsets.size >= 6, [...offsets].join());
    let probes = 0;
    for (let i = 0; i < 3_000; i += 250) probes += 3 * i;
    if (trap === 0) assert.equal(log.at(-2), probes + 1);
    else {assert.deepEqual(log.slice(-3, -1), [TrapCode.IntegerDivisionByZero, [
        "at func 1",
        "at func 2 run",
      ]]);}
  }
});

/** Adds 1 to its parameter `n` times in straight-line code: a body of about `7 * n` words. */
function straightLine(n: number): string {
  return `(func (export "add${n}") (param i32) (result i32)
    ${"(local.set 0 (i32.add (local.get 0) (i32.const 1)))\n".repeat(n)}
    (local.get 0))`;
}

const SIZES = await wat(`(module ${straightLine(1)} ${straightLine(2_000)})`);

Deno.test("tier-up: the 1,000th call generates a function, whatever its size", () => {
  // The count is not weighted by size: a threshold growing with the body, which kept the first
  // call of a long one in the interpreter, made the first calls of the six longest benchmarks
  // 1.1-2.6x slower (see "When a function is generated" in codegen.ts).
  for (const n of [1, 2_000]) {
    const { engine, store, instance } = instantiate(SIZES, { executionTier: "auto" });
    const add = instance.getTypedFunc<[number], number>(store, `add${n}`);
    for (let i = 0; i < 999; i++) assert.equal(add.call(store, i), i + n);
    assert.equal(engine.codegenStats().generated, 0, `add${n}`);
    assert.equal(add.call(store, 7), 7 + n);
    assert.equal(engine.codegenStats().generated, 1, `add${n}`);
  }
});
