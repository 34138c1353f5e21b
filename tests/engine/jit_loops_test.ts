/**
 * `scripts/jit_loops.ts`: its jitdump reader, its reading of `objdump` output, the loops it
 * finds in machine code (a rare path laid out after a loop, jumping back into its middle,
 * counted with the loop and making no loop of its own) and the kinds it counts.
 */

import assert from "node:assert/strict";
import { type Insn, kindOf, loopsOf, parseJitdump, parseObjdump } from "../../scripts/jit_loops.ts";

/**
 * A jitdump file: its header, then `records` (each `[id, body]`, and the size its header states
 * if not its own), then `tail` bytes.
 */
function jitdump(
  records: [number, Uint8Array, number?][],
  tail = new Uint8Array(0),
): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(40));
  header.setUint32(0, 0x4a695444, true);
  header.setUint32(4, 1, true);
  header.setUint32(8, 40, true);
  parts.push(new Uint8Array(header.buffer));
  for (const [id, body, size] of records) {
    const head = new DataView(new ArrayBuffer(16));
    head.setUint32(0, id, true);
    head.setUint32(4, size ?? 16 + body.length, true);
    parts.push(new Uint8Array(head.buffer), body);
  }
  parts.push(tail);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

/** The body of a code-load record of `name` at `address` with `code`. */
function codeLoad(name: string, address: bigint, code: number[]): Uint8Array {
  const fixed = new DataView(new ArrayBuffer(40));
  fixed.setUint32(0, 7, true); // pid
  fixed.setUint32(4, 7, true); // tid
  fixed.setBigUint64(8, address, true); // vma
  fixed.setBigUint64(16, address, true);
  fixed.setBigUint64(24, BigInt(code.length), true);
  const nameBytes = new TextEncoder().encode(`${name}\0`);
  const out = new Uint8Array(40 + nameBytes.length + code.length);
  out.set(new Uint8Array(fixed.buffer));
  out.set(nameBytes, 40);
  out.set(code, 40 + nameBytes.length);
  return out;
}

Deno.test("jit_loops: parseJitdump reads code loads, skips other records and a cut tail", () => {
  const bytes = jitdump(
    [
      [0, codeLoad("JS:*direct :7:31", 0x1000n, [0x55, 0xc3])],
      [4, new Uint8Array(24)], // a debug-info record
      [0, codeLoad("JS:run-0-turbofan", 0x2000n, [0xc3])],
    ],
    Uint8Array.of(0, 0, 0, 0, 99, 0, 0, 0), // a record whose size runs past the end
  );
  const loads = parseJitdump(bytes);
  assert.deepEqual(loads.map((l) => [l.name, l.address, [...l.code]]), [
    ["JS:*direct :7:31", 0x1000n, [0x55, 0xc3]],
    ["JS:run-0-turbofan", 0x2000n, [0xc3]],
  ]);
  assert.throws(() => parseJitdump(new Uint8Array(40)), /Not a jitdump file/);
});

/**
 * The body of a debug-info record: code address, entry count, then each entry's address, line,
 * discriminator and file name, then `padding` zero bytes.
 */
function debugInfo(names: string[], padding: number): Uint8Array {
  const parts = [new Uint8Array(16)];
  new DataView(parts[0]!.buffer).setBigUint64(8, BigInt(names.length), true);
  for (const name of names) {
    const entry = new Uint8Array(16);
    new DataView(entry.buffer).setUint32(8, 42, true);
    parts.push(entry, new TextEncoder().encode(`${name}\0`));
  }
  parts.push(new Uint8Array(padding));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

Deno.test("jit_loops: parseJitdump reads on past a debug-info record of a wrong size", () => {
  // As V8 writes one where a function inlined from another file names that file: its size
  // counts every name as long as its own script's (here the first), padded to 8 bytes; the
  // record is then longer (the dump that stopped at 3.3 of 8 MB) or shorter than it says.
  for (
    const names of [["file:///b.ts", "file:///a_long.ts"], ["file:///a_long.ts", "file:///b.ts"]]
  ) {
    const unpadded = 16 + 16 + names.length * (16 + names[0]!.length + 1);
    const stated = unpadded + ((8 - (unpadded % 8)) % 8);
    const body = debugInfo(names, stated - unpadded);
    assert.notEqual(stated, 16 + body.length);
    const loads = (size: number | undefined) =>
      parseJitdump(
        jitdump([
          [0, codeLoad("JS:*first", 0x1000n, [0xc3])],
          [2, body, size],
          [4, new Uint8Array(24)],
          [0, codeLoad("JS:*second", 0x2000n, [0x90, 0xc3])],
        ]),
      ).map((l) => l.name);
    assert.deepEqual(loads(stated), ["JS:*first", "JS:*second"], names.join(" "));
    // A size that is right (its padding included) is taken as it is.
    assert.deepEqual(loads(undefined), ["JS:*first", "JS:*second"]);
    // Entries cut short by the end of the file end the reading.
    const cut = jitdump([[0, codeLoad("JS:*first", 0x1000n, [0xc3])], [2, body.slice(0, 40)]]);
    assert.deepEqual(parseJitdump(cut).map((l) => l.name), ["JS:*first"]);
  }
});

Deno.test("jit_loops: parseObjdump reads address, mnemonic and operands", () => {
  const text = [
    "code.bin:     file format binary",
    "",
    "    1000:\t55                   \tpush   %rbp",
    "    1001:\t0f 84 c0 fc ff ff    \tje     0x540",
    "    1007:\t4c 8d 94 24 38 03 00 \tlea    0x338(%rsp),%r10",
    "    100e:\t00 ",
    "    100f:\tc3                   \tret",
  ].join("\n");
  assert.deepEqual(parseObjdump(text), [
    { address: 0x1000n, mnemonic: "push", operands: "%rbp" },
    { address: 0x1001n, mnemonic: "je", operands: "0x540" },
    { address: 0x1007n, mnemonic: "lea", operands: "0x338(%rsp),%r10" },
    { address: 0x100fn, mnemonic: "ret", operands: "" },
  ]);
});

Deno.test("jit_loops: loopsOf finds a loop, with its rare path laid out after it", () => {
  const at = (address: number, mnemonic: string, operands = ""): Insn => ({
    address: BigInt(address),
    mnemonic,
    operands,
  });
  const insns = [
    at(0x00, "mov", "$0x0,%eax"),
    at(0x10, "add", "$0x1,%eax"), // the loop's head
    at(0x14, "test", "%eax,%ecx"),
    at(0x16, "jne", "0x40"), // to the rare path
    at(0x1c, "imul", "%eax,%ecx"), // where the rare path rejoins
    at(0x20, "cmpb", "$0x0,-0x4f(%r13)"),
    at(0x25, "je", "0x10"), // the back edge
    at(0x2b, "ret"),
    at(0x40, "xor", "%ecx,%ecx"), // the rare path
    at(0x42, "jmp", "0x1c"),
    at(0x50, "jmp", "0x00"), // unreachable: no loop
  ];
  const loops = loopsOf(insns);
  assert.deepEqual(loops.map((l) => [l.head, l.insns.map((i) => i.address)]), [
    [0x10n, [0x10n, 0x14n, 0x16n, 0x1cn, 0x20n, 0x25n, 0x40n, 0x42n]],
  ]);
  assert.deepEqual(loopsOf([]), []);
  // Straight-line code, an `int3` inside it (V8 leaves some) included, has no loop.
  assert.deepEqual(loopsOf([at(0, "push", "%rbp"), at(1, "int3"), at(2, "ret")]), []);
});

Deno.test("jit_loops: kindOf sorts instructions into the kinds it counts", () => {
  const kinds = [
    ["je", "0x10", "branch"],
    ["mov", "%rdx,-0x68(%rbp)", "stack"],
    ["vcvtsi2sd", "%r10,%xmm15,%xmm0", "convert"],
    ["vmulsd", "%xmm1,%xmm0,%xmm0", "float"],
    ["imul", "$0x1ce4e5b9,%ebx,%edi", "multiply"],
    ["mov", "(%rdi,%rcx,1),%ecx", "memory"],
    ["mov", "%r9d,%r10d", "move"],
    ["cmp", "%edx,%r11d", "compare"],
    ["shl", "$0x1f,%ecx", "alu"],
  ] as const;
  for (const [mnemonic, operands, kind] of kinds) {
    assert.equal(kindOf({ address: 0n, mnemonic, operands }), kind, `${mnemonic} ${operands}`);
  }
});
