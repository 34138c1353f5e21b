/**
 * Every malformation the decoder reports, on hand-built modules: the message (in the spec
 * testsuite's words) and the offset.
 */
import assert from "node:assert/strict";
import { DecodeError } from "../../src/core/errors.ts";
import { WASM2_FEATURES } from "../../src/core/features.ts";
import { assertMalformed, decode } from "./_builder.ts";
import {
  body,
  FUNC_ONE,
  funcModule,
  mod,
  section,
  str,
  TYPE_VOID,
  u32,
  vec,
} from "../_lib/bytes.ts";

/** Offset of the first instruction of `funcModule`'s body. */
const CODE_AT = funcModule([0x0b]).length - 1;
/** Offset of the local declarations of `funcModule`'s body. */
const LOCALS_AT = CODE_AT - 1;

Deno.test("header: magic, version, truncation", () => {
  assertMalformed(
    new Uint8Array([1, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    "magic header not detected",
    0,
  );
  assertMalformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), "unknown binary version", 4);
  assertMalformed(new Uint8Array([]), "unexpected end", 0);
  assertMalformed(new Uint8Array([0, 0x61, 0x73]), "unexpected end", 3);
  assertMalformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 1]), "unexpected end", 5);
});

Deno.test("section ids and order", () => {
  assertMalformed(mod([13, 0]), "malformed section id", 8);
  assertMalformed(mod([0x80, 0]), "malformed section id", 8);
  assertMalformed(mod(FUNC_ONE, TYPE_VOID), "unexpected content after last section", 12);
  assertMalformed(mod(TYPE_VOID, TYPE_VOID), "unexpected content after last section", 14);
  // The data count section comes before the code section, not after it.
  const code = section(10, vec([body([], [0x0b])]));
  assertMalformed(
    mod(TYPE_VOID, FUNC_ONE, code, section(12, [0])),
    "unexpected content after last section",
    8 + 6 + 4 + code.length,
  );
  // Custom sections may appear anywhere, any number of times.
  const custom = section(0, str("x"));
  decode(mod(custom, TYPE_VOID, custom, FUNC_ONE, custom, section(12, [0]), code, custom));
});

Deno.test("section sizes", () => {
  assertMalformed(mod([1]), "unexpected end", 9);
  assertMalformed(mod([1, 10, 1, 0x60, 0, 0]), "length out of bounds", 9);
  // Declared one byte longer, then one byte shorter, than the content.
  assertMalformed(mod([1, 5, 1, 0x60, 0, 0, 0]), "section size mismatch", 10);
  assertMalformed(mod([1, 3, 1, 0x60, 0, 0], section(0, str("x"))), "section size mismatch", 10);
  // A vector longer than the bytes left, and one cut short by the end of the module.
  assertMalformed(mod(section(1, [5, 0x60])), "length out of bounds", 10);
  assertMalformed(mod(section(1, [1, 0x60, 1])), "unexpected end of section or function", 13);
  // A name longer than the module.
  assertMalformed(mod(section(7, [1, 10, 0x61])), "length out of bounds", 11);
});

Deno.test("imports and exports", () => {
  const imp = (kind: number[]) => mod(section(2, vec([[...str("m"), ...str("f"), ...kind]])));
  assertMalformed(imp([0x04, 0]), "malformed import kind", 15);
  assertMalformed(imp([0x03, 0x7f, 0x02]), "malformed mutability", 17);
  assertMalformed(imp([0x01, 0x7f, 0, 0]), "malformed reference type", 16);
  assertMalformed(imp([0x02, 0x03, 0, 0]), "integer too large", 16);
  assertMalformed(mod(section(7, vec([[...str("e"), 0x04, 0]]))), "malformed export kind", 13);
  assertMalformed(
    mod(section(2, vec([[1, 0xff, ...str("f"), 0, 0]]))),
    "malformed UTF-8 encoding",
    11,
  );
});

Deno.test("types, limits and integers", () => {
  assertMalformed(mod(section(1, vec([[0x61, 0, 0]]))), "malformed function type", 11);
  assertMalformed(mod(section(1, vec([[0x60, 1, 0x7a, 0]]))), "malformed value type", 13);
  assertMalformed(
    mod(section(1, vec([[0x60, 1, 0xff, 0]]))),
    "integer representation too long",
    13,
  );
  assertMalformed(mod(section(4, vec([[0x7f, 0, 0]]))), "malformed reference type", 11);
  assertMalformed(mod(section(5, vec([[0x02, 0]]))), "integer too large", 11);
  assertMalformed(mod(section(5, vec([[0x81, 0x00, 0]]))), "integer representation too long", 11);
  assertMalformed(
    mod(section(5, vec([[0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]]))),
    "integer representation too long",
    12,
  );
  assertMalformed(
    mod(section(5, vec([[0x00, 0xff, 0xff, 0xff, 0xff, 0x1f]]))),
    "integer too large",
    12,
  );
  assertMalformed(mod(section(6, vec([[0x7f, 0x02, 0x41, 0, 0x0b]]))), "malformed mutability", 12);
});

Deno.test("element and data segments", () => {
  assertMalformed(mod(section(9, vec([[0x08]]))), "malformed elements segment kind", 11);
  assertMalformed(mod(section(9, vec([[0x01, 0x01, 0]]))), "malformed element kind", 12);
  assertMalformed(mod(section(9, vec([[0x05, 0x7f, 0]]))), "malformed reference type", 12);
  assertMalformed(mod(section(11, vec([[0x03]]))), "malformed data segment kind", 11);
  // A segment's bytes running past the end of the module.
  assertMalformed(
    mod(section(11, [1, 1, 2, 0x61])),
    "unexpected end of section or function",
    14,
  );
});

Deno.test("constant expressions", () => {
  // Missing `end`: the next section's id is read as an instruction (0x0a is `throw_ref`, an
  // opcode only with exceptions on).
  assertMalformed(
    mod(
      TYPE_VOID,
      FUNC_ONE,
      section(6, [1, 0x7f, 0, 0x41, 0]),
      section(10, vec([body([], [0x0b])])),
    ),
    "illegal opcode (throw_ref needs a disabled feature)",
    25,
  );
  assertMalformed(
    mod(section(6, vec([[0x7f, 0, 0x41, 0]]))),
    "unexpected end of section or function",
    15,
  );
  assertMalformed(
    mod(section(6, vec([[0x7f, 0, 0xd0, 0x7f, 0x0b]]))),
    "malformed reference type",
    14,
  );
});

Deno.test("function bodies: instructions", () => {
  assertMalformed(funcModule([0x06, 0x0b]), "illegal opcode", CODE_AT);
  assertMalformed(funcModule([0xfc, 0x12, 0x0b]), "illegal opcode", CODE_AT);
  assertMalformed(
    funcModule([0xfc, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b]),
    "integer too large",
    CODE_AT + 1,
  );
  assertMalformed(funcModule([0x3f, 0x01, 0x1a, 0x0b]), "zero byte expected", CODE_AT + 1);
  assertMalformed(funcModule([0x3f, 0x80, 0x00, 0x1a, 0x0b]), "zero byte expected", CODE_AT + 1);
  assertMalformed(
    funcModule([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0a, 0x00, 0x01, 0x0b]),
    "zero byte expected",
    CODE_AT + 9,
  );
  assertMalformed(
    funcModule([0x41, 0, 0x28, 0x20, 0, 0x1a, 0x0b]),
    "malformed memop flags",
    CODE_AT + 3,
  );
  assertMalformed(
    funcModule([0x41, 0, 0x28, 0x42, 0, 0x1a, 0x0b]),
    "malformed memop flags",
    CODE_AT + 3,
  );
  assertMalformed(funcModule([0x02, 0x7a, 0x0b, 0x0b]), "malformed value type", CODE_AT + 1);
  assertMalformed(funcModule([0xd0, 0x7f, 0x1a, 0x0b]), "malformed reference type", CODE_AT + 1);
  assertMalformed(funcModule([0x1c, 1, 0x7a, 0x0b]), "malformed value type", CODE_AT + 2);
  assertMalformed(
    funcModule([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b]),
    "integer representation too long",
    CODE_AT + 1,
  );
});

Deno.test("function bodies: structure and size", () => {
  // `else` outside an `if`, and a second `else`.
  assertMalformed(funcModule([0x05, 0x0b]), "END opcode expected", CODE_AT);
  assertMalformed(funcModule([0x02, 0x40, 0x05, 0x0b, 0x0b]), "END opcode expected", CODE_AT + 2);
  assertMalformed(
    funcModule([0x41, 0, 0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b]),
    "END opcode expected",
    CODE_AT + 5,
  );
  // Missing `end` at the end of the module.
  const code = (b: number[]) => section(10, vec([b]));
  assertMalformed(
    mod(TYPE_VOID, FUNC_ONE, code([2, 0, 0x01])),
    "unexpected end of section or function",
    8 + 6 + 4 + 6,
  );
  // Missing `end` before the data section, whose id is 0x0b: read as `end`, one byte too far.
  assertMalformed(
    mod(TYPE_VOID, FUNC_ONE, code([2, 0, 0x01]), section(11, [0])),
    "section size mismatch",
    8 + 6 + 4 + 4,
  );
  // Bytes after the final `end`.
  assertMalformed(funcModule([0x0b, 0x01]), "section size mismatch", LOCALS_AT);
  // An unclosed block.
  assertMalformed(
    mod(TYPE_VOID, FUNC_ONE, code([4, 0, 0x02, 0x40, 0x0b])),
    "unexpected end of section or function",
    8 + 6 + 4 + 8,
  );
});

Deno.test("function bodies: locals", () => {
  const withLocals = (locals: number[][]) =>
    mod(TYPE_VOID, FUNC_ONE, section(10, vec([body(locals, [0x0b])])));
  const at = 8 + 6 + 4 + 4;
  assertMalformed(withLocals([[...u32(50_001), 0x7f]]), "too many locals", at);
  assertMalformed(
    withLocals([[...u32(0xffff_ffff), 0x7f], [2, 0x7e]]),
    "too many locals",
    at,
  );
  assertMalformed(
    withLocals([[...u32(0x4000_0000), 0x7f], [...u32(0x4000_0000), 0x7e], [
      ...u32(0x4000_0000),
      0x7d,
    ], [...u32(0x4000_0000), 0x7c]]),
    "too many locals",
    at,
  );
  assertMalformed(withLocals([[1, 0x7a]]), "malformed value type", at + 2);
  const m = decode(withLocals([[...u32(25_000), 0x7f], [...u32(25_000), 0x7e]]));
  assert.equal(m.bodies.locals(0).length, 50_000);
  assert.equal(m.bodies.locals(0)[24_999], "i32");
  assert.equal(m.bodies.locals(0)[25_000], "i64");
});

Deno.test("module-level counts", () => {
  assertMalformed(
    mod(TYPE_VOID, FUNC_ONE),
    "function and code section have inconsistent lengths",
    8 + 6 + 4,
  );
  const mem = section(5, vec([[0, 1]]));
  const m = mod(mem, section(12, [2]), section(11, vec([[0x01, 0x00]])));
  assertMalformed(m, "data count and data section have inconsistent lengths", m.length);
  const dataDrop = funcModule([0xfc, 0x09, 0x00, 0x0b]);
  assertMalformed(dataDrop, "data count section required", dataDrop.length);
  const memoryInit = funcModule([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 0x00, 0x00, 0x0b]);
  assertMalformed(memoryInit, "data count section required", memoryInit.length);
  // With a data count section, the (unknown) data index is the validator's business.
  decode(funcModule([0xfc, 0x09, 0x00, 0x0b], section(12, [0])));
});

Deno.test("custom sections", () => {
  assertMalformed(mod([0]), "unexpected end", 9);
  assertMalformed(mod([0, 0]), "unexpected end", 10);
  // The name runs past the section's size.
  assertMalformed(mod([0, 1, 5, 0x61, 0x62, 0x63, 0x64, 0x65]), "unexpected end", 11);
  assertMalformed(mod([0, 2, 1, 0xff]), "malformed UTF-8 encoding", 10);
});

Deno.test("disabled proposals are malformed", () => {
  const noSimd = { ...WASM2_FEATURES, wasmSimd: false };
  const simd = funcModule([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a, 0x0b]);
  decode(simd);
  assertIllegal(simd, noSimd, CODE_AT);
  assertMalformed(
    mod(TYPE_VOID, FUNC_ONE, section(10, vec([body([[1, 0x7b]], [0x0b])]))),
    "malformed value type",
    8 + 6 + 4 + 6,
    noSimd,
  );
  const noSignExt = { ...WASM2_FEATURES, wasmSignExtension: false };
  assertIllegal(funcModule([0x41, 0, 0xc0, 0x1a, 0x0b]), noSignExt, CODE_AT + 2);
  const noSat = { ...WASM2_FEATURES, wasmSaturatingFloatToInt: false };
  assertIllegal(funcModule([0x43, 0, 0, 0, 0, 0xfc, 0x00, 0x1a, 0x0b]), noSat, CODE_AT + 5);
  const noBulk = { ...WASM2_FEATURES, wasmBulkMemory: false };
  assertMalformed(mod(section(12, [0])), "malformed section id", 8, noBulk);
  assertMalformed(mod(section(11, vec([[0x01, 0x00]]))), "malformed data segment kind", 11, noBulk);
  assertMalformed(
    mod(section(9, vec([[0x01, 0x00, 0]]))),
    "malformed elements segment kind",
    11,
    noBulk,
  );
  const noRef = { ...WASM2_FEATURES, wasmReferenceTypes: false };
  assertIllegal(funcModule([0xd0, 0x70, 0x1a, 0x0b]), noRef, CODE_AT);
  assertMalformed(
    funcModule([0x41, 0, 0x11, 0x00, 0x01, 0x0b]),
    "zero byte expected",
    CODE_AT + 2,
    noRef,
  );
  assertMalformed(mod(section(4, vec([[0x6f, 0, 0]]))), "malformed reference type", 11, noRef);
  // The decoder reads a memory index only when multi-memory is on (Config refuses to turn it
  // on while the engine runs only memory 0; the decoder follows whatever features it gets).
  assertMalformed(funcModule([0x3f, 0x01, 0x1a, 0x0b]), "zero byte expected", CODE_AT + 1);
  const multi = { ...WASM2_FEATURES, wasmMultiMemory: true };
  decode(funcModule([0x3f, 0x01, 0x1a, 0x0b]), multi);
  // Tail calls: decoded when their switch is on.
  assertIllegal(funcModule([0x12, 0x00, 0x0b]), WASM2_FEATURES, CODE_AT);
  decode(funcModule([0x12, 0x00, 0x0b]), { ...WASM2_FEATURES, wasmTailCall: true });
  // Proposals without decoder support: 64-bit and shared memories.
  assertMalformed(mod(section(5, vec([[0x04, 0]]))), "integer too large", 11);
  assertMalformed(mod(section(5, vec([[0x03, 0, 1]]))), "integer too large", 11);
});

function assertIllegal(bytes: Uint8Array, features: typeof WASM2_FEATURES, offset: number) {
  assert.throws(() => decode(bytes, features), (e: unknown) => {
    assert.ok(e instanceof DecodeError);
    assert.match(e.reason, /^illegal opcode \(.* needs a disabled feature\)$/);
    assert.equal(e.offset, offset);
    return true;
  });
}
