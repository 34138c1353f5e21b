/**
 * GC memory at the API (`Config.wasmGc`): a loop of short-lived structs stays bounded, and a
 * dropped store frees its objects. Deno only (`Deno.memoryUsage`, a child Deno with
 * `--expose-gc`), so not in tests/api, which also runs under Bun and Node.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Config, Engine, Linker, Module, Store, Val } from "../../mod.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { GC_COLLECT_MIN } from "../../src/engine/gc.ts";

const bytes = await parse(`(module
  (type $point (struct (field $x i32) (field $y (mut i64))))
  (func (export "churn") (param $n i32) (result i32)
    (local $i i32) (local $p (ref null $point))
    (loop $l
      (local.set $p (struct.new $point (local.get $i) (i64.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (struct.get $point $x (ref.as_non_null (local.get $p)))))`);
const MOD_URL = new URL("../../mod.ts", import.meta.url).href;

function setup(extra: Record<string, unknown> = {}) {
  const engine = new Engine(new Config({ wasmGc: true, ...extra }));
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const call = (name: string, ...args: Val[]) => instance.getFunc(store, name)!.call(store, args);
  return { engine, store, instance, call };
}

Deno.test("gc: 10,000,000 short-lived structs run in bounded memory, both tiers", async (t) => {
  for (const tier of ["interpreter", "codegen"]) {
    await t.step(tier, () => {
      const { store, call } = setup({ executionTier: tier });
      const before = Deno.memoryUsage().heapUsed;
      const n = tier === "interpreter" ? 10_000_000 : 2_000_000;
      assert.equal(call("churn", Val.i32(n))[0]!.value, n - 1);
      const heap = storeInner(store).gc;
      // The handle table never outgrew the collection threshold: every struct died young.
      assert.ok(heap.objs.length <= 2 * GC_COLLECT_MIN, `handle table ${heap.objs.length}`);
      assert.ok(heap.collections >= n / (2 * GC_COLLECT_MIN));
      // Generous (this isolate's heap, which parallel test files do not share): the loop's
      // garbage is V8's to reclaim; 10,000,000 structs kept alive would be over 500 MiB.
      const grown = (Deno.memoryUsage().heapUsed - before) / 2 ** 20;
      assert.ok(grown < 256, `heap grew by ${grown.toFixed(0)} MiB`);
    });
  }
});

Deno.test("gc: a dropped store frees its objects (FinalizationRegistry, --expose-gc)", async () => {
  const bytes = await parse(`(module (type $a (array (mut i32)))
    (global (export "keep") (mut (ref null $a)) (ref.null $a))
    (func (export "make") (param i32) (result (ref $a))
      (array.new_default $a (local.get 0))))`);
  const script = `
    import { Config, Engine, Linker, Module, Store, Val } from "${MOD_URL}";
    const bytes = await Deno.readFile(Deno.args[0]);
    const engine = new Engine(new Config({ wasmGc: true }));
    const module = new Module(engine, bytes);
    let freed = 0;
    const registry = new FinalizationRegistry(() => { freed++; });
    const base = Deno.memoryUsage().heapUsed;
    // In a function of its own, so that no frame keeps the last store alive.
    const fill = (i) => {
      const store = new Store(engine, null);
      const inst = new Linker(engine).instantiate(store, module);
      // A 4 MiB array held by a global and by the host's AnyRef.
      const [arr] = inst.getFunc(store, "make").call(store, [Val.i32(1 << 20)]);
      inst.getGlobal(store, "keep").set(store, arr);
      registry.register(store, i);
      registry.register(arr.value, i);
    };
    for (let i = 0; i < 20; i++) fill(i);
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 5 && freed < 40; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    const grown = (Deno.memoryUsage().heapUsed - base) / 2 ** 20;
    console.log(JSON.stringify({ freed, grown }));
  `;
  // Files in /tmp: `deno task test` may write nowhere else.
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: "_gc_drop.ts" });
  const wasm = await Deno.makeTempFile({ dir: "/tmp", suffix: "_gc_drop.wasm" });
  try {
    await Deno.writeTextFile(path, script);
    await Deno.writeFile(wasm, bytes);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--v8-flags=--expose-gc", path, wasm],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const { freed, grown } = JSON.parse(text.split("\n").at(-1)!);
    assert.equal(freed, 40, "every store and every array was collected");
    // 20 stores made 80 MiB of arrays; after dropping them little of it is left.
    assert.ok(grown < 16, `heap grew by ${grown} MiB`);
  } finally {
    await Deno.remove(path);
    await Deno.remove(wasm);
  }
});
