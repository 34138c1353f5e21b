/**
 * Builds the npm package `wasmi-ts` into `npm-build/` with the TypeScript compiler API (the job
 * dnt does, which cannot be fetched here), then proves it works under Node:
 *
 * 1. compile `mod.ts`, `src/wasi/`, `cli/main.ts` and `repl/main.ts` (and everything they import) to ES modules with
 *    declarations and source maps in `npm-build/esm/`, `.ts` import specifiers rewritten to
 *    `.js`; write `package.json`, `README.md`, `LICENSE`;
 * 2. compile the API tests (`tests/api/`) to `npm-build/test/` (not shipped), importing the
 *    package by name, and run them with `node --test` (`Deno.test` shimmed onto `node:test`);
 *    type-check a consumer against the emitted declarations; run the `bin` (REPL and `run`)
 *    under Node, and the official WASI testsuite (through the API and the `run` command);
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
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { tmpdir } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { forDeclarations, relativeTsToJs, rewriteSpecifiers } from "./_npm_transform.ts";
import { ESM_DIR, NPM_NAME, packageJson } from "./_npm_package.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
/** The entry points the package exports, relative to the repository. */
const ENTRIES = [
  "mod.ts",
  "src/wasi/mod.ts",
  "src/wasi/host_fs.ts",
  "src/webassembly/mod.ts",
  "cli/main.ts",
  "repl/main.ts",
];
const TEST_SOURCES = "tests/api";
/** The test toolkit the API tests import. */
const TEST_LIB = "tests/_lib";
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
// The spec runner behind `wasmi-ts wast` calls wabt directly: the shim types what it uses.
const WABT_SHIM = `declare module "wabt" {
  interface WabtModule {
    resolveNames(): void;
    toBinary(options: { write_debug_names?: boolean }): { buffer: Uint8Array };
    destroy(): void;
  }
  interface Wabt {
    parseWat(file: string, text: string | Uint8Array, features?: Record<string, boolean>): WabtModule;
  }
  const init: () => Promise<Wabt>;
  export default init;
}`;

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

/**
 * Declares `Symbol.dispose` for declaration files that use it: it is in TypeScript's `esnext`
 * lib (and `@types/node`), not in `es2022` + `dom`, where a consumer would otherwise get TS2550.
 * The same declaration in both merges cleanly. Only the npm build adds it: JSR forbids global
 * augmentations, and Deno has the symbol.
 */
const DISPOSE_DECLARATION = `declare global {
    interface SymbolConstructor {
        readonly dispose: unique symbol;
    }
}
`;

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
    if (file.endsWith(".d.ts") && read(file).includes("[Symbol.dispose]")) {
      writeFileSync(file, DISPOSE_DECLARATION + read(file));
    }
  }
  return written;
}

/**
 * Step 1b: makes the command (`cli/main.js`, the package's `bin`) and the REPL runnable: a shebang
 * line (and the source map shifted down one line to match) and the executable bit.
 */
function makeBin(out: string): void {
  for (const entry of ["cli/main.js", "repl/main.js"]) {
    const js = join(out, ESM_DIR, entry);
    writeFileSync(js, `#!/usr/bin/env node\n${read(js)}`);
    chmodSync(js, 0o755);
    const mapFile = `${js}.map`;
    const map = JSON.parse(read(mapFile)) as { mappings: string };
    map.mappings = `;${map.mappings}`;
    writeFileSync(mapFile, JSON.stringify(map));
  }
}

/** Step 1c: package.json, README, LICENSE. */
function writePackageFiles(out: string): void {
  const pkg = packageJson({
    denoJson: JSON.parse(read(join(ROOT, "deno.json"))),
    toolchainJson: JSON.parse(read(join(ROOT, "package.json"))),
  });
  writeFileSync(join(out, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  // npm users get their own README: install, import, the REPL bin (not the repository's setup).
  copyFileSync(join(ROOT, "npm", "README.md"), join(out, "README.md"));
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
    if (target.startsWith(`${TEST_LIB}/`)) {
      const base = target.slice(TEST_LIB.length + 1);
      return relative(ROOT, fromFile).startsWith(`${TEST_LIB}/`)
        ? `./${base}.js`
        : `./_lib/${base}.js`;
    }
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
    const name = source.startsWith(`${TEST_LIB}/`)
      ? `_lib/${source.slice(TEST_LIB.length + 1).replace(/\.ts$/, ".js")}`
      : source.slice(source.lastIndexOf("/") + 1).replace(/\.ts$/, ".js");
    writeFileSync(join(testOut, name), prefix + outputText);
    return join(testOut, name);
  };
  compile(SHIM);
  // The test toolkit, for the API tests that use it (files they do not import never load).
  mkdirSync(join(testOut, "_lib"), { recursive: true });
  for (const name of readdirSync(join(ROOT, TEST_LIB)).sort()) {
    if (name.endsWith(".ts")) compile(`${TEST_LIB}/${name}`);
  }
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
  // The npm README's example is a Node consumer too (it uses `console`, which `esnext` lacks).
  const example = join(out, "test", "readme_example.ts");
  writeFileSync(example, readmeExample(out));
  for (const [label, env] of Object.entries(CONSUMER_ENVIRONMENTS)) {
    const roots = label.startsWith("Node") ? [file, example] : [file];
    const program = ts.createProgram(roots, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      ...env,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    if (diagnostics.length > 0) {
      throw new BuildError(`In a ${label} project:\n${formatDiagnostics(diagnostics)}`);
    }
  }
}

/**
 * The projects a consumer may have: the declarations must compile in each without
 * `skipLibCheck`. A browser project has the DOM but neither `@types/node` nor `esnext`; a bare
 * one has only the language.
 */
const CONSUMER_ENVIRONMENTS: Record<string, ts.CompilerOptions> = {
  "Node (@types/node, es2023)": { types: ["node"], lib: ["lib.es2023.d.ts"] },
  'browser (lib: ["es2022", "dom"], no @types/node)': {
    types: [],
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  },
  'bare (lib: ["esnext"], no @types/node)': { types: [], lib: ["lib.esnext.d.ts"] },
};

/**
 * Step 2d: the npm README's TypeScript example (type-checked with the Node consumer) runs under
 * Node and prints what its comment says.
 */
function runReadmeExample(out: string): void {
  const js = join(out, "test", "readme_example.mjs");
  const source = readmeExample(out);
  writeFileSync(js, ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS }).outputText);
  const run = spawnSync("node", [js], { cwd: out, encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0 || run.stdout.trim() !== "5 [ 5 ]") {
    throw new BuildError(`The npm README's example failed under Node:\n${run.stdout}${run.stderr}`);
  }
}

/** The TypeScript example of the npm README. */
function readmeExample(out: string): string {
  const block = /```ts\n([\s\S]*?)```/.exec(read(join(out, "README.md")));
  if (block === null) throw new BuildError("the npm README has no ts example");
  return block[1]!;
}

/**
 * Step 2e: the package's `bin` runs a REPL script (its default) and `run --invoke` under Node;
 * installed without `wabt`, reading WAT names the command that fixes it.
 */
function runBin(out: string): void {
  const script = join(out, "test", "repl_script.txt");
  writeFileSync(script, "call fib 20\ncall square 1.5\n");
  const bin = join(out, ESM_DIR, "cli/main.js");
  const options = {
    cwd: ROOT,
    encoding: "utf8" as const,
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1" },
  };
  const repl = spawnSync("node", [bin, "--script", script, "examples/demo.wat"], options);
  if (
    repl.status !== 0 || !/^6765 : i32$/m.test(repl.stdout) || !/^2\.25 : f64$/m.test(repl.stdout)
  ) {
    throw new BuildError(
      `The REPL bin failed under Node (status ${repl.status}):\n${repl.stdout}${repl.stderr}`,
    );
  }
  const wat = join(out, "test", "add.wat");
  writeFileSync(
    wat,
    `(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`,
  );
  const run = spawnSync("node", [bin, "run", "--invoke", "add", wat, "20", "22"], options);
  if (run.status !== 0 || run.stdout !== "42\n") {
    throw new BuildError(
      `\`wasmi-ts run\` failed under Node (status ${run.status}):\n${run.stdout}${run.stderr}`,
    );
  }
  // Installed where no `wabt` can be found, reading WAT names the npm command that fixes it.
  const alone = mkdtempSync(join(tmpdir(), "wasmi_npm_bin_"));
  try {
    cpSync(join(out, ESM_DIR), join(alone, ESM_DIR), { recursive: true });
    writeFileSync(join(alone, "package.json"), '{ "type": "module" }');
    copyFileSync(join(ROOT, "examples", "demo.wat"), join(alone, "demo.wat"));
    const noWabt = spawnSync("node", [join(alone, ESM_DIR, "repl/main.js"), "demo.wat"], {
      cwd: alone,
      encoding: "utf8",
      timeout: 60_000,
      input: "",
      env: { ...process.env, NO_COLOR: "1", WASMI_TS_HISTORY: "" },
    });
    const hint =
      "Reading WAT needs the wabt package (install it beside the package: npm install wabt)";
    if (!`${noWabt.stdout}${noWabt.stderr}`.includes(hint)) {
      throw new BuildError(
        `Without wabt, the REPL bin should say "${hint}":\n${noWabt.stdout}${noWabt.stderr}`,
      );
    }
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
}

/**
 * Step 2f: the official WASI testsuite (`../shared/wasi-testsuite`) under Node against the
 * package, with the host filesystem: all 72 tests through the API (`tests/wasi/main.ts`,
 * compiled to `out/test/wasi/`), and the exit-code tests through the bin's `run` command.
 * Returns the summary lines.
 */
function runWasiTestsuite(out: string): string[] {
  const testOut = join(out, "test", "wasi");
  mkdirSync(testOut, { recursive: true });
  const map = (specifier: string, fromFile: string): string | undefined => {
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
    const target = relative(ROOT, resolve(dirname(fromFile), specifier)).replace(/\.[jt]s$/, "");
    if (target === "mod") return NPM_NAME;
    if (target.startsWith("tests/wasi/")) return `./${target.slice("tests/wasi/".length)}.js`;
    if (target.startsWith("src/")) return `../../${ESM_DIR}/${target}.js`;
    throw new BuildError(`${fromFile} imports ${specifier}, which the package does not ship`);
  };
  const transform = rewriteSpecifiers(map);
  for (const name of ["_testsuite.ts", "main.ts"]) {
    const path = join(ROOT, "tests/wasi", name);
    const { outputText } = ts.transpileModule(read(path), {
      fileName: path,
      compilerOptions: { ...COMPILER_OPTIONS, declaration: false, sourceMap: false },
      transformers: { after: [transform] },
    });
    writeFileSync(join(testOut, name.replace(/\.ts$/, ".js")), outputText);
  }
  // The runner resolves the testsuite from its own location: tell it where it is.
  const env = {
    ...process.env,
    WASI_TESTSUITE: process.env.WASI_TESTSUITE ?? join(ROOT, "..", "shared", "wasi-testsuite"),
  };
  const lines: string[] = [];
  const bin = join(out, ESM_DIR, "cli/main.js");
  for (const extra of [[], ["--filter", "proc_exit", "--cli", `node ${bin}`]]) {
    const run = spawnSync("node", [join(testOut, "main.js"), "--fs", "host", ...extra], {
      cwd: out,
      encoding: "utf8",
      timeout: 120_000,
      env,
    });
    const summary = /^WASI testsuite .*: (\d+) passed, (\d+) failed$/m.exec(run.stdout ?? "");
    if (run.status !== 0 || summary === null) {
      throw new BuildError(
        `The WASI testsuite failed under Node (status ${run.status}):\n${run.stdout}${run.stderr}`,
      );
    }
    lines.push(summary[0]);
  }
  return lines;
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
      for (const label of Object.keys(CONSUMER_ENVIRONMENTS)) {
        console.log(`  the declarations compile in a ${label} project`);
      }
      await timed("ran the npm README's example under Node", () => runReadmeExample(out));
      await timed("ran the REPL bin under Node", () => runBin(out));
      const wasi = await timed("ran the WASI testsuite under Node", () => runWasiTestsuite(out));
      for (const line of wasi) console.log(`node: ${line}`);
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
