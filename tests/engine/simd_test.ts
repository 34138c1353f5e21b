/**
 * The SIMD operations of `src/engine/simd.ts` and `simd_mem.ts`, without the engine.
 *
 * 1. Table tests harvested from the official `simd_*.wast` files and the relaxed SIMD proposal's
 *    scripts (whose `either` results admit each lowering): every exported function whose
 *    body is a single SIMD operator applied to its parameters, e.g.
 *    `(func (export "i8x16.add") (param v128 v128) (result v128) (i8x16.add (local.get 0)
 *    (local.get 1)))`, is run directly through the matching `simd*` function for each
 *    `assert_return` that invokes it (NaN patterns included), once into a fresh slot and once
 *    in place over its first operand (the translator may make the result slot an operand slot).
 * 2. Hand-written edge cases: saturation, NaN bits, shifts by large counts, lane loads/stores
 *    and bounds checks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { OP_INFO, opPrefix, opSub } from "../../src/binary/opcodes.ts";
import { Trap, TrapCode } from "../../src/core/trap.ts";
import {
  simdBinary,
  simdExtractLane,
  simdReplaceLane,
  simdShuffle,
  simdTernary,
  simdUnary,
} from "../../src/engine/simd.ts";
import { simdLoad, simdLoadLane, simdStore, simdStoreLane } from "../../src/engine/simd_mem.ts";
import { parseScript } from "../spec/script.ts";
import { readSExprs, type SExpr, type SList } from "../spec/sexpr.ts";
import { testsuiteDir } from "../spec/suite.ts";
import { formatExpected, formatValue, matches, type WastValue } from "../spec/values.ts";

// ---------------------------------------------------------------------------------------------
// Slot helpers

/** A slot array of 8 slots. */
function slots(): Int32Array {
  return new Int32Array(32);
}

function put(s: Int32Array, w: number, v: WastValue): void {
  const view = new DataView(s.buffer);
  switch (v.type) {
    case "i32":
      s[w] = v.value;
      return;
    case "i64":
      view.setBigInt64(w * 4, v.value, true);
      return;
    case "f32":
      s[w] = v.bits;
      return;
    case "f64":
      view.setBigUint64(w * 4, v.bits, true);
      return;
    case "v128":
      new Uint8Array(s.buffer, w * 4, 16).set(v.bytes);
      return;
    default:
      throw new Error(`no slot form for ${v.type}`);
  }
}

function get(s: Int32Array, w: number, type: string): WastValue {
  const view = new DataView(s.buffer);
  switch (type) {
    case "i32":
      return { type, value: s[w] };
    case "i64":
      return { type, value: view.getBigInt64(w * 4, true) };
    case "f32":
      return { type, bits: s[w] >>> 0 };
    case "f64":
      return { type, bits: view.getBigUint64(w * 4, true) };
    case "v128":
      return { type, bytes: new Uint8Array(s.buffer.slice(w * 4, w * 4 + 16)) };
  }
  throw new Error(`no slot form for ${type}`);
}

/** A v128 from 16 bytes. */
function bytes(...b: number[]): Uint8Array {
  assert.equal(b.length, 16);
  return Uint8Array.from(b);
}

/** Writes lanes of a shape into the slot at `w`. */
function setLanes(s: Int32Array, w: number, shape: string, lanes: (number | bigint)[]): void {
  const view = new DataView(s.buffer, w * 4, 16);
  lanes.forEach((x, i) => {
    switch (shape) {
      case "i8":
        return view.setInt8(i, Number(x));
      case "i16":
        return view.setInt16(2 * i, Number(x), true);
      case "i32":
        return view.setInt32(4 * i, Number(x), true);
      case "i64":
        return view.setBigInt64(8 * i, BigInt(x), true);
      case "f32":
        return view.setFloat32(4 * i, Number(x), true);
      case "f64":
        return view.setFloat64(8 * i, Number(x), true);
      case "u32":
        return view.setUint32(4 * i, Number(x), true);
    }
  });
}

/** Reads the lanes of a shape from the slot at `w`. */
function lanes(s: Int32Array, w: number, shape: string): (number | bigint)[] {
  const view = new DataView(s.buffer, w * 4, 16);
  const out: (number | bigint)[] = [];
  const n = { i8: 16, u8: 16, i16: 8, u16: 8, i32: 4, u32: 4, i64: 2, f32: 4, f64: 2 }[shape]!;
  for (let i = 0; i < n; i++) {
    switch (shape) {
      case "i8":
        out.push(view.getInt8(i));
        break;
      case "u8":
        out.push(view.getUint8(i));
        break;
      case "i16":
        out.push(view.getInt16(2 * i, true));
        break;
      case "u16":
        out.push(view.getUint16(2 * i, true));
        break;
      case "i32":
        out.push(view.getInt32(4 * i, true));
        break;
      case "u32":
        out.push(view.getUint32(4 * i, true));
        break;
      case "i64":
        out.push(view.getBigInt64(8 * i, true));
        break;
      case "f32":
        out.push(view.getFloat32(4 * i, true));
        break;
      case "f64":
        out.push(view.getFloat64(8 * i, true));
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Harvesting the spec files

/** Each SIMD operator's sub-opcode by text name, and the instruction it becomes. */
const NAME_TO_SUB = new Map<string, number>();
const INSTR = new Map<number, string>();
for (const info of OP_INFO.values()) {
  if (opPrefix(info.code) !== 0xfd) continue;
  NAME_TO_SUB.set(info.name, opSub(info.code));
  INSTR.set(opSub(info.code), info.translate.instr!);
}

/** Loads, stores and `v128.const`: not harvested (memory ops are tested below). */
const NOT_HARVESTED = new Set([
  "V128Load",
  "V128LoadFull",
  "V128Store",
  "V128LoadLane",
  "V128StoreLane",
  "V128Const",
]);
const SKIPPED = new Set(
  [...INSTR].filter(([, instr]) => NOT_HARVESTED.has(instr)).map(([sub]) => sub),
);

/** A harvested function: one SIMD operator over parameters. */
interface SimpleFunc {
  readonly name: string;
  readonly sub: number;
  /** Lane index or shuffle lanes. */
  readonly imms: readonly number[];
  /** Parameter index of each operand. */
  readonly operands: readonly number[];
  readonly params: readonly string[];
  readonly result: string;
}

function atom(e: SExpr | undefined): string | undefined {
  return e?.kind === "atom" ? e.text : undefined;
}

function head(e: SExpr | undefined): string | undefined {
  return e?.kind === "list" ? atom(e.items[0]) : undefined;
}

/** The single-operator functions of a module's text, by export name. */
function simpleFuncs(text: Uint8Array): Map<string, SimpleFunc> {
  const out = new Map<string, SimpleFunc>();
  const [mod] = readSExprs(text);
  if (mod?.kind !== "list") return out;
  for (const field of mod.items) {
    if (head(field) !== "func") continue;
    const items = (field as SList).items;
    let exportName: string | undefined;
    const params: string[] = [];
    const paramNames = new Map<string, number>();
    const results: string[] = [];
    const body: SExpr[] = [];
    for (const item of items.slice(1)) {
      const h = head(item);
      const sub = item.kind === "list" ? item.items.slice(1) : [];
      if (h === "export") {
        exportName = sub[0]?.kind === "string" ? sub[0].text : undefined;
      } else if (h === "param") {
        const name = atom(sub[0]);
        if (name?.startsWith("$")) {
          paramNames.set(name, params.length);
          params.push(atom(sub[1])!);
        } else {
          for (const t of sub) params.push(atom(t)!);
        }
      } else if (h === "result") {
        for (const t of sub) results.push(atom(t)!);
      } else if (item.kind === "list" || !atom(item)?.startsWith("$")) {
        body.push(item);
      }
    }
    if (exportName === undefined || body.length !== 1 || results.length !== 1) continue;
    const instr = body[0]!;
    if (instr.kind !== "list") continue;
    const sub = NAME_TO_SUB.get(atom(instr.items[0]) ?? "");
    if (sub === undefined || SKIPPED.has(sub)) continue;
    const imms: number[] = [];
    const operands: number[] = [];
    let ok = true;
    for (const arg of instr.items.slice(1)) {
      if (arg.kind === "atom") {
        imms.push(Number(arg.text));
      } else if (head(arg) === "local.get") {
        const x = atom((arg as SList).items[1])!;
        const index = x.startsWith("$") ? paramNames.get(x) : Number(x);
        if (index === undefined) ok = false;
        else operands.push(index);
      } else {
        ok = false;
      }
    }
    if (ok) {
      out.set(exportName, { name: exportName, sub, imms, operands, params, result: results[0]! });
    }
  }
  return out;
}

/** Runs a harvested function on slot array `s` (parameter k at word 4k), result at `d`. */
function runSimple(f: SimpleFunc, s: Int32Array, d: number): void {
  const w = f.operands.map((k) => 4 * k);
  if (f.sub === 0x0d) {
    const k = new DataView(Uint8Array.from(f.imms).buffer);
    simdShuffle(
      s,
      d,
      w[0]!,
      w[1]!,
      k.getInt32(0, true),
      k.getInt32(4, true),
      k.getInt32(8, true),
      k.getInt32(12, true),
    );
  } else if (INSTR.get(f.sub)!.startsWith("V128ExtractLane")) {
    simdExtractLane(f.sub, s, d, w[0]!, f.imms[0]!);
  } else if (INSTR.get(f.sub) === "V128ReplaceLane") {
    simdReplaceLane(f.sub, s, d, w[0]!, w[1]!, f.imms[0]!);
  } else if (w.length === 3) {
    simdTernary(f.sub, s, d, w[0]!, w[1]!, w[2]!);
  } else if (w.length === 2) {
    simdBinary(f.sub, s, d, w[0]!, w[1]!);
  } else {
    simdUnary(f.sub, s, d, w[0]!);
  }
}

Deno.test("SIMD operations pass the testsuite's assertions on single-operator functions", () => {
  const dir = testsuiteDir();
  const relaxed = join("proposals", "relaxed-simd");
  const files = [
    ...[...Deno.readDirSync(dir)]
      .map((e) => e.name)
      .filter((n) => n.startsWith("simd_") && n.endsWith(".wast"))
      .sort(),
    ...[...Deno.readDirSync(join(dir, relaxed))].map((e) => join(relaxed, e.name)).sort(),
  ];
  const failures: string[] = [];
  const covered = new Set<number>();
  let cases = 0;
  for (const file of files) {
    let funcs = new Map<string, SimpleFunc>();
    for (const command of parseScript(file, Deno.readFileSync(join(dir, file)))) {
      if (command.kind === "module") {
        const src = command.module.source;
        funcs = src.format === "text" ? simpleFuncs(src.text) : new Map();
        continue;
      }
      if (command.kind !== "assert_return" || command.action.kind !== "invoke") continue;
      if (command.action.module !== undefined) continue;
      const f = funcs.get(command.action.field);
      if (f === undefined) continue;
      const args = command.action.args;
      const expected = command.expected[0]!;
      const inPlace = f.result === "v128" && f.operands.length > 0 &&
        f.params[f.operands[0]!] === "v128";
      for (const d of inPlace ? [-1, 4 * f.operands[0]!] : [-1]) {
        const s = slots();
        args.forEach((v, k) => put(s, 4 * k, v));
        const dst = d < 0 ? 4 * args.length : d;
        runSimple(f, s, dst);
        const actual = get(s, dst, f.result);
        cases++;
        covered.add(f.sub);
        if (!matches(expected, actual)) {
          failures.push(
            `${file}:${command.line} ${f.name}${d < 0 ? "" : " (in place)"}: got ${
              formatValue(actual)
            }, expected ${formatExpected(expected)}`,
          );
        }
      }
    }
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${cases} failed`);
  // Every non-memory SIMD operator is exercised.
  const missing = [...NAME_TO_SUB]
    .filter(([, sub]) => !SKIPPED.has(sub) && !covered.has(sub))
    .map(([name]) => name);
  assert.deepEqual(missing, []);
  assert.ok(cases > 10000, `only ${cases} cases harvested`);
});

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases

Deno.test("saturating arithmetic clamps at the lane limits", () => {
  const s = slots();
  setLanes(s, 0, "i8", [127, -128, 100, -100, 0, 1, -1, 50, 127, -128, 0, 0, 0, 0, 0, 0]);
  setLanes(s, 4, "i8", [1, -1, 100, -100, 0, 127, -128, 50, -128, 127, 0, 0, 0, 0, 0, 0]);
  simdBinary(0x6f, s, 8, 0, 4); // i8x16.add_sat_s
  assert.deepEqual(
    lanes(s, 8, "i8"),
    [127, -128, 127, -128, 0, 127, -128, 100, -1, -1, 0, 0, 0, 0, 0, 0],
  );
  simdBinary(0x72, s, 8, 0, 4); // i8x16.sub_sat_s
  assert.deepEqual(lanes(s, 8, "i8").slice(0, 10), [126, -127, 0, 0, 0, -126, 127, 0, 127, -128]);
  setLanes(s, 0, "i16", [0xffff, 1, 0, 0x8000, 0, 0, 0, 0]);
  setLanes(s, 4, "i16", [1, 2, 1, 0x8000, 0, 0, 0, 0]);
  simdBinary(0x90, s, 8, 0, 4); // i16x8.add_sat_u
  assert.deepEqual(lanes(s, 8, "u16").slice(0, 4), [0xffff, 3, 1, 0xffff]);
  simdBinary(0x93, s, 8, 0, 4); // i16x8.sub_sat_u
  assert.deepEqual(lanes(s, 8, "u16").slice(0, 4), [0xfffe, 0, 0, 0]);
});

Deno.test("narrowing saturates signed inputs into signed or unsigned lanes", () => {
  const s = slots();
  setLanes(s, 0, "i16", [-129, -128, 127, 128, 255, 256, -1, 0]);
  setLanes(s, 4, "i16", [32767, -32768, 1, 2, 3, 4, 5, 6]);
  simdBinary(0x65, s, 8, 0, 4); // i8x16.narrow_i16x8_s
  assert.deepEqual(
    lanes(s, 8, "i8"),
    [-128, -128, 127, 127, 127, 127, -1, 0, 127, -128, 1, 2, 3, 4, 5, 6],
  );
  simdBinary(0x66, s, 0, 0, 4); // i8x16.narrow_i16x8_u, in place
  assert.deepEqual(lanes(s, 0, "u8"), [0, 0, 127, 128, 255, 255, 0, 0, 255, 0, 1, 2, 3, 4, 5, 6]);
  setLanes(s, 0, "i32", [70000, -70000, 65535, -1]);
  simdBinary(0x86, s, 8, 0, 0); // i16x8.narrow_i32x4_u
  assert.deepEqual(lanes(s, 8, "u16"), [65535, 0, 65535, 0, 65535, 0, 65535, 0]);
});

Deno.test("q15mulr_sat_s rounds and saturates the one overflowing product", () => {
  const s = slots();
  setLanes(s, 0, "i16", [-32768, -32768, 16384, 1, -1, 32767, 3, -3]);
  setLanes(s, 4, "i16", [-32768, 32767, 16384, 16384, 16384, 32767, 16384, 16384]);
  simdBinary(0x82, s, 8, 0, 4);
  assert.deepEqual(lanes(s, 8, "i16"), [32767, -32767, 8192, 1, 0, 32766, 2, -1]);
});

Deno.test("shift counts are taken modulo the lane width", () => {
  const s = slots();
  setLanes(s, 0, "i8", [1, -128, 0x40, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  s[4] = 9; // 9 mod 8 = 1
  simdBinary(0x6b, s, 8, 0, 4); // i8x16.shl
  assert.deepEqual(lanes(s, 8, "i8").slice(0, 4), [2, 0, -128, -2]);
  simdBinary(0x6c, s, 8, 0, 4); // i8x16.shr_s
  assert.deepEqual(lanes(s, 8, "i8").slice(0, 4), [0, -64, 0x20, -1]);
  simdBinary(0x6d, s, 8, 0, 4); // i8x16.shr_u
  assert.deepEqual(lanes(s, 8, "u8").slice(0, 4), [0, 64, 0x20, 127]);
  setLanes(s, 0, "i64", [-2n, 0x0000000180000000n]);
  s[4] = 65; // 65 mod 64 = 1
  simdBinary(0xcd, s, 8, 0, 4); // i64x2.shr_u
  assert.deepEqual(lanes(s, 8, "i64"), [0x7fffffffffffffffn, 0x00000000c0000000n]);
  simdBinary(0xcc, s, 8, 0, 4); // i64x2.shr_s
  assert.deepEqual(lanes(s, 8, "i64"), [-1n, 0x00000000c0000000n]);
  s[4] = -1; // 63
  simdBinary(0xcb, s, 8, 0, 4); // i64x2.shl
  assert.deepEqual(lanes(s, 8, "i64"), [0n, 0n]);
  s[4] = 32;
  setLanes(s, 0, "i32", [1, 2, 3, 4]);
  simdBinary(0xab, s, 0, 0, 4); // i32x4.shl by 32 = by 0, in place
  assert.deepEqual(lanes(s, 0, "i32"), [1, 2, 3, 4]);
});

Deno.test("float lanes keep NaN bits where the spec says so", () => {
  const s = slots();
  // abs / neg only touch the sign bit, even of a signalling NaN.
  setLanes(s, 0, "u32", [0x7f800001, 0xffa00000, 0x80000000, 0x3f800000]);
  simdUnary(0xe0, s, 4, 0); // f32x4.abs
  assert.deepEqual(lanes(s, 4, "u32"), [0x7f800001, 0x7fa00000, 0, 0x3f800000]);
  simdUnary(0xe1, s, 4, 0); // f32x4.neg
  assert.deepEqual(lanes(s, 4, "u32"), [0xff800001, 0x7fa00000, 0, 0xbf800000]);
  // pmin / pmax return an operand as it is: pmin(NaN, x) is the NaN (x < NaN fails).
  setLanes(s, 4, "u32", [0x3f800000, 0x3f800000, 0x00000000, 0x40000000]);
  simdBinary(0xea, s, 8, 0, 4); // f32x4.pmin
  assert.deepEqual(lanes(s, 8, "u32"), [0x7f800001, 0xffa00000, 0x80000000, 0x3f800000]);
  simdBinary(0xeb, s, 8, 4, 0); // f32x4.pmax(b, a): NaN < x fails, x < NaN fails → first
  assert.deepEqual(lanes(s, 8, "u32"), [0x3f800000, 0x3f800000, 0x00000000, 0x40000000]);
  // min / max / arithmetic give a quiet NaN.
  simdBinary(0xe8, s, 8, 0, 4); // f32x4.min
  const out = lanes(s, 8, "u32") as number[];
  assert.equal(out[0]! & 0x7fc00000, 0x7fc00000);
  assert.equal(out[1]! & 0x7fc00000, 0x7fc00000);
  assert.equal(out[2], 0x80000000); // min(-0, +0) = -0
  simdUnary(0x68, s, 8, 0); // f32x4.floor of a signalling NaN is quiet
  assert.equal((lanes(s, 8, "u32")[0] as number) & 0x7fc00000, 0x7fc00000);
  // f64x2: sign operations on the high word only.
  setLanes(s, 0, "i64", [0x7ff0000000000001n, -0x0010000000000000n]);
  simdUnary(0xed, s, 4, 0); // f64x2.neg
  assert.deepEqual(lanes(s, 4, "i64"), [-0x000fffffffffffffn, 0x7ff0000000000000n]);
});

Deno.test("f32 lanes round once to f32", () => {
  const s = slots();
  setLanes(s, 0, "f32", [1, 16777216, 0.1, 3]);
  setLanes(s, 4, "f32", [2 ** -24, 1, 0.2, 0]);
  simdBinary(0xe4, s, 8, 0, 4); // f32x4.add
  assert.deepEqual(lanes(s, 8, "f32"), [
    1,
    16777216,
    Math.fround(0.1 + 0.2),
    3,
  ]);
  simdBinary(0xe7, s, 8, 0, 4); // f32x4.div
  assert.deepEqual(lanes(s, 8, "f32").slice(3), [Infinity]);
  setLanes(s, 0, "i32", [16777217, -16777217, 0x7fffffff, 1]);
  simdUnary(0xfa, s, 4, 0); // f32x4.convert_i32x4_s
  assert.deepEqual(lanes(s, 4, "f32"), [16777216, -16777216, 2147483648, 1]);
  simdUnary(0xfb, s, 4, 0); // f32x4.convert_i32x4_u
  assert.deepEqual(lanes(s, 8 - 4, "f32"), [16777216, 4278190080, 2147483648, 1]);
});

Deno.test("nearest rounds half to even and keeps the sign of zero", () => {
  const s = slots();
  setLanes(s, 0, "f32", [0.5, 1.5, -0.5, -2.5]);
  simdUnary(0x6a, s, 4, 0);
  assert.deepEqual(lanes(s, 4, "f32").map((x) => Object.is(x, -0) ? "-0" : x), [0, 2, "-0", -2]);
  setLanes(s, 0, "f64", [2.5, -0.4]);
  simdUnary(0x94, s, 4, 0);
  assert.deepEqual(lanes(s, 4, "f64").map((x) => Object.is(x, -0) ? "-0" : x), [2, "-0"]);
});

Deno.test("float to int conversions saturate and map NaN to 0", () => {
  const s = slots();
  setLanes(s, 0, "f32", [NaN, -Infinity, 3e9, -1.9]);
  simdUnary(0xf8, s, 4, 0); // i32x4.trunc_sat_f32x4_s
  assert.deepEqual(lanes(s, 4, "i32"), [0, -2147483648, 2147483647, -1]);
  simdUnary(0xf9, s, 4, 0); // i32x4.trunc_sat_f32x4_u
  assert.deepEqual(lanes(s, 4, "u32"), [0, 0, 3000000000, 0]);
  setLanes(s, 0, "f64", [-5e9, 4294967295.9]);
  simdUnary(0xfc, s, 4, 0); // i32x4.trunc_sat_f64x2_s_zero
  assert.deepEqual(lanes(s, 4, "i32"), [-2147483648, 2147483647, 0, 0]);
  simdUnary(0xfd, s, 0, 0); // i32x4.trunc_sat_f64x2_u_zero, in place
  assert.deepEqual(lanes(s, 0, "u32"), [0, 4294967295, 0, 0]);
  setLanes(s, 0, "i32", [-1, -1, 7, 7]);
  simdUnary(0xff, s, 4, 0); // f64x2.convert_low_i32x4_u
  assert.deepEqual(lanes(s, 4, "f64"), [4294967295, 4294967295]);
  simdUnary(0xfe, s, 0, 0); // f64x2.convert_low_i32x4_s, in place
  assert.deepEqual(lanes(s, 0, "f64"), [-1, -1]);
  setLanes(s, 0, "f64", [1e300, 1 + 2 ** -30]);
  simdUnary(0x5e, s, 4, 0); // f32x4.demote_f64x2_zero
  assert.deepEqual(lanes(s, 4, "f32"), [Infinity, 1, 0, 0]);
  simdUnary(0x5f, s, 0, 4); // f64x2.promote_low_f32x4
  assert.deepEqual(lanes(s, 0, "f64"), [Infinity, 1]);
});

Deno.test("widening multiplies and dot products are exact", () => {
  const s = slots();
  setLanes(s, 0, "i32", [-1, 0x7fffffff, -0x80000000, 3]);
  setLanes(s, 4, "i32", [-1, 0x7fffffff, -0x80000000, -3]);
  simdBinary(0xdc, s, 8, 0, 4); // i64x2.extmul_low_i32x4_s
  assert.deepEqual(lanes(s, 8, "i64"), [1n, 0x3fffffff00000001n]);
  simdBinary(0xdd, s, 8, 0, 4); // i64x2.extmul_high_i32x4_s
  assert.deepEqual(lanes(s, 8, "i64"), [0x4000000000000000n, -9n]);
  simdBinary(0xde, s, 8, 0, 4); // i64x2.extmul_low_i32x4_u
  assert.deepEqual(lanes(s, 8, "i64"), [-0x1ffffffffn, 0x3fffffff00000001n]);
  setLanes(s, 0, "i16", [-32768, -32768, 1, 2, 3, 4, -5, 6]);
  simdBinary(0xba, s, 0, 0, 0); // i32x4.dot_i16x8_s, in place: 2^31 wraps
  assert.deepEqual(lanes(s, 0, "i32"), [-2147483648, 5, 25, 61]);
  setLanes(s, 0, "i64", [0x100000000n, -1n]);
  setLanes(s, 4, "i64", [0x100000000n, -1n]);
  simdBinary(0xd5, s, 8, 0, 4); // i64x2.mul
  assert.deepEqual(lanes(s, 8, "i64"), [0n, 1n]);
});

Deno.test("abs, neg, popcnt and the tests", () => {
  const s = slots();
  setLanes(s, 0, "i8", [-128, -1, 0, 127, 0x55, -1, 3, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
  simdUnary(0x60, s, 4, 0); // i8x16.abs
  assert.deepEqual(lanes(s, 4, "i8").slice(0, 4), [-128, 1, 0, 127]);
  simdUnary(0x62, s, 4, 0); // i8x16.popcnt
  assert.deepEqual(lanes(s, 4, "u8").slice(0, 8), [1, 8, 0, 7, 4, 8, 2, 3]);
  simdUnary(0x64, s, 4, 0); // i8x16.bitmask
  assert.equal(s[4], 0b100011);
  simdUnary(0x63, s, 4, 0); // i8x16.all_true
  assert.equal(s[4], 0);
  simdUnary(0x53, s, 4, 0); // v128.any_true
  assert.equal(s[4], 1);
  setLanes(s, 0, "i64", [-0x8000000000000000n, -5n]);
  simdUnary(0xc0, s, 4, 0); // i64x2.abs
  assert.deepEqual(lanes(s, 4, "i64"), [-0x8000000000000000n, 5n]);
  simdUnary(0xc1, s, 0, 0); // i64x2.neg, in place
  assert.deepEqual(lanes(s, 0, "i64"), [-0x8000000000000000n, 5n]);
  simdUnary(0xc4, s, 4, 0); // i64x2.bitmask
  assert.equal(s[4], 1);
  simdUnary(0xc3, s, 4, 0); // i64x2.all_true
  assert.equal(s[4], 1);
});

Deno.test("shuffle, swizzle, splat and lanes", () => {
  const s = slots();
  put(s, 0, { type: "v128", bytes: bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) });
  put(s, 4, {
    type: "v128",
    bytes: bytes(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31),
  });
  // Lanes 31, 0, 16, 15, ... packed into words.
  simdShuffle(s, 0, 0, 4, 0x0f10001f, 0x03020100, 0x17161514, 0x1b1a1918);
  assert.deepEqual(
    lanes(s, 0, "u8"),
    [31, 0, 16, 15, 0, 1, 2, 3, 20, 21, 22, 23, 24, 25, 26, 27],
  );
  put(s, 8, { type: "v128", bytes: bytes(0, 15, 16, 255, 1, 1, 1, 1, 128, 2, 3, 4, 5, 6, 7, 8) });
  simdBinary(0x0e, s, 12, 4, 8); // i8x16.swizzle
  assert.deepEqual(
    lanes(s, 12, "u8"),
    [16, 31, 0, 0, 17, 17, 17, 17, 0, 18, 19, 20, 21, 22, 23, 24],
  );
  s[8] = 0x1ff;
  simdUnary(0x0f, s, 12, 8); // i8x16.splat keeps the low byte
  assert.deepEqual(lanes(s, 12, "u8"), new Array(16).fill(255));
  s[8] = -2;
  s[9] = 0x7fffffff;
  simdUnary(0x12, s, 12, 8); // i64x2.splat
  assert.deepEqual(lanes(s, 12, "i64"), [0x7ffffffffffffffen, 0x7ffffffffffffffen]);
  s[8] = 0x12345;
  simdReplaceLane(0x1a, s, 12, 12, 8, 7); // i16x8.replace_lane 7 keeps the low half
  assert.deepEqual(lanes(s, 12, "u16").slice(5), [0xffff, 0xffff, 0x2345]);
  simdExtractLane(0x18, s, 8, 12, 6); // i16x8.extract_lane_s
  assert.equal(s[8], -1);
  simdExtractLane(0x19, s, 8, 12, 6); // i16x8.extract_lane_u
  assert.equal(s[8], 0xffff);
  simdExtractLane(0x15, s, 8, 12, 0); // i8x16.extract_lane_s
  assert.equal(s[8], -2);
  simdExtractLane(0x1d, s, 12, 12, 1); // i64x2.extract_lane 1, in place
  assert.deepEqual([s[12], s[13]], [-2, 0x2345ffff]);
  simdTernary(0x52, s, 16, 0, 4, 8); // v128.bitselect
  assert.equal(s[16], (s[0]! & s[8]!) | (s[4]! & ~s[8]!));
});

Deno.test("v128 loads and stores, lane by lane, with bounds checks", () => {
  const mem = new DataView(new ArrayBuffer(64));
  for (let i = 0; i < 64; i++) mem.setUint8(i, i * 7);
  const s = slots();
  s[0] = 40; // address operand in the result slot: it is read first
  simdLoad(0x00, s, mem, 0, s[0], 8);
  assert.deepEqual(lanes(s, 0, "u8"), Array.from({ length: 16 }, (_, i) => ((48 + i) * 7) & 255));
  simdLoad(0x01, s, mem, 4, 16, 0); // load8x8_s
  assert.deepEqual(
    lanes(s, 4, "i16"),
    Array.from({ length: 8 }, (_, i) => ((16 + i) * 7 << 24) >> 24),
  );
  simdLoad(0x02, s, mem, 4, 16, 0); // load8x8_u
  assert.deepEqual(lanes(s, 4, "i16"), Array.from({ length: 8 }, (_, i) => ((16 + i) * 7) & 255));
  simdLoad(0x06, s, mem, 4, 32, 0); // load32x2_u
  assert.deepEqual(lanes(s, 4, "i64"), [
    BigInt(mem.getUint32(32, true)),
    BigInt(mem.getUint32(36, true)),
  ]);
  simdLoad(0x05, s, mem, 4, 32, 0); // load32x2_s
  assert.deepEqual(lanes(s, 4, "i64"), [
    BigInt(mem.getInt32(32, true)),
    BigInt(mem.getInt32(36, true)),
  ]);
  simdLoad(0x08, s, mem, 4, 2, 0); // load16_splat
  assert.deepEqual(lanes(s, 4, "u16"), new Array(8).fill(mem.getUint16(2, true)));
  simdLoad(0x5d, s, mem, 4, 56, 0); // load64_zero at the very end
  assert.deepEqual(lanes(s, 4, "i64"), [mem.getBigInt64(56, true), 0n]);
  const oob = (f: () => void) =>
    assert.throws(f, (e) => e instanceof Trap && e.code === TrapCode.MemoryOutOfBounds);
  oob(() => simdLoad(0x00, s, mem, 4, 49, 0));
  oob(() => simdLoad(0x5d, s, mem, 4, 57, 0));
  oob(() => simdLoad(0x00, s, mem, 4, -1, 0)); // the address is unsigned
  oob(() => simdLoad(0x07, s, mem, 4, 0, 0xffffffff)); // offset + address does not wrap
  oob(() => simdStore(s, mem, 48, 1, 0));
  oob(() => simdLoadLane(0x57, s, mem, 4, 60, 0, 4, 0));
  oob(() => simdStoreLane(0x5a, s, mem, 61, 0, 4, 0));
  // Lane loads keep the other lanes; lane stores write one lane.
  setLanes(s, 8, "i32", [-1, -1, -1, -1]);
  simdLoadLane(0x54, s, mem, 12, 1, 0, 8, 5); // load8_lane 5
  assert.deepEqual(lanes(s, 12, "u8"), [255, 255, 255, 255, 255, 7, ...new Array(10).fill(255)]);
  simdLoadLane(0x55, s, mem, 12, 2, 0, 12, 3); // load16_lane 3, in place
  assert.equal(lanes(s, 12, "u16")[3], mem.getUint16(2, true));
  simdLoadLane(0x57, s, mem, 12, 8, 0, 12, 1); // load64_lane 1
  assert.equal(lanes(s, 12, "i64")[1], mem.getBigInt64(8, true));
  setLanes(s, 8, "u32", [0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00]);
  simdStoreLane(0x58, s, mem, 0, 0, 8, 6); // store8_lane 6
  assert.equal(mem.getUint8(0), 0x66);
  simdStoreLane(0x59, s, mem, 0, 1, 8, 5); // store16_lane 5
  assert.equal(mem.getUint16(1, true), 0x99aa);
  simdStoreLane(0x5b, s, mem, 0, 8, 8, 1); // store64_lane 1
  assert.equal(mem.getBigUint64(8, true), 0xddeeff0099aabbccn);
  simdStore(s, mem, 40, 8, 8);
  assert.equal(mem.getUint32(60, true), 0xddeeff00);
  assert.equal(mem.getUint8(1) === 0xaa && mem.getUint8(3) === 3 * 7, true);
});

Deno.test("views follow a new slot array", () => {
  const a = slots(), b = new Int32Array(64);
  setLanes(a, 0, "i8", new Array(16).fill(3));
  simdBinary(0x6e, a, 4, 0, 0); // i8x16.add
  setLanes(b, 40, "i8", new Array(16).fill(5));
  simdBinary(0x6e, b, 44, 40, 40);
  assert.deepEqual(lanes(a, 4, "i8"), new Array(16).fill(6));
  assert.deepEqual(lanes(b, 44, "i8"), new Array(16).fill(10));
});
