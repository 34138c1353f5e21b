/**
 * The host filesystem for WASI, through `node:fs` (Deno, Node and Bun provide it). Import this
 * module only where a host filesystem exists: the rest of `wasmi-ts/wasi` never loads it.
 *
 * ```ts ignore
 * import { WasiCtxBuilder } from "@wasmi-ts/wasmi/wasi";
 * import { hostDir } from "@wasmi-ts/wasmi/wasi/host";
 * const wasi = new WasiCtxBuilder().preopenDir(hostDir("./data"), "data").build();
 * ```
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Errno, FileType } from "./constants.ts";
import {
  type DirEntry,
  type FileStat,
  type OpenOptions,
  type TimeSpec,
  type WasiDir,
  WasiError,
  type WasiFile,
  type WasiStream,
} from "./fs.ts";

const CODES: Record<string, number> = {
  E2BIG: Errno.TOOBIG,
  EACCES: Errno.ACCES,
  EAGAIN: Errno.AGAIN,
  EBADF: Errno.BADF,
  EBUSY: Errno.BUSY,
  EEXIST: Errno.EXIST,
  EFBIG: Errno.FBIG,
  EINVAL: Errno.INVAL,
  EIO: Errno.IO,
  EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  EMLINK: Errno.MLINK,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ENFILE: Errno.NFILE,
  ENOENT: Errno.NOENT,
  ENOSPC: Errno.NOSPC,
  ENOSYS: Errno.NOSYS,
  ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  ENOTSUP: Errno.NOTSUP,
  EPERM: Errno.PERM,
  EPIPE: Errno.PIPE,
  EROFS: Errno.ROFS,
  ESPIPE: Errno.SPIPE,
  EXDEV: Errno.XDEV,
  ETXTBSY: Errno.TXTBSY,
};

/** Runs a host call, turning its `node:fs` error into the matching `WasiError`. */
function host<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code in CODES) throw new WasiError(CODES[code]!, what);
    // Deno's permission checks: the host refused, as a read-only filesystem would.
    const name = (e as { name?: unknown }).name;
    if (name === "NotCapable" || name === "PermissionDenied") {
      throw new WasiError(Errno.ACCES, `${what}: ${(e as Error).message}`);
    }
    throw e;
  }
}

/**
 * `node:fs` sets times as seconds in a double, and some runtimes read them back in milliseconds,
 * so a time a guest sets in nanoseconds would not read back as set. The exact value is kept here,
 * per file, and reported while the host still holds the time that setting it produced.
 */
const exactTimes = new Map<
  string,
  { atim: [bigint, bigint] | null; mtim: [bigint, bigint] | null }
>();
const MAX_EXACT_TIMES = 4096;

function exact(host: bigint, remembered: [bigint, bigint] | null | undefined): bigint {
  return remembered !== null && remembered !== undefined && remembered[0] === host
    ? remembered[1]
    : host;
}

/**
 * Sets times through `set` (taking seconds), remembering the exact nanoseconds asked for, and
 * those of a time left unchanged (which the trip through seconds may also have rounded).
 */
function setTimesExact(
  what: string,
  current: () => fs.BigIntStats,
  atim: TimeSpec,
  mtim: TimeSpec,
  set: (atime: number, mtime: number) => void,
): void {
  const before = host(what, current);
  const known = exactTimes.get(`${before.dev}:${before.ino}`);
  const keepA = atim === null ? exact(before.atimeNs, known?.atim) : atim;
  const keepM = mtim === null ? exact(before.mtimeNs, known?.mtim) : mtim;
  const now = Date.now() / 1000;
  host(what, () =>
    set(
      keepA === "now" ? now : Number(keepA) / 1e9,
      keepM === "now" ? now : Number(keepM) / 1e9,
    ));
  const after = host(what, current);
  const key = `${after.dev}:${after.ino}`;
  exactTimes.delete(key);
  if (exactTimes.size >= MAX_EXACT_TIMES) exactTimes.delete(exactTimes.keys().next().value!);
  exactTimes.set(key, {
    atim: keepA === "now" ? null : [after.atimeNs, keepA],
    mtim: keepM === "now" ? null : [after.mtimeNs, keepM],
  });
}

function toStat(s: fs.BigIntStats): FileStat {
  const remembered = exactTimes.get(`${s.dev}:${s.ino}`);
  const filetype = s.isFile()
    ? FileType.REGULAR_FILE
    : s.isDirectory()
    ? FileType.DIRECTORY
    : s.isSymbolicLink()
    ? FileType.SYMBOLIC_LINK
    : s.isCharacterDevice()
    ? FileType.CHARACTER_DEVICE
    : s.isBlockDevice()
    ? FileType.BLOCK_DEVICE
    : s.isSocket()
    ? FileType.SOCKET_STREAM
    : FileType.UNKNOWN;
  return {
    filetype,
    dev: s.dev,
    ino: s.ino,
    nlink: s.nlink,
    size: s.size,
    atim: exact(s.atimeNs, remembered?.atim),
    mtim: exact(s.mtimeNs, remembered?.mtim),
    ctim: s.ctimeNs,
  };
}

class HostFile implements WasiFile {
  #fd: number;
  constructor(fd: number, readonly path: string) {
    this.#fd = fd;
  }
  stat(): FileStat {
    return host(this.path, () => toStat(fs.fstatSync(this.#fd, { bigint: true })));
  }
  read(buf: Uint8Array, position: bigint): number {
    return host(this.path, () => fs.readSync(this.#fd, buf, 0, buf.length, position));
  }
  write(buf: Uint8Array, position: bigint): number {
    return host(this.path, () => fs.writeSync(this.#fd, buf, 0, buf.length, Number(position)));
  }
  setSize(size: bigint): void {
    host(this.path, () => fs.ftruncateSync(this.#fd, Number(size)));
  }
  setTimes(atim: TimeSpec, mtim: TimeSpec): void {
    const fd = this.#fd;
    setTimesExact(this.path, () => fs.fstatSync(fd, { bigint: true }), atim, mtim, (a, m) => {
      fs.futimesSync(fd, a, m);
    });
  }
  sync(): void {
    host(this.path, () => fs.fsyncSync(this.#fd));
  }
  close(): void {
    host(this.path, () => fs.closeSync(this.#fd));
  }
}

class HostDir implements WasiDir {
  constructor(readonly path: string) {}
  #at(name: string): string {
    return join(this.path, name);
  }
  stat(): FileStat {
    return host(this.path, () => toStat(fs.statSync(this.path, { bigint: true })));
  }
  setTimes(atim: TimeSpec, mtim: TimeSpec): void {
    const p = this.path;
    setTimesExact(p, () => fs.statSync(p, { bigint: true }), atim, mtim, (a, m) => {
      fs.utimesSync(p, a, m);
    });
  }
  statAt(name: string): FileStat {
    const p = this.#at(name);
    return host(p, () => toStat(fs.lstatSync(p, { bigint: true })));
  }
  dirAt(name: string): WasiDir {
    const p = this.#at(name);
    if (this.statAt(name).filetype !== FileType.DIRECTORY) throw new WasiError(Errno.NOTDIR, p);
    return new HostDir(p);
  }
  openAt(name: string, o: OpenOptions): WasiFile {
    const p = this.#at(name);
    const c = fs.constants;
    let flags = o.read && o.write ? c.O_RDWR : o.write ? c.O_WRONLY : c.O_RDONLY;
    if (o.create) flags |= c.O_CREAT;
    if (o.create && o.exclusive) flags |= c.O_EXCL;
    if (o.truncate) flags |= c.O_TRUNC;
    // The WASI layer resolved the name to a non-link; refuse a link swapped in since.
    flags |= c.O_NOFOLLOW ?? 0;
    const fd = host(p, () => fs.openSync(p, flags, 0o666));
    const file = new HostFile(fd, p);
    if (file.stat().filetype === FileType.DIRECTORY) {
      file.close();
      throw new WasiError(Errno.ISDIR, p);
    }
    return file;
  }
  mkdirAt(name: string): void {
    const p = this.#at(name);
    host(p, () => fs.mkdirSync(p));
  }
  rmdirAt(name: string): void {
    const p = this.#at(name);
    host(p, () => fs.rmdirSync(p));
  }
  unlinkAt(name: string): void {
    const p = this.#at(name);
    if (this.statAt(name).filetype === FileType.DIRECTORY) throw new WasiError(Errno.ISDIR, p);
    host(p, () => fs.unlinkSync(p));
  }
  readlinkAt(name: string): string {
    const p = this.#at(name);
    return host(p, () => fs.readlinkSync(p));
  }
  symlinkAt(target: string, name: string): void {
    const p = this.#at(name);
    host(p, () => fs.symlinkSync(target, p));
  }
  renameAt(name: string, toDir: WasiDir, toName: string): void {
    if (!(toDir instanceof HostDir)) throw new WasiError(Errno.XDEV, "another filesystem");
    const from = this.#at(name);
    const to = toDir.#at(toName);
    host(from, () => fs.renameSync(from, to));
  }
  linkAt(name: string, toDir: WasiDir, toName: string): void {
    if (!(toDir instanceof HostDir)) throw new WasiError(Errno.XDEV, "another filesystem");
    const from = this.#at(name);
    const to = toDir.#at(toName);
    host(from, () => fs.linkSync(from, to));
  }
  setTimesAt(name: string, atim: TimeSpec, mtim: TimeSpec): void {
    const p = this.#at(name);
    setTimesExact(p, () => fs.lstatSync(p, { bigint: true }), atim, mtim, (a, m) => {
      fs.lutimesSync(p, a, m);
    });
  }
  entries(): DirEntry[] {
    return host(this.path, () => fs.readdirSync(this.path)).sort().map((name) => {
      try {
        const s = this.statAt(name);
        return { name, filetype: s.filetype, ino: s.ino };
      } catch {
        return { name, filetype: FileType.UNKNOWN, ino: 0n };
      }
    });
  }
}

/**
 * The host directory at `path` as a WASI directory, to preopen with
 * `WasiCtxBuilder.preopenDir`. The guest reaches nothing outside it: the WASI layer resolves every
 * path itself and refuses `..` above it, absolute paths and symbolic links leading out.
 *
 * @example
 * ```ts
 * import { hostDir } from "./host_fs.ts";
 * import { FileType } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const dir = hostDir(".");
 * assert.equal((await dir.statAt("deno.json")).filetype, FileType.REGULAR_FILE);
 * assert.ok((await dir.entries()).some((e) => e.name === "src" && e.filetype === FileType.DIRECTORY));
 * ```
 *
 * @param path a host directory (relative paths are taken from the current directory)
 * @returns the directory
 * @throws {WasiError} `NOTDIR`/`NOENT` when `path` is not a directory
 */
export function hostDir(path: string): WasiDir {
  const s = host(path, () => fs.statSync(path));
  if (!s.isDirectory()) throw new WasiError(Errno.NOTDIR, path);
  return new HostDir(path);
}

/**
 * The process's stdin as a WASI stream (blocking reads of file descriptor 0).
 *
 * @example
 * ```ts
 * import { hostStdin } from "./host_fs.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof hostStdin().read, "function");
 * ```
 */
export function hostStdin(): WasiStream {
  return {
    read(max: number): Uint8Array {
      const buf = new Uint8Array(Math.min(max, 65536));
      for (;;) {
        try {
          return buf.subarray(0, fs.readSync(0, buf, 0, buf.length, null));
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          if (code === "EOF") return new Uint8Array(0);
          if (code !== "EAGAIN") {
            host("stdin", () => {
              throw e;
            });
          }
          // A non-blocking stdin (a pipe from some parents) has no data yet: wait a little.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        }
      }
    },
    isTerminal: process.stdin.isTTY === true,
  };
}

function hostOutput(fd: 1 | 2): WasiStream {
  return {
    write(bytes: Uint8Array): void {
      let done = 0;
      while (done < bytes.length) {
        try {
          done += fs.writeSync(fd, bytes, done, bytes.length - done);
        } catch (e) {
          // A closed pipe (EPIPE) and the like become the guest's errno, not a host crash.
          if ((e as { code?: unknown }).code !== "EAGAIN") {
            host(fd === 1 ? "stdout" : "stderr", () => {
              throw e;
            });
          }
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        }
      }
    },
    isTerminal: (fd === 1 ? process.stdout : process.stderr).isTTY === true,
  };
}

/**
 * The process's stdout as a WASI stream (synchronous writes to file descriptor 1).
 *
 * @example
 * ```ts
 * import { hostStdout } from "./host_fs.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof hostStdout().write, "function");
 * ```
 */
export function hostStdout(): WasiStream {
  return hostOutput(1);
}

/**
 * The process's stderr as a WASI stream (synchronous writes to file descriptor 2).
 *
 * @example
 * ```ts
 * import { hostStderr } from "./host_fs.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof hostStderr().write, "function");
 * ```
 */
export function hostStderr(): WasiStream {
  return hostOutput(2);
}
