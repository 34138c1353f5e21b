/**
 * How `Session` drives resumable calls: suspending at a stand-in, fuel budgets, Ctrl-C, awaited
 * host Promises, dropping. The first tests run real Wasm through the engine's `callResumable`;
 * the rest put a scripted `callResumable` on `Func.prototype` for their duration, to steer the
 * session through exact stop sequences.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Func, type ResumableCall, type Store, Val } from "../../mod.ts";
import { ReplError } from "../../repl/repl_error.ts";
import { Session } from "../../repl/session.ts";
import { AwaitRequest, SuspendRequest } from "../../repl/stand_ins.ts";

const DEMO = `(module
  (import "env" "ask" (func $ask (param i32) (result i32)))
  (import "env" "later" (func $later (result f64)))
  (func (export "ask_twice") (param i32) (result i32)
    (i32.add (call $ask (local.get 0)) (call $ask (i32.add (local.get 0) (i32.const 1)))))
  (func (export "half_later") (result f64) (f64.mul (call $later) (f64.const 0.5)))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "spin") (loop $l (br $l))))`;

async function realSession(): Promise<Session> {
  const session = new Session({ sliceFuel: 1000n });
  await session.load(DEMO, { name: "$d" });
  return session;
}

Deno.test("session (real engine): two calls wait in a stand-in at once; resume either", async () => {
  const session = await realSession();
  const a = session.invoke(session.func("ask_twice"), [Val.i32(3)]);
  const b = session.invoke(session.func("ask_twice"), [Val.i32(100)]);
  assert.equal(a.kind === "suspended" && a.call.id, 1);
  assert.equal(b.kind === "suspended" && b.call.id, 2);
  assert.deepEqual(session.suspended().map((c) => c.id), [1, 2]);
  const b1 = await session.resume(2, [Val.i32(1)]);
  assert.equal(
    b1.kind === "suspended" && b1.call.reason.kind === "host" &&
      b1.call.reason.params[0]!.value,
    101,
  );
  const a1 = await session.resume(1, [Val.i32(10)]);
  assert.equal(a1.kind, "suspended");
  const a2 = await session.resume(1, [Val.i32(20)]);
  assert.equal(a2.kind === "finished" && a2.results[0]!.value, 30);
  const b2 = await session.resume(2, [Val.i32(2)]);
  assert.equal(b2.kind === "finished" && b2.results[0]!.value, 3);
  assert.deepEqual(session.suspended(), []);
});

Deno.test("session (real engine): a fuel budget stops fib; add fuel and resume", async () => {
  const session = await realSession();
  session.setFuel(true, 1000n);
  const first = await session.invokeAsync(session.func("fib"), [Val.i32(15)]);
  assert.equal(first.kind === "suspended" && first.call.reason.kind, "fuel");
  assert.ok(session.fuel.left < 1000n);
  let outcome = first;
  while (outcome.kind === "suspended") {
    session.addFuel(500n);
    outcome = await session.resume(outcome.call.id);
  }
  assert.equal(outcome.kind === "finished" && outcome.results[0]!.value, 610);
  // The same call with fuel off runs to its end in slices.
  session.setFuel(false);
  const plain = session.invoke(session.func("fib"), [Val.i32(15)]);
  assert.equal(plain.kind === "finished" && plain.results[0]!.value, 610);
});

Deno.test("session (real engine): interrupt() stops an endless loop; the store goes on", async () => {
  const session = await realSession();
  const running = session.invokeAsync(session.func("spin"), []);
  setTimeout(() => session.interrupt(), 30);
  const outcome = await running;
  assert.equal(outcome.kind === "suspended" && outcome.call.reason.kind, "interrupted");
  session.drop(1);
  const after = session.invoke(session.func("fib"), [Val.i32(10)]);
  assert.equal(after.kind === "finished" && after.results[0]!.value, 55);
});

Deno.test("session (real engine): a bound Promise is awaited", async () => {
  const session = await realSession();
  session.bind("env.later", "() => Promise.resolve(5)");
  const outcome = await session.invokeAsync(session.func("half_later"), []);
  assert.equal(outcome.kind === "finished" && outcome.results[0]!.value, 2.5);
});

/** The part of a resumable call the session uses, scripted by the tests below. */
type FakeCall =
  | { readonly kind: "finished"; readonly results: Val[] }
  | {
    readonly kind: "hostTrap";
    readonly hostFunc: Func;
    readonly hostError: unknown;
    resume(store: Store<unknown>, results: Val[]): FakeCall;
    drop(): void;
  }
  | {
    readonly kind: "outOfFuel";
    readonly requiredFuel: bigint;
    resume(store: Store<unknown>): FakeCall;
    drop(): void;
  };

type Script = (store: Store<unknown>, params: Val[]) => FakeCall;

async function withFakeResumable(
  script: Script,
  test: (session: Session, f: Func) => Promise<void>,
) {
  const proto = Func.prototype as unknown as {
    callResumable: (store: Store<unknown>, params: Val[]) => ResumableCall;
  };
  const saved = proto.callResumable;
  proto.callResumable = function (store, params) {
    return script(store, params) as unknown as ResumableCall;
  };
  try {
    const session = new Session({ sliceFuel: 10n });
    await session.load('(module (func (export "f") (param i32) (result i32) local.get 0))', {
      name: "$t",
    });
    await test(session, session.func("$t.f"));
  } finally {
    proto.callResumable = saved;
  }
}

/** A call that needs `work` fuel, spending what the store has and stopping when it is out. */
function fuelHungry(work: number, dropped: { count: number } = { count: 0 }): Script {
  return (store) => {
    let left = work;
    const step = (): FakeCall => {
      const fuel = Number(store.getFuel());
      const spend = Math.min(fuel, left);
      store.setFuel(fuel - spend);
      left -= spend;
      if (left === 0) return { kind: "finished", results: [Val.i32(work)] };
      return {
        kind: "outOfFuel",
        requiredFuel: 1n,
        resume: () => step(),
        drop: () => dropped.count++,
      };
    };
    return step();
  };
}

Deno.test({
  name: "session: a suspending stand-in parks the call; resume passes the results in",

  fn: () =>
    withFakeResumable(
      (_store, params) => ({
        kind: "hostTrap",
        hostFunc: undefined as unknown as Func,
        drop: () => {},
        hostError: new SuspendRequest("env.ask", params, ["i32"]),
        resume: (_s, results) => ({
          kind: "finished",
          results: [Val.i32((results[0]!.value as number) + 1)],
        }),
      }),
      async (session, f) => {
        const outcome = session.invoke(f, [Val.i32(3)], "$t.f");
        assert.equal(outcome.kind, "suspended");
        const call = session.suspendedCall(1);
        assert.equal(call.target, "$t.f");
        assert.deepEqual(call.reason.kind === "host" && call.reason.results, ["i32"]);
        const resumed = await session.resume(1, [Val.i32(41)]);
        assert.equal(resumed.kind === "finished" && resumed.results[0]!.value, 42);
        assert.deepEqual(session.suspended(), []);
        await assert.rejects(session.resume(1), /No suspended call 1 \(none are waiting\)/);
      },
    ),
});

Deno.test({
  name: "session: a fuel budget stops the call; add fuel and resume; the budget is charged",

  fn: () =>
    withFakeResumable(fuelHungry(250), async (session, f) => {
      session.setFuel(true, 100n);
      const outcome = await session.invokeAsync(f, [Val.i32(0)]);
      assert.equal(outcome.kind, "suspended");
      assert.equal(outcome.kind === "suspended" && outcome.call.reason.kind, "fuel");
      assert.equal(session.fuel.left, 0n);
      await assert.rejects(session.resume(1), ReplError);
      assert.equal(session.suspended().length, 1);
      session.addFuel(200n);
      const resumed = await session.resume(1);
      assert.equal(resumed.kind === "finished" && resumed.results[0]!.value, 250);
      assert.equal(session.fuel.left, 50n);
    }),
});

Deno.test({
  name: "session: with fuel off a long call runs in slices until done",

  fn: () =>
    withFakeResumable(fuelHungry(95), async (session, f) => {
      const outcome = await Promise.resolve(session.invoke(f, [Val.i32(0)]));
      assert.equal(outcome.kind === "finished" && outcome.results[0]!.value, 95);
      assert.equal(session.fuel.on, false);
    }),
});

Deno.test({
  name: "session: interrupt() parks a running async call; drop releases it",

  fn: () => {
    const dropped = { count: 0 };
    return withFakeResumable(fuelHungry(Number.MAX_SAFE_INTEGER, dropped), async (session, f) => {
      const running = session.invokeAsync(f, [Val.i32(0)]);
      setTimeout(() => session.interrupt(), 20);
      const outcome = await running;
      assert.equal(outcome.kind === "suspended" && outcome.call.reason.kind, "interrupted");
      const again = session.resume(1);
      setTimeout(() => session.interrupt(), 20);
      assert.equal((await again).kind, "suspended");
      session.drop(1);
      assert.equal(dropped.count, 1);
      assert.deepEqual(session.suspended(), []);
    });
  },
});

Deno.test({
  name: "session: a host Promise is awaited and its value resumes the call",

  fn: () =>
    withFakeResumable(
      () => ({
        kind: "hostTrap",
        hostFunc: undefined as unknown as Func,
        drop: () => {},
        hostError: new AwaitRequest("env.later", Promise.resolve(7), ["i32"]),
        resume: (_s, results) => ({ kind: "finished", results }),
      }),
      async (session, f) => {
        const outcome = await session.invokeAsync(f, [Val.i32(0)]);
        assert.equal(outcome.kind === "finished" && outcome.results[0]!.value, 7);
        const sync = session.invoke(f, [Val.i32(0)]);
        assert.equal(sync.kind, "error");
      },
    ),
});

Deno.test({
  name: "session: any other host error ends the call as an error",

  fn: () =>
    withFakeResumable(
      () => ({
        kind: "hostTrap",
        hostFunc: undefined as unknown as Func,
        drop: () => {},
        hostError: new Error("boom"),
        resume: () => assert.fail("not resumed"),
      }),
      async (session, f) => {
        const outcome = await session.invokeAsync(f, [Val.i32(0)]);
        assert.equal(outcome.kind === "error" && (outcome.error as Error).message, "boom");
        assert.deepEqual(session.suspended(), []);
      },
    ),
});
