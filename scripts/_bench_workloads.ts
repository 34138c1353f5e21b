/**
 * The benchmark workloads: where each module comes from, how its size parameter follows
 * `--scale`, and the host functions it imports. The sources live in `bench/`.
 *
 * @module
 */

import wabtInit from "wabt";

/** The only host function a workload imports: `env.host_add(a, b) = (a + b) | 0`. */
export function hostAdd(a: number, b: number): number {
  return (a + b) | 0;
}

/** One benchmark: a module exporting `run(size: i32)` that returns a checksum. */
export interface Workload {
  /** Short name used by `--filter` and in the table. */
  name: string;
  /** File under `bench/`: `.wat` is assembled with wabt at start-up, `.wasm` is read as is. */
  file: string;
  /** The `run` argument for a given `--scale`; at scale 1 wasmi-ts should take 0.2–1 s. */
  size(scale: number): number;
  /** Whether the module imports `env.host_add`. */
  importsHostAdd?: boolean;
  /** Whether it uses exception handling (wabt's `exceptions`, `Config.wasmExceptions`). */
  exceptions?: boolean;
  /** Whether it uses GC (`Config.wasmGc`; assembled with wasm-tools, which wabt cannot). */
  gc?: boolean;
}

/** Multiplies the base size by `scale`, for workloads whose time is linear in their argument. */
function linear(base: number): (scale: number) => number {
  return (scale) => Math.max(1, Math.round(base * scale));
}

/** All workloads, in the order the table prints them. */
export const WORKLOADS: readonly Workload[] = [
  {
    name: "fib",
    file: "fib.wat",
    // fib(n) costs about phi^n calls, so a scale factor moves n by log_phi(scale).
    size: (scale) =>
      Math.max(1, Math.round(33 + Math.log(scale) / Math.log((1 + Math.sqrt(5)) / 2))),
  },
  { name: "loop", file: "loop.wat", size: linear(12_000_000) },
  { name: "i64", file: "i64.wat", size: linear(3_000_000) },
  // i64-heavy C programs (bench/build.sh): hashes of a buffer, and a 64-bit-keyed hash table.
  { name: "sha512", file: "sha512.wasm", size: linear(150) },
  { name: "xxh64", file: "xxh64.wasm", size: linear(250) },
  { name: "hashtab", file: "hashtab.wasm", size: linear(2_400_000) },
  {
    name: "matmul",
    file: "matmul.wat",
    // n^3 multiply-adds: a scale factor moves n by its cube root.
    size: (scale) => Math.max(1, Math.round(250 * Math.cbrt(scale))),
  },
  { name: "sieve", file: "sieve.wat", size: linear(10_000_000) },
  { name: "bytesum", file: "bytesum.wat", size: linear(120) },
  { name: "calls", file: "calls.wat", size: linear(4_500_000) },
  { name: "hostcall", file: "hostcall.wat", size: linear(5_000_000), importsHostAdd: true },
  { name: "lz", file: "lz.wasm", size: linear(40) },
  { name: "exceptions", file: "exceptions.wat", size: linear(300_000), exceptions: true },
  // One C program each, built with and without -msimd128 (bench/build.sh): the pairs compare
  // v128 code with the same program's scalar code.
  { name: "vec_float", file: "vec_float.wasm", size: linear(2500) },
  { name: "vec_float_scalar", file: "vec_float_scalar.wasm", size: linear(2500) },
  { name: "vec_bytes", file: "vec_bytes.wasm", size: linear(100) },
  { name: "vec_bytes_scalar", file: "vec_bytes_scalar.wasm", size: linear(100) },
  { name: "binary-trees", file: "binary_trees.wat", size: linear(300), gc: true },
];

const BENCH_DIR = new URL("../bench/", import.meta.url);

/** Reads a workload's module from `bench/`, assembling `.wat` sources with wabt. */
export async function loadWorkloadBytes(workload: Workload): Promise<Uint8Array> {
  const url = new URL(workload.file, BENCH_DIR);
  if (workload.file.endsWith(".wasm")) return await Deno.readFile(url);
  const text = await Deno.readTextFile(url);
  if (workload.gc) {
    const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    return await parse(text);
  }
  const wabt = await wabtInit();
  const module = wabt.parseWat(workload.file, text, { exceptions: workload.exceptions ?? false });
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
