/**
 * Seeded mutation of module bytes for the fuzz-style tests: byte changes, bit flips, deletions,
 * insertions, over-long LEB128 bytes, truncations, and forged section sizes, vector counts,
 * function body sizes and local counts. Seed the random source with `uniform` from
 * `tests/_lib/prng.ts`.
 *
 * @module
 */

/** One section of a module: its id and where its size LEB and payload are. */
interface Section {
  id: number;
  sizeAt: number;
  payloadAt: number;
  end: number;
}

function readLeb(bytes: readonly number[], at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = bytes[at++];
    if (b === undefined) break;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: at };
  }
  return { value, next: at };
}

function sectionsOf(bytes: readonly number[]): Section[] {
  const sections: Section[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const { value, next } = readLeb(bytes, at + 1);
    sections.push({ id, sizeAt: at + 1, payloadAt: next, end: next + value });
    at = next + value;
  }
  return sections;
}

/** A 5-byte (maximal) LEB128 encoding of `n`, so that the forged value changes no offsets' sizes. */
function leb5(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    out.push((n & 0x7f) | (i < 4 ? 0x80 : 0));
    n = Math.floor(n / 128);
  }
  return out;
}

/** Values a forged length or count takes: off by one, zero, huge. */
function forgedValue(real: number, rand: () => number): number {
  const choices = [
    0,
    real + 1,
    Math.max(0, real - 1),
    real * 2 + 1,
    0x7fffffff,
    0xffffffff,
    0x10000,
  ];
  return choices[Math.floor(rand() * choices.length)]!;
}

/** Replaces the LEB128 at `at` by a forged 5-byte one. */
function forgeLeb(bytes: number[], at: number, rand: () => number): void {
  const { value, next } = readLeb(bytes, at);
  bytes.splice(at, next - at, ...leb5(forgedValue(value, rand)));
}

/** Forges a section size, a section's first vector count, or a function body's size or locals. */
function forge(bytes: number[], rand: () => number): void {
  const sections = sectionsOf(bytes);
  if (sections.length === 0) return;
  const s = sections[Math.floor(rand() * sections.length)]!;
  const what = rand();
  if (what < 0.3) return forgeLeb(bytes, s.sizeAt, rand);
  if (s.id !== 10 || what < 0.5) return forgeLeb(bytes, s.payloadAt, rand);
  // The code section: pick a function body, forge its size or a local declaration's count.
  let { value: count, next: at } = readLeb(bytes, s.payloadAt);
  const target = Math.floor(rand() * Math.max(1, count));
  for (let i = 0; i < target && at < s.end; i++) {
    at = readLeb(bytes, at).next + readLeb(bytes, at).value;
  }
  if (what < 0.75) return forgeLeb(bytes, at, rand);
  const body = readLeb(bytes, at).next;
  const decls = readLeb(bytes, body);
  if (decls.value === 0) return forgeLeb(bytes, body, rand);
  forgeLeb(bytes, decls.next, rand); // the first declaration's count
}

/** A copy of `src` with one to three random edits (see the module doc). */
export function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = Array.from(src);
  const edits = 1 + int(3);
  for (let i = 0; i < edits; i++) {
    const at = int(bytes.length);
    switch (int(8)) {
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
      case 5:
      case 6:
        forge(bytes, rand);
        break;
      default:
        bytes.length = Math.max(0, at); // truncation
    }
  }
  return new Uint8Array(bytes);
}
