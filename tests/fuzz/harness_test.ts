/**
 * Tests of the differential fuzzer itself: the export rewriter, the `fuzzing-support` host
 * semantics (the same transcript on V8 and wasmi-ts, checked event by event against what the
 * module does), the comparison rules, and that a wrong runner is caught.
 */
import assert from "node:assert/strict";
import { wat } from "../api/_wat.ts";
import { runAll } from "./_campaign.ts";
import {
  compareTranscripts,
  eventsAgree,
  type Runner,
  setUpRunners,
  type Subject,
  type Transcript,
  V8Runner,
  WasmiRunner,
} from "./_diff.ts";
import { ADDED_PREFIX, exportEverything } from "./_exports.ts";

const MODULE = wat(`(module
  (import "fuzzing-support" "log-i32" (func $log-i32 (param i32)))
  (import "fuzzing-support" "log-i64" (func $log-i64 (param i64)))
  (import "fuzzing-support" "log-f32" (func $log-f32 (param f32)))
  (import "fuzzing-support" "log-f64" (func $log-f64 (param f64)))
  (import "fuzzing-support" "log-v128" (func $log-v128 (param v128)))
  (import "fuzzing-support" "call-export" (func $call-export (param i32 i32)))
  (import "fuzzing-support" "call-export-catch" (func $call-export-catch (param i32) (result i32)))
  (import "fuzzing-support" "call-ref-catch" (func $call-ref-catch (param funcref) (result i32)))
  (import "fuzzing-support" "table-get" (func $table-get (param i32) (result funcref)))
  (import "fuzzing-support" "table-set" (func $table-set (param i32 funcref)))
  (import "fuzzing-support" "sleep" (func $sleep (param i32 i32) (result i32)))
  (import "__fuzz_import" "extern$" (global $x externref))
  (memory 1 1)
  (table $t 2 funcref)
  (global $g (mut i32) (i32.const 5))
  (global $v (mut v128) (v128.const i64x2 1 2))
  (export "table" (table $t))
  (func $logs (export "logs")
    (call $log-i32 (i32.const -7))
    (call $log-i64 (i64.const -2))
    (call $log-f32 (f32.const 1.5))
    (call $log-f64 (f64.div (f64.const 0) (f64.const 0)))
    (call $log-v128 (v128.const i64x2 0x0102030405060708 -1)))
  (func $trap (export "trap") (param i32) (result i32)
    (unreachable))
  (func (export "host")
    ;; export 1 is "logs", export 2 "trap", export 0 the table (not a function).
    (call $log-i32 (call $call-export-catch (i32.const 1)))
    (call $log-i32 (call $call-export-catch (i32.const 2)))
    (call $log-i32 (call $call-export-catch (i32.const 0)))
    (call $table-set (i32.const 1) (ref.func $trap))
    (call $log-i32 (call $call-ref-catch (call $table-get (i32.const 1))))
    (call $log-i32 (call $call-ref-catch (ref.null func)))
    (call $log-i32 (call $sleep (i32.const 0) (i32.const 42)))
    (global.set $g (i32.const 9))
    (i32.store (i32.const 8) (i32.const 0x11223344)))
  (func (export "multi") (param i64 f64) (result i32 i64 externref)
    (i32.const -1) (local.get 0) (global.get $x))
  (func (export "v128") (param v128))
  (func (export "fails") (call $call-export (i32.const 99) (i32.const 0))))`);

async function subjectOf(wasm: Uint8Array, seed = 7): Promise<Subject> {
  await setUpRunners();
  const { wasm: all, shape } = exportEverything(wasm);
  return { wasm: all, shape, seed };
}

Deno.test("exportEverything exports every entity and reads the module's shape", () => {
  const { wasm, shape } = exportEverything(MODULE);
  assert.equal(shape.funcs.length, 11 + 6);
  assert.deepEqual(shape.funcs[12], { params: ["i32"], results: ["i32"] });
  assert.deepEqual(shape.funcs[14], {
    params: ["i64", "f64"],
    results: ["i32", "i64", "externref"],
  });
  assert.equal(shape.tables, 1);
  assert.equal(shape.memories, 1);
  assert.deepEqual(shape.globals, ["externref", "i32", "v128"]);
  assert.deepEqual(shape.exports.slice(0, 3), [
    { name: "table", kind: 1, index: 0 },
    { name: "logs", kind: 0, index: 11 },
    { name: "trap", kind: 0, index: 12 },
  ]);
  const exported = WebAssembly.Module.exports(new WebAssembly.Module(wasm as BufferSource));
  const names = exported.map((e) => e.name);
  assert.deepEqual(names.slice(0, shape.exports.length), shape.exports.map((e) => e.name));
  for (const name of [`${ADDED_PREFIX}f0`, `${ADDED_PREFIX}f16`, `${ADDED_PREFIX}t0`]) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(names.includes(`${ADDED_PREFIX}m0`) && names.includes(`${ADDED_PREFIX}g2`));
  // A module without an export section gets one.
  const bare = exportEverything(wat(`(module (func) (global i64 (i64.const 11)))`));
  const bareNames = WebAssembly.Module.exports(new WebAssembly.Module(bare.wasm as BufferSource));
  assert.deepEqual(bareNames.map((e) => e.name), [`${ADDED_PREFIX}f0`, `${ADDED_PREFIX}g0`]);
});

Deno.test("the fuzzing-support imports behave the same on V8 and wasmi-ts", async () => {
  const subject = await subjectOf(MODULE);
  const v8 = new V8Runner().run(subject);
  const events = v8.events.filter((e) => !e.startsWith("call "));
  assert.deepEqual(events, [
    "instantiate: ok",
    // logs
    "  log i32:-7",
    "  log i64:-2",
    "  log f32:0x3fc00000",
    "  log f64:nan",
    "  log v128:ffffffffffffffff0102030405060708",
    "  => ",
    // trap
    "  => trap:unreachable",
    // host
    "  log i32:-7",
    "  log i64:-2",
    "  log f32:0x3fc00000",
    "  log f64:nan",
    "  log v128:ffffffffffffffff0102030405060708",
    "  log i32:0", // logs returned
    "  log i32:1", // trap trapped
    "  log i32:1", // the table is not a function
    "  log i32:1", // trap, through table.set and table.get, trapped
    "  log i32:1", // a null reference
    "  log i32:42", // sleep returned its id
    "  => ",
    "  => i32:-1, i64:" + v8.events.find((e) => e.startsWith("call multi("))!.split("i64:")[1]!
      .split(",")[0] +
    ", ref:x:extern$",
    "skip v128 (v128 at the JS boundary)",
    "  => fault:call-export of a non-function",
    "table 0 size=2 [ref:null ref:f12]",
    "global 0 ref:x:extern$",
    "global 1 i32:9",
    "global 2 v128 (not observable in V8)",
    "host calls: 25",
  ]);
  assert.equal(new DataView(v8.memories[0]!.buffer).getUint32(8, true), 0x11223344);
  for (const runner of [new WasmiRunner(), new WasmiRunner({ fuel: 1_000_000 })]) {
    const t = runner.run(subject);
    assert.equal(compareTranscripts(v8, t), undefined, runner.name);
  }
  // With fuel in slices of 3 the calls stop and resume many times, to the same transcript.
  const resumed = new WasmiRunner({ fuel: 1_000_000, fuelSlice: () => 3 }).run(subject);
  assert.equal(compareTranscripts(v8, resumed), undefined);
});

Deno.test("out of fuel cuts a run off instead of comparing it", async () => {
  const subject = await subjectOf(wat(`(module (func (export "spin") (loop (br 0))))`));
  const t = new WasmiRunner({ fuel: 10_000 }).run(subject);
  assert.equal(t.cut, "out of fuel");
  const sliced = new WasmiRunner({ fuel: 10_000, fuelSlice: () => 100 }).run(subject);
  assert.equal(sliced.cut, "out of fuel");
});

Deno.test("trap kinds match when V8's message covers both of the spec's kinds", () => {
  assert.ok(eventsAgree("  => trap:int-overflow|bad-conversion", "  => trap:bad-conversion"));
  assert.ok(eventsAgree("  => trap:indirect-null", "  => trap:indirect-null|indirect-signature"));
  assert.ok(!eventsAgree("  => trap:int-overflow|bad-conversion", "  => trap:unreachable"));
  assert.ok(!eventsAgree("  => trap:int-overflow", "  => trap:bad-conversion"));
  assert.ok(!eventsAgree("  log i32:1", "  log i32:2"));
});

Deno.test("a runner that gets one memory byte wrong is caught", async () => {
  const wasm = wat(
    `(module (memory 1) (func (export "f") (i32.store8 (i32.const 3) (i32.const 9))))`,
  );
  await setUpRunners();
  const wrong: Runner = {
    name: "wrong",
    run(subject: Subject): Transcript {
      const t = new WasmiRunner().run(subject);
      t.memories[0]![3] = 8;
      return t;
    },
  };
  const good = runAll(wasm, 1, { reference: new V8Runner(), tested: [new WasmiRunner()] });
  assert.equal(good.difference, undefined);
  const bad = runAll(wasm, 1, { reference: new V8Runner(), tested: [new WasmiRunner(), wrong] });
  assert.match(bad.difference!, /memory 0 differs at byte 3/);
});
