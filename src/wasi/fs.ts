/**
 * The filesystem interface WASI runs on. A backend (`MemoryFs`, or the host filesystem from
 * `./host_fs.ts`) implements directories and files; the WASI layer does everything else: path
 * resolution, the sandbox, rights and file offsets. A backend never sees a path, only single names
 * (never empty, `.`, `..`, or containing `/`), so it cannot be asked to leave its tree.
 *
 * Any method may return a Promise (an asynchronous backend); WASI calls then need an async call
 * (`WasiCtx.startAsync`).
 *
 * @module
 */

import { errnoName } from "./constants.ts";

/** A value or a Promise of it: backends may be synchronous or asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A WASI error: the WASI function returns `errno` to the guest. Backends throw it for every
 * failure the guest should see; any other error ends the program as a host error.
 *
 * @example
 * ```ts
 * import { Errno, WasiError } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const e = new WasiError(Errno.NOENT, "no such file 'a'");
 * assert.equal(e.errno, 44);
 * assert.equal(e.message, "NOENT: no such file 'a'");
 * ```
 */
export class WasiError extends Error {
  /** The WASI error code. */
  readonly errno: number;

  /**
   * Creates the error.
   *
   * @param errno the WASI error code
   * @param detail what failed, for the message
   */
  constructor(errno: number, detail = "") {
    super(detail === "" ? errnoName(errno) : `${errnoName(errno)}: ${detail}`);
    this.name = "WasiError";
    this.errno = errno;
  }
}

/** File metadata as WASI reports it (`filestat`); times are nanoseconds since the epoch. */
export interface FileStat {
  /** A `FileType` value. */
  filetype: number;
  /** Device id. */
  dev: bigint;
  /** Inode number. */
  ino: bigint;
  /** Number of hard links. */
  nlink: bigint;
  /** Size in bytes. */
  size: bigint;
  /** Last access time. */
  atim: bigint;
  /** Last modification time. */
  mtim: bigint;
  /** Last status change time. */
  ctim: bigint;
}

/** A new timestamp for `setTimes`: nanoseconds, `"now"`, or `null` to leave it. */
export type TimeSpec = bigint | "now" | null;

/** One directory entry (without `.` and `..`, which the WASI layer adds). */
export interface DirEntry {
  /** The entry's name. */
  name: string;
  /** A `FileType` value. */
  filetype: number;
  /** Inode number. */
  ino: bigint;
}

/** How `WasiDir.openAt` opens a file. */
export interface OpenOptions {
  /** Create it when missing. */
  create: boolean;
  /** Fail with `EXIST` when it exists (with `create`). */
  exclusive: boolean;
  /** Truncate it to 0 bytes. */
  truncate: boolean;
  /** Open for reading. */
  read: boolean;
  /** Open for writing. */
  write: boolean;
}

/** An open regular file (or other non-directory). Offsets are absolute; the WASI layer tracks positions. */
export interface WasiFile {
  /** Its metadata. */
  stat(): MaybePromise<FileStat>;
  /** Reads into `buf` from `position`; returns the bytes read (0 at the end). */
  read(buf: Uint8Array, position: bigint): MaybePromise<number>;
  /** Writes `buf` at `position` (growing the file); returns the bytes written. */
  write(buf: Uint8Array, position: bigint): MaybePromise<number>;
  /** Truncates or extends (with zeros) to `size`. */
  setSize(size: bigint): MaybePromise<void>;
  /** Sets the access and modification times. */
  setTimes(atim: TimeSpec, mtim: TimeSpec): MaybePromise<void>;
  /** Flushes to storage. */
  sync(): MaybePromise<void>;
  /** Releases the file (the WASI layer calls it once, on `fd_close` or exit). */
  close(): MaybePromise<void>;
}

/**
 * A directory. Every `name` is a single path component (never empty, `.`, `..`, or containing
 * `/`). Operations on a name never follow a symbolic link at that name, except `openAt`,
 * which the WASI layer only calls on names it resolved to a non-link.
 */
export interface WasiDir {
  /** Its own metadata. */
  stat(): MaybePromise<FileStat>;
  /** Sets its own access and modification times. */
  setTimes(atim: TimeSpec, mtim: TimeSpec): MaybePromise<void>;
  /** Metadata of the entry `name`, not following a symbolic link; `NOENT` when missing. */
  statAt(name: string): MaybePromise<FileStat>;
  /** The subdirectory `name`; `NOTDIR` when it is not a directory, `NOENT` when missing. */
  dirAt(name: string): MaybePromise<WasiDir>;
  /** Opens (or creates) the non-directory `name`; `ISDIR` for a directory. */
  openAt(name: string, options: OpenOptions): MaybePromise<WasiFile>;
  /** Creates the directory `name`; `EXIST` when the name is taken. */
  mkdirAt(name: string): MaybePromise<void>;
  /** Removes the empty directory `name`; `NOTEMPTY`, `NOTDIR` as POSIX `rmdir`. */
  rmdirAt(name: string): MaybePromise<void>;
  /** Removes the non-directory `name`; `ISDIR` for a directory. */
  unlinkAt(name: string): MaybePromise<void>;
  /** The target of the symbolic link `name`; `INVAL` when it is not a link. */
  readlinkAt(name: string): MaybePromise<string>;
  /** Creates the symbolic link `name` holding `target` (stored as given). */
  symlinkAt(target: string, name: string): MaybePromise<void>;
  /** Renames `name` to `toName` in `toDir` (a directory of the same backend), as POSIX `rename`. */
  renameAt(name: string, toDir: WasiDir, toName: string): MaybePromise<void>;
  /** Creates the hard link `toName` in `toDir` to the non-directory `name`. */
  linkAt(name: string, toDir: WasiDir, toName: string): MaybePromise<void>;
  /** Sets the times of the entry `name` (not following a symbolic link). */
  setTimesAt(name: string, atim: TimeSpec, mtim: TimeSpec): MaybePromise<void>;
  /** Its entries, in a stable order, without `.` and `..`. */
  entries(): MaybePromise<DirEntry[]>;
}

/**
 * A byte stream for stdin, stdout or stderr.
 */
export interface WasiStream {
  /** Reads up to `max` bytes; an empty array means end of input. */
  read?(max: number): MaybePromise<Uint8Array>;
  /** Writes all of `bytes`. */
  write?(bytes: Uint8Array): MaybePromise<void>;
  /** Whether it is a terminal (WASI reports a character device either way). */
  readonly isTerminal?: boolean;
}
