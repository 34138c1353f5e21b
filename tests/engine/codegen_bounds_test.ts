/**
 * The bounds checks of memory accesses in the jit style's generated code (`jitBounds` in
 * codegen.ts): `x + k > memLen` spelled `x > memLen - k` where that is the whole test, and the
 * same traps and values as the interpreter at every width, at and around the memory's end,
 * before and after `memory.grow`.
 */

import assert from "node:assert/strict";
import { jitBounds } from "../../src/engine/codegen.ts";
import { Trap, TrapCode } from "../../mod.ts";
import { directSource, instantiate, type TestInstance } from "./harness.ts";

Deno.test("codegen bounds: a check that is a whole operand is rewritten, nothing else", () => {
  const trap = " throw trap(TrapCode.MemoryOutOfBounds);";
  assert.equal(jitBounds(`if (ea + 8 > memLen)${trap}`), `if (ea > memLen - 8)${trap}`);
  assert.equal(jitBounds(`if ($ea + 16 > memLen)${trap}`), `if ($ea > memLen - 16)${trap}`);
  assert.equal(
    jitBounds("if ($s + 1 > memLen || $d + 1 > memLen) throw trap(1);"),
    "if ($s > memLen - 1 || $d > memLen - 1) throw trap(1);",
  );
  assert.equal(
    jitBounds("if ($ea + 16 > memLen || $eb + 16 > memLen) throw trap(1);"),
    "if ($ea > memLen - 16 || $eb > memLen - 16) throw trap(1);",
  );
  assert.equal(jitBounds("if (a && v + 4 > memLen) x();"), "if (a && v > memLen - 4) x();");
  // An operand of a tighter operator on either side, or another right-hand side, stays.
  for (
    const js of [
      "if (y * ea + 4 > memLen) x();",
      "if (y - ea + 4 > memLen) x();",
      "if (ea + 4 > memLen * 2) x();",
      "if (ea + 4 > memLen + 1) x();",
      "if (ea + 4 > memLength) x();",
      "if (ea + k > memLen) x();",
      "if (s32[ea] + 4 > memLen) x();",
    ]
  ) {
    assert.equal(jitBounds(js), js);
  }
});

/** Loads and stores of every width at an address, in a loop (the structured body). */
const TEXT = `(module
  (memory (export "mem") 1 3)
  (func (export "load") (param $a i32) (param $w i32) (result i64)
    (local $n i32) (local $s i64)
    (loop $l
      (local.set $s (i64.add (local.get $s)
        (if (result i64) (i32.eq (local.get $w) (i32.const 1))
          (then (i64.load8_u (local.get $a)))
          (else (if (result i64) (i32.eq (local.get $w) (i32.const 2))
            (then (i64.load16_u (local.get $a)))
            (else (if (result i64) (i32.eq (local.get $w) (i32.const 4))
              (then (i64.extend_i32_u (i32.load (local.get $a))))
              (else (i64.load offset=0 (local.get $a))))))))))
      (br_if $l (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 3))))
    (local.get $s))
  (func (export "store") (param $a i32) (param $w i32)
    (local $n i32)
    (loop $l
      (if (i32.eq (local.get $w) (i32.const 1))
        (then (i64.store8 (local.get $a) (i64.const 0x1122334455667788)))
        (else (if (i32.eq (local.get $w) (i32.const 2))
          (then (i64.store16 (local.get $a) (i64.const 0x1122334455667788)))
          (else (if (i32.eq (local.get $w) (i32.const 4))
            (then (i32.store (local.get $a) (i32.const 0x55667788)))
            (else (i64.store (local.get $a) (i64.const 0x1122334455667788))))))))
      (br_if $l (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 3)))))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))`;

/** What each access does on `t`: its result or trap code, with the memory's bytes after it. */
function run(t: TestInstance, what: "load" | "store", a: number, w: number): unknown {
  let result: unknown;
  try {
    result = t.call(what, a, w);
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    result = e.code;
  }
  const bytes = t.memory().data(t.store);
  let sum = 0;
  for (let i = bytes.length - 32; i < bytes.length; i++) sum = (sum * 31 + bytes[i]!) | 0;
  return [result, bytes.length, sum];
}

Deno.test("codegen bounds: every width traps past the end and not before, as the interpreter", () => {
  const tiers = [
    instantiate(TEXT, { config: { executionTier: "interpreter" } }),
    instantiate(TEXT, { config: { executionTier: "codegen", codegenStyle: "jit" } }),
    instantiate(TEXT, { config: { executionTier: "codegen", codegenStyle: "lean" } }),
  ];
  let traps = 0, cases = 0;
  for (let pages = 1; pages <= 3; pages++) {
    const end = pages * 65536;
    for (const w of [1, 2, 4, 8]) {
      const addresses = [0, end - 2 * w, end - w - 1, end - w, end - w + 1, end - 1, end, end + 1];
      addresses.push(-1, -w, 0x7fffffff, -0x80000000);
      for (const a of addresses) {
        for (const what of ["store", "load"] as const) {
          const [want, ...others] = tiers.map((t) => run(t, what, a, w));
          for (const got of others) assert.deepEqual(got, want, `${what} ${w} at ${a}, ${pages}`);
          const trapped = (want as unknown[])[0] === TrapCode.MemoryOutOfBounds;
          assert.equal(trapped, (a >>> 0) + w > end, `${what} ${w} at ${a}, ${pages}`);
          if (trapped) traps++;
          cases++;
        }
      }
    }
    for (const t of tiers) assert.equal(t.call("grow"), pages < 3 ? pages : -1);
  }
  // Past the end: from end - w + 1 (end - 1 is in bounds for a byte), and the negative addresses.
  assert.equal(traps, 3 * 2 * (7 + 8 * 3));
  assert.equal(cases, 3 * 4 * 2 * 12);
  const jit = tiers[1]!.engine.codegenStats();
  assert.ok(jit.generated >= 2 && jit.interpreted === 0, JSON.stringify(jit));
});

Deno.test("codegen bounds: jitBounds spells f32 immediates as numbers, a NaN's bits kept", () => {
  const js = "IMM_WORDS[0] = 1061158912;\n$f8 = Math.fround($f8 * IMM_F32[0]);\n";
  assert.equal(jitBounds(js), "$f8 = Math.fround($f8 * 0.75);\n");
  const nan = "IMM_WORDS[0] = 2143289345;\n$f8 = Math.fround($f8 * IMM_F32[0]);\n";
  assert.equal(jitBounds(nan), nan);
  // Computed as the interpreter computes, the NaN payloads of the result included.
  const text = `(module
    (func (export "f") (param $x f32) (param $n i32) (result i32)
      (local $i i32) (local $acc f32)
      (loop $l
        (local.set $acc (f32.add (f32.mul (local.get $x) (f32.const 0.75))
          (f32.min (local.get $acc) (f32.const -0x1.8p-149))))
        (local.set $acc (f32.max (local.get $acc) (f32.const -0x1p+2)))
        (local.set $acc (f32.mul (local.get $acc) (f32.const nan:0x200001)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (local.get $n))))
      (i32.reinterpret_f32 (local.get $acc))))`;
  const tiers = [
    instantiate(text, { config: { executionTier: "interpreter" } }),
    instantiate(text, { config: { executionTier: "codegen", codegenStyle: "jit" } }),
  ];
  for (const x of [0, -0, 1.5, -3, Infinity, NaN]) {
    for (const n of [0, 1, 3]) {
      const [want, got] = tiers.map((t) => t.call("f", x, n));
      assert.equal(got, want, `${x} ${n}`);
    }
  }
  assert.equal(tiers[1]!.engine.codegenStats().interpreted, 0);
  const f = tiers[1]!.entity("f");
  const generated = directSource(tiers[1]!.engine.compile(f), f.instance.module);
  assert.ok("source" in generated);
  const source = jitBounds(generated.source);
  assert.match(source, / \* 0\.75\b/);
  assert.equal(source.match(/IMM_WORDS\[0\] = /g)?.length, 1, "the NaN's only");
});

Deno.test("codegen bounds: byte accesses run on the byte array, grown memory included", () => {
  // Signed and unsigned byte loads and byte stores in a loop that grows the memory mid-way (the
  // array read again with the view) and then touches the new page's last byte.
  const text = `(module
    (memory (export "mem") 1 4)
    (func (export "f") (param $n i32) (result i64)
      (local $i i32) (local $s i64) (local $a i32)
      (loop $l
        (local.set $a (i32.sub (i32.mul (memory.size) (i32.const 65536))
          (i32.add (local.get $i) (i32.const 1))))
        (i32.store8 (local.get $a) (i32.add (i32.mul (local.get $i) (i32.const 37)) (i32.const 200)))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_s (i32.load8_s (local.get $a)))))
        (local.set $s (i64.add (local.get $s) (i64.load8_u (local.get $a))))
        (local.set $s (i64.add (local.get $s) (i64.load8_s (local.get $i))))
        (i64.store8 (local.get $i) (i64.const -129))
        (if (i32.eq (local.get $i) (i32.const 5)) (then (drop (memory.grow (i32.const 1)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (local.get $n))))
      (i64.add (local.get $s) (i64.extend_i32_u (i32.load8_u
        (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))))))`;
  const tiers = [
    instantiate(text, { config: { executionTier: "interpreter" } }),
    instantiate(text, { config: { executionTier: "codegen", codegenStyle: "jit" } }),
    instantiate(text, { config: { executionTier: "codegen", codegenStyle: "lean" } }),
  ];
  for (const n of [1, 3, 8, 12]) {
    const [want, ...others] = tiers.map((t) => [t.call("f", n), [...t.memory().data(t.store)]]);
    for (const got of others) assert.deepEqual(got, want, `n ${n}`);
  }
  const jit = tiers[1]!;
  assert.equal(jit.engine.codegenStats().interpreted, 0);
  const f = jit.entity("f");
  const generated = directSource(jit.engine.compile(f), f.instance.module);
  assert.ok("source" in generated);
  assert.doesNotMatch(generated.source, /\bmview\.(?:get|set)U?[Ii]nt8\(/);
  assert.match(generated.source, /mu8\[[^\]]+\] = /);
  assert.match(generated.source, /\(mu8\[[^\]]+\] << 24 >> 24\)/);
  assert.match(generated.source, /\bmu8 = mem !== null \? mem\.u8 : null;/);
});
