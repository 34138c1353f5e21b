/**
 * A v128 load and the zero-extending shuffle of what it loaded in one instruction
 * (`V128LoadAtShuffleZx`, `V128Load32SplatAtShuffleZx`, `V128Load64ZeroAtShuffleZx`): the
 * translator's choice, the results against the spec's shuffle of the loaded bytes in every tier
 * (the shuffle's other input zero or not, the loaded vector kept in a local), the traps of the
 * load, and the generated code spelling the load and the shuffle without a helper call.
 */
import assert from "node:assert/strict";
import { generateSource } from "../../src/engine/codegen.ts";
import { eachTier, instantiate } from "./harness.ts";

// u8 -> u16 of the low half (x second: kind 12) and u8 -> u32 of word 0 (x second: kind 8).
const U16 = "16 0 17 0 18 0 19 0 20 0 21 0 22 0 23 0";
const U32 = "16 0 0 0 17 0 0 0 18 0 0 0 19 0 0 0";

const MODULE = `(module (memory (export "mem") 1)
  ;; [64] <- shuffle(z, load(p + 16)); the loaded vector kept in $v, returned lane 0.
  (func (export "full") (param $p i32) (param $z v128) (result i32) (local $v v128)
    (v128.store offset=64 (i32.const 0)
      (i8x16.shuffle ${U16} (local.get $z)
        (local.tee $v (v128.load (i32.add (local.get $p) (i32.const 16))))))
    (i32x4.extract_lane 0 (local.get $v)))
  (func (export "splat") (param $p i32) (param $z v128)
    (v128.store offset=64 (i32.const 0)
      (i8x16.shuffle ${U32} (local.get $z)
        (v128.load32_splat (i32.add (local.get $p) (i32.const 20))))))
  (func (export "zero") (param $p i32) (param $z v128)
    (v128.store offset=64 (i32.const 0)
      (i8x16.shuffle ${U32} (local.get $z)
        (v128.load64_zero (i32.add (local.get $p) (i32.const 24))))))
  ;; With a memarg offset: left as two instructions.
  (func (export "offset") (param $p i32) (param $z v128)
    (v128.store offset=64 (i32.const 0)
      (i8x16.shuffle ${U16} (local.get $z)
        (v128.load offset=1 (i32.add (local.get $p) (i32.const 15)))))))`;

/** The spec's `i8x16.shuffle` of `x` then `y` by `lanes`. */
function shuffle(x: readonly number[], y: readonly number[], lanes: string): number[] {
  return lanes.split(" ").map(Number).map((l) => (l < 16 ? x[l]! : y[l - 16]!));
}

/** The memory's first 64 bytes: `0x91 + 7i` (mod 256). */
const PATTERN = Uint8Array.from({ length: 64 }, (_, i) => (0x91 + 7 * i) & 0xff);

Deno.test("a v128 load then a widening shuffle of it is one instruction", () => {
  eachTier(MODULE, (t) => {
    assert.match(t.code("full"), /V128LoadAtShuffleZx s\d+, s1, s2, (-?\d+, ){4}12, s2, s0, 16\n/);
    assert.match(t.code("splat"), /V128Load32SplatAtShuffleZx s\d+, s1, s\d+, (-?\d+, ){4}8, /);
    assert.match(t.code("zero"), /V128Load64ZeroAtShuffleZx s\d+, s1, s\d+, (-?\d+, ){4}8, /);
    assert.doesNotMatch(t.code("offset"), /AtShuffleZx/);
    const mem = t.memory();
    const zeros = new Array(16).fill(0);
    const z = [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0];
    for (const [zBytes, zVal] of [[zeros, 0n], [z, (1n << 111n) | 3n]] as const) {
      mem.write(t.store, 0, PATTERN);
      const at = (o: number) => [...PATTERN.subarray(o, o + 16)];
      const out = () => [...mem.read(t.store, 64, 16)];
      const word = (
        o: number,
      ) => (PATTERN[o]! | (PATTERN[o + 1]! << 8) | (PATTERN[o + 2]! << 16) |
        (PATTERN[o + 3]! << 24));
      assert.equal(t.call("full", 0, zVal), word(16));
      assert.deepEqual(out(), shuffle(zBytes, at(16), U16), "full");
      t.call("splat", 0, zVal);
      const w = at(20).slice(0, 4);
      assert.deepEqual(out(), shuffle(zBytes, [...w, ...w, ...w, ...w], U32), "splat");
      t.call("zero", 0, zVal);
      assert.deepEqual(out(), shuffle(zBytes, [...at(24).slice(0, 8), ...zeros.slice(8)], U32));
      t.call("offset", 0, zVal);
      assert.deepEqual(out(), shuffle(zBytes, at(16), U16), "offset");
    }
  });
});

Deno.test("the fused load and shuffle trap where the load would, writing nothing", () => {
  eachTier(MODULE, (t) => {
    const mem = t.memory();
    const last = 65536;
    for (const [f, n, imm] of [["full", 16, 16], ["splat", 4, 20], ["zero", 8, 24]] as const) {
      // The last address in bounds loads; one past it traps before the shuffle writes.
      t.call(f, last - imm - n, 0n);
      mem.write(t.store, 64, new Uint8Array(16).fill(0x5a));
      assert.throws(() => t.call(f, last - imm - n + 1, 0n), /out of bounds memory access/, f);
      assert.throws(() => t.call(f, 0x7ffffff0, 0n), /out of bounds memory access/, f);
      assert.deepEqual([...mem.read(t.store, 64, 16)], new Array(16).fill(0x5a), f);
    }
  });
});

Deno.test("generated code spells the fused load and shuffle without the interpreter's helper", () => {
  const t = instantiate(MODULE);
  for (const f of ["full", "splat", "zero"]) {
    const generated = generateSource(t.engine.compile(t.entity(f)).code, {
      numResults: 0,
      structured: true,
    });
    assert.ok("source" in generated, f);
    assert.doesNotMatch(generated.source, /v128LoadShuffleZx|simdShuffleZx|v128Load\w*\(/, f);
  }
});
