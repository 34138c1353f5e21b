import assert from "node:assert/strict";
import {
  CallHook,
  Engine,
  Func,
  type Instance,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

type Data = { log: string[]; throwOn: CallHook | null };

const module = new Module(
  engine,
  wat(`(module
    (import "host" "h" (func $h (param i32) (result i32)))
    (func (export "leaf") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "outer") (param i32) (result i32) (call $h (local.get 0)))
    (func (export "trap") (unreachable)))`),
);

/** A store whose hook logs every kind, and an instance whose host function calls "leaf". */
function setup(): { store: Store<Data>; instance: Instance } {
  const store = new Store<Data>(engine, { log: [], throwOn: null });
  store.callHook((data, kind) => {
    data.log.push(kind);
    if (kind === data.throwOn) throw new Error(`hook refused ${kind}`);
  });
  const linker = new Linker<Data>(engine);
  const self: { instance?: Instance } = {};
  linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (caller, x: number) => {
    caller.data.log.push("host");
    const leaf = self.instance!.getTypedFunc<[number], number>(caller.store, "leaf");
    return leaf.call(caller.store, x);
  });
  const instance = linker.instantiate(store, module);
  self.instance = instance;
  return { store, instance };
}

Deno.test("call hook: Func.call and typed calls into Wasm", () => {
  const { store, instance } = setup();
  assert.equal(instance.getFunc(store, "leaf")!.call(store, [Val.i32(1)])[0]!.value, 2);
  assert.equal(instance.getTypedFunc<[number], number>(store, "leaf").call(store, 2), 3);
  assert.deepEqual(store.data.log, [
    CallHook.CallingWasm,
    CallHook.ReturningFromWasm,
    CallHook.CallingWasm,
    CallHook.ReturningFromWasm,
  ]);
});

Deno.test("call hook: Wasm -> host -> Wasm nesting, in order", () => {
  const { store, instance } = setup();
  assert.equal(instance.getTypedFunc<[number], number>(store, "outer").call(store, 5), 6);
  assert.deepEqual(store.data.log, [
    "CallingWasm",
    "CallingHost",
    "host",
    "CallingWasm",
    "ReturningFromWasm",
    "ReturningFromHost",
    "ReturningFromWasm",
  ]);
});

Deno.test("call hook: ReturningFromWasm also after a trap", () => {
  const { store, instance } = setup();
  assert.throws(
    () => instance.getTypedFunc(store, "trap").call(store),
    (e) => e instanceof Trap && e.code === TrapCode.UnreachableCodeReached,
  );
  assert.deepEqual(store.data.log, ["CallingWasm", "ReturningFromWasm"]);
});

Deno.test("call hook: host functions called from the API run without hooks", () => {
  const store = new Store<Data>(engine, { log: [], throwOn: null });
  store.callHook((data, kind) => data.log.push(kind));
  const f = Func.wrap(store, { params: [], results: ["i32"] }, () => 7);
  assert.equal(f.typed(store).call(store), 7);
  assert.deepEqual(store.data.log, []);
});

Deno.test("call hook: a hook throwing on any kind aborts the call; the store stays usable", () => {
  for (const kind of Object.values(CallHook)) {
    const { store, instance } = setup();
    const outer = instance.getTypedFunc<[number], number>(store, "outer");
    store.data.throwOn = kind;
    assert.throws(() => outer.call(store, 1), (e) => {
      // Host-side errors may reach the caller wrapped in a trap; the hook's error is in there.
      const err = e instanceof Trap && e.cause !== undefined ? e.cause : e;
      assert.ok(err instanceof Error);
      assert.equal(err.message, `hook refused ${kind}`);
      return true;
    });
    // Nothing past the refusing hook ran.
    const log = store.data.log;
    const at = log.indexOf(kind);
    assert.ok(at >= 0);
    if (kind === CallHook.CallingWasm) assert.deepEqual(log, ["CallingWasm"]);
    if (kind === CallHook.CallingHost) assert.ok(!log.includes("host"));
    store.data.throwOn = null;
    store.data.log = [];
    assert.equal(outer.call(store, 1), 2);
    assert.equal(store.data.log.length, 7);
  }
});

Deno.test("call hook: removing the hook", () => {
  const { store, instance } = setup();
  store.callHook(null);
  assert.equal(instance.getTypedFunc<[number], number>(store, "outer").call(store, 1), 2);
  assert.deepEqual(store.data.log, ["host"]);
});

Deno.test("call hook: the start function runs between the Wasm hooks", () => {
  const store = new Store<string[]>(engine, []);
  store.callHook((data, kind) => data.push(kind));
  new Linker<string[]>(engine).instantiate(
    store,
    new Module(engine, wat(`(module (func $s) (start $s))`)),
  );
  assert.deepEqual(store.data, ["CallingWasm", "ReturningFromWasm"]);
});
