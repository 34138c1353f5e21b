/**
 * References held as objects in generated code's JS locals (src/engine/codegen.ts, "References
 * as objects"): a direct entry whose code allows it makes and reads structs without handles.
 * Such references survive collections run deeper down (by a host function's callee), keep their
 * identity where they reach a global, stop and resume (host traps) as the interpreter's frames
 * do, and overflow the stack at the interpreter's depth; metered, they stop for fuel and resume
 * as the interpreter's frames do.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Config, Engine, Linker, Module, Store, Trap, TrapCode, Val } from "../../mod.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { GC_COLLECT_MIN } from "../../src/engine/gc.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { storeInner } from "../../src/runtime/store.ts";

const TIERS = ["interpreter", "codegen"] as const;

/**
 * `$make` builds a tree of depth `d` (each leaf's value from the host function `h`, which may
 * run `churn`: arrays made by their rows' templates, so collections), `$sum` adds its values,
 * `$id` passes a reference through, `$chain` nests `n` structs by plain recursion. `run` keeps
 * the tree in a global and adds whether `$id` gives back the same reference.
 */
const TREES = await parse(`(module
  (type $node (struct (field $l (ref null $node)) (field $r (ref null $node)) (field $v i32)))
  (type $arr (array (mut i32)))
  (import "host" "h" (func $h (param i32) (result i32)))
  (global $keep (mut (ref null $node)) (ref.null $node))
  (func $make (param $d i32) (param $k i32) (result (ref null $node))
    (if (result (ref null $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node) (call $h (local.get $k))))
      (else
        (local.set $d (i32.sub (local.get $d) (i32.const 1)))
        (struct.new $node
          (call $make (local.get $d) (local.get $k))
          (call $make (local.get $d) (i32.const 0))
          (local.get $d)))))
  (func $sum (param $t (ref null $node)) (result i32)
    (if (result i32) (ref.is_null (local.get $t))
      (then (i32.const 0))
      (else
        (i32.add (struct.get $node $v (local.get $t))
          (i32.add (call $sum (struct.get $node $l (local.get $t)))
            (call $sum (struct.get $node $r (local.get $t))))))))
  (func $id (param $t (ref null $node)) (result (ref null $node)) (local.get $t))
  (func $chain (param $n i32) (param $acc (ref null $node)) (result (ref null $node))
    (if (result (ref null $node)) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else
        (call $chain (i32.sub (local.get $n) (i32.const 1))
          (struct.new $node (local.get $acc) (ref.null $node) (local.get $n))))))
  (func (export "churn") (param $n i32) (result i32) (local $a (ref null $arr)) (local $i i32)
    (loop $l
      (local.set $a (array.new $arr (local.get $i) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (array.get $arr (local.get $a) (i32.const 2)))
  (func (export "run") (param $d i32) (param $k i32) (result i32) (local $t (ref null $node))
    (local.set $t (call $make (local.get $d) (local.get $k)))
    (global.set $keep (local.get $t))
    (i32.add (i32.mul (call $sum (global.get $keep)) (i32.const 2))
      (ref.eq (global.get $keep) (call $id (local.get $t)))))
  (func (export "chain") (param $n i32) (result i32)
    (call $sum (call $chain (local.get $n) (ref.null $node)))))`);

/** `TREES` on `tier`, its host function running `churn(k)` for `k > 0` (or throwing). */
function trees(tier: (typeof TIERS)[number], config: Record<string, number | boolean> = {}) {
  const engine = new Engine(new Config({ executionTier: tier, wasmGc: true, ...config }));
  const store = new Store(engine, null);
  const host = { fail: -1, calls: 0 };
  const linker = new Linker<null>(engine);
  let churn: (n: number) => number = () => 0;
  linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_caller, k) => {
    if (host.calls++ === host.fail) throw new Error("host fails");
    return k > 0 ? churn(k) : 1;
  });
  const instance = linker.instantiate(store, new Module(engine, TREES));
  const churnFunc = instance.getFunc(store, "churn")!;
  churn = (n) => churnFunc.call(store, [Val.i32(n)])[0]!.value as number;
  return { store, instance, host };
}

/** The direct entries' source of function `i` of `instance`'s module, as generated. */
function directText(store: Store<null>, instance: ReturnType<typeof trees>["instance"], i: number) {
  const run = funcs.entity(store, instance.getFunc(store, "run")!) as WasmFuncEntity;
  const f = run.instance.funcs[i] as WasmFuncEntity;
  return String((f.compiled?.generated as { directFor?: unknown } | undefined)?.directFor);
}

Deno.test("codegen gc objects: references only in locals as objects survive collections deep down", () => {
  const k = 2 * GC_COLLECT_MIN;
  const seen = TIERS.map((tier) => {
    const { store, instance } = trees(tier);
    const run = instance.getFunc(store, "run")!;
    const out = [[3, 0], [6, k], [9, 0], [7, k]].map(([d, n]) =>
      run.call(store, [Val.i32(d!), Val.i32(n!)])[0]!.value
    );
    assert.ok(storeInner(store).gc.collections >= 4, `${tier}`);
    if (tier === "codegen") {
      // `$make` (function 1) makes its structs without handles, and `$sum` (2) reads them so.
      const make = directText(store, instance, 1);
      assert.match(make, /--\$g\.credit < 0/);
      assert.doesNotMatch(make, /\.give\(/);
      assert.match(directText(store, instance, 2), /\$o\.w0 \?\? 0/);
    }
    return out;
  });
  // The inner nodes hold their depth less one, every leaf 1 but the first, churn's last element (k - 1).
  const expect = (d: number, leaf: number) => {
    let sum = 0;
    for (let i = 0; i < d; i++) sum += i * 2 ** (d - 1 - i);
    return 2 * (sum + (2 ** d - 1) + leaf) + 1;
  };
  assert.deepEqual(seen[0], [expect(3, 1), expect(6, k - 1), expect(9, 1), expect(7, k - 1)]);
  assert.deepEqual(seen[1], seen[0]);
});

Deno.test("codegen gc objects: many trees made without handles stay in bounded memory", () => {
  // Each tree's root gets a handle where \`run\` keeps it (a global): a collection frees the
  // one before, which objects made without handles must still run (`GcHeap.credit`).
  const { store, instance } = trees("codegen");
  const run = instance.getFunc(store, "run")!;
  for (let i = 0; i < 200; i++) run.call(store, [Val.i32(8), Val.i32(0)]);
  const gc = storeInner(store).gc;
  // 200 trees of 511 structs: a collection per \`GC_COLLECT_MIN\` structs at least.
  assert.ok(gc.collections >= (200 * 511) / (2 * GC_COLLECT_MIN), `${gc.collections} collections`);
  assert.ok(gc.objs.length <= 2 * GC_COLLECT_MIN, `${gc.objs.length} handles`);
});

Deno.test("codegen gc objects: a host trap in the middle of a tree build resumes as the interpreter's", () => {
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    for (const fail of [0, 5, 77]) {
      const { store, instance, host } = trees(tier);
      host.fail = fail;
      const run = instance.getFunc(store, "run")!;
      let call = run.callResumable(store, [Val.i32(7), Val.i32(GC_COLLECT_MIN)]);
      for (let stops = 0; call.kind !== "finished" && stops < 10; stops++) {
        assert.equal(call.kind, "hostTrap");
        if (call.kind !== "hostTrap") break;
        log.push(String(call.hostError), call.frames(store).map((f) => f.funcIndex));
        call = call.resume(store, [Val.i32(1000 + fail)]);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    return log;
  });
  assert.equal(seen[0]!.length, 9);
  assert.deepEqual(seen[1], seen[0]);
});

Deno.test("codegen gc objects: recursion holding objects overflows at the interpreter's depth", () => {
  for (
    const limits of [{ maxRecursionDepth: 300 }, { maxStackHeight: 5000 }] as Record<
      string,
      number
    >[]
  ) {
    const seen = TIERS.map((tier) => {
      const { store, instance } = trees(tier, limits);
      const chain = instance.getFunc(store, "chain")!;
      const out: unknown[] = [];
      for (const n of [50, 100_000]) {
        try {
          out.push(chain.call(store, [Val.i32(n)])[0]!.value);
        } catch (e) {
          assert.ok(e instanceof Trap && e.code === TrapCode.StackOverflow, String(e));
          out.push(e.backtrace.length, e.backtrace.slice(0, 2), e.backtrace.at(-1));
        }
      }
      out.push(chain.call(store, [Val.i32(40)])[0]!.value);
      return out;
    });
    assert.equal(seen[0]![0], (50 * 51) / 2);
    assert.deepEqual(seen[1], seen[0], JSON.stringify(limits));
  }
});

Deno.test("codegen gc objects: fuel stops in the middle of metered tree builds resume as the interpreter's", () => {
  // At each budget, every stop asks for the same fuel and shows the same frames; resumed, the
  // run ends with the interpreter's result and fuel left. The deep trees' structs collect (a
  // leaf's host call runs no Wasm here: a nested call out of fuel would trap the host).
  const seen = TIERS.map((tier) => {
    const { store, instance } = trees(tier, { consumeFuel: true });
    const run = instance.getFunc(store, "run")!;
    const log: unknown[] = [];
    for (const budget of [1, 3, 17, 50, 97, 400, 2_000, 20_000, 1_000_000]) {
      for (const d of [6, 11]) {
        store.setFuel(budget);
        let call = run.callResumable(store, [Val.i32(d), Val.i32(0)]);
        for (let stops = 0; call.kind === "outOfFuel" && stops < 100_000; stops++) {
          if (stops < 300) log.push(call.requiredFuel, call.frames(store).map((f) => f.funcIndex));
          store.setFuel(budget + Number(call.requiredFuel));
          call = call.resume(store);
        }
        assert.equal(call.kind, "finished");
        if (call.kind === "finished") log.push(call.results[0]!.value, store.getFuel());
      }
    }
    assert.ok(storeInner(store).gc.collections >= 4, `${tier}`);
    if (tier === "codegen") {
      // Metered too, \`$make\` makes its structs without handles and \`$sum\` reads them so.
      const make = directText(store, instance, 1);
      assert.match(make, /--\$g\.credit < 0/);
      assert.doesNotMatch(make, /\.give\(/);
      assert.match(make, /fuel/);
      assert.match(directText(store, instance, 2), /\$o\.w0 \?\? 0/);
    }
    return log;
  });
  assert.ok(seen[0]!.length > 1000, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

Deno.test("codegen gc objects: many metered trees made without handles stay in bounded memory", () => {
  // As unmetered (above), with a fuel stop every few trees.
  const { store, instance } = trees("codegen", { consumeFuel: true });
  const run = instance.getFunc(store, "run")!;
  const results = new Set<unknown>();
  let stops = 0;
  for (let i = 0; i < 200; i++) {
    store.setFuel(5_000 + 37 * i);
    let call = run.callResumable(store, [Val.i32(8), Val.i32(0)]);
    while (call.kind === "outOfFuel") {
      stops++;
      store.setFuel(20_000);
      call = call.resume(store);
    }
    assert.equal(call.kind, "finished");
    if (call.kind === "finished") results.add(call.results[0]!.value);
  }
  assert.equal(results.size, 1);
  assert.ok(stops >= 200, `${stops} stops`);
  const gc = storeInner(store).gc;
  assert.ok(gc.collections >= (200 * 511) / (2 * GC_COLLECT_MIN), `${gc.collections} collections`);
  assert.ok(gc.objs.length <= 2 * GC_COLLECT_MIN, `${gc.objs.length} handles`);
});
