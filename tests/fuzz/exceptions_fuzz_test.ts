/**
 * Fuzz-style robustness for the exception-handling encodings (tag section, tag imports and
 * exports, `throw`, `throw_ref`, `try_table` and its catch clauses, `exnref`): mutated copies of
 * valid modules are accepted or rejected with `DecodeError` / `ValidationError` only, within a
 * time bound. The engine translates eagerly, so every accepted mutant is also translated.
 */
import assert from "node:assert/strict";
import wabtInit from "wabt";
import { Config, DecodeError, Engine, Module, ValidationError } from "../../mod.ts";
import { uniform } from "../_lib/prng.ts";
import { mutate } from "./_mutate.ts";

const SEEDS: Record<string, string> = {
  tags: `(module
    (type $p (func (param i32 i64)))
    (import "env" "t" (tag $t (param f32)))
    (tag $u (type $p))
    (tag $v)
    (export "u" (tag $u))
    (func (export "f") (param i32) (throw $u (local.get 0) (i64.const 1))))`,
  handlers: `(module
    (tag $e (param i32))
    (tag $f)
    (func $g (param i32) (if (local.get 0) (then (throw $e (local.get 0)))) (throw $f))
    (func (export "f") (param i32) (result i32 exnref)
      (block $a (result i32 exnref)
        (block $b (result exnref)
          (block $c (result i32)
            (try_table (catch $e $c) (catch_ref $f $b) (catch_all_ref $b)
              (call $g (local.get 0)))
            (i32.const 0))
          (return (ref.null exn)))
        (throw_ref))
      (unreachable)))`,
  nested: `(module
    (tag $e (param i64 f64))
    (func (export "f") (param i64) (result i64)
      (loop $l (result i64)
        (block $h (result i64 f64)
          (try_table (result i64) (catch $e $h)
            (i64.const 2)
            (try_table (param i64) (result i64) (catch_all $l) (drop) (i64.const 3))
            (f64.const 1) (throw $e))
          (br 1))
        (drop))))`,
};

Deno.test("mutated exception-handling modules: only DecodeError/ValidationError", async () => {
  const wabt = await wabtInit();
  const engine = new Engine(new Config({ wasmExceptions: true, compilationMode: "eager" }));
  const features = { exceptions: true, multi_value: true, reference_types: true };
  const corpus = Object.entries(SEEDS).map(([name, wat]) => {
    const bytes = wabt.parseWat(`${name}.wat`, wat, features).toBinary({}).buffer;
    new Module(engine, bytes); // every seed itself must be valid
    return { name, bytes };
  });
  const rand = uniform(0xe8c);
  const perSeed = 800;
  let rejected = 0;
  for (const { name, bytes } of corpus) {
    for (let i = 0; i < perSeed; i++) {
      const mutant = mutate(bytes, rand);
      const started = performance.now();
      try {
        new Module(engine, mutant);
      } catch (e) {
        if (!(e instanceof DecodeError || e instanceof ValidationError)) {
          assert.fail(`${name} mutant ${i} threw ${e}: bytes ${Array.from(mutant).join(",")}`);
        }
        rejected++;
      }
      const took = performance.now() - started;
      assert.ok(took < 250, `${name} mutant ${i} took ${took.toFixed(1)} ms`);
    }
  }
  assert.ok(rejected > (corpus.length * perSeed) / 2, `mostly rejected (${rejected})`);
});
