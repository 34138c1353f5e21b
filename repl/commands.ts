/**
 * The REPL's command set: one table of commands (name, usage, help, argument kinds for
 * completion, and what it does) and `executeCommand`, which runs one command line on a
 * `Session` and prints through an `Output`.
 *
 * @module
 */

import { Func, Global, Memory, Table, type Val, type ValType } from "../mod.ts";
import { splitModuleText, startsModule, tokenize, unquote } from "./command_line.ts";
import {
  callText,
  errorLines,
  frameText,
  resumeHint,
  stopText,
  typeKind,
  typeText,
  valuesText,
} from "./describe.ts";
import { hexDump } from "./hex_dump.ts";
import { nullStream, WasiCtxBuilder, WasiExit } from "../src/wasi/mod.ts";
import { hostDir, hostStderr, hostStdout } from "../src/wasi/host_fs.ts";
import type { Output } from "./output.ts";
import type { RefHandles } from "./ref_handles.ts";
import type { StandInBehaviour } from "./stand_ins.ts";
import { ReplError } from "./repl_error.ts";
import {
  type CallOutcome,
  type Extern,
  externKind,
  type LoadResult,
  normalizeInstanceName,
  type Session,
} from "./session.ts";
import { parseF32Bits, parseF64Bits } from "./float_text.ts";
import {
  formatTyped,
  parseInteger,
  parseValue,
  parseValues,
  type ValueContext,
} from "./value_text.ts";

/** What a command may use besides the session. */
export interface CommandContext {
  /** The session commands act on. */
  readonly session: Session;
  /** Where commands print. */
  readonly output: Output;
  /** Reads a file for `load`. */
  readFile(path: string): Uint8Array;
  /** Ends the REPL (after `quit`). */
  quit(): void;
}

/** What an argument position holds, for tab completion. */
export type ArgKind =
  | "command"
  | "file"
  | "instance"
  | "func"
  | "memory"
  | "table"
  | "global"
  | "import"
  | "call"
  | `word:${string}`;

/** One REPL command. */
export interface Command {
  /** What the user types. */
  readonly name: string;
  /** Other names for it. */
  readonly aliases?: readonly string[];
  /** Synopsis, e.g. `load <file> [as <$name>]`. */
  readonly usage: string;
  /** One line for `help`. */
  readonly summary: string;
  /** More lines for `help <command>`. */
  readonly details: readonly string[];
  /** Fewest and most arguments (`Infinity` for any number). */
  readonly arity: readonly [number, number];
  /** What each argument position holds (the last one repeats). */
  readonly argKinds: readonly ArgKind[];
  /**
   * Does it. `args` are the tokens after the command name; `rest` is the raw text after it.
   *
   * @returns `false` if it failed without throwing (a trap, for example)
   */
  run(ctx: CommandContext, args: string[], rest: string): Promise<boolean | void> | boolean | void;
}

/** How many frames `stack <id>` lists before it counts the rest. */
const STACK_FRAMES_SHOWN = 32;

const fuelAmount = (text: string | undefined): bigint => {
  const n = text === undefined ? null : parseInteger(text, 64);
  if (n === null || n < 0n) throw new ReplError(`Expected an amount of fuel, got '${text ?? ""}'`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ReplError(`Fuel above ${Number.MAX_SAFE_INTEGER} is not supported, got ${n}`);
  }
  return n;
};

function parseNat(text: string | undefined, what: string): number {
  const n = text === undefined ? null : parseInteger(text, 64);
  if (n === null || n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ReplError(`Expected ${what} (a non-negative integer), got '${text ?? ""}'`);
  }
  return Number(n);
}

function valueContext(session: Session): ValueContext {
  return {
    refs: session.refs,
    findFunc: (name) => {
      const found = session.lookup(name);
      return found?.value instanceof Func ? found.value : undefined;
    },
  };
}

/** Whether a token looks like a number (so it is an offset, not a memory or table name). */
function isNumberToken(token: string | undefined): boolean {
  return token !== undefined && parseInteger(token, 64) !== null;
}

function printLoad(ctx: CommandContext, result: LoadResult): void {
  const { output, session } = ctx;
  const s = output.style;
  const { record } = result;
  const imports = record.module.imports();
  const exports = record.module.exports();
  output.out(
    `loaded ${s.name(record.name)} from ${record.origin}: ${plural(exports.length, "export")}, ` +
      `${plural(imports.length, "import")}${result.replaced ? " (replaces the previous one)" : ""}`,
  );
  for (const key of result.standIns) {
    const imp = imports.find((i) => `${i.module}.${i.name}` === key)!;
    const what = typeKind(imp.type);
    if (what !== "func") {
      output.out(s.note(`  ${key}: no provider for this ${what}; a new one stands in`));
      continue;
    }
    const behaviour = session.standIns.get(key)!.behaviour;
    output.out(
      s.note(
        `  ${key} ${typeText(imp.type)}: no provider; a stand-in ${
          behaviourText(behaviour, session.refs)
        }`,
      ),
    );
  }
}

function behaviourText(behaviour: StandInBehaviour, refs: RefHandles): string {
  switch (behaviour.kind) {
    case "suspend":
      return "suspends each call for you to supply results";
    case "values":
      return behaviour.values.length === 0
        ? "returns nothing"
        : `returns ${valuesText(behaviour.values, refs)}`;
    case "js":
      return `calls ${behaviour.source}`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `load`'s WASI options (before the file) and the program's arguments (after `--`). */
function wasiOptions(
  tokens: string[],
): { args: string[]; wasi?: WasiCtxBuilder & { guestArgs: string[] } } {
  let at = 0;
  let builder: (WasiCtxBuilder & { guestArgs: string[] }) | undefined;
  const wasi = () =>
    builder ??= Object.assign(
      new WasiCtxBuilder().stdin(nullStream()).stdout(hostStdout()).stderr(hostStderr()),
      { guestArgs: [] as string[] },
    );
  for (; at < tokens.length && tokens[at]!.startsWith("--"); at++) {
    const flag = tokens[at]!;
    if (flag === "--wasi") {
      wasi();
      continue;
    }
    const value = tokens[++at];
    if ((flag !== "--dir" && flag !== "--env") || value === undefined) {
      throw new ReplError(
        `Unknown load option '${flag}' (expected --wasi, --dir <dir> or --env <K>=<V>)`,
      );
    }
    const text = unquote(value);
    if (flag === "--env") {
      const eq = text.indexOf("=");
      if (eq <= 0) throw new ReplError(`Expected --env <K>=<V>, got '${text}'`);
      wasi().env({ [text.slice(0, eq)]: text.slice(eq + 1) });
    } else {
      const sep = text.indexOf("::");
      const host = sep < 0 ? text : text.slice(0, sep);
      try {
        wasi().preopenDir(hostDir(host), sep < 0 ? text : text.slice(sep + 2));
      } catch (e) {
        throw new ReplError(`Cannot preopen '${host}': ${(e as Error).message}`);
      }
    }
  }
  const rest = tokens.slice(at);
  const dashes = rest.indexOf("--");
  if (dashes < 0) return { args: rest, ...(builder === undefined ? {} : { wasi: builder }) };
  if (builder === undefined) throw new ReplError("Program arguments after `--` need --wasi");
  builder.guestArgs = rest.slice(dashes + 1).map(unquote);
  return { args: rest.slice(0, dashes), wasi: builder };
}

/** Prints the outcome of a call or resume; returns whether it did not fail. */
function printOutcome(ctx: CommandContext, outcome: CallOutcome): boolean {
  const { output, session } = ctx;
  const s = output.style;
  if (outcome.kind === "error" && outcome.error instanceof WasiExit) {
    output.out(s.note(`the program exited with code ${outcome.error.code}`));
    return outcome.error.code === 0;
  }
  switch (outcome.kind) {
    case "finished":
      if (outcome.results.length === 0) output.out(s.dim("(no results)"));
      else output.out(s.value(valuesText(outcome.results, session.refs)));
      return true;
    case "error":
      for (const line of errorLines(outcome.error, s)) output.err(line);
      return false;
    case "suspended": {
      const call = outcome.call;
      output.out(
        s.note(
          `call ${call.id} suspended: ${callText(call, session.refs)} ` +
            stopText(call.reason, session.refs),
        ),
      );
      output.out(s.dim(`  ${resumeHint(call)}`));
      return true;
    }
  }
}

/**
 * Splits call arguments into the function reference and its argument tokens: `$m.f 1 2`,
 * `$m f 1 2` and `f 1 2` are all accepted.
 */
function splitCallTarget(args: string[]): { ref: string; rest: string[] } {
  const [first, second, ...more] = args;
  if (first === undefined) throw new ReplError("Name the function to call");
  if (first.startsWith("$") && !first.includes(".")) {
    if (second === undefined) {
      throw new ReplError(`Name an export of ${first}: call ${first} <export>`);
    }
    return { ref: `${first}.${unquote(second)}`, rest: more };
  }
  return { ref: unquote(first), rest: args.slice(1) };
}

async function runCall(ctx: CommandContext, args: string[]): Promise<boolean> {
  const { session } = ctx;
  const { ref, rest } = splitCallTarget(args);
  const func = session.func(ref);
  const label = session.lookup(ref)!.label;
  const type = func.ty(session.store);
  const values = parseValues(type.params, rest, valueContext(session), label);
  return printOutcome(ctx, await session.invokeAsync(func, values, label));
}

function bytesToWrite(tokens: readonly string[]): Uint8Array {
  const parts: number[] = [];
  for (const token of tokens) {
    if (token.startsWith('"')) {
      parts.push(...new TextEncoder().encode(unquote(token)));
      continue;
    }
    const typed = /^(i32|i64|f32|f64):(.+)$/.exec(token);
    if (typed) {
      parts.push(...typedBytes(typed[1] as ValType, typed[2]!));
      continue;
    }
    const hex = /^0x([0-9a-f]+)$/i.exec(token);
    if (hex) {
      const digits = hex[1]!.length % 2 ? "0" + hex[1] : hex[1]!;
      for (let i = 0; i < digits.length; i += 2) parts.push(parseInt(digits.slice(i, i + 2), 16));
      continue;
    }
    const n = /^\d+$/.test(token) ? Number(token) : NaN;
    if (!(n >= 0 && n <= 255)) {
      throw new ReplError(
        `Expected bytes (0-255, 0x hex digits, "text", or i32:/i64:/f32:/f64: values), got '${token}'`,
      );
    }
    parts.push(n);
  }
  return new Uint8Array(parts);
}

function typedBytes(type: ValType, text: string): Uint8Array {
  const bytes = new Uint8Array(type === "i32" || type === "f32" ? 4 : 8);
  const view = new DataView(bytes.buffer);
  const bad = () => new ReplError(`Expected ${type}:<value>, got '${type}:${text}'`);
  if (type === "i32" || type === "i64") {
    const n = parseInteger(text, type === "i32" ? 32 : 64);
    if (n === null) throw bad();
    if (type === "i32") view.setUint32(0, Number(BigInt.asUintN(32, n)), true);
    else view.setBigUint64(0, BigInt.asUintN(64, n), true);
  } else if (type === "f32") {
    const bits = parseF32Bits(text);
    if (bits === null) throw bad();
    view.setUint32(0, bits, true);
  } else {
    const bits = parseF64Bits(text);
    if (bits === null) throw bad();
    view.setBigUint64(0, bits, true);
  }
  return bytes;
}

/** Splits an optional leading memory or table reference from numeric arguments. */
function optionalRef(args: string[]): { ref: string | undefined; rest: string[] } {
  if (args.length > 0 && !isNumberToken(args[0])) return { ref: args[0], rest: args.slice(1) };
  return { ref: undefined, rest: args };
}

function memoryPages(ctx: CommandContext, memory: Memory): number {
  return memory.size(ctx.session.store);
}

function describeExtern(ctx: CommandContext, value: Extern): string {
  const { session } = ctx;
  const store = session.store;
  if (value instanceof Func) return value.ty(store).toString();
  if (value instanceof Memory) {
    const pages = value.size(store);
    return `${typeText(value.ty(store))}  now ${plural(pages, "page")} (${pages * 65536} bytes)`;
  }
  if (value instanceof Table) return `${typeText(value.ty(store))}  now ${value.size(store)}`;
  const g = value as Global;
  return `${typeText(g.ty(store))} = ${formatTyped(g.get(store), session.refs)}`;
}

function padRows(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  }
  return rows.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ")
  );
}

function parseCallId(text: string | undefined): number {
  return parseNat(text, "a call id");
}

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: "help",
    aliases: ["?"],
    usage: "help [<command>]",
    summary: "list the commands, or explain one",
    details: [],
    arity: [0, 1],
    argKinds: ["command"],
    run(ctx, [name]) {
      if (name === undefined) printHelp(ctx.output);
      else printCommandHelp(ctx.output, name);
    },
  },
  {
    name: "load",
    usage: "load [--wasi] [--dir <host>[::<guest>]]... [--env <K>=<V>]... <file> [as <$name>] " +
      "[-- <args>...]",
    summary: "load a .wasm or .wat file and instantiate it",
    details: [
      "Binary or text is told apart by the first bytes, not the file name. The instance is named",
      "after the WAT module's $id, else after the file; `as` chooses the name. The new instance",
      "becomes the current one. Imports that nothing provides get stand-ins (see `help stub`).",
      "--wasi provides the wasi_snapshot_preview1 imports: the program gets <file> and <args> as",
      "argv, the --env variables, the --dir directories (--dir implies --wasi), an empty stdin,",
      "and the REPL's stdout and stderr. Call `_start` to run it; proc_exit ends the call.",
    ],
    arity: [1, Infinity],
    argKinds: ["file", "word:as"],
    async run(ctx, allArgs) {
      const { args, wasi } = wasiOptions(allArgs);
      if (args.length < 1 || args.length > 3) throw new ReplError(`Usage: ${this.usage}`);
      const [file, as, name] = args;
      if (args.length === 2 || (args.length === 3 && as !== "as")) {
        throw new ReplError(`Usage: ${this.usage}`);
      }
      const path = unquote(file!);
      let bytes: Uint8Array;
      try {
        bytes = ctx.readFile(path);
      } catch (e) {
        throw new ReplError(`Cannot read '${path}': ${fileErrorText(e)}`);
      }
      const result = await ctx.session.load(bytes, {
        origin: path,
        ...(name === undefined ? {} : { name }),
        ...(wasi === undefined ? {} : { wasi: wasi.args([path, ...wasi.guestArgs]).build() }),
      });
      printLoad(ctx, result);
    },
  },
  {
    name: "(module",
    usage: "(module [$name] ...) [as <$name>]",
    summary: "define a module inline in WAT; lines continue until parentheses balance",
    details: [
      "Type or paste the module; the REPL keeps reading until every `(` is closed.",
      'Example: (module $m (func (export "two") (result i32) i32.const 2))',
    ],
    arity: [0, Infinity],
    argKinds: [],
    async run(ctx, _args, rest) {
      const { wat, rest: after } = splitModuleText(`(module ${rest}`);
      const tail = tokenize(after);
      if (tail.length > 0 && (tail.length !== 2 || tail[0] !== "as")) {
        throw new ReplError(`Unexpected text after the module: '${after}' (expected 'as <$name>')`);
      }
      const result = await ctx.session.load(wat, {
        origin: "inline",
        ...(tail[1] === undefined ? {} : { name: tail[1] }),
      });
      printLoad(ctx, result);
    },
  },
  {
    name: "modules",
    usage: "modules",
    summary: "list loaded modules",
    details: ["Each line: instance name, where the module came from, size, imports, exports."],
    arity: [0, 0],
    argKinds: [],
    run(ctx) {
      const records = ctx.session.instances();
      if (records.length === 0) return ctx.output.out("no modules loaded");
      for (
        const line of padRows(records.map((r) => [
          r.name,
          r.origin,
          `${r.byteLength} bytes`,
          `${plural(r.module.imports().length, "import")}, ${
            plural(r.module.exports().length, "export")
          }`,
        ]))
      ) ctx.output.out(line);
    },
  },
  {
    name: "instances",
    usage: "instances",
    summary: "list instances; * marks the current one",
    details: ["Shows the module names each instance is registered under (see `register`)."],
    arity: [0, 0],
    argKinds: [],
    run(ctx) {
      const { session, output } = ctx;
      const records = session.instances();
      if (records.length === 0) return output.out("no instances");
      for (const r of records) {
        const mark = r === session.current ? "*" : " ";
        const reg = r.registeredAs.length ? `  registered as ${r.registeredAs.join(", ")}` : "";
        output.out(`${mark} ${output.style.name(r.name)}${reg}`);
      }
    },
  },
  {
    name: "use",
    usage: "use <$name>",
    summary: "make an instance current (bare export names refer to it)",
    details: [],
    arity: [1, 1],
    argKinds: ["instance"],
    run(ctx, [name]) {
      const record = ctx.session.use(name!);
      ctx.output.out(`current instance: ${ctx.output.style.name(record.name)}`);
    },
  },
  {
    name: "imports",
    usage: "imports [<$name>]",
    summary: "list an instance's imports with their types and providers",
    details: ["Without a name, lists the current instance's imports."],
    arity: [0, 1],
    argKinds: ["instance"],
    run(ctx, [name]) {
      const { session, output } = ctx;
      const record = session.instance(name);
      const imports = record.module.imports();
      if (imports.length === 0) return output.out(`${record.name} has no imports`);
      const rows = imports.map((imp) => {
        const key = `${imp.module}.${imp.name}`;
        const by = record.resolutions.get(key) ?? "?";
        const stand = session.standIns.get(key);
        const provider = by === "stand-in" && stand
          ? `stand-in that ${behaviourText(stand.behaviour, session.refs)}`
          : by;
        return [typeKind(imp.type), key, typeText(imp.type), `<- ${provider}`];
      });
      for (const line of padRows(rows)) output.out(`  ${line}`);
    },
  },
  {
    name: "exports",
    usage: "exports [<$name>]",
    summary: "list an instance's exports with their types (and globals' values)",
    details: ["Without a name, lists the current instance's exports."],
    arity: [0, 1],
    argKinds: ["instance"],
    run(ctx, [name]) {
      const { session, output } = ctx;
      const record = session.instance(name);
      const exports = record.instance.exports(session.store);
      if (exports.length === 0) return output.out(`${record.name} has no exports`);
      const rows = exports.map((e) => [
        externKind(e.value as Extern),
        e.name,
        describeExtern(ctx, e.value as Extern),
      ]);
      for (const line of padRows(rows)) output.out(`  ${line}`);
    },
  },
  {
    name: "register",
    usage: "register [<$name>] as <module>",
    summary: "make an instance's exports importable under a module name",
    details: [
      "Modules loaded afterwards can import the exports as <module>.<export>. Without a name,",
      "registers the current instance. A later registration of the same module name wins.",
    ],
    arity: [2, 3],
    argKinds: ["instance", "word:as"],
    run(ctx, args) {
      const [name, as, module] = args.length === 3 ? args : [undefined, ...args];
      if (as !== "as") throw new ReplError(`Usage: ${this.usage}`);
      const record = ctx.session.register(name, unquote(module!));
      ctx.output.out(`${ctx.output.style.name(record.name)} registered as ${unquote(module!)}`);
    },
  },
  {
    name: "call",
    aliases: ["invoke"],
    usage: "call <func> [<args>...]",
    summary: "call an exported function (also just `<func> <args>`)",
    details: [
      "<func> is `name` (current instance), `$inst.name`, `$inst name` or `module.name`.",
      "Arguments are read by the parameter types: i32/i64 in decimal or 0x hex; f32/f64 like",
      "1.5, -0, 1e3, 0x1.8p3, inf, -inf, nan, nan:0x200000; v128 as `i32x4 1 2 3 4` (any shape)",
      "or one 0x number; funcref as null, a handle #n or an export; externref as null, a",
      'number, a "string" or a handle #n. Results print as `value : type`. A long call can be',
      "interrupted with Ctrl-C; it then waits in `calls` to be resumed.",
    ],
    arity: [1, Infinity],
    argKinds: ["func"],
    run(ctx, args) {
      return runCall(ctx, args);
    },
  },
  {
    name: "get",
    usage: "get <global>",
    summary: "read a global",
    details: ["<global> is `name`, `$inst.name` or `module.name`."],
    arity: [1, 1],
    argKinds: ["global"],
    run(ctx, [ref]) {
      const value = ctx.session.getGlobal(ref!);
      ctx.output.out(ctx.output.style.value(describeEntry(ctx, value)));
    },
  },
  {
    name: "set",
    usage: "set <global> <value>",
    summary: "write a mutable global",
    details: ["The value is read by the global's type, as call arguments are."],
    arity: [2, Infinity],
    argKinds: ["global"],
    run(ctx, [ref, ...rest]) {
      const { session } = ctx;
      const global = session.global(ref!);
      const type = global.ty(session.store);
      if (!type.mutable) throw new ReplError(`${ref} is immutable (${typeText(type)})`);
      const { value, used } = parseValue(type.content, rest, 0, valueContext(session));
      if (used !== rest.length) {
        throw new ReplError(`Expected one ${type.content} value, got '${rest.join(" ")}'`);
      }
      session.setGlobal(ref!, value);
      ctx.output.out(`${ref} = ${ctx.output.style.value(describeEntry(ctx, value))}`);
    },
  },
  {
    name: "globals",
    usage: "globals [<$name>]",
    summary: "list an instance's exported globals and their values",
    details: [],
    arity: [0, 1],
    argKinds: ["instance"],
    run(ctx, [name]) {
      const { session, output } = ctx;
      const record = session.instance(name);
      const rows = record.instance.exports(session.store)
        .filter((e) => e.value instanceof Global)
        .map((e) => [e.name, describeExtern(ctx, e.value as Extern)]);
      if (rows.length === 0) return output.out(`${record.name} exports no globals`);
      for (const line of padRows(rows)) output.out(`  ${line}`);
    },
  },
  {
    name: "memory",
    usage: "memory [<memory>]",
    summary: "show a memory's size and limits",
    details: ["Without a name, the current instance's first exported memory."],
    arity: [0, 1],
    argKinds: ["memory"],
    run(ctx, [ref]) {
      const { value, label } = ctx.session.memory(ref);
      ctx.output.out(`${label}: ${describeExtern(ctx, value)}`);
    },
  },
  {
    name: "dump",
    usage: "dump [<memory>] [<offset> [<length>]]",
    summary: "hex dump a range of memory (default: 64 bytes at 0)",
    details: ["Offsets and lengths are decimal or 0x hex. At most 64 KiB at a time."],
    arity: [0, 3],
    argKinds: ["memory"],
    run(ctx, args) {
      const { ref, rest } = optionalRef(args);
      if (rest.length > 2) throw new ReplError(`Usage: ${this.usage}`);
      const { value } = ctx.session.memory(ref);
      const offset = rest[0] === undefined ? 0 : parseNat(rest[0], "an offset");
      const length = rest[1] === undefined ? 64 : parseNat(rest[1], "a length");
      if (length > 65536) throw new ReplError(`Dump at most 65536 bytes at a time, not ${length}`);
      const size = memoryPages(ctx, value) * 65536;
      if (offset + length > size) {
        throw new ReplError(
          `Range 0x${offset.toString(16)}..0x${(offset + length).toString(16)} is outside the ` +
            `memory (${size} bytes)`,
        );
      }
      const bytes = value.read(ctx.session.store, offset, length);
      for (const line of hexDump(bytes, offset)) ctx.output.out(line);
    },
  },
  {
    name: "write",
    usage: "write [<memory>] <offset> <bytes>...",
    summary: "write bytes into memory",
    details: [
      'Bytes are 0-255, 0x hex digits (0xdeadbeef is 4 bytes in that order), "text" (UTF-8),',
      "or typed little-endian values: i32:42 i64:-1 f32:1.5 f64:0x1p-2.",
    ],
    arity: [2, Infinity],
    argKinds: ["memory"],
    run(ctx, args) {
      const { ref, rest } = optionalRef(args);
      if (rest.length < 2) throw new ReplError(`Usage: ${this.usage}`);
      const { value, label } = ctx.session.memory(ref);
      const offset = parseNat(rest[0], "an offset");
      const bytes = bytesToWrite(rest.slice(1));
      const size = memoryPages(ctx, value) * 65536;
      if (offset + bytes.length > size) {
        throw new ReplError(
          `Writing ${bytes.length} bytes at 0x${offset.toString(16)} would pass the end of ` +
            `${label} (${size} bytes)`,
        );
      }
      value.write(ctx.session.store, offset, bytes);
      ctx.output.out(
        `wrote ${plural(bytes.length, "byte")} at 0x${offset.toString(16)} of ${label}`,
      );
    },
  },
  {
    name: "grow",
    usage: "grow [<memory>] <pages>",
    summary: "grow a memory by a number of 64 KiB pages",
    details: [],
    arity: [1, 2],
    argKinds: ["memory"],
    run(ctx, args) {
      const { ref, rest } = optionalRef(args);
      if (rest.length !== 1) throw new ReplError(`Usage: ${this.usage}`);
      const { value, label } = ctx.session.memory(ref);
      const delta = parseNat(rest[0], "a number of pages");
      let old: number;
      try {
        old = value.grow(ctx.session.store, delta);
      } catch (e) {
        throw new ReplError(`${label}: ${(e as Error).message}`);
      }
      if (old < 0) throw new ReplError(`Cannot grow ${label} by ${plural(delta, "page")}`);
      ctx.output.out(`${label}: ${old} -> ${plural(old + delta, "page")}`);
    },
  },
  {
    name: "table",
    usage: "table [<table>] [<start> [<count>]]",
    summary: "list table entries (default: the first 16)",
    details: ["Function references show as handles #n with the function's name and type."],
    arity: [0, 3],
    argKinds: ["table"],
    run(ctx, args) {
      const { ref, rest } = optionalRef(args);
      if (rest.length > 2) throw new ReplError(`Usage: ${this.usage}`);
      const { session, output } = ctx;
      const { value, label } = session.table(ref);
      const size = value.size(session.store);
      const start = rest[0] === undefined ? 0 : parseNat(rest[0], "a start index");
      const count = rest[1] === undefined ? 16 : parseNat(rest[1], "a count");
      const end = Math.min(size, start + count);
      output.out(`${label}: size ${size}`);
      for (let i = start; i < end; i++) {
        const entry = value.get(session.store, i);
        output.out(`  ${i}: ${entry === undefined ? "?" : describeEntry(ctx, entry)}`);
      }
    },
  },
  {
    name: "table-set",
    usage: "table-set <table> <index> <value>",
    summary: "set a table entry (null, a handle #n, or an export)",
    details: [],
    arity: [3, 3],
    argKinds: ["table"],
    run(ctx, [ref, indexText, valueText]) {
      const { session } = ctx;
      const { value: table, label } = session.table(ref);
      const index = parseNat(indexText, "an index");
      const size = table.size(session.store);
      if (index >= size) throw new ReplError(`Index ${index} is outside ${label} (size ${size})`);
      const type = table.ty(session.store).element;
      const { value } = parseValue(type, [valueText!], 0, valueContext(session));
      table.set(session.store, index, value);
      ctx.output.out(`${label}[${index}] = ${describeEntry(ctx, value)}`);
    },
  },
  {
    name: "table-grow",
    usage: "table-grow <table> <count> [<init>]",
    summary: "grow a table, new entries null or <init>",
    details: [],
    arity: [2, 3],
    argKinds: ["table"],
    run(ctx, [ref, countText, initText]) {
      const { session } = ctx;
      const { value: table, label } = session.table(ref);
      const delta = parseNat(countText, "a number of entries");
      const type = table.ty(session.store).element;
      const init = parseValue(type, [initText ?? "null"], 0, valueContext(session)).value;
      let old: number;
      try {
        old = table.grow(session.store, delta, init);
      } catch (e) {
        throw new ReplError(`${label}: ${(e as Error).message}`);
      }
      if (old < 0) throw new ReplError(`Cannot grow ${label} by ${delta}`);
      ctx.output.out(`${label}: size ${old} -> ${old + delta}`);
    },
  },
  {
    name: "stub",
    usage: "stub <import> [<values>... | suspend | zero]",
    summary: "show or set what a stand-in import returns",
    details: [
      "Imports nothing provides get stand-ins when a module loads. A function stand-in",
      "suspends the calling Wasm code and waits for you to type its results with `resume`",
      "(`suspend`, the default), or returns fixed values",
      "(`stub env.ask 42`), or zeros (`zero`). `bind` makes it call JavaScript instead.",
    ],
    arity: [1, Infinity],
    argKinds: ["import", "word:suspend"],
    run(ctx, [key, ...rest]) {
      const { session, output } = ctx;
      const standIn = session.standIns.get(key!);
      if (rest.length === 0) {
        const behaviour = standIn?.behaviour ?? session.standIns.pending(key!);
        if (!behaviour) throw new ReplError(`${key} has no stand-in (no module imports it yet)`);
        output.out(`${key}: stand-in that ${behaviourText(behaviour, session.refs)}`);
        return;
      }
      if (rest.length === 1 && rest[0] === "suspend") {
        session.standIns.setBehaviour(key!, { kind: "suspend" });
      } else {
        if (!standIn) {
          throw new ReplError(`${key} has no stand-in yet: load a module that imports it first`);
        }
        const values = rest.length === 1 && rest[0] === "zero"
          ? standIn.type.results.map((t) => parseValue(t, ["0"], 0, valueContext(session)).value)
          : parseValues(standIn.type.results, rest, valueContext(session), key!);
        session.standIns.setBehaviour(key!, { kind: "values", values });
      }
      const now = session.standIns.get(key!)?.behaviour ?? session.standIns.pending(key!)!;
      output.out(`${key}: stand-in that ${behaviourText(now, session.refs)}`);
    },
  },
  {
    name: "stubs",
    usage: "stubs",
    summary: "list every stand-in and what it does",
    details: [],
    arity: [0, 0],
    argKinds: [],
    run(ctx) {
      const { session, output } = ctx;
      const rows = session.standIns.list().map((s) => [
        s.key,
        s.type.toString(),
        behaviourText(s.behaviour, session.refs),
      ]);
      for (const [key, extern] of session.standInExterns()) {
        rows.push([key, externKind(extern), "a fresh one made by the REPL"]);
      }
      if (rows.length === 0) return output.out("no stand-ins");
      for (const line of padRows(rows)) output.out(`  ${line}`);
    },
  },
  {
    name: "bind",
    usage: "bind <import> = <JS expression>",
    summary: "make an import call a JavaScript function",
    details: [
      "The expression must evaluate to a function. It gets the Wasm arguments as JS values",
      "(i32/f32/f64 as numbers, i64 as bigint) and returns the result, an array for several,",
      "or a Promise of that. `print(...)` writes to the REPL. Applies to modules loaded",
      "before and after. Example: bind env.ask = (n) => n * 2",
    ],
    arity: [2, Infinity],
    argKinds: ["import"],
    run(ctx, [key], rest) {
      const m = /^\S+\s*=\s*([\s\S]+)$/.exec(rest);
      if (!m) throw new ReplError(`Usage: ${this.usage}`);
      if (!/^[^.\s]+\.\S+$/.test(key!)) {
        throw new ReplError(`Name the import as <module>.<name>, got '${key}'`);
      }
      ctx.session.bind(key!, m[1]!.trim());
      ctx.output.out(`${key} is bound to ${m[1]!.trim()}`);
    },
  },
  {
    name: "calls",
    usage: "calls",
    summary: "list suspended calls",
    details: [],
    arity: [0, 0],
    argKinds: [],
    run(ctx) {
      const { session, output } = ctx;
      const calls = session.suspended();
      if (calls.length === 0) return output.out("no suspended calls");
      for (const call of calls) {
        output.out(
          `  ${call.id}  ${callText(call, session.refs)}  ${stopText(call.reason, session.refs)}`,
        );
      }
    },
  },
  {
    name: "resume",
    usage: "resume <id> [<values>...]",
    summary: "continue a suspended call (a stand-in's results go after the id)",
    details: [
      "A call waiting in a stand-in takes the stand-in's results, read by their types.",
      "A call stopped for fuel or by Ctrl-C takes none (add fuel first if it ran out).",
    ],
    arity: [1, Infinity],
    argKinds: ["call"],
    async run(ctx, [idText, ...rest]) {
      const { session } = ctx;
      const id = parseCallId(idText);
      const call = session.suspendedCall(id);
      const types = call.reason.kind === "host" ? call.reason.results : [];
      const what = call.reason.kind === "host" ? `results of ${call.reason.key}` : `resume ${id}`;
      const values = parseValues(types, rest, valueContext(session), what);
      return printOutcome(ctx, await session.resume(id, values));
    },
  },
  {
    name: "drop",
    usage: "drop <id>",
    summary: "abandon a suspended call",
    details: [],
    arity: [1, 1],
    argKinds: ["call"],
    run(ctx, [idText]) {
      const call = ctx.session.drop(parseCallId(idText));
      ctx.output.out(`dropped call ${call.id} (${callText(call, ctx.session.refs)})`);
    },
  },
  {
    name: "stack",
    usage: "stack <id>",
    summary: "show where a suspended call stopped: its Wasm frames and their locals",
    details: [
      "Lists the call's Wasm frames, innermost first: the function, the byte offset of the",
      "instruction it stopped at (`@0x..`, in the module's binary), and its parameters and locals.",
    ],
    arity: [1, 1],
    argKinds: ["call"],
    run(ctx, [idText]) {
      const { session, output } = ctx;
      const call = session.suspendedCall(parseCallId(idText));
      output.out(`call ${call.id}: ${callText(call, session.refs)}`);
      output.out(`  ${stopText(call.reason, session.refs)}`);
      const frames = session.framesOf(call.id);
      for (const frame of frames.slice(0, STACK_FRAMES_SHOWN)) {
        output.out(`  ${frameText(frame, session.refs)}`);
      }
      if (frames.length > STACK_FRAMES_SHOWN) {
        output.out(`  ... ${frames.length - STACK_FRAMES_SHOWN} more frames`);
      }
      output.out(output.style.dim(`  ${resumeHint(call)}`));
    },
  },
  {
    name: "fuel",
    usage: "fuel [on <n> | off | add <n>]",
    summary: "show fuel left, or set a budget calls stop at",
    details: [
      "`fuel on 1000` gives calls a budget of 1000; a call that spends it suspends, and",
      "`fuel add 500` then `resume <id>` continues it. `fuel off` means unlimited.",
    ],
    arity: [0, 2],
    argKinds: ["word:on|off|add"],
    run(ctx, [sub, amount]) {
      const { session, output } = ctx;
      if (sub === "on") session.setFuel(true, fuelAmount(amount));
      else if (sub === "off" && amount === undefined) session.setFuel(false);
      else if (sub === "add") session.addFuel(fuelAmount(amount));
      else if (sub !== undefined) throw new ReplError(`Usage: ${this.usage}`);
      const fuel = session.fuel;
      output.out(fuel.on ? `fuel: ${fuel.left} left` : "fuel: off (unlimited)");
    },
  },
  {
    name: "reset",
    usage: "reset",
    summary: "forget every instance, stand-in and suspended call",
    details: [],
    arity: [0, 0],
    argKinds: [],
    run(ctx) {
      ctx.session.reset();
      ctx.output.out("session reset");
    },
  },
  {
    name: "quit",
    aliases: ["exit"],
    usage: "quit",
    summary: "leave the REPL (also Ctrl-D)",
    details: [],
    arity: [0, 0],
    argKinds: [],
    run(ctx) {
      ctx.quit();
    },
  },
];

const BY_NAME = new Map<string, Command>();
for (const c of COMMANDS) {
  BY_NAME.set(c.name, c);
  for (const a of c.aliases ?? []) BY_NAME.set(a, c);
}

/** The command called `name` (or one of its aliases). */
export function findCommand(name: string): Command | undefined {
  return BY_NAME.get(name);
}

/** Every command name and alias, for completion. */
export function commandNames(): string[] {
  return [...BY_NAME.keys()].filter((n) => n !== "(module");
}

function describeEntry(ctx: CommandContext, value: Val): string {
  const text = formatTyped(value, ctx.session.refs);
  if (value.value instanceof Func) {
    const f = value.value;
    return `${text}  ${ctx.session.funcLabel(f)} ${f.ty(ctx.session.store)}`;
  }
  return text;
}

function printHelp(output: Output): void {
  output.out("Commands (`help <command>` for details):");
  const rows = COMMANDS.map((c) => [c.name === "(module" ? "(module ...)" : c.name, c.summary]);
  for (const line of padRows(rows)) output.out(`  ${line}`);
  output.out("A line that is not a command calls an export: `fib 20`, `$demo.fib 20`.");
  output.out("Lines starting with # or ;; are comments.");
}

function printCommandHelp(output: Output, name: string): void {
  const command = findCommand(name) ?? (name === "module" ? findCommand("(module") : undefined);
  if (!command) throw new ReplError(`No command named '${name}'${suggest(name)}`);
  output.out(`${command.usage}`);
  output.out(`  ${command.summary}`);
  for (const line of command.details) output.out(`  ${line}`);
  if (command.aliases?.length) output.out(`  Also: ${command.aliases.join(", ")}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

function suggest(name: string): string {
  let best: string | undefined;
  // Close enough to be a typo, but not so short that everything is close.
  let bestDistance = Math.min(3, name.length - 1);
  for (const candidate of commandNames()) {
    if (candidate.length < 2) continue;
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? "" : ` (did you mean '${best}'?)`;
}

/**
 * Runs one complete command (a line, or a whole `(module ...)` definition) and prints its
 * result or error. Never throws for bad input or Wasm errors.
 *
 * @returns whether the command succeeded
 */
export async function executeCommand(ctx: CommandContext, text: string): Promise<boolean> {
  try {
    return (await dispatch(ctx, text.trim())) !== false;
  } catch (error) {
    for (const line of errorLines(error, ctx.output.style)) ctx.output.err(line);
    return false;
  }
}

function dispatch(ctx: CommandContext, text: string): Promise<boolean | void> | boolean | void {
  if (text === "") return true;
  if (startsModule(text)) {
    const rest = text.replace(/^\(\s*module\b/, "");
    return findCommand("(module")!.run(ctx, [], rest);
  }
  const tokens = tokenize(text);
  const name = tokens[0]!;
  const command = findCommand(name);
  const args = tokens.slice(1);
  if (!command) {
    if (
      ctx.session.lookup(unquote(name))?.value instanceof Func || isInstanceThenExport(ctx, tokens)
    ) {
      return runCall(ctx, tokens);
    }
    throw new ReplError(unknownCommandMessage(ctx, name));
  }
  const [min, max] = command.arity;
  if (args.length < min || args.length > max) {
    throw new ReplError(
      `${command.name} takes ${arityText(min, max)}, got ${args.length}. Usage: ${command.usage}`,
    );
  }
  const rest = text.slice(name.length).trim();
  return command.run(ctx, args, rest);
}

function arityText(min: number, max: number): string {
  if (min === max) return plural(min, "argument");
  if (max === Infinity) return `at least ${plural(min, "argument")}`;
  return `${min} to ${max} arguments`;
}

/** A file error without the absolute path Node puts in its message. */
function fileErrorText(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

function isInstanceThenExport(ctx: CommandContext, tokens: string[]): boolean {
  const [first, second] = tokens;
  if (!first?.startsWith("$") || first.includes(".") || second === undefined) return false;
  try {
    normalizeInstanceName(first);
  } catch {
    return false;
  }
  return ctx.session.lookup(`${first}.${unquote(second)}`)?.value instanceof Func;
}

function unknownCommandMessage(ctx: CommandContext, name: string): string {
  const found = ctx.session.lookup(unquote(name));
  if (found) return `${found.label} is a ${externKind(found.value)}, not a function to call`;
  if (name.startsWith("$")) {
    try {
      ctx.session.func(unquote(name));
    } catch (e) {
      if (e instanceof ReplError) return e.message;
    }
  }
  const exportHint = ctx.session.current ? ` nor an export of ${ctx.session.current.name}` : "";
  return `'${name}' is not a command${exportHint}${suggest(name)} (type \`help\` for a list)`;
}
