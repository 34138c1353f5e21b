/**
 * An in-memory filesystem for WASI: for browsers, tests, and programs that must not touch the
 * host. Directories, regular files, symbolic links and hard links, with timestamps.
 *
 * @module
 */

import { realtimeNs } from "./clocks.ts";
import { Errno, FileType } from "./constants.ts";
import {
  type DirEntry,
  type FileStat,
  type OpenOptions,
  type TimeSpec,
  type WasiDir,
  WasiError,
  type WasiFile,
} from "./fs.ts";

/** Bytes a file may hold: past this, writes fail with `FBIG` instead of exhausting the host. */
const MAX_FILE_SIZE = 1 << 30;

abstract class MemNode {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  nlink = 1n;
  constructor(readonly ino: bigint) {
    this.atim = this.mtim = this.ctim = realtimeNs();
  }
  abstract readonly filetype: number;
  abstract get size(): bigint;
  stat(): FileStat {
    const { filetype, ino, nlink, size, atim, mtim, ctim } = this;
    return { filetype, dev: 1n, ino, nlink, size, atim, mtim, ctim };
  }
  setTimes(atim: TimeSpec, mtim: TimeSpec): void {
    const now = realtimeNs();
    if (atim !== null) this.atim = atim === "now" ? now : atim;
    if (mtim !== null) this.mtim = mtim === "now" ? now : mtim;
    this.ctim = now;
  }
}

class MemFileNode extends MemNode {
  readonly filetype = FileType.REGULAR_FILE;
  bytes = new Uint8Array(0);
  length = 0;
  get size(): bigint {
    return BigInt(this.length);
  }
  resize(size: number): void {
    if (size > MAX_FILE_SIZE) throw new WasiError(Errno.FBIG, `file size ${size}`);
    if (size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(size, Math.min(MAX_FILE_SIZE, this.bytes.length * 2)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    } else if (size < this.length) {
      this.bytes.fill(0, size, this.length);
    }
    this.length = size;
  }
}

class MemLinkNode extends MemNode {
  readonly filetype = FileType.SYMBOLIC_LINK;
  constructor(ino: bigint, readonly target: string) {
    super(ino);
  }
  get size(): bigint {
    return BigInt(new TextEncoder().encode(this.target).length);
  }
}

class MemDirNode extends MemNode {
  readonly filetype = FileType.DIRECTORY;
  readonly children = new Map<string, MemNode>();
  /** The directory holding it (null for a root), kept up to date by renames. */
  parent: MemDirNode | null;
  constructor(ino: bigint, parent: MemDirNode | null) {
    super(ino);
    this.parent = parent;
  }
  /** False once removed: nothing can be created in a removed directory. */
  live = true;
  get size(): bigint {
    return BigInt(this.children.size);
  }
}

class MemFile implements WasiFile {
  constructor(readonly node: MemFileNode, readonly fs: MemoryFs) {}
  stat(): FileStat {
    return this.node.stat();
  }
  read(buf: Uint8Array, position: bigint): number {
    const node = this.node;
    if (position >= node.size) return 0;
    const start = Number(position);
    const n = Math.min(buf.length, node.length - start);
    buf.set(node.bytes.subarray(start, start + n));
    node.atim = realtimeNs();
    return n;
  }
  write(buf: Uint8Array, position: bigint): number {
    const node = this.node;
    const end = position + BigInt(buf.length);
    if (end > BigInt(MAX_FILE_SIZE)) throw new WasiError(Errno.FBIG, `file size ${end}`);
    if (end > node.size) node.resize(Number(end));
    node.bytes.set(buf, Number(position));
    node.mtim = node.ctim = realtimeNs();
    return buf.length;
  }
  setSize(size: bigint): void {
    if (size > BigInt(MAX_FILE_SIZE)) throw new WasiError(Errno.FBIG, `file size ${size}`);
    this.node.resize(Number(size));
    this.node.mtim = this.node.ctim = realtimeNs();
  }
  setTimes(atim: TimeSpec, mtim: TimeSpec): void {
    this.node.setTimes(atim, mtim);
  }
  sync(): void {}
  close(): void {}
}

class MemDir implements WasiDir {
  constructor(readonly node: MemDirNode, readonly fs: MemoryFs) {}

  #get(name: string): MemNode {
    const child = this.node.children.get(name);
    if (child === undefined) throw new WasiError(Errno.NOENT, `'${name}'`);
    return child;
  }
  #free(name: string): void {
    if (!this.node.live) throw new WasiError(Errno.NOENT, "the directory was removed");
    if (this.node.children.has(name)) throw new WasiError(Errno.EXIST, `'${name}'`);
  }
  #touch(): void {
    this.node.mtim = this.node.ctim = realtimeNs();
  }
  #other(dir: WasiDir): MemDir {
    if (!(dir instanceof MemDir) || dir.fs !== this.fs) {
      throw new WasiError(Errno.XDEV, "another filesystem");
    }
    return dir;
  }

  stat(): FileStat {
    return this.node.stat();
  }
  setTimes(atim: TimeSpec, mtim: TimeSpec): void {
    this.node.setTimes(atim, mtim);
  }
  statAt(name: string): FileStat {
    return this.#get(name).stat();
  }
  dirAt(name: string): WasiDir {
    const child = this.#get(name);
    if (!(child instanceof MemDirNode)) throw new WasiError(Errno.NOTDIR, `'${name}'`);
    return new MemDir(child, this.fs);
  }
  openAt(name: string, options: OpenOptions): WasiFile {
    let child = this.node.children.get(name);
    if (child === undefined) {
      if (!options.create) throw new WasiError(Errno.NOENT, `'${name}'`);
      this.#free(name);
      child = new MemFileNode(this.fs.nextIno());
      this.node.children.set(name, child);
      this.#touch();
    } else if (options.create && options.exclusive) {
      throw new WasiError(Errno.EXIST, `'${name}'`);
    }
    if (child instanceof MemDirNode) throw new WasiError(Errno.ISDIR, `'${name}'`);
    if (!(child instanceof MemFileNode)) throw new WasiError(Errno.LOOP, `'${name}' is a link`);
    const file = new MemFile(child, this.fs);
    if (options.truncate) file.setSize(0n);
    return file;
  }
  mkdirAt(name: string): void {
    this.#free(name);
    this.node.children.set(name, new MemDirNode(this.fs.nextIno(), this.node));
    this.#touch();
  }
  rmdirAt(name: string): void {
    const child = this.#get(name);
    if (!(child instanceof MemDirNode)) throw new WasiError(Errno.NOTDIR, `'${name}'`);
    if (child.children.size > 0) throw new WasiError(Errno.NOTEMPTY, `'${name}'`);
    child.live = false;
    this.node.children.delete(name);
    this.#touch();
  }
  unlinkAt(name: string): void {
    const child = this.#get(name);
    if (child instanceof MemDirNode) throw new WasiError(Errno.ISDIR, `'${name}'`);
    this.node.children.delete(name);
    child.nlink--;
    child.ctim = realtimeNs();
    this.#touch();
  }
  readlinkAt(name: string): string {
    const child = this.#get(name);
    if (!(child instanceof MemLinkNode)) throw new WasiError(Errno.INVAL, `'${name}' is no link`);
    return child.target;
  }
  symlinkAt(target: string, name: string): void {
    this.#free(name);
    this.node.children.set(name, new MemLinkNode(this.fs.nextIno(), target));
    this.#touch();
  }
  renameAt(name: string, toDir: WasiDir, toName: string): void {
    const to = this.#other(toDir);
    const child = this.#get(name);
    if (!to.node.live) throw new WasiError(Errno.NOENT, "the directory was removed");
    const existing = to.node.children.get(toName);
    if (existing === child) return;
    if (child instanceof MemDirNode) {
      // A directory cannot move into itself or below itself.
      for (let d: MemDirNode | null = to.node; d !== null; d = d.parent) {
        if (d === child) throw new WasiError(Errno.INVAL, `'${name}' into itself`);
      }
      if (existing !== undefined) {
        if (!(existing instanceof MemDirNode)) throw new WasiError(Errno.NOTDIR, `'${toName}'`);
        if (existing.children.size > 0) throw new WasiError(Errno.NOTEMPTY, `'${toName}'`);
        existing.live = false;
      }
    } else if (existing instanceof MemDirNode) {
      throw new WasiError(Errno.ISDIR, `'${toName}'`);
    } else if (existing !== undefined) {
      existing.nlink--;
    }
    this.node.children.delete(name);
    to.node.children.set(toName, child);
    if (child instanceof MemDirNode) child.parent = to.node;
    child.ctim = realtimeNs();
    this.#touch();
    to.#touch();
  }
  linkAt(name: string, toDir: WasiDir, toName: string): void {
    const to = this.#other(toDir);
    const child = this.#get(name);
    if (child instanceof MemDirNode) {
      throw new WasiError(Errno.PERM, `hard link to directory '${name}'`);
    }
    to.#free(toName);
    to.node.children.set(toName, child);
    child.nlink++;
    child.ctim = realtimeNs();
    to.#touch();
  }
  setTimesAt(name: string, atim: TimeSpec, mtim: TimeSpec): void {
    this.#get(name).setTimes(atim, mtim);
  }
  entries(): DirEntry[] {
    return [...this.node.children].map(([name, node]) => ({
      name,
      filetype: node.filetype,
      ino: node.ino,
    }));
  }
}

/**
 * An in-memory filesystem. Preopen its `root` (or any directory in it) with
 * `WasiCtxBuilder.preopenDir`; the host side can read and write files by path.
 *
 * @example Preparing files and reading what a program wrote
 * ```ts
 * import { MemoryFs } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const fs = new MemoryFs();
 * fs.writeFile("data/in.txt", "hello");
 * assert.equal(new TextDecoder().decode(fs.readFile("data/in.txt")), "hello");
 * assert.deepEqual(fs.list("data"), ["in.txt"]);
 * ```
 */
export class MemoryFs {
  #ino = 0n;
  readonly #rootNode: MemDirNode;
  /** The root directory. */
  readonly root: WasiDir;

  constructor() {
    this.#rootNode = new MemDirNode(this.nextIno(), null);
    this.root = new MemDir(this.#rootNode, this);
  }

  /** @internal A fresh inode number. */
  nextIno(): bigint {
    return ++this.#ino;
  }

  #walk(path: string, create: boolean): MemDirNode {
    let dir = this.#rootNode;
    for (const part of path.split("/").filter((p) => p !== "" && p !== ".")) {
      let child = dir.children.get(part);
      if (child === undefined && create) {
        child = new MemDirNode(this.nextIno(), dir);
        dir.children.set(part, child);
      }
      if (!(child instanceof MemDirNode)) throw new WasiError(Errno.NOTDIR, `'${path}'`);
      dir = child;
    }
    return dir;
  }

  #split(path: string): [MemDirNode, string] {
    const slash = path.lastIndexOf("/");
    const name = path.slice(slash + 1);
    if (name === "" || name === "." || name === "..") {
      throw new WasiError(Errno.INVAL, `'${path}' names no file`);
    }
    return [this.#walk(slash < 0 ? "" : path.slice(0, slash), true), name];
  }

  /** The directory at `path` (relative to the root; created with its parents when missing). */
  dir(path = ""): WasiDir {
    return new MemDir(this.#walk(path, true), this);
  }

  /** Creates or replaces the file at `path` (parents are created). */
  writeFile(path: string, data: Uint8Array | string): void {
    const [dir, name] = this.#split(path);
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const file = new MemDir(dir, this).openAt(name, {
      create: true,
      exclusive: false,
      truncate: true,
      read: false,
      write: true,
    });
    file.write(bytes, 0n);
  }

  /** Creates a symbolic link at `path` holding `target` (stored as given; parents are created). */
  symlink(target: string, path: string): void {
    const [dir, name] = this.#split(path);
    new MemDir(dir, this).symlinkAt(target, name);
  }

  /** The contents of the file at `path`; throws `WasiError` when it is missing. */
  readFile(path: string): Uint8Array {
    const [dir, name] = this.#split(path);
    const node = dir.children.get(name);
    if (!(node instanceof MemFileNode)) throw new WasiError(Errno.NOENT, `'${path}'`);
    return node.bytes.slice(0, node.length);
  }

  /** The names in the directory at `path`. */
  list(path = ""): string[] {
    return [...this.#walk(path, false).children.keys()];
  }
}
