/**
 * Long loops of a generated body moved into functions of their own (`src/engine/codegen_split.ts`):
 * the text it makes (parameters, typed read-backs, jumps out of the loop as numbers), and whole
 * functions run split in the codegen tier against the interpreter: early exits to outer blocks,
 * traps inside a split loop, fuel stops inside one (resumed until done), f32 NaN bits carried
 * through one.
 */

import assert from "node:assert/strict";
import {
  type LocalKind,
  loopWeight,
  SPLIT_SIZES,
  splitLoops,
  writtenFirst,
} from "../../src/engine/codegen_split.ts";
import { directSource } from "./harness.ts";
import { directOptionsOf, generateSource } from "../../src/engine/codegen.ts";
import { leanSource } from "../../src/engine/codegen_lean.ts";
import { Config, Engine, Linker, Module, Store, Trap, Val } from "../../mod.ts";
import { instances } from "../../src/runtime/handles.ts";
import { wat } from "../_lib/wabt.ts";

/** Every size limit off: each outermost loop is split (the spec suites run this way too). */
const ALL = { minBody: 0, minChars: 0, maxChars: Infinity };

const KINDS = new Map<string, LocalKind>([
  ["r4", "i32"],
  ["r8", "i32"],
  ["e12", "number"],
  ["s32", "any"],
  ["pc", "any"],
]);

/** A body with an outer block `B9` and a loop `L5` that leaves it by `break B9`. */
const BODY = `B9: {
L5: for (;;) {
r4 = (r4 + 1) | 0;
e12 = e12 + 0.5;
if (r4 === 7) {
  pc = 70;
  break B9;
}
if (r4 !== r8) {
  continue L5;
}
break L5;
}
s32[0] = 1;
}
s32[1] = r4;`;

Deno.test("codegen split: a loop becomes a function of the locals it names, called in its place", () => {
  const { body, declarations } = splitLoops(BODY, KINDS, null, ALL);
  // Int32 and number locals come in through typed scratch arrays, the others as parameters.
  assert.match(
    declarations,
    /^let \$x_e12 = 0, \$x_pc = 0, \$x_r4 = 0, \$xi = new Int32Array\(2\), \$xf = new Float64Array\(1\);$/m,
  );
  assert.match(
    declarations,
    /^function \$loop5\(pc\) \{\nlet e12 = \$xf\[0\], r4 = \$xi\[0\], r8 = \$xi\[1\];$/m,
  );
  assert.match(
    body,
    /^\$xf\[0\] = e12; \$xi\[0\] = r4; \$xi\[1\] = r8;\nlet \$exit = 0;\n\$exit = \$loop5\(pc\);$/m,
  );
  // What it assigns goes out through the factory's variables, read back typed.
  assert.match(declarations, /^\$x_e12 = e12; \$x_pc = pc; \$x_r4 = r4;\nreturn \$exit;$/m);
  assert.match(body, /^e12 = \+\$x_e12; pc = \$x_pc; r4 = \$x_r4 \| 0;$/m);
  // The jump out of the loop is taken at the call site.
  assert.match(body, /^case 1: break B9;$/m);
  assert.doesNotMatch(body, /L5: for/);
});

Deno.test("codegen split: names written before any read are not passed into a split loop", () => {
  const names = new Set(["r4", "r8", "r12", "h4", "h8", "e16", "r20", "r24", "r28"]);
  const text = [
    "L5: for (;;) {",
    "r4 = (r8 + 1) | 0;", // written first, from another name: not passed
    "{",
    "const ea = (r4 + 16) >>> 0;",
    "h4 = mu8[ea];", // in a plain block: not passed
    "}",
    "r12 = (r12 + 1) | 0;", // reads itself: passed
    "e16 = Math.fround(e16 * 2);", // the same
    "if (r4 > 8) {",
    "h8 = 1;", // only on one path: passed
    "}",
    "r20 = 1; r24 = (r24 + 2) | 0;", // statement by statement: r20 not passed, r24 passed
    "if (h4 !== 0) throw trap(1);",
    "break B9;",
    "r28 = 3;", // after a jump, which may leave with its entry value: passed
    "}",
  ].join("\n");
  assert.deepEqual([...writtenFirst(text, names)].sort(), ["h4", "r20", "r4"]);
  // Statements are split only where each has its parentheses paired.
  assert.deepEqual([...writtenFirst("for (r4 = 0; r8 = 1;) r8 = 2;", names)], []);
  // A string literal, or braces this reading does not pair, ends it.
  assert.deepEqual([...writtenFirst('x = "a";\nr4 = 1;', names)], []);
  assert.deepEqual([...writtenFirst("{ {\nr4 = 1;", names)], []);
  // The end of a block it did not open ends it (what runs next is not read).
  assert.deepEqual([...writtenFirst("}\nr4 = 1;", names)], []);
  assert.deepEqual([...writtenFirst("{\n}\nr4 = 1;", names)], ["r4"]);
  // A chunk's own label opens a plain block.
  assert.deepEqual([...writtenFirst("S5_0: {\nr8 = r4;\n}", names)], ["r8"]);
});

Deno.test("codegen split: the split body computes what the whole one does", () => {
  const run = (body: string, declarations: string) =>
    new Function(
      "r8",
      `${declarations}\nlet r4 = 0, e12 = 0, pc = 0;\nconst s32 = new Int32Array(2);\n${body}\nreturn [r4, e12, pc, s32[0], s32[1]];`,
    ) as (r8: number) => number[];
  const split = splitLoops(BODY, KINDS, null, ALL);
  for (const r8 of [3, 7, 20]) {
    assert.deepEqual(run(split.body, split.declarations)(r8), run(BODY, "")(r8), `r8 = ${r8}`);
  }
});

Deno.test("codegen split: a return in a loop is the call site's", () => {
  const returning = "L3: for (;;) {\nr4 = (r4 + 1) | 0;\nif (r4 > r8) return 11;\n}";
  const split = splitLoops(returning, KINDS, null, ALL);
  assert.match(split.declarations, /\{ \$x_return = 11; \$exit = 1; break \$out; \}/);
  assert.match(split.body, /^case 1: return \$x_return;$/m);
  const run = (body: string, declarations: string) =>
    new Function("r8", `${declarations}\nlet r4 = 0;\n${body}`) as (r8: number) => number;
  assert.equal(run(split.body, split.declarations)(5), 11);
});

Deno.test("codegen split: in a caught body, a split loop's throws write the fuel count", () => {
  const throwing = "L3: for (;;) {\nfuel = (fuel - 1) | 0;\nif (r4 > r8) throw trap(1);\n}";
  const kinds = new Map<string, LocalKind>([
    ...KINDS,
    ["fuel", "i32"],
    ["fuelLive", "any"],
    ["store", "any"],
  ]);
  const split = splitLoops(throwing, kinds, "fuelRest + fuel", ALL);
  assert.match(
    split.declarations,
    /^if \(r4 > r8\) throw \(fuelLive && \(store\.fuel = fuelRest \+ fuel\)\), trap\(1\);$/m,
  );
  // The body's own catch then leaves the store's count as it is.
  assert.match(
    split.body,
    /^try \{\n\$loop3\(fuelLive, store\);\n\} catch \(e\) \{\nfuelLive = false;\nthrow e;\n\}$/m,
  );
});

Deno.test("codegen split: short bodies stay whole", () => {
  assert.equal(splitLoops(BODY, KINDS, null, SPLIT_SIZES).declarations, "");
  // A loop above `maxChars` is split in its inner loops.
  const nested =
    `L1: for (;;) {\nr8 = (r8 + 1) | 0;\n${BODY}\nif (r8 < 3) continue L1;\nbreak L1;\n}`;
  const inner = splitLoops(nested, KINDS, null, { ...ALL, maxChars: BODY.length });
  assert.match(inner.declarations, /function \$loop5\(/);
  assert.match(inner.body, /^L1: for/);
  // A loop running two loops in turn is split in them, whatever its size.
  const kernel = (l: number) =>
    `L${l}: for (;;) {\nr4 = (r4 + ${l}) | 0;\nif (r4 < r8) continue L${l};\nbreak L${l};\n}`;
  const driver = `L1: for (;;) {\n${kernel(2)}\n${
    kernel(3)
  }\nif (r8 < 9) continue L1;\nbreak L1;\n}`;
  const kernels = splitLoops(driver, KINDS, null, ALL);
  assert.deepEqual(kernels.declarations.match(/\$loop\d+(?=\()/g), ["$loop2", "$loop3"]);
  assert.match(kernels.body, /^L1: for/);
});

Deno.test("codegen split: a short loop in no other loop is split from minTopChars on", () => {
  const pad = (l: number) => `r4 = (r4 + ${l}) | 0;\n`.repeat(12);
  const loop = (l: number) =>
    `L${l}: for (;;) {\n${pad(l)}if (r4 < r8) continue L${l};\nbreak L${l};\n}`;
  assert.ok(loop(7).length > 200 && loop(7).length < 800);
  const body = `${loop(7)}\nL1: for (;;) {\n${loop(2)}\n${
    loop(3)
  }\nif (r8 < 9) continue L1;\nbreak L1;\n}`;
  const sizes = { minBody: 0, minChars: 800, maxChars: Infinity, minTopChars: 200 };
  const split = splitLoops(body, KINDS, null, sizes);
  // The top-level loop runs once per call: a function of its own costs one call.
  assert.deepEqual(split.declarations.match(/\$loop\d+(?=\()/g), ["$loop7"]);
  // The loops inside another (run once per outer iteration) stay below minChars.
  assert.match(split.body, /^L2: for/m);
  assert.match(split.body, /^L3: for/m);
  // Without minTopChars every loop is held to minChars.
  const { minTopChars: _, ...plain } = sizes;
  assert.equal(splitLoops(body, KINDS, null, plain).declarations, "");
});

const NEST = `(module
  (memory (export "mem") 1)
  (func (export "run") (param $n i32) (param $limit i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32) (local $f f32)
    (block $done
      (loop $outer
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $j))))
          ;; A jump out of both loops.
          (br_if $done (i32.gt_u (local.get $s) (local.get $limit)))
          (local.set $f (f32.add (local.get $f) (f32.convert_i32_s (local.get $j))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $j) (i32.const 300))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.xor (i32.add (local.get $s) (i32.mul (local.get $i) (i32.const 1000)))
      (i32.reinterpret_f32 (local.get $f))))
  ;; Reads on past the memory's end: a trap inside the loop.
  (func (export "scan") (param $from i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $from))))
      (local.set $from (i32.add (local.get $from) (i32.const 4096)))
      (br $l))
    (local.get $s))
  ;; A signalling NaN's bits carried through a loop in an f32 local.
  (func (export "nan") (param $n i32) (result i32)
    (local $f f32) (local $g f32)
    (local.set $f (f32.reinterpret_i32 (i32.const 0x7fa00001)))
    (loop $l
      (local.set $g (local.get $f))
      (local.set $f (local.get $g))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.reinterpret_f32 (local.get $f)))
  ;; The same with an f64, and an f64 sum besides (number locals through the scratch arrays).
  (func (export "nan64") (param $n i32) (result i64)
    (local $f f64) (local $g f64) (local $s f64)
    (local.set $f (f64.reinterpret_i64 (i64.const 0x7ff4000000000abc)))
    (loop $l
      (local.set $g (local.get $f))
      (local.set $f (local.get $g))
      (local.set $s (f64.add (local.get $s) (f64.convert_i32_s (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.xor (i64.reinterpret_f64 (local.get $f)) (i64.trunc_f64_s (local.get $s))))
  (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08"))`;

/** Runs `fn` with `sizes` in place of the split sizes they name, then restores the sizes. */
function withSizes<T>(sizes: Partial<typeof SPLIT_SIZES>, fn: () => T): T {
  const saved = { ...SPLIT_SIZES };
  Object.assign(SPLIT_SIZES, sizes);
  try {
    return fn();
  } finally {
    Object.assign(SPLIT_SIZES, saved);
  }
}

/** Runs `fn` with every loop split, then restores the sizes. */
function allSplit<T>(fn: () => T): T {
  return withSizes(ALL, fn);
}

/** The engine's direct body of `func`, which must be generated. */
function directText(func: ReturnType<typeof nestRun>): string {
  const result = directSource(func.compiled, func.instance.module);
  assert.ok(!("reason" in result));
  return result.source;
}

/** The results of the calls below in one configuration, fuel resumed in small steps if on. */
/** NEST's `run` after one call on the codegen tier, metered or not: its code and module. */
function nestRun(consumeFuel: boolean) {
  const engine = new Engine(new Config({ executionTier: "codegen", consumeFuel }));
  const store = new Store(engine, null);
  if (consumeFuel) store.setFuel(1_000_000);
  const instance = new Linker(engine).instantiate(store, new Module(engine, wat(NEST)));
  instance.getFunc(store, "run")!.call(store, [Val.i32(1), Val.i32(1)]);
  const func = instances.entity(store, instance).funcs[0]!;
  assert.ok(!func.isHost && func.compiled !== null);
  return { compiled: func.compiled, instance: func.instance };
}

function results(config: Config): string[] {
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, wat(NEST)));
  const out: string[] = [];
  const call = (name: string, args: number[]) => {
    const func = instance.getFunc(store, name)!;
    const vals = args.map((a) => Val.i32(a));
    try {
      if (!config.consumeFuel) return String(func.call(store, vals)[0]!.value);
      store.setFuel(0);
      let c = func.callResumable(store, vals);
      let stops = 0;
      while (c.kind === "outOfFuel") {
        stops++;
        store.setFuel(c.requiredFuel + 37n);
        c = c.resume(store);
      }
      assert.ok(c.kind === "finished");
      return `${c.results[0]!.value} (${stops > 0 ? "stopped" : "ran"})`;
    } catch (e) {
      return e instanceof Trap ? `trap: ${e.message}` : `error: ${e}`;
    }
  };
  for (const [n, limit] of [[1, 1 << 30], [5, 1 << 30], [5, 40], [3, 0]]) {
    out.push(call("run", [n!, limit!]));
  }
  out.push(call("scan", [0]), call("run", [2, 1 << 30]), call("nan", [10]), call("nan64", [10]));
  return out;
}

Deno.test("codegen split: a trap in a split loop of a caught body leaves the interpreter's fuel", () => {
  // Past 64 throw sites one catch around the body writes the count back (see generateSource):
  // here 70 bounds checks in a loop, which traps in its 30th round.
  const loads = Array.from(
    { length: 70 },
    (_, k) => `(drop (i32.load offset=${k * 8} (local.get $p)))`,
  );
  const bytes = wat(`(module
    (memory 1)
    (func (export "run") (param $p i32) (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        ${loads.join("\n")}
        (local.set $p (i32.add (local.get $p) (i32.const 2048)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i)))`);
  for (const budget of [100_000, 2 ** 31]) {
    const left = (["interpreter", "codegen"] as const).map((tier) =>
      allSplit(() => {
        const engine = new Engine(new Config({ executionTier: tier, consumeFuel: true }));
        const store = new Store(engine, null);
        const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
        const run = instance.getTypedFunc<[number, number], number>(store, "run");
        store.setFuel(budget);
        assert.equal(run.call(store, 0, 5), 5);
        assert.throws(() => run.call(store, 0, 500), (e) => e instanceof Trap);
        return store.getFuel();
      })
    );
    assert.ok(left[0]! < budget);
    assert.deepEqual(left[1], left[0]);
  }
});

Deno.test("codegen split: split loops compute what the interpreter does, fuel stops and traps included", () => {
  const want = results(new Config({ executionTier: "interpreter" }));
  const wantFuel = results(new Config({ executionTier: "interpreter", consumeFuel: true }));
  assert.match(want[4]!, /^trap: out of bounds memory access/);
  assert.equal(want[6], String(0x7fa00001));
  assert.equal(want[7], String(0x7ff4000000000abcn ^ 55n));
  allSplit(() => {
    assert.deepEqual(results(new Config({ executionTier: "codegen" })), want);
    assert.deepEqual(
      results(new Config({ executionTier: "codegen", consumeFuel: true })),
      wantFuel,
    );
    assert.deepEqual(results(new Config({ executionTier: "auto" })), want);
    // The lean spelling's split loops (typed views and limits read on entry, codegen_lean.ts).
    const lean = { executionTier: "codegen", codegenStyle: "lean" } as const;
    assert.deepEqual(results(new Config(lean)), want);
    assert.deepEqual(results(new Config({ ...lean, consumeFuel: true })), wantFuel);
  });
});

/**
 * The source of `cf`'s body with its long loops split, in the lean style unless `lean` is false,
 * or why none was made.
 */
function splitSource(cf: ReturnType<typeof nestRun>["compiled"], lean = true): string {
  const result = generateSource(cf.code, {
    numResults: cf.numResults,
    structured: true,
    paramWords: cf.paramWords,
    localWords: cf.localWords,
    splitLong: true,
    lean,
  });
  return "reason" in result ? result.reason : lean ? leanSource(result.source) : result.source;
}

Deno.test("codegen split: a lean split loop reads the memory's typed views on entry", () => {
  const func = nestRun(false);
  const cf = func.compiled;
  const source = allSplit(() => splitSource(cf));
  // A loop of byte loads: its function takes the memory and reads `mu8` from it, and its
  // call in the body passes the memory.
  const fn =
    /^function (\$loop\d+)\(([^)]*\bmem)\) \{\n(?:(?:let|const) [^\n]*\n)*?let mu8 = mem !== null \? mem\.u8 : null;/m
      .exec(source);
  assert.ok(fn !== null, source);
  assert.ok(source.includes(`${fn[1]}(${fn[2]})`));
  assert.doesNotMatch(source, /\bMath\.\w+\(/);
});

Deno.test("codegen split: i64 products by constants (\$warm's exact path) in a split loop", () => {
  // The shape of bench/xxh64.c's rounds: products by 64-bit primes, whose rare exact path runs
  // in each loop's first iteration (`$warm`, a local the split loop takes and gives back).
  const text = `(module
    (func (export "run") (param $n i32) (result i64)
      (local $i i32) (local $a i64) (local $b i64)
      (local.set $a (i64.const 0x9e3779b185ebca87))
      (loop $l
        (local.set $a (i64.mul (i64.xor (local.get $a) (i64.extend_i32_u (local.get $i)))
          (i64.const 0xc2b2ae3d27d4eb4f)))
        (local.set $b (i64.add (local.get $b)
          (i64.mul (i64.rotl (local.get $a) (i64.const 31)) (i64.const 0x165667b19e3779f9))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i64.xor (local.get $a) (local.get $b))))`;
  const run = (config: Config) => {
    const engine = new Engine(config);
    const store = new Store(engine, null);
    const instance = new Linker(engine).instantiate(store, new Module(engine, wat(text)));
    if (config.consumeFuel) store.setFuel(1_000_000_000n);
    const f = instance.getFunc(store, "run")!;
    return [1, 2, 1000].map((n) => f.call(store, [Val.i32(n)])[0]!.value);
  };
  const want = run(new Config({ executionTier: "interpreter" }));
  allSplit(() => {
    assert.deepEqual(run(new Config({ executionTier: "codegen" })), want);
    assert.deepEqual(run(new Config({ executionTier: "codegen", consumeFuel: true })), want);
  });
});

Deno.test("codegen split: the engine's source for the nest has its loops as functions", () => {
  const func = nestRun(false);
  const cf = func.compiled;
  const source = (split: boolean) => {
    const result = generateSource(cf.code, {
      numResults: cf.numResults,
      structured: true,
      paramWords: cf.paramWords,
      localWords: cf.localWords,
      splitLong: split,
    });
    return "reason" in result ? result.reason : result.source;
  };
  // With a direct entry (codegen.ts, "Direct calls"), whose body the loop leaves by returns too.
  const direct = () => {
    const result = generateSource(cf.code, {
      numResults: cf.numResults,
      structured: true,
      paramWords: cf.paramWords,
      localWords: cf.localWords,
      self: cf.funcIndex,
      directOpts: directOptionsOf(cf, func.instance.module),
      splitLong: true,
    });
    return "reason" in result ? result.reason : result.source;
  };
  allSplit(() => {
    assert.match(source(true), /^function \$loop\d+\(/m);
    assert.match(direct(), /^function \$loop\d+\([^]*^const direct = function direct\(/m);
    assert.doesNotMatch(source(false), /\$loop/);
  });
  // At the default sizes a function this small stays whole.
  assert.doesNotMatch(source(true), /\$loop/);
});

Deno.test("codegen split: fuel text does not count to a loop's size (fuel on splits as off)", () => {
  /** The engine's direct body of `run` of NEST, metered or not, split at `minChars`. */
  const splitAt = (consumeFuel: boolean, minChars: number) => {
    const func = nestRun(consumeFuel);
    const sizes = { minBody: 0, minChars, minTopChars: undefined, maxChars: Infinity };
    return withSizes(sizes, () => directText(func).match(/^function \$loop\d+\(/gm)?.length ?? 0);
  };
  const plain: number[] = [];
  const metered: number[] = [];
  for (let minChars = 100; minChars <= 2_000; minChars += 100) {
    plain.push(splitAt(false, minChars));
    metered.push(splitAt(true, minChars));
  }
  // The nest splits whole, then in its inner loop, then not at all, at the same sizes.
  assert.deepEqual(metered, plain);
  assert.ok(plain.includes(0) && plain.includes(1));
  // The fuel text weighs nothing: a refill and charge, a throw's write-back.
  const charge = `if ((fuel | $cf) < 9) {
  const $total = fuel + store.fuelReserve;
  $fuelFirst = 0;
  if ($total >= 9 && !st.yields && store.fuelSlice === 0) {
    fuel = ($total > 1073741823 ? 1073741823 : $total) | 0;
    store.fuelReserve = $total - fuel;
  } else if (fuel < 9) {
    store.fuel = fuel;
    fuelExit = refuelAhead(store, st, 4, 9);
    fuelLive = false;
    pc = 2;
    break FuelStop;
  }
}
fuel = (fuel - 4) | 0;
throw (fuelLive && (store.fuel = fuel)), trap(1);`;
  assert.equal(loopWeight(charge), "\n\nthrow trap(1);".length);
});

/** A loop with a long straight-line iteration, leaving an outer block from its middle. */
const STRAIGHT = `B9: {
L5: for (;;) {
r4 = (r4 + 1) | 0;
e12 = e12 + 0.5;
{
  r8 = (r8 ^ r4) | 0;
}
if (r4 === 7) {
  pc = 70;
  break B9;
} else {
  pc = 1;
}
r8 = (r8 + 3) | 0;
e12 = e12 * 1.5;
if (r4 > 40) return r8;
r8 = (r8 - r4) | 0;
if (r4 !== 12) {
  continue L5;
}
break L5;
}
s32[0] = 1;
}
s32[1] = r4;`;

Deno.test("codegen split: a long straight-line iteration is cut into chunks that compute the same", () => {
  const sizes = { ...ALL, chunkChars: 40 };
  const split = splitLoops(STRAIGHT, KINDS, null, sizes);
  const chunks = split.declarations.match(/^function \$loop5_\d+(?=\()/gm) ?? [];
  assert.ok(chunks.length >= 3, split.declarations);
  // The loop around them calls them in turn; a jump out of a chunk leaves through its switch.
  assert.match(split.declarations, /^function \$loop5\(/m);
  assert.match(split.declarations, /\$chunkExit = \$loop5_\d+\(/);
  // Never cut inside an if/else or a block.
  for (const fn of split.declarations.split(/^function /m).slice(1)) {
    assert.doesNotThrow(() => new Function(`return function ${fn}`), fn);
  }
  const run = (body: string, declarations: string) =>
    new Function(
      "r8",
      `${declarations}\nlet r4 = 0, e12 = 0, pc = 0;\nconst s32 = new Int32Array(2);\n${body}\nreturn [r4, e12, pc, s32[0], s32[1], r8];`,
    ) as (r8: number) => unknown;
  for (const r8 of [0, 3, 1000, -5]) {
    assert.deepEqual(
      run(split.body, split.declarations)(r8),
      run(STRAIGHT, "")(r8),
      `r8 = ${r8}`,
    );
  }
  // Unset: not chunked.
  assert.doesNotMatch(splitLoops(STRAIGHT, KINDS, null, ALL).declarations, /\$loop5_/);
  // A declaration stays with its last use, in one chunk.
  const declaring = STRAIGHT.replace(
    "r8 = (r8 + 3) | 0;",
    "const k = r4 & 3;\nr8 = (r8 + 3) | 0;\ne12 = e12 + 1;\nr8 = (r8 + k) | 0;",
  );
  const tied = splitLoops(declaring, KINDS, null, sizes);
  assert.match(
    tied.declarations,
    /^const k = r4 & 3;\nr8 = \(r8 \+ 3\) \| 0;\ne12 = e12 \+ 1;\nr8 = \(r8 \+ k\) \| 0;$/m,
  );
  for (const r8 of [0, 3, 1000]) {
    assert.deepEqual(run(tied.body, tied.declarations)(r8), run(declaring, "")(r8));
  }
  // So does one without an initialiser, and a destructuring one ties the rest of the iteration:
  // whatever function names `t` declares it.
  const bare = STRAIGHT.replace("r4 = (r4 + 1) | 0;", "let t;\nr4 = (r4 + 1) | 0;")
    .replace("r8 = (r8 - r4) | 0;", "t = r4;\nr8 = (r8 - t) | 0;");
  const destructuring = STRAIGHT.replace(
    "r4 = (r4 + 1) | 0;",
    "const { t } = { t: 1 };\nr4 = (r4 + 1) | 0;",
  ).replace("r8 = (r8 - r4) | 0;", "r8 = (r8 - r4 - t) | 0;");
  for (const text of [bare, destructuring]) {
    const split = splitLoops(text, KINDS, null, sizes);
    for (const fn of split.declarations.split(/^function /m).slice(1)) {
      if (/\bt\b/.test(fn)) assert.match(fn, /let t;|const \{ t \}/, fn);
    }
    for (const r8 of [0, 3, 1000]) {
      assert.deepEqual(run(split.body, split.declarations)(r8), run(text, "")(r8));
    }
  }
});

Deno.test("codegen split: a chunk passes on only what the rest of the iteration may read", () => {
  // r16 is each chunk's scratch: written before it is read, then overwritten by the next.
  const body = `L5: for (;;) {
r16 = (r4 * 3) | 0;
r8 = (r8 + r16) | 0;
r16 = (r8 ^ 5) | 0;
r8 = (r8 - r16) | 0;
r16 = (r4 << 2) | 0;
r8 = (r8 + r16) | 0;
r4 = (r4 + 1) | 0;
if (r4 !== 12) {
  continue L5;
}
break L5;
}
s32[0] = r8;
s32[1] = r16;`;
  const kinds = new Map<string, LocalKind>([...KINDS, ["r16", "i32"]]);
  const split = splitLoops(body, kinds, null, { ...ALL, chunkChars: 30 });
  const chunks = split.declarations.split(/^function /m).filter((f) => /^\$loop5_\d/.test(f));
  assert.ok(chunks.length >= 3, split.declarations);
  // No chunk takes r16 in; only the last one that writes it passes it out.
  for (const fn of chunks) assert.doesNotMatch(fn, /r16 = \$xi/, fn);
  const out = chunks.filter((fn) => fn.includes("$x_r16 = r16;"));
  assert.equal(out.length, 1, split.declarations);
  const run = (b: string, declarations: string) =>
    new Function(
      "r8",
      `${declarations}\nlet r4 = 0, e12 = 0, pc = 0, r16 = 0;\nconst s32 = new Int32Array(2);\n${b}\nreturn [r4, r8, s32[0], s32[1]];`,
    ) as (r8: number) => unknown;
  for (const r8 of [0, 3, 1000, -5]) {
    assert.deepEqual(run(split.body, split.declarations)(r8), run(body, "")(r8), `r8 = ${r8}`);
  }
});

Deno.test("codegen split: a loop passes out only what the code after it may read", () => {
  // r16 is the loop's scratch, which the statement after the loop overwrites; r8 is read.
  const body = `B9: {
L5: for (;;) {
r16 = (r4 * 3) | 0;
r8 = (r8 + r16) | 0;
r4 = (r4 + 1) | 0;
if (r4 !== 12) {
  continue L5;
}
break L5;
}
r16 = (r8 ^ 5) | 0;
s32[0] = r8 + r16;
}
s32[1] = r16;`;
  const kinds = new Map<string, LocalKind>([...KINDS, ["r16", "i32"]]);
  const split = splitLoops(body, kinds, null, ALL);
  assert.match(split.declarations, /^\$x_r4 = r4; \$x_r8 = r8;$/m);
  assert.doesNotMatch(split.body, /r16 = \$x_r16/);
  const run = (b: string, declarations: string) =>
    new Function(
      "r8",
      `${declarations}\nlet r4 = 0, e12 = 0, pc = 0, r16 = 0;\nconst s32 = new Int32Array(2);\n${b}\nreturn [r4, r8, r16, s32[0], s32[1]];`,
    ) as (r8: number) => unknown;
  for (const r8 of [0, 3, 1000, -5]) {
    assert.deepEqual(run(split.body, split.declarations)(r8), run(body, "")(r8), `r8 = ${r8}`);
  }
  // Read after the block around it: passed out.
  const after = body.replace("r16 = (r8 ^ 5) | 0;\n", "");
  assert.match(splitLoops(after, kinds, null, ALL).body, /r16 = \$x_r16/);
});

Deno.test("codegen split: chunked loops compute what the interpreter does, fuel stops and traps included", () => {
  const want = results(new Config({ executionTier: "interpreter" }));
  const wantFuel = results(new Config({ executionTier: "interpreter", consumeFuel: true }));
  // maxChars 400: the loops of NEST's `run` are split each (the outer one is longer), the inner one
  // chunked (see the next test); the other functions' loops split and chunked too.
  withSizes({ ...ALL, maxChars: 400, chunkChars: 30 }, () => {
    assert.deepEqual(results(new Config({ executionTier: "codegen" })), want);
    assert.deepEqual(
      results(new Config({ executionTier: "codegen", consumeFuel: true })),
      wantFuel,
    );
    assert.deepEqual(results(new Config({ executionTier: "auto" })), want);
  });
});

Deno.test("codegen split: a loop is chunked alike with fuel on and off", () => {
  /** The engine's direct body of `run` of NEST, metered or not: its chunk functions. */
  const chunksAt = (consumeFuel: boolean, chunkChars: number) => {
    const func = nestRun(consumeFuel);
    // Only the inner loop is split (the outer one is above maxChars), so it is the one chunked.
    const sizes = { minBody: 0, minChars: 0, minTopChars: undefined, maxChars: 400, chunkChars };
    return withSizes(
      sizes,
      () => directText(func).match(/^function \$loop\d+_\d+\(/gm)?.length ?? 0,
    );
  };
  const plain: number[] = [];
  const metered: number[] = [];
  for (let chunkChars = 25; chunkChars <= 800; chunkChars += 25) {
    plain.push(chunksAt(false, chunkChars));
    metered.push(chunksAt(true, chunkChars));
  }
  assert.deepEqual(metered, plain);
  assert.ok(plain.includes(0) && plain.some((n) => n >= 2), String(plain));
});

Deno.test("codegen split: the lean style splits loops but never chunks them", () => {
  const func = nestRun(false);
  const cf = func.compiled;
  const sourceOf = (lean: boolean) => splitSource(cf, lean);
  const want = results(new Config({ executionTier: "interpreter" }));
  // As in the test above: NEST's inner loop is split and, in the JIT style, chunked.
  const sizes = { minBody: 0, minChars: 0, minTopChars: undefined, maxChars: 400, chunkChars: 30 };
  withSizes(sizes, () => {
    assert.match(sourceOf(false), /^function \$loop\d+_\d+\(/m);
    // Chunk functions would miss the lean rewrites (`leanLoops` spells `$loop<t>` functions).
    const lean = sourceOf(true);
    assert.match(lean, /^function \$loop\d+\(/m);
    assert.doesNotMatch(lean, /^function \$loop\d+_\d+\(/m);
    const config = { executionTier: "codegen", codegenStyle: "lean" } as const;
    assert.deepEqual(results(new Config(config)), want);
  });
});

/**
 * f32x4 min, max and clamp (`F32x4MaxMin`: its operand a local, so not the fused-load
 * `F32x4MaxMinLoad`) in a loop long enough to be split at the lean style's default sizes, over
 * lanes of NaNs, zeros of both signs and infinities.
 */
const CLAMP = `(module
  (memory (export "mem") 1)
  (func (export "run") (param $n i32) (param $lo f32) (param $hi f32)
    (local $i i32) (local $v v128) (local $w v128) (local $l v128) (local $h v128)
    (local.set $l (f32x4.splat (local.get $lo)))
    (local.set $h (f32x4.splat (local.get $hi)))
    (loop $loop
      (local.set $v (f32x4.mul (v128.load (local.get $i)) (v128.load offset=16 (local.get $i))))
      (local.set $w (v128.load offset=32 (local.get $i)))
      (v128.store offset=4096 (local.get $i)
        (f32x4.min (f32x4.max (local.get $v) (local.get $l)) (local.get $h)))
      (v128.store offset=8192 (local.get $i) (f32x4.min (local.get $v) (local.get $w)))
      (v128.store offset=12288 (local.get $i) (f32x4.max (local.get $w) (local.get $v)))
      (v128.store offset=16384 (local.get $i)
        (f32x4.max (f32x4.min (local.get $w) (local.get $h)) (local.get $l)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $loop (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "fill")
    (local $i i32)
    (loop $l
      (f32.store (local.get $i) (f32.convert_i32_s (i32.sub (i32.rem_u (local.get $i)
        (i32.const 13)) (i32.const 6))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2048))))
    (f32.store (i32.const 4) (f32.const nan))
    (f32.store (i32.const 40) (f32.const -nan:0x200001))
    (f32.store (i32.const 56) (f32.const -0))
    (f32.store (i32.const 68) (f32.const inf))
    (f32.store (i32.const 88) (f32.const -inf))
    (f32.store (i32.const 100) (f32.const -0))))`;

Deno.test("codegen split: f32x4 min, max and clamps in a lean split loop", () => {
  const run = (config: Config) => {
    const engine = new Engine(config);
    const store = new Store(engine, null);
    if (config.consumeFuel) store.setFuel(1_000_000_000n);
    const instance = new Linker(engine).instantiate(store, new Module(engine, wat(CLAMP)));
    instance.getFunc(store, "fill")!.call(store, []);
    const out: number[] = [];
    for (const [lo, hi] of [[-2, 3], [0, -0], [-0, 0], [NaN, 1], [-Infinity, Infinity]]) {
      instance.getFunc(store, "run")!.call(store, [Val.i32(1024), Val.f32(lo!), Val.f32(hi!)]);
      const mem = instance.getMemory(store, "mem")!.data(store);
      out.push(...new Int32Array(mem.slice(4096, 16384 + 1024).buffer));
    }
    if (config.executionTier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
    return { out, engine, store, instance };
  };
  const want = run(new Config({ executionTier: "interpreter" })).out;
  for (const consumeFuel of [false, true]) {
    const lean = run(new Config({ executionTier: "codegen", codegenStyle: "lean", consumeFuel }));
    assert.deepEqual(lean.out, want, `fuel ${consumeFuel}`);
    // At the default sizes the loop is split, and its lanes' min and max are spelled in place
    // in its function (`laneMin`, `laneMax`): no helper call, so no `$mm`
    // (`withLaneMinMaxInline`, tested on such calls in codegen_lean_test.ts).
    const func = instances.entity(lean.store, lean.instance).funcs[0]!;
    assert.ok(!func.isHost && func.compiled !== null);
    const source = splitSource(func.compiled);
    // The split loops' functions stand before the body's entries.
    const loops = source.slice(
      source.search(/^function \$loop\d+\(/m),
      source.search(/^(?:return function wasm|var direct = function direct)\(/m),
    );
    for (const spelling of [/ !== 0 \|\| 1 \/ \w+ < 0 /, / !== 0 \|\| 1 \/ \w+ > 0 /]) {
      assert.match(loops, spelling, source);
    }
    assert.doesNotMatch(source, /f32LaneM|\$mm\b/);
  }
});
