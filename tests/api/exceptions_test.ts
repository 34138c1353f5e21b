/**
 * Exception handling (`Config.wasmExceptions`): `throw`, `throw_ref` and `try_table` in Wasm,
 * `Tag` and `WasmException` at the API, host functions throwing into Wasm, what Wasm cannot
 * catch (traps, host errors), `exnref` values round-tripping through the host, and handlers
 * that survive suspensions (host traps, fuel) of the frames holding them.
 */

import assert from "node:assert/strict";
import {
  Config,
  DecodeError,
  Engine,
  FuncType,
  type Instance,
  Linker,
  Module,
  Store,
  Tag,
  TagType,
  Trap,
  TrapCode,
  Val,
  WasmException,
} from "../../mod.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { wat as watText } from "../_lib/wabt.ts";

/** WAT with the exception-handling proposal on. */
const wat = (text: string) => watText(text, { exceptions: true });

const EXN = new Config({ wasmExceptions: true });

/**
 * `$e` carries an i32, `$f` an i64 and an f64; `env.host` is a host function that the tests
 * make throw or suspend.
 */
const MODULE = `(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (tag $f (export "f") (param i64 f64))
  (func $thrower (export "thrower") (param i32)
    (throw $e (local.get 0)))
  ;; Catches $e thrown two calls further in; returns payload + 1, or -1 if nothing was thrown.
  (func (export "catch_deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (call $mid (local.get 0)))
      (i32.const -1)
      (return))
    (i32.add (i32.const 1)))
  (func $mid (param i32) (call $thrower (local.get 0)))
  ;; catch_all catches $f; a catch of $e before it does not.
  (func (export "catch_all") (result i32)
    (block $all
      (block $e (result i32)
        (try_table (catch $e $e) (catch_all $all)
          (throw $f (i64.const 5) (f64.const 2.5)))
        (return (i32.const 0)))
      (return))
    (i32.const 7))
  ;; Payload of two values, delivered to the label with an exnref.
  (func (export "catch_ref") (result i64 f64 exnref)
    (block $h (result i64 f64 exnref)
      (try_table (catch_ref $f $h)
        (throw $f (i64.const -3) (f64.const 0.5)))
      (unreachable)))
  ;; Rethrows the exnref given.
  (func (export "rethrow") (param exnref)
    (throw_ref (local.get 0)))
  ;; Calls the host with x inside a handler for $e; returns its result, or 100 + payload.
  (func (export "via_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (call $host (local.get 0)))
      (return))
    (i32.add (i32.const 100)))
  ;; catch_all around a trap: traps are not exceptions.
  (func (export "trap_in_try") (result i32)
    (block $h
      (try_table (catch_all $h) (unreachable)))
    (i32.const 1))
  ;; Recursion n deep, then a throw; the handler is in the outermost frame.
  (func $down (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 42))))
    (call $down (i32.sub (local.get 0) (i32.const 1))))
  (func (export "deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $down (local.get 0)))
      (i32.const -1)))
  ;; A loop that throws and catches n times, summing payloads.
  (func (export "loop") (param $n i32) (result i32) (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (throw $e (local.get $n)))
        (i32.const 0))
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))
  (func (export "throw_null") (throw_ref (ref.null exn)))
)`;

interface Setup {
  engine: Engine;
  store: Store<null>;
  instance: Instance;
  linker: Linker<null>;
}

function setup(
  host: (x: number) => number = (x) => x,
  config: Config = EXN,
): Setup {
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const linker = new Linker<null>(engine);
  linker.funcWrap("env", "host", { params: ["i32"], results: ["i32"] }, (_c, x: number) => host(x));
  const instance = linker.instantiate(store, new Module(engine, wat(MODULE)));
  return { engine, store, instance, linker };
}

Deno.test("exceptions: off by default, as in wasmi; the tag section and try_table are malformed", () => {
  assert.equal(new Config().wasmExceptions, false);
  const engine = new Engine(new Config({ compilationMode: "lazyTranslation" })); // bodies checked at new Module
  assert.throws(() => new Module(engine, wat(MODULE)), DecodeError);
  const noTags = `(module (func (block (try_table (catch_all 0)))))`;
  assert.throws(() => new Module(engine, wat(noTags)), /illegal opcode/);
});

Deno.test("exceptions: a handler two calls out receives the payload", () => {
  const { store, instance } = setup();
  const f = instance.getTypedFunc<[number], number>(store, "catch_deep");
  assert.equal(f.call(store, 41), 42);
  assert.equal(f.call(store, -5), -4);
});

Deno.test("exceptions: catch clauses are tried in order; catch_all takes any tag", () => {
  const { store, instance } = setup();
  assert.equal(instance.getTypedFunc<[], number>(store, "catch_all").call(store), 7);
});

Deno.test("exceptions: an uncaught exception is a WasmException with its tag and payload", () => {
  const { store, instance } = setup();
  const e = instance.getTag(store, "e")!;
  assert.ok(e instanceof Tag);
  assert.equal(e.ty(store).toString(), "tag (i32)");
  assert.equal(instance.getTag(store, "e"), e, "the same handle every time");
  assert.equal(instance.getTag(store, "thrower"), undefined);
  const thrower = instance.getFunc(store, "thrower")!;
  const caught = (() => {
    try {
      thrower.call(store, [Val.i32(9)]);
    } catch (x) {
      return x;
    }
  })();
  assert.ok(caught instanceof WasmException);
  assert.ok(!(caught instanceof Trap));
  assert.equal(caught.tag(store), e);
  assert.deepEqual(caught.payload(store).map((v) => v.toString()), ["i32:9"]);
  // The store stays usable.
  assert.equal(instance.getTypedFunc<[number], number>(store, "catch_deep").call(store, 1), 2);
});

Deno.test("exceptions: catch_ref delivers an exnref; throw_ref rethrows the same exception", () => {
  const { store, instance } = setup();
  const [a, b, ref] = instance.getFunc(store, "catch_ref")!.call(store, []);
  assert.equal(a!.value, -3n);
  assert.equal(b!.value, 0.5);
  assert.equal(ref!.type, "exnref");
  const exn = ref!.value;
  assert.ok(exn instanceof WasmException);
  assert.equal(exn.tag(store), instance.getTag(store, "f"));
  assert.deepEqual(exn.payload(store).map(String), ["i64:-3", "f64:0.5"]);
  let rethrown: unknown;
  try {
    instance.getFunc(store, "rethrow")!.call(store, [ref!]);
  } catch (x) {
    rethrown = x;
  }
  assert.equal(rethrown, exn, "identity survives Wasm → host → Wasm → host");
  const nul = (() => {
    try {
      instance.getFunc(store, "throw_null")!.call(store, []);
    } catch (x) {
      return x;
    }
  })();
  assert.ok(nul instanceof Trap && nul.code === TrapCode.NullExnReference);
  assert.equal(nul.message, "null exception reference");
});

Deno.test("exceptions: a host function throws a WasmException and Wasm catches it", () => {
  const box: { store?: Store<null>; tag?: Tag } = {};
  const { store, instance } = setup((x) => {
    if (x > 0) throw new WasmException(box.store!, box.tag!, [Val.i32(x * 2)]);
    return x;
  });
  box.store = store;
  box.tag = instance.getTag(store, "e")!;
  const f = instance.getTypedFunc<[number], number>(store, "via_host");
  assert.equal(f.call(store, 0), 0, "no throw: the host's result");
  assert.equal(f.call(store, 4), 108, "caught: 100 + payload");
  // A payload that does not fit the tag is refused when the exception is made.
  assert.throws(() => new WasmException(store, box.tag!, [Val.i64(1n)]), /Type mismatch/);
});

Deno.test("exceptions: an exception of a tag no handler names passes through to the host", () => {
  const box: { store?: Store<null>; tag?: Tag } = {};
  const { store, instance } = setup(() => {
    throw new WasmException(box.store!, box.tag!, [Val.i64(1n), Val.f64(2)]);
  });
  box.store = store;
  box.tag = instance.getTag(store, "f")!;
  const f = instance.getFunc(store, "via_host")!;
  let caught: unknown;
  try {
    f.call(store, [Val.i32(1)]);
  } catch (x) {
    caught = x;
  }
  assert.ok(caught instanceof WasmException);
  assert.equal(caught.tag(store), box.tag);
});

Deno.test("exceptions: a JS error from a host function is never caught by Wasm", () => {
  const { store, instance } = setup(() => {
    throw new RangeError("host failure");
  });
  const f = instance.getFunc(store, "via_host")!;
  assert.throws(() => f.call(store, [Val.i32(1)]), /host failure/);
  const call = f.callResumable(store, [Val.i32(1)]);
  assert.equal(call.kind, "hostTrap");
  assert.ok(call.kind === "hostTrap" && (call.hostError as Error).message === "host failure");
  // Resumed with a result, the call finishes normally (the handler caught nothing).
  const done = call.kind === "hostTrap" ? call.resume(store, [Val.i32(5)]) : call;
  assert.ok(done.kind === "finished" && done.results[0]!.value === 5);
});

Deno.test("exceptions: traps are not exceptions; catch_all does not catch them", () => {
  const { store, instance } = setup();
  assert.throws(
    () => instance.getFunc(store, "trap_in_try")!.call(store, []),
    (e) => e instanceof Trap && e.code === TrapCode.UnreachableCodeReached,
  );
});

Deno.test("exceptions: unwinding 10,000 Wasm frames uses no JS stack", () => {
  const { store, instance } = setup(undefined, new Config({ wasmExceptions: true }));
  assert.equal(instance.getTypedFunc<[number], number>(store, "deep").call(store, 10_000), 42);
});

Deno.test("exceptions: throwing and catching in a loop", () => {
  const { store, instance } = setup();
  assert.equal(instance.getTypedFunc<[number], number>(store, "loop").call(store, 1000), 500500);
});

Deno.test("exceptions: resume into a frame with a live handler, then throw: it is caught", () => {
  // The host traps first (a plain Error: the call suspends); after the resume the handler's
  // frame continues and the next host call throws a Wasm exception, which it catches.
  const { store, instance } = setup();
  const box = { calls: 0, tag: instance.getTag(store, "e")! };
  const module = `(module
    (import "m" "via_host" (func $via (param i32) (result i32)))
    (import "env" "host" (func $host (param i32) (result i32)))
    (import "m" "e" (tag $e (param i32)))
    (func (export "run") (result i32)
      (block $h (result i32)
        (try_table (result i32) (catch $e $h)
          (drop (call $host (i32.const 1)))
          (call $host (i32.const 2)))
        (return))
      (i32.add (i32.const 1000))))`;
  const linker = new Linker<null>(store.engine);
  linker.instance(store, "m", instance);
  linker.funcWrap("env", "host", { params: ["i32"], results: ["i32"] }, (_c, x: number) => {
    box.calls++;
    if (box.calls === 1) throw new Error("suspend");
    throw new WasmException(store, box.tag!, [Val.i32(x)]);
  });
  const run = linker.instantiate(store, new Module(store.engine, wat(module))).getFunc(
    store,
    "run",
  )!;
  const first = run.callResumable(store, []);
  assert.equal(first.kind, "hostTrap");
  const done = first.kind === "hostTrap" ? first.resume(store, [Val.i32(0)]) : first;
  assert.ok(done.kind === "finished");
  assert.equal(done.results[0]!.value, 1002);
});

Deno.test("exceptions: fueled, stopping inside try_table frames and resuming, same results", () => {
  const { store, instance } = setup(
    undefined,
    new Config({ wasmExceptions: true, consumeFuel: true }),
  );
  for (
    const [name, arg, expected] of [["deep", 50, 42], ["loop", 20, 210], [
      "catch_deep",
      1,
      2,
    ]] as const
  ) {
    store.setFuel(0);
    let call = instance.getFunc(store, name)!.callResumable(store, [Val.i32(arg)]);
    let stops = 0;
    while (call.kind === "outOfFuel") {
      stops++;
      store.setFuel(call.requiredFuel);
      call = call.resume(store);
    }
    assert.ok(call.kind === "finished", name);
    assert.equal(call.results[0]!.value, expected, name);
    assert.ok(stops > 1, `${name} stopped for fuel`);
  }
});

Deno.test("exceptions: tags are linkable; each instance's own tags are distinct", () => {
  const engine = new Engine(EXN);
  const store = new Store(engine, null);
  const shared = new Tag(store, new TagType(new FuncType(["i32"], [])));
  assert.equal(shared.ty(store).toString(), "tag (i32)");
  const thrower = `(module (import "env" "t" (tag $t (param i32))) (tag $own (param i32))
    (func (export "shared") (throw $t (i32.const 3)))
    (func (export "own") (throw $own (i32.const 4))))`;
  const catcher = `(module (import "env" "t" (tag $t (param i32)))
    (import "m" "shared" (func $shared)) (import "m" "own" (func $own))
    (func (export "shared") (result i32)
      (block $h (result i32) (try_table (catch $t $h) (call $shared)) (i32.const -1)))
    (func (export "own") (result i32)
      (block $h (result i32) (try_table (catch $t $h) (call $own)) (i32.const -1))))`;
  const linker = new Linker<null>(engine).define("env", "t", shared);
  linker.instance(store, "m", linker.instantiate(store, new Module(engine, wat(thrower))));
  const c = linker.instantiate(store, new Module(engine, wat(catcher)));
  assert.equal(c.getTypedFunc<[], number>(store, "shared").call(store), 3);
  assert.throws(() => c.getFunc(store, "own")!.call(store, []), WasmException);
  // A tag of another type does not link.
  const other = new Tag(store, new FuncType(["i64"], []));
  const l2 = new Linker<null>(engine).define("env", "t", other);
  assert.throws(() => l2.instantiate(store, new Module(engine, wat(thrower))), /incompatible/);
  // A tag's type has no results.
  assert.throws(() => new TagType(new FuncType([], ["i32"])), TypeError);
});

Deno.test("exceptions: an async host function's rejection with a WasmException is caught", async () => {
  const engine = new Engine(EXN);
  const store = new Store(engine, null);
  const tag = new Tag(store, new FuncType(["i32"], []));
  const linker = new Linker<null>(engine).define("env", "t", tag);
  linker.funcWrap("env", "host", { params: ["i32"], results: ["i32"] }, async (_c, x: number) => {
    await Promise.resolve();
    if (x === 0) throw new RangeError("not an exception");
    throw new WasmException(store, tag, [Val.i32(x + 1)]);
  });
  const module = `(module (import "env" "t" (tag $t (param i32)))
    (import "env" "host" (func $host (param i32) (result i32)))
    (func (export "run") (param i32) (result i32)
      (block $h (result i32)
        (try_table (result i32) (catch $t $h) (call $host (local.get 0)))
        (return))
      (i32.mul (i32.const 10))))`;
  const run = linker.instantiate(store, new Module(engine, wat(module))).getFunc(store, "run")!;
  const [r] = await run.callAsync(store, [Val.i32(4)]);
  assert.equal(r!.value, 50);
  await assert.rejects(run.callAsync(store, [Val.i32(0)]), /not an exception/);
});

Deno.test("exceptions: exnref handles are reclaimed; live ones keep their exceptions", () => {
  // Each iteration catches with catch_all_ref, keeps every 1000th exnref in a table, and
  // rethrows the rest with throw_ref to an outer catch: 30,000 exnrefs taken, few kept.
  const module = `(module
    (tag $e (param i32))
    (tag $w (param exnref))
    (table $keep 200 exnref)
    (global $last (mut exnref) (ref.null exn))
    (func $one (param $i i32) (result i32)
      (block $out (result i32)
        (try_table (catch $e $out)
          (block $h (result exnref)
            (try_table (catch_all_ref $h) (throw $e (local.get $i)))
            (unreachable))
          (global.set $last)
          (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 1000)))
            (then (table.set $keep (i32.div_u (local.get $i) (i32.const 1000)) (global.get $last))))
          (throw_ref (global.get $last)))
        (i32.const -1)))
    (func (export "run") (param $n i32) (result i32) (local $i i32) (local $sum i32)
      (loop $l
        (local.set $sum (i32.add (local.get $sum) (call $one (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $sum))
    ;; Rethrows kept exnref k, wrapped in a $w exception and unwrapped again.
    (func (export "kept") (param $k i32) (result i32)
      (block $h (result i32)
        (try_table (catch $e $h)
          (block $u (result exnref)
            (try_table (catch $w $u) (throw $w (table.get $keep (local.get $k))))
            (unreachable))
          (throw_ref))
        (unreachable))))`;
  const engine = new Engine(EXN);
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, wat(module)));
  const n = 30_000;
  assert.equal(
    instance.getTypedFunc<[number], number>(store, "run").call(store, n),
    (n * (n - 1) / 2) | 0,
  );
  const handles = storeInner(store).exns.length;
  assert.ok(handles < 5_000, `${handles} exnref handles for ${n} exceptions`);
  const kept = instance.getTypedFunc<[number], number>(store, "kept");
  for (const k of [0, 1, 17, 29]) assert.equal(kept.call(store, k), k * 1000, `kept ${k}`);
});
