/**
 * `F32x4MaxMinLoadStoreAt` and `F32x4MulLoadAddStore`: a clamp of a v128 just loaded (stored
 * to `base + imm`), and `a * load + b * load` (stored to an address in a slot), whose result
 * only a `v128.store` reads, both run in one dispatch (vec_float's clamp and saxpy loops), laid
 * out as the two instructions they join. Each stores, bit for bit, what its two rows store
 * apart (the same function with a constant address, which the store cannot join), on lanes
 * with NaN payloads, signed zeros, infinities, subnormals and rounding; traps as its loads,
 * then its store, would, storing nothing; is charged the fuel of the same operators left
 * apart; and the code generator makes of it what it makes of the two instructions. In every
 * tier, plain and under fuel.
 */
import assert from "node:assert/strict";
import { generateSource } from "../../src/engine/codegen.ts";
import { I, instrSize } from "../../src/engine/isa.ts";
import { eachTier, F32_EDGE_BITS, instantiate } from "./harness.ts";

// Memory: a at 0, b at 16 (the factors), lo at 32, hi at 48 (the bounds), the inputs at 64 and
// 96; the joined rows store to 256 + 16 (`offset=16` from $r) and their twins to 512.
const MODULE = `(module
  (memory (export "mem") 1)
  (func (export "saxpy") (param $p i32) (param $q i32) (param $r i32)
    (local $a v128) (local $b v128)
    (local.set $a (v128.load (i32.const 0)))
    (local.set $b (v128.load (i32.const 16)))
    (v128.store offset=16 (local.get $r)
      (f32x4.add (f32x4.mul (local.get $a) (v128.load (local.get $p)))
                 (f32x4.mul (local.get $b) (v128.load (local.get $q))))))
  ;; The same with the store's address \`$r + 32\` (an i32.add the store takes as base + imm):
  ;; \`V128StoreAt\`, which only the clamp joins.
  (func (export "saxpyAt") (param $p i32) (param $q i32) (param $r i32)
    (local $a v128) (local $b v128)
    (local.set $a (v128.load (i32.const 0)))
    (local.set $b (v128.load (i32.const 16)))
    (v128.store (i32.add (local.get $r) (i32.const 32))
      (f32x4.add (f32x4.mul (local.get $a) (v128.load (local.get $p)))
                 (f32x4.mul (local.get $b) (v128.load (local.get $q))))))
  ;; As many instructions as "saxpy", a constant address (496 + 16): nothing for the store to
  ;; join, so it runs the two rows the fused one stands for. The reference for "saxpy".
  (func (export "saxpyConst") (param $p i32) (param $q i32) (param $r i32)
    (local $a v128) (local $b v128)
    (local.set $a (v128.load (i32.const 0)))
    (local.set $b (v128.load (i32.const 16)))
    (v128.store offset=16 (i32.const 496)
      (f32x4.add (f32x4.mul (local.get $a) (v128.load (local.get $p)))
                 (f32x4.mul (local.get $b) (v128.load (local.get $q))))))
  (func (export "clamp") (param $p i32) (param $r i32)
    (local $lo v128) (local $hi v128)
    (local.set $lo (v128.load (i32.const 32)))
    (local.set $hi (v128.load (i32.const 48)))
    (v128.store offset=16 (i32.add (local.get $r) (i32.const 32))
      (f32x4.min (f32x4.max (v128.load (i32.add (local.get $p) (i32.const 16))) (local.get $lo))
                 (local.get $hi))))
  (func (export "clampConst") (param $p i32) (param $r i32)
    (local $lo v128) (local $hi v128)
    (local.set $lo (v128.load (i32.const 32)))
    (local.set $hi (v128.load (i32.const 48)))
    (drop (local.get $r))
    (v128.store (i32.const 512)
      (f32x4.min (f32x4.max (v128.load (i32.add (local.get $p) (i32.const 16))) (local.get $lo))
                 (local.get $hi))))
)`;

/** Lane bit patterns: NaNs with payloads, zeros, infinities, subnormals, ordinary values. */
const LANES = F32_EDGE_BITS;

Deno.test("F32x4MulLoadAddStore and F32x4MaxMinLoadStoreAt store what their two rows store", () => {
  eachTier(MODULE, (t) => {
    if (t.engine.config.executionTier === "interpreter") {
      const store = `${I.V128Store}`, storeAt = `${I.V128StoreAt}`;
      assert.match(
        t.code("saxpy"),
        new RegExp(
          `F32x4MulLoadAddStore (s\\d+), s\\d+, s1, 0, \\+0, s\\d+, ${store}, s2, \\+16, \\1\n`,
        ),
      );
      assert.match(t.code("saxpyAt"), /F32x4MulLoadAdd .*\n\d+: V128StoreAt s2, 32, \+0, s\d+\n/);
      assert.match(
        t.code("clamp"),
        new RegExp(
          `F32x4MaxMinLoadStoreAt (s\\d+), s2, s3, s0, 16, ${storeAt}, s1, 32, \\+16, \\1\n`,
        ),
      );
      assert.doesNotMatch(t.code("saxpyConst"), /AddStore/);
      assert.doesNotMatch(t.code("clampConst"), /LoadStore/);
    }
    const data = t.memory().data(t.store);
    const mem = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = LANES.length;
    const same = (what: string, at: number) => {
      for (let i = 0; i < 4; i++) {
        const got = mem.getUint32(at + 4 * i, true), want = mem.getUint32(512 + 4 * i, true);
        assert.equal(got, want, `${what} word ${i}`);
      }
    };
    for (let round = 0; round < n * n; round += 3) {
      for (let i = 0; i < 4; i++) {
        mem.setUint32(4 * i, LANES[(round + i) % n]!, true);
        mem.setUint32(16 + 4 * i, LANES[(Math.floor(round / n) + 3 * i) % n]!, true);
        mem.setUint32(32 + 4 * i, LANES[(round + 5 * i + 2) % n]!, true);
        mem.setUint32(48 + 4 * i, LANES[(round + 7 * i + 1) % n]!, true);
        mem.setUint32(64 + 4 * i, LANES[(round + 11 * i + 3) % n]!, true);
        mem.setUint32(96 + 4 * i, LANES[(2 * round + i + 4) % n]!, true);
      }
      t.call("saxpyConst", 64, 96, 0);
      t.call("saxpy", 64, 96, 256);
      same(`saxpy round ${round}`, 272);
      t.call("saxpyAt", 64, 96, 256);
      same(`saxpyAt round ${round}`, 288);
      t.call("clampConst", 48, 0);
      t.call("clamp", 48, 256);
      same(`clamp round ${round}`, 304);
    }
  });
});

Deno.test("F32x4MulLoadAddStore and F32x4MaxMinLoadStoreAt trap as their parts, storing nothing", () => {
  eachTier(MODULE, (t) => {
    const data = t.memory().data(t.store);
    data.fill(7, 0, 65536);
    const before = data.slice();
    const traps = (name: string, ...args: number[]) => {
      assert.throws(() => t.call(name, ...args), /out of bounds memory access/, name);
      assert.deepEqual(t.memory().data(t.store), before, `${name} stored nothing`);
    };
    // A load out of bounds (past the end, wrapped below 0), then the store alone: past the
    // end by its memarg offset, or by an address that wraps.
    traps("saxpy", 65536 - 8, 96, 256);
    traps("saxpy", 64, -4, 256);
    traps("saxpy", 64, 96, 65536 - 16);
    traps("saxpy", 64, 96, -8);
    traps("saxpyAt", 64, 96, 65536 - 40);
    traps("clamp", 65536 - 24, 256);
    traps("clamp", 48, 65536 - 48);
    traps("clamp", 48, -40);
    // The last bytes of memory are in reach, and a trap leaves the store usable.
    t.call("saxpy", 65536 - 16, 65536 - 16, 65536 - 32);
    t.call("saxpyAt", 64, 96, -32); // $r + 32 wraps to 0
    t.call("clamp", 65536 - 32, 65536 - 64);
  });
});

Deno.test("F32x4MulLoadAddStore and F32x4MaxMinLoadStoreAt cost the fuel of their operators", () => {
  eachTier(MODULE, (t) => {
    if (!t.engine.config.consumeFuel) return;
    const spent = (name: string, ...args: number[]) => {
      const before = t.store.getFuel();
      t.call(name, ...args);
      return before - t.store.getFuel();
    };
    assert.equal(spent("saxpy", 64, 96, 256), spent("saxpyConst", 64, 96, 256));
    assert.equal(spent("clamp", 48, 256), spent("clampConst", 48, 256));
    assert.equal(spent("saxpy", 64, 96, 256), 18n);
  });
});

Deno.test("the code generator sees the two instructions a joined row is laid out as", () => {
  const t = instantiate(MODULE, { config: { executionTier: "interpreter" } });
  for (const name of ["saxpy", "clamp"]) {
    const code = t.engine.compile(t.entity(name)).code;
    const apart = code.slice();
    let joined = 0;
    for (let pc = 0; pc < apart.length; pc += instrSize(apart, pc)) {
      if (apart[pc] === I.F32x4MulLoadAddStore) apart[pc] = I.F32x4MulLoadAdd, joined++;
      if (apart[pc] === I.F32x4MaxMinLoadStoreAt) apart[pc] = I.F32x4MaxMinLoad, joined++;
    }
    assert.equal(joined, 1, name);
    for (const structured of [false, true]) {
      const opts = { numResults: 0, paramWords: 12, structured };
      assert.deepEqual(generateSource(code, opts), generateSource(apart, opts), name);
    }
  }
});
