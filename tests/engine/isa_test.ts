/**
 * The executor is generated from the ISA rows (`scripts/gen_executor.ts`): regenerate it and
 * compare, and check the operand shapes, sizes and the disassembler.
 */
import assert from "node:assert/strict";
import { expandRun, I, INSTR_SIZE, instrSize, ISA } from "../../src/engine/isa.ts";
import { disassemble } from "../../src/engine/disassemble.ts";
import { EXECUTOR_PATH, EXECUTOR_SPELLING, generateExecutor } from "../../scripts/gen_executor.ts";

Deno.test("executor.ts is what scripts/gen_executor.ts generates from isa.ts", async () => {
  const committed = Deno.readTextFileSync(new URL(`../../${EXECUTOR_PATH}`, import.meta.url));
  const generated = await generateExecutor();
  assert.ok(committed === generated, "src/engine/executor.ts is stale: run `deno task gen`");
});

Deno.test("run templates expand operands by shape", () => {
  assert.equal(
    expandRun(ISA[I.I32Add]!, EXECUTOR_SPELLING),
    "s32[(fp + code[(pc + 1) | 0]) | 0] = (s32[(fp + code[(pc + 2) | 0]) | 0] + " +
      "s32[(fp + code[(pc + 3) | 0]) | 0]) | 0;",
  );
  // A `w` operand is two words: `$2` the low one, `$2.hi` the high one; `$3` comes after both.
  assert.equal(
    expandRun(ISA[I.BrIfI64EqImm]!, EXECUTOR_SPELLING),
    "pc = i64EqImm(s32, (fp + code[(pc + 1) | 0]) | 0, code[(pc + 2) | 0], code[(pc + 3) | 0])" +
      " !== 0 ? code[(pc + 4) | 0] : pc + 5;",
  );
  // `#Name` is an opcode.
  assert.match(
    expandRun(ISA[I.Return]!, EXECUTOR_SPELLING),
    new RegExp(`code\\[pc\\] === ${I.ReturnSlot}\\b`),
  );
});

Deno.test("every instruction runs: its own row or the row it shares a case with", () => {
  for (const d of ISA) {
    assert.ok((d.run === null) !== (d.caseOf === null), d.name);
    if (d.caseOf !== null) assert.ok(ISA.find((o) => o.name === d.caseOf)?.run, d.name);
    if (d.negation !== null) {
      const n = ISA.find((o) => o.name === d.negation)!;
      assert.equal(n.negation, d.name, `${d.name} and ${n.name} negate each other`);
    }
  }
});

Deno.test("instruction names are unique and sizes follow the shapes", () => {
  assert.equal(new Set(ISA.map((d) => d.name)).size, ISA.length);
  assert.equal(INSTR_SIZE[I.I32Add], 4);
  assert.equal(INSTR_SIZE[I.I64AddImm], 5);
  assert.equal(INSTR_SIZE[I.BrIfI64LtSImm], 5);
  assert.equal(INSTR_SIZE[I.Return], 1);
  const table = Int32Array.of(I.BrTable, 4, 2, 10, 11, 12);
  assert.equal(instrSize(table, 0), 6);
});

Deno.test("disassemble prints every operand shape", () => {
  const code = Int32Array.of(
    I.BrTable,
    4,
    1,
    9,
    11,
    I.I64AddImm,
    8,
    4,
    -1,
    -1,
    I.I32Load,
    12,
    8,
    -16,
    I.Call,
    3,
    16,
    I.Br,
    0,
  );
  assert.equal(
    disassemble(code),
    [
      "0: BrTable s1, [@9 @11]",
      "5: I64AddImm s2, s1, -1",
      "10: I32Load s3, s2, +4294967280",
      "14: Call #3, s4",
      "17: Br @0",
    ].join("\n"),
  );
});
