/**
 * Seeded mutation of module bytes for the fuzz-style tests: byte changes, bit flips, deletions,
 * insertions, over-long LEB128 bytes and truncations. Seed the random source with
 * `uniform` from `tests/_lib/prng.ts`.
 */

/** A copy of `src` with one to four random edits. */
export function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = Array.from(src);
  const edits = 1 + int(4);
  for (let i = 0; i < edits; i++) {
    const at = int(bytes.length);
    switch (int(6)) {
      case 0:
        bytes[at] = int(256);
        break;
      case 1:
        bytes[at] = bytes[at]! ^ (1 << int(8));
        break;
      case 2:
        bytes.splice(at, 1 + int(4));
        break;
      case 3:
        bytes.splice(at, 0, int(256));
        break;
      case 4:
        bytes[at] = rand() < 0.5 ? 0x80 : 0xff; // LEB continuation bytes: over-long lengths
        break;
      default:
        bytes.length = Math.max(0, at); // truncation
    }
  }
  return new Uint8Array(bytes);
}
