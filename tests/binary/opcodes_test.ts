/**
 * The opcode table (`src/binary/opcodes.ts`) is consistent with itself and with the engine's
 * instruction table (`src/engine/isa.ts`): what a contributor adding a row can get wrong.
 */
import assert from "node:assert/strict";
import { Feature } from "../../src/core/features.ts";
import {
  denseIndex,
  Imm,
  Op,
  OP_INFO,
  opName,
  opPrefix,
  OPS,
  opSub,
  prefixed,
  TranslateKind,
} from "../../src/binary/opcodes.ts";
import { I, ISA } from "../../src/engine/isa.ts";

const shapeOf = (name: string) => ISA[I[name as keyof typeof I]]!.shape;

Deno.test("opcodes: one row per code, Op and OP_INFO derived from the rows", () => {
  const rows = Object.entries(OPS);
  assert.equal(OP_INFO.size, rows.length, "codes are unique");
  assert.equal(new Set(rows.map(([, r]) => r.name)).size, rows.length, "text names are unique");
  assert.equal(new Set(rows.map(([, r]) => denseIndex(r.code))).size, rows.length);
  for (const [key, row] of rows) {
    assert.equal(Op[key as keyof typeof Op], row.code, key);
    assert.equal(opName(row.code), row.name);
  }
  assert.equal(Op.I32Add, 0x6a);
  assert.equal(OP_INFO.get(0xfd06e)?.name, "i8x16.add");
  assert.equal(OP_INFO.get(prefixed(0xfd, 0x6e))?.name, "i8x16.add");
  assert.equal(opPrefix(0xfd06e), 0xfd);
  assert.equal(opSub(0xfd06e), 0x6e);
  assert.equal(opName(0xfc0ff), "<0xfc0ff>");
});

Deno.test("opcodes: prefixed rows belong to a proposal, memory rows carry their alignment", () => {
  for (const row of OP_INFO.values()) {
    if (opPrefix(row.code) !== 0) assert.notEqual(row.feature, Feature.None, row.name);
    if (opPrefix(row.code) === 0xfd) {
      const relaxed = row.name.includes("relaxed");
      assert.equal(row.feature, relaxed ? Feature.RelaxedSimd : Feature.Simd, row.name);
    }
    const memarg = row.imm === Imm.MemArg || row.imm === Imm.MemArgLane;
    // Natural alignment: 1 to 16 bytes; only memory accesses have one.
    if (memarg) assert.ok(row.align <= 4, row.name);
    else assert.equal(row.align, 0, row.name);
    const lanes = row.imm === Imm.Lane || row.imm === Imm.MemArgLane;
    assert.ok(lanes ? [2, 4, 8, 16].includes(row.lanes) : row.lanes === 0, row.name);
  }
  assert.equal(OPS.I64Load32U.align, 2);
  assert.equal(OPS.V128Load16x4S.align, 3);
  assert.equal(OPS.V128Store64Lane.lanes, 2);
  assert.equal(OPS.I16x8ExtractLaneS.lanes, 8);
});

Deno.test("opcodes: translation rules name engine instructions of the right shape", () => {
  for (const row of OP_INFO.values()) {
    const t = row.translate;
    const params = row.params?.length ?? 0;
    const results = row.results.length;
    switch (t.kind) {
      case TranslateKind.Plain:
        // `op dst? operands...`: a slot per operand, one destination for any results.
        assert.equal(shapeOf(t.instr!), "r".repeat((results > 0 ? 1 : 0) + params), row.name);
        if (t.branch !== null) assert.equal(shapeOf(t.branch), "rt", row.name);
        break;
      case TranslateKind.Binary: {
        assert.equal(params, 2, row.name);
        assert.equal(shapeOf(t.instr!), "rrr", row.name);
        assert.match(shapeOf(t.imm!), /^rr[iw]$/, row.name);
        if (t.mirror !== null) assert.equal(shapeOf(t.mirror), shapeOf(t.imm!), row.name);
        if (t.branch !== null) assert.equal(shapeOf(t.branch), "rrt", row.name);
        if (t.branchImm !== null) {
          assert.equal(shapeOf(t.branchImm), `r${shapeOf(t.imm!)[2]}t`, row.name);
        }
        break;
      }
      case TranslateKind.Load:
        assert.equal(shapeOf(t.instr!), "rro", row.name);
        break;
      case TranslateKind.Store:
        assert.equal(shapeOf(t.instr!), "ror", row.name);
        assert.match(shapeOf(t.imm!), /^ro[iw]$/, row.name);
        break;
      case TranslateKind.Simd: {
        const shape = shapeOf(t.instr!);
        if (shape.includes("v") || ["V128Const", "V128Shuffle", "V128Store"].includes(t.instr!)) {
          assert.match(t.instr!, /^V128/, row.name);
        } else {
          // A specialised instruction (`I32x4Add`): its generic form's shape without the
          // sub-opcode, `dst operands...` (a load's address and offset, a lane's index).
          const expected = row.imm === Imm.MemArg
            ? "rro"
            : row.imm === Imm.Lane
            ? "rri"
            : "r".repeat(1 + params);
          assert.equal(shape, expected, row.name);
          assert.equal(results, 1, row.name);
        }
        break;
      }
      case TranslateKind.Atomic: {
        // `op dst? sub memory addr offset operands...`: the memory index, the address, then the
        // other operands.
        const dst = results > 0 ? "r" : "";
        assert.equal(shapeOf(t.instr!), `${dst}vxro${"r".repeat(params - 1)}`, row.name);
        break;
      }
      default:
        assert.equal(t.instr, null, row.name);
    }
  }
});
