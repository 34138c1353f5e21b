/**
 * The classic hex dump: offset, 16 bytes in hex, the same bytes as ASCII.
 *
 * @module
 */

/**
 * Formats `bytes`, which start at address `start` in memory, 16 per line. Lines are aligned to
 * multiples of 16 so that addresses are easy to read; bytes outside the range show as blanks.
 *
 * @example
 * ```ts
 * import { hexDump } from "./hex_dump.ts";
 * const lines = hexDump(new TextEncoder().encode("hi"), 0x10);
 * if (lines[0] !== "00000010  68 69" + " ".repeat(45) + "|hi              |") throw new Error(lines[0]);
 * ```
 */
export function hexDump(bytes: Uint8Array, start: number): string[] {
  const lines: string[] = [];
  if (bytes.length === 0) return lines;
  const end = start + bytes.length;
  for (let row = start - (start % 16); row < end; row += 16) {
    const hex: string[] = [];
    let ascii = "";
    for (let i = 0; i < 16; i++) {
      const at = row + i;
      if (at < start || at >= end) {
        hex.push("  ");
        ascii += " ";
        continue;
      }
      const b = bytes[at - start]!;
      hex.push(b.toString(16).padStart(2, "0"));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    }
    const left = hex.slice(0, 8).join(" ");
    const right = hex.slice(8).join(" ");
    lines.push(`${row.toString(16).padStart(8, "0")}  ${left}  ${right}  |${ascii}|`);
  }
  return lines;
}
