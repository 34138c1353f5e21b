/**
 * The v128 operators with rows of their own since vec_bytes ran them through `V128Binary` and
 * `V128Unary` (`i8x16.gt_u`, `i32x4.min_u`, `i32x4.abs`, `i8x16.narrow_i16x8_u`,
 * `i16x8.narrow_i32x4_u`): the translator emits the rows, and they give what the host's
 * engine gives on lanes at and around every edge (0, 1, the sign bits, the saturation bounds),
 * also when the result overwrites an operand. In every tier, plain and under fuel.
 */
import assert from "node:assert/strict";
import { generateSource } from "../../src/engine/codegen.ts";
import { eachTier, instantiate, wat } from "./harness.ts";

const OPS = [
  ["i8x16.gt_u", "I8x16GtU"],
  ["i32x4.min_u", "I32x4MinU"],
  ["i8x16.narrow_i16x8_u", "I8x16NarrowI16x8U"],
  ["i16x8.narrow_i32x4_u", "I16x8NarrowI32x4U"],
] as const;

// Each function reads a (at 0) and b (at 16), writes op(a, b) to 32 and op(a, a) into a's
// local (the result over an operand) to 48; `abs` writes i32x4.abs(a) to 32.
const MODULE = `(module
  (memory (export "mem") 1)
  ${
  OPS.map(([op], i) => `
  (func (export "f${i}") (local $a v128)
    (local.set $a (v128.load (i32.const 0)))
    (v128.store (i32.const 32) (${op} (local.get $a) (v128.load (i32.const 16))))
    (local.set $a (${op} (local.get $a) (local.get $a)))
    (v128.store (i32.const 48) (local.get $a)))`).join("")
}
  (func (export "abs")
    (v128.store (i32.const 32) (i32x4.abs (v128.load (i32.const 0))))))`;

/** Words with lanes at the edges of every lane width. */
const WORDS = [
  0,
  1,
  -1,
  0x7f,
  0x80,
  0xff,
  0x100,
  0x7fff,
  0x8000,
  0xffff,
  0x10000,
  0x7fffffff,
  -0x80000000,
  -0x7fffffff,
  0x00ff7f80,
  0x80017ffe,
  0x12345678,
  -0x12345679,
];

Deno.test("the v128 rows of vec_bytes' operators give the host engine's results", () => {
  const bytes = wat(MODULE);
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>))
    .exports as Record<string, () => void> & { mem: WebAssembly.Memory };
  const want = new DataView(native.mem.buffer);
  eachTier(MODULE, (t) => {
    OPS.forEach(([, row], i) => assert.match(t.code(`f${i}`), new RegExp(`${row} s\\d+`)));
    assert.match(t.code("abs"), /I32x4Abs s\d+/);
    const data = t.memory().data(t.store);
    const got = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = WORDS.length;
    for (let round = 0; round < n * n; round += 3) {
      for (let w = 0; w < 8; w++) {
        const v = WORDS[(round + w * (Math.floor(round / n) + 1)) % n]!;
        got.setInt32(4 * w, v, true);
        want.setInt32(4 * w, v, true);
      }
      for (const name of [...OPS.map((_, i) => `f${i}`), "abs"]) {
        t.call(name);
        native[name]!();
        for (let w = 8; w < 16; w++) {
          if (name === "abs" && w >= 12) break;
          assert.equal(
            got.getInt32(4 * w, true),
            want.getInt32(4 * w, true),
            `${name} round ${round} word ${w}`,
          );
        }
      }
    }
  });
});

Deno.test("the code generator spells these rows on lane words, not through their helpers", () => {
  const t = instantiate(MODULE);
  for (const name of [...OPS.map((_, i) => `f${i}`), "abs"]) {
    const generated = generateSource(t.engine.compile(t.entity(name)).code, {
      numResults: 1,
      structured: true,
    });
    assert.ok("source" in generated, `${name}: not generated`);
    assert.doesNotMatch(generated.source, /\b(i8x16GtU|i32x4MinU|i32x4Abs|NarrowI\w+)\(/);
  }
});
