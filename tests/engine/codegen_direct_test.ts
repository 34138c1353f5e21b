/**
 * Direct entries of generated code (see "Direct calls" in `src/engine/codegen.ts`): arguments
 * and results as JS values, stops thrown through the direct callers, and the call guard without
 * stack compares. Each test compares what the interpreter computes, stops at and traps with.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Config, Engine, Linker, Module, Store, Trap, TrapCode, Val } from "../../mod.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { wat as watTail } from "../api/_wat.ts";
import { callsLog, hostTrapsLog, instantiate, wat } from "./harness.ts";

const TIERS = ["interpreter", "codegen"] as const;

/** Whether `f`'s generated body has a direct entry. */
function hasDirect(f: WasmFuncEntity): boolean {
  const body = f.compiled?.generated as { directFor?: unknown } | null | undefined;
  return typeof body?.directFor === "function";
}

const WORDS = `(module
  (func $mix (export "mix") (param i64 i32 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (i64.extend_i32_s (local.get 1)))
      (i64.rotl (local.get 2) (i64.const 13))))
  (func $lo (export "lo") (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 7))))
  (func $none (export "none") (param i32) (local i64 i32)
    (local.set 1 (i64.extend_i32_u (local.get 0))))
  (func $pick (export "pick") (param funcref externref i32) (result externref)
    (if (result externref) (local.get 2) (then (local.get 1)) (else (ref.null extern))))
  (func $f64 (export "f64") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 1.5)))
  (func (export "run") (param $n i32) (param $x i64) (result i64) (local $acc i64) (local $d f64)
    (loop $l
      (local.set $acc (call $mix (local.get $acc) (local.get $n) (local.get $x)))
      (local.set $acc (i64.xor (local.get $acc) (i64.extend_i32_u (call $lo (local.get $acc)))))
      (local.set $d (f64.add (local.get $d) (call $f64 (f64.convert_i32_s (local.get $n)))))
      (call $none (local.get $n))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $acc) (i64.trunc_f64_s (local.get $d))))
  (func (export "ref") (param externref i32) (result externref)
    (call $pick (ref.null func) (local.get 0) (local.get 1))))`;

Deno.test("codegen direct: i64, reference and float arguments and results as in the interpreter", () => {
  const results = TIERS.flatMap((tier) =>
    [false, true].map((fuel) => {
      const t = instantiate(WORDS, { config: { executionTier: tier, consumeFuel: fuel } });
      if (fuel) t.store.setFuel(1_000_000_000n);
      const out = [
        t.call("run", 1000, 0x0123456789abcdefn),
        t.call("run", 3, -1n),
        t.func("ref").call(t.store, [Val.externref("kept"), Val.i32(1)])[0]!.value,
        t.func("ref").call(t.store, [Val.externref("dropped"), Val.i32(0)])[0]!.value,
      ];
      if (tier === "codegen") {
        // Every function has a direct entry (a float's as its words).
        for (const name of ["mix", "lo", "none", "pick", "f64"]) {
          assert.ok(hasDirect(t.entity(name)), name);
        }
      }
      return out;
    })
  );
  for (const r of results) assert.deepEqual(r, results[0]);
  assert.equal(results[0]![2], "kept");
  assert.equal(results[0]![3], null);
});

const CHAIN = wat(`(module
  (func $d (param i32 i64) (result i64) (local i32)
    (local.set 2 (i32.mul (local.get 0) (i32.const 7)))
    (i64.add (local.get 1) (i64.extend_i32_s (local.get 2))))
  (func $c (param i32) (result i64) (local $x i64)
    (local.set $x (i64.mul (i64.extend_i32_s (local.get 0)) (i64.const 0x100000001)))
    (i64.xor (call $d (i32.add (local.get 0) (i32.const 1)) (local.get $x)) (local.get $x)))
  (func $b (param i32) (result i32) (local $k i32)
    (local.set $k (i32.xor (local.get 0) (i32.const 0x5a5a)))
    (i32.add (i32.wrap_i64 (call $c (i32.mul (local.get 0) (i32.const 3)))) (local.get $k)))
  (func (export "a") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $b (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`);

Deno.test("codegen direct: fuel stops 3 frames deep in direct calls hold the interpreter's frames", () => {
  // At every budget each stop (some inside $d, called directly by $c, by $b, by a) must show
  // the interpreter's frames and locals, ask for the same fuel, and resume to the same result.
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, CHAIN));
    const a = instance.getFunc(store, "a")!;
    for (const budget of [1, 2, 3, 5, 8, 13, 21, 34]) {
      store.setFuel(budget);
      let call = a.callResumable(store, [Val.i32(9)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 10_000; stops++) {
        log.push(call.requiredFuel, call.frames(store, { locals: true }));
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    return log;
  });
  assert.ok(seen[0]!.length > 100, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/** A recursion whose frames take `locals` i64 locals more (a frame's size counts in its cost). */
const deep = (locals: number) =>
  wat(`(module
  (func $deep (export "deep") (param i32) (result i32) (local ${"i64 ".repeat(locals)})
    (if (result i32) (local.get 0)
      (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))
      (else (i32.const 0))))
  (func (export "run") (param i32) (result i32) (call $deep (local.get 0))))`);

Deno.test("codegen direct: StackOverflow from either limit at the interpreter's depth and backtrace", () => {
  // The value stack runs out in a direct callee's own check, the call stack where the nesting
  // a direct call starts with leaves no room: both as the interpreter traps.
  for (
    const [locals, limits] of [
      [8, { maxStackHeight: 3000 }],
      [8, { maxStackHeight: 100_000 }],
      [8, { maxRecursionDepth: 300 }],
      [8, { maxRecursionDepth: 5000 }],
      [150, { maxStackHeight: 20_000 }],
      [150, { maxStackHeight: 200_000 }],
    ] as const
  ) {
    const bytes = deep(locals);
    const traps = TIERS.map((tier) => {
      const t = instantiate(bytes, { config: { executionTier: tier, ...limits } });
      const out: unknown[] = [];
      for (const n of [10, 1_000_000]) {
        try {
          out.push(t.call("run", n));
        } catch (e) {
          assert.ok(e instanceof Trap && e.code === TrapCode.StackOverflow, String(e));
          out.push(e.message, e.backtrace.length, e.backtrace.slice(0, 3), e.backtrace.at(-1));
        }
      }
      // The store stays usable.
      out.push(t.call("run", 40));
      return out;
    });
    assert.deepEqual(traps[1], traps[0], `${locals} locals, ${JSON.stringify(limits)}`);
  }
});

const INDIRECT = wat(`(module
  (type $t (func (param i32 i64) (result i64)))
  (table 3 funcref)
  (elem (i32.const 0) $p $q $r)
  (func $p (type $t) (i64.add (local.get 1) (i64.extend_i32_s (local.get 0))))
  (func $q (type $t) (i64.mul (local.get 1) (i64.const 0x100000003)))
  (func $r (type $t)
    (i64.div_s (local.get 1) (i64.extend_i32_s (i32.sub (local.get 0) (i32.const 40)))))
  (func (export "run") (param $n i32) (result i64) (local $acc i64)
    (local.set $acc (i64.const 0x1234567))
    (loop $l
      (local.set $acc
        (call_indirect (type $t) (local.get $n) (local.get $acc) (i32.rem_u (local.get $n) (i32.const 3))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`);

Deno.test("codegen direct: an indirect call's other targets run their direct entries, stop and trap alike", () => {
  // The site caches one target; the others (a miss every other call) are entered through
  // `enterFunc` and then their direct entries: fuel stops there, and a division by zero in
  // `$r` (at n = 40), must look as in the interpreter.
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, INDIRECT));
    const run = instance.getFunc(store, "run")!;
    for (const budget of [3, 7, 20]) {
      store.setFuel(budget);
      let call = run.callResumable(store, [Val.i32(39)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 10_000; stops++) {
        log.push(call.requiredFuel, call.frames(store, { locals: true }));
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    store.setFuel(1_000_000);
    try {
      run.call(store, [Val.i32(45)]);
      log.push("no trap");
    } catch (e) {
      assert.ok(e instanceof Trap);
      log.push(e.code, e.backtrace);
    }
    return log;
  });
  assert.ok(seen[0]!.length > 60, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/** `run` calls `$x`, `$a` (which tail-calls `$b`) and `$y` from three different frame bases. */
const TAIL_AFTER_STOP = watTail(`(module
  (func $x (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $y (param i32 i32 i32) (result i32) (i32.add (local.get 0) (local.get 2)))
  (func $b (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func $a (param i32 i32) (result i32) (return_call $b (local.get 1) (local.get 0)))
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $x (local.get $n))))
      (local.set $acc (i32.add (local.get $acc)
        (i32.add (i32.mul (local.get $n) (i32.const 5)) (call $a (local.get $n) (i32.const 7)))))
      (local.set $acc (i32.add (local.get $acc)
        (i32.add (i32.mul (local.get $n) (local.get $n))
          (i32.add (i32.xor (local.get $n) (i32.const 9))
            (call $y (local.get $n) (i32.const 3) (local.get $acc))))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`);

Deno.test("codegen: a tail call from a body entered without its frame written continues at its base", () => {
  // A fuel stop in `$y` writes `$y`'s base at that depth; `$a`, called directly afterwards,
  // must write its own before its tail call goes through the driver.
  const styles = [["interpreter", "jit"], ["codegen", "jit"], ["codegen", "lean"]] as const;
  const seen = styles.map(([tier, style]) => {
    const engine = new Engine(
      new Config({ executionTier: tier, codegenStyle: style, consumeFuel: true }),
    );
    const store = new Store(engine, null);
    const run = new Linker<null>(engine)
      .instantiate(store, new Module(engine, TAIL_AFTER_STOP)).getFunc(store, "run")!;
    const results: unknown[] = [];
    for (const budget of [1, 3, 7, 20, 33, 50, 100, 1000]) {
      store.setFuel(budget);
      let call = run.callResumable(store, [Val.i32(40)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 100_000; stops++) {
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") results.push(call.results[0]!.value);
    }
    return results;
  });
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

/**
 * `$a` and `$b` have direct entries; `$b` calls `$f` (an f64 function: no direct entry, so its
 * frame is pushed and the depth written) and returns to `$a`, which then traps at n = k, or
 * calls the host function, which throws at its k-th call.
 */
const DEPTH_AFTER_RETURN = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $f (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
  (func $b (param i32) (result i32)
    (i32.add (local.get 0) (i32.trunc_f64_s (call $f (f64.convert_i32_s (local.get 0))))))
  (func $a (param i32 i32) (result i32)
    (i32.div_s (call $h (call $b (local.get 0))) (i32.sub (local.get 0) (local.get 1))))
  (func (export "run") (param $n i32) (param $k i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $a (local.get $n) (local.get $k))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`);

Deno.test("codegen direct: traps and host traps after a deeper callee returned show the interpreter's frames", () => {
  // Direct calls leave `st.depth` as it was: the frames a trap or a host trap shows must still
  // be the interpreter's after a callee entered the ordinary way (which writes the depth) has
  // returned from further down.
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    let calls = 0, throwAt = -1;
    linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
      if (++calls === throwAt) throw new Error("host");
      return x + 1;
    });
    const run = linker.instantiate(store, new Module(engine, DEPTH_AFTER_RETURN))
      .getFunc(store, "run")!;
    callsLog(log, store, run, [1, 2, 30, 99].map((k) => [Val.i32(100), Val.i32(k)]));
    const arm = (at: number) => {
      calls = 0;
      throwAt = at;
    };
    hostTrapsLog(log, store, run, [Val.i32(100), Val.i32(-1)], [1, 3, 40], arm, Val.i32(5));
    return log;
  });
  assert.ok(seen[0]!.length > 10, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * Trees of structs built and summed through direct calls 3 deep ($make -> $pair -> $leaf) with
 * references as arguments and results, and a tree kept across the loop; enough allocation to
 * collect while those frames run. `run(n, k)` traps on a null reference in `$sum` when k = n.
 */
const GC_CHAIN = await parse(`(module
  (type $node (struct (field $l (ref null $node)) (field $r (ref null $node)) (field $v i32)))
  (func $leaf (param $v i32) (result (ref $node))
    (struct.new $node (ref.null $node) (ref.null $node) (local.get $v)))
  (func $pair (param $a (ref null $node)) (param $v i32) (result (ref $node))
    (struct.new $node (local.get $a) (call $leaf (i32.mul (local.get $v) (i32.const 3)))
      (local.get $v)))
  (func $make (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (call $leaf (i32.const 1)))
      (else (call $pair (call $make (i32.sub (local.get $d) (i32.const 1))) (local.get $d)))))
  (func $sum (param $t (ref null $node)) (param $k i32) (result i32)
    (if (result i32) (ref.is_null (local.get $t))
      (then (i32.const 0))
      (else
        (if (i32.eq (struct.get $node $v (local.get $t)) (local.get $k))
          (then (drop (struct.get $node $v (ref.null $node)))))
        (i32.add (struct.get $node $v (local.get $t))
          (i32.add (call $sum (struct.get $node $l (local.get $t)) (local.get $k))
            (call $sum (struct.get $node $r (local.get $t)) (local.get $k)))))))
  (func (export "run") (param $n i32) (param $k i32) (result i32)
    (local $keep (ref null $node)) (local $s i32)
    (local.set $keep (call $make (i32.const 40)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $sum (call $make (local.get $n)) (local.get $k))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $s) (call $sum (local.get $keep) (i32.const -1)))))`);

Deno.test("codegen direct: GC bodies stop, collect and trap in direct calls as in the interpreter", () => {
  // Fuel stops (some 3 frames deep in direct calls) must show the interpreter's frames, ask for
  // the same fuel and resume to the same result; collections while direct frames run must see
  // their references (a lost one would change the sums or trap); a trap deep in `$sum` must
  // show the interpreter's backtrace.
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier, wasmGc: true, consumeFuel: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, GC_CHAIN));
    const run = instance.getFunc(store, "run")!;
    for (const [n, budget] of [[12, 3], [12, 17], [150, 1000], [150, 100_000]]) {
      store.setFuel(budget);
      let call = run.callResumable(store, [Val.i32(n), Val.i32(-2)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 100_000; stops++) {
        if (stops < 300) log.push(call.requiredFuel, call.frames(store));
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    store.setFuel(1_000_000_000);
    try {
      run.call(store, [Val.i32(30), Val.i32(30)]);
      log.push("no trap");
    } catch (e) {
      assert.ok(e instanceof Trap);
      log.push(e.code, e.backtrace);
    }
    const gc = storeInner(store).gc;
    assert.ok(gc.collections > 3, `${tier}: ${gc.collections} collections`);
    if (tier === "codegen") {
      const entity = funcs.entity(store, run) as WasmFuncEntity;
      for (const i of [0, 1, 2, 3]) {
        assert.ok(hasDirect(entity.instance.funcs[i] as WasmFuncEntity), `func ${i}`);
      }
    }
    return log;
  });
  assert.ok(seen[0]!.length > 200, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * Floats through direct calls: `$g` (f64, f32 -> f64) calls the host function `h` (a trap or a
 * stop inside a direct f64 call) from `$f`, and `$bits` moves signalling-NaN words loaded from
 * memory through f32 and f64 parameters and results into memory again.
 */
const FLOATS = wat(`(module
  (import "host" "h" (func $h (param f64) (result f64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\01\\00\\00\\00\\00\\00\\f4\\7f\\01\\00\\a0\\7f")
  (func $g (param $x f64) (param $y f32) (result f64)
    (f64.add (call $h (f64.mul (local.get $x) (f64.const 1.5))) (f64.promote_f32 (local.get $y))))
  (func $f (param $n i32) (result f64)
    (f64.sub (call $g (f64.convert_i32_s (local.get $n)) (f32.const 0.25)) (f64.const 1)))
  (func $id64 (param f64) (result f64) (local.get 0))
  (func $id32 (param i32 f32) (result f32) (local.get 1))
  (func (export "bits") (param $n i32)
    (loop $l
      (f64.store (i32.const 16) (call $id64 (f64.load (i32.const 0))))
      (f32.store (i32.const 24) (call $id32 (local.get $n) (f32.load (i32.const 8))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "run") (param $n i32) (result f64) (local $s f64)
    (loop $l
      (local.set $s (f64.add (local.get $s) (call $f (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`);

Deno.test("codegen direct: f32 and f64 arguments and results, their NaN bits, host traps and stops", () => {
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    for (const fuel of [false, true]) {
      const engine = new Engine(new Config({ executionTier: tier, consumeFuel: fuel }));
      const store = new Store(engine, null);
      const linker = new Linker<null>(engine);
      let calls = 0, throwAt = -1;
      linker.funcWrap("host", "h", { params: ["f64"], results: ["f64"] }, (_, x: number) => {
        if (++calls === throwAt) throw new Error("host");
        return x / 4;
      });
      const instance = linker.instantiate(store, new Module(engine, FLOATS));
      const run = instance.getFunc(store, "run")!;
      if (fuel) {
        // Fuel stops, some inside the direct f64 calls.
        for (const budget of [2, 5, 11]) {
          store.setFuel(budget);
          let call = run.callResumable(store, [Val.i32(20)]);
          for (let stops = 0; call.kind === "outOfFuel" && stops < 10_000; stops++) {
            log.push(call.requiredFuel, call.frames(store, { locals: true }));
            store.setFuel(budget + Number(call.requiredFuel));
            call = call.resume(store);
          }
          assert.equal(call.kind, "finished");
          if (call.kind === "finished") log.push(call.results[0]!.value);
        }
        continue;
      }
      log.push(run.call(store, [Val.i32(300)])[0]!.value);
      // A host trap inside the direct call of $g from $f (cached from the 2nd call on), then
      // resumed; and the same error as a trap, with its backtrace.
      for (const at of [1, 2, 250]) {
        calls = 0;
        throwAt = at;
        const call = run.callResumable(store, [Val.i32(300)]);
        assert.equal(call.kind, "hostTrap");
        if (call.kind !== "hostTrap") continue;
        log.push(call.frames(store, { locals: true }));
        const done = call.resume(store, [Val.f64(0.5)]);
        if (done.kind === "finished") log.push(done.results[0]!.value);
      }
      calls = 0;
      throwAt = 120;
      try {
        run.call(store, [Val.i32(300)]);
        log.push("no error");
      } catch (e) {
        log.push(String(e), e instanceof Trap ? e.backtrace : "not a trap");
      }
      instance.getFunc(store, "bits")!.call(store, [Val.i32(50)]);
      const bytes = instance.getMemory(store, "memory")!.data(store);
      // The signalling NaNs' words, unchanged.
      assert.deepEqual([...bytes.subarray(16, 28)], [...bytes.subarray(0, 12)]);
      log.push([...bytes.subarray(16, 28)]);
      if (tier === "codegen") {
        const entity = funcs.entity(store, run) as WasmFuncEntity;
        for (const i of [1, 2, 3, 4]) {
          assert.ok(hasDirect(entity.instance.funcs[i] as WasmFuncEntity), `func ${i}`);
        }
      }
    }
    return log;
  });
  assert.ok(seen[0]!.length > 30, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/** A recursion through `call_indirect` alternating between two targets (a cache miss a call). */
const INDIRECT_DEEP = wat(`(module
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $even $odd)
  (func $even (type $t)
    (if (result i32) (local.get 0)
      (then (i32.add (i32.const 1)
        (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1))))
      (else (i32.div_s (i32.const 7) (local.get 0)))))
  (func $odd (type $t)
    (i32.add (i32.const 2)
      (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))
  (func (export "run") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.and (local.get 0) (i32.const 1)))))`);

Deno.test("codegen direct: an indirect call's uncached targets nest, overflow and trap as in the interpreter", () => {
  // Every other call of the recursion enters a target the site did not cache through its
  // direct entry: deep recursions must end with the interpreter's StackOverflow (or result),
  // the division by zero at the bottom with its backtrace, in plain and collectable code.
  for (const wasmGc of [false, true]) {
    for (const limits of [{ maxRecursionDepth: 300 }, { maxRecursionDepth: 3_000_000 }]) {
      const seen = TIERS.map((tier) => {
        const t = instantiate(INDIRECT_DEEP, {
          config: { executionTier: tier, wasmGc, ...limits },
        });
        const out: unknown[] = [];
        for (const n of [9, 250, 1_000_001]) {
          try {
            out.push(t.call("run", n));
          } catch (e) {
            assert.ok(e instanceof Trap, String(e));
            out.push(e.message, e.backtrace.length, e.backtrace.slice(0, 3));
          }
        }
        return out;
      });
      assert.deepEqual(seen[1], seen[0], `wasmGc ${wasmGc}, ${JSON.stringify(limits)}`);
    }
  }
});

/**
 * Recursions whose calls of themselves enter their own direct entry (no call-site cache, see
 * `recursive` in `I.Call`): a fib whose leaves call the host, and a countdown that returns its
 * depth or, at 0 with `$trap` set, divides by zero.
 */
const SELF = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $fib (export "fib") (param $n i32) (result i32) (local $t i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (call $h (local.get $n)))
      (else
        (local.set $t (call $fib (i32.sub (local.get $n) (i32.const 1))))
        (i32.add (local.get $t) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $down (export "down") (param $n i32) (param $trap i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (i32.const 1)
        (call $down (i32.sub (local.get $n) (i32.const 1)) (local.get $trap))))
      (else (i32.div_s (i32.const 1) (i32.eqz (local.get $trap)))))))`);

Deno.test("codegen direct: recursive calls stop, host-trap, trap and recurse 1,000,000 deep as in the interpreter", () => {
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    for (
      const limits of [
        { maxRecursionDepth: 2_000_000, maxStackHeight: 64_000_000 },
        { maxRecursionDepth: 700 },
      ]
    ) {
      const engine = new Engine(
        new Config({ executionTier: tier, consumeFuel: true, ...limits }),
      );
      const store = new Store(engine, null);
      const linker = new Linker<null>(engine);
      let calls = 0, throwAt = -1;
      linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
        if (++calls === throwAt) throw new Error("host");
        return x;
      });
      const instance = linker.instantiate(store, new Module(engine, SELF));
      const fib = instance.getFunc(store, "fib")!;
      const down = instance.getFunc(store, "down")!;
      // Fuel stops at every depth of the recursion, each resumed with what it asks.
      for (const budget of [1, 4, 9, 23]) {
        store.setFuel(budget);
        let call = fib.callResumable(store, [Val.i32(7)]);
        for (let stops = 0; call.kind === "outOfFuel" && stops < 10_000; stops++) {
          log.push(call.requiredFuel, call.frames(store, { locals: true }));
          store.setFuel(budget + Number(call.requiredFuel));
          call = call.resume(store);
        }
        assert.equal(call.kind, "finished");
        if (call.kind === "finished") log.push(call.results[0]!.value);
      }
      store.setFuel(1e15);
      // A host trap at a leaf, 7 frames deep: its frames, resumed with another value.
      for (const at of [1, 5, 13]) {
        calls = 0;
        throwAt = at;
        const call = fib.callResumable(store, [Val.i32(8)]);
        assert.equal(call.kind, "hostTrap");
        if (call.kind !== "hostTrap") continue;
        log.push(call.frames(store, { locals: true }));
        const done = call.resume(store, [Val.i32(100)]);
        if (done.kind === "finished") log.push(done.results[0]!.value);
      }
      throwAt = -1;
      // Deep: the result, or the trap (a division by zero, or StackOverflow) and its backtrace.
      for (const [n, trap] of [[1_000_000, 0], [1_000_000, 1], [699, 1], [30, 1]]) {
        try {
          log.push(down.call(store, [Val.i32(n!), Val.i32(trap!)])[0]!.value);
        } catch (e) {
          assert.ok(e instanceof Trap, String(e));
          log.push(e.message, e.backtrace.length, e.backtrace.slice(0, 3), e.backtrace.at(-1));
        }
      }
      log.push(fib.call(store, [Val.i32(20)])[0]!.value);
    }
    return log;
  });
  assert.ok(seen[0]!.length > 100, `${seen[0]!.length}`);
  assert.ok(seen[0]!.includes(1_000_001));
  assert.ok(seen[0]!.includes("integer divide by zero"));
  assert.ok(seen[0]!.includes("call stack exhausted"));
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * Calls of host functions with a fast entry (`HostFuncEntity.fast`: i32s in, none or one i32
 * out), and one without (an i64), from a loop (without \`wasmExceptions\` or \`wasmGc\`, under which
 * bodies are \`collectable\` and call host functions the ordinary way).
 */
const HOSTS = wat(`(module
  (import "host" "h0" (func $h0))
  (import "host" "h2" (func $h2 (param i32 i32) (result i32)))
  (import "host" "h3" (func $h3 (param i32 i32 i32) (result i32)))
  (import "host" "h64" (func $h64 (param i64) (result i64)))
  (func $run (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (call $h0)
      (local.set $acc (i32.add (call $h2 (local.get $acc) (local.get $n))
        (call $h3 (local.get $n) (i32.const 7) (local.get $acc))))
      (local.set $acc (i32.xor (local.get $acc)
        (i32.wrap_i64 (call $h64 (i64.extend_i32_s (local.get $acc))))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`);

Deno.test("codegen direct: host functions' fast entries return, trap, await and hook as in the interpreter", async () => {
  const seen: unknown[][] = [];
  for (const tier of TIERS) {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    let calls = 0, mode = "", at = -1;
    // Odd results (a boolean, a string) on purpose: the conversion's error must match.
    const odd = (): number | undefined => {
      if (++calls !== at) return undefined;
      if (mode === "throw") throw new Error("host");
      if (mode === "bool") return true as unknown as number;
      if (mode === "string") return "x" as unknown as number;
      return Promise.resolve(calls * 5) as unknown as number;
    };
    linker.funcWrap("host", "h0", { params: [], results: [] }, () => {
      const o = odd();
      return mode === "async" ? o : undefined;
    });
    linker.funcWrap("host", "h2", { params: ["i32", "i32"], results: ["i32"] }, (_, a, b) => {
      return odd() ?? (a * 3 + b) | 0;
    });
    linker.funcWrap(
      "host",
      "h3",
      { params: ["i32", "i32", "i32"], results: ["i32"] },
      (_, a, b, c) => odd() ?? (a ^ (b << 4) ^ c),
    );
    linker.funcWrap("host", "h64", { params: ["i64"], results: ["i64"] }, (_, x) => x * 3n);
    const instance = linker.instantiate(store, new Module(engine, HOSTS));
    const run = instance.getFunc(store, "run")!;
    log.push(run.call(store, [Val.i32(50)])[0]!.value);
    for (const m of ["throw", "bool", "string", "async"]) {
      for (const k of [1, 2, 3, 7, 40]) {
        [mode, at, calls] = [m, k, 0];
        try {
          if (m === "async") log.push((await run.callAsync(store, [Val.i32(20)]))[0]!.value);
          else {
            const call = run.callResumable(store, [Val.i32(20)]);
            if (call.kind === "hostTrap") {
              log.push("hostTrap", String(call.hostError), call.frames(store, { locals: true }));
              const done = call.resume(store, [Val.i32(9)]);
              log.push(done.kind === "finished" ? done.results[0]!.value : done.kind);
            } else log.push(call.kind === "finished" ? call.results[0]!.value : call.kind);
          }
        } catch (e) {
          log.push("threw", String(e));
        }
      }
    }
    // Under a call hook every host call goes through it.
    [mode, at] = ["", -1];
    const kinds: string[] = [];
    store.callHook((_, kind) => void kinds.push(kind));
    log.push(run.call(store, [Val.i32(3)])[0]!.value, kinds.join());
    store.callHook(null);
    log.push(run.call(store, [Val.i32(3)])[0]!.value);
    seen.push(log);
  }
  assert.ok(seen[0]!.length > 50, `${seen[0]!.length}`);
  assert.ok(seen[0]!.includes("hostTrap"));
  assert.deepEqual(seen[1], seen[0]);
});

/** A defined callee that keeps a count in its instance's global and calls the host. */
const TWO = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $bump (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (call $h (local.get 0))))
    (global.get $g))
  (func (export "run") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $bump (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func (export "g") (result i32) (global.get $g)))`);

Deno.test("codegen direct: a call site's cached defined callee runs in each instance's own", () => {
  // The instance that fills a site's cache is not the one every later call comes from: stops
  // and host traps in another instance's callee must resume in that instance (its global).
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    let calls = 0;
    linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
      if (++calls % 7 === 0) throw new Error("host");
      return x;
    });
    const module = new Module(engine, TWO);
    const [a, b] = [linker.instantiate(store, module), linker.instantiate(store, module)];
    for (let round = 0; round < 6; round++) {
      const inst = round % 2 === 0 ? a : b;
      store.setFuel(13 + round);
      let call = inst.getFunc(store, "run")!.callResumable(store, [Val.i32(5 + round)]);
      for (let stops = 0; call.kind !== "finished" && stops < 1000; stops++) {
        if (call.kind === "outOfFuel") {
          log.push(call.requiredFuel, call.frames(store, { locals: true }));
          store.setFuel(13 + Number(call.requiredFuel));
          call = call.resume(store);
        } else {
          log.push("hostTrap", call.frames(store, { locals: true }));
          call = call.resume(store, [Val.i32(100)]);
        }
      }
      if (call.kind === "finished") log.push(call.results[0]!.value);
      store.setFuel(1000);
      log.push(a.getFunc(store, "g")!.call(store, [])[0]!.value);
      log.push(b.getFunc(store, "g")!.call(store, [])[0]!.value);
    }
    return log;
  });
  assert.ok(seen[0]!.includes("hostTrap"));
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * A host function with a fast entry that grows the memory and re-enters Wasm while the frame
 * calling it keeps its locals and its memory view: after the call it must see the new pages.
 */
const REENTER = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "leaf") (param i32) (result i32)
    (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (local.get 0)))
    (i32.mul (local.get 0) (i32.const 3)))
  (func (export "run") (param $n i32) (result i32) (local $s i32) (local $k i32)
    (loop $l
      (local.set $k (call $h (local.get $n)))
      (i32.store (i32.mul (memory.size) (i32.const 60000)) (local.get $k))
      (local.set $s (i32.add (local.get $s)
        (i32.add (local.get $k) (i32.load (i32.mul (memory.size) (i32.const 60000))))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $s) (i32.load (i32.const 8)))))`);

Deno.test("codegen direct: a host function's fast entry may grow the memory and re-enter Wasm", () => {
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    const box: { leaf?: (x: number) => number; grow?: () => number } = {};
    linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
      if (x % 3 === 0) box.grow!();
      return box.leaf!(x) + 1;
    });
    const instance = linker.instantiate(store, new Module(engine, REENTER));
    const leaf = instance.getTypedFunc<[number], number>(store, "leaf");
    const mem = instance.getMemory(store, "mem")!;
    box.leaf = (x) => leaf.call(store, x);
    box.grow = () => mem.grow(store, 1);
    const run = instance.getFunc(store, "run")!;
    return [run.call(store, [Val.i32(10)])[0]!.value, mem.data(store).length];
  });
  assert.deepEqual(seen[1], seen[0]);
  assert.equal(seen[0]![1], 4 * 65536);
});

const COMPACT = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $leaf (param i32 i64) (result i64)
    (i64.add (local.get 1) (i64.extend_i32_s (call $h (local.get 0)))))
  (func $mid (param i32) (result i32) (local $x i64)
    (local.set $x (call $leaf (local.get 0) (i64.const 0x100000001)))
    (local.set $x (i64.mul (local.get $x) (call $leaf (i32.add (local.get 0) (i32.const 1)) (local.get $x))))
    (i32.div_s (i32.wrap_i64 (local.get $x)) (i32.sub (local.get 0) (i32.const 7))))
  (func (export "run") (param $n i32) (result i32)
    (i32.add (call $mid (local.get $n))
      (i32.add (call $mid (i32.add (local.get $n) (i32.const 1)))
        (call $mid (i32.add (local.get $n) (i32.const 2)))))))`);

Deno.test("codegen direct: compact call sites (outside loops) stop, trap and host-trap as in the interpreter", () => {
  // Every call here is outside its caller's loops: the sites keep only their direct call inline
  // and call `callOut` the first time (and where the nesting leaves no room).
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    let calls = 0, throwAt = -1;
    linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
      if (++calls === throwAt) throw new Error("host");
      return x * 3 + 1;
    });
    const instance = linker.instantiate(store, new Module(engine, COMPACT));
    const run = instance.getFunc(store, "run")!;
    for (const budget of [1, 4, 9, 17, 40]) {
      store.setFuel(budget);
      let call = run.callResumable(store, [Val.i32(11)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 10_000; stops++) {
        log.push(call.requiredFuel, call.frames(store, { locals: true }));
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    store.setFuel(1_000_000);
    callsLog(log, store, run, [1, 5, 6, 20].map((n) => [Val.i32(n)]));
    const arm = (at: number) => {
      calls = 0;
      throwAt = at;
    };
    hostTrapsLog(log, store, run, [Val.i32(30)], [1, 2, 5], arm, Val.i32(5));
    return log;
  });
  assert.ok(seen[0]!.length > 20, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * One module, instances in two stores and a third in the first store: a recursive function,
 * a defined callee and indirect targets, each reading its own instance's memory and global;
 * the host function re-enters the other instance of its store.
 */
const OWN = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (type $u (func (param i32) (result i32)))
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $peek $bump)
  (func $peek (type $u) (i32.add (local.get 0) (i32.load (i32.const 0))))
  (func $bump (type $u) (global.set $g (i32.add (global.get $g) (local.get 0))) (global.get $g))
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i32.load (i32.const 0)))
      (else (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1)))
        (call_indirect (type $u) (local.get $n) (i32.and (local.get $n) (i32.const 1)))))))
  (func (export "run") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $rec (local.get $n))))
      (local.set $s (i32.add (local.get $s) (call $h (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $s) (global.get $g))))`);

Deno.test("codegen direct: each instance's direct entries run on its own instance and store", () => {
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier }));
    const module = new Module(engine, OWN);
    const log: unknown[] = [];
    const stores = [new Store(engine, null), new Store(engine, null)];
    const made = stores.map((store) => {
      const linker = new Linker<null>(engine);
      // Re-enters the other instance of its store (if any) from inside a direct call.
      let other: (() => number) | null = null;
      linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
        const inner = other?.() ?? 0;
        other = null;
        return x + inner;
      });
      const instance = linker.instantiate(store, module);
      return { store, linker, instance, reenter: (f: () => number) => (other = f) };
    });
    const third = made[0]!.linker.instantiate(stores[0]!, module);
    const all = [
      { store: stores[0]!, instance: made[0]!.instance },
      { store: stores[1]!, instance: made[1]!.instance },
      { store: stores[0]!, instance: third },
    ];
    all.forEach(({ store, instance }, k) => {
      new DataView(instance.getMemory(store, "mem")!.data(store).buffer).setInt32(
        0,
        1000 * (k + 1),
        true,
      );
    });
    for (let round = 0; round < 6; round++) {
      const { store, instance } = all[round % 3]!;
      if (round % 3 === 0) {
        made[0]!.reenter(() =>
          third.getFunc(stores[0]!, "rec")!.call(stores[0]!, [Val.i32(6)])[0]!.value as number
        );
      }
      log.push(instance.getFunc(store, "run")!.call(store, [Val.i32(8 + round)])[0]!.value);
      for (const { store, instance } of all) {
        log.push(instance.getGlobal(store, "g")!.get(store).value);
      }
    }
    if (tier === "codegen") {
      // Every instance has its own direct entry of `rec`.
      const entries = all.map(({ store, instance }) =>
        (funcs.entity(store, instance.getFunc(store, "rec")!) as WasmFuncEntity).direct
      );
      assert.ok(entries.every((d) => typeof d === "function"));
      assert.equal(new Set(entries).size, 3);
    }
    return log;
  });
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * Recursion whose frames take ~100 slots each, so that both stacks grow many times while
 * direct calls nest; after each return the frame computes a value and passes it through the
 * value stack (a v128 parameter: no direct entry), which must reach the callee in the current
 * arrays (see `RELOAD_STACKS` in codegen.ts).
 */
const GROWING = wat(`(module
  (func $mix (param $v v128) (param $k i32) (result i32)
    (i32.add (i32x4.extract_lane 2 (local.get $v)) (local.get $k)))
  (func $rec (export "rec") (param $n i32) (result i32)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $g i64) (local $h i64) (local $i i64) (local $j i64)
    (local $pad v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $p4 v128)
    (local $p5 v128) (local $p6 v128) (local $p7 v128) (local $p8 v128) (local $p9 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128) (local $q4 v128)
    (local $q5 v128) (local $q6 v128) (local $q7 v128) (local $q8 v128) (local $q9 v128)
    (local $r i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
    (local.set $a (i64.extend_i32_u (local.get $n)))
    (local.set $r (call $rec (i32.sub (local.get $n) (i32.const 1))))
    (local.set $pad (i32x4.splat (i32.add (local.get $r) (i32.wrap_i64 (local.get $a)))))
    (i32.and (call $mix (local.get $pad) (local.get $n)) (i32.const 0xfffffff))))`);

// GROWING's shape with few locals: a body without loops (not even its locals' zeroing), whose
// direct entry reads the stacks' views where it uses them (`lazyStacks` in codegen.ts).
const GROWING_FEW = wat(`(module
  (func $mix (param $v v128) (param $k i32) (result i32)
    (i32.add (i32x4.extract_lane 2 (local.get $v)) (local.get $k)))
  (func $rec (export "rec") (param $n i32) (result i32)
    (local $a i64) (local $pad v128) (local $r i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
    (local.set $a (i64.extend_i32_u (local.get $n)))
    (local.set $r (call $rec (i32.sub (local.get $n) (i32.const 1))))
    (local.set $pad (i32x4.splat (i32.add (local.get $r) (i32.wrap_i64 (local.get $a)))))
    (i32.and (call $mix (local.get $pad) (local.get $n)) (i32.const 0xfffffff))))`);

Deno.test("codegen direct: values passed through the value stack after the stacks grew beneath", () => {
  for (const bytes of [GROWING, GROWING_FEW]) {
    const seen = TIERS.flatMap((tier) =>
      [false, true].map((fuel) => {
        const t = instantiate(bytes, { config: { executionTier: tier, consumeFuel: fuel } });
        if (fuel) t.store.setFuel(1_000_000_000n);
        const out = [3, 300, 5000, 300].map((n) => t.call("rec", n));
        if (tier === "codegen" && bytes === GROWING_FEW) {
          const body = t.entity("rec").compiled?.generated as { directFor?: unknown };
          const make = String(body.directFor);
          const direct = make.slice(make.indexOf("const direct = "));
          // No view read at entry: each use reads the stack's current one.
          assert.doesNotMatch(direct, /\blet (s32|frames)\b/);
          assert.match(direct, /\bst\.s32\[/);
        }
        return out;
      })
    );
    for (const s of seen.slice(1)) assert.deepEqual(s, seen[0]);
  }
});

/**
 * GC bodies without exceptions keep `st.depth` at most their depth while direct calls run, and
 * make their frame the innermost only where something may collect (see `ownEnter` in
 * codegen.ts): `$mid` holds a tree only in its local across a host call whose callback
 * allocates enough to collect (the tree's handle must survive), and traps after callees that
 * collected have returned (the backtrace must end at `$mid`).
 */
const GC_HOST = await parse(`(module
  (type $node (struct (field $l (ref null $node)) (field $r (ref null $node)) (field $v i32)))
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $make (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node) (i32.const 1)))
      (else (struct.new $node (call $make (i32.sub (local.get $d) (i32.const 1)))
        (call $make (i32.sub (local.get $d) (i32.const 1))) (local.get $d)))))
  (func $sum (param $t (ref null $node)) (result i32)
    (if (result i32) (ref.is_null (local.get $t)) (then (i32.const 0))
      (else (i32.add (struct.get $node $v (local.get $t))
        (i32.add (call $sum (struct.get $node $l (local.get $t)))
          (call $sum (struct.get $node $r (local.get $t))))))))
  (func (export "churn") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $sum (call $make (i32.const 9)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func $mid (param $d i32) (param $k i32) (result i32) (local $t (ref null $node))
    (local.set $t (call $make (local.get $d)))
    (if (i32.lt_s (local.get $k) (i32.const 0))
      (then (drop (struct.get $node $v (ref.null $node)))))
    (drop (call $h (local.get $k)))
    (call $sum (local.get $t)))
  (func $chain (param $n i32) (param $acc (ref null $node)) (result i32)
    (if (i32.eqz (local.get $n)) (then (return (call $len (local.get $acc)))))
    (if (i32.eq (local.get $n) (i32.const -5)) (then (drop (struct.get $node $v (ref.null $node)))))
    (return_call $chain (i32.sub (local.get $n) (i32.const 1))
      (struct.new $node (local.get $acc) (ref.null $node) (local.get $n))))
  (func $len (param $t (ref null $node)) (result i32) (local $k i32)
    (block $done (loop $l
      (br_if $done (ref.is_null (local.get $t)))
      (local.set $k (i32.add (local.get $k) (struct.get $node $v (local.get $t))))
      (local.set $t (struct.get $node $l (local.get $t)))
      (br $l)))
    (local.get $k))
  (func (export "tail") (param $n i32) (result i32)
    (i32.add (call $chain (local.get $n) (ref.null $node)) (i32.const 1)))
  (func (export "run") (param $d i32) (param $k i32) (result i32)
    (call $mid (local.get $d) (local.get $k))))`);

Deno.test("codegen direct: GC bodies collect under host calls and trap after collecting callees as in the interpreter", () => {
  const seen = TIERS.flatMap((tier) =>
    [false, true].map((fuel) => {
      const engine = new Engine(
        new Config({ executionTier: tier, wasmGc: true, consumeFuel: fuel }),
      );
      const store = new Store(engine, null);
      if (fuel) store.setFuel(1_000_000_000);
      const linker = new Linker<null>(engine);
      let churn: (n: number) => number = () => 0;
      linker.funcWrap(
        "host",
        "h",
        { params: ["i32"], results: ["i32"] },
        (_caller, k) => k > 0 ? churn(k) : 0,
      );
      const instance = linker.instantiate(store, new Module(engine, GC_HOST));
      const churnFunc = instance.getFunc(store, "churn")!;
      churn = (n) => churnFunc.call(store, [Val.i32(n)])[0]!.value as number;
      const run = instance.getFunc(store, "run")!;
      const log: unknown[] = [];
      for (const [d, k] of [[3, 0], [12, 0], [5, 40], [12, 20], [13, -1], [2, -1]]) {
        try {
          log.push(run.call(store, [Val.i32(d!), Val.i32(k!)])[0]!.value);
        } catch (e) {
          assert.ok(e instanceof Trap);
          log.push(e.code, e.backtrace);
        }
      }
      // Tail calls that allocate and collect, and trap (a negative count reaches -5).
      const tail = instance.getFunc(store, "tail")!;
      for (const n of [20_000, 3, -2, 40]) {
        try {
          log.push(tail.call(store, [Val.i32(n)])[0]!.value);
        } catch (e) {
          assert.ok(e instanceof Trap);
          log.push(e.code, e.backtrace);
        }
      }
      const gc = storeInner(store).gc;
      assert.ok(gc.collections > 10, `${tier}: ${gc.collections} collections`);
      if (tier === "codegen" && !fuel) {
        // The words each call site of \`$make\` and \`$sum\` writes for the collector.
        const entity = funcs.entity(store, run) as WasmFuncEntity;
        const roots = (i: number) => {
          const f = entity.instance.funcs[i] as WasmFuncEntity;
          const make = String((f.compiled?.generated as { directFor?: unknown }).directFor);
          return [
            ...make.matchAll(
              /((?:(?:if \(typeof [rh]\d+ === "number"\) )?st\.s32\[fp \+ \d+\] = [rh]\d+; ?)*)\s*const base = /g,
            ),
          ].map((m) => m[1]!.trim());
        };
        // Both direct entries hold references as objects (codegen.ts, "References as
        // objects"): a local holding an object keeps it alive itself and is written only when
        // it holds a word.
        const word = (k: number) => `if (typeof r${k} === "number") st.s32[fp + ${k}] = r${k};`;
        // \`$make\`: nothing before its first call (its only local is an i32), its first
        // result before the second.
        assert.deepEqual(roots(1), ["", word(4)]);
        // \`$sum\`: \`$t\` (slot 0) before the first call, which it outlives, not before the
        // second; the temporaries live across a call (slots 1 and 2) before each.
        assert.deepEqual(roots(2), [`${word(0)} ${word(4)}`, `${word(4)} ${word(8)}`]);
      }
      return log;
    })
  );
  assert.ok(seen[0]!.includes(TrapCode.NullStructReference), JSON.stringify(seen[0]));
  for (const s of seen.slice(1)) assert.deepEqual(s, seen[0]);
});

Deno.test("codegen direct: mutual recursion across depth windows through a costlier body stops and returns as in the interpreter", () => {
  // $small (cost 1: no nesting argument, direct calls within an aligned 32-depth window) and
  // $big (a frame of more than 64 words: it costs more and takes its nesting) call each other
  // 150 deep, so the chains cross windows at every depth in both directions; every fuel stop
  // must hold the interpreter's frames and resume to its result.
  const source = wat(`(module
  (func $small (export "small") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (i32.add (local.get 0)
        (if (result i32) (i32.rem_u (local.get 0) (i32.const 5))
          (then (call $small (i32.sub (local.get 0) (i32.const 1))))
          (else (call $big (i32.sub (local.get 0) (i32.const 1)))))))))
  (func $big (export "big") (param i32) (result i32) (local ${"i64 ".repeat(40)})
    (local.set 1 (i64.extend_i32_u (local.get 0)))
    (i32.xor (i32.wrap_i64 (local.get 1)) (call $small (local.get 0)))))`);
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    for (const budget of [0, 7, 50, 333]) {
      const t = instantiate(source, { config: { executionTier: tier, consumeFuel: budget > 0 } });
      if (budget > 0) t.store.setFuel(1_000_000);
      log.push(t.call("small", 3), t.call("big", 3));
      if (tier === "codegen") {
        assert.ok(hasDirect(t.entity("small")) && hasDirect(t.entity("big")));
      }
      if (budget === 0) {
        for (const n of [30, 31, 32, 33, 63, 64, 150]) {
          log.push(t.call("small", n), t.call("big", n));
        }
        continue;
      }
      t.store.setFuel(budget);
      let call = t.func("small").callResumable(t.store, [Val.i32(150)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 100_000; stops++) {
        const frames = call.frames(t.store);
        log.push(call.requiredFuel, frames.length);
        t.store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(t.store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    return log;
  });
  assert.ok(seen[0]!.length > 100, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * An indirect call site cycling through twelve targets, more than its slots for targets besides
 * the cached one (`OTHER_TARGETS` in src/engine/codegen.ts), one of which traps on a marked
 * argument; `swap` replaces table slot 3 mid-loop with a function of the same type, so a slot
 * that kept a callee must follow the table, not the index.
 */
const INDIRECT_MANY = wat(`(module
  (type $t (func (param i32) (result i32)))
  (table $tab 12 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7 $f8 $f9 $f10 $f11)
  (elem declare func $other)
  (func $f0 (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $f1 (type $t) (i32.mul (local.get 0) (i32.const 3)))
  (func $f2 (type $t) (i32.xor (local.get 0) (i32.const 0x5555)))
  (func $f3 (type $t) (i32.rotl (local.get 0) (i32.const 7)))
  (func $f4 (type $t) (i32.sub (local.get 0) (i32.const 7)))
  (func $f5 (type $t) (i32.mul (local.get 0) (local.get 0)))
  (func $f6 (type $t) (i32.shr_u (local.get 0) (i32.const 1)))
  (func $f7 (type $t)
    (if (i32.eq (local.get 0) (i32.const -7)) (then unreachable))
    (i32.add (local.get 0) (i32.const 0x1234)))
  (func $f8 (type $t) (i32.or (local.get 0) (i32.const 0x80)))
  (func $f9 (type $t) (call $f1 (call $f0 (local.get 0))))
  (func $f10 (type $t) (i32.clz (local.get 0)))
  (func $f11 (type $t) (i32.popcnt (local.get 0)))
  (func $other (type $t) (i32.sub (i32.const 99) (local.get 0)))
  (func (export "run") (param $n i32) (param $swap i32) (param $trap i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $top
      (if (i32.eq (local.get $i) (local.get $swap))
        (then (table.set $tab (i32.const 3) (ref.func $other))))
      (local.set $acc
        (call_indirect (type $t)
          (select (i32.const -7) (i32.add (local.get $acc) (local.get $i))
            (i32.eq (local.get $i) (local.get $trap)))
          (i32.rem_u (local.get $i) (i32.const 12))))
      (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))`);

Deno.test("codegen direct: an indirect call's many targets, a table slot replaced and a trap in one, as in the interpreter", () => {
  const seen = TIERS.map((tier) =>
    [false, true].flatMap((consumeFuel) => {
      const t = instantiate(INDIRECT_MANY, { config: { executionTier: tier, consumeFuel } });
      if (consumeFuel) t.store.setFuel(1_000_000_000n);
      const out: unknown[] = [];
      // -1 never matches `$i`: no swap, no trap. 7 is the first call of $f7.
      for (
        const [n, swap, trap] of [[5000, -1, -1], [5000, 2000, -1], [5000, 2000, 4003], [30, -1, 7]]
      ) {
        try {
          out.push(t.call("run", n, swap, trap));
        } catch (e) {
          assert.ok(e instanceof Trap, String(e));
          out.push(e.message, e.backtrace.length);
        }
      }
      return out;
    })
  );
  assert.equal(seen[0]!.filter((x) => x === "unreachable").length, 4);
  assert.deepEqual(seen[1], seen[0]);
});

/** The site: `run(n, m)` calls table element `i % m` for `i` below `n`, folding the results. */
const INDIRECT_RUN =
  `(func (export "run") (param $n i32) (param $m i32) (result i32) (local $i i32) (local $acc i32)
    (loop $top
      (local.set $acc
        (call_indirect (type $t) (i32.add (local.get $acc) (local.get $i))
          (i32.rem_u (local.get $i) (local.get $m))))
      (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))`;

/**
 * A table whose elements change under a `call_indirect` site that keeps its targets by handle
 * (see `byHandle` in `I.Call`): the same function at two indices, an element replaced by a
 * function of another type, by another function, by null, the table grown (its elements
 * reallocated), an index past its end, a trap in a kept target; and a second instance calling
 * through the same (imported) table, whose own function an element segment put there.
 */
const INDIRECT_HANDLES = `(module
  (type $t (func (param i32) (result i32)))
  (type $u (func (param i32 i32) (result i32)))
  (table $tab (export "tab") 4 funcref)
  (elem (i32.const 0) $a $b $a $c)
  (elem declare func $wrong $d)
  (func $a (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $b (type $t) (i32.mul (local.get 0) (i32.const 3)))
  (func $c (type $t)
    (if (result i32) (i32.eq (local.get 0) (i32.const -5))
      (then unreachable)
      (else (i32.xor (local.get 0) (i32.const 0x55)))))
  (func $d (type $t) (i32.sub (local.get 0) (i32.const 9)))
  (func $wrong (type $u) (i32.add (local.get 0) (local.get 1)))
  ${INDIRECT_RUN}
  (func (export "one") (param $x i32) (param $k i32) (result i32)
    (call_indirect (type $t) (local.get $x) (local.get $k)))
  (func (export "set_wrong") (param i32) (table.set $tab (local.get 0) (ref.func $wrong)))
  (func (export "set_d") (param i32) (table.set $tab (local.get 0) (ref.func $d)))
  (func (export "set_null") (param i32) (table.set $tab (local.get 0) (ref.null func)))
  (func (export "grow") (result i32) (table.grow $tab (ref.func $d) (i32.const 4))))`;

const INDIRECT_HANDLES_USER = `(module
  (type $t (func (param i32) (result i32)))
  (import "a" "tab" (table $tab 4 funcref))
  (elem (table $tab) (i32.const 5) func $e)
  (func $e (type $t) (i32.rotl (local.get 0) (i32.const 5)))
  ${INDIRECT_RUN})`;

Deno.test("codegen direct: an indirect call's targets kept by handle follow table changes as in the interpreter", () => {
  const seen = TIERS.map((tier) =>
    [false, true].flatMap((consumeFuel) => {
      const t = instantiate(INDIRECT_HANDLES, { config: { executionTier: tier, consumeFuel } });
      if (consumeFuel) t.store.setFuel(1_000_000_000n);
      const out: unknown[] = [];
      const step = (name: string, ...args: number[]) => {
        try {
          out.push(name, t.call(name, ...args));
        } catch (e) {
          assert.ok(e instanceof Trap, String(e));
          out.push(name, e.message, e.backtrace.length);
        }
      };
      step("run", 1000, 4);
      for (let k = 0; k < 50; k++) step("one", k, 3);
      step("one", -5, 3); // a trap in a kept target
      step("set_wrong", 1);
      step("run", 1000, 1);
      step("run", 1000, 4); // index 1 now has another type
      step("set_d", 1);
      step("run", 1000, 4);
      step("set_null", 2);
      step("run", 1000, 2);
      step("run", 1000, 4); // index 2 is null
      step("run", 1000, 5); // index 4 is past the end
      step("grow");
      step("run", 1000, 8);
      step("run", 1000, 9); // index 8 is past the end
      const u = instantiate(INDIRECT_HANDLES_USER, {
        engine: t.engine,
        store: t.store,
        imports: { "a.tab": t.instance.getExport(t.store, "tab")! },
      });
      for (const [n, m] of [[1000, 8], [1000, 6], [1000, 9]]) {
        try {
          out.push("user", u.call("run", n, m));
        } catch (e) {
          assert.ok(e instanceof Trap, String(e));
          out.push("user", e.message, e.backtrace.length);
        }
      }
      step("run", 1000, 8); // $e, of the other instance, at index 5
      return out;
    })
  );
  assert.equal(seen[0]!.filter((x) => x === "unreachable").length, 2);
  assert.ok(seen[0]!.some((x) => typeof x === "string" && x.includes("uninitialized")));
  assert.deepEqual(seen[1], seen[0]);
});

/**
 * `run(n, m)` (see `INDIRECT_RUN`) whose first target, `$a`, is the one its site enters
 * through `enterFunc`: kept by handle afterwards like the others (see `byHandle`), where it
 * then traps (once `arm` set the global) and stops for fuel.
 */
const INDIRECT_FIRST = `(module
  (type $t (func (param i32) (result i32)))
  (table $tab (export "tab") 2 funcref)
  (elem (i32.const 0) $a $b)
  (global $armed (mut i32) (i32.const 0))
  (func $a (type $t)
    (if (global.get $armed) (then unreachable))
    (i32.add (local.get 0) (i32.const 1)))
  (func $b (type $t) (i32.mul (local.get 0) (i32.const 3)))
  ${INDIRECT_RUN}
  (func (export "arm") (global.set $armed (i32.const 1))))`;

Deno.test("codegen direct: an indirect site's first target, kept by handle, stops and traps as in the interpreter", () => {
  const seen = TIERS.map((tier) => {
    const t = instantiate(INDIRECT_FIRST, { config: { executionTier: tier, consumeFuel: true } });
    const out: unknown[] = [];
    t.store.setFuel(1_000_000_000n);
    out.push(t.call("run", 1000, 2));
    const run = t.instance.getFunc(t.store, "run")!;
    for (const budget of [2, 5, 11]) {
      t.store.setFuel(budget);
      let call = run.callResumable(t.store, [Val.i32(40), Val.i32(2)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 10_000; stops++) {
        out.push(call.requiredFuel, call.frames(t.store, { locals: true }));
        t.store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(t.store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") out.push(call.results[0]!.value);
    }
    t.store.setFuel(1_000_000_000n);
    t.call("arm");
    try {
      out.push(t.call("run", 1000, 2));
    } catch (e) {
      assert.ok(e instanceof Trap, String(e));
      out.push(e.message, e.backtrace);
    }
    return out;
  });
  assert.ok(seen[0]!.includes("unreachable"));
  assert.ok(seen[0]!.length > 40, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});
