/**
 * `wasmi-ts run`: runs a WASI program (its `_start`), or calls one export with `--invoke`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import process from "node:process";
import {
  type CompilationMode,
  Config,
  Engine,
  type Func,
  Linker,
  Module,
  Store,
  Trap,
  type Val,
  WasmError,
} from "../mod.ts";
import { WasiCtxBuilder, WasiError, WasiExit } from "../src/wasi/mod.ts";
import { hostDir, hostStderr, hostStdin, hostStdout } from "../src/wasi/host_fs.ts";
import { formatValue, parseValues } from "../repl/value_text.ts";
import { RefHandles } from "../repl/ref_handles.ts";
import { isWasmBinary, watToWasm } from "../repl/wat.ts";

/** Exit status when the command line is wrong. */
export const EXIT_USAGE = 2;
/** Exit status when the module cannot be read, compiled, linked or instantiated. */
export const EXIT_LOAD = 1;
/** Exit status when the program traps (as wasmtime: 128 + SIGABRT). */
export const EXIT_TRAP = 134;

export const RUN_USAGE = `Usage: wasmi-ts run [options] FILE.wasm|FILE.wat [ARGS...]

Runs a WASI program's _start (or the export --invoke names) with the arguments after FILE.
The program sees only what the options give it: no directories, no environment by default.

Options:
  --dir HOST[::GUEST]      preopen the host directory HOST as GUEST (default: HOST as given);
                           repeatable
  --env NAME=VALUE         set an environment variable; --env NAME passes the host's value;
                           repeatable
  --invoke NAME            call the export NAME with ARGS as its typed parameters and print its
                           results, one per line
  --fuel N                 meter fuel and run with N units; running out is a trap
  --compilation-mode MODE  eager, lazy-translation or lazy (default lazy)
  -h, --help               show this help

Exit status: the program's exit code (proc_exit, or 0 when _start returns); 1 when the module
cannot be loaded, linked or instantiated; 2 for a bad command line; 134 when it traps (the trap
and a backtrace go to stderr).`;

const MODES: Record<string, CompilationMode> = {
  eager: "eager",
  "lazy-translation": "lazyTranslation",
  lazy: "lazy",
};

class UsageError extends Error {}

/** The program's arguments split at FILE: options before, guest arguments after. */
function splitAtFile(args: string[]): { options: string[]; file?: string; rest: string[] } {
  const takesValue = new Set(["--dir", "--env", "--invoke", "--fuel", "--compilation-mode"]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      return { options: args.slice(0, i), file: args[i + 1], rest: args.slice(i + 2) };
    }
    if (!a.startsWith("-") || a === "-") {
      return { options: args.slice(0, i), file: a, rest: args.slice(i + 1) };
    }
    if (takesValue.has(a)) i++;
  }
  return { options: args, rest: [] };
}

async function readModuleBytes(file: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(readFileSync(file));
  if (isWasmBinary(bytes) || !/\.wat$/i.test(file)) return bytes;
  return await watToWasm(new TextDecoder().decode(bytes), file);
}

function describeTrap(trap: Trap): string {
  const lines = [`trap: ${trap.message} (${trap.codeName})`];
  for (const frame of trap.backtrace) {
    lines.push(`  at func ${frame.funcIndex}${frame.name !== undefined ? ` ${frame.name}` : ""}`);
  }
  return lines.join("\n");
}

/**
 * Runs `wasmi-ts run` with `args` (the words after `run`).
 *
 * @returns the exit status
 */
export async function runCommand(args: string[]): Promise<number> {
  const err = (text: string) => process.stderr.write(`${text}\n`);
  let file: string | undefined;
  let guestArgs: string[];
  let values;
  try {
    const split = splitAtFile(args);
    file = split.file;
    guestArgs = split.rest;
    values = parseArgs({
      args: split.options,
      options: {
        dir: { type: "string", multiple: true, default: [] },
        env: { type: "string", multiple: true, default: [] },
        invoke: { type: "string" },
        fuel: { type: "string" },
        "compilation-mode": { type: "string", default: "lazy" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
    if (values.help) {
      process.stdout.write(`${RUN_USAGE}\n`);
      return 0;
    }
    if (file === undefined) throw new UsageError("Expected a FILE.wasm or FILE.wat to run");
    if (!(values["compilation-mode"] in MODES)) {
      throw new UsageError(
        `--compilation-mode must be eager, lazy-translation or lazy, got '${
          values["compilation-mode"]
        }'`,
      );
    }
    if (values.fuel !== undefined && !/^\d+$/.test(values.fuel)) {
      throw new UsageError(`--fuel must be a non-negative integer, got '${values.fuel}'`);
    }
  } catch (e) {
    err(`wasmi-ts run: ${(e as Error).message}\n\n${RUN_USAGE}`);
    return EXIT_USAGE;
  }

  const builder = new WasiCtxBuilder()
    .args([file, ...guestArgs])
    .stdin(hostStdin())
    .stdout(hostStdout())
    .stderr(hostStderr());
  try {
    for (const spec of values.env) {
      const eq = spec.indexOf("=");
      if (eq < 0) {
        const inherited = process.env[spec];
        if (inherited !== undefined) builder.env({ [spec]: inherited });
      } else {
        builder.env({ [spec.slice(0, eq)]: spec.slice(eq + 1) });
      }
    }
    for (const spec of values.dir) {
      const sep = spec.indexOf("::");
      const host = sep < 0 ? spec : spec.slice(0, sep);
      const guest = sep < 0 ? spec : spec.slice(sep + 2);
      builder.preopenDir(hostDir(host), guest);
    }
  } catch (e) {
    if (!(e instanceof WasiError || e instanceof TypeError)) throw e;
    err(`wasmi-ts run: ${e.message}`);
    return EXIT_USAGE;
  }
  const wasi = builder.build();

  const fuel = values.fuel === undefined ? undefined : BigInt(values.fuel);
  const engine = new Engine(
    new Config({
      consumeFuel: fuel !== undefined,
      compilationMode: MODES[values["compilation-mode"]]!,
    }),
  );
  const store = new Store(engine, null);
  if (fuel !== undefined) store.setFuel(fuel);
  const linker = wasi.addToLinker(new Linker(engine));
  let instance;
  try {
    const module = new Module(engine, await readModuleBytes(file));
    instance = linker.instantiate(store, module);
  } catch (e) {
    if (e instanceof Trap) {
      err(`wasmi-ts run: ${file}: the start function trapped\n${describeTrap(e)}`);
      return EXIT_TRAP;
    }
    err(`wasmi-ts run: ${file}: ${(e as Error).message}`);
    return EXIT_LOAD;
  }

  try {
    if (values.invoke === undefined) {
      if (instance.getFunc(store, "_start") === undefined) {
        err(`wasmi-ts run: ${file} exports no _start function (use --invoke NAME)`);
        return EXIT_LOAD;
      }
      return wasi.start(store, instance) & 0xff;
    }
    const func: Func | undefined = instance.getFunc(store, values.invoke);
    if (func === undefined) {
      err(`wasmi-ts run: ${file} exports no function '${values.invoke}'`);
      return EXIT_LOAD;
    }
    const refs = new RefHandles();
    const ctx = { refs, findFunc: (name: string) => instance.getFunc(store, name) };
    let params: Val[];
    try {
      params = parseValues(func.ty(store).params, guestArgs, ctx, values.invoke);
    } catch (e) {
      err(`wasmi-ts run: ${(e as Error).message}`);
      return EXIT_USAGE;
    }
    let results: Val[];
    try {
      results = func.call(store, params);
    } finally {
      wasi.closeAll();
    }
    for (const r of results) process.stdout.write(`${formatValue(r, refs)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof WasiExit) return e.code & 0xff;
    if (e instanceof Trap) {
      if (e.cause instanceof WasiExit) return e.cause.code & 0xff;
      err(describeTrap(e));
      return EXIT_TRAP;
    }
    if (e instanceof WasmError) {
      err(`wasmi-ts run: ${e.message}`);
      return EXIT_LOAD;
    }
    throw e;
  }
}
