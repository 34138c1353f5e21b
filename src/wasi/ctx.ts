/**
 * `WasiCtx`: the state of one WASI program (arguments, environment, file descriptors) and the
 * `wasi_snapshot_preview1` functions it adds to a `Linker`. Written on the public API only.
 *
 * Every WASI function is a generator: a backend or stream that returns a Promise makes it yield
 * that Promise, and the function then returns a Promise (for `callAsync`); a synchronous backend
 * runs straight through without allocating a Promise.
 *
 * @module
 */

import {
  type CallAsyncOptions,
  type Caller,
  type Instance,
  type Linker,
  Memory,
  type Store,
  Trap,
  type ValType,
} from "../../mod.ts";
import { monotonicNs, realtimeNs } from "./clocks.ts";
import {
  ClockId,
  DIR_RIGHTS,
  Errno,
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
import {
  type FileStat,
  type MaybePromise,
  type TimeSpec,
  type WasiDir,
  WasiError,
  type WasiFile,
  type WasiStream,
} from "./fs.ts";

/** The import module name of WASI preview 1. */
export const WASI_MODULE = "wasi_snapshot_preview1";

/**
 * Thrown by `proc_exit` to end the program; `WasiCtx.start` turns it into the exit code.
 *
 * @example
 * ```ts
 * import { WasiExit } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(new WasiExit(3).code, 3);
 * ```
 */
export class WasiExit extends Error {
  /** The exit code the program passed to `proc_exit`. */
  readonly code: number;

  /**
   * Creates the exit request (`proc_exit` does; an embedder's host function may too).
   *
   * @param code the exit code
   */
  constructor(code: number) {
    super(`The program exited with code ${code}`);
    this.name = "WasiExit";
    this.code = code;
  }
}

/** A preopened directory as `WasiCtxBuilder.preopenDir` records it. */
export interface Preopen {
  /** The directory. */
  dir: WasiDir;
  /** The name the guest sees (`fd_prestat_dir_name`). */
  guestPath: string;
  /** When true the guest can read but not create, change or remove anything. */
  readOnly: boolean;
}

/** What `WasiCtxBuilder.build` hands to `WasiCtx`. */
export interface WasiCtxOptions {
  /** `argv`, the program name first. */
  args: string[];
  /** The environment, as `KEY=value` strings. */
  env: string[];
  /** The preopened directories, as file descriptors 3, 4, ... */
  preopens: Preopen[];
  /** Standard input. */
  stdin: WasiStream;
  /** Standard output. */
  stdout: WasiStream;
  /** Standard error. */
  stderr: WasiStream;
}

interface FdBase {
  rightsBase: number;
  rightsInheriting: number;
  flags: number;
}
interface StreamFd extends FdBase {
  kind: "stream";
  stream: WasiStream;
}
interface FileFd extends FdBase {
  kind: "file";
  file: WasiFile;
  position: bigint;
}
interface DirFd extends FdBase {
  kind: "dir";
  dir: WasiDir;
  preopen: string | null;
  /** The entries `fd_readdir` hands out, taken when a listing starts at cookie 0. */
  listing: { name: string; filetype: number; ino: bigint }[] | null;
}
type FdEntry = StreamFd | FileFd | DirFd;

/** Where a path leads: the entry `name` of `dir`, or `dir` itself when `name` is `"."`. */
interface Resolved {
  dir: WasiDir;
  name: string;
  /** The path ended with a slash: the entry must be a directory. */
  trailing: boolean;
}

type Gen<T> = Generator<unknown, T, unknown>;

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === "object" && x !== null &&
    typeof (x as { then?: unknown }).then === "function";
}

/** Waits for `x` when it is a Promise (by yielding it to the driver), else returns it at once. */
function* wait<T>(x: MaybePromise<T>): Gen<T> {
  return isThenable(x) ? (yield x) as T : x;
}

const MAX_SYMLINKS = 32;
const I64_MAX = (1n << 63n) - 1n;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** Rights a read-only preopen and everything opened through it lack. */
const WRITE_RIGHTS = Rights.FD_DATASYNC | Rights.FD_WRITE | Rights.FD_ALLOCATE |
  Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE |
  Rights.PATH_LINK_TARGET | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET |
  Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES | Rights.FD_FILESTAT_SET_SIZE |
  Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY |
  Rights.PATH_UNLINK_FILE;

/** The caller's memory, read and written through bounds-checked accessors (`FAULT` outside). */
class GuestMemory {
  readonly #memory: Memory;
  readonly #store: Store;
  #view: DataView | null = null;
  #bytes: Uint8Array | null = null;

  constructor(memory: Memory, store: Store) {
    this.#memory = memory;
    this.#store = store;
  }

  /** The current bytes (re-read after anything that may have grown the memory). */
  bytes(): Uint8Array {
    const u8 = this.#memory.data(this.#store);
    if (this.#bytes === null || this.#bytes.buffer !== u8.buffer || this.#bytes !== u8) {
      this.#bytes = u8;
      this.#view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    }
    return this.#bytes;
  }
  #dv(ptr: number, size: number): DataView {
    const u8 = this.bytes();
    if (ptr < 0 || ptr + size > u8.length) {
      throw new WasiError(Errno.FAULT, `${size} bytes at ${ptr} are outside memory`);
    }
    return this.#view!;
  }
  range(ptr: number, len: number): Uint8Array {
    const u8 = this.bytes();
    if (ptr < 0 || len < 0 || ptr + len > u8.length) {
      throw new WasiError(Errno.FAULT, `${len} bytes at ${ptr} are outside memory`);
    }
    return u8.subarray(ptr, ptr + len);
  }
  u8(ptr: number): number {
    return this.#dv(ptr, 1).getUint8(ptr);
  }
  u16(ptr: number): number {
    return this.#dv(ptr, 2).getUint16(ptr, true);
  }
  u32(ptr: number): number {
    return this.#dv(ptr, 4).getUint32(ptr, true);
  }
  u64(ptr: number): bigint {
    return this.#dv(ptr, 8).getBigUint64(ptr, true);
  }
  setU8(ptr: number, v: number): void {
    this.#dv(ptr, 1).setUint8(ptr, v);
  }
  setU16(ptr: number, v: number): void {
    this.#dv(ptr, 2).setUint16(ptr, v, true);
  }
  setU32(ptr: number, v: number): void {
    this.#dv(ptr, 4).setUint32(ptr, v, true);
  }
  setU64(ptr: number, v: bigint): void {
    this.#dv(ptr, 8).setBigUint64(ptr, BigInt.asUintN(64, v), true);
  }
  string(ptr: number, len: number): string {
    try {
      return textDecoder.decode(this.range(ptr, len));
    } catch (e) {
      if (e instanceof WasiError) throw e;
      throw new WasiError(Errno.ILSEQ, "the path is not UTF-8");
    }
  }
  /** The buffers of an iovec array (`{ptr, len}` pairs). */
  iovecs(iovs: number, count: number): Uint8Array[] {
    this.range(iovs, count * 8); // before allocating anything for `count`
    const out = new Array<Uint8Array>(count);
    for (let i = 0; i < count; i++) {
      const base = iovs + i * 8;
      out[i] = this.range(this.u32(base), this.u32(base + 4));
    }
    return out;
  }
}

/** One copy of the bytes of `parts` (a copy: an async write must not see the memory change). */
function gather(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!.slice();
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function timeSpec(value: bigint, set: number, now: number, fst: number): TimeSpec {
  if ((fst & set) !== 0) return value;
  if ((fst & now) !== 0) return "now";
  return null;
}

function checkFstFlags(fst: number): void {
  if (
    (fst & ~0xf) !== 0 ||
    ((fst & FstFlags.ATIM) !== 0 && (fst & FstFlags.ATIM_NOW) !== 0) ||
    ((fst & FstFlags.MTIM) !== 0 && (fst & FstFlags.MTIM_NOW) !== 0)
  ) {
    throw new WasiError(Errno.INVAL, `fstflags ${fst}`);
  }
}

const STREAM_STAT: FileStat = {
  filetype: FileType.CHARACTER_DEVICE,
  dev: 0n,
  ino: 0n,
  nlink: 1n,
  size: 0n,
  atim: 0n,
  mtim: 0n,
  ctim: 0n,
};

/** Sleeps synchronously (the call is synchronous: nothing else can run meanwhile anyway). */
function sleepSync(ns: bigint): void {
  const ms = Number(ns / 1_000_000n);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One WASI function: its parameter types and its implementation. */
interface Syscall {
  params: ValType[];
  // deno-lint-ignore no-explicit-any
  run: (this: WasiState, mem: GuestMemory, ...args: any[]) => number | Gen<number>;
}

/** The state behind a `WasiCtx` and its WASI functions. */
class WasiState {
  readonly args: Uint8Array[];
  readonly env: Uint8Array[];
  readonly fds = new Map<number, FdEntry>();
  /**
   * Whether the program runs in an async call (`startAsync` sets it): `poll_oneoff` then sleeps
   * with a timer and `sched_yield` yields to the event loop, instead of blocking.
   */
  async = false;

  /** @param options what the program sees; `WasiCtxBuilder.build` makes them */
  constructor(options: WasiCtxOptions) {
    this.args = options.args.map((a) => textEncoder.encode(`${a}\0`));
    this.env = options.env.map((e) => textEncoder.encode(`${e}\0`));
    const streams = [options.stdin, options.stdout, options.stderr];
    for (let fd = 0; fd < 3; fd++) {
      this.fds.set(fd, {
        kind: "stream",
        stream: streams[fd]!,
        rightsBase: STREAM_RIGHTS,
        rightsInheriting: 0,
        flags: 0,
      });
    }
    let fd = 3;
    for (const p of options.preopens) {
      const mask = p.readOnly ? ~WRITE_RIGHTS : ~0;
      this.fds.set(fd++, {
        kind: "dir",
        dir: p.dir,
        preopen: p.guestPath,
        listing: null,
        rightsBase: DIR_RIGHTS & mask,
        rightsInheriting: (DIR_RIGHTS | FILE_RIGHTS) & mask,
        flags: 0,
      });
    }
  }

  /** Closes every open file descriptor (`start` does it when the program ends). */
  closeAll(): void {
    for (const [fd, entry] of this.fds) {
      if (entry.kind === "file") {
        try {
          const closed = entry.file.close();
          if (isThenable(closed)) closed.then(undefined, () => {});
        } catch {
          // Closing at exit: nothing left to report an error to.
        }
      }
      if (fd > 2) this.fds.delete(fd);
    }
  }

  /** Runs one WASI function for `caller`. */
  dispatch<T>(
    name: string,
    syscall: Syscall,
    caller: Caller<T>,
    args: unknown[],
  ): number | Promise<number> | void {
    const memory = caller.getExport("memory");
    if (!(memory instanceof Memory)) {
      throw new WasiError(Errno.FAULT, `${name}: the calling module exports no memory "memory"`);
    }
    // WASI's 32-bit values (pointers, lengths, fds, flags) are unsigned; the API hands i32s over
    // signed.
    for (let i = 0; i < args.length; i++) {
      if (typeof args[i] === "number") args[i] = (args[i] as number) >>> 0;
    }
    let gen: number | Gen<number>;
    try {
      gen = syscall.run.call(this, new GuestMemory(memory, caller.store), ...args);
    } catch (e) {
      if (e instanceof WasiError) return e.errno;
      throw e;
    }
    return drive(gen);
  }

  // ---- file descriptor table ----

  #entry(fd: number, rights = 0): FdEntry {
    const entry = this.fds.get(fd);
    if (entry === undefined) throw new WasiError(Errno.BADF, `fd ${fd}`);
    if ((entry.rightsBase & rights) !== rights) {
      throw new WasiError(Errno.NOTCAPABLE, `fd ${fd} lacks rights ${rights}`);
    }
    return entry;
  }
  #file(fd: number, rights: number): FileFd {
    const entry = this.#entry(fd);
    if (entry.kind === "dir") throw new WasiError(Errno.ISDIR, `fd ${fd} is a directory`);
    if (entry.kind !== "file") throw new WasiError(Errno.SPIPE, `fd ${fd} is a stream`);
    return this.#entry(fd, rights) as FileFd;
  }
  #dir(fd: number, rights: number): DirFd {
    const entry = this.#entry(fd);
    if (entry.kind !== "dir") throw new WasiError(Errno.NOTDIR, `fd ${fd} is no directory`);
    return this.#entry(fd, rights) as DirFd;
  }
  #add(entry: FdEntry): number {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, entry);
    return fd;
  }

  /**
   * Resolves `path` below the directory `base`, refusing to leave it: no absolute paths, no
   * `..` above `base`, no symbolic link whose target is absolute or leads above `base`.
   *
   * @param follow follow a symbolic link in the last component
   */
  *resolve(base: DirFd, path: string, follow: boolean): Gen<Resolved> {
    if (path.includes("\0")) throw new WasiError(Errno.ILSEQ, "a NUL in the path");
    if (path === "") throw new WasiError(Errno.NOENT, "an empty path");
    if (path.startsWith("/")) throw new WasiError(Errno.NOTCAPABLE, `absolute path '${path}'`);
    const stack: WasiDir[] = [base.dir];
    let trailing = path.endsWith("/");
    let queue = path.split("/").filter((p) => p !== "" && p !== ".");
    let links = 0;
    for (;;) {
      const top = stack[stack.length - 1]!;
      const c = queue.shift();
      if (c === undefined) return { dir: top, name: ".", trailing };
      const last = queue.length === 0;
      if (c === "..") {
        if (stack.length === 1) {
          throw new WasiError(Errno.NOTCAPABLE, `'${path}' leaves its directory`);
        }
        stack.pop();
        continue;
      }
      if (last && !follow && !trailing) return { dir: top, name: c, trailing };
      let stat: FileStat;
      try {
        stat = yield* wait(top.statAt(c));
      } catch (e) {
        if (last && e instanceof WasiError && e.errno === Errno.NOENT) {
          return { dir: top, name: c, trailing };
        }
        throw e;
      }
      if (stat.filetype === FileType.SYMBOLIC_LINK && (!last || follow || trailing)) {
        if (++links > MAX_SYMLINKS) throw new WasiError(Errno.LOOP, `'${path}'`);
        const target = yield* wait(top.readlinkAt(c));
        if (target.startsWith("/")) {
          throw new WasiError(Errno.NOTCAPABLE, `'${path}' leads to absolute path '${target}'`);
        }
        if (target === "") throw new WasiError(Errno.NOENT, `'${path}': empty link`);
        if (last && target.endsWith("/")) trailing = true;
        queue = [...target.split("/").filter((p) => p !== "" && p !== "."), ...queue];
        continue;
      }
      if (last) return { dir: top, name: c, trailing };
      if (stat.filetype !== FileType.DIRECTORY) throw new WasiError(Errno.NOTDIR, `'${path}'`);
      stack.push(yield* wait(top.dirAt(c)));
    }
  }

  /** The stat of a resolved entry; `null` when it does not exist. */
  *statOf(r: Resolved): Gen<FileStat | null> {
    try {
      return r.name === "." ? yield* wait(r.dir.stat()) : yield* wait(r.dir.statAt(r.name));
    } catch (e) {
      if (e instanceof WasiError && e.errno === Errno.NOENT) return null;
      throw e;
    }
  }

  /** A resolved entry that must have a name of its own (not the directory itself). */
  *named(fd: number, rights: number, path: string, follow = false): Gen<Resolved> {
    return yield* this.resolve(this.#dir(fd, rights), path, follow);
  }

  // ---- the syscalls (called through SYSCALLS) ----

  args_sizes_get(m: GuestMemory, argc: number, size: number): number {
    m.setU32(argc, this.args.length);
    m.setU32(size, this.args.reduce((n, a) => n + a.length, 0));
    return Errno.SUCCESS;
  }
  args_get(m: GuestMemory, argv: number, buf: number): number {
    return writeStrings(m, this.args, argv, buf);
  }
  environ_sizes_get(m: GuestMemory, count: number, size: number): number {
    m.setU32(count, this.env.length);
    m.setU32(size, this.env.reduce((n, a) => n + a.length, 0));
    return Errno.SUCCESS;
  }
  environ_get(m: GuestMemory, environ: number, buf: number): number {
    return writeStrings(m, this.env, environ, buf);
  }
  clock_res_get(m: GuestMemory, id: number, out: number): number {
    if (id < 0 || id > ClockId.THREAD_CPUTIME) throw new WasiError(Errno.INVAL, `clock ${id}`);
    m.setU64(out, 1000n);
    return Errno.SUCCESS;
  }
  clock_time_get(m: GuestMemory, id: number, _precision: bigint, out: number): number {
    m.setU64(out, clockNow(id));
    return Errno.SUCCESS;
  }

  fd_advise(_m: GuestMemory, fd: number, off: bigint, len: bigint, advice: number): number {
    this.#file(fd, Rights.FD_ADVISE);
    if (advice < 0 || advice > 5) throw new WasiError(Errno.INVAL, `advice ${advice}`);
    if (off < 0n || len < 0n) throw new WasiError(Errno.INVAL, "negative range");
    return Errno.SUCCESS;
  }
  *fd_allocate(_m: GuestMemory, fd: number, off: bigint, len: bigint): Gen<number> {
    const f = this.#file(fd, Rights.FD_ALLOCATE);
    if (off < 0n || len <= 0n) throw new WasiError(Errno.INVAL, "bad range");
    const stat = yield* wait(f.file.stat());
    if (off + len > stat.size) yield* wait(f.file.setSize(off + len));
    return Errno.SUCCESS;
  }
  *fd_close(_m: GuestMemory, fd: number): Gen<number> {
    const entry = this.#entry(fd);
    this.fds.delete(fd);
    if (entry.kind === "file") yield* wait(entry.file.close());
    return Errno.SUCCESS;
  }
  *fd_datasync(_m: GuestMemory, fd: number): Gen<number> {
    const f = this.#file(fd, Rights.FD_DATASYNC);
    yield* wait(f.file.sync());
    return Errno.SUCCESS;
  }
  *fd_sync(_m: GuestMemory, fd: number): Gen<number> {
    const entry = this.#entry(fd, Rights.FD_SYNC);
    if (entry.kind === "file") yield* wait(entry.file.sync());
    return Errno.SUCCESS;
  }
  *fd_fdstat_get(m: GuestMemory, fd: number, out: number): Gen<number> {
    const entry = this.#entry(fd);
    const type = entry.kind === "stream"
      ? FileType.CHARACTER_DEVICE
      : entry.kind === "dir"
      ? FileType.DIRECTORY
      : (yield* wait(entry.file.stat())).filetype;
    m.range(out, 24).fill(0);
    m.setU8(out, type);
    m.setU16(out + 2, entry.flags);
    m.setU64(out + 8, BigInt(entry.rightsBase));
    m.setU64(out + 16, BigInt(entry.rightsInheriting));
    return Errno.SUCCESS;
  }
  fd_fdstat_set_flags(_m: GuestMemory, fd: number, flags: number): number {
    const entry = this.#entry(fd, Rights.FD_FDSTAT_SET_FLAGS);
    if ((flags & ~0x1f) !== 0) throw new WasiError(Errno.INVAL, `fdflags ${flags}`);
    const synced = FdFlags.DSYNC | FdFlags.RSYNC | FdFlags.SYNC;
    if ((flags & synced) !== (entry.flags & synced)) {
      throw new WasiError(Errno.NOTSUP, "changing the sync flags of an open file");
    }
    entry.flags = flags;
    return Errno.SUCCESS;
  }
  fd_fdstat_set_rights(_m: GuestMemory, fd: number, base: bigint, inh: bigint): number {
    const entry = this.#entry(fd);
    const b = Number(BigInt.asUintN(32, base));
    const i = Number(BigInt.asUintN(32, inh));
    if (
      base >> 32n !== 0n || inh >> 32n !== 0n || (b & ~entry.rightsBase) !== 0 ||
      (i & ~entry.rightsInheriting) !== 0
    ) {
      throw new WasiError(Errno.NOTCAPABLE, "rights can only be dropped");
    }
    entry.rightsBase = b;
    entry.rightsInheriting = i;
    return Errno.SUCCESS;
  }
  *fd_filestat_get(m: GuestMemory, fd: number, out: number): Gen<number> {
    const entry = this.#entry(fd, Rights.FD_FILESTAT_GET);
    const stat = entry.kind === "stream"
      ? STREAM_STAT
      : entry.kind === "dir"
      ? yield* wait(entry.dir.stat())
      : yield* wait(entry.file.stat());
    writeFilestat(m, out, stat);
    return Errno.SUCCESS;
  }
  *fd_filestat_set_size(_m: GuestMemory, fd: number, size: bigint): Gen<number> {
    const f = this.#file(fd, Rights.FD_FILESTAT_SET_SIZE);
    if (size < 0n || size > I64_MAX) throw new WasiError(Errno.INVAL, `size ${size}`);
    yield* wait(f.file.setSize(size));
    return Errno.SUCCESS;
  }
  *fd_filestat_set_times(
    _m: GuestMemory,
    fd: number,
    atim: bigint,
    mtim: bigint,
    fst: number,
  ): Gen<number> {
    const entry = this.#entry(fd, Rights.FD_FILESTAT_SET_TIMES);
    checkFstFlags(fst);
    const a = timeSpec(atim, FstFlags.ATIM, FstFlags.ATIM_NOW, fst);
    const t = timeSpec(mtim, FstFlags.MTIM, FstFlags.MTIM_NOW, fst);
    if (entry.kind === "file") yield* wait(entry.file.setTimes(a, t));
    else if (entry.kind === "dir") yield* wait(entry.dir.setTimes(a, t));
    return Errno.SUCCESS;
  }
  fd_prestat_get(m: GuestMemory, fd: number, out: number): number {
    const entry = this.#entry(fd);
    if (entry.kind !== "dir" || entry.preopen === null) {
      throw new WasiError(Errno.BADF, `fd ${fd} is no preopen`);
    }
    m.setU32(out, 0);
    m.setU32(out + 4, textEncoder.encode(entry.preopen).length);
    return Errno.SUCCESS;
  }
  fd_prestat_dir_name(m: GuestMemory, fd: number, path: number, len: number): number {
    const entry = this.#entry(fd);
    if (entry.kind !== "dir" || entry.preopen === null) {
      throw new WasiError(Errno.BADF, `fd ${fd} is no preopen`);
    }
    const name = textEncoder.encode(entry.preopen);
    if (len < name.length) throw new WasiError(Errno.NAMETOOLONG, "buffer too small");
    m.range(path, name.length).set(name);
    return Errno.SUCCESS;
  }
  *fd_read(m: GuestMemory, fd: number, iovs: number, count: number, out: number): Gen<number> {
    const entry = this.#entry(fd);
    if (entry.kind === "dir") throw new WasiError(Errno.ISDIR, `fd ${fd}`);
    this.#entry(fd, Rights.FD_READ);
    const bufs = m.iovecs(iovs, count);
    let total = 0;
    if (entry.kind === "stream") {
      const want = bufs.reduce((n, b) => n + b.length, 0);
      if (entry.stream.read === undefined) {
        throw new WasiError(Errno.BADF, `fd ${fd} is write-only`);
      }
      if (want > 0) {
        const data = yield* wait(entry.stream.read(want));
        // The memory may have grown while an async read waited: take fresh views.
        let at = 0;
        for (const b of m.iovecs(iovs, count)) {
          const n = Math.min(b.length, data.length - at);
          b.set(data.subarray(at, at + n));
          at += n;
          if (at === data.length) break;
        }
        total = at;
      }
    } else {
      for (let i = 0; i < bufs.length; i++) {
        const buf = m.iovecs(iovs, count)[i]!;
        if (buf.length === 0) continue;
        const n = yield* wait(entry.file.read(buf, entry.position));
        entry.position += BigInt(n);
        total += n;
        if (n < buf.length) break;
      }
    }
    m.setU32(out, total);
    return Errno.SUCCESS;
  }
  *fd_pread(
    m: GuestMemory,
    fd: number,
    iovs: number,
    count: number,
    offset: bigint,
    out: number,
  ): Gen<number> {
    const f = this.#file(fd, Rights.FD_READ | Rights.FD_SEEK);
    if (offset < 0n) throw new WasiError(Errno.INVAL, `offset ${offset}`);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const buf = m.iovecs(iovs, count)[i]!;
      if (buf.length === 0) continue;
      const n = yield* wait(f.file.read(buf, offset + BigInt(total)));
      total += n;
      if (n < buf.length) break;
    }
    m.setU32(out, total);
    return Errno.SUCCESS;
  }
  *fd_write(m: GuestMemory, fd: number, iovs: number, count: number, out: number): Gen<number> {
    const entry = this.#entry(fd);
    if (entry.kind === "dir") throw new WasiError(Errno.ISDIR, `fd ${fd}`);
    this.#entry(fd, Rights.FD_WRITE);
    const data = gather(m.iovecs(iovs, count));
    if (entry.kind === "stream") {
      if (entry.stream.write === undefined) {
        throw new WasiError(Errno.BADF, `fd ${fd} is read-only`);
      }
      if (data.length > 0) yield* wait(entry.stream.write(data));
    } else {
      if ((entry.flags & FdFlags.APPEND) !== 0) {
        entry.position = (yield* wait(entry.file.stat())).size;
      }
      if (data.length > 0) {
        const n = yield* wait(entry.file.write(data, entry.position));
        entry.position += BigInt(n);
      }
    }
    m.setU32(out, data.length);
    return Errno.SUCCESS;
  }
  *fd_pwrite(
    m: GuestMemory,
    fd: number,
    iovs: number,
    count: number,
    offset: bigint,
    out: number,
  ): Gen<number> {
    const f = this.#file(fd, Rights.FD_WRITE | Rights.FD_SEEK);
    if (offset < 0n) throw new WasiError(Errno.INVAL, `offset ${offset}`);
    const data = gather(m.iovecs(iovs, count));
    // With O_APPEND, POSIX pwrite appends on Linux; WASI hosts write at the offset: so do we.
    const n = data.length > 0 ? yield* wait(f.file.write(data, offset)) : 0;
    m.setU32(out, n);
    return Errno.SUCCESS;
  }
  *fd_readdir(
    m: GuestMemory,
    fd: number,
    buf: number,
    len: number,
    cookie: bigint,
    out: number,
  ): Gen<number> {
    const d = this.#dir(fd, Rights.FD_READDIR);
    if (cookie === 0n || d.listing === null) {
      const self = yield* wait(d.dir.stat());
      d.listing = [
        { name: ".", filetype: FileType.DIRECTORY, ino: self.ino },
        { name: "..", filetype: FileType.DIRECTORY, ino: 0n },
        ...(yield* wait(d.dir.entries())),
      ];
    }
    const target = m.range(buf, len);
    let used = 0;
    for (let i = Number(cookie); i < d.listing.length && used < len; i++) {
      const e = d.listing[i]!;
      const name = textEncoder.encode(e.name);
      const record = new Uint8Array(24 + name.length);
      const dv = new DataView(record.buffer);
      dv.setBigUint64(0, BigInt(i + 1), true);
      dv.setBigUint64(8, e.ino, true);
      dv.setUint32(16, name.length, true);
      dv.setUint8(20, e.filetype);
      record.set(name, 24);
      const n = Math.min(record.length, len - used);
      target.set(record.subarray(0, n), used);
      used += n;
    }
    m.setU32(out, used);
    return Errno.SUCCESS;
  }
  *fd_renumber(_m: GuestMemory, fd: number, to: number): Gen<number> {
    const entry = this.#entry(fd);
    const old = this.#entry(to);
    if (fd === to) return Errno.SUCCESS;
    if (old.kind === "file") yield* wait(old.file.close());
    this.fds.set(to, entry);
    this.fds.delete(fd);
    return Errno.SUCCESS;
  }
  *fd_seek(m: GuestMemory, fd: number, offset: bigint, whence: number, out: number): Gen<number> {
    const needs = offset === 0n && whence === Whence.CUR ? Rights.FD_TELL : Rights.FD_SEEK;
    const entry = this.#entry(fd);
    if (entry.kind === "dir") throw new WasiError(Errno.BADF, `fd ${fd} is a directory`);
    const f = this.#file(fd, needs);
    let base: bigint;
    if (whence === Whence.SET) base = 0n;
    else if (whence === Whence.CUR) base = f.position;
    else if (whence === Whence.END) base = (yield* wait(f.file.stat())).size;
    else throw new WasiError(Errno.INVAL, `whence ${whence}`);
    const pos = base + offset;
    if (pos < 0n || pos > I64_MAX) throw new WasiError(Errno.INVAL, `offset ${pos}`);
    f.position = pos;
    m.setU64(out, pos);
    return Errno.SUCCESS;
  }
  fd_tell(m: GuestMemory, fd: number, out: number): number {
    const f = this.#file(fd, Rights.FD_TELL);
    m.setU64(out, f.position);
    return Errno.SUCCESS;
  }

  *path_create_directory(m: GuestMemory, fd: number, path: number, len: number): Gen<number> {
    const r = yield* this.named(fd, Rights.PATH_CREATE_DIRECTORY, m.string(path, len));
    if (r.name === ".") throw new WasiError(Errno.EXIST, "the directory exists");
    yield* wait(r.dir.mkdirAt(r.name));
    return Errno.SUCCESS;
  }
  *path_filestat_get(
    m: GuestMemory,
    fd: number,
    flags: number,
    path: number,
    len: number,
    out: number,
  ): Gen<number> {
    const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
    const r = yield* this.named(fd, Rights.PATH_FILESTAT_GET, m.string(path, len), follow);
    const stat = yield* this.statOf(r);
    if (stat === null) throw new WasiError(Errno.NOENT, "no such entry");
    if (r.trailing && stat.filetype !== FileType.DIRECTORY) {
      throw new WasiError(Errno.NOTDIR, "a trailing slash after a non-directory");
    }
    writeFilestat(m, out, stat);
    return Errno.SUCCESS;
  }
  *path_filestat_set_times(
    m: GuestMemory,
    fd: number,
    flags: number,
    path: number,
    len: number,
    atim: bigint,
    mtim: bigint,
    fst: number,
  ): Gen<number> {
    checkFstFlags(fst);
    const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
    const r = yield* this.named(fd, Rights.PATH_FILESTAT_SET_TIMES, m.string(path, len), follow);
    const a = timeSpec(atim, FstFlags.ATIM, FstFlags.ATIM_NOW, fst);
    const t = timeSpec(mtim, FstFlags.MTIM, FstFlags.MTIM_NOW, fst);
    if (r.name === ".") yield* wait(r.dir.setTimes(a, t));
    else yield* wait(r.dir.setTimesAt(r.name, a, t));
    return Errno.SUCCESS;
  }
  *path_link(
    m: GuestMemory,
    oldFd: number,
    oldFlags: number,
    oldPath: number,
    oldLen: number,
    newFd: number,
    newPath: number,
    newLen: number,
  ): Gen<number> {
    const follow = (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0;
    const from = yield* this.named(
      oldFd,
      Rights.PATH_LINK_SOURCE,
      m.string(oldPath, oldLen),
      follow,
    );
    const to = yield* this.named(newFd, Rights.PATH_LINK_TARGET, m.string(newPath, newLen));
    const stat = yield* this.statOf(from);
    if (stat === null) throw new WasiError(Errno.NOENT, "no such entry");
    if (from.name === "." || stat.filetype === FileType.DIRECTORY) {
      throw new WasiError(Errno.PERM, "a hard link to a directory");
    }
    if (from.trailing) throw new WasiError(Errno.NOTDIR, "a trailing slash after a non-directory");
    if (to.name === ".") throw new WasiError(Errno.EXIST, "the target exists");
    const existing = yield* this.statOf(to);
    if (existing !== null) throw new WasiError(Errno.EXIST, "the target exists");
    if (to.trailing) throw new WasiError(Errno.NOENT, "a trailing slash after a new name");
    yield* wait(from.dir.linkAt(from.name, to.dir, to.name));
    return Errno.SUCCESS;
  }
  *path_open(
    m: GuestMemory,
    fd: number,
    dirflags: number,
    path: number,
    len: number,
    oflags: number,
    base: bigint,
    inheriting: bigint,
    fdflags: number,
    out: number,
  ): Gen<number> {
    const create = (oflags & OFlags.CREAT) !== 0;
    const exclusive = (oflags & OFlags.EXCL) !== 0;
    const truncate = (oflags & OFlags.TRUNC) !== 0;
    const directory = (oflags & OFlags.DIRECTORY) !== 0;
    const parent = this.#dir(fd, Rights.PATH_OPEN);
    if (create) this.#entry(fd, Rights.PATH_CREATE_FILE);
    if (truncate) this.#entry(fd, Rights.PATH_FILESTAT_SET_SIZE);
    if ((fdflags & ~0x1f) !== 0 || (oflags & ~0xf) !== 0) {
      throw new WasiError(Errno.INVAL, "unknown flags");
    }
    const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0;
    const r = yield* this.resolve(parent, m.string(path, len), follow);
    const wanted = Number(BigInt.asUintN(32, base));
    const inherit = Number(BigInt.asUintN(32, inheriting)) & parent.rightsInheriting;
    const stat = yield* this.statOf(r);
    let entry: FdEntry;
    if (stat !== null && stat.filetype === FileType.SYMBOLIC_LINK) {
      throw new WasiError(Errno.LOOP, "a symbolic link, not followed");
    }
    if (stat !== null && stat.filetype === FileType.DIRECTORY) {
      if (create && exclusive) throw new WasiError(Errno.EXIST, "the directory exists");
      if (truncate || (fdflags & FdFlags.APPEND) !== 0 || (wanted & Rights.FD_WRITE) !== 0) {
        throw new WasiError(Errno.ISDIR, "cannot write a directory");
      }
      const dir = r.name === "." ? r.dir : yield* wait(r.dir.dirAt(r.name));
      entry = {
        kind: "dir",
        dir,
        preopen: null,
        listing: null,
        rightsBase: wanted & DIR_RIGHTS & parent.rightsInheriting,
        rightsInheriting: inherit,
        flags: fdflags,
      };
    } else {
      if (stat !== null && create && exclusive) throw new WasiError(Errno.EXIST, "the file exists");
      if (directory) {
        throw new WasiError(stat === null ? Errno.NOENT : Errno.NOTDIR, "not a directory");
      }
      if (r.trailing) {
        throw new WasiError(stat === null ? Errno.ISDIR : Errno.NOTDIR, "a trailing slash");
      }
      if (stat === null && !create) throw new WasiError(Errno.NOENT, "no such file");
      const rights = wanted & FILE_RIGHTS & parent.rightsInheriting;
      const file = yield* wait(r.dir.openAt(r.name, {
        create,
        exclusive,
        truncate,
        read: (rights & Rights.FD_READ) !== 0,
        write: truncate || (fdflags & FdFlags.APPEND) !== 0 ||
          (rights & (Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE)) !== 0,
      }));
      entry = {
        kind: "file",
        file,
        position: 0n,
        rightsBase: rights,
        rightsInheriting: inherit,
        flags: fdflags,
      };
    }
    m.setU32(out, this.#add(entry));
    return Errno.SUCCESS;
  }
  *path_readlink(
    m: GuestMemory,
    fd: number,
    path: number,
    len: number,
    buf: number,
    bufLen: number,
    out: number,
  ): Gen<number> {
    const r = yield* this.named(fd, Rights.PATH_READLINK, m.string(path, len));
    if (r.name === ".") throw new WasiError(Errno.INVAL, "not a link");
    const target = textEncoder.encode(yield* wait(r.dir.readlinkAt(r.name)));
    const n = Math.min(target.length, bufLen);
    m.range(buf, n).set(target.subarray(0, n));
    m.setU32(out, n);
    return Errno.SUCCESS;
  }
  *path_remove_directory(m: GuestMemory, fd: number, path: number, len: number): Gen<number> {
    const r = yield* this.named(fd, Rights.PATH_REMOVE_DIRECTORY, m.string(path, len));
    if (r.name === ".") throw new WasiError(Errno.INVAL, "cannot remove '.'");
    yield* wait(r.dir.rmdirAt(r.name));
    return Errno.SUCCESS;
  }
  *path_rename(
    m: GuestMemory,
    fd: number,
    oldPath: number,
    oldLen: number,
    newFd: number,
    newPath: number,
    newLen: number,
  ): Gen<number> {
    const from = yield* this.named(fd, Rights.PATH_RENAME_SOURCE, m.string(oldPath, oldLen));
    const to = yield* this.named(newFd, Rights.PATH_RENAME_TARGET, m.string(newPath, newLen));
    if (from.name === "." || to.name === ".") throw new WasiError(Errno.BUSY, "renaming '.'");
    const stat = yield* this.statOf(from);
    if (stat === null) throw new WasiError(Errno.NOENT, "no such entry");
    if ((from.trailing || to.trailing) && stat.filetype !== FileType.DIRECTORY) {
      throw new WasiError(Errno.NOTDIR, "a trailing slash after a non-directory");
    }
    yield* wait(from.dir.renameAt(from.name, to.dir, to.name));
    return Errno.SUCCESS;
  }
  *path_symlink(
    m: GuestMemory,
    oldPath: number,
    oldLen: number,
    fd: number,
    newPath: number,
    newLen: number,
  ): Gen<number> {
    const target = m.string(oldPath, oldLen);
    // A link to an absolute path could only ever lead out of the sandbox.
    if (target.startsWith("/")) {
      throw new WasiError(Errno.NOTCAPABLE, `absolute target '${target}'`);
    }
    if (target === "" || target.includes("\0")) throw new WasiError(Errno.NOENT, "empty target");
    const r = yield* this.named(fd, Rights.PATH_SYMLINK, m.string(newPath, newLen));
    if (r.name === ".") throw new WasiError(Errno.EXIST, "the name exists");
    const existing = yield* this.statOf(r);
    if (existing !== null) {
      const notDir = r.trailing && existing.filetype !== FileType.DIRECTORY;
      throw new WasiError(notDir ? Errno.NOTDIR : Errno.EXIST, "the name exists");
    }
    if (r.trailing) throw new WasiError(Errno.NOENT, "a trailing slash after a new name");
    yield* wait(r.dir.symlinkAt(target, r.name));
    return Errno.SUCCESS;
  }
  *path_unlink_file(m: GuestMemory, fd: number, path: number, len: number): Gen<number> {
    const r = yield* this.named(fd, Rights.PATH_UNLINK_FILE, m.string(path, len));
    if (r.name === ".") throw new WasiError(Errno.ISDIR, "a directory");
    const stat = yield* this.statOf(r);
    if (stat === null) throw new WasiError(Errno.NOENT, "no such entry");
    if (stat.filetype === FileType.DIRECTORY) throw new WasiError(Errno.ISDIR, "a directory");
    if (r.trailing) throw new WasiError(Errno.NOTDIR, "a trailing slash after a non-directory");
    yield* wait(r.dir.unlinkAt(r.name));
    return Errno.SUCCESS;
  }

  *poll_oneoff(
    m: GuestMemory,
    inPtr: number,
    outPtr: number,
    n: number,
    outN: number,
  ): Gen<number> {
    if (n === 0) throw new WasiError(Errno.INVAL, "no subscriptions");
    m.range(inPtr, n * 48);
    m.range(outPtr, n * 32);
    const events: { userdata: bigint; error: number; type: number; nbytes: bigint }[] = [];
    let clocks: { userdata: bigint; deadline: bigint }[] = [];
    const now = monotonicNs();
    for (let i = 0; i < n; i++) {
      const sub = inPtr + i * 48;
      const userdata = m.u64(sub);
      const type = m.u8(sub + 8);
      if (type === EventType.CLOCK) {
        const id = m.u32(sub + 16);
        const timeout = m.u64(sub + 24);
        const absolute = (m.u16(sub + 40) & 1) !== 0;
        let delay: bigint;
        try {
          delay = absolute ? timeout - clockNow(id) : timeout;
        } catch (e) {
          if (!(e instanceof WasiError)) throw e;
          events.push({ userdata, error: e.errno, type, nbytes: 0n });
          continue;
        }
        clocks.push({ userdata, deadline: now + (delay > 0n ? delay : 0n) });
      } else if (type === EventType.FD_READ || type === EventType.FD_WRITE) {
        const fd = m.u32(sub + 16);
        let error: number = Errno.SUCCESS;
        let nbytes = 0n;
        try {
          const entry = this.#entry(fd, Rights.POLL_FD_READWRITE);
          if (entry.kind === "dir") throw new WasiError(Errno.BADF, `fd ${fd} is a directory`);
          if (entry.kind === "file" && type === EventType.FD_READ) {
            const size = (yield* wait(entry.file.stat())).size;
            nbytes = size > entry.position ? size - entry.position : 0n;
          }
        } catch (e) {
          if (!(e instanceof WasiError)) throw e;
          error = e.errno;
        }
        events.push({ userdata, error, type, nbytes });
      } else {
        throw new WasiError(Errno.INVAL, `event type ${type}`);
      }
    }
    if (events.length === 0 && clocks.length > 0) {
      // Only clocks: sleep until the earliest, then report every clock due by then.
      const first = clocks.reduce((a, c) => (c.deadline < a ? c.deadline : a), clocks[0]!.deadline);
      const delay = first - monotonicNs();
      if (delay > 0n) {
        if (this.async) yield* wait(new Promise((r) => setTimeout(r, Number(delay / 1_000_000n))));
        else sleepSync(delay);
      }
      const after = monotonicNs() > first ? monotonicNs() : first;
      clocks = clocks.filter((c) => c.deadline <= after);
      for (const c of clocks) {
        events.push({ userdata: c.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n });
      }
    }
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const ev = outPtr + i * 32;
      m.range(ev, 32).fill(0);
      m.setU64(ev, e.userdata);
      m.setU16(ev + 8, e.error);
      m.setU8(ev + 10, e.type);
      m.setU64(ev + 16, e.nbytes);
    }
    m.setU32(outN, events.length);
    return Errno.SUCCESS;
  }
  proc_exit(_m: GuestMemory, code: number): number {
    throw new WasiExit(code >>> 0);
  }
  proc_raise(_m: GuestMemory, _sig: number): number {
    return Errno.NOTSUP;
  }
  *sched_yield(_m: GuestMemory): Gen<number> {
    if (this.async) yield* wait(new Promise((r) => setTimeout(r, 0)));
    return Errno.SUCCESS;
  }
  random_get(m: GuestMemory, buf: number, len: number): number {
    const target = m.range(buf, len);
    for (let at = 0; at < len; at += 65536) {
      crypto.getRandomValues(
        target.subarray(at, Math.min(len, at + 65536)) as Uint8Array<ArrayBuffer>,
      );
    }
    return Errno.SUCCESS;
  }
  sock_accept(_m: GuestMemory, fd: number, _flags: number, _out: number): number {
    return this.#notSocket(fd);
  }
  sock_recv(
    _m: GuestMemory,
    fd: number,
    _data: number,
    _len: number,
    _flags: number,
    _outLen: number,
    _outFlags: number,
  ): number {
    return this.#notSocket(fd);
  }
  sock_send(
    _m: GuestMemory,
    fd: number,
    _data: number,
    _len: number,
    _flags: number,
    _out: number,
  ): number {
    return this.#notSocket(fd);
  }
  sock_shutdown(_m: GuestMemory, fd: number, _how: number): number {
    return this.#notSocket(fd);
  }
  /** No descriptor here is a socket (WASI preview 1 cannot open one): `BADF` or `NOTSOCK`. */
  #notSocket(fd: number): number {
    this.#entry(fd);
    return Errno.NOTSOCK;
  }
}

/**
 * The WASI state of one program: arguments, environment, the file descriptor table. Create it
 * with `WasiCtxBuilder`, add its functions to a linker, instantiate, then `start`.
 *
 * @example Running a program that writes to stdout
 * ```ts
 * import { Engine, Linker, Module, Store } from "../../mod.ts";
 * import { memoryOutput, WasiCtxBuilder } from "./mod.ts";
 * import assert from "node:assert/strict";
 * import wabtInit from "wabt";
 * const wat = `(module
 *   (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 16) "hi\\n")
 *   (data (i32.const 0) "\\10\\00\\00\\00\\03\\00\\00\\00")
 *   (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;
 * const bytes = (await wabtInit()).parseWat("m.wat", wat).toBinary({}).buffer;
 * const out = memoryOutput();
 * const wasi = new WasiCtxBuilder().stdout(out).build();
 * const engine = new Engine();
 * const store = new Store(engine, null);
 * const linker = new Linker(engine);
 * wasi.addToLinker(linker);
 * const instance = linker.instantiate(store, new Module(engine, bytes));
 * assert.equal(wasi.start(store, instance), 0);
 * assert.equal(out.text(), "hi\n");
 * ```
 */
export class WasiCtx {
  readonly #state: WasiState;

  /**
   * Creates the context; `WasiCtxBuilder.build` is the usual way.
   *
   * @param options what the program sees
   */
  constructor(options: WasiCtxOptions) {
    this.#state = new WasiState(options);
  }

  /**
   * Whether the program runs in an async call (`startAsync` sets it): `poll_oneoff` then sleeps
   * with a timer and `sched_yield` yields to the event loop, instead of blocking. Set it when
   * calling the program's functions with `callAsync` yourself.
   */
  get async(): boolean {
    return this.#state.async;
  }
  set async(value: boolean) {
    this.#state.async = value;
  }

  /**
   * Defines every `wasi_snapshot_preview1` function in `linker`.
   *
   * @param linker the linker the program is instantiated with
   * @returns the linker
   */
  addToLinker<T>(linker: Linker<T>): Linker<T> {
    for (const [name, syscall] of Object.entries(SYSCALLS)) {
      const results: ValType[] = name === "proc_exit" ? [] : ["i32"];
      linker.funcWrap(
        WASI_MODULE,
        name,
        { params: syscall.params, results },
        (caller: Caller<T>, ...args: unknown[]) =>
          this.#state.dispatch(name, syscall, caller, args),
      );
    }
    return linker;
  }

  /**
   * Runs the program's `_start` and returns its exit code: the code given to `proc_exit`, or 0
   * when `_start` returns. Every WASI call completes synchronously: a `poll_oneoff` sleep blocks
   * (with `Atomics.wait`, which a browser's main thread forbids: use `startAsync` there), and an
   * asynchronous stream or filesystem fails the call with `AsyncHostFuncError`.
   *
   * @param store the store `instance` lives in
   * @param instance the instantiated program
   * @returns the exit code
   * @throws {Trap} when the program traps (not an exit)
   * @throws {WasiError} when the instance has no `_start` function
   */
  start(store: Store, instance: Instance): number {
    const start = startOf(store, instance);
    this.#state.async = false;
    try {
      start.call(store, []);
      return 0;
    } catch (e) {
      return exitCodeOf(e);
    } finally {
      this.#state.closeAll();
    }
  }

  /**
   * Like `start`, in an async call: WASI functions may wait for asynchronous streams and
   * filesystems, `poll_oneoff` sleeps without blocking the event loop, and with
   * `options.fuelSlice` a long program yields to the event loop between fuel slices.
   *
   * @param store the store `instance` lives in
   * @param instance the instantiated program
   * @param options fuel slice and abort signal for `callAsync`
   * @returns the exit code
   */
  async startAsync(store: Store, instance: Instance, options?: CallAsyncOptions): Promise<number> {
    const start = startOf(store, instance);
    this.#state.async = true;
    try {
      await start.callAsync(store, [], options);
      return 0;
    } catch (e) {
      return exitCodeOf(e);
    } finally {
      this.#state.closeAll();
    }
  }

  /** Closes every open file descriptor (`start` does it when the program ends). */
  closeAll(): void {
    this.#state.closeAll();
  }
}

function startOf(store: Store, instance: Instance) {
  const start = instance.getFunc(store, "_start");
  if (start === undefined) throw new WasiError(Errno.NOENT, "the module exports no _start");
  return start;
}

/** The exit code an error from `_start` stands for: a `WasiExit` (also inside a Trap's cause). */
function exitCodeOf(e: unknown): number {
  if (e instanceof WasiExit) return e.code;
  if (e instanceof Trap && e.cause instanceof WasiExit) return e.cause.code;
  throw e;
}

function clockNow(id: number): bigint {
  switch (id) {
    case ClockId.REALTIME:
      return realtimeNs();
    case ClockId.MONOTONIC:
    case ClockId.PROCESS_CPUTIME:
    case ClockId.THREAD_CPUTIME:
      return monotonicNs();
    default:
      throw new WasiError(Errno.INVAL, `clock ${id}`);
  }
}

function writeStrings(m: GuestMemory, strings: Uint8Array[], ptrs: number, buf: number): number {
  let at = buf;
  for (let i = 0; i < strings.length; i++) {
    m.setU32(ptrs + i * 4, at);
    m.range(at, strings[i]!.length).set(strings[i]!);
    at += strings[i]!.length;
  }
  return Errno.SUCCESS;
}

function writeFilestat(m: GuestMemory, out: number, s: FileStat): void {
  m.range(out, 64).fill(0);
  m.setU64(out, s.dev);
  m.setU64(out + 8, s.ino);
  m.setU8(out + 16, s.filetype);
  m.setU64(out + 24, s.nlink);
  m.setU64(out + 32, s.size);
  m.setU64(out + 40, s.atim);
  m.setU64(out + 48, s.mtim);
  m.setU64(out + 56, s.ctim);
}

/**
 * Runs a WASI function's generator: synchronously while nothing it waits for is a Promise, then
 * asynchronously. A `WasiError` becomes its errno; any other error propagates (a trap).
 */
function drive(gen: number | Gen<number>): number | Promise<number> {
  if (typeof gen === "number") return gen;
  try {
    let step = gen.next();
    while (!step.done) {
      if (isThenable(step.value)) return driveAsync(gen, step.value);
      step = gen.next(step.value);
    }
    return step.value;
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
}

async function driveAsync(gen: Gen<number>, pending: unknown): Promise<number> {
  try {
    for (;;) {
      let value: unknown;
      let failed = false;
      try {
        value = await pending;
      } catch (e) {
        failed = true;
        value = e;
      }
      // A rejected Promise is thrown into the generator, which may turn it into an errno.
      const step = failed ? gen.throw(value) : gen.next(value);
      if (step.done) return step.value;
      pending = step.value;
    }
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
}

/** The WASI functions by name, with their parameter types. */
const SYSCALLS: Record<string, Syscall> = (() => {
  const I = "i32" as const;
  const L = "i64" as const;
  const p = WasiState.prototype;
  const table: [string, ValType[], Syscall["run"]][] = [
    ["args_get", [I, I], p.args_get],
    ["args_sizes_get", [I, I], p.args_sizes_get],
    ["environ_get", [I, I], p.environ_get],
    ["environ_sizes_get", [I, I], p.environ_sizes_get],
    ["clock_res_get", [I, I], p.clock_res_get],
    ["clock_time_get", [I, L, I], p.clock_time_get],
    ["fd_advise", [I, L, L, I], p.fd_advise],
    ["fd_allocate", [I, L, L], p.fd_allocate],
    ["fd_close", [I], p.fd_close],
    ["fd_datasync", [I], p.fd_datasync],
    ["fd_fdstat_get", [I, I], p.fd_fdstat_get],
    ["fd_fdstat_set_flags", [I, I], p.fd_fdstat_set_flags],
    ["fd_fdstat_set_rights", [I, L, L], p.fd_fdstat_set_rights],
    ["fd_filestat_get", [I, I], p.fd_filestat_get],
    ["fd_filestat_set_size", [I, L], p.fd_filestat_set_size],
    ["fd_filestat_set_times", [I, L, L, I], p.fd_filestat_set_times],
    ["fd_pread", [I, I, I, L, I], p.fd_pread],
    ["fd_prestat_get", [I, I], p.fd_prestat_get],
    ["fd_prestat_dir_name", [I, I, I], p.fd_prestat_dir_name],
    ["fd_pwrite", [I, I, I, L, I], p.fd_pwrite],
    ["fd_read", [I, I, I, I], p.fd_read],
    ["fd_readdir", [I, I, I, L, I], p.fd_readdir],
    ["fd_renumber", [I, I], p.fd_renumber],
    ["fd_seek", [I, L, I, I], p.fd_seek],
    ["fd_sync", [I], p.fd_sync],
    ["fd_tell", [I, I], p.fd_tell],
    ["fd_write", [I, I, I, I], p.fd_write],
    ["path_create_directory", [I, I, I], p.path_create_directory],
    ["path_filestat_get", [I, I, I, I, I], p.path_filestat_get],
    ["path_filestat_set_times", [I, I, I, I, L, L, I], p.path_filestat_set_times],
    ["path_link", [I, I, I, I, I, I, I], p.path_link],
    ["path_open", [I, I, I, I, I, L, L, I, I], p.path_open],
    ["path_readlink", [I, I, I, I, I, I], p.path_readlink],
    ["path_remove_directory", [I, I, I], p.path_remove_directory],
    ["path_rename", [I, I, I, I, I, I], p.path_rename],
    ["path_symlink", [I, I, I, I, I], p.path_symlink],
    ["path_unlink_file", [I, I, I], p.path_unlink_file],
    ["poll_oneoff", [I, I, I, I], p.poll_oneoff],
    ["proc_exit", [I], p.proc_exit],
    ["proc_raise", [I], p.proc_raise],
    ["sched_yield", [], p.sched_yield],
    ["random_get", [I, I], p.random_get],
    ["sock_accept", [I, I, I], p.sock_accept],
    ["sock_recv", [I, I, I, I, I, I], p.sock_recv],
    ["sock_send", [I, I, I, I, I], p.sock_send],
    ["sock_shutdown", [I, I], p.sock_shutdown],
  ];
  return Object.fromEntries(table.map(([name, params, run]) => [name, { params, run }]));
})();
