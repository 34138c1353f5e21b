/**
 * How `Session` drives resumable calls: suspending at a stand-in, fuel budgets, Ctrl-C, awaited
 * host Promises, dropping. The engine does not have `callResumable` yet, so these tests put a
 * scripted one on `Func.prototype` for their duration (shaped as DESIGN.md §2 describes).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Func, type Store, Val } from "../../mod.ts";
import type { ResumableCall } from "../../repl/resumable.ts";
import { ReplError } from "../../repl/repl_error.ts";
import { Session } from "../../repl/session.ts";
import { AwaitRequest, SuspendRequest } from "../../repl/stand_ins.ts";

type Script = (store: Store<unknown>, params: Val[]) => ResumableCall;

const realAvailable = typeof (Func.prototype as { callResumable?: unknown }).callResumable ===
  "function";

async function withFakeResumable(
  script: Script,
  test: (session: Session, f: Func) => Promise<void>,
) {
  const proto = Func.prototype as unknown as { callResumable?: Script };
  const saved = proto.callResumable;
  proto.callResumable = function (store, params) {
    return script(store, params);
  };
  try {
    const session = new Session({ sliceFuel: 10n });
    await session.load('(module (func (export "f") (param i32) (result i32) local.get 0))', {
      name: "$t",
    });
    await test(session, session.func("$t.f"));
  } finally {
    if (saved === undefined) delete proto.callResumable;
    else proto.callResumable = saved;
  }
}

/** A call that needs `work` fuel, spending what the store has and stopping when it is out. */
function fuelHungry(work: number, dropped: { count: number } = { count: 0 }): Script {
  return (store) => {
    let left = work;
    const step = (): ResumableCall => {
      const fuel = Number(store.getFuel()); // a bigint since fuel metering landed
      const spend = Math.min(fuel, left);
      store.setFuel(fuel - spend);
      left -= spend;
      if (left === 0) return { kind: "finished", results: [Val.i32(work)] };
      return Object.assign(
        { kind: "outOfFuel" as const, requiredFuel: 1n, resume: () => step() },
        { drop: () => dropped.count++ },
      );
    };
    return step();
  };
}

Deno.test({
  name: "session: a suspending stand-in parks the call; resume passes the results in",
  ignore: realAvailable,
  fn: () =>
    withFakeResumable(
      (_store, params) => ({
        kind: "hostTrap",
        hostFunc: undefined as unknown as Func,
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
  ignore: realAvailable,
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
  ignore: realAvailable,
  fn: () =>
    withFakeResumable(fuelHungry(95), async (session, f) => {
      const outcome = await Promise.resolve(session.invoke(f, [Val.i32(0)]));
      assert.equal(outcome.kind === "finished" && outcome.results[0]!.value, 95);
      assert.equal(session.fuel.on, false);
    }),
});

Deno.test({
  name: "session: interrupt() parks a running async call; drop releases it",
  ignore: realAvailable,
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
  ignore: realAvailable,
  fn: () =>
    withFakeResumable(
      () => ({
        kind: "hostTrap",
        hostFunc: undefined as unknown as Func,
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
  ignore: realAvailable,
  fn: () =>
    withFakeResumable(
      () => ({
        kind: "hostTrap",
        hostFunc: undefined as unknown as Func,
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
