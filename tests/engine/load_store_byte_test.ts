/**
 * A byte load and the rounded sum stored from it in one instruction
 * (`I32Load8UAddAddImmShrUStore8At`): an `i32.store8` to `local + imm` of `(x + byte + k) >>> s`,
 * `byte` the `i32.load8_u` of `local + imm` just before; with `x = a + (b << k)` computed just
 * before the load, all three (`I32AddShlImmLoad8UAddImmShrUStore8At`, a [1 2 1] blur's step). Each case runs
 * in the interpreter (fuel off and on) and in generated code, against the same arithmetic in
 * JavaScript, with the loaded byte kept in its local, its local read before the load (no
 * fusion then), and the traps of either access.
 */
import assert from "node:assert/strict";
import { Trap } from "../../mod.ts";
import { eachTier } from "./harness.ts";

const MODULE = `(module (memory (export "mem") 1)
  ;; [q + 7] <- (a + [p + 3] + 2) >>> 2; returns the byte (kept in $c).
  (func (export "blur") (param $q i32) (param $p i32) (param $a i32) (result i32) (local $c i32)
    local.get $q i32.const 7 i32.add
    local.get $a
    local.get $p i32.const 3 i32.add i32.load8_u local.tee $c
    i32.add i32.const 2 i32.add i32.const 2 i32.shr_u
    i32.store8
    local.get $c)
  ;; The byte the first addend.
  (func (export "first") (param $q i32) (param $p i32) (param $a i32) (result i32) (local $c i32)
    local.get $q i32.const 7 i32.add
    local.get $p i32.const 3 i32.add i32.load8_u local.tee $c
    local.get $a
    i32.add i32.const 5 i32.add i32.const 1 i32.shr_u
    i32.store8
    local.get $c)
  ;; The other addend the old value of the local the byte goes to.
  (func (export "self") (param $q i32) (param $p i32) (param $c i32) (result i32)
    local.get $q i32.const 7 i32.add
    local.get $c
    local.get $p i32.const 3 i32.add i32.load8_u local.tee $c
    i32.add i32.const 2 i32.add i32.const 2 i32.shr_u
    i32.store8
    local.get $c)
  ;; The store's base the local the byte goes to (read before the byte replaces it).
  (func (export "base") (param $c i32) (param $p i32) (param $a i32) (result i32)
    local.get $c i32.const 7 i32.add
    local.get $a
    local.get $p i32.const 3 i32.add i32.load8_u local.tee $c
    i32.add i32.const 2 i32.add i32.const 2 i32.shr_u
    i32.store8
    local.get $c)
  ;; The whole [1 2 1] step: (a + (c << 1) + [p + 3] + 2) >>> 2, the old $c doubled and the
  ;; new byte in $c (I32AddShlImm, the load and the store in one).
  (func (export "step") (param $q i32) (param $p i32) (param $a i32) (param $c i32) (result i32)
    local.get $q i32.const 7 i32.add
    local.get $a local.get $c i32.const 1 i32.shl i32.add
    local.get $p i32.const 3 i32.add i32.load8_u local.tee $c
    i32.add i32.const 2 i32.add i32.const 2 i32.shr_u
    i32.store8
    local.get $c)
  ;; A load with an offset: left as two instructions.
  (func (export "offset") (param $q i32) (param $p i32) (param $a i32) (result i32) (local $c i32)
    local.get $q i32.const 7 i32.add
    local.get $a
    local.get $p i32.const 2 i32.add i32.load8_u offset=1 local.tee $c
    i32.add i32.const 2 i32.add i32.const 2 i32.shr_u
    i32.store8
    local.get $c))`;

const FUSED = /I32Load8UAddAddImmShrUStore8At /;

/** The memory's first 256 bytes: `0x80 + 3i` (mod 256). */
const PATTERN = Uint8Array.from({ length: 256 }, (_, i) => (0x80 + 3 * i) & 0xff);

Deno.test("a byte load, a rounded sum and its store8 are one instruction", () => {
  eachTier(MODULE, (t) => {
    assert.match(t.code("blur"), /I32Load8UAddAddImmShrUStore8At s0, 7, s2, 2, 2, s3, s1, 3\n/);
    assert.match(t.code("first"), /I32Load8UAddAddImmShrUStore8At s0, 7, s2, 5, 1, s3, s1, 3\n/);
    // Where the byte's local is read before the load, the translator loads into a temporary
    // and copies (the fusion does not apply); an offset keeps the two apart too.
    for (const f of ["self", "base", "offset"]) assert.doesNotMatch(t.code(f), FUSED, f);
    assert.match(
      t.code("step"),
      /I32AddShlImmLoad8UAddImmShrUStore8At s0, 7, s2, s3, 1, 2, 2, s3, s1, 3\n/,
    );
    const mem = t.memory();
    mem.write(t.store, 0, PATTERN);
    const byte = (at: number) => PATTERN[at]!;
    const stored = (at: number) => mem.read(t.store, at, 1)[0];
    for (const [q, p, a] of [[300, 10, 5], [400, 20, 0x3fe], [500, 30, -9], [600, 0, 0x7fffffff]]) {
      assert.equal(t.call("blur", q, p, a), byte(p + 3));
      assert.equal(stored(q + 7), ((a + byte(p + 3) + 2) >>> 2) & 0xff, `blur ${a}`);
      assert.equal(t.call("first", q + 1, p, a), byte(p + 3));
      assert.equal(stored(q + 8), ((byte(p + 3) + a + 5) >>> 1) & 0xff, `first ${a}`);
      assert.equal(t.call("self", q + 2, p, a), byte(p + 3));
      assert.equal(stored(q + 9), ((a + byte(p + 3) + 2) >>> 2) & 0xff, `self ${a}`);
      assert.equal(t.call("offset", q + 3, p, a), byte(p + 3));
      assert.equal(stored(q + 10), ((a + byte(p + 3) + 2) >>> 2) & 0xff, `offset ${a}`);
    }
    for (const [a, c] of [[1, 2], [0x7fffffff, 0x40000001], [-5, -0x80000000], [0, 0]]) {
      assert.equal(t.call("step", 600, 50, a, c), byte(53));
      const sum = (((a + ((c << 1) | 0)) | 0) + byte(53) + 2) | 0;
      assert.equal(stored(607), (sum >>> 2) & 0xff, `step ${a} ${c}`);
    }
    assert.equal(t.call("base", 700, 40, 9), byte(43));
    assert.equal(stored(707), (9 + byte(43) + 2) >>> 2);
    // The load's sum wraps as i32.add does: -3 + 3 = 0.
    assert.equal(t.call("blur", 800, -3, 1), byte(0));
    assert.equal(stored(807), (1 + byte(0) + 2) >>> 2);
  });
});

Deno.test("the fused byte load and store trap where either access would", () => {
  eachTier(MODULE, (t) => {
    const mem = t.memory();
    mem.write(t.store, 0, PATTERN);
    const last = 65536;
    for (const f of ["blur", "first", "self", "offset"]) {
      // The load out of bounds: nothing stored.
      mem.write(t.store, 907, Uint8Array.of(0x11));
      assert.throws(() => t.call(f, 900, last - 3, 1), /out of bounds memory access/, f);
      assert.deepEqual([...mem.read(t.store, 907, 1)], [0x11]);
      // Unsigned addresses: past 2^31 is out of bounds, never a negative offset.
      assert.throws(() => t.call(f, 900, 0x7ffffffd, 1), /out of bounds memory access/, f);
      assert.throws(() => t.call(f, 0x7ffffff9, 0, 1), /out of bounds memory access/, f);
      // The store out of bounds; the last byte in bounds on either side works.
      assert.throws(() => t.call(f, last - 7, 0, 1), (e) => e instanceof Trap, f);
      mem.write(t.store, last - 1, Uint8Array.of(0x40));
      t.call(f, last - 8, last - 4, 0);
      assert.equal(mem.read(t.store, last - 1, 1)[0], f === "first" ? (0x40 + 5) >>> 1 : 0x10);
    }
    // The whole step: the load, then the store, out of bounds.
    mem.write(t.store, 907, Uint8Array.of(0x11));
    assert.throws(() => t.call("step", 900, last - 3, 1, 1), /out of bounds memory access/);
    assert.deepEqual([...mem.read(t.store, 907, 1)], [0x11]);
    assert.throws(() => t.call("step", last - 7, 0, 1, 1), /out of bounds memory access/);
    mem.write(t.store, last - 1, Uint8Array.of(0x40));
    t.call("step", last - 8, last - 4, 4, 2);
    assert.equal(mem.read(t.store, last - 1, 1)[0], (4 + 4 + 0x40 + 2) >>> 2);
    // The store stays usable after a trap.
    assert.equal(t.call("blur", 1000, 10, 2), PATTERN[13]);
  });
});
