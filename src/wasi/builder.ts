/**
 * `WasiCtxBuilder`: sets up what a WASI program sees, in wasmi's shape.
 *
 * @module
 */

import { type Preopen, WasiCtx } from "./ctx.ts";
import type { WasiDir, WasiStream } from "./fs.ts";
import { nullStream } from "./streams.ts";

/** Options of a preopened directory. */
export interface PreopenOptions {
  /** The guest can read but not create, write, rename or remove anything (default false). */
  readOnly?: boolean;
}

/**
 * Builds a `WasiCtx`: arguments, environment, preopened directories and the three standard
 * streams. Nothing is inherited unless asked: no arguments, no environment, no directories, and
 * stdio that reads nothing and discards output.
 *
 * @example An in-memory directory, arguments and environment
 * ```ts
 * import { MemoryFs, memoryOutput, WasiCtxBuilder } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const fs = new MemoryFs();
 * fs.writeFile("input.txt", "data");
 * const out = memoryOutput();
 * const wasi = new WasiCtxBuilder()
 *   .args(["prog", "input.txt"])
 *   .env({ LANG: "C" })
 *   .preopenDir(fs.root, "/work", { readOnly: true })
 *   .stdout(out)
 *   .build();
 * assert.equal(wasi.async, false);
 * ```
 */
export class WasiCtxBuilder {
  #args: string[] = [];
  #env = new Map<string, string>();
  #preopens: Preopen[] = [];
  #stdin: WasiStream = nullStream();
  #stdout: WasiStream = nullStream();
  #stderr: WasiStream = nullStream();

  /**
   * Sets `argv` (the program name first, as C and Rust programs expect).
   *
   * @param args the arguments
   * @returns this builder
   */
  args(args: readonly string[]): this {
    this.#args = [...args];
    return this;
  }

  /**
   * Appends one argument.
   *
   * @param arg the argument
   * @returns this builder
   */
  arg(arg: string): this {
    this.#args.push(arg);
    return this;
  }

  /**
   * Adds environment variables (later values replace earlier ones).
   *
   * @param vars the variables, by name
   * @returns this builder
   * @throws {TypeError} when a name is empty or contains `=` or NUL, or a value contains NUL
   */
  env(vars: Record<string, string>): this {
    for (const [key, value] of Object.entries(vars)) {
      if (key === "" || key.includes("=") || key.includes("\0") || value.includes("\0")) {
        throw new TypeError(`Invalid environment variable ${JSON.stringify(key)}`);
      }
      this.#env.set(key, value);
    }
    return this;
  }

  /**
   * Adds the host process's environment (where there is one: nothing in a browser).
   *
   * @returns this builder
   */
  inheritEnv(): this {
    const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } })
      .process;
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(proc?.env ?? {})) {
      if (v !== undefined && k !== "" && !k.includes("=")) vars[k] = v;
    }
    return this.env(vars);
  }

  /**
   * Preopens a directory: the guest sees it as `guestPath` (file descriptors 3, 4, ... in the
   * order added) and reaches nothing outside it. Use `MemoryFs` for an in-memory directory, or
   * `hostDir(path)` from `wasmi-ts/wasi/host` for a host one.
   *
   * @param dir the directory
   * @param guestPath the name the guest sees, e.g. `"."` or `"/data"`
   * @param options `readOnly`
   * @returns this builder
   */
  preopenDir(dir: WasiDir, guestPath: string, options: PreopenOptions = {}): this {
    this.#preopens.push({ dir, guestPath, readOnly: options.readOnly ?? false });
    return this;
  }

  /**
   * Sets standard input.
   *
   * @param stream what the program reads from fd 0
   * @returns this builder
   */
  stdin(stream: WasiStream): this {
    this.#stdin = stream;
    return this;
  }

  /**
   * Sets standard output.
   *
   * @param stream where fd 1 writes go
   * @returns this builder
   */
  stdout(stream: WasiStream): this {
    this.#stdout = stream;
    return this;
  }

  /**
   * Sets standard error.
   *
   * @param stream where fd 2 writes go
   * @returns this builder
   */
  stderr(stream: WasiStream): this {
    this.#stderr = stream;
    return this;
  }

  /**
   * Creates the context.
   *
   * @returns a `WasiCtx` for one run of one program
   */
  build(): WasiCtx {
    return new WasiCtx({
      args: [...this.#args],
      env: [...this.#env].map(([k, v]) => `${k}=${v}`),
      preopens: [...this.#preopens],
      stdin: this.#stdin,
      stdout: this.#stdout,
      stderr: this.#stderr,
    });
  }
}
