import assert from "node:assert/strict";
import { decodeUtf8, decodeUtf8Own } from "../../src/core/utf8.ts";

const host = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function hostVerdict(bytes: Uint8Array): string | null {
  try {
    return host.decode(bytes);
  } catch {
    return null;
  }
}

Deno.test("utf8: the own decoder agrees with TextDecoder on edge cases", () => {
  const cases: number[][] = [
    [],
    [0x61, 0x62],
    [0xef, 0xbb, 0xbf, 0x61], // U+FEFF kept
    [0xc2, 0x80],
    [0xc1, 0xbf], // overlong
    [0xe0, 0x80, 0x80], // overlong
    [0xe0, 0xa0, 0x80],
    [0xed, 0xa0, 0x80], // surrogate
    [0xed, 0x9f, 0xbf],
    [0xf0, 0x90, 0x80, 0x80],
    [0xf0, 0x8f, 0xbf, 0xbf], // overlong
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xf5, 0x80, 0x80, 0x80],
    [0xff],
    [0x80],
    [0xe2, 0x82], // truncated
    [0xf0, 0x9f, 0x98], // truncated
    [0xc3, 0x28],
  ];
  for (const c of cases) {
    const bytes = new Uint8Array(c);
    assert.equal(decodeUtf8Own(bytes), hostVerdict(bytes), `bytes ${c}`);
    assert.equal(decodeUtf8(bytes), hostVerdict(bytes), `bytes ${c}`);
  }
});

Deno.test("utf8: the own decoder agrees with TextDecoder on random bytes", () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const pool = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
  for (let round = 0; round < 20000; round++) {
    const bytes = new Uint8Array(next() % 8);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = next() % 2 === 0 ? pool[next() % pool.length]! : next() & 0xff;
    }
    assert.equal(decodeUtf8Own(bytes), hostVerdict(bytes), `bytes ${[...bytes]}`);
  }
  const long = new TextEncoder().encode("héllo ☃ 😀 ".repeat(2000));
  assert.equal(decodeUtf8Own(long), hostVerdict(long));
});
