/**
 * WASI preview 1 (`wasi_snapshot_preview1`) for wasmi-ts, written on its public API: a
 * `WasiCtxBuilder` sets up arguments, environment, stdio and preopened directories, `addToLinker`
 * defines every WASI function, and `start` runs `_start` and returns the exit code.
 *
 * Files live behind one interface (`WasiDir`, `WasiFile`): `MemoryFs` here, the host filesystem
 * in `./host_fs.ts` (`wasmi-ts/wasi/host`, which needs `node:fs`). Either may be asynchronous;
 * `startAsync` then awaits them.
 *
 * @example Running a program against an in-memory file
 * ```ts
 * import { Engine, Linker, Module, Store } from "../../mod.ts";
 * import { MemoryFs, memoryOutput, WasiCtxBuilder } from "./mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 * // Opens "msg" in the preopen (fd 3), reads 5 bytes to address 64, writes them to stdout.
 * const wat = `(module
 *   (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 0) "msg")
 *   (data (i32.const 16) "\\40\\00\\00\\00\\05\\00\\00\\00")
 *   (func (export "_start")
 *     (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 0)
 *       (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
 *     (drop (call $read (i32.load (i32.const 32)) (i32.const 16) (i32.const 1) (i32.const 36)))
 *     (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 36)))))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const fs = new MemoryFs();
 * fs.writeFile("msg", "hello");
 * const out = memoryOutput();
 * const wasi = new WasiCtxBuilder().preopenDir(fs.root, ".").stdout(out).build();
 * const engine = new Engine();
 * const store = new Store(engine, null);
 * const linker = wasi.addToLinker(new Linker(engine));
 * const instance = linker.instantiate(store, new Module(engine, bytes));
 * assert.equal(wasi.start(store, instance), 0);
 * assert.equal(out.text(), "hello");
 * ```
 *
 * @module
 */

export { type PreopenOptions, WasiCtxBuilder } from "./builder.ts";
export { type Preopen, WASI_MODULE, WasiCtx, type WasiCtxOptions, WasiExit } from "./ctx.ts";
export {
  ClockId,
  DIR_RIGHTS,
  Errno,
  type ErrnoCode,
  errnoName,
  EventType,
  FdFlags,
  FILE_RIGHTS,
  FileType,
  FstFlags,
  LOOKUP_SYMLINK_FOLLOW,
  OFlags,
  Rights,
  STREAM_RIGHTS,
  Whence,
} from "./constants.ts";
export {
  type DirEntry,
  type FileStat,
  type MaybePromise,
  type OpenOptions,
  type TimeSpec,
  type WasiDir,
  WasiError,
  type WasiFile,
  type WasiStream,
} from "./fs.ts";
export { MemoryFs } from "./memory_fs.ts";
export {
  callbackOutput,
  memoryInput,
  type MemoryOutput,
  memoryOutput,
  nullStream,
} from "./streams.ts";
