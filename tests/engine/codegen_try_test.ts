/**
 * Generated code for functions with `try_table` (see "Exceptions" in `src/engine/codegen.ts`):
 * each catch kind, nested handlers, `throw_ref` of a caught exception, exceptions thrown in the
 * same body, by direct, indirect and host callees, and across generated and interpreted frames in
 * both directions; fuel stops between a throw and its catch and inside handlers, continued in
 * either tier; traps in handlers with the interpreter's backtrace. Every result is compared with
 * the interpreter's, and every catching function is checked to be generated.
 */

import assert from "node:assert/strict";
import {
  Config,
  type ConfigOptions,
  Engine,
  Func,
  Linker,
  Module,
  Store,
  type Tag,
  Trap,
  TrapCode,
  Val,
  WasmException,
} from "../../mod.ts";
import type { CompiledFunc } from "../../src/engine/code_map.ts";
import { generateBody, generateSource } from "../../src/engine/codegen.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { funcs, instances } from "../../src/runtime/handles.ts";
import { wat } from "./harness.ts";

/** Throws what `$what` says (1: `$e` 11, 2: `$f` 22 2.5, 3: `$none`) where `$how` is 4. */
const INLINE = `(if (i32.eq (local.get $how) (i32.const 4)) (then
  (if (i32.eq (local.get $what) (i32.const 1)) (then (throw $e (i32.const 11))))
  (if (i32.eq (local.get $what) (i32.const 2)) (then (throw $f (i64.const 22) (f64.const 2.5))))
  (if (i32.eq (local.get $what) (i32.const 3)) (then (throw $none)))))`;

/**
 * `$src how what` throws `what` (as `INLINE`) from: 0 its direct callee, 1 two calls down, 2 an
 * indirect callee, 3 the host function `env.host`; otherwise it returns 1000 + what. The
 * exported catchers catch with each clause kind around `$src` (and around `INLINE`, thrown in
 * their own body).
 */
const MODULE = `(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (tag $f (export "f") (param i64 f64))
  (tag $none (export "none"))
  (table funcref (elem $thrower))
  (type $t (func (param i32) (result i32)))
  (func $thrower (param $what i32) (result i32)
    (local $how i32)
    (local.set $how (i32.const 4))
    ${INLINE}
    (i32.add (local.get $what) (i32.const 1000)))
  (func $mid (param i32) (result i32) (i32.add (call $thrower (local.get 0)) (i32.const 0)))
  (func $src (param $how i32) (param $what i32) (result i32)
    (if (i32.eqz (local.get $how)) (then (return (call $thrower (local.get $what)))))
    (if (i32.eq (local.get $how) (i32.const 1)) (then (return (call $mid (local.get $what)))))
    (if (i32.eq (local.get $how) (i32.const 2))
      (then (return (call_indirect (type $t) (local.get $what) (i32.const 0)))))
    (if (i32.eq (local.get $how) (i32.const 3)) (then (return (call $host (local.get $what)))))
    (i32.add (local.get $what) (i32.const 1000)))
  ;; catch: 100 + the payload.
  (func (export "c_catch") (param $how i32) (param $what i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        ${INLINE}
        (call $src (local.get $how) (local.get $what)))
      (return))
    (i32.add (i32.const 100)))
  ;; catch_ref: 200 + the payload's i64 + 10 * its f64, if the exnref is not null.
  (func (export "c_catch_ref") (param $how i32) (param $what i32) (result i32)
    (local $x exnref) (local $d f64) (local $j i64)
    (block $h (result i64 f64 exnref)
      (try_table (result i32) (catch_ref $f $h)
        ${INLINE}
        (call $src (local.get $how) (local.get $what)))
      (return))
    (local.set $x)
    (local.set $d)
    (local.set $j)
    (if (ref.is_null (local.get $x)) (then (unreachable)))
    (i32.add (i32.wrap_i64 (local.get $j)) (i32.trunc_f64_s (f64.mul (local.get $d) (f64.const 10))))
    (i32.add (i32.const 200)))
  ;; catch_all: 300.
  (func (export "c_catch_all") (param $how i32) (param $what i32) (result i32)
    (block $h
      (try_table (result i32) (catch_all $h)
        ${INLINE}
        (call $src (local.get $how) (local.get $what)))
      (return))
    (i32.const 300))
  ;; catch_all_ref, then throw_ref inside a catch of $e: 400 + the payload for $e, anything else
  ;; rethrown to the host.
  (func (export "c_catch_all_ref") (param $how i32) (param $what i32) (result i32)
    (block $h (result exnref)
      (try_table (result i32) (catch_all_ref $h)
        ${INLINE}
        (call $src (local.get $how) (local.get $what)))
      (return))
    (block $again (param exnref) (result i32)
      (try_table (param exnref) (result i32) (catch $e $again)
        (throw_ref))
      (return))
    (i32.add (i32.const 400)))
  ;; Nested: the inner catch of $e turns it into $f (7 * payload + 5); the outer catches $f and
  ;; catch_all: 7 (on the operand stack across both) + 500 + the i64 for $f, + 600 for others.
  (func (export "nested") (param $how i32) (param $what i32) (result i32)
    (local $keep i32)
    (local.set $keep (i32.const 7))
    (i32.add (local.get $keep)
      (block $done (result i32)
        (block $all
          (block $outer (result i64 f64)
            (try_table (result i32) (catch $f $outer) (catch_all $all)
              (i32.mul (local.get $keep)
                (block $inner (result i32)
                  (try_table (result i32) (catch $e $inner)
                    ${INLINE}
                    (call $src (local.get $how) (local.get $what)))
                  (br $done)))
              (local.set $keep (i32.const 9))
              (throw $f (i64.extend_i32_s (i32.add (i32.const 5))) (f64.const 0)))
            (br $done))
          (drop)
          (br $done (i32.add (i32.wrap_i64) (i32.const 500))))
        (i32.const 600))))
  ;; A loop that catches on each iteration (as bench/exceptions.wat): the sum of what the calls
  ;; return and the payloads, with the running sum on the operand stack across each try_table;
  ;; catch_all continues the loop (without testing its end).
  (func (export "loop") (param $how i32) (param $n i32) (result i32)
    (local $sum i32) (local $i i32) (local $what i32)
    (loop $l
      (local.set $what (i32.rem_u (local.get $i) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $sum
        (i32.add (local.get $sum)
          (block $caught (result i32)
            (try_table (result i32) (catch $e $caught) (catch_all $l)
              (i32.mul (call $src (local.get $how) (local.get $what)) (i32.const 3))))))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  ;; A trap in a handler: 1 / (payload - 11).
  (func (export "trap_in_handler") (param $how i32) (param $what i32) (result i32)
    (local $p i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (call $src (local.get $how) (local.get $what)))
      (return))
    (local.set $p)
    (i32.div_s (i32.const 1) (i32.sub (local.get $p) (i32.const 11))))
)`;

const CATCHERS = ["c_catch", "c_catch_ref", "c_catch_all", "c_catch_all_ref", "nested", "loop"];

/** The configurations compared: the interpreter first. */
const CONFIGS: ConfigOptions[] = [
  { executionTier: "interpreter" },
  { executionTier: "interpreter", consumeFuel: true },
  { executionTier: "codegen" },
  { executionTier: "codegen", consumeFuel: true },
  { executionTier: "codegen", codegenStyle: "lean" },
  { executionTier: "codegen", codegenStyle: "lean", consumeFuel: true },
];

/** An instance of `MODULE` whose host function throws as `$src` would (see `MODULE`). */
function setup(config: ConfigOptions, engine?: Engine) {
  engine ??= new Engine(new Config({ wasmExceptions: true, ...config }));
  const store = new Store(engine, null);
  if (config.consumeFuel) store.setFuel(1_000_000_000n);
  const tags: Record<string, Tag> = {};
  const host = Func.wrap(store, { params: ["i32"], results: ["i32"] }, (_, what: number) => {
    if (what === 1) throw new WasmException(store, tags.e!, [Val.i32(11)]);
    if (what === 2) throw new WasmException(store, tags.f!, [Val.i64(22n), Val.f64(2.5)]);
    if (what === 3) throw new WasmException(store, tags.none!, []);
    return what + 1000;
  });
  const linker = new Linker<null>(engine);
  linker.define("env", "host", host);
  const instance = linker.instantiate(store, new Module(engine, wat(MODULE)));
  for (const name of ["e", "f", "none"]) tags[name] = instance.getTag(store, name)!;
  const entity = (name: string) =>
    funcs.entity(store, instance.getFunc(store, name)!) as WasmFuncEntity;
  /** What `name(how, what)` returns, or the error it ends with (tag name and payload). */
  const outcome = (name: string, ...args: number[]): unknown => {
    try {
      return instance.getFunc(store, name)!.call(store, args.map((a) => Val.i32(a)))[0]!.value;
    } catch (e) {
      if (e instanceof WasmException) {
        const tag = Object.entries(tags).find(([, t]) => t === e.tag(store))![0];
        return { tag, payload: e.payload(store).map((v) => String(v.value)) };
      }
      if (e instanceof Trap) return { trap: e.code, message: e.message, backtrace: e.backtrace };
      throw e;
    }
  };
  return { engine, store, instance, entity, outcome, tags };
}

/** Whether `f` runs as generated code. */
function generated(f: WasmFuncEntity): boolean {
  return typeof f.compiled?.generated === "function";
}

/**
 * An engine generating every body as if no collector scanned the frames (callers' slots kept in
 * JS locals across calls, frames writing their own call-stack entries), exceptions on.
 */
class LazyEngine extends Engine {
  override bodyOf(cf: CompiledFunc, entry?: number, module?: Parameters<Engine["bodyOf"]>[2]) {
    if (cf.generated === undefined) {
      const result = generateBody(cf, undefined, false, entry, true, module);
      cf.generated = typeof result === "string" ? null : result.body;
    }
    return super.bodyOf(cf, entry, module);
  }
}

Deno.test("codegen try_table: every catch kind, thrown from every kind of site, as the interpreter", () => {
  const lazy: ConfigOptions[] = [
    { executionTier: "codegen" },
    { executionTier: "codegen", consumeFuel: true },
  ];
  const all = [...CONFIGS, ...lazy].map((config, i) => {
    const engine = i < CONFIGS.length
      ? undefined
      : new LazyEngine(new Config({ wasmExceptions: true, ...config }));
    const t = setup(config, engine);
    const seen: unknown[] = [];
    // (No exnref in lazy code: a handle kept in a JS local is not a root of the collector.)
    const names = i < CONFIGS.length ? CATCHERS : CATCHERS.filter((n) => !n.endsWith("_ref"));
    for (const name of names) {
      for (let how = 0; how <= 5; how++) {
        for (let what = 0; what <= 3; what++) {
          seen.push(name, how, what, t.outcome(name, how, name === "loop" ? 37 : what));
        }
      }
      if (config.executionTier === "codegen") assert.ok(generated(t.entity(name)), name);
    }
    const stats = t.engine.codegenStats();
    if (config.executionTier === "codegen") assert.equal(stats.interpreted, 0, `${stats.reasons}`);
    return seen;
  });
  for (let i = 1; i < CONFIGS.length; i++) assert.deepEqual(all[i], all[0], `configuration ${i}`);
  // The lazy spelling, on the catchers without exnref.
  const plain = (log: unknown[]) =>
    log.filter((_, k) => !String(log[k - (k % 4)]).endsWith("_ref"));
  for (let i = CONFIGS.length; i < all.length; i++) {
    assert.deepEqual(all[i], plain(all[0]!), `configuration ${i}`);
  }
  // Spot checks of the interpreter's answers themselves.
  const t = setup({ executionTier: "codegen" });
  assert.equal(t.outcome("c_catch", 0, 1), 111);
  assert.equal(t.outcome("c_catch", 4, 1), 111);
  assert.equal(t.outcome("c_catch", 3, 1), 111);
  assert.equal(t.outcome("c_catch", 0, 0), 1000);
  assert.deepEqual(t.outcome("c_catch", 2, 2), { tag: "f", payload: ["22", "2.5"] });
  assert.equal(t.outcome("c_catch_ref", 1, 2), 200 + 22 + 25);
  assert.equal(t.outcome("c_catch_all", 3, 3), 300);
  assert.equal(t.outcome("c_catch_all_ref", 2, 1), 411);
  assert.deepEqual(t.outcome("c_catch_all_ref", 4, 3), { tag: "none", payload: [] });
  assert.equal(t.outcome("nested", 0, 1), 7 + 500 + 7 * 11 + 5);
  assert.equal(t.outcome("nested", 1, 2), 7 + 500 + 22);
  assert.equal(t.outcome("nested", 3, 3), 7 + 600);
  assert.equal(t.outcome("nested", 0, 0), 7 + 1000);
});

Deno.test("codegen try_table: a trap in a handler has the interpreter's backtrace", () => {
  const traps = ["interpreter", "codegen"].map((tier) => {
    const t = setup({ executionTier: tier as "interpreter" | "codegen" });
    const out = [0, 1, 2, 3, 4].map((how) => t.outcome("trap_in_handler", how, 1));
    if (tier === "codegen") assert.ok(generated(t.entity("trap_in_handler")));
    return out;
  });
  assert.deepEqual(traps[1], traps[0]);
  const first = traps[0]![0] as { trap: TrapCode; backtrace: unknown[] };
  assert.equal(first.trap, TrapCode.IntegerDivisionByZero);
  assert.equal(first.backtrace.length, 1);
});

/** An engine that generates no body for the functions named in `interpreted`. */
class MixedEngine extends Engine {
  interpreted = new Set<number>();
  override bodyOf(cf: CompiledFunc, entry?: number, module?: Parameters<Engine["bodyOf"]>[2]) {
    if (this.interpreted.has(cf.funcIndex)) return null;
    return super.bodyOf(cf, entry, module);
  }
}

Deno.test("codegen try_table: exceptions cross generated and interpreted frames both ways", () => {
  const expected = CATCHERS.flatMap((name) => {
    const t = setup({ executionTier: "interpreter" });
    return [0, 1, 2, 3, 4].flatMap((how) => [1, 2, 3].map((what) => t.outcome(name, how, what)));
  });
  // 1 $thrower, 2 $mid, 3 $src (after the import, at index 0), then the catchers.
  for (const interpreted of [[1], [2], [3], [1, 3], [4, 5, 6, 7, 8, 9]]) {
    for (const fuel of [false, true]) {
      const engine = new MixedEngine(
        new Config({ executionTier: "codegen", wasmExceptions: true, consumeFuel: fuel }),
      );
      for (const i of interpreted) engine.interpreted.add(i);
      const t = setup({ executionTier: "codegen", consumeFuel: fuel }, engine);
      const seen = CATCHERS.flatMap((name) =>
        [0, 1, 2, 3, 4].flatMap((how) => [1, 2, 3].map((what) => t.outcome(name, how, what)))
      );
      assert.deepEqual(seen, expected, `interpreted ${interpreted}, fuel ${fuel}`);
    }
  }
});

Deno.test("codegen try_table: fuel stops anywhere between a throw and its catch, continued in either tier", () => {
  /** Every stop (required fuel, fuel left) and the result, from the given budget per stop. */
  const run = (tier: "interpreter" | "codegen", budget: number, flip: boolean) => {
    const t = setup({ executionTier: tier, consumeFuel: true });
    const log: unknown[] = [];
    const bodies = new Map<WasmFuncEntity, unknown>();
    const all = instances.entity(t.store, t.instance).funcs.filter((f) =>
      !f.isHost
    ) as WasmFuncEntity[];
    for (const name of ["c_catch_ref", "nested", "loop"]) {
      for (const how of [0, 3, 4]) {
        t.store.setFuel(budget);
        let call = t.instance.getFunc(t.store, name)!.callResumable(t.store, [
          Val.i32(how),
          Val.i32(name === "loop" ? 9 : 2),
        ]);
        let stops = 0;
        while (call.kind === "outOfFuel" && stops++ < 10_000) {
          log.push(call.requiredFuel, t.store.getFuel());
          if (flip) {
            // The next stretch in the other tier: generated bodies hidden or given back.
            for (const f of all) {
              const cf = f.compiled;
              if (cf === null) continue;
              if (cf.generated) {
                bodies.set(f, cf.generated);
                cf.generated = null;
              } else if (bodies.has(f)) cf.generated = bodies.get(f) as typeof cf.generated;
            }
          }
          t.store.setFuel(budget + Number(call.requiredFuel));
          call = call.resume(t.store);
        }
        assert.equal(
          call.kind,
          "finished",
          `${name} ${how} budget ${budget} flip ${flip} ${tier} ${log.slice(-6)}`,
        );
        if (call.kind === "finished") log.push(call.results[0]!.value, t.store.getFuel());
      }
    }
    return log;
  };
  for (const budget of [0, 1, 3, 17]) {
    const expected = run("interpreter", budget, false);
    assert.deepEqual(run("codegen", budget, false), expected, `budget ${budget}`);
    assert.deepEqual(run("codegen", budget, true), expected, `budget ${budget}, tiers alternating`);
  }
});

Deno.test("codegen try_table: exceptions caught in generated frames never go back to the driver", () => {
  // 37 iterations, 28 of them throwing (from a callee, two calls down, an indirect callee, the
  // host, the loop's own body): every landing goes on to its pad in the same JS function.
  const t = setup({ executionTier: "codegen" });
  for (let how = 0; how <= 4; how++) t.outcome("loop", how, 37);
  assert.equal(t.engine.midwayEntries, 0);
  // With $src interpreted, the landings come from the driver: each enters the switch body.
  const engine = new MixedEngine(
    new Config({ executionTier: "codegen", wasmExceptions: true }),
  );
  engine.interpreted.add(3);
  const mixed = setup({ executionTier: "codegen" }, engine);
  assert.equal(mixed.outcome("loop", 0, 37), t.outcome("loop", 0, 37));
  assert.ok(engine.midwayEntries > 0);
});

Deno.test("codegen try_table: an exception caught in a generated frame continues in its structured body", () => {
  // The landing goes on to the try_table's dispatch (`continue L<pc>`), not back to the driver.
  const t = setup({ executionTier: "codegen" });
  for (const name of CATCHERS) {
    const cf = t.engine.compile(t.entity(name));
    const result = generateSource(cf.code, {
      numResults: cf.numResults,
      structured: true,
      paramWords: cf.paramWords,
      collectable: true,
      localWords: cf.localWords,
      handlers: cf.handlers,
    });
    assert.ok("source" in result && result.structured, name);
    assert.match(
      result.source,
      /\$pad = frames\[2 \* depth \+ 1\];\n(if \(\$pad > \d+\) \{\n)?continue L\d+;/,
      name,
    );
  }
});
