/**
 * Execution through `Engine.execute` on hand-built instances (see `harness.ts`): arithmetic edge
 * cases, control flow, calls, memory and tables, traps, deep recursion, host functions.
 */
import assert from "node:assert/strict";
import { Trap, TrapCode } from "../../src/core/trap.ts";
import { Config, Engine, Func, Store } from "../../mod.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { storeInner } from "../../src/runtime/store.ts";
import { instantiate, type JsVal } from "./harness.ts";

function trapCode(fn: () => unknown): TrapCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof Trap) return e.code;
    throw e;
  }
  throw new Error("did not trap");
}

const f32Bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0]!;

Deno.test("i32 arithmetic and its traps", () => {
  const t = instantiate(`(module
    (func (export "div_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func (export "rem_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)
    (func (export "div_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)
    (func (export "rotl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotl)
    (func (export "shr_u") (param i32) (result i32) local.get 0 i32.const 33 i32.shr_u)
    (func (export "lt_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.lt_u)
    (func (export "ctz_popcnt") (param i32) (result i32 i32) local.get 0 i32.ctz local.get 0 i32.popcnt)
    (func (export "ext") (param i32) (result i32 i32) local.get 0 i32.extend8_s local.get 0 i32.extend16_s))`);
  assert.equal(t.call("div_s", -7, 2), -3);
  assert.equal(trapCode(() => t.call("div_s", 1, 0)), TrapCode.IntegerDivisionByZero);
  assert.equal(trapCode(() => t.call("div_s", -0x80000000, -1)), TrapCode.IntegerOverflow);
  assert.equal(t.call("rem_s", -0x80000000, -1), 0);
  assert.equal(t.call("rem_s", -7, 2), -1);
  assert.equal(t.call("div_u", -1, 2), 0x7fffffff);
  assert.equal(t.call("rotl", 0x80000001 | 0, 1), 3);
  assert.equal(t.call("shr_u", -1), 0x7fffffff);
  assert.equal(t.call("lt_u", 1, -1), 1);
  assert.deepEqual(t.call("ctz_popcnt", 0), [32, 0]);
  assert.deepEqual(t.call("ctz_popcnt", -8), [3, 29]);
  assert.deepEqual(t.call("ext", 0x1ff80), [-128, -128]);
});

Deno.test("i64 arithmetic on 32-bit halves", () => {
  const t = instantiate(`(module
    (func (export "mul") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
    (func (export "add1") (param i64) (result i64) local.get 0 i64.const 1 i64.add)
    (func (export "sub") (param i64 i64) (result i64) local.get 0 local.get 1 i64.sub)
    (func (export "div_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
    (func (export "rem_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
    (func (export "div_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_u)
    (func (export "shl") (param i64 i64) (result i64) local.get 0 local.get 1 i64.shl)
    (func (export "shr_s35") (param i64) (result i64) local.get 0 i64.const 35 i64.shr_s)
    (func (export "rotr") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rotr)
    (func (export "clz") (param i64) (result i64) local.get 0 i64.clz)
    (func (export "lt_s") (param i64 i64) (result i32) local.get 0 local.get 1 i64.lt_s)
    (func (export "gt_u_imm") (param i64) (result i32) local.get 0 i64.const -2 i64.gt_u)
    (func (export "extend") (param i32) (result i64 i64) local.get 0 i64.extend_i32_s local.get 0 i64.extend_i32_u)
    (func (export "wrap") (param i64) (result i32) local.get 0 i32.wrap_i64)
    (func (export "eqz") (param i64) (result i32) local.get 0 i64.eqz))`);
  const MIN = -(2n ** 63n);
  assert.equal(
    t.call("mul", 0x123456789abcdefn, 0xfedcba987654321n),
    BigInt.asIntN(64, 0x123456789abcdefn * 0xfedcba987654321n),
  );
  assert.equal(t.call("mul", -1n, MIN), MIN);
  assert.equal(t.call("add1", 0xffffffffn), 0x100000000n);
  assert.equal(t.call("add1", -1n), 0n);
  assert.equal(t.call("sub", 0n, 1n), -1n);
  assert.equal(t.call("sub", MIN, 1n), 2n ** 63n - 1n);
  assert.equal(t.call("div_s", -7n, 2n), -3n);
  assert.equal(t.call("div_s", MIN, 3n), MIN / 3n);
  assert.equal(trapCode(() => t.call("div_s", MIN, -1n)), TrapCode.IntegerOverflow);
  assert.equal(trapCode(() => t.call("div_u", 1n, 0n)), TrapCode.IntegerDivisionByZero);
  assert.equal(t.call("rem_s", MIN, -1n), 0n);
  assert.equal(t.call("div_u", -1n, 10n), (2n ** 64n - 1n) / 10n);
  assert.equal(t.call("shl", 1n, 63n), MIN);
  assert.equal(t.call("shl", 1n, 64n), 1n);
  assert.equal(t.call("shr_s35", MIN), -(2n ** 28n));
  assert.equal(t.call("rotr", 1n, 1n), MIN);
  assert.equal(t.call("clz", 1n), 63n);
  assert.equal(t.call("clz", 0n), 64n);
  assert.equal(t.call("lt_s", -1n, 0n), 1);
  assert.equal(t.call("lt_s", 0x100000000n, 0xffffffffn), 0);
  assert.equal(t.call("gt_u_imm", -1n), 1);
  assert.equal(t.call("gt_u_imm", 5n), 0);
  assert.deepEqual(t.call("extend", -2), [-2n, 0xfffffffen]);
  assert.equal(t.call("wrap", 0x1_8000_0000n), -0x80000000);
  assert.equal(t.call("eqz", 0x1_0000_0000n), 0);
});

Deno.test("floats: arithmetic, rounding, and NaN bits preserved by moves", () => {
  const t = instantiate(`(module (memory 1)
    (func (export "f32add") (param f32 f32) (result f32) local.get 0 local.get 1 f32.add)
    (func (export "f64mul") (param f64 f64) (result f64) local.get 0 local.get 1 f64.mul)
    (func (export "nearest") (param f64) (result f64) local.get 0 f64.nearest)
    (func (export "min") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
    (func (export "neg_bits") (param i32) (result i32) local.get 0 f32.reinterpret_i32 f32.neg i32.reinterpret_f32)
    (func (export "roundtrip") (param i32 i64) (result i32 i64)
      (f32.store (i32.const 0) (f32.reinterpret_i32 (local.get 0)))
      (f64.store (i32.const 8) (f64.reinterpret_i64 (local.get 1)))
      (i32.reinterpret_f32 (select (f32.load (i32.const 0)) (f32.const 0) (i32.const 1)))
      (i64.reinterpret_f64 (f64.load (i32.const 8))))
    (func (export "cmp") (param f64 f64) (result i32 i32) local.get 0 local.get 1 f64.lt local.get 0 local.get 1 f64.ne)
    (func (export "conv") (param f64) (result i32 i64 f32) local.get 0 i32.trunc_sat_f64_s local.get 0 i64.trunc_f64_s local.get 0 f32.demote_f64)
    (func (export "trunc") (param f32) (result i32) local.get 0 i32.trunc_f32_u)
    (func (export "i64tof32") (param i64) (result f32) local.get 0 f32.convert_i64_u))`);
  assert.equal(t.call("f32add", 0.1, 0.2), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  assert.equal(t.call("f64mul", 1.5, -2), -3);
  assert.equal(t.call("nearest", 2.5), 2);
  assert.equal(t.call("nearest", -3.5), -4);
  assert.ok(Object.is(t.call("min", 0, -0), -0));
  assert.ok(Number.isNaN(t.call("min", NaN, 1)));
  const sNaN = 0x7fa00001;
  assert.equal(t.call("neg_bits", sNaN), sNaN ^ -0x80000000);
  assert.deepEqual(t.call("roundtrip", sNaN, 0x7ff0000000000001n), [sNaN, 0x7ff0000000000001n]);
  assert.deepEqual(t.call("cmp", NaN, 1), [0, 1]);
  assert.deepEqual(t.call("conv", -1e10), [-0x80000000, -10000000000n, Math.fround(-1e10)]);
  assert.equal(trapCode(() => t.call("conv", -1e20)), TrapCode.IntegerOverflow);
  assert.equal(trapCode(() => t.call("conv", NaN)), TrapCode.BadConversionToInteger);
  assert.equal(trapCode(() => t.call("trunc", -1)), TrapCode.IntegerOverflow);
  assert.equal(t.call("trunc", -0.5), 0);
  assert.equal(f32Bits(t.call("i64tof32", 0xffffffffffffffffn) as number), f32Bits(2 ** 64));
});

Deno.test("control flow: nested blocks, loops, br_table, multi-value blocks", () => {
  const t = instantiate(`(module
    (func (export "sum") (param i32) (result i32) (local i32)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br 0
      end end
      local.get 1)
    (func (export "switch") (param i32) (result i32)
      block block block block
        local.get 0 br_table 0 1 2 3
      end i32.const 10 return end i32.const 20 return end i32.const 30 return end
      i32.const 100)
    (func (export "multi") (param i32) (result i32 i32)
      local.get 0 i32.const 1
      block (param i32 i32) (result i32 i32)
        local.get 0 i32.eqz br_if 0
        i32.add i32.const 7
      end)
    (func (export "loop_params") (param i32) (result i32)
      i32.const 0 local.get 0
      loop (param i32 i32) (result i32)
        ;; [acc n]: acc += n; n -= 1; loop while n > 0
        local.set 0 local.get 0 i32.add
        local.get 0 i32.const 1 i32.sub local.tee 0
        local.get 0 br_if 0
        drop
      end)
    (func (export "if_params") (param i32 i32) (result i32)
      local.get 0 local.get 1
      if (param i32) (result i32) i32.const 1 i32.add else i32.const 2 i32.mul end)
    (func (export "br_value") (param i32) (result i32)
      block (result i32)
        i32.const 1
        local.get 0
        br_if 0
        drop i32.const 2
      end))`);
  assert.equal(t.call("sum", 100), 5050);
  assert.deepEqual([0, 1, 2, 3, 4, -1].map((i) => t.call("switch", i)), [
    10,
    20,
    30,
    100,
    100,
    100,
  ]);
  assert.deepEqual(t.call("multi", 0), [0, 1]);
  assert.deepEqual(t.call("multi", 5), [6, 7]);
  assert.equal(t.call("loop_params", 4), 10);
  assert.equal(t.call("if_params", 5, 1), 6);
  assert.equal(t.call("if_params", 5, 0), 10);
  assert.equal(t.call("br_value", 1), 1);
  assert.equal(t.call("br_value", 0), 2);
});

Deno.test("calls, multi-value results and call_indirect with its traps", () => {
  const t = instantiate(`(module
    (type $ii (func (param i32) (result i32)))
    (table 4 funcref)
    (elem (i32.const 0) $double $triple $pair)
    (func $double (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
    (func $triple (param i32) (result i32) local.get 0 i32.const 3 i32.mul)
    (func $pair (param i32) (result i32 i32) local.get 0 local.get 0 i32.const 1 i32.add)
    (func $fib (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_u if (result i32) local.get 0
      else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
    (func (export "swap_sum") (param i32) (result i32) (local i32 i32)
      local.get 0 call $pair local.set 1 local.set 2 local.get 1 local.get 2 i32.sub)
    (func (export "indirect") (param i32 i32) (result i32)
      local.get 1 local.get 0 call_indirect (type $ii)))`);
  assert.equal(t.call("fib", 20), 6765);
  assert.equal(t.call("swap_sum", 5), 1);
  assert.equal(t.call("indirect", 0, 7), 14);
  assert.equal(t.call("indirect", 1, 7), 21);
  assert.equal(trapCode(() => t.call("indirect", 2, 7)), TrapCode.BadSignature);
  assert.equal(trapCode(() => t.call("indirect", 3, 7)), TrapCode.IndirectCallToNull);
  assert.equal(trapCode(() => t.call("indirect", 4, 7)), TrapCode.TableOutOfBounds);
  assert.equal(trapCode(() => t.call("indirect", -1, 7)), TrapCode.TableOutOfBounds);
});

Deno.test("memory: widths, bounds, grow, bulk operations", () => {
  const t = instantiate(`(module
    (memory (export "memory") 1 3)
    (data $d "\\01\\02\\03\\04")
    (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "loads") (param i32) (result i32 i32 i64 i64)
      (i32.load8_s (local.get 0)) (i32.load16_u offset=1 (local.get 0))
      (i64.load32_s (local.get 0)) (i64.load8_u offset=7 (local.get 0)))
    (func (export "load32") (param i32) (result i32) (i32.load offset=2 (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) memory.size)
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
    (func (export "drop") data.drop $d))`);
  t.call("store", 16, -0x0123456789abcdefn);
  const v = -0x0123456789abcdefn;
  assert.deepEqual(t.call("loads", 16), [0x11, 0x5432, BigInt.asIntN(32, v), 0xfen]);
  assert.equal(t.call("load32", 65530), 0);
  assert.equal(trapCode(() => t.call("load32", 65531)), TrapCode.MemoryOutOfBounds);
  assert.equal(trapCode(() => t.call("load32", -1)), TrapCode.MemoryOutOfBounds);
  assert.equal(trapCode(() => t.call("store", 65529, 0n)), TrapCode.MemoryOutOfBounds);
  assert.equal(t.call("grow", 1), 1);
  assert.equal(t.call("load32", 65531), 0); // the views were refreshed after the grow
  assert.equal(t.call("size"), 2);
  assert.equal(t.call("grow", 2), -1);
  assert.equal(t.call("grow", 0), 2);
  const mem = () => t.memory().data(t.store);
  t.call("fill", 100, 0xab, 3);
  assert.deepEqual([...mem().subarray(99, 104)], [0, 0xab, 0xab, 0xab, 0]);
  t.call("copy", 101, 100, 3);
  assert.deepEqual([...mem().subarray(100, 104)], [0xab, 0xab, 0xab, 0xab]);
  t.call("init", 200, 1, 3);
  assert.deepEqual([...mem().subarray(200, 203)], [2, 3, 4]);
  assert.equal(trapCode(() => t.call("init", 0, 2, 3)), TrapCode.MemoryOutOfBounds);
  assert.equal(trapCode(() => t.call("fill", 131072, 0, 1)), TrapCode.MemoryOutOfBounds);
  t.call("fill", 131072, 0, 0); // zero length at the exact end is fine
  t.call("drop");
  t.call("init", 0, 0, 0);
  assert.equal(trapCode(() => t.call("init", 0, 0, 1)), TrapCode.MemoryOutOfBounds);
});

Deno.test("tables, references and globals", () => {
  const t = instantiate(`(module
    (table $t 2 10 funcref)
    (table $e 1 externref)
    (global $g (mut i64) (i64.const 5))
    (elem $seg func $f $f)
    (elem declare func $f)
    (func $f (result i32) i32.const 42)
    (func (export "ref") (result i32) ref.func $f ref.is_null)
    (func (export "set_get") (result i32)
      (table.set $t (i32.const 1) (ref.func $f))
      (call_indirect (result i32) (i32.const 1)))
    (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
    (func (export "size") (result i32) (table.size $t))
    (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $f) (local.get 1)))
    (func (export "null_at") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
    (func (export "init") (param i32 i32 i32) (table.init $t $seg (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
    (func (export "edrop") elem.drop $seg)
    (func (export "ext") (result i32) (ref.is_null (table.get $e (i32.const 0))))
    (func (export "global") (result i64) (global.set $g (i64.add (global.get $g) (i64.const 1))) global.get $g))`);
  assert.equal(t.call("ref"), 0);
  assert.equal(t.call("set_get"), 42);
  assert.equal(t.call("grow", 3), 2);
  assert.equal(t.call("size"), 5);
  assert.equal(t.call("grow", 6), -1);
  assert.equal(t.call("null_at", 4), 1);
  t.call("fill", 3, 2);
  assert.equal(t.call("null_at", 4), 0);
  assert.equal(trapCode(() => t.call("null_at", 5)), TrapCode.TableOutOfBounds);
  assert.equal(trapCode(() => t.call("fill", 4, 2)), TrapCode.TableOutOfBounds);
  assert.equal(t.call("null_at", 0), 1);
  t.call("init", 0, 1, 1);
  assert.equal(t.call("null_at", 0), 0);
  assert.equal(trapCode(() => t.call("init", 0, 1, 2)), TrapCode.TableOutOfBounds);
  t.call("copy", 1, 0, 4);
  assert.equal(trapCode(() => t.call("copy", 2, 0, 4)), TrapCode.TableOutOfBounds);
  t.call("edrop");
  assert.equal(trapCode(() => t.call("init", 0, 0, 1)), TrapCode.TableOutOfBounds);
  assert.equal(t.call("ext"), 1);
  assert.equal(t.call("global"), 6n);
  assert.equal(t.call("global"), 7n);
});

const RECURSE = `(module
  (func $r (export "r") (param i32) (result i32)
    local.get 0 i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))`;

Deno.test("a 1,000,000-deep Wasm recursion runs on the explicit stacks", () => {
  const t = instantiate(RECURSE, {
    config: { maxRecursionDepth: 1_000_000, maxStackHeight: 4_000_000 },
  });
  assert.equal(t.call("r", 999_999), 999_999);
  const trap = (() => {
    try {
      t.call("r", 1_000_000);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(trap instanceof Trap);
  assert.equal(trap.code, TrapCode.StackOverflow);
  assert.equal(trap.message, "call stack exhausted");
  assert.equal(t.call("r", 10), 10);
});

Deno.test("StackOverflow from the recursion limit or the value stack; the engine keeps working", () => {
  const t = instantiate(RECURSE, { config: { maxRecursionDepth: 1000 } });
  assert.equal(trapCode(() => t.call("r", 5000)), TrapCode.StackOverflow);
  assert.equal(t.call("r", 900), 900);
  const u = instantiate(RECURSE, { config: { maxStackHeight: 2000 } });
  assert.equal(trapCode(() => u.call("r", 5000)), TrapCode.StackOverflow);
  assert.equal(u.call("r", 1000), 1000);
});

Deno.test("traps carry a Wasm backtrace with names", () => {
  const t = instantiate(`(module
    (func $inner (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
    (func $outer (export "outer") (param i32) (result i32) local.get 0 call $inner))`);
  try {
    t.call("outer", 1);
    assert.fail("no trap");
  } catch (e) {
    assert.ok(e instanceof Trap);
    assert.equal(e.code, TrapCode.IntegerDivisionByZero);
    assert.deepEqual(e.backtrace, [{ funcIndex: 0, name: "inner" }, {
      funcIndex: 1,
      name: "outer",
    }]);
  }
});

Deno.test("host functions: slots in and out, re-entrancy, errors propagate unchanged", () => {
  const engine = new Engine(new Config());
  const log: JsVal[] = [];
  let inner: ReturnType<typeof instantiate> | null = null;
  const t = instantiate(
    `(module
      (import "env" "log" (func $log (param i32 i64)))
      (import "env" "twice" (func $twice (param i32) (result i32 i32)))
      (import "env" "reenter" (func $reenter (param i32) (result i32)))
      (import "env" "fail" (func $fail))
      (memory (export "mem") 1)
      (func (export "run") (param i32) (result i32)
        (call $log (local.get 0) (i64.const -1))
        (i32.add (call $twice (local.get 0))))
      (func $fact (export "fact") (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 1
        else local.get 0 local.get 0 i32.const 1 i32.sub call $reenter i32.mul end)
      (func (export "grow_then_load") (result i32)
        (call $fail) i32.const 0)
      (func (export "fails") call $fail))`,
    {
      engine,
      imports: {
        "env.log": (a, b) => {
          log.push(a!, b!);
        },
        "env.twice": (a) => [a!, a!],
        "env.reenter": (n) => inner!.call("fact", n!) as number,
        "env.fail": () => {
          throw new RangeError("host says no");
        },
      },
    },
  );
  inner = t;
  assert.equal(t.call("run", 21), 42);
  assert.deepEqual(log, [21, -1n]);
  assert.equal(t.call("fact", 10), 3628800);
  assert.throws(
    () => t.call("fails"),
    (e) => e instanceof RangeError && e.message === "host says no",
  );
  assert.equal(t.call("run", 1), 2); // still usable
});

Deno.test("a host function that grows memory: the caller sees the new size", () => {
  let grow: () => void = () => {};
  const t = instantiate(
    `(module
      (import "env" "grow" (func $grow))
      (memory (export "memory") 1 2)
      (func (export "f") (result i32) call $grow (i32.load (i32.const 70000))))`,
    { imports: { "env.grow": () => grow() } },
  );
  grow = () => {
    t.memory().grow(t.store, 1);
    t.memory().write(t.store, 70000, Uint8Array.of(0xd2, 0x04, 0, 0)); // 1234
  };
  assert.equal(t.call("f"), 1234);
});

Deno.test("calls across instances switch memories and globals", () => {
  const a = instantiate(`(module
    (memory 1) (global $g (mut i32) (i32.const 7))
    (func (export "get") (param i32) (result i32)
      (i32.store (i32.const 0) (local.get 0)) (i32.add (i32.load (i32.const 0)) (global.get $g))))`);
  const b = instantiate(
    `(module
      (import "a" "get" (func $get (param i32) (result i32)))
      (memory 1) (global $g i32 (i32.const 1000))
      (func (export "f") (result i32)
        (i32.store (i32.const 0) (i32.const 5))
        (i32.add (call $get (i32.const 3)) (i32.add (i32.load (i32.const 0)) (global.get $g)))))`,
    { engine: a.engine, store: a.store, imports: { "a.get": a.func("get") } },
  );
  assert.equal(b.call("f"), 3 + 7 + 5 + 1000);
});

Deno.test("eager and lazy compilation produce the same code", () => {
  const src =
    `(module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))`;
  const eager = instantiate(src, { config: { compilationMode: "eager" } });
  const lazy = instantiate(src);
  assert.equal(eager.code("f"), lazy.code("f"));
  assert.equal(eager.call("f", 1), 2);
});

Deno.test("the engine calls a host function directly too", () => {
  const engine = new Engine();
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: ["i32"], results: ["i32"] }, (_caller, x: number) => x + 1);
  const io = new Int32Array(4);
  io[0] = 41;
  engine.execute(storeInner(store), funcs.entity(store, f), io);
  assert.equal(io[0], 42);
});
