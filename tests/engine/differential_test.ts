/**
 * Differential tests of the Wasm 3.0 operators this engine added against the host's own
 * `WebAssembly` (V8 here), the reference in tests only: the same modules, the same random
 * inputs (seeded), the same results. Tail calls and atomics are deterministic everywhere;
 * relaxed SIMD is compared only on inputs where every lowering agrees (its choices on the others
 * are pinned by `tests/engine/relaxed_simd_test.ts`). A module the host cannot run makes its test
 * ignored (reported as such), never passed.
 */

import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { wat } from "../api/_wat.ts";

/** Mulberry32: a tiny seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// deno-lint-ignore no-explicit-any
type Fn = (...args: any[]) => any;

/** Both engines' exports of `bytes` (the host's instance is the reference). */
function both(bytes: Uint8Array, config: Config) {
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {});
  const engine = new Engine(config);
  const store = new Store(engine, null);
  const ours = new Linker(engine).instantiate(store, new Module(engine, bytes));
  return {
    native: (name: string) => native.exports[name] as Fn,
    ours: (name: string) => (...args: unknown[]) =>
      // deno-lint-ignore no-explicit-any
      ours.getTypedFunc<any[], any>(store, name).call(store, ...args),
  };
}

/** A test over `bytes`, ignored (reported as such, not passed) when the host cannot run them. */
function differential(name: string, bytes: Uint8Array, fn: () => void): void {
  Deno.test({ name, ignore: !WebAssembly.validate(bytes as BufferSource), fn });
}

const TAIL = wat(`(module
      (type $t (func (param i32 i64) (result i64)))
      (table funcref (elem $step $odd))
      (func $step (export "sum") (param $n i32) (param $acc i64) (result i64)
        (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
          (else (return_call_indirect (type $t)
            (i32.sub (local.get $n) (i32.const 1))
            (i64.add (local.get $acc) (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 2654435761)))
            (i32.and (local.get $n) (i32.const 1))))))
      (func $odd (param $n i32) (param $acc i64) (result i64)
        (return_call $step (local.get $n) (i64.rotl (local.get $acc) (i64.const 7)))))`);

differential("differential: tail-call chains agree with the host", TAIL, () => {
  const m = both(TAIL, new Config());
  const rand = prng(0x7a11);
  for (let i = 0; i < 200; i++) {
    const n = Math.floor(rand() * 5000);
    const acc = BigInt(Math.floor(rand() * 2 ** 52)) - 2n ** 51n;
    assert.equal(m.ours("sum")(n, acc), m.native("sum")(n, acc), `sum(${n}, ${acc})`);
  }
});

/** One export per atomic read-modify-write, cmpxchg and load, with its shape. */
function atomicsModule() {
  const rmw = ["add", "sub", "and", "or", "xor", "xchg"];
  const shapes: [string, string, string, number][] = [
    // type, width infix, suffix, bytes
    ["i32", "", "", 4],
    ["i64", "", "", 8],
    ["i32", "8", "_u", 1],
    ["i32", "16", "_u", 2],
    ["i64", "8", "_u", 1],
    ["i64", "16", "_u", 2],
    ["i64", "32", "_u", 4],
  ];
  const funcs: string[] = [];
  const names: { name: string; type: string; bytes: number; args: number }[] = [];
  for (const [t, w, u, bytes] of shapes) {
    for (const op of [...rmw, "cmpxchg"]) {
      const name = `${t}.atomic.rmw${w}.${op}${u}`;
      const args = op === "cmpxchg" ? 2 : 1;
      const params = Array(args).fill(t).join(" ");
      const gets = Array.from({ length: args }, (_, k) => `(local.get ${k + 1})`).join(" ");
      funcs.push(
        `(func (export "${name}") (param i32 ${params}) (result ${t}) (${name} (local.get 0) ${gets}))`,
      );
      names.push({ name, type: t, bytes, args });
    }
    const load = `${t}.atomic.load${w}${u}`;
    funcs.push(`(func (export "${load}") (param i32) (result ${t}) (${load} (local.get 0)))`);
    names.push({ name: load, type: t, bytes, args: 0 });
  }
  return { bytes: wat(`(module (memory 1 1 shared) ${funcs.join("\n")})`), names };
}

const ATOMICS = atomicsModule();

differential(
  "differential: atomic operators agree with the host on a shared memory",
  ATOMICS.bytes,
  () => {
    const m = both(ATOMICS.bytes, new Config({ wasmThreads: true }));
    const names = ATOMICS.names;
    const rand = prng(0xa70);
    const value = (type: string): number | bigint => {
      const pick = rand();
      const x = pick < 0.2 ? 0 : pick < 0.4 ? -1 : Math.floor(rand() * 2 ** 32) - 2 ** 31;
      return type === "i64" ? (BigInt(x) << 32n) ^ BigInt(Math.floor(rand() * 2 ** 32)) : x;
    };
    for (let i = 0; i < 3000; i++) {
      const f = names[Math.floor(rand() * names.length)]!;
      // Mostly aligned addresses near each other (so operations interact), some unaligned.
      const addr = rand() < 0.9 ? f.bytes * Math.floor(rand() * 8) : Math.floor(rand() * 64);
      const args = [addr, ...Array.from({ length: f.args }, () => value(f.type))];
      let expected: unknown, actual: unknown;
      try {
        expected = m.native(f.name)(...args);
      } catch (e) {
        expected = `trap: ${/unaligned/i.test((e as Error).message) ? "unaligned" : e}`;
      }
      try {
        actual = m.ours(f.name)(...args);
      } catch (e) {
        actual = `trap: ${/unaligned/i.test((e as Error).message) ? "unaligned" : e}`;
      }
      assert.deepEqual(actual, expected, `${f.name}(${args.join(", ")}) at step ${i}`);
    }
  },
);

const RELAXED = wat(`(module
      (func (export "swizzle") (param i64 i64 i64 i64) (result i64)
        (i64x2.extract_lane 0 (i8x16.relaxed_swizzle
          (i64x2.replace_lane 1 (i64x2.splat (local.get 0)) (local.get 1))
          (i64x2.replace_lane 1 (i64x2.splat (local.get 2)) (local.get 3)))))
      (func (export "madd") (param f64 f64 f64) (result f64)
        (f64x2.extract_lane 1 (f64x2.relaxed_madd
          (f64x2.splat (local.get 0)) (f64x2.splat (local.get 1)) (f64x2.splat (local.get 2)))))
      (func (export "dot") (param i64 i64 i32) (result i32)
        (i32x4.extract_lane 0 (i32x4.relaxed_dot_i8x16_i7x16_add_s
          (i64x2.splat (local.get 0)) (i64x2.splat (local.get 1)) (i32x4.splat (local.get 2)))))
      (func (export "trunc") (param f32) (result i32)
        (i32x4.extract_lane 3 (i32x4.relaxed_trunc_f32x4_s (f32x4.splat (local.get 0))))))`);

differential(
  "differential: relaxed SIMD agrees with the host where every lowering does",
  RELAXED,
  () => {
    const m = both(RELAXED, new Config());
    const rand = prng(0x5e1a);
    const bytes = (keep: (b: number) => number) => {
      let x = 0n;
      for (let k = 0; k < 8; k++) x = (x << 8n) | BigInt(keep(Math.floor(rand() * 256)));
      return BigInt.asIntN(64, x);
    };
    for (let i = 0; i < 500; i++) {
      // Swizzle indices below 16 or with the top bit set: every lowering selects the same.
      const idx = () => bytes((b) => (b & 0x80 ? b : b & 15));
      const args = [bytes((b) => b), bytes((b) => b), idx(), idx()];
      assert.equal(m.ours("swizzle")(...args), m.native("swizzle")(...args), `swizzle ${args}`);
      // Small integers: the product is exact, fused or not.
      const f = [0, 0, 0].map(() => Math.floor(rand() * 2 ** 20) - 2 ** 19);
      assert.equal(m.ours("madd")(...f), m.native("madd")(...f), `madd ${f}`);
      // The second operand within 0..127: signed or unsigned, the same.
      const d = [bytes((b) => b), bytes((b) => b & 0x7f), Math.floor(rand() * 2 ** 32) | 0];
      assert.equal(m.ours("dot")(...d), m.native("dot")(...d), `dot ${d}`);
      const x = Math.fround((rand() - 0.5) * 2 ** 32);
      assert.equal(m.ours("trunc")(x), m.native("trunc")(x), `trunc ${x}`);
    }
  },
);
