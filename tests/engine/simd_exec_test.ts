/**
 * v128 through the translator and executor: every move of a v128 (locals, block results, branch
 * values, select, calls, returns, globals, host calls) keeps all four words of its slot, while
 * the moves of other values stay the two-word instructions; and the SIMD instructions' shapes.
 */
import assert from "node:assert/strict";
import { Engine, Func, Global, Linker, Module, Store, Trap, Val } from "../../mod.ts";
import { wat } from "../api/_wat.ts";
import { instantiate } from "./harness.ts";

const engine = new Engine();

/** 16 distinct bytes, so a lost word shows. */
const V = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const W = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);

/** An instance of `text` and a `call` by export name with plain JS values. */
function run(text: string): (name: string, ...args: unknown[]) => unknown {
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  const swap = Func.wrap(
    store,
    { params: ["v128", "i32"], results: ["i32", "v128"] },
    (_c, v: Uint8Array, x: number) => [x + 1, v],
  );
  linker.define("host", "swap", swap);
  const instance = linker.instantiate(store, new Module(engine, wat(text)));
  return (name, ...args) => instance.getFunc(store, name)!.typed(store).call(store, ...args);
}

Deno.test("v128 values keep all four words through every kind of move", () => {
  const m = run(`(module
    (import "host" "swap" (func $swap (param v128 i32) (result i32 v128)))
    (global $g (mut v128) (v128.const i64x2 0 0))
    (func $id (param v128) (result v128) local.get 0)
    (func (export "block") (param v128) (result v128)
      (block (result v128) (local.get 0)))
    (func (export "if") (param v128 v128 i32) (result v128)
      (if (result v128) (local.get 2) (then (local.get 0)) (else (local.get 1))))
    (func (export "br_if") (param v128 v128 i32) (result v128)
      (block (result v128) (br_if 0 (local.get 0) (local.get 2)) drop (local.get 1)))
    (func (export "br_table") (param v128 v128 i32) (result v128)
      (block (result v128)
        (block (result v128) (br_table 0 1 (local.get 0) (local.get 2)))
        drop (local.get 1)))
    (func (export "loop") (param v128 i32) (result v128)
      (local.get 0)
      (loop (param v128) (result v128)
        (local.set 0)
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (local.get 0)
        (br_if 0 (local.get 1))))
    (func (export "select") (param v128 v128 i32) (result v128)
      (select (local.get 0) (local.get 1) (local.get 2)))
    (func (export "select_t") (param v128 v128 i32) (result v128)
      (select (result v128) (local.get 0) (local.get 1) (local.get 2)))
    (func (export "tee") (param v128) (result v128) (local v128)
      (drop (local.tee 1 (local.get 0))) (local.get 1))
    (func (export "swap") (param v128 v128) (result v128 v128)
      (local.get 1) (local.get 0))
    (func (export "call") (param v128) (result v128) (call $id (local.get 0)))
    (func (export "host") (param v128) (result v128)
      (call $swap (local.get 0) (i32.const 1)) (local.set 0) drop (local.get 0))
    (func (export "global") (param v128) (result v128)
      (global.set $g (local.get 0)) (global.get $g))
    (func (export "nested") (param v128 i32) (result v128)
      (local.get 0)
      (if (local.get 1) (then (return (v128.const i32x4 1 2 3 4))))))`);
  assert.deepEqual(m("block", V), V);
  assert.deepEqual(m("if", V, W, 1), V);
  assert.deepEqual(m("if", V, W, 0), W);
  assert.deepEqual(m("br_if", V, W, 1), V);
  assert.deepEqual(m("br_if", V, W, 0), W);
  assert.deepEqual(m("br_table", V, W, 0), W);
  assert.deepEqual(m("br_table", V, W, 1), V);
  assert.deepEqual(m("loop", V, 3), V);
  assert.deepEqual(m("select", V, W, 1), V);
  assert.deepEqual(m("select", V, W, 0), W);
  assert.deepEqual(m("select_t", V, W, 0), W);
  assert.deepEqual(m("tee", V), V);
  assert.deepEqual(m("swap", V, W), [W, V]);
  assert.deepEqual(m("call", V), V);
  assert.deepEqual(m("host", V), V);
  assert.deepEqual(m("global", V), V);
  assert.deepEqual(m("nested", V, 0), V);
  assert.deepEqual(
    m("nested", V, 1),
    Uint8Array.of(1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0),
  );
});

Deno.test("v128 globals and parameters through the API", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module
      (global (export "g") (mut v128) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
      (func (export "add") (param v128 v128) (result v128)
        (i32x4.add (local.get 0) (local.get 1)))
      (func (export "get") (result v128) (global.get 0)))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  const g = instance.getGlobal(store, "g")!;
  assert.ok(g instanceof Global);
  g.set(store, Val.v128(W));
  const [got] = instance.getFunc(store, "get")!.call(store, []);
  assert.deepEqual(got!.value, W);
  const [sum] = instance.getFunc(store, "add")!.call(store, [Val.v128(1n << 96n), Val.v128(-1n)]);
  assert.equal(sum!.bits, (1n << 96n) - 1n); // lane 3 wraps to 0
});

Deno.test("SIMD memory accesses trap out of bounds", () => {
  const m = run(`(module (memory 1)
    (func (export "load") (param i32) (result v128) (v128.load offset=1 (local.get 0)))
    (func (export "store_lane") (param i32 v128) (v128.store64_lane 1 (local.get 0) (local.get 1))))`);
  assert.deepEqual(m("load", 65535 - 16), new Uint8Array(16));
  assert.throws(() => m("load", 65535 - 15), Trap);
  assert.throws(() => m("store_lane", 65529, V), Trap);
  m("store_lane", 65528, V);
});

// ---------------------------------------------------------------------------------------------
// Translation

function code(func: string): string {
  return instantiate(`(module (memory 1) (global $g (mut v128) (v128.const i64x2 0 0))
    (func (export "f") ${func}))`).code("f");
}

Deno.test("v128 moves use the four-word instructions, other moves stay two-word", () => {
  assert.equal(
    code(`(param v128 i32) (result v128 i32) local.get 0 local.get 1 local.get 0 drop`),
    ["0: Return"].join("\n"),
  );
  assert.equal(
    code(`(param v128 i32) (result i32 v128) local.get 1 local.get 0`),
    [
      // Local 0 would be overwritten before it is read: it goes through its temp slot.
      "0: Copy128 s3, s0",
      "3: Copy s0, s1",
      "6: Copy128 s1, s3",
      "9: Return",
    ].join("\n"),
  );
  assert.equal(
    code(`(param v128 v128 i32) (result v128) (select (local.get 0) (local.get 1) (local.get 2))`),
    ["0: Select128 s3, s2, s0, s1", "5: Copy128 s0, s3", "8: Return"].join("\n"),
  );
  assert.equal(
    code(`(param v128) (result v128) (global.set $g (local.get 0)) (global.get $g)`),
    ["0: GlobalSet128 #0, s0", "3: GlobalGet128 s1, #0", "6: Copy128 s0, s1", "9: Return"].join(
      "\n",
    ),
  );
});

Deno.test("common SIMD operators have instructions of their own, the others a few generic ones", () => {
  assert.equal(
    code(`(param v128 v128 i32) (result i32) (local v128)
      (local.set 3 (i8x16.add (local.get 0) (local.get 1)))
      (v128.store offset=16 (local.get 2)
        (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 3) (local.get 0)))
      (i32x4.extract_lane 3 (v128.load32_zero (local.get 2)))`),
    [
      "0: I8x16Add s3, s0, s1",
      // The lanes, four bytes a word: 0x13021100, ...
      "4: V128Shuffle s5, s3, s0, 318902528, 386274564, 453646600, 521018636",
      "12: V128Store s2, +16, s5",
      // The generic load adds 0 to its address (`V128LoadSubAt`, see isa.ts).
      "16: V128LoadSubAt s4, v128.load32_zero, s2, 0, +0",
      "22: V128ExtractLane32 s4, s4, 3",
      "26: ReturnSlot s4",
    ].join("\n"),
  );
  assert.equal(
    code(`(param v128 i32) (result v128)
      (v128.bitselect (v128.const i32x4 1 2 3 4) (local.get 0)
        (i8x16.splat (local.get 1)))`),
    [
      "0: V128Const s2, 1, 2, 3, 4",
      "6: V128Unary s4, i8x16.splat, s1",
      "10: V128Ternary s2, v128.bitselect, s2, s0, s4",
      "16: Copy128 s0, s2",
      "19: Return",
    ].join("\n"),
  );
});

Deno.test("NaN lanes stay canonical in hot (optimised) code", () => {
  const m = run(`(module
    (func (export "f32x4") (param $n i32) (param $x v128) (result v128)
      (local $acc v128)
      (loop $l
        (local.set $acc
          (f32x4.add
            (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 1 1 1 1))
              (v128.const f32x4 -1 -1 -1 -1))
            (f32x4.nearest (f32x4.sqrt (f32x4.floor (local.get $x))))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $acc))
    (func (export "f64x2") (param $n i32) (param $x v128) (result v128)
      (local $acc v128)
      (loop $l
        (local.set $acc
          (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
            (f64x2.max (f64x2.min (local.get $x) (v128.const f64x2 1 1))
              (f64x2.ceil (local.get $x))))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $acc)))`);
  const nan32 = new Uint8Array(
    Uint32Array.of(0x7fc00000, 0x7fc00000, 0xffc00000, 0x7fc00000).buffer,
  );
  const nan64 = new Uint8Array(BigUint64Array.of(0x7ff8000000000000n, 0xfff8000000000000n).buffer);
  for (let round = 0; round < 5; round++) {
    const r32 = new Uint32Array((m("f32x4", 100_000, nan32) as Uint8Array).buffer);
    for (const bits of r32) assert.equal(bits & 0x7fffffff, 0x7fc00000, `f32 round ${round}`);
    const r64 = new BigUint64Array((m("f64x2", 100_000, nan64) as Uint8Array).buffer);
    for (const bits of r64) {
      assert.equal(bits & 0x7fffffffffffffffn, 0x7ff8000000000000n, `f64 round ${round}`);
    }
  }
});

Deno.test("v128.load of base + constant is one V128LoadAt, which wraps the address as i32.add", () => {
  const text = `(module (memory 1)
    (data (i32.const 0) "\\00\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11\\12\\13")
    (func (export "at") (param i32) (result i32)
      (i32x4.extract_lane 0 (v128.load offset=2 (i32.add (local.get 0) (i32.const 16))))))`;
  const { code, call } = instantiate(wat(text));
  assert.equal(
    code("at"),
    ["0: V128LoadAt s1, s0, 16, +2", "5: V128ExtractLane32 s1, s1, 0", "9: ReturnSlot s1"].join(
      "\n",
    ),
  );
  // -16 + 16 wraps to 0: bytes 2..5.
  assert.equal(call("at", -16), 0x05040302);
  assert.equal(call("at", -14), 0x07060504);
  // 0xfffffff0 + 16 wraps, but 0x7ffffff0 + 16 does not: out of bounds, as unfused.
  assert.throws(() => call("at", 0x7ffffff0), Trap);
  assert.throws(() => call("at", 65536 - 16 - 2 - 15), Trap);
  assert.equal(call("at", 65536 - 16 - 2 - 16), 0);
});
