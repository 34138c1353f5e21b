import assert from "node:assert/strict";
import { Engine, Func, FuncType, Global, Linker, Module, Store, Val } from "../../mod.ts";
import { readVal, writeVal } from "../../src/runtime/val.ts";
import { wat } from "../_lib/wabt.ts";

const engine = new Engine();

function roundTrip(store: Store, val: Val): Val {
  const slot = new Int32Array(4);
  writeVal(store, val, slot, 0);
  return readVal(store, val.type, slot, 0);
}

Deno.test("val: constructors, value and bits", () => {
  assert.equal(Val.i32(-5).value, -5);
  assert.equal(Val.i32(0x8000_0000).value, -0x8000_0000);
  assert.equal(Val.i32(-1).bits, 0xffff_ffff);
  assert.equal(Val.i64(0xffff_ffff_ffff_ffffn).value, -1n);
  assert.equal(Val.i64(-2n).bits, 0xffff_ffff_ffff_fffen);
  assert.equal(Val.i64(42).value, 42n);
  assert.equal(Val.f32(1.1).value, Math.fround(1.1));
  assert.equal(Val.f32(1.5).bits, 0x3fc0_0000);
  assert.equal(Val.f64(1.5).bits, 0x3ff8_0000_0000_0000n);
  assert.ok(Object.is(Val.f64(-0).value, -0));
  assert.equal(Val.f64Bits(0x4000_0000_0000_0000n).value, 2);
  assert.equal(Val.f32Bits(0x4000_0000).value, 2);
  const bytes = new Uint8Array(16).map((_, i) => i);
  const v = Val.v128(bytes);
  bytes[0] = 99; // the Val keeps its own copy
  assert.deepEqual(v.value, new Uint8Array(16).map((_, i) => i));
  assert.equal(Val.v128(0x0102n).bits, 0x0102n);
  assert.equal((Val.v128(0x0102n).value as Uint8Array)[0], 2);
  assert.equal(Val.funcref(null).value, null);
  const obj = { x: 1 };
  assert.equal(Val.externref(obj).value, obj);
  assert.equal(Val.externref(null).value, null);
  assert.throws(() => Val.funcref({} as Func), TypeError);
  assert.throws(() => Val.i32("1" as unknown as number), TypeError);
  assert.throws(() => Val.i64(1.5), TypeError);
  assert.throws(() => Val.v128(new Uint8Array(3)), TypeError);
  assert.throws(() => Val.funcref(null).bits, TypeError);
});

Deno.test("val: default, equals and toString", () => {
  assert.equal(Val.default("i64").value, 0n);
  assert.equal(Val.default("funcref").value, null);
  assert.equal(Val.default("v128").bits, 0n);
  assert.ok(Val.i32(1).equals(Val.i32(1)));
  assert.ok(!Val.i32(1).equals(Val.i64(1n)));
  assert.ok(Val.f32Bits(0x7fc0_0001).equals(Val.f32Bits(0x7fc0_0001)));
  assert.ok(!Val.f32Bits(0x7fc0_0001).equals(Val.f32Bits(0x7fc0_0000)));
  assert.equal(Val.i32(-1).toString(), "i32:-1");
  assert.equal(Val.i64(5n).toString(), "i64:5");
  assert.equal(Val.f32Bits(0x7fa0_0001).toString(), "f32:nan:0x7fa00001");
  assert.equal(Val.f64(-0).toString(), "f64:-0");
  assert.equal(Val.funcref(null).toString(), "funcref:null");
});

Deno.test("val: every type survives Val -> slot -> Val, NaN payloads included", () => {
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: [], results: [] }, () => {});
  const host = { any: "thing" };
  const vals = [
    Val.i32(-123),
    Val.i64(-0x1234_5678_9abc_def0n),
    Val.f32Bits(0x7fa0_0001), // signalling NaN with a payload
    Val.f32Bits(0xffc0_1234),
    Val.f64Bits(0x7ff0_0000_0000_0001n),
    Val.f64Bits(0xfff8_dead_beef_0001n),
    Val.f32(-0),
    Val.v128(0xffee_ddcc_bbaa_9988_7766_5544_3322_1100n),
    Val.funcref(f),
    Val.funcref(null),
    Val.externref(host),
    Val.externref(null),
    Val.externref(undefined),
    Val.externref(0),
  ];
  for (const v of vals) {
    const back = roundTrip(store, v);
    assert.ok(back.equals(v), `${v} came back as ${back}`);
  }
  assert.equal(roundTrip(store, Val.funcref(f)).value, f, "the same Func handle");
  assert.equal(roundTrip(store, Val.externref(host)).value, host);
  assert.equal(
    roundTrip(store, Val.externref(undefined)).value,
    undefined,
    "undefined is not null",
  );
});

Deno.test("val: NaN payloads survive globals and host functions", () => {
  const store = new Store(engine, null);
  const g = new Global(store, Val.f64Bits(0x7ff4_0000_0000_0001n), "var");
  assert.equal(g.get(store).bits, 0x7ff4_0000_0000_0001n);
  g.set(store, Val.f64Bits(0xfff0_0000_0000_0002n));
  assert.equal(g.get(store).bits, 0xfff0_0000_0000_0002n);
  const id = new Func(store, new FuncType(["f32", "f64"], ["f32", "f64"]), (_c, params) => params);
  const [a, b] = id.call(store, [Val.f32Bits(0x7f80_0001), Val.f64Bits(0x7ff0_0000_dead_0000n)]);
  assert.equal(a!.bits, 0x7f80_0001);
  assert.equal(b!.bits, 0x7ff0_0000_dead_0000n);
});

Deno.test("val: NaN payloads survive Wasm code and linear memory", () => {
  const store = new Store(engine, null);
  const module = new Module(
    engine,
    wat(`(module (memory (export "mem") 1)
      (func (export "id32") (param f32) (result f32) local.get 0)
      (func (export "mem32") (param f32) (result f32)
        (f32.store (i32.const 8) (local.get 0)) (f32.load (i32.const 8)))
      (func (export "mem64") (param f64) (result f64)
        (f64.store (i32.const 16) (local.get 0)) (f64.load (i32.const 16))))`),
  );
  const instance = new Linker(engine).instantiate(store, module);
  const id32 = instance.getFunc(store, "id32")!;
  assert.equal(id32.call(store, [Val.f32Bits(0x7fa0_0001)])[0]!.bits, 0x7fa0_0001);
  const mem32 = instance.getFunc(store, "mem32")!;
  assert.equal(mem32.call(store, [Val.f32Bits(0xffa0_0002)])[0]!.bits, 0xffa0_0002);
  const mem = instance.getMemory(store, "mem")!;
  assert.deepEqual(mem.read(store, 8, 4), new Uint8Array([0x02, 0x00, 0xa0, 0xff]));
  const mem64 = instance.getFunc(store, "mem64")!;
  const bits = 0x7ff0_0000_0000_0003n;
  assert.equal(mem64.call(store, [Val.f64Bits(bits)])[0]!.bits, bits);
});
