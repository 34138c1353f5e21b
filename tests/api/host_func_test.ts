import assert from "node:assert/strict";
import {
  AsyncHostFuncError,
  Config,
  Engine,
  Func,
  FuncError,
  FuncType,
  Linker,
  type Memory,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
  WasmError,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

Deno.test("host func: Caller gives the store data; no instance when called from the API", () => {
  const store = new Store(engine, { n: 1 });
  const f = Func.wrap(store, { params: [], results: ["i32"] }, (caller) => {
    assert.equal(caller.store, store);
    assert.equal(caller.engine, engine);
    assert.equal(caller.getExport("anything"), undefined);
    caller.data = { n: caller.data.n + 1 };
    return caller.data.n;
  });
  assert.equal(f.typed(store).call(store), 2);
  assert.deepEqual(store.data, { n: 2 });
});

Deno.test("host func: wrong results from the host throw FuncError", () => {
  const store = new Store(engine, null);
  const t = new FuncType([], ["i32"]);
  const cases: [string, () => unknown][] = [
    ["no results", () => []],
    ["two results", () => [Val.i32(1), Val.i32(2)]],
    ["wrong type", () => [Val.i64(1n)]],
    ["not an array", () => Val.i32(1)],
  ];
  for (const [name, out] of cases) {
    const f = new Func(store, t, out as () => Val[]);
    assert.throws(() => f.call(store, []), FuncError, name);
  }
  // The wrong results below do not type-check; the run-time checks are what is tested.
  // @ts-expect-error one result for two
  const wrapped = Func.wrap(store, { params: [], results: ["i32", "i64"] }, () => [1]);
  assert.throws(() => wrapped.call(store, []), /array of 2 results/);
  // @ts-expect-error a string for an i64
  const wrongJs = Func.wrap(store, { params: [], results: ["i64"] }, () => "x");
  assert.throws(() => wrongJs.call(store, []), /must be a i64, got "x"/);
  // Host functions without results may return anything.
  Func.wrap(store, { params: [], results: [] }, () => 5).call(store, []);
  new Func(store, new FuncType([], []), () => undefined).call(store, []);
});

Deno.test("host func: a Promise in a synchronous call is an error", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: [], results: [] }, () => Promise.resolve());
  assert.throws(() => f.call(store, []), WasmError);
});

Deno.test("host func: Wasm calls the host, which calls back into Wasm via the Caller", () => {
  const store = new Store(engine, [] as string[]);
  const linker = new Linker<string[]>(engine);
  linker.funcWrap("env", "log", { params: ["i32", "i32"], results: [] }, (caller, ptr, len) => {
    const mem = caller.getExport("memory") as Memory;
    caller.data.push(new TextDecoder().decode(mem.read(caller.store, ptr, len)));
  });
  linker.funcWrap("env", "twice", { params: ["i32"], results: ["i32"] }, (caller, x: number) => {
    const double = caller.getExport("double") as Func;
    return double.typed(caller.store).call(
      caller.store,
      double.typed(caller.store).call(caller.store, x) as number,
    ) as number;
  });
  const module = new Module(
    engine,
    wat(`(module
      (import "env" "log" (func $log (param i32 i32)))
      (import "env" "twice" (func $twice (param i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hello")
      (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "run") (param i32) (result i32)
        (call $log (i32.const 16) (i32.const 5))
        (call $twice (local.get 0))))`),
  );
  const instance = linker.instantiate(store, module);
  assert.equal(instance.getTypedFunc(store, "run").call(store, 5), 20);
  assert.deepEqual(store.data, ["hello"]);
});

Deno.test("host func: a trap leaves the store usable", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  let fail = true;
  linker.funcWrap("env", "maybe", { params: [], results: [] }, () => {
    if (fail) throw new Error("host says no");
  });
  const module = new Module(
    engine,
    wat(`(module (import "env" "maybe" (func $maybe))
      (global $g (export "g") (mut i32) (i32.const 0))
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "host") (global.set $g (i32.const 1)) (call $maybe) (global.set $g (i32.const 2))))`),
  );
  const instance = linker.instantiate(store, module);
  const div = instance.getTypedFunc(store, "div");
  assert.throws(
    () => div.call(store, 1, 0),
    (e) => e instanceof Trap && e.code === TrapCode.IntegerDivisionByZero,
  );
  assert.equal(div.call(store, 7, 2), 3);
  const host = instance.getTypedFunc(store, "host");
  assert.throws(
    () => host.call(store),
    (e) => e instanceof Error && /host says no/.test(String(e) + String(e.cause)),
  );
  assert.equal(
    instance.getGlobal(store, "g")!.get(store).value,
    1,
    "the trap stopped the function",
  );
  fail = false;
  host.call(store);
  assert.equal(instance.getGlobal(store, "g")!.get(store).value, 2);
  assert.equal(div.call(store, 9, 3), 3);
});

Deno.test("host func: wrong results are caught when Wasm is the caller too", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  // @ts-expect-error a bigint for an i32 (checked at run time too)
  linker.funcWrap("env", "bad", { params: [], results: ["i32"] }, () => 1n);
  const module = new Module(
    engine,
    wat(`(module (import "env" "bad" (func $bad (result i32)))
      (func (export "run") (result i32) (call $bad)))`),
  );
  const run = linker.instantiate(store, module).getTypedFunc(store, "run");
  assert.throws(() => run.call(store), /must be a i32, got 1n/);
});

Deno.test("host func: stack exhaustion traps and leaves the store usable", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
      (func $forever (export "forever") (call $forever)))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  assert.throws(
    () => instance.getTypedFunc(store, "forever").call(store),
    (e) => e instanceof Trap && e.code === TrapCode.StackOverflow,
  );
  assert.equal(instance.getTypedFunc(store, "down").call(store, 1000), 1000);
});

Deno.test("host func: funcrefs cross instances through a shared table", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const a = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (table (export "t") 2 funcref)
        (func $seven (result i32) i32.const 7) (elem (i32.const 0) $seven))`),
    ),
  );
  linker.instance(store, "a", a);
  const b = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (import "a" "t" (table 2 funcref))
        (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))`),
    ),
  );
  const call = b.getTypedFunc(store, "call");
  assert.equal(call.call(store, 0), 7);
  assert.throws(
    () => call.call(store, 1),
    (e) => e instanceof Trap && e.code === TrapCode.IndirectCallToNull,
  );
});

Deno.test("host func: plain results are checked strictly, naming the function", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  // A FuncType leaves the callback untyped, so these type-check; the run-time check catches them.
  const cases: [type: FuncType, out: unknown, message: RegExp][] = [
    [
      new FuncType([], ["i64"]),
      5,
      /result of host function "env"\."f" \(\) -> \(i64\) must be a i64, got 5/,
    ],
    [new FuncType([], ["i64"]), "5", /must be a i64, got "5"/],
    [new FuncType([], ["i32"]), 5n, /must be a i32, got 5n/],
    [new FuncType([], ["f32"]), "1.5", /must be a f32, got "1.5"/],
    [new FuncType([], ["f64"]), null, /must be a f64, got null/],
    [
      new FuncType([], ["i32", "i64"]),
      [1, 2],
      /result 1 of host function "env"\."f".* must be a i64, got 2/,
    ],
    [new FuncType([], ["funcref"]), {}, /must be a funcref, got Object/],
  ];
  for (const [type, out, message] of cases) {
    linker.allowShadowing(true).funcWrap("env", "f", type, () => out);
    const instance = linker.instantiate(
      store,
      new Module(
        engine,
        wat(`(module (import "env" "f" (func $f (result ${type.results.join(" ")})))
          (func (export "run") (call $f) ${type.results.map(() => "drop").join(" ")}))`),
      ),
    );
    assert.throws(() => instance.getFunc(store, "run")!.call(store, []), FuncError, String(out));
    assert.throws(() => instance.getFunc(store, "run")!.call(store, []), message, String(out));
  }
  // Called from the API directly, too.
  const f = Func.wrap(store, new FuncType([], ["i64"]), () => 1);
  assert.throws(() => f.call(store, []), FuncError);
  // Arguments of typed calls stay lenient: an integer number is a fine i64.
  const id = Func.wrap(store, { params: ["i64"], results: ["i64"] }, (_c, x) => x);
  assert.equal(id.typed<[number], bigint>(store).call(store, 7), 7n);
});

Deno.test("host func: plain functions of 0 to 5 parameters get each argument, from either tier", () => {
  // Up to three parameters are passed as arguments directly, more through an array: both ways
  // must read every slot at its place, with its type.
  const types = ["i32", "f64", "i64", "f32", "i32"] as const;
  const values = ["-7", "2.5", "-9000000000", "0.25", "2147483647"];
  const expected = [-7, 2.5, -9000000000n, 0.25, 2147483647];
  for (const tier of ["interpreter", "codegen"] as const) {
    const tierEngine = new Engine(new Config({ executionTier: tier }));
    for (let n = 0; n <= types.length; n++) {
      const store = new Store(tierEngine, null);
      const linker = new Linker(tierEngine);
      const seen: unknown[][] = [];
      const params = types.slice(0, n);
      linker.funcWrap("env", "f", { params: [...params], results: ["i32"] }, (_c, ...args) => {
        seen.push(args);
        return args.length * 10;
      });
      const args = params.map((t, i) => `(${t}.const ${values[i]})`).join(" ");
      const instance = linker.instantiate(
        store,
        new Module(
          tierEngine,
          wat(`(module (import "env" "f" (func $f (param ${params.join(" ")}) (result i32)))
            (func (export "run") (result i32) (i32.add (call $f ${args}) (call $f ${args}))))`),
        ),
      );
      assert.equal(instance.getTypedFunc(store, "run").call(store), 20 * n, `${tier} ${n}`);
      assert.deepEqual(seen, [expected.slice(0, n), expected.slice(0, n)], `${tier} ${n}`);
    }
  }
});

Deno.test("host func: each calling instance gets a Caller that names it", () => {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const names: unknown[] = [];
  linker.funcWrap("env", "who", { params: [], results: [] }, (caller) => {
    names.push((caller.getExport("tag") as { get(s: Store): Val } | undefined)?.get(store));
  });
  const module = new Module(
    engine,
    wat(`(module (import "env" "who" (func $who)) (global $t (mut i32) (i32.const 0))
      (export "tag" (global $t))
      (func (export "set") (param i32) (global.set $t (local.get 0)))
      (func (export "run") (call $who)))`),
  );
  const [a, b] = [linker.instantiate(store, module), linker.instantiate(store, module)];
  a.getTypedFunc(store, "set").call(store, 1);
  b.getTypedFunc(store, "set").call(store, 2);
  for (const instance of [a, b, a, a, b]) instance.getTypedFunc(store, "run").call(store);
  assert.deepEqual(names.map((v) => (v as Val | undefined)?.value), [1, 2, 1, 1, 2]);
});

Deno.test("host func: Func.call names the signature when its parameters do not fit", () => {
  const store = new Store(engine, null);
  const f = new Func(store, new FuncType(["i32", "i64"], []), () => []);
  const bad: [unknown, string][] = [
    [[Val.i32(1)], "Expected 2 parameters of (i32, i64) -> (), got 1"],
    [
      [Val.i32(1), Val.i32(2)],
      "Type mismatch in parameters of (i32, i64) -> (): value 1 is i32, expected i64",
    ],
    [
      [Val.i32(1), 5],
      "Type mismatch in parameters of (i32, i64) -> (): value 1 is not a Val (5)",
    ],
    [7, "Expected an array of Val as parameters of (i32, i64) -> ()"],
  ];
  for (const [params, message] of bad) {
    assert.throws(() => f.call(store, params as Val[]), (e) => {
      assert.ok(e instanceof FuncError);
      assert.equal(e.message, message);
      return true;
    });
  }
  // The store stays usable, and a fitting call runs.
  assert.deepEqual(f.call(store, [Val.i32(1), Val.i64(2n)]), []);
});

Deno.test("host func: a Func.call made inside a Func.call keeps both calls' values apart", () => {
  const store = new Store(engine, null);
  const inner = new Func(store, new FuncType(["i64", "i32", "i32"], ["i32"]), (_c, p) => [
    Val.i32((p[1]!.value as number) * (p[2]!.value as number)),
  ]);
  const outer = new Func(store, new FuncType(["i32", "i32"], ["i32", "i32"]), (_c, [a, b]) => {
    const [r] = inner.call(store, [Val.i64(-1n), Val.i32(7), Val.i32(6)]);
    return [Val.i32((a!.value as number) + (r!.value as number)), b!];
  });
  for (let i = 0; i < 3; i++) {
    const out = outer.call(store, [Val.i32(i), Val.i32(100 + i)]);
    assert.deepEqual(out.map((v) => v.value), [42 + i, 100 + i]);
  }
  // A call that fails (a Promise from a synchronous call) leaves later calls unaffected.
  const later = new Func(store, new FuncType([], ["i32"]), () => Promise.resolve([Val.i32(9)]));
  assert.throws(() => later.call(store, []), AsyncHostFuncError);
  assert.deepEqual(outer.call(store, [Val.i32(1), Val.i32(2)]).map((v) => v.value), [43, 2]);
});
