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
import wabtInit from "wabt";
import { Config, DecodeError, Engine, Module, ValidationError } from "../../mod.ts";
import { generateModule } from "./_binaryen.ts";
import { prng, seededBytes } from "./_prng.ts";

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
};

/** One section of a module: its id and where its size LEB and payload are. */
interface Section {
  id: number;
  sizeAt: number;
  payloadAt: number;
  end: number;
}

function readLeb(bytes: readonly number[], at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = bytes[at++];
    if (b === undefined) break;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: at };
  }
  return { value, next: at };
}

function sectionsOf(bytes: readonly number[]): Section[] {
  const sections: Section[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const { value, next } = readLeb(bytes, at + 1);
    sections.push({ id, sizeAt: at + 1, payloadAt: next, end: next + value });
    at = next + value;
  }
  return sections;
}

/** A 5-byte (maximal) LEB128 encoding of `n`, so that the forged value changes no offsets' sizes. */
function leb5(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    out.push((n & 0x7f) | (i < 4 ? 0x80 : 0));
    n = Math.floor(n / 128);
  }
  return out;
}

/** Values a forged length or count takes: off by one, zero, huge. */
function forgedValue(real: number, rand: () => number): number {
  const choices = [
    0,
    real + 1,
    Math.max(0, real - 1),
    real * 2 + 1,
    0x7fffffff,
    0xffffffff,
    0x10000,
  ];
  return choices[Math.floor(rand() * choices.length)]!;
}

/** Replaces the LEB128 at `at` by a forged 5-byte one. */
function forgeLeb(bytes: number[], at: number, rand: () => number): void {
  const { value, next } = readLeb(bytes, at);
  bytes.splice(at, next - at, ...leb5(forgedValue(value, rand)));
}

/** Forges a section size, a section's first vector count, or a function body's size or locals. */
function forge(bytes: number[], rand: () => number): void {
  const sections = sectionsOf(bytes);
  if (sections.length === 0) return;
  const s = sections[Math.floor(rand() * sections.length)]!;
  const what = rand();
  if (what < 0.3) return forgeLeb(bytes, s.sizeAt, rand);
  if (s.id !== 10 || what < 0.5) return forgeLeb(bytes, s.payloadAt, rand);
  // The code section: pick a function body, forge its size or a local declaration's count.
  let { value: count, next: at } = readLeb(bytes, s.payloadAt);
  const target = Math.floor(rand() * Math.max(1, count));
  for (let i = 0; i < target && at < s.end; i++) {
    at = readLeb(bytes, at).next + readLeb(bytes, at).value;
  }
  if (what < 0.75) return forgeLeb(bytes, at, rand);
  const body = readLeb(bytes, at).next;
  const decls = readLeb(bytes, body);
  if (decls.value === 0) return forgeLeb(bytes, body, rand);
  forgeLeb(bytes, decls.next, rand); // the first declaration's count
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = Array.from(src);
  const edits = 1 + int(3);
  for (let i = 0; i < edits; i++) {
    const at = int(bytes.length);
    switch (int(8)) {
      case 0:
        bytes[at] = int(256);
        break;
      case 1:
        bytes[at] = bytes[at]! ^ (1 << int(8));
        break;
      case 2:
        bytes.splice(at, 1 + int(4));
        break;
      case 3:
        bytes.splice(at, 0, int(256));
        break;
      case 4:
        bytes[at] = rand() < 0.5 ? 0x80 : 0xff; // LEB continuation bytes: over-long lengths
        break;
      case 5:
      case 6:
        forge(bytes, rand);
        break;
      default:
        bytes.length = Math.max(0, at); // truncation
    }
  }
  return new Uint8Array(bytes);
}

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
  const wabt = await wabtInit();
  const lazy = new Engine();
  const eager = new Engine(new Config({ compilationMode: "eager" }));
  const features = {
    mutable_globals: true,
    sat_float_to_int: true,
    sign_extension: true,
    simd: true,
    multi_value: true,
    bulk_memory: true,
    reference_types: true,
  };
  const corpus = Object.entries(SEEDS).map(([name, wat]) => {
    const bytes = wabt.parseWat(`${name}.wat`, wat, features).toBinary({}).buffer;
    new Module(eager, bytes); // every seed itself must be valid
    return { name, bytes, mutants: 600 };
  });
  for (let seed = 1; seed <= 6; seed++) {
    const bytes = await generateModule(seededBytes(seed, 600 + seed * 400));
    new Module(eager, bytes);
    corpus.push({ name: `binaryen-${seed}`, bytes, mutants: 250 });
  }
  const rand = prng(0x5eed);
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
