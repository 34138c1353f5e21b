/**
 * `F32MulLoad2Add`: `f32.add(f32.mul(load, load), c)` of two f32 loads without memarg offsets
 * (a scalar dot product's term), and `F32MulImmLoad`: `f32.mul` of an f32 just loaded by a
 * constant (saxpy's `a * x[i]`), as the translator fuses them; `F32MaxMinImm`, a clamp by two
 * constants. Each gives, bit for bit, what the
 * unfused operators give (values through locals), on NaN payloads, signed zeros, infinities,
 * subnormals and rounding; traps as either load would; and is not fused where a loaded value
 * is also used elsewhere or a load has a memarg offset. In every tier, plain and under fuel.
 */
import assert from "node:assert/strict";
import { generateSource } from "../../src/engine/codegen.ts";
import { eachTier, F32_EDGE_BITS, instantiate } from "./harness.ts";

const MODULE = `(module
  (memory (export "mem") 1)
  ;; x at $b + 16, y at $c + 48 (the same base: $c = $b), acc at 80; results from 128 (fused)
  ;; and from 160 (unfused).
  (func (export "fused") (param $b i32) (param $c i32)
    (local $acc f32)
    (local.set $acc (f32.load (i32.const 80)))
    (f32.store (i32.const 128)
      (f32.add (f32.mul (f32.load (i32.add (local.get $b) (i32.const 16)))
                        (f32.load (i32.add (local.get $c) (i32.const 48))))
               (local.get $acc)))
    ;; the same base for both, the first load at the base itself (an I32Load)
    (f32.store (i32.const 132)
      (f32.add (local.get $acc)
               (f32.mul (f32.load (local.get $b))
                        (f32.load (i32.add (local.get $b) (i32.const 48))))))
    (f32.store (i32.const 136)
      (f32.mul (f32.load (i32.add (local.get $b) (i32.const 16))) (f32.const 0.75)))
    (f32.store (i32.const 140) (f32.mul (f32.const -1.5) (f32.load (local.get $c)))))
  (func (export "unfused") (param $b i32) (param $c i32)
    (local $x f32) (local $y f32) (local $z f32) (local $w f32)
    (local.set $x (f32.load (i32.add (local.get $b) (i32.const 16))))
    (local.set $y (f32.load (i32.add (local.get $c) (i32.const 48))))
    (local.set $z (f32.load (local.get $b)))
    (local.set $w (f32.load (i32.add (local.get $b) (i32.const 48))))
    (f32.store (i32.const 160)
      (f32.add (f32.mul (local.get $x) (local.get $y)) (f32.load (i32.const 80))))
    (f32.store (i32.const 164)
      (f32.add (f32.load (i32.const 80)) (f32.mul (local.get $z) (local.get $w))))
    (f32.store (i32.const 168) (f32.mul (local.get $x) (f32.const 0.75)))
    (local.set $z (f32.load (local.get $c)))
    (f32.store (i32.const 172) (f32.mul (f32.const -1.5) (local.get $z))))
  (func (export "dot") (param $b i32) (param $c i32) (result f32)
    (f32.add (f32.mul (f32.load (i32.add (local.get $b) (i32.const 16)))
                      (f32.load (i32.add (local.get $c) (i32.const 48))))
             (f32.const 1)))
  ;; A clamp: fused (F32MaxMinImm) and through a local (not fused), of x and of y.
  (func (export "clamp") (param $x f32) (result f32 f32)
    (local $m f32)
    (f32.min (f32.max (local.get $x) (f32.const -0.5)) (f32.const 0.5))
    (f32.min (local.tee $m (f32.max (local.get $x) (f32.const -0.5))) (f32.const 0.5)))
  ;; Clamps of f32s loaded from memory and stored (clang's clamp loop): the words at 256 up to
  ;; 256 + $n by both bounds (F32MaxMinImm) to 512, by the lower (F32MaxImm) to 768, by the
  ;; upper (F32MinImm) to 1024.
  (func (export "clampMem") (param $n i32)
    (local $i i32)
    (loop $l
      (f32.store (i32.add (local.get $i) (i32.const 512))
        (f32.min (f32.max (f32.load (i32.add (local.get $i) (i32.const 256))) (f32.const -0.5))
                 (f32.const 0.5)))
      (f32.store (i32.add (local.get $i) (i32.const 768))
        (f32.max (f32.load (i32.add (local.get $i) (i32.const 256))) (f32.const -0.5)))
      (f32.store (i32.add (local.get $i) (i32.const 1024))
        (f32.min (f32.load (i32.add (local.get $i) (i32.const 256))) (f32.const 0.5)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $n)))))
  ;; Not fused: a memarg offset; a loaded value also kept in a local.
  (func (export "kept") (param $b i32) (result f32)
    (local $x f32)
    (f32.add
      (f32.add (f32.mul (f32.load offset=16 (local.get $b)) (f32.load (local.get $b)))
               (f32.mul (local.tee $x (f32.load (local.get $b))) (f32.load (local.get $b))))
      (f32.add (f32.mul (f32.load offset=4 (local.get $b)) (f32.const 2))
               (local.get $x))))
)`;

/** Bit patterns: NaNs with payloads, zeros, infinities, subnormals, ordinary values. */
const VALUES = F32_EDGE_BITS;

Deno.test("F32MulLoad2Add and F32MulImmLoad compute the unfused operators bit for bit", () => {
  eachTier(MODULE, (t) => {
    const code = t.code("fused");
    assert.match(code, /F32MulLoad2Add s\d+, s0, 16, s1, 48, s2\n/);
    assert.match(code, /F32MulLoad2Add s\d+, s0, 0, s0, 48, s2\n/);
    assert.match(code, /F32MulImmLoad s\d+, s0, 16, 1061158912\n/);
    assert.match(code, /F32MulImmLoad s\d+, s1, 0, -1077936128\n/);
    const kept = t.code("kept");
    assert.doesNotMatch(kept, /F32MulLoad2Add|F32MulImmLoad/);
    const data = t.memory().data(t.store);
    const mem = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = VALUES.length;
    for (let round = 0; round < n * n * n; round += 7) {
      mem.setUint32(0, VALUES[(round + 5) % n]!, true);
      mem.setUint32(16, VALUES[round % n]!, true);
      mem.setUint32(48, VALUES[Math.floor(round / n) % n]!, true);
      mem.setUint32(80, VALUES[Math.floor(round / (n * n))]!, true);
      t.call("fused", 0, 0);
      t.call("unfused", 0, 0);
      for (let i = 0; i < 4; i++) {
        const got = mem.getUint32(128 + 4 * i, true), want = mem.getUint32(160 + 4 * i, true);
        // Of two NaN operands either may propagate (the spec allows any arithmetic NaN, and
        // V8 may commute a product's operands): a NaN result need only be an arithmetic NaN.
        if ((want & 0x7fc00000) === 0x7fc00000) {
          assert.equal(got & 0x7fc00000, 0x7fc00000, `round ${round} word ${i}: ${got}`);
        } else {
          assert.equal(got, want, `round ${round} word ${i}`);
        }
      }
    }
    mem.setFloat32(0, 3, true);
    mem.setFloat32(4, 5, true);
    mem.setFloat32(16, 7, true);
    assert.equal(t.call("kept", 0), 7 * 3 + 3 * 3 + 5 * 2 + 3);
  });
});

Deno.test("F32MaxMinImm clamps as F32MaxImm then F32MinImm do", () => {
  eachTier(MODULE, (t) => {
    assert.match(t.code("clamp"), /F32MaxMinImm s\d+, s0, -1090519040, 1056964608\n/);
    assert.match(t.code("clamp"), /F32MaxImm s1, s0, -1090519040\n/);
    const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
    for (const v of VALUES) {
      bits[0] = v;
      const [fused, unfused] = t.call("clamp", f[0]!) as number[];
      if (Number.isNaN(unfused)) assert.ok(Number.isNaN(fused), `${v}`);
      else assert.ok(Object.is(fused, unfused), `${v}: ${fused} ${unfused}`);
    }
    assert.ok(Object.is((t.call("clamp", -0) as number[])[0], -0));
    assert.equal((t.call("clamp", 7) as number[])[0], 0.5);
    assert.equal((t.call("clamp", -7) as number[])[0], -0.5);
  });
});

Deno.test("clamps of f32s from memory store the bits the unfused operators give", () => {
  const f = new Float32Array(1), bits = new Uint32Array(f.buffer);
  /** `x` (bits) clamped by `lo` and `hi` as Wasm's `f32.max` and `f32.min`: a canonical NaN. */
  const clamp = (x: number, lo: number, hi: number) => {
    bits[0] = x;
    if (Number.isNaN(f[0]!)) return 0x7fc00000;
    f[0] = Math.min(Math.max(f[0]!, lo), hi);
    return bits[0]!;
  };
  eachTier(MODULE, (t) => {
    const code = t.code("clampMem");
    for (const row of ["F32MaxMinImm", "F32MaxImm", "F32MinImm"]) {
      assert.match(code, new RegExp(`${row} s\\d+`));
    }
    const data = t.memory().data(t.store);
    const mem = new DataView(data.buffer, data.byteOffset, data.byteLength);
    VALUES.forEach((v, i) => mem.setUint32(256 + 4 * i, v, true));
    for (let call = 0; call < 3; call++) {
      t.call("clampMem", 4 * VALUES.length);
      VALUES.forEach((v, i) => {
        assert.equal(mem.getUint32(512 + 4 * i, true), clamp(v, -0.5, 0.5), `${v} both`);
        assert.equal(mem.getUint32(768 + 4 * i, true), clamp(v, -0.5, Infinity), `${v} max`);
        assert.equal(mem.getUint32(1024 + 4 * i, true), clamp(v, -Infinity, 0.5), `${v} min`);
      });
    }
  });
  // In the generated code each value lives in a local from its load to its store: the clamps
  // write their result once (reading it back after writing kept it in the frame).
  const t = instantiate(MODULE);
  const generated = generateSource(t.engine.compile(t.entity("clampMem")).code, {
    numResults: 0,
    structured: true,
  });
  assert.ok("source" in generated);
  assert.doesNotMatch(generated.source, /f32\[\(fp/);
  assert.match(generated.source, /mview\.setFloat32\(/);
});

Deno.test("F32MulLoad2Add and F32MulImmLoad trap as their loads would", () => {
  eachTier(MODULE, (t) => {
    // Out of bounds: the first load (past the end, or wrapped below 0), the second alone.
    for (const [b, c] of [[65536 - 16, 0], [-20, 0], [0, 65536 - 48], [0, -52], [65532, 0]]) {
      assert.throws(() => t.call("fused", b, c), /out of bounds memory access/, `${b} ${c}`);
      assert.throws(() => t.call("unfused", b, c), /out of bounds memory access/, `${b} ${c}`);
    }
    t.call("fused", 65536 - 52, 65536 - 52);
    assert.throws(() => t.call("dot", 65536 - 19, 0), /out of bounds memory access/);
    assert.throws(() => t.call("dot", 0, 65536 - 51), /out of bounds memory access/);
    const data = t.memory().data(t.store);
    const mem = new DataView(data.buffer, data.byteOffset, data.byteLength);
    mem.setFloat32(0, 3, true);
    mem.setFloat32(65532, 5, true);
    assert.equal(t.call("dot", -16, -48), 10); // base + imm wraps to 0
    assert.equal(t.call("dot", 65536 - 20, 65536 - 52), 26);
  });
});

Deno.test("the code generator spells the fused f32 rows inline, not through their helpers", () => {
  const t = instantiate(MODULE);
  for (const name of ["fused", "clamp"]) {
    const generated = generateSource(t.engine.compile(t.entity(name)).code, {
      numResults: 1,
      structured: true,
    });
    assert.ok("source" in generated, `${name}: not generated`);
    assert.doesNotMatch(generated.source, /f32MulLoad2Add\(|f32MulImmLoad\(|const d = /);
  }
  // What they compute in that spelling: the tests above, in the codegen tier.
});
