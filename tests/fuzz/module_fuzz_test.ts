/**
 * Mutation fuzzer: thousands of mutated copies of valid modules (hand-written ones, and random
 * ones from binaryen's `-ttf`) must each be accepted or rejected with `DecodeError` /
 * `ValidationError`, never anything else, each within a time bound. Mutations: byte and bit
 * flips, insertions, deletions, truncation, over-long LEB128s, and forged section sizes, vector
 * counts, function body sizes and local counts. Modules are compiled both lazily (the default)
 * and eagerly, so function bodies are validated and translated too. A mutant that wasmi-ts
 * accepts must be one V8 accepts (checked with eager compilation).
 *
 * Seeded, so a failure names a reproducible case. `FUZZ_MUTANTS` scales the number of mutants
 * per seed (default 1).
 */
import assert from "node:assert/strict";
import { Config, DecodeError, Engine, Module, ValidationError } from "../../mod.ts";
import { seededBytes, uniform } from "../_lib/prng.ts";
import { wat } from "../_lib/wabt.ts";
import { generateModule } from "./_binaryen.ts";
import { mutate } from "./_mutate.ts";

const SCALE = Number(Deno.env.get("FUZZ_MUTANTS") ?? 1);
/** A decode + validation + translation taking longer than this fails the test. */
const TIME_BOUND_MS = 500;

const SEEDS: Record<string, string> = {
  arith: `(module
    (func (export "f") (param i32 i64 f32 f64) (result i64)
      local.get 0 i64.extend_i32_s local.get 1 i64.mul
      local.get 2 f64.promote_f32 local.get 3 f64.add i64.trunc_sat_f64_s i64.add))`,
  control: `(module
    (func $g (param i32) (result i32 i32) local.get 0 local.get 0)
    (func (export "f") (param i32) (result i32)
      (block $out (result i32)
        (loop $top
          (br_if $top (i32.eqz (local.get 0)))
          (drop (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
          (br_table $top $top (local.get 0)))
        (i32.const 3))
      call $g i32.add))`,
  memory: `(module
    (memory (export "m") 1 2)
    (data (i32.const 16) "hello world")
    (data $p "passive")
    (func (export "f") (param i32) (result i32)
      (memory.init $p (i32.const 0) (i32.const 0) (i32.const 3))
      (memory.copy (i32.const 100) (i32.const 16) (i32.const 5))
      (memory.fill (i32.const 200) (i32.const 7) (i32.const 9))
      (i32.store8 offset=3 (local.get 0) (i32.load16_u align=1 (local.get 0)))
      (drop (memory.grow (i32.const 1)))
      memory.size))`,
  tables: `(module
    (type $t (func (result i32)))
    (table $a 4 funcref)
    (table $b 2 externref)
    (func $one (result i32) i32.const 1)
    (func $two (result i32) i32.const 2)
    (elem (table $a) (i32.const 0) func $one $two)
    (elem $e funcref (ref.func $one) (ref.null func))
    (elem declare func $two)
    (func (export "f") (param i32 externref) (result i32)
      (table.set $b (i32.const 0) (local.get 1))
      (table.init $a $e (i32.const 2) (i32.const 0) (i32.const 2))
      (drop (table.grow $a (ref.func $two) (i32.const 1)))
      (call_indirect $a (type $t) (local.get 0))))`,
  globals: `(module
    (import "env" "g" (global $g i32))
    (import "env" "h" (func $h (param i32)))
    (global $m (mut i64) (i64.const -5))
    (global $f f64 (f64.const 1.5))
    (global $r funcref (ref.func $s))
    (func $s (call $h (global.get $g)) (global.set $m (i64.const 7)))
    (start $s)
    (export "m" (global $m)))`,
  simd: `(module
    (func (export "f") (param v128) (result i32)
      (i32x4.extract_lane 2
        (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
          (v128.const i32x4 1 2 3 4) (f32x4.add (local.get 0) (local.get 0))))))`,
  select: `(module
    (func (export "f") (param i32 f64 f64) (result f64)
      (select (local.get 1) (local.get 2) (local.get 0)))
    (func (param funcref funcref i32) (result funcref)
      (select (result funcref) (local.get 0) (local.get 1) (local.get 2))))`,
  tailCalls: `(module
    (type $t (func (param i64) (result i32)))
    (table funcref (elem $even $odd))
    (func $even (export "even") (param i64) (result i32)
      (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
        (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
    (func $odd (param i64) (result i32)
      (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
        (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1))
          (i32.const 0))))))`,
  relaxedSimd: `(module
    (func (export "f") (param v128 v128 v128) (result v128)
      (f32x4.relaxed_madd (local.get 0) (local.get 1)
        (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0)
          (i8x16.relaxed_swizzle (local.get 1) (local.get 2))
          (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2))))))`,
  atomics: `(module
    (memory 1 1 shared)
    (func (export "f") (param i32 i64) (result i64)
      (drop (i32.atomic.rmw8.cmpxchg_u offset=3 (local.get 0) (i32.const 1) (i32.const 2)))
      (drop (memory.atomic.notify (local.get 0) (i32.const 1)))
      (drop (memory.atomic.wait64 (local.get 0) (local.get 1) (i64.const 0)))
      (atomic.fence)
      (i64.atomic.store32 (local.get 0) (local.get 1))
      (i64.atomic.rmw.add (local.get 0) (i64.atomic.load (local.get 0)))))`,
  memory64: `(module
    (memory $m i64 1 2)
    (table $t i64 2 funcref)
    (data (memory $m) (i64.const 16) "hi")
    (func (export "f") (param i64) (result i64)
      (i64.store offset=8 (local.get 0) (i64.load32_u offset=4294967296 (local.get 0)))
      (memory.fill (i64.const 0) (i32.const 1) (i64.const 2))
      (drop (table.grow $t (ref.null func) (i64.const 1)))
      (drop (v128.load8_lane 3 (local.get 0) (v128.const i64x2 0 0)))
      (i64.add (memory.grow (i64.const 1)) (table.size $t))))`,
  multiMemory: `(module
    (memory $a 1)
    (memory $b 1)
    (data $d "xyz")
    (func (export "f") (param i32) (result i32)
      (i32.store16 $b offset=2 (local.get 0) (i32.load8_s $a (local.get 0)))
      (memory.copy $a $b (i32.const 0) (i32.const 1) (i32.const 2))
      (memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 3))
      (v128.store $b (local.get 0) (v128.load $a (local.get 0)))
      (i32.add (memory.size $b) (memory.grow $a (i32.const 1)))))`,
};

/** Whether V8 rejects `bytes` only for one of its implementation limits (not a spec rule). */
function v8LimitOnly(bytes: Uint8Array): boolean {
  try {
    new WebAssembly.Module(bytes as BufferSource);
    return false;
  } catch (e) {
    return /limit|too many|exceeds|maximum/i.test((e as Error).message);
  }
}

Deno.test("mutated modules are accepted or rejected with DecodeError/ValidationError", async () => {
  // Threads on for the atomics seed; every other proposal is on by default or not seeded here.
  const lazy = new Engine(new Config({ wasmThreads: true }));
  const eager = new Engine(new Config({ compilationMode: "eager", wasmThreads: true }));
  const corpus = Object.entries(SEEDS).map(([name, text]) => {
    const bytes = wat(text, { filename: `${name}.wat`, proposals: true });
    new Module(eager, bytes); // every seed itself must be valid
    return { name, bytes, mutants: 600 };
  });
  for (let seed = 1; seed <= 6; seed++) {
    const bytes = await generateModule(seededBytes(seed, 600 + seed * 400));
    new Module(eager, bytes);
    corpus.push({ name: `binaryen-${seed}`, bytes, mutants: 250 });
  }
  const rand = uniform(0x5eed);
  let accepted = 0;
  let rejected = 0;
  let total = 0;
  const v8Disagrees: string[] = [];
  for (const { name, bytes, mutants } of corpus) {
    for (let i = 0; i < mutants * SCALE; i++) {
      const mutant = mutate(bytes, rand);
      total++;
      for (const [mode, engine] of [["lazy", lazy], ["eager", eager]] as const) {
        const started = performance.now();
        let ok = true;
        try {
          new Module(engine, mutant);
        } catch (e) {
          if (!(e instanceof DecodeError || e instanceof ValidationError)) {
            assert.fail(
              `${name} mutant ${i} (${mode}) threw ${e}: bytes ${Array.from(mutant).join(",")}`,
            );
          }
          ok = false;
        }
        const took = performance.now() - started;
        assert.ok(took < TIME_BOUND_MS, `${name} mutant ${i} (${mode}) took ${took.toFixed(1)} ms`);
        if (mode === "eager") {
          if (ok) accepted++;
          else rejected++;
          if (ok && !WebAssembly.validate(mutant as BufferSource) && !v8LimitOnly(mutant)) {
            v8Disagrees.push(`${name} mutant ${i}: bytes ${Array.from(mutant).join(",")}`);
          }
        }
      }
    }
  }
  console.log(`${total} mutants: ${accepted} accepted, ${rejected} rejected with a typed error`);
  assert.equal(accepted + rejected, total);
  assert.deepEqual(v8Disagrees, [], "wasmi-ts accepted modules that V8 rejects");
  assert.ok(rejected > accepted, `mutations should mostly break modules (${accepted} accepted)`);
});
