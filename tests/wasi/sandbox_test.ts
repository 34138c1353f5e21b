/**
 * The sandbox: a guest reaches nothing outside its preopened directory. `..` above it, absolute
 * paths, symbolic links whose target is absolute or leads above it (at the end of a path or in
 * the middle), and creating a link to an absolute path all fail with `NOTCAPABLE`; links that stay
 * inside work. Each case runs on the host filesystem and on the in-memory one.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Errno, FileType, MemoryFs, OFlags, type WasiDir } from "../../src/wasi/mod.ts";
import { hostDir } from "../../src/wasi/host_fs.ts";
import { Probe } from "./_probe.ts";

interface Sandbox {
  /** The preopened directory: holds `sub/file.txt`. */
  dir: WasiDir;
  /** Makes a symbolic link `name` in the preopened directory (host side). */
  link(target: string, name: string): void;
  /** The absolute host path of a file outside the preopen (for absolute links). */
  outsideAbsolute: string;
  /** Whether `name` exists outside the preopen (next to it). */
  existsOutside(name: string): boolean;
  dispose(): void;
}

function hostSandbox(): Sandbox {
  const top = mkdtempSync("/tmp/wasi-sandbox-");
  mkdirSync(`${top}/root/sub`, { recursive: true });
  writeFileSync(`${top}/root/sub/file.txt`, "inside");
  writeFileSync(`${top}/secret.txt`, "outside");
  return {
    dir: hostDir(`${top}/root`),
    // `ln` rather than node:fs: the test task's scoped --allow-write cannot make links.
    link(target, name) {
      const ln = spawnSync("ln", ["-s", target, `${top}/root/${name}`]);
      assert.equal(ln.status, 0, String(ln.stderr));
    },
    outsideAbsolute: `${top}/secret.txt`,
    existsOutside: (name) => existsSync(`${top}/${name}`),
    dispose: () => rmSync(top, { recursive: true, force: true }),
  };
}

function memorySandbox(): Sandbox {
  const fs = new MemoryFs();
  fs.writeFile("root/sub/file.txt", "inside");
  fs.writeFile("secret.txt", "outside");
  return {
    dir: fs.dir("root"),
    link: (target, name) => fs.symlink(target, `root/${name}`),
    outsideAbsolute: "/secret.txt",
    existsOutside: (name) => fs.list("").includes(name),
    dispose: () => {},
  };
}

for (const [kind, make] of [["host", hostSandbox], ["memory", memorySandbox]] as const) {
  const sandboxTest = (name: string, fn: (probe: Probe, box: Sandbox) => void) =>
    Deno.test(`sandbox (${kind} fs): ${name}`, () => {
      const box = make();
      try {
        fn(new Probe(box.dir), box);
      } finally {
        box.dispose();
      }
    });

  sandboxTest("paths inside work, `..` that stays inside included", (probe) => {
    assert.equal(probe.open("sub/file.txt"), Errno.SUCCESS);
    assert.equal(probe.open("sub/../sub/./file.txt"), Errno.SUCCESS);
    assert.equal(probe.open("."), Errno.SUCCESS);
    assert.equal(probe.open("missing"), Errno.NOENT);
  });

  sandboxTest("`..` above the preopen is refused", (probe, box) => {
    assert.equal(probe.open("../secret.txt"), Errno.NOTCAPABLE);
    assert.equal(probe.open("sub/../../secret.txt"), Errno.NOTCAPABLE);
    assert.equal(probe.open(".."), Errno.NOTCAPABLE);
    assert.equal(probe.stat("../secret.txt").errno, Errno.NOTCAPABLE);
    assert.equal(probe.open("../created.txt", { oflags: OFlags.CREAT }), Errno.NOTCAPABLE);
    assert.equal(box.existsOutside("created.txt"), false);
    assert.equal(probe.rename("sub/file.txt", "../moved.txt"), Errno.NOTCAPABLE);
    assert.equal(box.existsOutside("moved.txt"), false);
  });

  sandboxTest("absolute paths are refused", (probe, box) => {
    assert.equal(probe.open(box.outsideAbsolute), Errno.NOTCAPABLE);
    assert.equal(probe.open("/sub/file.txt"), Errno.NOTCAPABLE);
    assert.equal(probe.stat("/").errno, Errno.NOTCAPABLE);
  });

  sandboxTest("a symbolic link pointing out is refused when followed", (probe, box) => {
    box.link(box.outsideAbsolute, "abs");
    box.link("../secret.txt", "up");
    for (const link of ["abs", "up"]) {
      assert.equal(probe.open(link), Errno.NOTCAPABLE, link);
      assert.equal(probe.stat(link, true).errno, Errno.NOTCAPABLE, link);
      // Not following it: the link itself is visible, and removable.
      assert.deepEqual(probe.stat(link, false), { errno: 0, filetype: FileType.SYMBOLIC_LINK });
      assert.equal(probe.open(link, { follow: false }), Errno.LOOP, link);
    }
    assert.equal(probe.unlink("abs"), Errno.SUCCESS);
    assert.equal(box.existsOutside("secret.txt"), true);
  });

  sandboxTest("a symbolic link in the middle of a path pointing out is refused", (probe, box) => {
    box.link("..", "parent");
    box.link("sub/../..", "sneaky");
    assert.equal(probe.open("parent/secret.txt"), Errno.NOTCAPABLE);
    assert.equal(probe.open("sneaky/secret.txt"), Errno.NOTCAPABLE);
    assert.equal(probe.stat("parent/secret.txt").errno, Errno.NOTCAPABLE);
    assert.equal(probe.open("parent/new.txt", { oflags: OFlags.CREAT }), Errno.NOTCAPABLE);
    assert.equal(box.existsOutside("new.txt"), false);
    // A link in the middle that stays inside is followed.
    box.link("sub", "inside");
    assert.equal(probe.open("inside/file.txt"), Errno.SUCCESS);
  });

  sandboxTest("the guest cannot create a link to an absolute path", (probe, box) => {
    assert.equal(probe.symlink(box.outsideAbsolute, "mine"), Errno.NOTCAPABLE);
    assert.equal(probe.stat("mine").errno, Errno.NOENT);
    if (kind === "memory") {
      // A relative link leading out can be made (POSIX allows it) but never followed. (On the
      // host fs, Deno's scoped --allow-write of the test task refuses all link creation; the
      // host-made links of the other cases cover following.)
      assert.equal(probe.symlink("../secret.txt", "rel"), Errno.SUCCESS);
      assert.equal(probe.open("rel"), Errno.NOTCAPABLE);
    }
  });

  sandboxTest("symbolic link loops end with LOOP", (probe, box) => {
    box.link("b", "a");
    box.link("a", "b");
    assert.equal(probe.open("a"), Errno.LOOP);
  });
}
