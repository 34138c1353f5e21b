/**
 * Regression: `f32.min`/`f64.max` & co. must return a canonical NaN for canonical NaN inputs even
 * after V8 optimises the executor (optimised `Math.min` returned 0xffffffff for f32).
 */
import assert from "node:assert/strict";
import { Engine, Linker, Module, Store, Val } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

Deno.test("min/max of a canonical NaN stay canonical in hot code", () => {
  const engine = new Engine();
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(
    store,
    new Module(
      engine,
      wat(`(module
      (func (export "f32") (param $n i32) (param $x f32) (result f32)
        (local $acc f32)
        (loop $l
          (local.set $acc (f32.max (f32.min (local.get $x) (f32.const 1)) (f32.const -1)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $acc))
      (func (export "f64") (param $n i32) (param $x f64) (result f64)
        (local $acc f64)
        (loop $l
          (local.set $acc (f64.max (f64.min (local.get $x) (f64.const 1)) (f64.const -1)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $acc)))`),
    ),
  );
  const canonical32 = (bits: number) => (bits & 0x7fffffff) === 0x7fc00000;
  const canonical64 = (bits: bigint) => (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
  for (let round = 0; round < 5; round++) {
    const [r32] = instance.getFunc(store, "f32")!.call(store, [Val.i32(200_000), Val.f32(NaN)]);
    assert.ok(canonical32(r32!.bits as number), `f32 round ${round}: ${r32}`);
    const [r64] = instance.getFunc(store, "f64")!.call(store, [Val.i32(200_000), Val.f64(NaN)]);
    assert.ok(canonical64(r64!.bits as bigint), `f64 round ${round}: ${r64}`);
  }
});
