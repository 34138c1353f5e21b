import assert from "node:assert/strict";
import { cpuUsage } from "node:process";
import { Op } from "../../src/binary/opcodes.ts";
import { assertInvalid, assertValid, validate } from "./_helpers.ts";
import { bodyModule, T } from "../_lib/bytes.ts";
import { wat } from "../_lib/wabt.ts";

Deno.test("func: well-typed bodies validate", () => {
  assertValid(`(module
    (func $g (param i32) (result i32 i32) local.get 0 local.get 0)
    (func (param i32 i64 f32 f64) (result i64)
      (local v128 funcref externref)
      local.get 0 i64.extend_i32_s local.get 1 i64.mul
      (block (param i64) (result i64) (i64.const 1) (i64.add))
      (loop (result i64) (i64.const 2))
      i64.add
      (if (result i64) (i32.const 1) (then (i64.const 3)) (else (i64.const 4)))
      i64.add
      (drop (call $g (i32.const 5)))
      drop))`);
});

Deno.test("func: operand type and height mismatches", () => {
  assertInvalid(
    `(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))`,
    "type mismatch",
  );
  assertInvalid(`(module (func (result i32) (i32.const 1) (i32.const 2)))`, "type mismatch");
  assertInvalid(`(module (func (result i32)))`, "type mismatch");
  assertInvalid(`(module (func (block (i32.const 1))))`, "type mismatch");
  assertInvalid(
    `(module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1)))))`,
    "type mismatch",
  );
  // An if without else must pass its params through unchanged.
  assertValid(`(module (func (param i32) (result i32)
    local.get 0 local.get 0 (if (param i32) (result i32) (then))))`);
});

Deno.test("func: the error names the function and the instruction's offset", () => {
  const bytes = wat(`(module
    (import "m" "f" (func))
    (func)
    (func (result i32) (i64.const 0)))`);
  const e = assertInvalid(bytes, "type mismatch");
  assert.equal(e.funcIndex, 2);
  // The last function's final `end` is the second-to-last byte before any custom section.
  assert.equal(bytes[e.offset], Op.End);
});

Deno.test("func: unreachable makes the stack polymorphic", () => {
  assertValid(`(module (func (result i32) unreachable i32.add))`);
  assertValid(`(module (func (result i32) unreachable select))`);
  assertValid(`(module (func (result i64) unreachable (i64.const 0) (i32.const 0) select))`);
  assertValid(`(module (func (result i32) unreachable ref.is_null))`);
  assertValid(`(module (func (result f64) (return (f64.const 0)) (drop)))`);
  assertValid(`(module (func (drop (block (result i32) (br 0 (unreachable))))))`);
  // Popping "unknown" still checks what is actually on the stack.
  assertInvalid(`(module (func (result i32) unreachable (i64.const 0) i32.add))`, "type mismatch");
  assertInvalid(`(module (func unreachable (ref.null func) select drop))`, "type mismatch");
  assertInvalid(
    `(module (func (result i32) unreachable (f32.const 0) (i32.const 0) select))`,
    "type mismatch",
  );
});

Deno.test("func: branches check label arity and types", () => {
  assertInvalid(`(module (func (br 1)))`, "unknown label");
  assertInvalid(
    `(module (func (drop (block (result i32) (br 0 (i64.const 0))))))`,
    "type mismatch",
  );
  assertValid(`(module (func (result i32)
    (block (result i32) (block (result i32) (br_table 0 1 (i32.const 1) (i32.const 2))))))`);
  assertInvalid(
    `(module (func (result i32)
    (block (result i32) (block (result i64) (br_table 0 1 (i32.const 1) (i32.const 0))))))`,
    "type mismatch",
  );
  // Loops branch with their params.
  assertValid(`(module (func (param i32)
    (local.get 0) (loop (param i32) (br_if 0 (local.get 0)) drop)))`);
  assertValid(
    `(module (func (result i32) (block (result i32) (br_if 0 (i32.const 1) (i32.const 1)))))`,
  );
});

Deno.test("func: br_table targets with different arities are a type mismatch even unreachable", () => {
  assertInvalid(
    `(module (func
    (block (result f32) (block (br_table 0 1 (unreachable))) (f32.const 0)) drop))`,
    "type mismatch",
  );
  assertValid(`(module (func (result i32)
    (block (result i32) (block (result i32) (br_table 0 1 (unreachable))))))`);
});

Deno.test("func: locals, globals, calls", () => {
  assertInvalid(`(module (func (param i32) (local i64) (drop (local.get 2))))`, "unknown local 2");
  assertInvalid(`(module (func (local.set 0 (i32.const 0))))`, "unknown local 0");
  assertInvalid(`(module (func (param i64) (local.set 0 (i32.const 0))))`, "type mismatch");
  assertInvalid(`(module (func (drop (global.get 0))))`, "unknown global 0");
  assertInvalid(
    `(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))`,
    "immutable global: global is immutable",
  );
  assertValid(`(module (global (mut i32) (i32.const 0)) (func (global.set 0 (i32.const 1))))`);
  assertInvalid(bodyModule([Op.Call, 3]), "unknown function 3");
  assertInvalid(`(module (func (param i32)) (func (call 0 (i64.const 0))))`, "type mismatch");
});

Deno.test("func: call_indirect needs a funcref table and a known type", () => {
  assertValid(`(module (type $t (func)) (table 1 funcref)
    (func (call_indirect (type $t) (i32.const 0))))`);
  assertInvalid(bodyModule([Op.I32Const, 0, Op.CallIndirect, 0, 0]), "unknown table 0");
  assertInvalid(
    `(module (table 1 externref) (type $t (func))
    (func (call_indirect (type $t) (i32.const 0))))`,
    "type mismatch",
  );
});

Deno.test("func: call_indirect with an unknown type index", () => {
  const bytes = bodyModule([Op.I32Const, 0, Op.CallIndirect, 7, 0]);
  // Splice a table section (id 4) after the function section: funcref, min 1.
  const at = bytes.indexOf(10, 8 + 6 + 4); // the code section id
  const withTable = new Uint8Array([
    ...bytes.slice(0, at),
    4,
    4,
    1,
    T.funcref,
    0,
    1,
    ...bytes.slice(at),
  ]);
  assertInvalid(withTable, "unknown type 7");
});

Deno.test("func: select", () => {
  assertValid(
    `(module (func (result v128) (select (v128.const i64x2 0 0) (v128.const i64x2 0 0) (i32.const 1))))`,
  );
  assertInvalid(
    `(module (func (result funcref)
    (select (ref.null func) (ref.null func) (i32.const 1))))`,
    "type mismatch",
  );
  assertValid(`(module (func (result funcref)
    (select (result funcref) (ref.null func) (ref.null func) (i32.const 1))))`);
  assertInvalid(
    `(module (func (result i32) (select (i32.const 0) (i64.const 0) (i32.const 1))))`,
    "type mismatch",
  );
  // wabt writes `select (result)` as plain select: assemble `select t` with zero and two types.
  const arity0 = [Op.I32Const, 0, Op.I32Const, 0, Op.I32Const, 1, Op.SelectT, 0, Op.Drop];
  assertInvalid(bodyModule(arity0), "invalid result arity");
  const arity2 = [Op.I32Const, 0, Op.I32Const, 0, Op.I32Const, 1, Op.SelectT, 2, T.i32, T.i32];
  assertInvalid(bodyModule(arity2), "invalid result arity");
});

Deno.test("func: memory instructions", () => {
  assertInvalid(`(module (func (drop (i32.load (i32.const 0)))))`, "unknown memory 0");
  assertInvalid(`(module (func (drop (memory.size))))`, "unknown memory 0");
  assertInvalid(
    `(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))`,
    "alignment must not be larger than natural",
  );
  assertInvalid(
    `(module (memory 1) (func (i64.store32 align=8 (i32.const 0) (i64.const 0))))`,
    "alignment must not be larger than natural",
  );
  assertValid(`(module (memory 1) (func
    (drop (i64.load align=8 (i32.const 0)))
    (drop (v128.load align=16 (i32.const 0)))
    (drop (v128.load8x8_s align=8 (i32.const 0)))
    (drop (v128.load8_lane align=1 15 (i32.const 0) (v128.const i64x2 0 0)))))`);
  assertInvalid(
    `(module (memory 1) (func (drop (v128.load8x8_s align=16 (i32.const 0)))))`,
    "alignment must not be larger than natural",
  );
  // An exponent of 31 must not wrap around in a shift.
  const huge = [Op.I32Const, 0, Op.I32Load, 31, 0, Op.Drop];
  assertInvalid(bodyModule(huge, { memory: true }), "alignment must not be larger than natural");
});

Deno.test("func: lane indices", () => {
  assertInvalid(
    `(module (func (result i32) (i8x16.extract_lane_s 16 (v128.const i64x2 0 0))))`,
    "invalid lane index",
  );
  assertValid(`(module (func (result i32) (i8x16.extract_lane_s 15 (v128.const i64x2 0 0))))`);
  assertInvalid(
    `(module (func (result f64) (f64x2.extract_lane 2 (v128.const i64x2 0 0))))`,
    "invalid lane index",
  );
  assertInvalid(
    `(module (memory 1) (func (result v128)
    (v128.load64_lane 2 (i32.const 0) (v128.const i64x2 0 0))))`,
    "invalid lane index",
  );
  const v = [0xfd, 0x0c, ...new Array(16).fill(0)];
  const shuffle = [...v, ...v, 0xfd, 0x0d, ...new Array(15).fill(0), 32, Op.Drop];
  assertInvalid(bodyModule(shuffle), "invalid lane index");
});

Deno.test("func: references and tables", () => {
  assertInvalid(`(module (func $f (drop (ref.func $f))))`, "undeclared function reference");
  assertValid(`(module (func $f (drop (ref.func $f))) (elem declare func $f))`);
  assertValid(`(module (func $f (drop (ref.func $f))) (export "f" (func $f)))`);
  assertValid(`(module (func $f (drop (ref.func $f))) (global funcref (ref.func $f)))`);
  assertInvalid(`(module (func (drop (ref.is_null (i32.const 0)))))`, "type mismatch");
  assertValid(`(module (table $t 1 externref) (func (param externref)
    (table.set $t (i32.const 0) (local.get 0))
    (drop (table.grow $t (ref.null extern) (i32.const 1)))
    (table.fill $t (i32.const 0) (ref.null extern) (i32.const 1))
    (drop (table.size $t))))`);
  assertInvalid(
    `(module (table 1 externref) (func (table.set 0 (i32.const 0) (ref.null func))))`,
    "type mismatch",
  );
  assertInvalid(`(module (func (drop (table.get 0 (i32.const 0)))))`, "unknown table 0");
  assertInvalid(
    `(module (table $a 1 funcref) (table $b 1 externref)
    (func (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))))`,
    "type mismatch",
  );
  assertInvalid(
    `(module (table 1 externref) (elem $e funcref) (func
    (table.init 0 $e (i32.const 0) (i32.const 0) (i32.const 0))))`,
    "type mismatch",
  );
  assertInvalid(`(module (table 1 funcref) (func (elem.drop 4)))`, "unknown elem segment 4");
});

Deno.test("func: data segments", () => {
  assertInvalid(`(module (memory 1) (data "x") (func (data.drop 1)))`, "unknown data segment 1");
  assertValid(`(module (memory 1) (data "x")
    (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 0)))`);
});

Deno.test("func: multi-value block types by type index", () => {
  assertValid(`(module (type $t (func (param i32 i32) (result i64 i64)))
    (func (result i64 i64) (i32.const 1) (i32.const 2)
      (block (type $t) (drop) (drop) (i64.const 0) (i64.const 0))))`);
  // Block type index 9 (s33 = 9) does not exist.
  assertInvalid(bodyModule([Op.Block, 9, Op.End]), "unknown type 9");
});

Deno.test("func: a long body validates in linear time", () => {
  // Nesting `n` deep, then 5n constants: validating 4x the body must take about 4x the time,
  // where a scan of the open frames per `end` would take 16x. CPU time, best of 3 (the wall
  // clock of one run failed a fixed 2 s limit on a machine with 12 processes per core).
  const body = (n: number) => {
    const code: number[] = [];
    for (let i = 0; i < n; i++) code.push(Op.Block, 0x40);
    for (let i = 0; i < n; i++) code.push(Op.End);
    for (let i = 0; i < 5 * n; i++) code.push(Op.I32Const, 1, Op.Drop);
    return bodyModule(code);
  };
  const cpu = (bytes: Uint8Array) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = cpuUsage();
      validate(bytes);
      const t = cpuUsage(t0);
      best = Math.min(best, t.user + t.system);
    }
    return best;
  };
  const small = body(20000), large = body(80000);
  cpu(small); // warm the validator
  const ratio = cpu(large) / cpu(small);
  assert.ok(ratio < 8, `4x the body took ${ratio.toFixed(1)}x the time`);
});
