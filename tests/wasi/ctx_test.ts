/**
 * WASI functions one at a time, through small modules: read-only preopens, environment,
 * directory listing with cookies, sockets, random bytes, clocks and argument checks.
 */

import assert from "node:assert/strict";
import { Engine, Linker, Module, Store } from "../../mod.ts";
import {
  Errno,
  FileType,
  MemoryFs,
  memoryOutput,
  OFlags,
  WasiCtxBuilder,
  WasiError,
} from "../../src/wasi/mod.ts";
import { wat } from "../api/_wat.ts";
import { Probe } from "./_probe.ts";

Deno.test("a WASI call without the caller's memory is a host error, not an errno", () => {
  // The import re-exported and called from the API: no calling instance, so no "memory".
  const bytes = wat(`(module
    (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
    (export "r" (func $r)))`);
  const wasi = new WasiCtxBuilder().build();
  const engine = new Engine();
  const store = new Store(engine, null);
  const instance = wasi.addToLinker(new Linker(engine)).instantiate(
    store,
    new Module(engine, bytes),
  );
  assert.throws(
    () => instance.getTypedFunc<[number, number], number>(store, "r").call(store, 0, 4),
    (e: unknown) => e instanceof WasiError && /exports no memory "memory"/.test(e.message),
  );
});

/** A module that calls `name` with its i32/i64 arguments from an exported wrapper. */
function caller(name: string, params: ("i32" | "i64")[], build = (b: WasiCtxBuilder) => b) {
  const ps = params.map((t, i) => `(param $p${i} ${t})`).join(" ");
  const gets = params.map((_, i) => `(local.get $p${i})`).join(" ");
  const bytes = wat(`(module
    (import "wasi_snapshot_preview1" "${name}" (func $f ${ps} (result i32)))
    (memory (export "memory") 1)
    (func (export "go") ${ps} (result i32) (call $f ${gets})))`);
  const wasi = build(new WasiCtxBuilder()).build();
  const engine = new Engine();
  const store = new Store(engine, null);
  const linker = wasi.addToLinker(new Linker(engine));
  const instance = linker.instantiate(store, new Module(engine, bytes));
  const memory = instance.getMemory(store, "memory")!;
  const go = instance.getTypedFunc<(number | bigint)[], number>(store, "go");
  return {
    call: (...args: (number | bigint)[]) => go.call(store, ...args),
    bytes: () => memory.data(store),
    view: () => new DataView(memory.data(store).buffer),
    write: (at: number, text: string) => memory.write(store, at, new TextEncoder().encode(text)),
  };
}

Deno.test("a read-only preopen refuses every change with NOTCAPABLE", () => {
  const fs = new MemoryFs();
  fs.writeFile("ro/file.txt", "x");
  const probe = new Probe(fs.dir("ro"), { readOnly: true });
  assert.equal(probe.open("file.txt"), Errno.SUCCESS);
  assert.equal(probe.open("new.txt", { oflags: OFlags.CREAT }), Errno.NOTCAPABLE);
  assert.equal(probe.open("file.txt", { oflags: OFlags.TRUNC }), Errno.NOTCAPABLE);
  assert.equal(probe.unlink("file.txt"), Errno.NOTCAPABLE);
  assert.equal(probe.rename("file.txt", "moved.txt"), Errno.NOTCAPABLE);
  assert.equal(probe.symlink("file.txt", "link"), Errno.NOTCAPABLE);
  assert.deepEqual(fs.list("ro"), ["file.txt"]);
  assert.equal(new TextDecoder().decode(fs.readFile("ro/file.txt")), "x");
});

Deno.test("environment: exactly what was given; inheritEnv adds the host's", () => {
  const env = caller("environ_sizes_get", ["i32", "i32"], (b) => b.env({ A: "1", B: "" }));
  assert.equal(env.call(0, 4), Errno.SUCCESS);
  assert.equal(env.view().getUint32(0, true), 2);
  assert.equal(env.view().getUint32(4, true), "A=1\0B=\0".length);
  const inherited = caller("environ_sizes_get", ["i32", "i32"], (b) => b.inheritEnv());
  assert.equal(inherited.call(0, 4), Errno.SUCCESS);
  assert.equal(inherited.view().getUint32(0, true), Object.keys(Deno.env.toObject()).length);
  assert.throws(() => new WasiCtxBuilder().env({ "A=B": "x" }), TypeError);
});

Deno.test("fd_readdir: entries with cookies, resumable from any cookie, truncated records", () => {
  const fs = new MemoryFs();
  fs.writeFile("d/alpha", "1");
  fs.writeFile("d/beta", "22");
  fs.dir("d/gamma");
  const rd = caller(
    "fd_readdir",
    ["i32", "i32", "i32", "i64", "i32"],
    (b) => b.preopenDir(fs.dir("d"), "d"),
  );
  const list = (cookie: bigint, size: number) => {
    assert.equal(rd.call(3, 1024, size, cookie, 0), Errno.SUCCESS);
    const used = rd.view().getUint32(0, true);
    const out: { next: bigint; name: string; type: number }[] = [];
    for (let at = 1024; at + 24 <= 1024 + used;) {
      const v = rd.view();
      const len = v.getUint32(at + 16, true);
      const name = new TextDecoder().decode(rd.bytes().subarray(at + 24, at + 24 + len));
      out.push({ next: v.getBigUint64(at, true), name, type: v.getUint8(at + 20) });
      at += 24 + len;
    }
    return { used, out };
  };
  const all = list(0n, 4096).out;
  assert.deepEqual(all.map((e) => e.name), [".", "..", "alpha", "beta", "gamma"]);
  assert.deepEqual(all.map((e) => e.next), [1n, 2n, 3n, 4n, 5n]);
  assert.equal(all[4]!.type, FileType.DIRECTORY);
  assert.equal(all[2]!.type, FileType.REGULAR_FILE);
  assert.deepEqual(list(3n, 4096).out.map((e) => e.name), ["beta", "gamma"]);
  // A buffer that ends inside a record is filled completely: the caller knows to ask again.
  assert.equal(list(0n, 30).used, 30);
});

Deno.test("sockets: BADF for a closed fd, NOTSOCK for anything else", () => {
  const shut = caller("sock_shutdown", ["i32", "i32"]);
  assert.equal(shut.call(1, 2), Errno.NOTSOCK);
  assert.equal(shut.call(99, 2), Errno.BADF);
  const accept = caller("sock_accept", ["i32", "i32", "i32"]);
  assert.equal(accept.call(0, 0, 0), Errno.NOTSOCK);
});

Deno.test("random_get fills the buffer; out-of-bounds pointers give FAULT", () => {
  const rnd = caller("random_get", ["i32", "i32"]);
  assert.equal(rnd.call(0, 4096), Errno.SUCCESS);
  assert.ok(rnd.bytes().subarray(0, 4096).some((b) => b !== 0));
  assert.equal(rnd.call(65530, 100), Errno.FAULT);
  assert.equal(rnd.call(0, 70_000), Errno.FAULT);
});

Deno.test("clocks: realtime near Date.now, monotonic never backwards, bad ids INVAL", () => {
  const clock = caller("clock_time_get", ["i32", "i64", "i32"]);
  assert.equal(clock.call(0, 0n, 8), Errno.SUCCESS);
  const ns = clock.view().getBigUint64(8, true);
  assert.ok(Math.abs(Number(ns / 1_000_000n) - Date.now()) < 1000);
  assert.equal(clock.call(1, 0n, 8), Errno.SUCCESS);
  const a = clock.view().getBigUint64(8, true);
  assert.equal(clock.call(1, 0n, 8), Errno.SUCCESS);
  assert.ok(clock.view().getBigUint64(8, true) >= a);
  assert.equal(clock.call(7, 0n, 8), Errno.INVAL);
});

Deno.test("fd_write to stdout and stderr; to a closed fd BADF", () => {
  const out = memoryOutput();
  const err = memoryOutput();
  const w = caller("fd_write", ["i32", "i32", "i32", "i32"], (b) => b.stdout(out).stderr(err));
  w.write(100, "to out");
  w.view().setUint32(0, 100, true);
  w.view().setUint32(4, 6, true);
  assert.equal(w.call(1, 0, 1, 16), Errno.SUCCESS);
  assert.equal(w.view().getUint32(16, true), 6);
  assert.equal(w.call(2, 0, 1, 16), Errno.SUCCESS);
  assert.equal(w.call(9, 0, 1, 16), Errno.BADF);
  assert.equal(out.text(), "to out");
  assert.equal(err.text(), "to out");
});

Deno.test("WasiError carries the errno and its name", () => {
  const e = new WasiError(Errno.NOTCAPABLE, "x");
  assert.equal(e.errno, 76);
  assert.match(e.message, /^NOTCAPABLE: x$/);
});

Deno.test("huge counts and pointers above 2 GiB are FAULT, not host errors", () => {
  const w = caller("fd_write", ["i32", "i32", "i32", "i32"]);
  assert.equal(w.call(1, 0, -1, 16), Errno.FAULT);
  assert.equal(w.call(1, -8, 1, 16), Errno.FAULT);
  const r = caller("fd_read", ["i32", "i32", "i32", "i32"]);
  assert.equal(r.call(0, 0, 0x7fff_ffff, 16), Errno.FAULT);
});
