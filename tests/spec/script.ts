/**
 * `.wast` scripts as typed commands: the S-expressions of `sexpr.ts` turned into modules,
 * actions and assertions with fully parsed argument and expected values.
 *
 * @module
 */

import { isAtom, readSExprs, type SExpr, type SList, type SString } from "./sexpr.ts";
import {
  LiteralError,
  parseF32Bits,
  parseF64Bits,
  parseI32,
  parseI64,
  parseIntBits,
} from "./literals.ts";
import {
  type Expected,
  type ExpectedLane,
  laneBits,
  type LaneShape,
  type RefKind,
  type WastValue,
} from "./values.ts";

/** A script that cannot be turned into commands (unknown command, bad value, ...). */
export class ScriptError extends Error {
  override name = "ScriptError";
  /**
   * @param message what is wrong
   * @param line 1-based line of the offending form
   */
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
  }
}

/** Where a module's bytes come from. */
export type ModuleSource =
  /** A text `(module ...)` form, verbatim from the script (UTF-8 bytes). */
  | { readonly format: "text"; readonly text: Uint8Array }
  /** `(module binary "...")`: the concatenated strings are the binary. */
  | { readonly format: "binary"; readonly bytes: Uint8Array }
  /** `(module quote "...")`: the concatenated strings are text-format source. */
  | { readonly format: "quote"; readonly text: Uint8Array };

/** A module definition as written in a script. */
export interface ModuleDef {
  readonly kind: "module";
  /** The `$name` after `module`, if any. */
  readonly name?: string;
  readonly source: ModuleSource;
  readonly line: number;
  /**
   * `(module definition ...)`: compiled (and named) but not instantiated; `module_instance`
   * commands instantiate it later.
   */
  readonly definition?: boolean;
}

/** `(invoke $M? "name" arg*)` or `(get $M? "name")`. */
export type Action =
  | {
    readonly kind: "invoke";
    readonly module?: string;
    readonly field: string;
    readonly args: readonly WastValue[];
  }
  | { readonly kind: "get"; readonly module?: string; readonly field: string };

interface CommandBase {
  /** Script file name (as given to `parseScript`). */
  readonly file: string;
  /** 1-based line of the command's opening parenthesis. */
  readonly line: number;
  /** 1-based line of its closing parenthesis. */
  readonly endLine: number;
}

/** One command of a script. `kind` is the command's keyword (bare actions: `invoke` / `get`). */
export type Command =
  & CommandBase
  & (
    | { readonly kind: "module"; readonly module: ModuleDef }
    | { readonly kind: "register"; readonly as: string; readonly module?: string }
    /** `(module instance $I? $M)`: instantiates the module definition `$M` (as `$I`). */
    | {
      readonly kind: "module_instance";
      readonly instance?: string;
      readonly definition: string;
    }
    | { readonly kind: "invoke" | "get"; readonly action: Action }
    | {
      readonly kind: "assert_return";
      readonly action: Action;
      readonly expected: readonly Expected[];
    }
    | {
      readonly kind: "assert_trap" | "assert_uninstantiable";
      readonly target: Action | ModuleDef;
      readonly message: string;
    }
    | { readonly kind: "assert_exhaustion"; readonly action: Action; readonly message: string }
    /** `(assert_exception action)`: the call ends with an uncaught Wasm exception. */
    | { readonly kind: "assert_exception"; readonly action: Action }
    | {
      readonly kind: "assert_malformed" | "assert_invalid" | "assert_unlinkable";
      readonly module: ModuleDef;
      readonly message: string;
    }
  );

/** The keyword of every command kind. */
export type CommandKind = Command["kind"];

/** Every command kind, in the order reports list them. */
export const COMMAND_KINDS: readonly CommandKind[] = [
  "module",
  "module_instance",
  "register",
  "invoke",
  "get",
  "assert_return",
  "assert_trap",
  "assert_exhaustion",
  "assert_exception",
  "assert_malformed",
  "assert_invalid",
  "assert_unlinkable",
  "assert_uninstantiable",
];

const utf8Encoder = new TextEncoder();

/**
 * Reads a script and turns it into commands.
 *
 * @param file the script's name, recorded in every command
 * @param source the script's bytes (a string is encoded as UTF-8)
 * @throws {SExprError} on S-expression syntax errors
 * @throws {ScriptError} on unknown commands or malformed values
 */
export function parseScript(file: string, source: Uint8Array | string): Command[] {
  const bytes = typeof source === "string" ? utf8Encoder.encode(source) : source;
  const exprs = readSExprs(bytes);
  if (isInlineModule(exprs)) return [inlineModuleCommand(file, bytes, exprs)];
  return exprs.map((expr) => parseCommand({ file, bytes }, withoutAnnotations(expr)));
}

/** True for an annotation, `(@id ...)`, which the script grammar allows between any tokens. */
function isAnnotation(expr: SExpr): boolean {
  return expr.kind === "list" && expr.items[0]?.kind === "atom" &&
    expr.items[0].text.startsWith("@");
}

/**
 * The expression with its annotations left out, at every depth (spans are kept, so a module's
 * text, cut from the script, still has them for the text converter).
 */
function withoutAnnotations(expr: SExpr): SExpr {
  if (expr.kind !== "list") return expr;
  const items = expr.items.filter((item) => !isAnnotation(item)).map(withoutAnnotations);
  return { ...expr, items };
}

/**
 * True if the script is one module written as bare module fields (`(func) (memory 0) ...`),
 * which the spec's script grammar allows in place of a command list.
 */
function isInlineModule(exprs: readonly SExpr[]): boolean {
  const first = exprs[0];
  if (first?.kind !== "list") return false;
  const keyword = first.items[0];
  return keyword?.kind === "atom" && !(COMMAND_KINDS as readonly string[]).includes(keyword.text);
}

/** The single `module` command of an inline-module script: the whole file, quoted. */
function inlineModuleCommand(file: string, bytes: Uint8Array, exprs: readonly SExpr[]): Command {
  const last = exprs[exprs.length - 1];
  const endLine = last.kind === "list" ? last.endLine : last.line;
  const module: ModuleDef = { kind: "module", line: 1, source: { format: "quote", text: bytes } };
  return { file, line: 1, endLine, kind: "module", module };
}

/** What every command parser needs besides the expression: the file and its bytes. */
interface Context {
  readonly file: string;
  /** The whole script, to cut text modules out of verbatim. */
  readonly bytes: Uint8Array;
}

function expectList(expr: SExpr | undefined, line: number, what: string): SList {
  if (expr?.kind !== "list") throw new ScriptError(`expected ${what}`, expr?.line ?? line);
  return expr;
}

function expectString(expr: SExpr | undefined, line: number, what: string): SString {
  if (expr?.kind !== "string") throw new ScriptError(`expected ${what}`, expr?.line ?? line);
  return expr;
}

function expectAtom(expr: SExpr | undefined, line: number, what: string): string {
  if (expr?.kind !== "atom") throw new ScriptError(`expected ${what}`, expr?.line ?? line);
  return expr.text;
}

/** The `$name` at `items[index]`, if there is one. */
function optionalName(items: readonly SExpr[], index: number): string | undefined {
  const item = items[index];
  return item?.kind === "atom" && item.text.startsWith("$") ? item.text : undefined;
}

/** The keyword of a list, e.g. `assert_return` for `(assert_return ...)`. */
function head(list: SList): string {
  return expectAtom(list.items[0], list.line, "a keyword");
}

function parseCommand(context: Context, expr: SExpr): Command {
  const list = expectList(expr, expr.line, "a command");
  const base = { file: context.file, line: list.line, endLine: list.endLine };
  const keyword = head(list);
  const items = list.items;
  switch (keyword) {
    case "module":
      if (isAtom(items[1], "instance")) {
        const instance = optionalName(items, 2);
        const definition = optionalName(items, instance === undefined ? 2 : 3);
        const name = definition ?? instance;
        if (name === undefined) {
          throw new ScriptError("expected a module definition name", list.line);
        }
        return definition === undefined
          ? { ...base, kind: "module_instance", definition: name }
          : { ...base, kind: "module_instance", instance, definition };
      }
      return { ...base, kind: "module", module: parseModule(context, list) };
    case "register":
      return {
        ...base,
        kind: "register",
        as: expectString(items[1], list.line, "a registration name").text,
        module: optionalName(items, 2),
      };
    case "invoke":
    case "get":
      return { ...base, kind: keyword, action: parseAction(list) };
    case "assert_return":
      return {
        ...base,
        kind: keyword,
        action: parseAction(expectList(items[1], list.line, "an action")),
        expected: items.slice(2).map(parseExpected),
      };
    case "assert_trap":
    case "assert_uninstantiable":
      return {
        ...base,
        kind: keyword,
        target: parseTarget(context, items[1], list.line),
        message: message(list),
      };
    case "assert_exhaustion":
      return {
        ...base,
        kind: keyword,
        action: parseAction(expectList(items[1], list.line, "an action")),
        message: message(list),
      };
    case "assert_exception":
      return {
        ...base,
        kind: keyword,
        action: parseAction(expectList(items[1], list.line, "an action")),
      };
    case "assert_malformed":
    case "assert_invalid":
    case "assert_unlinkable":
      return {
        ...base,
        kind: keyword,
        module: parseModule(context, expectList(items[1], list.line, "a module")),
        message: message(list),
      };
  }
  throw new ScriptError(`unknown command "${keyword}"`, list.line);
}

/** The expected-message string that ends an assertion. */
function message(list: SList): string {
  return expectString(list.items[2], list.line, "an expected message").text;
}

/** An action or a module, as `assert_trap` / `assert_uninstantiable` accept. */
function parseTarget(context: Context, expr: SExpr | undefined, line: number): Action | ModuleDef {
  const list = expectList(expr, line, "an action or a module");
  return head(list) === "module" ? parseModule(context, list) : parseAction(list);
}

/** Concatenates the bytes of string items (binary and quote modules). */
function concatStrings(items: readonly SExpr[], line: number): Uint8Array {
  const parts = items.map((item) => expectString(item, line, "a string").bytes);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Parses `(module definition? $name? ...)`, `(module definition? $name? binary "..."*)`,
 * `(module definition? $name? quote "..."*)`.
 */
function parseModule(context: Context, list: SList): ModuleDef {
  if (head(list) !== "module") throw new ScriptError("expected (module ...)", list.line);
  const definition = isAtom(list.items[1], "definition");
  const nameIndex = definition ? 2 : 1;
  const name = optionalName(list.items, nameIndex);
  const rest = list.items.slice(name === undefined ? nameIndex : nameIndex + 1);
  const def = definition
    ? { kind: "module", name, line: list.line, definition } as const
    : { kind: "module", name, line: list.line } as const;
  if (isAtom(rest[0], "binary")) {
    return { ...def, source: { format: "binary", bytes: concatStrings(rest.slice(1), list.line) } };
  }
  if (isAtom(rest[0], "quote")) {
    return { ...def, source: { format: "quote", text: concatStrings(rest.slice(1), list.line) } };
  }
  const text = definition
    ? textWithoutDefinition(context, list)
    : context.bytes.slice(list.start, list.end);
  return { ...def, source: { format: "text", text } };
}

/**
 * The text of a `(module definition ...)` form as a plain `(module ...)`: the `definition`
 * keyword replaced by spaces (so offsets and line numbers stay the same).
 */
function textWithoutDefinition(context: Context, list: SList): Uint8Array {
  const text = context.bytes.slice(list.start, list.end);
  const keyword = utf8Encoder.encode("definition");
  // The first occurrence is the keyword: only `(module` and white space come before it.
  const from = text.findIndex((_, i) => keyword.every((byte, j) => text[i + j] === byte));
  if (from >= 0) text.fill(0x20, from, from + keyword.length);
  return text;
}

/** Parses `(invoke $M? "name" const*)` or `(get $M? "name")`. */
function parseAction(list: SList): Action {
  const keyword = head(list);
  const module = optionalName(list.items, 1);
  const fieldIndex = module === undefined ? 1 : 2;
  const field = expectString(list.items[fieldIndex], list.line, "an export name").text;
  if (keyword === "get") return { kind: "get", module, field };
  if (keyword !== "invoke") throw new ScriptError(`unknown action "${keyword}"`, list.line);
  const args = list.items.slice(fieldIndex + 1).map(parseArgument);
  return { kind: "invoke", module, field, args };
}

/** The atoms after the keyword of a `(t.const ...)`-like form. */
function constAtoms(list: SList): string[] {
  return list.items.slice(1).map((item) => expectAtom(item, list.line, "a literal"));
}

/** Runs a literal parser, turning its errors into script errors at the form's line. */
function literal<T>(list: SList, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof LiteralError) throw new ScriptError(error.message, list.line);
    throw error;
  }
}

/** Parses an argument value: a `*.const`, `ref.null`, `ref.extern N` or `ref.host N`. */
function parseArgument(expr: SExpr): WastValue {
  const list = expectList(expr, expr.line, "a constant");
  const keyword = head(list);
  const atoms = constAtoms(list);
  return literal(list, () => {
    switch (keyword) {
      case "i32.const":
        return { type: "i32", value: parseI32(single(atoms, list)) };
      case "i64.const":
        return { type: "i64", value: parseI64(single(atoms, list)) };
      case "f32.const":
        return { type: "f32", bits: parseF32Bits(single(atoms, list)) };
      case "f64.const":
        return { type: "f64", bits: parseF64Bits(single(atoms, list)) };
      case "v128.const":
        return { type: "v128", bytes: parseV128(atoms, list) };
      case "ref.null":
        return parseRefNull(single(atoms, list), list);
      case "ref.extern":
        return { type: "externref", ref: parseI32(single(atoms, list)) >>> 0 };
      case "ref.host":
        return { type: "ref", heap: "host", ref: parseI32(single(atoms, list)) >>> 0 };
    }
    throw new ScriptError(`unknown constant "${keyword}"`, list.line);
  });
}

function single(atoms: readonly string[], list: SList): string {
  if (atoms.length !== 1) throw new ScriptError("expected one literal", list.line);
  return atoms[0];
}

/** The heap types `ref.null` may name besides `func` and `extern` (Wasm 3.0). */
const WASM3_NULL_HEAPS = new Set([
  "any",
  "eq",
  "i31",
  "struct",
  "array",
  "none",
  "nofunc",
  "noextern",
  "exn",
  "noexn",
]);

function parseRefNull(heapType: string, list: SList): WastValue {
  if (heapType === "func" || heapType === "funcref") return { type: "funcref", ref: null };
  if (heapType === "extern" || heapType === "externref") return { type: "externref", ref: null };
  if (WASM3_NULL_HEAPS.has(heapType) || heapType.startsWith("$") || /^\d+$/.test(heapType)) {
    return { type: "ref", heap: heapType, ref: null };
  }
  throw new ScriptError(`unknown heap type "${heapType}"`, list.line);
}

/** The kinds of `(ref.KIND)` expectations (a non-null reference of that kind). */
const REF_KINDS: ReadonlySet<string> = new Set<RefKind>([
  "any",
  "eq",
  "i31",
  "struct",
  "array",
  "exn",
]);

const LANE_COUNTS: Readonly<Record<LaneShape, number>> = {
  i8x16: 16,
  i16x8: 8,
  i32x4: 4,
  i64x2: 2,
  f32x4: 4,
  f64x2: 2,
};

/** The shape atom of a `v128.const`, checked, and its lane atoms (count checked). */
function v128Lanes(atoms: readonly string[], list: SList): [LaneShape, string[]] {
  const shape = atoms[0] as LaneShape;
  if (!(shape in LANE_COUNTS)) throw new ScriptError(`unknown v128 shape "${shape}"`, list.line);
  const lanes = atoms.slice(1);
  if (lanes.length !== LANE_COUNTS[shape]) {
    throw new ScriptError(`${shape} needs ${LANE_COUNTS[shape]} lanes`, list.line);
  }
  return [shape, lanes];
}

/** The unsigned bits of one lane literal. */
function laneValue(shape: LaneShape, text: string): bigint {
  const bits = laneBits(shape);
  if (shape === "f32x4") return BigInt(parseF32Bits(text));
  if (shape === "f64x2") return parseF64Bits(text);
  return BigInt.asUintN(bits, parseIntBits(text, bits));
}

/** Packs lane bit patterns little-endian into 16 bytes. */
function packLanes(shape: LaneShape, lanes: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(16);
  const width = laneBits(shape) / 8;
  lanes.forEach((lane, index) => {
    for (let byte = 0; byte < width; byte++) {
      bytes[index * width + byte] = Number((lane >> BigInt(8 * byte)) & 0xffn);
    }
  });
  return bytes;
}

/** Parses the atoms of `v128.const SHAPE lane*` into 16 bytes. */
function parseV128(atoms: readonly string[], list: SList): Uint8Array {
  const [shape, lanes] = v128Lanes(atoms, list);
  return packLanes(shape, lanes.map((lane) => laneValue(shape, lane)));
}

/** The NaN pattern a literal names, if it is `nan:canonical` / `nan:arithmetic`. */
function nanPattern(text: string): "canonical" | "arithmetic" | undefined {
  if (text === "nan:canonical") return "canonical";
  if (text === "nan:arithmetic") return "arithmetic";
  return undefined;
}

/** Parses an expected result: any argument form, NaN patterns, `(ref.func)`, `(either ...)`. */
function parseExpected(expr: SExpr): Expected {
  const list = expectList(expr, expr.line, "an expected result");
  const keyword = head(list);
  if (keyword === "either") {
    return { kind: "either", options: list.items.slice(1).map(parseExpected) };
  }
  const atoms = constAtoms(list);
  if ((keyword === "f32.const" || keyword === "f64.const") && atoms.length === 1) {
    const nan = nanPattern(atoms[0]);
    if (nan !== undefined) {
      return { kind: "nan", type: keyword === "f32.const" ? "f32" : "f64", nan };
    }
  }
  if (keyword === "v128.const") return literal(list, () => parseExpectedV128(atoms, list));
  if (keyword === "ref.func" && atoms.length === 0) return { kind: "nonNullRef", type: "funcref" };
  if (keyword === "ref.extern" && atoms.length === 0) {
    return { kind: "nonNullRef", type: "externref" };
  }
  if (keyword === "ref.null" && atoms.length === 0) return { kind: "anyNull" };
  if (keyword.startsWith("ref.") && atoms.length === 0 && REF_KINDS.has(keyword.slice(4))) {
    return { kind: "refOf", heap: keyword.slice(4) as RefKind };
  }
  return { kind: "value", value: parseArgument(list) };
}

/** A `v128.const` expectation: exact bytes unless a float lane is a NaN pattern. */
function parseExpectedV128(atoms: readonly string[], list: SList): Expected {
  const [shape, lanes] = v128Lanes(atoms, list);
  if ((shape === "f32x4" || shape === "f64x2") && lanes.some((lane) => nanPattern(lane))) {
    const expectedLanes = lanes.map((lane): ExpectedLane => {
      const nan = nanPattern(lane);
      return nan === undefined ? { bits: laneValue(shape, lane) } : { nan };
    });
    return { kind: "lanes", shape, lanes: expectedLanes };
  }
  const value = packLanes(shape, lanes.map((lane) => laneValue(shape, lane)));
  return { kind: "value", value: { type: "v128", bytes: value } };
}
