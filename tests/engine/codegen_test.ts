/**
 * The code-generation tier (`src/engine/codegen.ts`): tier selection, coverage of the
 * instruction set, fallback to the interpreter, limits and fuel stops equal to the
 * interpreter's, and generated source that nothing in a module can inject into.
 */

import assert from "node:assert/strict";
import {
  Config,
  ConfigError,
  type ConfigOptions,
  Engine,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
  WasmException,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { withCustomSection } from "../_lib/bytes.ts";
import { codeGenerationAllowed, generateBody, generateSource } from "../../src/engine/codegen.ts";
import { CompiledFunc } from "../../src/engine/code_map.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { I, INSTR_SIZE, ISA } from "../../src/engine/isa.ts";

const TIERS = ["interpreter", "codegen"] as const;

/** An instance of `bytes` on a fresh engine with `options`. */
function instantiate(bytes: Uint8Array, options: ConfigOptions = {}) {
  const engine = new Engine(new Config(options));
  const store = new Store(engine, null);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
  return { engine, store, instance };
}

Deno.test("codegen: auto picks code generation where new Function works", () => {
  assert.equal(codeGenerationAllowed(), true);
  assert.equal(new Engine().executionTier, "codegen");
  assert.equal(new Engine(new Config({ executionTier: "auto" })).executionTier, "codegen");
  assert.equal(
    new Engine(new Config({ executionTier: "interpreter" })).executionTier,
    "interpreter",
  );
  assert.throws(
    () => new Config({ executionTier: "jit" as "auto" }),
    (e) => e instanceof ConfigError && /executionTier/.test(e.message),
  );
});

Deno.test("codegen: auto falls back to the interpreter where code generation is forbidden", async () => {
  const script = new URL("./_tier_probe.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--v8-flags=--disallow-code-generation-from-strings", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.success, true, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(text), {
    auto: "interpreter",
    result: 42,
    codegen: "ConfigError",
  });
  assert.equal(new TextDecoder().decode(out.stderr), "", "no warnings");
});

Deno.test("codegen: every instruction of isa.ts is generated", () => {
  const uncovered: string[] = [];
  for (let op = 0; op < ISA.length; op++) {
    // The instruction with zero operands (a jump table of one target: 0), then a return.
    const words = [op, ...new Array<number>(INSTR_SIZE[op]! - 1).fill(0)];
    if (op === I.BrTable) words.push(0);
    const result = generateSource(Int32Array.from([...words, I.Return]));
    if ("reason" in result) uncovered.push(result.reason);
    else uncovered.push(...result.escapes);
  }
  assert.deepEqual(uncovered, []);
});

Deno.test("codegen: an instruction it does not spell hands the frame to the interpreter", () => {
  for (const escape of [[I.I32AddImm], [I.Call, I.I32Sub], [I.ConsumeFuel, I.BrIfEqz]]) {
    const engine = new EscapingEngine(new Config({ executionTier: "codegen" }), new Set(escape));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, FIB));
    assert.equal(instance.getTypedFunc<[number], number>(store, "fib").call(store, 15), 610);
    assert.equal(instance.getTypedFunc<[number], bigint>(store, "sum").call(store, 99), 1188n);
    assert.equal(instance.getTypedFunc<[number], number>(store, "deep").call(store, 5000), 5000);
  }
  const code = Int32Array.of(I.ConstI32, 0, 5, I.I32AddImm, 0, 0, 1, I.ReturnSlot, 0);
  const result = generateSource(code, { numResults: 1, escape: new Set([I.I32AddImm]) });
  assert.ok("escapes" in result);
  assert.deepEqual(result.escapes, ["I32AddImm (asked to)"]);
});

Deno.test("codegen: an unknown internal opcode leaves the function in the interpreter", () => {
  const cf = new CompiledFunc(Int32Array.of(ISA.length + 7, 0), 0, 0, 4, 0, 0);
  assert.equal(generateBody(cf), `unknown internal opcode ${ISA.length + 7}`);
  const branchInside = Int32Array.of(I.Br, 1, I.Return);
  assert.deepEqual(generateSource(branchInside), { reason: "a branch into an instruction" });
});

const FIB = wat(`(module
  (memory 1)
  (global $calls (mut i32) (i32.const 0))
  (func $fib (export "fib") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "sum") (param $n i32) (result i64) (local $acc i64)
    (memory.fill (i32.const 0) (i32.const 7) (i32.const 1000))
    (loop $l
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i32.load8_u (local.get $n)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $fib (i32.const 5)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func $deep (export "deep") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (result i32) (local.get 0)
      (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))
      (else (i32.const 0))))
  (func (export "calls") (result i32) (global.get $calls)))`);

Deno.test("codegen: the tiers compute the same results", () => {
  for (const tier of TIERS) {
    const { engine, store, instance } = instantiate(FIB, { executionTier: tier });
    assert.equal(instance.getTypedFunc<[number], number>(store, "fib").call(store, 20), 6765);
    assert.equal(instance.getTypedFunc<[number], bigint>(store, "sum").call(store, 999), 11988n);
    const stats = engine.codegenStats();
    assert.equal(stats.interpreted, 0);
    assert.equal(stats.generated, tier === "codegen" ? 2 : 0);
  }
});

/** An engine whose generated code hands its frames to the interpreter at the given opcodes. */
class EscapingEngine extends Engine {
  constructor(config: Config, readonly escape: ReadonlySet<number>) {
    super(config);
  }
  override bodyOf(cf: CompiledFunc) {
    if (cf.generated === undefined) {
      const result = generateBody(cf, this.escape);
      cf.generated = typeof result === "string" ? null : result.body;
    }
    return super.bodyOf(cf);
  }
}

Deno.test("codegen: fuel runs out at the same points in both tiers", () => {
  const escaping = new Set([I.I64Add, I.I32AddImm]);
  const stops = [...TIERS, "escaping"].map((tier) => {
    const config = new Config({
      executionTier: tier === "interpreter" ? tier : "codegen",
      consumeFuel: true,
    });
    const engine = tier === "escaping" ? new EscapingEngine(config, escaping) : new Engine(config);
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, FIB));
    const log: (bigint | string)[] = [];
    for (const budget of [0, 1, 7, 50, 333]) {
      store.setFuel(budget);
      let call = instance.getFunc(store, "sum")!.callResumable(store, [Val.i32(300)]);
      while (call.kind === "outOfFuel") {
        log.push(call.requiredFuel, store.getFuel());
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      log.push(`done ${store.getFuel()}`);
    }
    return log;
  });
  assert.ok(stops[0]!.length > 50);
  assert.deepEqual(stops[1], stops[0]);
  // Generated code that hands its frames to the interpreter midway stops at the same points.
  assert.deepEqual(stops[2], stops[0]);
});

Deno.test("codegen: StackOverflow at the same depth as the interpreter", () => {
  for (const limits of [{ maxRecursionDepth: 777 }, { maxStackHeight: 5000 }]) {
    const reached = TIERS.map((tier) => {
      const { store, instance } = instantiate(FIB, { executionTier: tier, ...limits });
      const deep = instance.getTypedFunc<[number], number>(store, "deep");
      assert.throws(
        () => deep.call(store, 100_000),
        (e) => e instanceof Trap && e.code === TrapCode.StackOverflow,
      );
      // The store stays usable.
      assert.equal(deep.call(store, 10), 10);
      return instance.getTypedFunc<[], number>(store, "calls").call(store);
    });
    assert.equal(reached[1], reached[0], JSON.stringify(limits));
  }
});

Deno.test("codegen: 1,000,000-deep recursion completes when the limits allow it", () => {
  const { store, instance } = instantiate(FIB, {
    executionTier: "codegen",
    maxRecursionDepth: 1_000_001,
    maxStackHeight: 8_000_000,
  });
  const deep = instance.getTypedFunc<[number], number>(store, "deep");
  assert.equal(deep.call(store, 1_000_000), 1_000_000);
});

/** An engine that leaves every other function in the interpreter (both tiers in one call). */
class MixedEngine extends Engine {
  #n = 0;
  skipped = 0;
  override bodyOf(cf: CompiledFunc) {
    if (cf.generated === undefined && this.#n++ % 2 === 1) {
      cf.generated = null;
      this.skipped++;
    }
    return super.bodyOf(cf);
  }
}

Deno.test("codegen: frames of both tiers mix in one call, and resume in either", async () => {
  const bytes = wat(`(module
    (import "host" "tick" (func $tick (param i32) (result i32)))
    (func $a (param i32) (result i32) (call $tick (local.get 0)))
    (func $b (param i32) (result i32) (i32.mul (call $a (local.get 0)) (i32.const 3)))
    (func $c (param i32) (result i32) (i32.add (call $b (local.get 0)) (call $a (i32.const 1))))
    (func (export "run") (param $n i32) (result i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $c (local.get $n))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $s)))`);
  for (const fuel of [false, true]) {
    const engine = new MixedEngine(new Config({ executionTier: "codegen", consumeFuel: fuel }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    linker.funcWrap(
      "host",
      "tick",
      { params: ["i32"], results: ["i32"] },
      (_, x: number) => Promise.resolve(2 * x),
    );
    const instance = linker.instantiate(store, new Module(engine, bytes));
    if (fuel) store.setFuel(1_000_000);
    const run = instance.getFunc(store, "run")!;
    // c(n) = 3 * tick(n) + tick(1) = 6n + 2, summed for n = 10..1.
    const [result] = await run.callAsync(store, [Val.i32(10)]);
    assert.equal(result!.value, 350);
    assert.equal(engine.codegenStats().generated, 2);
    assert.equal(engine.skipped, 2);
  }
});

/** A name section giving function `index` the name `name`. */
function nameSection(bytes: Uint8Array, names: string[]): Uint8Array {
  const entries: number[] = [names.length];
  names.forEach((name, i) => {
    const text = new TextEncoder().encode(name);
    entries.push(i, text.length, ...text);
  });
  return withCustomSection(bytes, "name", Uint8Array.from([1, entries.length, ...entries]));
}

Deno.test("codegen: names from the module never reach the generated source", () => {
  const hostile = ["__proto__", "constructor", "then", "*/ alert(1) /*", "`${alert(2)}`"];
  const body = hostile.map((name, i) =>
    `(func (export ${JSON.stringify(name)}) (result i32) (i32.const ${i + 40}))`
  );
  const bytes = nameSection(wat(`(module ${body.join("\n")})`), hostile);
  const sources: string[] = [];
  const RealFunction = globalThis.Function;
  globalThis.Function = new Proxy(RealFunction, {
    construct(target, args: string[]) {
      sources.push(args.join("\n"));
      return Reflect.construct(target, args);
    },
  });
  try {
    const { engine, store, instance } = instantiate(bytes, { executionTier: "codegen" });
    hostile.forEach((name, i) => {
      assert.equal(instance.getTypedFunc<[], number>(store, name).call(store), i + 40);
    });
    assert.equal(engine.codegenStats().generated, hostile.length);
  } finally {
    globalThis.Function = RealFunction;
  }
  assert.equal(sources.length, hostile.length);
  for (const source of sources) {
    for (const word of ["alert", "__proto__", "constructor", "then", "`"]) {
      assert.ok(!source.includes(word), `${word} in generated source`);
    }
  }
});

Deno.test("codegen: a host trap deep in generated calls resumes with the callers' values", () => {
  const bytes = wat(`(module
    (import "host" "f" (func $f (param i32) (result i32)))
    (func $inner (param i32) (result i32) (call $f (local.get 0)))
    (func $mid (param i32) (result i32) (local $x i32)
      (local.set $x (i32.mul (local.get 0) (i32.const 7)))
      (i32.add (local.get $x) (call $inner (local.get 0))))
    (func (export "outer") (param i32) (result i32) (local $y i32)
      (local.set $y (i32.add (local.get 0) (i32.const 1000)))
      (i32.add (local.get $y) (call $mid (local.get 0)))))`);
  for (const tier of TIERS) {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    linker.funcWrap("host", "f", { params: ["i32"], results: ["i32"] }, () => {
      throw new Error("not yet");
    });
    const instance = linker.instantiate(store, new Module(engine, bytes));
    let call = instance.getFunc(store, "outer")!.callResumable(store, [Val.i32(5)]);
    assert.equal(call.kind, "hostTrap");
    if (call.kind === "hostTrap") call = call.resume(store, [Val.i32(20)]);
    assert.equal(call.kind, "finished");
    // outer: (5 + 1000) + mid(5) = 1005 + (35 + 20)
    if (call.kind === "finished") assert.equal(call.results[0]!.value, 1060, tier);
  }
});

Deno.test("codegen: traps carry the same code, message and Wasm backtrace in both tiers", () => {
  const bytes = wat(`(module
    (memory 1)
    (func $load (param i32) (result i32) (i32.load (local.get 0)))
    (func $div (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
    (func $pick (param i32 i32) (result i32)
      (if (result i32) (local.get 1) (then (call $load (local.get 0)))
        (else (call $div (local.get 0)))))
    (func (export "run") (param i32 i32) (result i32) (call $pick (local.get 0) (local.get 1))))`);
  const traps = TIERS.map((tier) => {
    const { store, instance } = instantiate(bytes, { executionTier: tier });
    const run = instance.getTypedFunc<[number, number], number>(store, "run");
    return [[65536, 1], [0, 0]].map(([a, b]) => {
      try {
        run.call(store, a!, b!);
        return "no trap";
      } catch (e) {
        assert.ok(e instanceof Trap);
        return { code: e.code, message: e.message, backtrace: e.backtrace };
      }
    });
  });
  assert.equal((traps[0]![0] as Trap).backtrace.length, 3);
  assert.deepEqual(traps[1], traps[0]);
});

Deno.test("codegen: generation is linear in the body size", () => {
  const rep = (k: number, words: number[]) => Array.from({ length: k }, () => words).flat();
  const shapes: Record<string, (n: number) => number[]> = {
    // local0 = local0 + 1, n times, as the translator fuses it
    "straight-line": (n) => rep(n, [I.I32AddImm, 0, 0, 1]),
    // n branches to the end
    "many labels": (n) => [...rep(n, [I.BrIfNez, 0, 3 * n]), I.ReturnSlot, 0],
    // a jump table of n targets, all the end
    "huge br_table": (n) => [I.BrTable, 0, n, ...rep(n + 1, [n + 4])],
    // i64 work on n slots
    "many slots": (n) => rep(n, [I.I64Add, 4 * (n % 997), 0, 4]),
  };
  /** One generation of `words`, in ms. */
  const once = (name: string, words: number[]) => {
    const code = Int32Array.from([...words, I.ReturnSlot, 0]);
    const start = performance.now();
    const result = generateBody(new CompiledFunc(code, 4, 4, 4 * 1000, 1, 0));
    const ms = performance.now() - start;
    assert.ok(typeof result !== "string", `${name}: ${result}`);
    return ms;
  };
  for (const [name, words] of Object.entries(shapes)) {
    // Eight times the size takes about eight times as long (6-10 measured at load 9-12; a huge
    // br_table up to 14); a quadratic pass would take 64. A ratio, not a time bound, of the least
    // of five generations per size, the sizes alternated, so that a loaded machine (or one of the
    // vCPUs' slow spells, which halve its speed for minutes) slows both alike. At four times the
    // size with a bound of 11 (quadratic: 16), the least of three with the small ones first
    // failed once beside two spec runs; 24 leaves about 2x either way.
    const smallWords = words(5_000), largeWords = words(40_000);
    let small = Infinity, large = Infinity;
    for (let i = 0; i < 5; i++) {
      small = Math.min(small, once(name, smallWords));
      large = Math.min(large, once(name, largeWords));
    }
    assert.ok(
      large / Math.max(small, 0.5) < 24,
      `${name}: ${large.toFixed(1)} ms for 8x the size of ${small.toFixed(1)} ms`,
    );
  }
});

Deno.test("codegen: exceptions thrown, caught and uncaught alike in both tiers", () => {
  const bytes = wat(
    `(module
    (import "t" "e" (tag $e (param i32)))
    (import "host" "f" (func $host (param i32) (result i32)))
    (func $thrower (param i32) (result i32)
      (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e (i32.const 41))))
      (if (i32.eq (local.get 0) (i32.const 2)) (then (return (call $host (local.get 0)))))
      (i32.mul (local.get 0) (i32.const 10)))
    (func $middle (param i32) (result i32) (local $keep i32)
      (local.set $keep (i32.add (local.get 0) (i32.const 100)))
      (i32.add (local.get $keep) (call $thrower (local.get 0))))
    (func $catcher (param i32) (result i32)
      (block $caught (result i32)
        (try_table (result i32) (catch $e $caught)
          (call $middle (local.get 0)))))
    (func (export "run") (param i32) (result i32) (call $catcher (local.get 0)))
    (func (export "raw") (param i32) (result i32) (call $middle (local.get 0))))`,
    { exceptions: true },
  );
  const results = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, wasmExceptions: true }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    const instance0 = linker.instantiate(
      store,
      new Module(engine, wat(`(module (tag (export "e") (param i32)))`, { exceptions: true })),
    );
    const tag = instance0.getTag(store, "e")!;
    linker.define("t", "e", tag);
    linker.funcWrap("host", "f", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
      if (x === 2) throw new WasmException(store, tag, [Val.i32(7)]);
      return x;
    });
    const instance = linker.instantiate(store, new Module(engine, bytes));
    const out: (number | string)[] = [];
    for (const name of ["run", "raw"]) {
      const f = instance.getTypedFunc<[number], number>(store, name);
      for (const x of [0, 1, 2, 3]) {
        try {
          out.push(f.call(store, x));
        } catch (e) {
          out.push(
            e instanceof WasmException ? `uncaught ${e.payload(store)[0]!.value}` : String(e),
          );
        }
      }
    }
    if (tier === "codegen") {
      // Every function is generated, the catching one too (tests/engine/codegen_try_test.ts).
      const stats = engine.codegenStats();
      assert.equal(stats.generated, 5);
      assert.deepEqual(stats.reasons, {});
    }
    return out;
  });
  // 0 and 3 return normally; 1 throws $e, 2's host function throws $e: caught by the
  // try_table in run's callee, uncaught through raw (thrown by generated code, or by the host
  // function a generated body called).
  assert.deepEqual(results[0], [100, 41, 7, 133, 100, "uncaught 41", "uncaught 7", 133]);
  assert.deepEqual(results[1], results[0]);
});

Deno.test("codegen: branches become JS loops and blocks; a frame entered midway resumes", () => {
  // sum = 0; i = n; do { sum += i; i -= 1 } while (i != 0): a backward branch, and a forward one
  // over the loop when n is 0.
  const code = Int32Array.of(
    ...[I.ConstI32, 4, 0],
    ...[I.BrIfEqz, 0, 17],
    ...[I.I32Add, 4, 4, 0],
    ...[I.I32AddImm, 0, 0, -1],
    ...[I.BrIfNez, 0, 6],
    ...[I.ReturnSlot, 4],
  );
  const structured = generateSource(code, { numResults: 1, structured: true });
  assert.ok("source" in structured && structured.structured);
  assert.match(structured.source, /L6: for \(;;\) \{/);
  assert.match(structured.source, /continue L6;/);
  assert.match(structured.source, /break B17;/);
  assert.doesNotMatch(structured.source, /switch \(pc\)/);
  const dispatch = generateSource(code, { numResults: 1 });
  assert.ok("source" in dispatch && !dispatch.structured);
  assert.match(dispatch.source, /switch \(pc\)/);
  // A forward branch into a loop from outside it keeps the dispatch switch.
  const intoLoop = Int32Array.of(
    ...[I.Br, 6],
    ...[I.I32AddImm, 0, 0, -1],
    ...[I.BrIfNez, 0, 2],
    ...[I.ReturnSlot, 0],
  );
  const fallback = generateSource(intoLoop, { numResults: 1, structured: true });
  assert.ok("source" in fallback && !fallback.structured);
  // Fuel stops re-enter generated frames midway: the resumed tier gives the same sums.
  for (const tier of TIERS) {
    const { store, instance } = instantiate(FIB, { executionTier: tier, consumeFuel: true });
    store.setFuel(3);
    let call = instance.getFunc(store, "sum")!.callResumable(store, [Val.i32(40)]);
    let stops = 0;
    while (call.kind === "outOfFuel") {
      stops++;
      store.setFuel(Number(call.requiredFuel) + 3);
      call = call.resume(store);
    }
    assert.ok(call.kind === "finished" && stops > 10);
    assert.equal(call.results[0]!.value, 480n);
  }
});

Deno.test("codegen: a slot compared with >= or <= stays in a JS local", () => {
  // s = s >= 5 ? 1 : 0; s = s <= 0 ? 1 : 0; return s: compares read the slot, they do not
  // assign it (a compound assignment would keep it in the value stack).
  const code = Int32Array.of(
    ...[I.I32GeSImm, 0, 0, 5],
    ...[I.I32LeSImm, 0, 0, 0],
    ...[I.ReturnSlot, 0],
  );
  const result = generateSource(code, { numResults: 1, structured: true, paramWords: 1 });
  assert.ok("source" in result);
  assert.match(result.source, /r0 = \(r0 >= 5 \? 1 : 0\) \| 0;/);
  assert.match(result.source, /r0 = \(r0 <= 0 \? 1 : 0\) \| 0;/);
});

Deno.test("codegen: fuel charged before a trap, a host call or a call stays charged", () => {
  const bytes = wat(`(module
    (import "env" "fuel" (func $fuel (result i64)))
    (func $burn (param i32) (result i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 0))
    (func (export "trap") (param i32) (result i32)
      (drop (call $burn (local.get 0)))
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (i32.div_u (i32.const 1) (local.get 0)))
    (func (export "seen") (param i32) (result i64)
      (drop (call $burn (local.get 0)))
      (call $fuel)))`);
  const results = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    linker.funcWrap("env", "fuel", { params: [], results: ["i64"] }, () => store.getFuel());
    const instance = linker.instantiate(store, new Module(engine, bytes));
    store.setFuel(100_000);
    assert.throws(
      () => instance.getTypedFunc<[number], number>(store, "trap").call(store, 500),
      (e) => e instanceof Trap && e.code === TrapCode.IntegerDivisionByZero,
    );
    const afterTrap = store.getFuel();
    const seen = instance.getTypedFunc<[number], bigint>(store, "seen").call(store, 300);
    return [afterTrap, seen, store.getFuel()];
  });
  assert.ok(results[0]![0]! < 100_000);
  assert.deepEqual(results[1], results[0]);
});

Deno.test("codegen: each kind of trap leaves the fuel the interpreter leaves, with any budget", () => {
  // Generated code counts fuel in locals (an int32 window of at most 2^30 in loops) and writes
  // the count back wherever a JS exception may leave it: a trap thrown inline, by a helper
  // (i64 division, a bulk operation), or by a callee; budgets on both sides of 2^30.
  const bytes = wat(`(module
    (memory 1)
    (table 1 funcref)
    (func $burn (param i32) (result i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 0))
    (func (export "run") (param $kind i32) (param $n i32) (result i32)
      (local $i i32)
      (drop (call $burn (local.get $n)))
      ;; Charged each iteration since the last call, then the trap.
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 $b3 $b4 $b5 (local.get $kind)))
        (unreachable))
        (return (i32.load (i32.const 70000))))
        (return (i32.wrap_i64 (i64.div_s (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $kind) (i32.const 2)))))))
        (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000)) (return (i32.const 0)))
        (return (call_indirect (result i32) (i32.const 0))))
      (i32.const 7)))`);
  for (const budget of [100_000, 2 ** 30 - 5, 2 ** 30 + 77_777, 2 ** 40 + 3]) {
    const results = TIERS.map((tier) => {
      const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
      const store = new Store(engine, null);
      const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
      const run = instance.getTypedFunc<[number, number], number>(store, "run");
      const log: unknown[] = [];
      for (let kind = 0; kind <= 5; kind++) {
        store.setFuel(budget);
        try {
          log.push(run.call(store, kind, 2000 + kind));
        } catch (e) {
          log.push(e instanceof Trap ? e.code : String(e));
        }
        log.push(store.getFuel());
      }
      return log;
    });
    assert.deepEqual(results[0]!.filter((_, i) => i % 2 === 0), [
      TrapCode.UnreachableCodeReached,
      TrapCode.MemoryOutOfBounds,
      TrapCode.IntegerDivisionByZero,
      TrapCode.MemoryOutOfBounds,
      TrapCode.IndirectCallToNull,
      7,
    ]);
    assert.ok((results[0]![1] as bigint) < BigInt(budget), `${budget}`);
    assert.deepEqual(results[1], results[0], `${budget}`);
  }
});

Deno.test("codegen: instances sharing generated code each call their own functions", () => {
  // The generated body is per module, shared by its instances; its call sites cache a callee
  // (with its instance): each instance must still reach its own callee, globals and memory, and
  // a Wasm function imported from another instance runs with that instance's.
  const bytes = wat(`(module
    (import "env" "other" (func $other (result i32)))
    (global $g (mut i32) (i32.const 0))
    (memory 1)
    (func $get (result i32) (i32.add (global.get $g) (i32.load (i32.const 0))))
    (func (export "set") (param i32) (global.set $g (local.get 0)) (i32.store (i32.const 0) (local.get 0)))
    (func (export "get") (result i32) (global.get $g))
    (func (export "run") (param $n i32) (result i32) (local $acc i32)
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (i32.add (call $get) (call $other))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $acc)))`);
  const results = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier }));
    const store = new Store(engine, null);
    const module = new Module(engine, bytes);
    const linker = new Linker<null>(engine).allowShadowing(true);
    linker.funcWrap("env", "other", { params: [], results: ["i32"] }, () => 1000);
    const a = linker.instantiate(store, module);
    // b imports a's `get`: a Wasm function of another instance.
    linker.define("env", "other", a.getExport(store, "get")!);
    const b = linker.instantiate(store, module);
    a.getTypedFunc<[number], void>(store, "set").call(store, 3);
    b.getTypedFunc<[number], void>(store, "set").call(store, 40);
    const log: number[] = [];
    for (const instance of [a, b, a, b, b, a]) {
      log.push(instance.getTypedFunc<[number], number>(store, "run").call(store, 5));
    }
    return log;
  });
  assert.deepEqual(results[0], [5030, 415, 5030, 415, 415, 5030]);
  assert.deepEqual(results[1], results[0]);
});

Deno.test("codegen: tail calls are generated, run in fixed stack and stop where the interpreter does", () => {
  // even/odd by return_call_indirect and return_call in turn (return_call_ref: the spec suites,
  // wabt cannot write it); a host function reached by a tail call returns to the frame's caller.
  const bytes = wat(
    `(module
    (type $t (func (param i32) (result i32)))
    (import "env" "host" (func $host (param i32) (result i32)))
    (table 1 funcref) (elem (i32.const 0) $odd)
    (func $even (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
        (else (return_call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))
    (func $odd (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (return_call $host (i32.const 0)))
        (else (return_call $even (i32.sub (local.get 0) (i32.const 1))))))
    (func (export "run") (param i32) (result i32)
      (i32.add (i32.const 100) (return_call $even (local.get 0)))))`,
    { proposals: true },
  );
  const results = TIERS.map((tier) => {
    const engine = new Engine(
      new Config({ executionTier: tier, consumeFuel: true, maxRecursionDepth: 50 }),
    );
    const store = new Store(engine, null);
    const linker = new Linker<null>(engine);
    linker.funcWrap("env", "host", { params: ["i32"], results: ["i32"] }, (_c, x) => x + 7);
    const instance = linker.instantiate(store, new Module(engine, bytes));
    const run = instance.getFunc(store, "run")!;
    const log: unknown[] = [];
    store.setFuel(1e12);
    log.push(
      run.call(store, [Val.i32(1_000_000)])[0]!.value,
      run.call(store, [Val.i32(999_999)])[0]!.value,
    );
    // A budget that runs out every few dozen tail calls: the same stops in both tiers.
    store.setFuel(97);
    let call = run.callResumable(store, [Val.i32(2_001)]);
    while (call.kind === "outOfFuel") {
      log.push(store.getFuel(), call.requiredFuel);
      store.setFuel(97);
      call = call.resume(store);
    }
    log.push(call.kind === "finished" ? call.results[0]!.value : call.kind);
    if (tier === "codegen") assert.deepEqual(engine.codegenStats().reasons, {});
    return log;
  });
  assert.deepEqual(results[0]!.slice(0, 2), [1, 7]);
  assert.ok(results[0]!.length > 100);
  assert.deepEqual(results[1], results[0]);
});

/**
 * Callers whose i32, i64 and f64 values live in JS locals while a callee three frames deeper
 * runs: the generated code writes them back only when that callee stops.
 */
const DEEP_STOP = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $d (param i32) (result i32) (i32.add (call $h (local.get 0)) (i32.const 1)))
  (func $c (param i32) (result i32) (local $x i64)
    (local.set $x (i64.mul (i64.extend_i32_s (local.get 0)) (i64.const 0x100000001)))
    (i32.add (call $d (i32.add (local.get 0) (i32.const 1)))
      (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 16)))))
  (func $b (param i32) (result i32) (local $y f64) (local $k i32)
    (local.set $y (f64.mul (f64.convert_i32_s (local.get 0)) (f64.const 1.5)))
    (local.set $k (i32.xor (local.get 0) (i32.const 0x5a5a)))
    (i32.add (i32.add (call $c (i32.mul (local.get 0) (i32.const 3))) (local.get $k))
      (i32.trunc_f64_s (local.get $y))))
  (func (export "a") (param $n i32) (result i32) (local $s i32) (local $t i64)
    (loop $l
      (local.set $t (i64.add (local.get $t) (i64.extend_i32_u (local.get $n))))
      (local.set $s (i32.add (local.get $s) (call $b (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $s) (i32.wrap_i64 (local.get $t)))))`);

/**
 * `DEEP_STOP` whose `$c` divides by what `$d` returns (which traps when `h` returns -1), called
 * by `$b` and `$e` in turn, which `a` calls at different frame bases.
 */
const DEEP_STOP_TRAP = wat(`(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (func $d (param i32) (result i32) (i32.add (call $h (local.get 0)) (i32.const 1)))
  (func $c (param i32) (result i32) (local $x i64)
    (local.set $x (i64.mul (i64.extend_i32_s (local.get 0)) (i64.const 0x100000001)))
    (i32.add (i32.div_s (i32.const 1000) (call $d (i32.add (local.get 0) (i32.const 1))))
      (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 16)))))
  (func $b (param i32) (result i32) (local $k i32)
    (local.set $k (i32.xor (local.get 0) (i32.const 0x5a5a)))
    (i32.add (call $c (i32.mul (local.get 0) (i32.const 3))) (local.get $k)))
  (func $e (param i32) (result i32) (i32.sub (i32.const 7) (call $c (local.get 0))))
  (func (export "a") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $b (local.get $n))))
      (local.set $s (i32.sub (call $e (local.get $n)) (local.get $s)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`);

/** `a(n)` computed in JavaScript, with `h(x) = 2x + 1`. */
function deepStopExpected(n: number): number {
  let s = 0;
  let t = 0n;
  for (; n !== 0; n--) {
    t += BigInt(n >>> 0);
    const c3 = Math.imul(n, 3);
    const x = BigInt.asUintN(64, BigInt(c3) * 0x100000001n);
    const c = (((2 * (c3 + 1) + 1) + 1) + Number(BigInt.asIntN(32, x >> 16n))) | 0;
    s = (s + ((c + (n ^ 0x5a5a)) | 0) + Math.trunc(n * 1.5)) | 0;
  }
  return (s + Number(BigInt.asIntN(32, t))) | 0;
}

Deno.test("codegen: a callee 3 frames deep that stops resumes with the callers' values", async () => {
  const expected = deepStopExpected(12);
  for (const mixed of [false, true]) {
    for (const fuel of [false, true]) {
      const config = new Config({ executionTier: "codegen", consumeFuel: fuel });
      const engine = mixed ? new MixedEngine(config) : new Engine(config);
      const store = new Store(engine, null);
      const linker = new Linker<null>(engine);
      let mode: "sync" | "throw" | "promise" = "sync";
      let calls = 0;
      let asked = 0;
      linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
        asked = x;
        if (mode === "throw" && calls++ % 3 === 0) throw new Error("later");
        return mode === "promise" ? Promise.resolve(2 * x + 1) : 2 * x + 1;
      });
      const instance = linker.instantiate(store, new Module(engine, DEEP_STOP));
      const a = instance.getFunc(store, "a")!;
      const what = `mixed ${mixed}, fuel ${fuel}`;
      if (fuel) store.setFuel(1_000_000);
      // A host trap: resumed with what the host function would have returned.
      mode = "throw";
      let call = a.callResumable(store, [Val.i32(12)]);
      let traps = 0;
      // (Bounded: a lost loop counter would trap forever.)
      while (call.kind === "hostTrap" && traps < 100) {
        traps++;
        call = call.resume(store, [Val.i32(2 * asked + 1)]);
      }
      assert.equal(traps, 4, what);
      assert.equal(call.kind, "finished", what);
      if (call.kind === "finished") assert.equal(call.results[0]!.value, expected, what);
      // A Promise: the call suspends and continues from the callers' written-back frames.
      mode = "promise";
      const [viaAsync] = await a.callAsync(store, [Val.i32(12)]);
      assert.equal(viaAsync!.value, expected, what);
      if (fuel) {
        // Fuel stops at every budget: each resumes with the callers' values.
        mode = "sync";
        for (const budget of [1, 9, 40]) {
          store.setFuel(budget);
          let stopped = a.callResumable(store, [Val.i32(12)]);
          let stops = 0;
          while (stopped.kind === "outOfFuel" && stops < 100_000) {
            stops++;
            store.setFuel(budget + Number(stopped.requiredFuel));
            stopped = stopped.resume(store);
          }
          assert.ok(stops > 0, what);
          assert.equal(stopped.kind, "finished", what);
          if (stopped.kind === "finished") assert.equal(stopped.results[0]!.value, expected, what);
        }
      }
    }
  }
});

/** An engine whose generated calls keep callers' slots in locals even with exceptions on. */
class LazyEngine extends Engine {
  override bodyOf(cf: CompiledFunc) {
    if (cf.generated === undefined && cf.hotness <= 0) {
      const result = generateBody(cf, undefined, false);
      cf.generated = typeof result === "string" ? null : result.body;
    }
    return super.bodyOf(cf);
  }
}

Deno.test("codegen: stops and traps deep in direct calls show the interpreter's frames", () => {
  // A generated body called directly by a generated caller leaves its call-stack entries
  // (function, frame base) to be written where it stops, and its caller writes its function
  // where a trap leaves it: each stop and each trap, at every iteration of a's loop (the call
  // sites' cached callees are in use from the second on), must show the interpreter's frames.
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    for (const fuel of [false, true]) {
      const engine = new Engine(new Config({ executionTier: tier, consumeFuel: fuel }));
      const store = new Store(engine, null);
      const linker = new Linker<null>(engine);
      let calls = 0;
      let trapAt = -1;
      linker.funcWrap("host", "h", { params: ["i32"], results: ["i32"] }, (_, x: number) => {
        calls++;
        if (calls === trapAt) return -1; // $d returns 0: $c's `i32.div_s` traps
        if (trapAt < 0 && calls % 4 === 2) throw new Error("later");
        return 2 * x + 1;
      });
      const instance = linker.instantiate(store, new Module(engine, DEEP_STOP_TRAP));
      const a = instance.getFunc(store, "a")!;
      if (fuel) store.setFuel(37);
      let call = a.callResumable(store, [Val.i32(12)]);
      for (let stops = 0; call.kind !== "finished" && stops < 10_000; stops++) {
        log.push(call.kind, call.frames(store, { locals: true }));
        if (call.kind === "hostTrap") {
          call = call.resume(store, [Val.i32(2 * call.frames(store)[0]!.funcIndex + 1)]);
        } else if (call.kind === "outOfFuel") {
          store.setFuel(37);
          call = call.resume(store);
        }
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
      if (fuel) continue;
      // A trap in $c after $d returned, at the third iteration of the loop.
      calls = 0;
      trapAt = 9;
      try {
        a.call(store, [Val.i32(12)]);
        log.push("no trap");
      } catch (e) {
        assert.ok(e instanceof Trap);
        log.push(e.code, e.backtrace);
      }
    }
    return log;
  });
  // Host traps, fuel stops, both results and the trap.
  assert.ok(seen[0]!.length > 40, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
});

Deno.test("codegen: calls pass every kind of argument and result as the interpreter does", () => {
  // A call copies only its arguments' and results' words (an i32 its low word): each kind,
  // through direct and indirect calls, with operands left below the call and slots above it
  // reused afterwards, fuel stopping at every instruction.
  const bytes = wat(
    `(module
    (type $t (func (param i32 i64 f64 v128 f32) (result i64 f64 v128 i32)))
    (table 1 funcref) (elem (i32.const 0) $mix)
    (func $mix (type $t)
      (i64.add (local.get 1) (i64.extend_i32_s (local.get 0)))
      (f64.add (local.get 2) (f64.promote_f32 (local.get 4)))
      (i32x4.add (local.get 3) (i32x4.splat (local.get 0)))
      (i32.sub (local.get 0) (i32.const 7)))
    (func (export "run") (param $n i32) (result i64) (local $acc i64) (local $v v128)
      (local $d f64)
      (loop $l
        (call $mix (local.get $n) (local.get $acc) (local.get $d) (local.get $v)
          (f32.const 0.5))
        (local.set $n)
        (local.set $v)
        (local.set $d)
        (local.set $acc (i64.add (i64.const 3)))
        ;; An operand below the next call, and its results used from the stack.
        (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n)))
        (call_indirect (type $t) (i32.add (local.get $n) (i32.const 1)) (local.get $acc)
          (local.get $d) (local.get $v) (f32.const 1.5) (i32.const 0))
        (drop)
        (local.set $v (i32x4.add (local.get $v)))
        (local.set $d (f64.add (local.get $d)))
        (local.set $acc (i64.xor (local.get $acc)))
        (local.set $acc (i64.add (local.get $acc)))
        (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
      (i64.add (local.get $acc)
        (i64.add (i64.trunc_sat_f64_s (local.get $d))
          (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $v)))))))`,
    { proposals: true },
  );
  const seen = TIERS.map((tier) => {
    const results: unknown[] = [];
    for (const budget of [0, 1, 2, 5, 13]) {
      const { store, instance } = instantiate(bytes, {
        executionTier: tier,
        consumeFuel: budget > 0,
      });
      const run = instance.getFunc(store, "run")!;
      if (budget === 0) {
        results.push(run.call(store, [Val.i32(40)])[0]!.value);
        continue;
      }
      store.setFuel(budget);
      let call = run.callResumable(store, [Val.i32(40)]);
      let stops = 0;
      while (call.kind === "outOfFuel" && stops < 1_000_000) {
        stops++;
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") results.push(call.results[0]!.value, stops);
    }
    return results;
  });
  assert.deepEqual(seen[1], seen[0]);
});

Deno.test("codegen: a collection in a directly called body sees that body's references", async () => {
  // $churn keeps a struct in a local far into its frame while it allocates enough to collect
  // several times. run calls it directly and through $mid, at one depth and the other in turn
  // (each site's cached callee in use from the second iteration on): the collector scans the
  // value stack up to the end of the innermost frame, so $churn must have named itself first.
  const bytes = await parse(`(module
    (type $box (struct (field i32)))
    (func $churn (param $k i32) (result i32)
      (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
      (local $keep (ref null $box)) (local $i i32)
      (local.set $keep (struct.new $box (local.get $k)))
      (loop $l
        (drop (struct.new $box (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 5000))))
      (struct.get $box 0 (local.get $keep)))
    (func $mid (param i32) (result i32) (call $churn (local.get 0)))
    (func (export "run") (param $n i32) (result i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $churn (local.get $n))))
        (local.set $s (i32.add (local.get $s) (call $mid (i32.add (local.get $n) (i32.const 100)))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $s)))`);
  for (const tier of TIERS) {
    const { store, instance } = instantiate(bytes, { executionTier: tier, wasmGc: true });
    // sum over n = 1..6 of n + (n + 100)
    assert.equal(instance.getTypedFunc<[number], number>(store, "run").call(store, 6), 642, tier);
    assert.ok(storeInner(store).gc.collections > 6, tier);
  }
});

Deno.test("codegen: a frame an exception unwound writes nothing back over its handler's", () => {
  // The payload lands in run's slot where $g1's frame starts (its parameter): had $g1 written
  // its cached parameter back after the unwinding, the handler would see 5, not 5 * 5 + 11.
  // `auto` generates $g1 once it is hot, and the driver runs it above run's frame while run is
  // still interpreted (later run is generated too: the exception lands in its generated frame).
  const bytes = wat(
    `(module
    (tag $e (param i32))
    (func $thrower (param i32) (throw $e (local.get 0)))
    (func $g1 (param i32) (result i32) (local $a i32) (local $b i32)
      (local.set $a (i32.mul (local.get 0) (i32.const 3)))
      (local.set $b (i32.add (local.get 0) (i32.const 11)))
      (call $thrower (i32.add (i32.add (local.get $a) (local.get $b)) (local.get 0)))
      (i32.add (local.get $a) (local.get $b)))
    (func (export "run") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $e $h)
          (drop (call $g1 (local.get 0))))
        (i32.const -1))))`,
    { exceptions: true },
  );
  for (const lazy of [false, true]) {
    const config = new Config({ executionTier: "auto", wasmExceptions: true });
    const engine = lazy ? new LazyEngine(config) : new Engine(config);
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
    const run = instance.getTypedFunc<[number], number>(store, "run");
    for (let i = 0; i < 3000; i++) assert.equal(run.call(store, 5), 36);
    if (!lazy) assert.equal(engine.codegenStats().generated, 3);
  }
});

Deno.test("codegen: a callee entered from generated code starts with its locals zeroed", () => {
  // $f reads its v128 local (kept in the value stack) and i32 local (kept in a JS local) before
  // setting them; each call from run starts at the same word, over what the last one left.
  const bytes = wat(`(module
    (func $f (param i32) (result i32) (local $v v128) (local $x i32)
      (i32.add (i32.add (i32x4.extract_lane 3 (local.get $v)) (local.get $x))
        (block (result i32)
          (local.set $v (i32x4.splat (local.get 0)))
          (local.set $x (local.get 0))
          (i32x4.extract_lane 3 (local.get $v)))))
    (func (export "run") (param $n i32) (result i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $f (local.get $n))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $s)))`);
  for (const tier of TIERS) {
    const { engine, store, instance } = instantiate(bytes, { executionTier: tier });
    assert.equal(instance.getTypedFunc<[number], number>(store, "run").call(store, 10), 55);
    assert.equal(engine.codegenStats().generated, tier === "codegen" ? 2 : 0);
  }
});

Deno.test("codegen: a metered body's fuel stops share one exit; an OSR body enters a loop", () => {
  // sum = 0; do { sum += i; i -= 1 } while (i != 0), charging fuel before, in and after the loop.
  const code = Int32Array.of(
    ...[I.ConsumeFuel, 3],
    ...[I.ConstI32, 4, 0],
    ...[I.ConsumeFuel, 2],
    ...[I.I32Add, 4, 4, 0],
    ...[I.I32AddImm, 0, 0, -1],
    ...[I.BrIfNez, 0, 5],
    ...[I.ConsumeFuel, 1],
    ...[I.ReturnSlot, 4],
  );
  const count = (text: string, part: string) => text.split(part).length - 1;
  for (const structured of [true, false]) {
    const result = generateSource(code, {
      numResults: 1,
      structured,
      paramWords: 2,
      localWords: 8,
    });
    assert.ok("source" in result && result.structured === structured);
    // Three charges, each leaving through the one stop that writes the cached slots back. In
    // structured code the one after the loop is covered by the header's test, which tests for
    // both (see codegen_fuel.ts).
    assert.equal(count(result.source, "break FuelStop;"), structured ? 2 : 3);
    assert.equal(
      count(
        result.source,
        "return fuelExit === 0 ? CALL : fuelExit === 1 ? INTERPRET : OUT_OF_FUEL;",
      ),
      1,
    );
    if (structured) assert.match(result.source, /if \(fuel < 3\) \{/);
    if (structured) assert.equal(count(result.source, "s32[fp + 4] = r4;"), 1);
  }
  // Also entered at the loop's header: the code before it runs only from the loop's next
  // iteration on (here: never), and every cached slot is read from the frame; entered at its
  // start, it runs as the plain structured body.
  const osr = generateSource(code, {
    numResults: 1,
    structured: true,
    paramWords: 2,
    localWords: 8,
    osrEntry: 5,
  });
  assert.ok("source" in osr && osr.structured);
  assert.match(osr.source, /let \$osr = pc === 5;\nif \(pc !== 0 && !\$osr\) return resumeBody/);
  assert.match(
    osr.source,
    /if \(\$osr\) \{\nr0 = s32\[fp \+ 0\]; r4 = s32\[fp \+ 4\];[^\n]*\n\} else/,
  );
  assert.match(
    osr.source,
    /if \(!\$osr\) \{\n[^]*r4 = \(0\) \| 0;\n\}\n(\$warm = 0;\n)?L5: for \(;;\) \{\n\$osr = false;/,
  );
  assert.deepEqual(
    generateSource(code, {
      numResults: 1,
      structured: true,
      paramWords: 2,
      localWords: 8,
      osrEntry: 6,
    }),
    {
      reason: "no structured entry at 6",
    },
  );
});

Deno.test("codegen: a trap in a metered body with many throws leaves the interpreter's fuel", () => {
  // Past `CAUGHT_THROWS` throw sites, one `catch` around the body writes the count back rather
  // than each throw: the 70 bounds checks here, the 40th of which traps after a counted loop.
  const loads = Array.from(
    { length: 70 },
    (_, k) => `(drop (i32.load offset=${k * 500} (local.get $p)))`,
  );
  const bytes = wat(`(module
    (memory 1)
    (func (export "run") (param $p i32) (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      ${loads.join("\n")}
      (local.get $i)))`);
  for (const budget of [100_000, 2 ** 31]) {
    const left = TIERS.map((tier) => {
      const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
      const store = new Store(engine, null);
      const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
      const run = instance.getTypedFunc<[number, number], number>(store, "run");
      store.setFuel(budget);
      assert.equal(run.call(store, 0, 50), 50);
      assert.throws(
        () => run.call(store, 65536 - 20_000, 500),
        (e) => e instanceof Trap && e.code === TrapCode.MemoryOutOfBounds,
      );
      return store.getFuel();
    });
    assert.ok(left[0]! < budget);
    assert.deepEqual(left[1], left[0]);
  }
});
