/**
 * The npm package's `package.json`, derived from `deno.json` (name, version, license) and the
 * toolchain's `package.json` (the `wabt` version the REPL is tested with).
 *
 * @module
 */

/** The package name on npm (JSR's `@wasmi-ts/wasmi` is a scoped name npm would not need). */
export const NPM_NAME = "wasmi-ts";

/** Where the compiled modules go, relative to the package root. */
export const ESM_DIR = "esm";

/** What `build_npm.ts` reads from the repository to describe the package. */
export interface PackageSources {
  /** The parsed root `deno.json`. */
  denoJson: { version?: string; license?: string };
  /** The parsed root `package.json` (the toolchain's). */
  toolchainJson: { devDependencies?: Record<string, string> };
}

/**
 * The package's `package.json` as an object.
 *
 * ESM only, Node 20 or later; no runtime dependencies: `wabt` is an optional peer, used by the
 * REPL alone, to read `.wat` files.
 *
 * @throws {Error} when `deno.json` has no version
 */
export function packageJson({ denoJson, toolchainJson }: PackageSources): Record<string, unknown> {
  if (denoJson.version === undefined) throw new Error("deno.json has no 'version'");
  const wabt = toolchainJson.devDependencies?.wabt ?? "1";
  const entry = (name: string) => ({
    types: `./${ESM_DIR}/${name}.d.ts`,
    default: `./${ESM_DIR}/${name}.js`,
  });
  return {
    name: NPM_NAME,
    version: denoJson.version,
    description: "A WebAssembly interpreter in pure TypeScript, modelled on Rust's wasmi; " +
      "it never uses the host's WebAssembly object.",
    license: denoJson.license ?? "MIT",
    keywords: ["webassembly", "wasm", "interpreter", "wasmi", "sandbox", "fuel"],
    type: "module",
    main: `./${ESM_DIR}/mod.js`,
    types: `./${ESM_DIR}/mod.d.ts`,
    exports: {
      ".": entry("mod"),
      "./wasi": entry("src/wasi/mod"),
      "./wasi/host": entry("src/wasi/host_fs"),
      "./cli": entry("cli/main"),
      "./webassembly": entry("src/webassembly/mod"),
      "./repl": entry("repl/main"),
      "./package.json": "./package.json",
    },
    bin: { "wasmi-ts": `./${ESM_DIR}/cli/main.js` },
    files: [`${ESM_DIR}/`, "README.md", "LICENSE"],
    engines: { node: ">=20" },
    peerDependencies: { wabt: wabt.replace(/^[~^]?/, "^") },
    peerDependenciesMeta: { wabt: { optional: true } },
  };
}
