import assert from "node:assert/strict";
import { hexDump } from "../../repl/hex_dump.ts";

Deno.test("hexDump: rows aligned to 16, blanks outside the range, dots for non-ASCII", () => {
  const bytes = new Uint8Array([0x41, 0x00, 0x7f, 0x42]);
  assert.deepEqual(hexDump(bytes, 14), [
    "00000000                                             41 00  |              A.|",
    "00000010  7f 42                                             |.B              |",
  ]);
  assert.deepEqual(hexDump(new Uint8Array(0), 5), []);
});
