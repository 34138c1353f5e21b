/**
 * A printer for the internal code, derived from the operand shapes in `isa.ts`. Used by tests
 * that pin the translator's output, and for debugging.
 *
 * @module
 */

import { opName, prefixed } from "../binary/opcodes.ts";
import { I, INSTR_SIZE, ISA } from "./isa.ts";
import { SLOT_WORDS } from "./entities.ts";

/**
 * One line per instruction: `pc: Name operands`. Slots print as `s<n>` (slot index, not word
 * offset), branch targets as `@<pc>`, indices as `#<n>`, memory offsets as `+<n>`, SIMD
 * sub-opcodes as their Wasm names (`i8x16.add`).
 *
 * @example
 * ```ts
 * import { disassemble } from "./disassemble.ts";
 * import { I } from "./isa.ts";
 * const text = disassemble(Int32Array.of(I.I32AddImm, 8, 0, 1, I.ReturnSlot, 8));
 * if (text !== "0: I32AddImm s2, s0, 1\n4: ReturnSlot s2") throw new Error(text);
 * ```
 */
export function disassemble(code: Int32Array): string {
  const lines: string[] = [];
  let pc = 0;
  while (pc < code.length) {
    const [line, next] = disassembleOne(code, pc);
    lines.push(`${pc}: ${line}`);
    pc = next;
  }
  return lines.join("\n");
}

/** The text of the instruction at `pc`, and the pc of the next one. */
export function disassembleOne(code: Int32Array, pc: number): [string, number] {
  const op = code[pc]!;
  const def = ISA[op];
  if (def === undefined) return [`<bad opcode ${op}>`, pc + 1];
  let at = pc + 1;
  const parts: string[] = [];
  for (const c of def.shape) {
    const v = code[at++]!;
    switch (c) {
      case "r":
        parts.push(v % SLOT_WORDS === 0 ? `s${v / SLOT_WORDS}` : `w${v}`);
        break;
      case "w":
        parts.push(String((BigInt(code[at++]!) << 32n) | BigInt(v >>> 0)));
        break;
      case "o":
        parts.push(`+${v >>> 0}`);
        break;
      case "x":
        parts.push(`#${v}`);
        break;
      case "t":
        parts.push(`@${v}`);
        break;
      case "v":
        parts.push(opName(prefixed(0xfd, v)));
        break;
      case "T": {
        const targets: string[] = [];
        for (let k = 0; k <= v; k++) targets.push(`@${code[at++]}`);
        parts.push(`[${targets.join(" ")}]`);
        break;
      }
      default:
        parts.push(String(v));
    }
  }
  const text = parts.length === 0 ? def.name : `${def.name} ${parts.join(", ")}`;
  const size = op === I.BrTable ? at - pc : INSTR_SIZE[op]!;
  return [text, pc + size];
}
