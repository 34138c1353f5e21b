/**
 * Builds the npm package `wasmi-ts` into `npm-build/` with the TypeScript compiler API (the job
 * dnt does, which cannot be fetched here), then proves it works under Node:
 *
 * 1. compile `mod.ts` and `repl/main.ts` (and everything they import) to ES modules with
 *    declarations and source maps in `npm-build/esm/`, `.ts` import specifiers rewritten to
 *    `.js`; write `package.json`, `README.md`, `LICENSE`;
 * 2. compile the API tests (`tests/api/`) to `npm-build/test/` (not shipped), importing the
 *    package by name, and run them with `node --test` (`Deno.test` shimmed onto `node:test`);
 *    type-check a consumer against the emitted declarations; run the REPL's `bin` under Node;
 * 3. `npm pack --dry-run`: list what would ship.
 *
 * ```sh
 * deno task build:npm [--out npm-build] [--no-test] [--no-pack]
 * ```
 *
 * Prints `node --test: N passed, N failed` and exits with status 1 when any step fails.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { forDeclarations, relativeTsToJs, rewriteSpecifiers } from "./_npm_transform.ts";
import { ESM_DIR, NPM_NAME, packageJson } from "./_npm_package.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
/** The entry points the package exports, relative to the repository. */
const ENTRIES = ["mod.ts", "src/webassembly/mod.ts", "repl/main.ts"];
const TEST_SOURCES = "tests/api";
const SHIM = "tests/dist/_deno_shim.ts";

// Node 20 runs ES2023; the library must not need more (nor DOM or Deno types: `lib` has neither,
// so using them fails the build).
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  types: ["node"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  strict: true,
  noImplicitOverride: true,
  useUnknownInCatchVariables: true,
  noFallthroughCasesInSwitch: true,
  useDefineForClassFields: true,
  declaration: true,
  sourceMap: true,
  inlineSources: true,
  skipLibCheck: true,
  noEmitOnError: true,
  newLine: ts.NewLineKind.LineFeed,
};

/** `wabt` ships no types; the REPL loads it dynamically and types what it uses itself. */
const WABT_SHIM_PATH = join(ROOT, "__wabt_shim__.d.ts");
const WABT_SHIM =
  `declare module "wabt" { const init: () => Promise<unknown>; export default init; }`;

class BuildError extends Error {}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => "\n",
  });
}

/** A compiler host that also knows the virtual `wabt` declaration. */
function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) =>
    name === WABT_SHIM_PATH
      ? ts.createSourceFile(name, WABT_SHIM, lang)
      : getSourceFile.call(host, name, lang, ...rest);
  host.fileExists = (name) => name === WABT_SHIM_PATH || fileExists.call(host, name);
  host.readFile = (name) => name === WABT_SHIM_PATH ? WABT_SHIM : readFile.call(host, name);
  return host;
}

/** An import of a relative `.ts` file outside comments (JSDoc examples keep theirs). */
const STILL_TS =
  /^(?!\s*(\*|\/\/)).*(\bfrom\s+|\bimport\s*\(\s*|^import\s+)["']\.{1,2}\/[^"']*\.ts["']/m;

/** Step 1a: type-checks and emits the library; returns how many files were written. */
function compileLibrary(out: string): number {
  const options = { ...COMPILER_OPTIONS, rootDir: ROOT, outDir: join(out, ESM_DIR) };
  const roots = [...ENTRIES.map((e) => join(ROOT, e)), WABT_SHIM_PATH];
  const program = ts.createProgram(roots, options, compilerHost(options));
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new BuildError(formatDiagnostics(diagnostics));
  const rewrite = rewriteSpecifiers(relativeTsToJs);
  let written = 0;
  const result = program.emit(
    undefined,
    (file, text, bom) => {
      ts.sys.writeFile(file, text, bom);
      written++;
    },
    undefined,
    false,
    { after: [rewrite], afterDeclarations: [forDeclarations(rewrite)] },
  );
  if (result.emitSkipped || result.diagnostics.length > 0) {
    throw new BuildError(formatDiagnostics(result.diagnostics));
  }
  for (const file of walk(join(out, ESM_DIR))) {
    if (/\.(js|d\.ts)$/.test(file) && STILL_TS.test(read(file))) {
      throw new BuildError(`${file} still imports a .ts file`);
    }
  }
  return written;
}

/**
 * Step 1b: makes the REPL runnable as the package's `bin`: a shebang line (and the source map
 * shifted down one line to match) and the executable bit.
 */
function makeBin(out: string): void {
  const js = join(out, ESM_DIR, "repl/main.js");
  writeFileSync(js, `#!/usr/bin/env node\n${read(js)}`);
  chmodSync(js, 0o755);
  const mapFile = `${js}.map`;
  const map = JSON.parse(read(mapFile)) as { mappings: string };
  map.mappings = `;${map.mappings}`;
  writeFileSync(mapFile, JSON.stringify(map));
}

/** Step 1c: package.json, README, LICENSE. */
function writePackageFiles(out: string): void {
  const pkg = packageJson({
    denoJson: JSON.parse(read(join(ROOT, "deno.json"))),
    toolchainJson: JSON.parse(read(join(ROOT, "package.json"))),
  });
  writeFileSync(join(out, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(ROOT, "README.md"), join(out, "README.md"));
  copyFileSync(join(ROOT, "LICENSE"), join(out, "LICENSE"));
}

/**
 * Step 2a: compiles the API tests to `out/test/` without type checking (`deno check` does that):
 * `mod.ts` becomes the package name, so the tests go through the package's `exports`; other
 * library modules become paths into `esm/`; test helpers stay beside the tests.
 * Returns the compiled test files and how many `Deno.test` calls their sources hold.
 */
function compileTests(out: string): { files: string[]; declared: number } {
  const testOut = join(out, "test");
  mkdirSync(testOut, { recursive: true });
  const map = (specifier: string, fromFile: string): string | undefined => {
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
    // TypeScript has already turned `.ts` into `.js` (`rewriteRelativeImportExtensions`).
    const target = relative(ROOT, resolve(dirname(fromFile), specifier)).replace(/\.[jt]s$/, "");
    if (target === "mod") return NPM_NAME;
    if (target.startsWith(`${TEST_SOURCES}/`) || `${target}.ts` === SHIM) {
      return `./${target.slice(target.lastIndexOf("/") + 1)}.js`;
    }
    if (/^(src|repl)\//.test(target)) return `../${ESM_DIR}/${target}.js`;
    throw new BuildError(`${fromFile} imports ${specifier}, which the package does not ship`);
  };
  const transform = rewriteSpecifiers(map);
  const compile = (source: string, prefix = ""): string => {
    const path = join(ROOT, source);
    const { outputText, diagnostics } = ts.transpileModule(read(path), {
      fileName: path,
      compilerOptions: {
        ...COMPILER_OPTIONS,
        declaration: false,
        sourceMap: false,
        inlineSources: false,
      },
      reportDiagnostics: true,
      transformers: { after: [transform] },
    });
    if (diagnostics !== undefined && diagnostics.length > 0) {
      throw new BuildError(formatDiagnostics(diagnostics));
    }
    const name = source.slice(source.lastIndexOf("/") + 1).replace(/\.ts$/, ".js");
    writeFileSync(join(testOut, name), prefix + outputText);
    return join(testOut, name);
  };
  compile(SHIM);
  const files: string[] = [];
  let declared = 0;
  for (const name of readdirSync(join(ROOT, TEST_SOURCES)).sort()) {
    if (!name.endsWith(".ts")) continue;
    const source = `${TEST_SOURCES}/${name}`;
    if (name.endsWith("_test.ts")) {
      // Imports evaluate in order, so the shim defines `Deno` before the test body runs.
      files.push(compile(source, `import "./_deno_shim.js";\n`));
      declared += (read(join(ROOT, source)).match(/\bDeno\.test\(/g) ?? []).length;
    } else {
      compile(source);
    }
  }
  return { files, declared };
}

/** Step 2b: runs the compiled tests under `node --test`; returns the counts it reports. */
function runNodeTests(files: string[], declared: number): { passed: number; failed: number } {
  const run = spawnSync("node", ["--test", "--test-reporter=spec", ...files], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  const count = (label: string) => Number(new RegExp(`^. ${label} (\\d+)$`, "m").exec(output)?.[1]);
  const passed = count("pass");
  const failed = count("fail");
  const total = count("tests");
  if (run.status !== 0 || !(failed === 0) || !(total === declared) || run.error) {
    process.stdout.write(output);
    throw new BuildError(
      `node --test failed (status ${run.status}${run.error ? `, ${run.error.message}` : ""}): ` +
        `${total} tests run, ${declared} declared, ${failed} failed`,
    );
  }
  return { passed, failed };
}

/**
 * Step 2c: a TypeScript consumer that imports the package by name with Node's own resolution
 * must type-check against the emitted declarations (`skipLibCheck` off, so they are checked too).
 */
function checkConsumerTypes(out: string): void {
  const file = join(out, "test", "consumer.ts");
  writeFileSync(
    file,
    `import { Config, Engine, Linker, Module, Store, Trap, Val, type ValType } from "${NPM_NAME}";
const engine = new Engine(new Config({ consumeFuel: true }));
const store = new Store(engine, { log: [] as number[] });
const linker = new Linker<{ log: number[] }>(engine);
const params: ValType[] = ["i32"];
linker.funcWrap("env", "log", { params, results: [] }, (caller, x: number) => {
  caller.data.log.push(x);
});
export function run(bytes: Uint8Array): number | Trap {
  const instance = linker.instantiate(store, new Module(engine, bytes));
  store.setFuel(1_000);
  const fib = instance.getTypedFunc<[number], number>(store, "fib", { params, results: ["i32"] });
  try {
    return fib.call(store, 20) + (instance.getFunc(store, "f")?.call(store, [Val.i32(1)]).length ?? 0);
  } catch (e) {
    if (e instanceof Trap) return e;
    throw e;
  }
}
`,
  );
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    // A Node consumer has Node's types (AbortSignal, Symbol.dispose come from there).
    types: ["node"],
    lib: ["lib.es2023.d.ts"],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new BuildError(formatDiagnostics(diagnostics));
}

/** Step 2d: the package's `bin` runs a REPL script under Node. */
function runBin(out: string): void {
  const script = join(out, "test", "repl_script.txt");
  writeFileSync(script, "call fib 20\ncall square 1.5\n");
  const run = spawnSync(
    "node",
    [join(out, ESM_DIR, "repl/main.js"), "--script", script, "examples/demo.wat"],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } },
  );
  if (run.status !== 0 || !/^6765 : i32$/m.test(run.stdout) || !/^2\.25 : f64$/m.test(run.stdout)) {
    throw new BuildError(
      `The REPL bin failed under Node (status ${run.status}):\n${run.stdout}${run.stderr}`,
    );
  }
}

/** Step 3: what `npm pack` would put in the tarball; the tests must not be in it. */
function packDryRun(out: string): void {
  const run = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: out,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (run.status !== 0) throw new BuildError(`npm pack --dry-run failed:\n${run.stderr}`);
  const [info] = JSON.parse(run.stdout) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string; size: number }[];
  }[];
  if (info === undefined) throw new BuildError("npm pack --dry-run printed nothing");
  const paths = info.files.map((f) => f.path);
  for (const need of ["package.json", "README.md", "LICENSE", `${ESM_DIR}/mod.js`]) {
    if (!paths.includes(need)) throw new BuildError(`The package would lack ${need}`);
  }
  const stray = paths.filter((p) =>
    !["package.json", "README.md", "LICENSE"].includes(p) &&
    (!p.startsWith(`${ESM_DIR}/`) || /(?<!\.d)\.ts$/.test(p))
  );
  if (stray.length > 0) throw new BuildError(`The package would ship ${stray.join(", ")}`);
  const byDir = new Map<string, number>();
  for (const p of paths) {
    const dir = p.includes("/") ? p.slice(0, p.lastIndexOf("/") + 1) : "./";
    byDir.set(dir, (byDir.get(dir) ?? 0) + 1);
  }
  console.log(
    `npm pack --dry-run: ${info.filename}, ${info.files.length} files, ` +
      `${kib(info.size)} packed, ${kib(info.unpackedSize)} unpacked`,
  );
  for (const [dir, n] of [...byDir].sort()) console.log(`  ${dir.padEnd(28)} ${n} files`);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function timed<T>(label: string, step: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await step();
  console.log(`${label} (${((performance.now() - start) / 1000).toFixed(1)}s)`);
  return result;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: "string", default: "npm-build" },
      "no-test": { type: "boolean", default: false },
      "no-pack": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("Usage: build_npm.ts [--out npm-build] [--no-test] [--no-pack]");
    return 0;
  }
  const out = resolve(ROOT, values.out);
  if (out === ROOT || !out.startsWith(`${ROOT}/`)) {
    console.error(`--out must be a directory inside the repository, got '${values.out}'`);
    return 2;
  }
  try {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const files = await timed("compiled the library", () => compileLibrary(out));
    makeBin(out);
    writePackageFiles(out);
    console.log(`  ${files} files in ${relative(ROOT, out)}/${ESM_DIR}/`);
    if (!values["no-test"]) {
      const tests = await timed("compiled the API tests", () => compileTests(out));
      const { passed, failed } = await timed(
        "ran them under node --test",
        () => runNodeTests(tests.files, tests.declared),
      );
      console.log(`node --test: ${passed} passed, ${failed} failed`);
      await timed(
        "type-checked a consumer against the declarations",
        () => checkConsumerTypes(out),
      );
      await timed("ran the REPL bin under Node", () => runBin(out));
    }
    if (!values["no-pack"]) await timed("listed the package", () => packDryRun(out));
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    console.error(e.message);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
