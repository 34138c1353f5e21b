/**
 * `local.get x; i32.const m; i32.and` emits nothing when `m`'s low byte is all ones and local
 * `x` provably holds a byte there (`#byteLocal` in translator.ts: its last straight-line write
 * was an `i32.load8_u`, an `i32.const` or an `and` of a constant in [0, 255], or it held one on
 * entering the loop and every write of it in the loop is one). Each case runs in the
 * interpreter (fuel off and on) and in generated code, against the same function whose local
 * is not provably a byte (a wider value written on entry or in the loop), where the `and` stays.
 */
import assert from "node:assert/strict";
import { eachTier as each } from "./harness.ts";

const MODULE = `(module (memory (export "mem") 1)
  ;; A sliding byte window, as clang writes the [1 2 1] filter: the bytes re-masked.
  (func (export "slide") (param i32 i32) (result i32) (local i32 i32 i32)
    local.get 0 i32.load8_u local.set 2
    i32.const 0 local.set 4
    loop $l
      local.get 4
      local.get 2 i32.const 0x1ff i32.and
      local.get 3 i32.const 255 i32.and local.tee 3
      i32.add i32.add local.set 4
      local.get 0 i32.const 1 i32.add local.tee 0 i32.load8_u local.set 3
      local.get 3 i32.const 7 i32.and local.set 2
      local.get 1 i32.const 1 i32.sub local.tee 1
      br_if $l
    end
    local.get 4)
  ;; The same, with one write of a wider value to each byte local: both ands stay.
  (func (export "slideRef") (param i32 i32) (result i32) (local i32 i32 i32)
    local.get 0 i32.load8_u local.set 2
    i32.const 0 local.set 4
    loop $l
      local.get 4
      local.get 2 i32.const 0x1ff i32.and
      local.get 3 i32.const 255 i32.and local.tee 3
      i32.add i32.add local.set 4
      local.get 0 i32.const 1 i32.add local.tee 0 i32.load16_u local.set 3
      local.get 3 i32.const 256 i32.and local.set 2
      local.get 1 i32.const 1 i32.sub local.tee 1
      br_if $l
    end
    local.get 4)
  ;; Local 2 holds other values before and after the loop, bytes throughout it: the and in
  ;; the loop goes, the one after it stays. In "reuseRef" the loop's entry value is not a byte.
  (func (export "reuse") (param i32 i32) (result i32) (local i32 i32)
    local.get 1 i32.const 1000 i32.add local.set 2
    local.get 2 i32.const 255 i32.and local.set 3
    local.get 0 i32.load8_u local.set 2
    loop $l
      local.get 3 local.get 2 i32.const 255 i32.and i32.add local.set 3
      local.get 0 i32.const 1 i32.add local.tee 0 i32.load8_u local.set 2
      local.get 1 i32.const 1 i32.sub local.tee 1
      br_if $l
    end
    local.get 3 local.get 2 i32.const 3 i32.mul local.tee 2 i32.const 255 i32.and i32.add)
  (func (export "reuseRef") (param i32 i32) (result i32) (local i32 i32)
    local.get 1 i32.const 1000 i32.add local.set 2
    local.get 2 i32.const 255 i32.and local.set 3
    local.get 0 i32.load8_u i32.const 1 i32.shl local.set 2
    loop $l
      local.get 3 local.get 2 i32.const 255 i32.and i32.add local.set 3
      local.get 0 i32.const 1 i32.add local.tee 0 i32.load8_u local.set 2
      local.get 1 i32.const 1 i32.sub local.tee 1
      br_if $l
    end
    local.get 3 local.get 2 i32.const 3 i32.mul local.tee 2 i32.const 255 i32.and i32.add)
  ;; A write of a wider value in an if inside the loop: the and stays.
  (func (export "branchy") (param i32 i32) (result i32) (local i32 i32)
    local.get 0 i32.load8_u local.set 2
    loop $l
      local.get 3 local.get 2 i32.const 255 i32.and i32.add local.set 3
      local.get 0 i32.const 1 i32.add local.tee 0 i32.load8_u local.set 2
      (if (i32.eq (local.get 1) (i32.const 3)) (then (local.set 2 (i32.const 700))))
      local.get 1 i32.const 1 i32.sub local.tee 1
      br_if $l
    end
    local.get 3)
  ;; A parameter is not known to be a byte; a mask without the whole low byte stays.
  (func (export "param") (param i32) (result i32) (local i32)
    local.get 0 i32.load8_u local.set 1
    local.get 0 i32.const 255 i32.and local.get 1 i32.const 127 i32.and i32.add))`;

Deno.test("an and of 255 of a local that always holds a byte emits nothing", () => {
  each(MODULE, (t) => {
    const slide = t.code("slide");
    assert.doesNotMatch(slide, /I32AndImm s\d+, s2, 511\n/);
    assert.doesNotMatch(slide, /I32AndImm s\d+, s3, 255\n/);
    assert.match(slide, /I32AndImm s2, s3, 7\n/);
    const ref = t.code("slideRef");
    assert.match(ref, /I32AndImm s\d+, s2, 511\n/);
    assert.match(ref, /I32AndImm s\d+, s3, 255\n/);
    assert.match(t.code("param"), /I32AndImm s\d+, s0, 255\n/);
    assert.match(t.code("param"), /I32AndImm s\d+, s1, 127\n/);
    const bytes = Uint8Array.of(255, 0, 128, 7, 254, 1, 200, 99, 255, 255);
    t.memory().write(t.store, 100, bytes);
    for (let n = 1; n < bytes.length; n++) {
      let sum = 0, a = bytes[0]!, b = 0;
      for (let i = 1; i <= n; i++) {
        sum = (sum + a + b) | 0;
        b = bytes[i]!;
        a = b & 7;
      }
      assert.equal(t.call("slide", 100, n), sum, `slide ${n}`);
    }
    assert.equal(
      t.call("param", 0x1234),
      (0x1234 & 255) + (t.memory().read(t.store, 0x1234, 1)[0]! & 127),
    );
  });
});
