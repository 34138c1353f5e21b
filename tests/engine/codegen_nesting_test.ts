/**
 * The nesting of generated bodies on the JS stack (`MAX_NESTING`, `nestingCost` in
 * `src/engine/codegen.ts`) for bodies larger than the limit's worth of code: such a body calls
 * its callees on the JS stack (its code's cost is capped), and deep recursion of it still goes
 * back to the driver rather than growing the JS stack. Each test compares the interpreter.
 */

import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { HEADER, sleb, u32 } from "../_lib/bytes.ts";

function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

/**
 * Func 0 `add(x) = x * 3 + 1`; func 1 `big(x)` (exported "big", a few times 16,384 words of
 * code): `calls` calls of `add`, their results summed; with `recurse`, it first calls itself
 * with `x - 1` while `x > 0`, adding that result.
 */
function bigModule(calls: number, recurse: boolean): Uint8Array {
  const add = [0, 0x20, 0, 0x41, 3, 0x6c, 0x41, 1, 0x6a, 0x0b];
  // One i32 local, `acc`: (if (i32.gt_s x 0) (then (local.set acc (call big (x - 1))))), then
  // `acc` plus the calls.
  const big: number[] = [1, 1, 0x7f];
  if (recurse) {
    big.push(0x20, 0, 0x41, 0, 0x4a, 0x04, 0x40);
    big.push(0x20, 0, 0x41, 1, 0x6b, 0x10, 1, 0x21, 1, 0x0b);
  }
  big.push(0x20, 1);
  for (let k = 0; k < calls; k++) big.push(0x20, 0, 0x41, ...sleb(k), 0x6a, 0x10, 0, 0x6a);
  big.push(0x0b);
  const bodies = [add, big].flatMap((b) => [...u32(b.length), ...b]);
  return new Uint8Array([
    ...HEADER,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...section(3, [2, 0, 0]),
    ...section(7, [1, 3, 0x62, 0x69, 0x67, 0, 1]),
    ...section(10, [2, ...bodies]),
  ]);
}

function run(bytes: Uint8Array, tier: "interpreter" | "codegen", fuel: boolean, x: number) {
  const engine = new Engine(new Config({ executionTier: tier, consumeFuel: fuel }));
  const store = new Store(engine, null);
  if (fuel) store.setFuel(1_000_000_000_000n);
  const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
  const result = instance.getTypedFunc<[number], number>(store, "big").call(store, x);
  return { result, engine };
}

Deno.test("codegen nesting: a body past the limit's worth of code calls on the JS stack", () => {
  // 2,000 calls: more than 16,384 words, which uncapped cost more than `MAX_NESTING` alone.
  const bytes = bigModule(2000, false);
  const expected = run(bytes, "interpreter", false, 7).result;
  for (const fuel of [false, true]) {
    const { result, engine } = run(bytes, "codegen", fuel, 7);
    assert.equal(result, expected, `fuel ${fuel}`);
    assert.equal(engine.codegenStats().generated, 2);
    // Every call returned into the structured body: none went back to the driver.
    if (!fuel) assert.equal(engine.midwayEntries, 0);
  }
});

Deno.test("codegen nesting: deep recursion of a body past the limit goes back to the driver", () => {
  // Two such bodies exceed `MAX_NESTING`: each recursive call is the driver's (and the frame
  // below goes on in its switch body), so levels of a body of 20,000 words stay off the JS stack.
  const bytes = bigModule(2000, true);
  const expected = run(bytes, "interpreter", false, 40).result;
  for (const fuel of [false, true]) {
    const { result, engine } = run(bytes, "codegen", fuel, 40);
    assert.equal(result, expected, `fuel ${fuel}`);
    if (!fuel) assert.ok(engine.midwayEntries >= 40);
  }
});
