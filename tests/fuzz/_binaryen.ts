/**
 * Random valid modules from binaryen's `wasm-opt --translate-to-fuzz` (`-ttf`), which turns any
 * bytes into a valid module. The `wasm-opt` of the npm package `binaryen` (a pinned
 * devDependency) is an Emscripten program; it is loaded once into this process and its `main` is
 * called per module, which is ~20x faster than starting it as a process each time.
 *
 * @module
 */

import { createRequire } from "node:module";
import process from "node:process";

/**
 * The features the engine supports (Wasm 2.0 + SIMD). Everything else (tail calls, memory64,
 * multi-memory, GC, exceptions, relaxed SIMD, ...) stays off.
 */
export const FEATURE_FLAGS: readonly string[] = [
  "--mvp-features",
  "--enable-mutable-globals",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-reference-types",
  "--enable-call-indirect-overlong",
  "--enable-multivalue",
  "--enable-simd",
];

/** Extra `wasm-opt` flags for a variant of a generated module. */
export interface GenerateOptions {
  /** Instrument the module so that every NaN becomes 0 at run time (binaryen's `--denan`). */
  denan?: boolean;
  /** Optimize after generating (`-O1`, `-O2`, ...), which reshapes the code. */
  optimize?: string;
}

type CallMain = (args: string[]) => number;

let loaded: Promise<CallMain> | undefined;
let uses = 0;
/**
 * Runs of one loaded `wasm-opt` before a fresh one is loaded: its `main` was not written to run
 * many times in one process, and after a thousand or so runs it has been seen to crash.
 */
const RUNS_PER_LOAD = 200;

function wasmOptPath(): string {
  return new URL("../../node_modules/binaryen/bin/wasm-opt", import.meta.url).pathname;
}

/** Loads `wasm-opt` into this process once (about 0.3 s). */
function load(): Promise<CallMain> {
  if (loaded !== undefined) return loaded;
  loaded = (async () => {
    const path = wasmOptPath();
    const source = (await Deno.readTextFile(path)).replace(/^#!.*\n/, "");
    const emscripten: Record<string, unknown> = {
      noInitialRun: true,
      print: () => {},
      printErr: () => {},
    };
    const ready = new Promise<void>((resolve) => emscripten.onRuntimeInitialized = resolve);
    // The script is an Emscripten CommonJS program; run it with its free variables bound, and
    // keep its `callMain` (in scope at its end) to run `main` once per module.
    const run = new Function(
      "Module",
      "require",
      "process",
      "__filename",
      "__dirname",
      `${source}\n;Module.callMain = callMain;`,
    );
    run(emscripten, createRequire(path), process, path, path.replace(/\/[^/]*$/, ""));
    await ready;
    return emscripten.callMain as CallMain;
  })();
  return loaded;
}

let workDir: string | undefined;

/**
 * A valid module made by `wasm-opt -ttf` from `input` (the random bytes it translates), with only
 * the engine's features.
 *
 * @throws {Error} when wasm-opt fails or crashes (not expected for -ttf; the next call loads a
 *   fresh wasm-opt)
 */
export async function generateModule(
  input: Uint8Array,
  options: GenerateOptions = {},
): Promise<Uint8Array> {
  if (++uses > RUNS_PER_LOAD) {
    loaded = undefined;
    uses = 1;
  }
  const callMain = await load();
  workDir ??= await Deno.makeTempDir({ prefix: "wasmi-fuzz-" });
  const inPath = `${workDir}/input.bin`;
  const outPath = `${workDir}/output.wasm`;
  await Deno.writeFile(inPath, input);
  const args = ["-ttf", inPath, "-o", outPath, ...FEATURE_FLAGS];
  // A pass keeps wasm-opt from warning that it has nothing to do.
  args.push(options.optimize ?? "--strip-producers");
  if (options.denan) args.push("--denan");
  const exitCode = process.exitCode;
  const quietStderr = silenceStderr();
  let status: number;
  try {
    status = callMain(args);
  } catch (e) {
    loaded = undefined; // its state is unknown now: load a fresh one next time
    throw new Error(`wasm-opt ${args.join(" ")} crashed: ${e}`, { cause: e });
  } finally {
    quietStderr();
    process.exitCode = exitCode;
  }
  if (status !== 0) throw new Error(`wasm-opt ${args.join(" ")} exited with ${status}`);
  return await Deno.readFile(outPath);
}

/**
 * Swallows what wasm-opt writes to file descriptor 2 (its Emscripten file system writes to the
 * real one through `fs.writeSync`) until the returned function is called.
 */
function silenceStderr(): () => void {
  const fs = createRequire(import.meta.url)("node:fs") as {
    writeSync: (fd: number, ...rest: unknown[]) => number;
  };
  const original = fs.writeSync;
  fs.writeSync = (fd: number, ...rest: unknown[]) => {
    if (fd !== 2) return original(fd, ...rest);
    const data = rest[0];
    return typeof data === "string" ? data.length : (data as Uint8Array).byteLength;
  };
  return () => void (fs.writeSync = original);
}
