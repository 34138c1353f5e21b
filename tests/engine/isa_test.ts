/**
 * The executor's `case N: // Name` labels are literals (for V8's jump tables): check each one
 * against the ISA table, and that every instruction has exactly one case.
 */
import assert from "node:assert/strict";
import { I, INSTR_SIZE, instrSize, ISA } from "../../src/engine/isa.ts";
import { disassemble } from "../../src/engine/disassemble.ts";

const source = Deno.readTextFileSync(new URL("../../src/engine/executor.ts", import.meta.url));

Deno.test("every executor case label names its ISA instruction", () => {
  const seen = new Map<number, string>();
  for (const m of source.matchAll(/case (\d+): (?:\{ )?\/\/ (\w+)/g)) {
    const op = Number(m[1]);
    assert.equal(ISA[op]?.name, m[2], `case ${op} is commented ${m[2]}`);
    assert.ok(!seen.has(op), `case ${op} appears twice`);
    seen.set(op, m[2]!);
  }
  const missing = ISA.filter((_, op) => !seen.has(op)).map((d) => d.name);
  assert.deepEqual(missing, []);
  // No case label without its comment.
  const labels = [...source.matchAll(/^\s*case (\d+):/gm)].length;
  assert.equal(labels, seen.size);
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
