/**
 * Fuel around the fast host calls of generated code (`HostFuncEntity.fast`: a plain host
 * function of i32s, called with its arguments as JS values): the generated body keeps its count
 * in a JS local and writes it to the store before such a call and reads it back after it, so that
 * the host function sees, and may change, the store's fuel. These tests run `bench/hostcall.wat`'s
 * loop, warm (generated, the host call on its fast path), with a host function that reads the
 * fuel at every call and sets it at some, that runs the store dry right before the next charge,
 * that traps and is resumed, and that returns Promises to `callAsync`; every log (each call's
 * `getFuel`, every stop, the result, the fuel left) must be the interpreter's, in both spellings.
 */

import assert from "node:assert/strict";
import { Val } from "../../mod.ts";
import { instantiate, type TestInstance } from "./harness.ts";

/** `run(n)`: n host calls `h(acc, i)`, each result rotated into `acc` (bench/hostcall.wat). */
const HOSTCALL = `(module
  (import "env" "h" (func $h (param i32 i32) (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.rotl (call $h (local.get $acc) (local.get $i)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))`;

const CONFIGS = [
  { executionTier: "interpreter" as const },
  { executionTier: "codegen" as const },
  { executionTier: "codegen" as const, codegenStyle: "lean" as const },
];

/** What the host function does at call `i` (`b`, its second argument), given the store. */
type Act = (t: TestInstance, a: number, b: number, log: unknown[]) => number | Promise<number>;

/**
 * Instantiates HOSTCALL in `config` with fuel on, its `h` doing `act` once `armed` (plain
 * `(a + b) | 0` before), and warms it with three unlogged calls so that the loop runs as
 * generated code with the host call on its fast path.
 */
function setUp(config: (typeof CONFIGS)[number], act: Act) {
  const log: unknown[] = [];
  let armed = false;
  const t: TestInstance = instantiate(HOSTCALL, {
    config: { ...config, consumeFuel: true },
    imports: {
      "env.h": (a, b) =>
        armed ? act(t, a as number, b as number, log) as number : (a as number) + (b as number) | 0,
    },
  });
  t.store.setFuel(1_000_000);
  for (let i = 0; i < 3; i++) t.call("run", 50);
  armed = true;
  return { t, log };
}

/** A resumable `run(n)` from `budget`, adding `step` fuel at each stop: the whole log. */
function resumed(config: (typeof CONFIGS)[number], act: Act, n: number, budget: number, step = 5) {
  const { t, log } = setUp(config, act);
  t.store.setFuel(budget);
  let call = t.func("run").callResumable(t.store, [Val.i32(n)]);
  for (let stops = 0; call.kind !== "finished"; stops++) {
    assert.ok(stops < 10_000, "too many stops");
    if (call.kind === "outOfFuel") {
      log.push(["stop", call.requiredFuel, t.store.getFuel()]);
      t.store.setFuel(t.store.getFuel() + BigInt(step));
      call = call.resume(t.store);
    } else {
      log.push(["trap", String(call.hostError), t.store.getFuel()]);
      call = call.resume(t.store, [Val.i32(1000 + stops)]);
    }
  }
  log.push(["result", call.results[0]!.value, "left", t.store.getFuel()]);
  return log;
}

/** Runs `scenario` in every configuration and checks each log against the interpreter's. */
function sameAsInterpreter(scenario: (config: (typeof CONFIGS)[number]) => unknown[]) {
  const [expected, ...others] = CONFIGS.map(scenario);
  for (const [i, got] of others.entries()) {
    assert.deepEqual(got, expected, JSON.stringify(CONFIGS[i + 1]));
  }
  return expected!;
}

Deno.test("codegen fuel host: a host function reading and setting fuel mid-call sees the interpreter's figures", () => {
  const log = sameAsInterpreter((config) => {
    const { t, log } = setUp(config, (t, a, b, log) => {
      const fuel = t.store.getFuel();
      log.push(["h", b, fuel]);
      // Taken, given back and set outright: each later read and charge starts from the store.
      if (b % 4 === 1) t.store.setFuel(fuel - 7n);
      if (b % 4 === 2) t.store.setFuel(fuel + 11n);
      if (b === 9) t.store.setFuel(500);
      return (a + b) | 0;
    });
    t.store.setFuel(100_000);
    log.push(["result", t.call("run", 20), "left", t.store.getFuel()]);
    return log;
  });
  assert.equal(log.length, 21);
});

Deno.test("codegen fuel host: running out right after a host call stops where the interpreter does", () => {
  // The host function leaves less than the charge after the call needs, once or every call.
  for (const dryAt of [[3], [0, 1, 2, 3, 4, 5, 6, 7]]) {
    for (const left of [0, 1, 14]) {
      const log = sameAsInterpreter((config) =>
        resumed(
          config,
          (t, a, b, log) => {
            log.push(["h", b, t.store.getFuel()]);
            if (dryAt.includes(b)) t.store.setFuel(left);
            return (a + b) | 0;
          },
          8,
          10_000,
        )
      );
      assert.ok(log.some((e) => Array.isArray(e) && e[0] === "stop"), `stops (${dryAt}, ${left})`);
    }
  }
});

Deno.test("codegen fuel host: a host trap suspends with the interpreter's fuel and resumes alike", () => {
  for (const budget of [10_000, 40, 97]) {
    const log = sameAsInterpreter((config) =>
      resumed(
        config,
        (t, a, b, log) => {
          log.push(["h", b, t.store.getFuel()]);
          if (b % 3 === 1) throw new Error(`trap at ${b}`);
          return (a + b) | 0;
        },
        9,
        budget,
        7,
      )
    );
    assert.ok(log.some((e) => Array.isArray(e) && e[0] === "trap"));
  }
});

Deno.test("codegen fuel host: callAsync awaits Promise-returning host calls with the interpreter's fuel", async () => {
  const logs: unknown[][] = [];
  for (const config of CONFIGS) {
    const { t, log } = setUp(config, (t, a, b, log) => {
      log.push(["h", b, t.store.getFuel()]);
      if (b % 3 !== 0) return (a + b) | 0;
      return Promise.resolve().then(() => {
        log.push(["settled", b, t.store.getFuel()]);
        t.store.setFuel(t.store.getFuel() - 5n);
        return (a ^ b) | 0;
      });
    });
    t.store.setFuel(100_000);
    const results = await t.func("run").callAsync(t.store, [Val.i32(10)]);
    log.push(["result", results[0]!.value, "left", t.store.getFuel()]);
    logs.push(log);
  }
  for (const [i, got] of logs.slice(1).entries()) {
    assert.deepEqual(got, logs[0], JSON.stringify(CONFIGS[i + 1]));
  }
  assert.ok(logs[0]!.some((e) => Array.isArray(e) && e[0] === "settled"));
});
