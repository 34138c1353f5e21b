/**
 * Seeded fuzzing of the decoder: mutated copies of small valid modules must each decode or fail
 * with `DecodeError`, never anything else, and quickly. A failure names its seed module and
 * mutant number, and the generator is deterministic, so it reproduces.
 */
import assert from "node:assert/strict";
import { DecodeError, ValidationError } from "../../src/core/errors.ts";
import { WASM2_FEATURES, type WasmFeatures } from "../../src/core/features.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { uniform } from "../_lib/prng.ts";
import { wat } from "../_lib/wabt.ts";

const SEEDS: readonly string[] = [
  `(module)`,
  `(module (type (func (param i32 i64 f32 f64 v128 funcref externref) (result i32 i64))))`,
  `(module (import "a" "f" (func (param i32))) (import "a" "t" (table 1 funcref))
    (import "a" "m" (memory 1 2)) (import "a" "g" (global (mut f64))))`,
  `(module (func (export "f") (param i32) (result i32)
    (block (result i32) (loop (result i32)
      (br_if 1 (local.get 0) (local.get 0))
      (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
      (br_table 0 1 1 (local.get 0))))))`,
  `(module (memory 1 3) (func (param i32) (result i64)
    (i64.store32 offset=8 align=2 (local.get 0) (i64.const -1))
    (drop (memory.grow (i32.const 1))) (drop (memory.size))
    (i64.load8_u offset=65535 (local.get 0))))`,
  `(module (global $a i32 (i32.const 7)) (global $b (mut i64) (i64.const -123456789012))
    (global f32 (f32.const nan:0x200000)) (global f64 (f64.const -0x1.8p3))
    (global $r (mut funcref) (ref.null func)) (export "b" (global $b)))`,
  `(module (table $t 2 10 funcref) (table $e 1 externref) (func $f)
    (elem (table $t) (i32.const 0) func $f $f) (elem funcref (ref.func $f) (ref.null func))
    (elem declare func $f) (elem $p externref (ref.null extern)))`,
  `(module (memory 1) (data (i32.const 0) "abc\\00\\ff") (data "passive bytes")
    (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 1)
      (memory.copy (i32.const 1) (i32.const 2) (i32.const 3))
      (memory.fill (i32.const 1) (i32.const 2) (i32.const 3))))`,
  `(module (type $t (func (result i32))) (table 1 funcref) (func $one (result i32) (i32.const 1))
    (elem (i32.const 0) $one)
    (func (result i32) (call_indirect (type $t) (i32.const 0))) (start 2) (func $s))`,
  `(module (func (param v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get 0)
      (f32x4.replace_lane 1 (v128.const i32x4 1 2 3 4) (f32.const 1.5)))))`,
  `(module (memory 1) (func (param i32) (result v128)
    (v128.load32_lane 2 (local.get 0) (v128.load16_splat offset=3 (local.get 0)))))`,
  `(module (func (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
    (func (result i32) (i32.const 1) (i32.const 2) (call 0) (i32.add)))`,
  `(module (func (param f64) (result i64)
    (i64.add (i64.trunc_sat_f64_s (local.get 0)) (i64.extend32_s (i64.const 5)))))`,
  `(module (func (param externref funcref) (result i32)
    (select (result externref) (local.get 0) (ref.null extern) (i32.const 1))
    (ref.is_null) (drop (ref.func 0)) (ref.is_null (local.get 1)) (i32.add)))`,
  `(module (table $a 4 funcref) (table $b 4 funcref) (elem $e func 0)
    (func (table.init $a $e (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $e)
      (table.copy $a $b (i32.const 0) (i32.const 1) (i32.const 1))
      (drop (table.grow $a (ref.null func) (i32.const 1))) (drop (table.size $b))
      (table.fill $a (i32.const 0) (ref.null func) (i32.const 1))
      (table.set $a (i32.const 0) (table.get $b (i32.const 0)))))`,
  `(module (func (local i32 i64 f32 f64 v128 funcref externref) (local $x i32)
    (local.set $x (local.tee 0 (i32.const 1))) (unreachable) (nop) (return)))`,
  `(module $named (func $first (param $p i32) (local $l i64)) (func $second))`,
  `(module (func (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call 0 (i64.sub (local.get 0) (i64.const 1))))))))`,
  `(module (memory (export "mem") 1) (global (export "g") i32 (i32.const 0))
    (table (export "t") 1 funcref) (func (export "f")) (export "f2" (func 0)))`,
  `(module (func (block $a (block $b (block $c (br_table $a $b $c (i32.const 0)))))
    (loop $l (br_if $l (i32.const 0))) (block (result f32) (f32.const 0))
    (f32.neg) (drop)))`,
];

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = Array.from(src);
  const edits = 1 + int(3);
  for (let i = 0; i < edits && bytes.length > 0; i++) {
    // Keep the header intact most of the time so mutations reach the sections.
    const at = rand() < 0.9 ? 8 + int(Math.max(1, bytes.length - 8)) : int(bytes.length);
    switch (int(7)) {
      case 0:
        bytes[at] = int(256);
        break;
      case 1:
        bytes[at] = bytes[at]! ^ (1 << int(8));
        break;
      case 2:
        bytes.splice(at, 1 + int(3));
        break;
      case 3:
        bytes.splice(at, 0, int(256));
        break;
      case 4:
        bytes[at] = 0x80;
        break;
      case 5:
        bytes[at] = 0xff;
        break;
      default:
        bytes.length = at;
    }
  }
  return new Uint8Array(bytes);
}

/**
 * The time `run` takes, in ms: the fastest of up to `tries` runs, so a pause of the garbage
 * collector or a busy machine does not fail the test; only a slow decoder does.
 */
function fastestOf(tries: number, run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < tries && best >= 5; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function decodeOrReject(bytes: Uint8Array, features: WasmFeatures): "ok" | "malformed" {
  try {
    decodeModule(bytes, features);
    return "ok";
  } catch (e) {
    if (e instanceof DecodeError) return "malformed";
    // With typed references, type indices become canonical ids while decoding: an unknown one
    // (or a broken subtype declaration) is reported there, as the ValidationError it is.
    if (features.wasmFunctionReferences && e instanceof ValidationError) return "malformed";
    throw e;
  }
}

Deno.test("mutated modules decode or fail with DecodeError, quickly", () => {
  const corpus = SEEDS.map((text, i) => {
    const bytes = wat(text, { names: true, filename: `seed${i}.wat` });
    assert.equal(decodeOrReject(bytes, WASM2_FEATURES), "ok", `seed ${i} must decode`);
    return bytes;
  });
  const featureSets: WasmFeatures[] = [
    WASM2_FEATURES,
    { ...WASM2_FEATURES, wasmSimd: false, wasmReferenceTypes: false, wasmBulkMemory: false },
    // Mutated bytes also become tail calls, relaxed SIMD, atomics and shared memory limits.
    {
      ...WASM2_FEATURES,
      wasmTailCall: true,
      wasmRelaxedSimd: true,
      wasmThreads: true,
      wasmWideArithmetic: true,
    },
    // Typed references and GC: the 0x63/0x64 types, rec/sub/struct/array, the 0xFB opcodes.
    { ...WASM2_FEATURES, wasmFunctionReferences: true, wasmGc: true, wasmExceptions: true },
  ];
  const rand = uniform(0x5eed);
  const perSeed = 1000;
  const counts = { ok: 0, malformed: 0 };
  for (const [s, seed] of corpus.entries()) {
    for (let i = 0; i < perSeed; i++) {
      const mutant = mutate(seed, rand);
      const features = featureSets[i % featureSets.length]!;
      let outcome: "ok" | "malformed";
      try {
        outcome = decodeOrReject(mutant, features);
      } catch (e) {
        assert.fail(`seed ${s} mutant ${i} threw ${e}: [${Array.from(mutant).join(",")}]`);
      }
      const took = fastestOf(3, () => decodeOrReject(mutant, features));
      assert.ok(took < 50, `seed ${s} mutant ${i} took ${took.toFixed(1)} ms`);
      counts[outcome]++;
    }
  }
  assert.equal(counts.ok + counts.malformed, SEEDS.length * perSeed);
  assert.ok(counts.malformed > counts.ok / 4, `too few rejections: ${JSON.stringify(counts)}`);
});

Deno.test("forged lengths neither allocate nor stall", () => {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const huge = [0xff, 0xff, 0xff, 0xff, 0x0f];
  const cases = [
    [...header, 0x01, ...huge], // section size
    [...header, 0x01, 0x06, ...huge, 0x60], // type count
    [...header, 0x0a, 0x0a, 0x01, 0x08, 0x01, ...huge, 0x7f], // local count
    [...header, 0x0b, 0x08, 0x01, 0x01, ...huge, 0x00], // data segment size
    [...header, 0x0a, 0x0a, 0x01, 0x08, 0x00, 0x0e, ...huge], // br_table count
  ];
  for (const bytes of cases) {
    const module = new Uint8Array(bytes);
    assert.equal(decodeOrReject(module, WASM2_FEATURES), "malformed");
    assert.ok(fastestOf(3, () => decodeOrReject(module, WASM2_FEATURES)) < 50);
  }
});

Deno.test("a large module decodes in linear time", () => {
  // One function of 2^20 `nop`s inside 2^12 nested blocks, and 2^14 small functions.
  const depth = 1 << 12;
  const code = [
    0x00,
    ...new Array(depth).fill([0x02, 0x40]).flat(),
    ...new Array(1 << 20).fill(0x01),
    ...new Array(depth).fill(0x0b),
    0x0b,
  ];
  const funcs = 1 << 14;
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n >>>= 7;
    } while (n !== 0);
    return out;
  };
  const big = [...leb(code.length), ...code];
  const small = [0x02, 0x00, 0x0b];
  const funcSection = [...leb(funcs + 1), ...new Array(funcs + 1).fill(0)];
  const codeContent = [...leb(funcs + 1), ...big, ...new Array(funcs).fill(small).flat()];
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00],
    0x03,
    ...leb(funcSection.length),
    ...funcSection,
    0x0a,
    ...leb(codeContent.length),
    ...codeContent,
  ]);
  assert.equal(decodeModule(bytes, WASM2_FEATURES).bodies.length, funcs + 1);
  const took = fastestOf(2, () => decodeModule(bytes, WASM2_FEATURES));
  assert.ok(took < 1000, `decoding ${bytes.length} bytes took ${took.toFixed(0)} ms`);
});
