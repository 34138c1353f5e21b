/**
 * Test helper: a small module calling WASI path functions on fd 3 (the first preopen) with paths
 * the test writes into its memory, returning the errno.
 */

import { Engine, Linker, type Memory, Module, Store } from "../../mod.ts";
import { type WasiCtx, WasiCtxBuilder, type WasiDir } from "../../src/wasi/mod.ts";
import { wat } from "../api/_wat.ts";

const PROBE = wat(`(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get"
    (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink"
    (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink"
    (func $readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename"
    (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; path_open on fd 3 with read rights; closes the new fd on success.
  (func (export "open") (param $p i32) (param $n i32) (param $dirflags i32) (param $oflags i32)
    (result i32) (local $e i32)
    (local.set $e (call $open (i32.const 3) (local.get $dirflags) (local.get $p) (local.get $n)
      (local.get $oflags) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (i32.eqz (local.get $e)) (then (drop (call $close (i32.load (i32.const 0))))))
    (local.get $e))
  ;; path_filestat_get on fd 3; the filetype lands at byte 80.
  (func (export "stat") (param $p i32) (param $n i32) (param $flags i32) (result i32)
    (call $stat (i32.const 3) (local.get $flags) (local.get $p) (local.get $n) (i32.const 64)))
  (func (export "filetype") (result i32) (i32.load8_u (i32.const 80)))
  (func (export "symlink") (param $t i32) (param $tn i32) (param $p i32) (param $n i32) (result i32)
    (call $symlink (local.get $t) (local.get $tn) (i32.const 3) (local.get $p) (local.get $n)))
  (func (export "unlink") (param $p i32) (param $n i32) (result i32)
    (call $unlink (i32.const 3) (local.get $p) (local.get $n)))
  (func (export "rename") (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (call $rename (i32.const 3) (local.get $p) (local.get $n) (i32.const 3) (local.get $q)
      (local.get $m))))`);

/** Calls into the probe with string arguments. */
export class Probe {
  readonly #store: Store;
  readonly #memory: Memory;
  readonly #call: (name: string, ...args: number[]) => number;
  /** The WASI context, e.g. to close it. */
  readonly wasi: WasiCtx;

  /** A probe whose fd 3 is `dir`. */
  constructor(dir: WasiDir, { readOnly = false } = {}) {
    this.wasi = new WasiCtxBuilder().preopenDir(dir, "sandbox", { readOnly }).build();
    const engine = new Engine();
    this.#store = new Store(engine, null);
    const linker = this.wasi.addToLinker(new Linker(engine));
    const instance = linker.instantiate(this.#store, new Module(engine, PROBE));
    this.#memory = instance.getMemory(this.#store, "memory")!;
    this.#call = (name, ...args) =>
      instance.getTypedFunc<number[], number>(this.#store, name).call(this.#store, ...args);
  }

  #put(at: number, text: string): [number, number] {
    const bytes = new TextEncoder().encode(text);
    this.#memory.write(this.#store, at, bytes);
    return [at, bytes.length];
  }

  /** `path_open(3, follow ? SYMLINK_FOLLOW : 0, path, oflags)`: the errno. */
  open(path: string, { follow = true, oflags = 0 } = {}): number {
    return this.#call("open", ...this.#put(1024, path), follow ? 1 : 0, oflags);
  }
  /** `path_filestat_get`: the errno, and the file type when it succeeded. */
  stat(path: string, follow = false): { errno: number; filetype?: number } {
    const errno = this.#call("stat", ...this.#put(1024, path), follow ? 1 : 0);
    return errno === 0 ? { errno, filetype: this.#call("filetype") } : { errno };
  }
  /** `path_symlink(target, 3, path)`: the errno. */
  symlink(target: string, path: string): number {
    return this.#call("symlink", ...this.#put(2048, target), ...this.#put(1024, path));
  }
  /** `path_unlink_file`: the errno. */
  unlink(path: string): number {
    return this.#call("unlink", ...this.#put(1024, path));
  }
  /** `path_rename(3, from, 3, to)`: the errno. */
  rename(from: string, to: string): number {
    return this.#call("rename", ...this.#put(1024, from), ...this.#put(2048, to));
  }
}
