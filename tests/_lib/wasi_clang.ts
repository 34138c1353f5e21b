/**
 * Test toolkit: the C-to-WASI toolchain `tests/wasi/clang_test.ts` compiles with (Debian's
 * `clang`, `lld`, `wasi-libc`, `libclang-rt-dev-wasm32`), installed where the machine allows.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { aptInstall, runs } from "./apt.ts";

/** The Debian packages of the toolchain. */
export const WASI_CLANG_PACKAGES = ["clang", "lld", "wasi-libc", "libclang-rt-dev-wasm32"];

/** What to do when the toolchain is missing: one line. */
export const WASI_CLANG_ADVICE = "No clang + wasi-libc found: install them (Debian/Ubuntu: " +
  `sudo apt-get install ${WASI_CLANG_PACKAGES.join(" ")}); the clang WASI test fails until then.`;

/** Whether clang, wasm-ld and wasi-libc are all there. */
export async function hasWasiClang(): Promise<boolean> {
  return existsSync("/usr/lib/wasm32-wasi/libc.a") && await runs("clang", ["--version"]) &&
    await runs("wasm-ld", ["--version"]);
}

/** Installs the toolchain when it is missing and the machine allows; true when it is there. */
export async function ensureWasiClang(log: (line: string) => void): Promise<boolean> {
  if (await hasWasiClang()) return true;
  if (!(await aptInstall(WASI_CLANG_PACKAGES, log, WASI_CLANG_ADVICE))) return false;
  return await hasWasiClang();
}
