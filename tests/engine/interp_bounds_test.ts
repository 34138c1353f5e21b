/**
 * Bounds checks of every load and store row at the last byte of memory: the interpreter spells
 * them `ea > memLen - k` (see `outOfBounds` in src/engine/isa.ts), which must trap exactly where
 * `ea + k > memLen` does, also when memory is smaller than the access (`memLen - k` negative),
 * for addresses near 2^32, and after memory grows inside the same run (by `memory.grow`, in a
 * called function, or from a host function). Each case runs in both tiers, fuel off and on.
 */
import assert from "node:assert/strict";
import type { Memory } from "../../mod.ts";
import { instantiate, type TestInstance } from "./harness.ts";

const TIERS = [
  { executionTier: "interpreter" as const },
  { executionTier: "interpreter" as const, consumeFuel: true },
  { executionTier: "codegen" as const },
];

const OOB = /out of bounds memory access/;

/** Loads and stores: name, value type, bytes accessed. */
const LOADS: [string, string, number][] = [
  ["i32.load", "i32", 4],
  ["i64.load", "i64", 8],
  ["f32.load", "f32", 4],
  ["f64.load", "f64", 8],
  ["i32.load8_s", "i32", 1],
  ["i32.load8_u", "i32", 1],
  ["i32.load16_s", "i32", 2],
  ["i32.load16_u", "i32", 2],
  ["i64.load8_s", "i64", 1],
  ["i64.load8_u", "i64", 1],
  ["i64.load16_s", "i64", 2],
  ["i64.load16_u", "i64", 2],
  ["i64.load32_s", "i64", 4],
  ["i64.load32_u", "i64", 4],
];
const STORES: [string, string, number][] = [
  ["i32.store", "i32", 4],
  ["i64.store", "i64", 8],
  ["f32.store", "f32", 4],
  ["f64.store", "f64", 8],
  ["i32.store8", "i32", 1],
  ["i32.store16", "i32", 2],
  ["i64.store8", "i64", 1],
  ["i64.store16", "i64", 2],
  ["i64.store32", "i64", 4],
];

/**
 * One function per access and addressing form, each taking the address in parameter 0: plain,
 * with `offset=3`, with `i32.add 3` (the `AddImm` / `At` rows), with `offset=0xffffffff`; stores
 * also of a constant (the `Imm` rows). `disp` is what the form adds to the address (null: every
 * address traps).
 */
interface Access {
  name: string;
  bytes: number;
  disp: number | null;
  /** Whether `disp` is added as `i32.add` does (wrapping), not as an offset. */
  wraps: boolean;
}

function accesses(): { text: string; list: Access[] } {
  const list: Access[] = [];
  const funcs: string[] = [];
  const forms: [string, string, number | null][] = [
    ["", "", 0],
    ["", "offset=3", 3],
    ["i32.const 3 i32.add", "", 3],
    ["", "offset=4294967295", null],
  ];
  LOADS.forEach(([op, , bytes]) => {
    forms.forEach(([pre, off, disp], i) => {
      const name = `${op}/${i}`;
      funcs.push(`(func (export "${name}") (param i32) local.get 0 ${pre} ${op} ${off} drop)`);
      list.push({ name, bytes, disp, wraps: pre !== "" });
    });
  });
  STORES.forEach(([op, t, bytes]) => {
    forms.forEach(([pre, off, disp], i) => {
      const name = `${op}/${i}`;
      funcs.push(
        `(func (export "${name}") (param i32) (local ${t}) local.get 0 ${pre} local.get 1 ${op} ${off})`,
      );
      list.push({ name, bytes, disp, wraps: pre !== "" });
      const imm = `${op}/${i}/imm`;
      funcs.push(
        `(func (export "${imm}") (param i32) local.get 0 ${pre} ${t}.const 7 ${op} ${off})`,
      );
      list.push({ name: imm, bytes, disp, wraps: pre !== "" });
    });
  });
  return { text: funcs.join("\n"), list };
}

function checkAll(t: TestInstance, memLen: number, list: Access[]): void {
  for (const { name, bytes, disp, wraps } of list) {
    const at = (addr: number) => t.call(name, addr | 0);
    if (disp === null) {
      assert.throws(() => at(0), OOB, name);
      assert.throws(() => at(0xffffffff), OOB, name);
      continue;
    }
    if (memLen >= bytes + disp) {
      at(memLen - bytes - disp);
      at(0);
    }
    assert.throws(() => at(memLen - bytes - disp + 1), OOB, `${name} at memLen - ${bytes} + 1`);
    assert.throws(() => at(memLen), OOB, name);
    // -1 + 3 wraps to 2 under i32.add; as an offset it is past 2^32.
    if (wraps && memLen >= bytes + disp) at(0xffffffff);
    else assert.throws(() => at(0xffffffff), OOB, name);
    assert.throws(() => at(0xffffffff - disp), OOB, name);
    assert.throws(() => at(0x80000000), OOB, name);
    // A trap leaves the store usable.
    if (memLen >= bytes + disp) at(memLen - bytes - disp);
  }
}

Deno.test("every load and store traps exactly past the last byte", () => {
  const { text, list } = accesses();
  for (const config of TIERS) {
    const t = instantiate(`(module (memory (export "mem") 1 3)\n${text})`, { config });
    if (config.consumeFuel) t.store.setFuel(1_000_000_000n);
    checkAll(t, 65536, list);
    // Grown from outside, between runs: the new end is the limit.
    t.memory().grow(t.store, 1);
    checkAll(t, 2 * 65536, list);
  }
});

Deno.test("a memory smaller than the access traps for every address", () => {
  const { text, list } = accesses();
  for (const config of TIERS) {
    const t = instantiate(`(module (memory (export "mem") 0 1)\n${text})`, { config });
    if (config.consumeFuel) t.store.setFuel(1_000_000_000n);
    checkAll(t, 0, list);
    t.memory().grow(t.store, 1);
    checkAll(t, 65536, list);
  }
});

/**
 * `$grow` grows memory by a page in the middle of a run; the function then reads up to the new
 * end (`end - 8` for every width) and `param` bytes past it. The old end traps before the grow.
 */
function growText(grow: string): string {
  return `(module
    (import "env" "grow" (func $host))
    (memory (export "mem") 1 4)
    (func $callee (drop (memory.grow (i32.const 1))))
    (func (export "before") (param i32) (result i32)
      (i32.load8_u (i32.add (i32.mul (memory.size) (i32.const 65536)) (local.get 0))))
    (func (export "run") (param i32) (result i32)
      (local $end i32)
      (local.set $end (i32.mul (memory.size) (i32.const 65536)))
      (drop (i64.load (i32.sub (local.get $end) (i32.const 8))))
      ${grow}
      (local.set $end (i32.add (local.get $end) (i32.const 65536)))
      (drop (i64.load (i32.sub (local.get $end) (i32.const 8))))
      (drop (f64.load offset=4 (i32.sub (local.get $end) (i32.const 12))))
      (i64.store (i32.sub (local.get $end) (i32.const 8)) (i64.const -1))
      (i32.store16 (i32.sub (local.get $end) (i32.const 2)) (i32.const 0x1234))
      (drop (i32.load (i32.sub (local.get $end) (i32.const 4))))
      (i32.add
        (i32.load8_u (i32.sub (local.get $end) (i32.const 1)))
        (i32.load16_u (i32.add (i32.sub (local.get $end) (i32.const 2)) (local.get 0))))))`;
}

for (
  const [what, grow] of [
    ["memory.grow", "(drop (memory.grow (i32.const 1)))"],
    ["a called function", "(call $callee)"],
    ["a host function", "(call $host)"],
  ]
) {
  Deno.test(`loads and stores reach the new end after ${what} grows memory in the same run`, () => {
    for (const config of TIERS) {
      let memory: Memory | null = null;
      let t: TestInstance | null = null;
      t = instantiate(growText(grow), {
        config,
        imports: { "env.grow": () => void memory!.grow(t!.store, 1) },
      });
      memory = t.memory();
      if (config.consumeFuel) t.store.setFuel(1_000_000_000n);
      assert.throws(() => t.call("before", 0), OOB);
      assert.equal(t.call("run", 0), 0x12 + 0x1234);
      assert.equal(memory.size(t.store), 2);
      assert.throws(() => t.call("before", 0), OOB);
      // One past the new end: the grow happened, the load after it traps.
      assert.throws(() => t.call("run", 1), OOB);
      assert.equal(memory.size(t.store), 3);
      assert.equal(t.call("run", 0), 0x12 + 0x1234);
    }
  });
}
