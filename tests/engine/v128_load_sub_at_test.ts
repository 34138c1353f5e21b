/**
 * The v128 loads other than `v128.load` (`v128.load64_zero`, `v128.load16x4_s`, splats, ...) at
 * an address computed as `local + constant` are one `V128LoadSubAt` (any other address: one
 * adding 0), or the row of its own that `v128.load64_zero` and `v128.load32_splat` have. Each case runs in the interpreter (fuel off and on) and in generated code, against
 * the same load kept unfused (through a local the address is written to), including the wrap
 * and the traps.
 */
import assert from "node:assert/strict";
import { Trap } from "../../mod.ts";
import { instantiate } from "./harness.ts";

const TIERS = [
  { executionTier: "interpreter" as const },
  { executionTier: "interpreter" as const, consumeFuel: true },
  { executionTier: "codegen" as const },
];

const LOADS = ["v128.load64_zero", "v128.load16x4_s", "v128.load8x8_u", "v128.load32_splat"];
/** The instructions of the loads with rows of their own, by `LOADS` index. */
const ROWS: (string | undefined)[] = [
  "V128Load64ZeroAt s\\d+,",
  undefined,
  undefined,
  "V128Load32SplatAt s\\d+,",
];

/** `name` loads at `p + 16 + offset=2`; `nameRef` the same through a local. */
const MODULE = `(module (memory (export "mem") 1)
  ${
  LOADS.map((op, i) => `
  (func (export "l${i}") (param i32)
    (v128.store (i32.const 1000)
      (${op} offset=2 (i32.add (local.get 0) (i32.const 16)))))
  (func (export "r${i}") (param i32) (local i32)
    (v128.store (i32.const 1000)
      (${op} offset=2 (local.tee 1 (i32.add (local.get 0) (i32.const 16))))))`).join("")
})`;

Deno.test("a v128 load of another kind at local + imm is one instruction", () => {
  for (const config of TIERS) {
    const t = instantiate(MODULE, { config });
    if (config.consumeFuel) t.store.setFuel(1_000_000_000n);
    const mem = t.memory();
    mem.write(t.store, 32, Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff));
    for (let i = 0; i < LOADS.length; i++) {
      // `v128.load32_splat` and `v128.load64_zero` have rows of their own.
      const row = ROWS[i] ?? `V128LoadSubAt s\\d+, ${LOADS[i]},`;
      assert.match(t.code(`l${i}`), new RegExp(`${row} s0, 16, \\+2\\n`));
      // Unfused (the address in local 1): the same instruction adding 0.
      assert.match(t.code(`r${i}`), new RegExp(`${row} s1, 0, \\+2\\n`));
      // In bounds, and -16 + 16 wrapping to 0 as i32.add does.
      for (const p of [40, 100, -16]) {
        t.call(`l${i}`, p);
        const fused = [...mem.read(t.store, 1000, 16)];
        mem.write(t.store, 1000, new Uint8Array(16));
        t.call(`r${i}`, p);
        assert.deepEqual(fused, [...mem.read(t.store, 1000, 16)], `${LOADS[i]} at ${p}`);
      }
      // Past the end, and a sum past 2^31 (unsigned): out of bounds, as unfused.
      for (const p of [65536 - 18, 0x7ffffff0]) {
        for (const f of [`l${i}`, `r${i}`]) {
          assert.throws(() => t.call(f, p), (e) => e instanceof Trap, `${f} at ${p}`);
        }
      }
    }
  }
});
