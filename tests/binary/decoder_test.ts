/** What the decoder makes of well-formed modules. */
import assert from "node:assert/strict";
import { FuncBodies } from "../../src/binary/module.ts";
import { OpReader } from "../../src/binary/op_reader.ts";
import { DecodeError } from "../../src/core/errors.ts";
import { Op } from "../../src/binary/opcodes.ts";
import { decode } from "./_builder.ts";
import { wat } from "../_lib/wabt.ts";
import { body, FUNC_ONE, mod, section, str, TYPE_VOID, u32, vec } from "../_lib/bytes.ts";

Deno.test("the smallest module", () => {
  const m = decode(mod());
  assert.equal(m.types.length, 0);
  assert.equal(m.start, null);
  assert.equal(m.dataCount, null);
  assert.equal(m.names.moduleName, null);
});

Deno.test("every section of a module built from text", () => {
  const bytes = wat(
    `(module $m
    (type $t (func (param i32 i64) (result f32)))
    (import "env" "f" (func $imp (type $t)))
    (import "env" "tab" (table 1 2 funcref))
    (import "env" "mem" (memory 1))
    (import "env" "g" (global $g (mut i32)))
    (func $f (param $a i32) (local $x f64) (local i32 i32)
      (if (local.get $a) (then (nop)) (else (nop)))
      (block (loop (br 1)))
      (data.drop 1))
    (table 3 externref)
    (global $h i64 (i64.const -1))
    (export "f" (func $f))
    (export "h" (global $h))
    (start $f)
    (elem (i32.const 0) $f)
    (data (i32.const 8) "hi")
    (data "passive"))`,
    { names: true },
  );
  const m = decode(bytes);
  assert.equal(m.types.length, 2);
  assert.equal(m.types[0]!.toString(), "(i32, i64) -> (f32)");
  assert.deepEqual(m.imports.map((i) => `${i.module}.${i.name}:${i.kind}`), [
    "env.f:func",
    "env.tab:table",
    "env.mem:memory",
    "env.g:global",
  ]);
  assert.equal(m.importedFuncs, 1);
  assert.deepEqual(m.funcTypeIndices, [0, 1]);
  assert.equal(m.importedTables, 1);
  assert.deepEqual(m.tables.map(String), [
    "table {funcref, min 1, max 2}",
    "table {externref, min 3}",
  ]);
  assert.equal(m.importedMemories, 1);
  assert.equal(m.memories[0]!.minimum, 1);
  assert.equal(m.importedGlobals, 1);
  assert.deepEqual(m.globalTypes.map(String), ["global (mut i32)", "global i64"]);
  const init = m.globals[0]!.init;
  assert.deepEqual([...bytes.subarray(init.start, init.end)], [Op.I64Const, 0x7f, Op.End]);
  assert.deepEqual(m.exports.map((e) => `${e.name}:${e.kind}:${e.index}`), [
    "f:func:1",
    "h:global:1",
  ]);
  assert.equal(m.start, 1);
  assert.equal(m.elems.length, 1);
  assert.deepEqual(m.elems[0]!.funcIndices, [1]);
  assert.equal(m.dataCount, 2);
  assert.deepEqual(m.datas.map((d) => `${d.mode}:${new TextDecoder().decode(d.bytes)}`), [
    "active:hi",
    "passive:passive",
  ]);
  const f = m.bodies.at(0)!;
  assert.deepEqual(f.locals, ["f64", "i32", "i32"]);
  assert.equal(bytes[f.codeEnd - 1], Op.End);
  assert.equal(m.names.moduleName, "m");
  assert.equal(m.names.funcNames.get(1), "f");
  assert.equal(m.names.localNames.get(1)?.get(0), "a");
  assert.equal(m.names.localNames.get(1)?.get(1), "x");
  assert.ok(m.customSections.some((c) => c.name === "name"));
});

Deno.test("element segments in all eight encodings", () => {
  const offset = [0x41, 0x00, 0x0b];
  const refFunc = [0xd2, 0x00, 0x0b];
  const refNull = [0xd0, 0x6f, 0x0b];
  const segments = [
    [0x00, ...offset, ...vec([[0]])],
    [0x01, 0x00, ...vec([[0]])],
    [0x02, 0x01, ...offset, 0x00, ...vec([[0]])],
    [0x03, 0x00, ...vec([[0]])],
    [0x04, ...offset, ...vec([refFunc])],
    [0x05, 0x6f, ...vec([refNull])],
    [0x06, 0x01, ...offset, 0x70, ...vec([refFunc, refFunc])],
    [0x07, 0x70, ...vec([refFunc])],
  ];
  const m = decode(
    mod(
      TYPE_VOID,
      FUNC_ONE,
      section(9, vec(segments)),
      section(10, vec([body([], [0x0b])])),
    ),
  );
  const summary = m.elems.map((e) => ({
    mode: e.mode,
    type: e.type,
    table: e.table,
    offset: e.offsetExpr !== null,
    items: e.funcIndices ?? e.exprs!.length,
  }));
  assert.deepEqual(summary, [
    { mode: "active", type: "funcref", table: 0, offset: true, items: [0] },
    { mode: "passive", type: "funcref", table: 0, offset: false, items: [0] },
    { mode: "active", type: "funcref", table: 1, offset: true, items: [0] },
    { mode: "declarative", type: "funcref", table: 0, offset: false, items: [0] },
    { mode: "active", type: "funcref", table: 0, offset: true, items: 1 },
    { mode: "passive", type: "externref", table: 0, offset: false, items: 1 },
    { mode: "active", type: "funcref", table: 1, offset: true, items: 2 },
    { mode: "declarative", type: "funcref", table: 0, offset: false, items: 1 },
  ]);
});

Deno.test("data segments in all three encodings", () => {
  const offset = [0x41, 0x10, 0x0b];
  const m = decode(mod(
    section(5, vec([[0, 1]])),
    section(12, [3]),
    section(
      11,
      vec([[0x00, ...offset, ...str("ab")], [0x01, ...str("c")], [
        0x02,
        0x00,
        ...offset,
        ...str(""),
      ]]),
    ),
  ));
  assert.deepEqual(m.datas.map((d) => [d.mode, d.memory, d.offsetExpr !== null, d.bytes.length]), [
    ["active", 0, true, 2],
    ["passive", 0, false, 1],
    ["active", 0, true, 0],
  ]);
});

Deno.test("a malformed name section is ignored", () => {
  const goodFuncNames = [1, ...u32(4), ...vec([[0, ...str("f")]])];
  const named = (content: number[]) =>
    mod(
      TYPE_VOID,
      FUNC_ONE,
      section(10, vec([body([], [0x0b])])),
      section(0, [...str("name"), ...content]),
    );
  assert.equal(decode(named(goodFuncNames)).names.funcNames.get(0), "f");
  const malformed = [
    [1, ...u32(9), ...vec([[0, ...str("f")]])], // subsection size past the end
    [1, ...u32(5), ...vec([[0, ...str("f")]])], // subsection size one past the end
    [1, ...u32(4), 1, 0, 1, 0xff], // invalid UTF-8
    [...goodFuncNames, ...goodFuncNames], // repeated subsection
    [2, 1, 0, ...goodFuncNames], // out of order
    [1, ...u32(5), ...vec([[0, ...str("f")]]), 0], // bytes left in the subsection
  ];
  for (const content of malformed) {
    const m = decode(named(content));
    assert.equal(m.names.funcNames.size, 0);
    assert.equal(m.customSections[0]!.name, "name");
  }
});

Deno.test("custom sections keep their bytes", () => {
  const m = decode(mod(section(0, [...str("a"), 1, 2, 3]), section(0, str("b"))));
  assert.deepEqual(m.customSections.map((c) => [c.name, [...c.data]]), [["a", [1, 2, 3]], [
    "b",
    [],
  ]]);
});

Deno.test("block types: empty, value type, type index, and multi-byte negatives", () => {
  const read = (bytes: number[]) => {
    const r = new OpReader(new Uint8Array(bytes));
    assert.equal(r.read(), Op.Block);
    return r.blockType;
  };
  assert.equal(read([0x02, 0x40]), -64);
  assert.equal(read([0x02, 0x7f]), -1);
  assert.equal(read([0x02, 0x05]), 5);
  // -1 in two bytes is no value type: an index no module has, so validation says unknown type.
  assert.equal(read([0x02, 0xff, 0x7f]), 2 ** 33 - 1);
});

Deno.test("index immediates: one byte, several bytes, and cut off at the end of the body", () => {
  const read = (bytes: number[], end = bytes.length) => {
    const r = new OpReader(new Uint8Array(bytes), 0, end);
    return [r.read(), r.index, r.pos];
  };
  // `OpReader.read` reads a one-byte index itself, longer ones through `u32`.
  assert.deepEqual(read([0x20, 0x05]), [Op.LocalGet, 5, 2]);
  assert.deepEqual(read([0x10, 0x7f, 0x0b]), [Op.Call, 127, 2]);
  assert.deepEqual(read([0x0d, 0x80, 0x01]), [Op.BrIf, 128, 3]);
  assert.deepEqual(read([0x23, 0xff, 0xff, 0xff, 0xff, 0x0f]), [Op.GlobalGet, 2 ** 32 - 1, 6]);
  // An index the body's end cuts off (the module goes on) is malformed, at the index's offset.
  for (const [bytes, end] of [[[0x20], 1], [[0x20, 0x05], 1], [[0x20, 0x85, 0x01], 2]] as const) {
    assert.throws(
      () => read([...bytes], end),
      (e: unknown) =>
        e instanceof DecodeError && e.offset === end && /unexpected end/.test(e.message),
    );
  }
});

Deno.test("memargs leave the memory index 0", () => {
  const r = new OpReader(new Uint8Array([0x28, 0x02, 0x10]));
  r.index = 7;
  assert.equal(r.read(), Op.I32Load);
  assert.deepEqual([r.align, r.offset, r.index], [2, 16, 0]);
});

Deno.test("function bodies: offsets and locals of each of 40 bodies, kept in typed arrays", () => {
  const n = 40;
  const bodies = [];
  for (let i = 0; i < n; i++) {
    // Body i declares i % 3 locals of i64 and returns nothing; its code is i `nop`s.
    const locals = i % 3 === 0 ? [] : [[i % 3, 0x7e]];
    bodies.push(body(locals, [...new Array<number>(i).fill(Op.Nop), Op.End]));
  }
  const code = [...u32(n), ...bodies.flat()];
  const bytes = mod(TYPE_VOID, section(3, vec(bodies.map(() => [0x00]))), section(10, code));
  const m = decode(bytes);
  assert.equal(m.bodies.length, n);
  let expected = bytes.length - code.length + u32(n).length; // the first body's size field
  for (let i = 0; i < n; i++) {
    const b = m.bodies;
    assert.equal(b.offset(i), expected);
    assert.equal(b.codeStart(i), b.offset(i) + 1 + (i % 3 === 0 ? 1 : 3));
    assert.equal(b.codeEnd(i), b.codeStart(i) + i + 1);
    assert.equal(bytes[b.codeEnd(i) - 1], Op.End);
    assert.deepEqual(b.locals(i), new Array(i % 3).fill("i64"));
    assert.deepEqual(b.at(i), {
      locals: b.locals(i),
      offset: b.offset(i),
      codeStart: b.codeStart(i),
      codeEnd: b.codeEnd(i),
    });
    expected = b.codeEnd(i);
  }
  assert.equal(expected, bytes.length);
  assert.equal(m.bodies.at(n), undefined);
  assert.equal(m.bodies.at(-1), undefined);
});

Deno.test("function bodies: pushed past what was reserved, the offsets grow and keep their values", () => {
  const bodies = new FuncBodies();
  bodies.reserve(2);
  for (let i = 0; i < 100; i++) {
    bodies.push(i % 2 === 0 ? [] : ["f32"], 10 * i, 10 * i + 2, 10 * i + 9);
  }
  assert.equal(bodies.length, 100);
  for (let i = 0; i < 100; i++) {
    assert.deepEqual(bodies.at(i), {
      locals: i % 2 === 0 ? [] : ["f32"],
      offset: 10 * i,
      codeStart: 10 * i + 2,
      codeEnd: 10 * i + 9,
    });
  }
});
