/**
 * Direct entries whose stops after calls, calls through `callOut` and `catch` blocks are calls
 * of helpers in their factory (`outlineStops` in `src/engine/codegen.ts`), fuel off (metered
 * bodies keep theirs inline): host traps and async suspensions at every depth of a recursion
 * and of compact call chains, resumed; traps and StackOverflow at and around the depth
 * windows' edges, with their backtraces. Each compares with what the interpreter does.
 */

import assert from "node:assert/strict";
import { Config, Engine, type Func, Linker, Module, Store, Trap, Val } from "../../mod.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { wat } from "./harness.ts";

const TIERS = ["interpreter", "codegen"] as const;

// $fib: a recursive compact site twice (a live local across each); $chain: compact sites of
// defined callees (i32 and i64 words live across them); the leaves call the host.
const SOURCE = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $fib (export "fib") (param $n i32) (result i32) (local $t i32) (local $k i64)
    (local.set $k (i64.extend_i32_s (local.get $n)))
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (call $h (local.get $n)))
      (else
        (local.set $t (call $fib (i32.sub (local.get $n) (i32.const 1))))
        (i32.add (i32.wrap_i64 (local.get $k))
          (i32.add (local.get $t) (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
  (func $leaf (param $x i32) (param $y i64) (result i64)
    (i64.add (i64.extend_i32_s (call $h (local.get $x))) (local.get $y)))
  (func $mid (param $x i32) (result i32) (local $w i64)
    (local.set $w (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 0x100000003)))
    (i32.wrap_i64 (i64.xor (local.get $w)
      (call $leaf (i32.add (local.get $x) (i32.const 1)) (local.get $w)))))
  (func $chain (export "chain") (param $x i32) (result i32) (local $s i32)
    (local.set $s (call $mid (local.get $x)))
    (i32.add (local.get $s) (call $mid (i32.xor (local.get $s) (local.get $x)))))
  (func $down (export "down") (param $n i32) (param $trap i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $chain (local.get $n))
        (call $down (i32.sub (local.get $n) (i32.const 1)) (local.get $trap))))
      (else (i32.div_s (i32.const 1) (i32.eqz (local.get $trap)))))))`);

interface Run {
  store: Store<null>;
  func(name: string): Func;
  hooks: { calls: number; throwAt: number; asyncAt: number };
}

function setup(tier: (typeof TIERS)[number], limits: Record<string, number>): Run {
  const engine = new Engine(new Config({ executionTier: tier, ...limits }));
  const store = new Store(engine, null);
  const linker = new Linker<null>(engine);
  const hooks = { calls: 0, throwAt: -1, asyncAt: -1 };
  linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
    hooks.calls++;
    if (hooks.calls === hooks.throwAt) throw new Error("host");
    if (hooks.calls === hooks.asyncAt) return Promise.resolve(x * 3) as unknown as number;
    return x;
  });
  const instance = linker.instantiate(store, new Module(engine, SOURCE));
  return { store, func: (name) => instance.getFunc(store, name)!, hooks };
}

/** The text of the factory of `name`'s direct entry (where the helpers are declared). */
function factoryText(run: Run, name: string): string {
  const entity = funcs.entity(run.store, run.func(name)) as WasmFuncEntity;
  const body = entity.compiled?.generated as { directFor?: unknown } | null | undefined;
  return String(body?.directFor ?? "");
}

Deno.test("codegen outlined stops: host traps and async stops at every depth resume as in the interpreter", async () => {
  const seen = [];
  for (const tier of TIERS) {
    const log: unknown[] = [];
    const run = setup(tier, {});
    const { store, hooks } = run;
    for (
      const [name, arg, ats] of [["fib", 9, [1, 2, 7, 30, 55]], ["down", 6, [1, 4, 9, 12]]] as const
    ) {
      const func = run.func(name);
      const args = name === "down" ? [Val.i32(arg), Val.i32(0)] : [Val.i32(arg)];
      hooks.throwAt = -1;
      hooks.calls = 0;
      log.push(func.call(store, args)[0]!.value);
      for (const at of ats) {
        hooks.calls = 0;
        hooks.throwAt = at;
        const call = func.callResumable(store, args);
        assert.equal(call.kind, "hostTrap", `${name} ${at}`);
        if (call.kind !== "hostTrap") continue;
        log.push(at, call.frames(store, { locals: true }));
        hooks.throwAt = -1;
        const done = call.resume(store, [Val.i32(at * 100)]);
        assert.equal(done.kind, "finished");
        if (done.kind === "finished") log.push(done.results[0]!.value);
      }
      hooks.throwAt = -1;
      for (const at of ats) {
        hooks.calls = 0;
        hooks.asyncAt = at;
        log.push(at, (await func.callAsync(store, args))[0]!.value);
      }
      hooks.asyncAt = -1;
    }
    if (tier === "codegen") {
      // The paths under test are the outlined ones.
      for (const name of ["fib", "chain"]) {
        const text = factoryText(run, name);
        for (const helper of ["$up0(", "$out0(", "$caught("]) {
          assert.ok(
            text.includes(`return ${helper}`) || text.includes(`throw ${helper}`) ||
              text.includes(`= ${helper}`),
            `${name}: ${helper}`,
          );
        }
      }
    }
    seen.push(log);
  }
  assert.ok(seen[0]!.length > 40, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

Deno.test("codegen outlined stops: traps and StackOverflow around the depth windows' edges as in the interpreter", () => {
  const seen = [];
  for (const tier of TIERS) {
    const log: unknown[] = [];
    for (const depth of [30, 31, 32, 33, 34, 63, 64, 65, 66, 97, 200]) {
      const run = setup(tier, { maxRecursionDepth: depth });
      for (
        const [name, args] of [
          ["fib", [20]],
          ["down", [depth - 3, 0]],
          ["down", [depth - 3, 1]],
          ["down", [Math.floor(depth / 2), 1]],
          ["down", [depth, 0]],
          ["chain", [depth]],
        ] as const
      ) {
        try {
          log.push(run.func(name).call(run.store, args.map((a) => Val.i32(a)))[0]!.value);
        } catch (e) {
          assert.ok(e instanceof Trap, String(e));
          log.push(e.message, e.backtrace.length, e.backtrace.slice(0, 4), e.backtrace.at(-1));
        }
      }
    }
    seen.push(log);
  }
  assert.ok(seen[0]!.includes("call stack exhausted"));
  assert.ok(seen[0]!.includes("integer divide by zero"));
  assert.deepEqual(seen[1], seen[0]);
});
