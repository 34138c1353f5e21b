/**
 * The machine code V8 makes of a workload, counted per loop: runs `scripts/bench.ts` on one
 * workload of `bench/` with V8's `--perf-prof` (which writes every code object it compiles,
 * bytes included, to a jitdump file `jit-<pid>.dump`), disassembles the last optimised code of
 * each function (TurboFan's, for the JavaScript the codegen tier generates and for native
 * Wasm alike) with `objdump`, and prints each loop (a backward jump and its target) with its
 * instructions by kind. Counts are exact and repeatable where times on a shared machine swing by
 * 2x: an A/B of two spellings compares them, and the native loop's count beside the generated
 * one's says how much of a ratio is instructions (the rest is latency and width).
 *
 * ```sh
 * deno run -A scripts/jit_loops.ts <workload> [--scale 0.3] [--tier codegen] [--min 20] [--asm]
 * ```
 *
 * A loop's count is static: the instructions between its head and its back edge, including
 * rare paths V8 laid out inline (a product's exact path, say), not a count of those executed.
 * `--asm` prints the loops' instructions. Needs Linux on x86-64 and `objdump` (binutils).
 *
 * @module
 */

import { parseArgs } from "node:util";

/** One code object of a jitdump: its name (`JS:*name ...` for TurboFan), address and bytes. */
export interface CodeLoad {
  name: string;
  address: bigint;
  code: Uint8Array;
}

/** The record kinds of the jitdump format (linux tools/perf/util/jitdump.h). */
const JIT_CODE_LOAD = 0, JIT_CODE_DEBUG_INFO = 2, JIT_CODE_MAX = 5;

/**
 * The code loads of a jitdump file: a header whose third u32 is its size, then records of
 * `{ id: u32, total_size: u32, timestamp: u64, ... }`; a code load continues with pid, tid
 * (u32), vma, code address, code size, code index (u64), the name (NUL-terminated) and the
 * code's bytes.
 *
 * A debug-info record's `total_size` may be wrong: V8 counts every entry's file name as long as
 * its function's own script's, but an entry of a function inlined from another file names that
 * file (a dump of `bench/vec_bytes.c` under the codegen tier, 8 MB, had a record 3 bytes
 * longer than its size said at 3.3 MB, and reading stopped there). So such a record is walked
 * (code address, entry count, then per entry address, line, discriminator and a name) and the
 * next record is looked for from its entries' end: at its stated end where a record starts
 * there, else at the first of the next 8 bytes (its padding) where one does.
 */
export function parseJitdump(bytes: Uint8Array): CodeLoad[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: CodeLoad[] = [];
  if (bytes.length < 12 || view.getUint32(0, true) !== 0x4a695444) {
    throw new Error("Not a jitdump file: expected the magic 0x4a695444 at offset 0");
  }
  /** Whether a record of a known kind, of a size that fits, starts at `at` (or the file ends). */
  const fits = (at: number) => {
    if (at === bytes.length) return true;
    if (at + 16 > bytes.length) return false;
    const size = view.getUint32(at + 4, true);
    return view.getUint32(at, true) <= JIT_CODE_MAX && size >= 16 && at + size <= bytes.length;
  };
  /** The same, and the record after that one too (a chance match is unlikely to chain). */
  const starts = (at: number) =>
    fits(at) && (at === bytes.length || fits(at + view.getUint32(at + 4, true)));
  let offset = view.getUint32(8, true);
  while (offset + 16 <= bytes.length) {
    const id = view.getUint32(offset, true), size = view.getUint32(offset + 4, true);
    if (size < 16 || offset + size > bytes.length) break; // a record cut short at the end
    if (id === JIT_CODE_LOAD) {
      const address = view.getBigUint64(offset + 32, true);
      const codeSize = Number(view.getBigUint64(offset + 40, true));
      const nameStart = offset + 56;
      const nameEnd = bytes.indexOf(0, nameStart);
      if (nameEnd < 0 || nameEnd + 1 + codeSize > offset + size) break;
      const name = new TextDecoder().decode(bytes.subarray(nameStart, nameEnd));
      out.push({ name, address, code: bytes.slice(nameEnd + 1, nameEnd + 1 + codeSize) });
    } else if (id === JIT_CODE_DEBUG_INFO && offset + 32 <= bytes.length) {
      let end = offset + 32;
      for (let n = Number(view.getBigUint64(offset + 24, true)); n > 0 && end >= 0; n--) {
        end = end + 16 > bytes.length ? -1 : bytes.indexOf(0, end + 16);
        if (end >= 0) end++;
      }
      if (end < 0) break; // entries cut short at the end
      if (!(offset + size >= end && offset + size < end + 8 && starts(offset + size))) {
        let next = end;
        while (next < end + 8 && !starts(next)) next++;
        if (next === end + 8) break;
        offset = next;
        continue;
      }
    }
    offset += size;
  }
  return out;
}

/** One disassembled instruction. */
export interface Insn {
  address: bigint;
  mnemonic: string;
  operands: string;
}

/** The instructions of `objdump -d` output (`  addr:\tbytes \tmnemonic operands`). */
export function parseObjdump(text: string): Insn[] {
  const out: Insn[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(\S+)\s*(.*)$/.exec(line);
    if (m !== null) out.push({ address: BigInt(`0x${m[1]}`), mnemonic: m[2]!, operands: m[3]! });
  }
  return out;
}

/** A loop: its head's address and the instructions of its blocks, in address order. */
export interface Loop {
  head: bigint;
  insns: Insn[];
}

/** The address a direct jump goes to, or null (an indirect jump, or not a jump). */
function jumpTarget(insn: Insn): bigint | null {
  const m = /^0x([0-9a-f]+)$/.exec(insn.operands.trim());
  return insn.mnemonic.startsWith("j") && m !== null ? BigInt(`0x${m[1]}`) : null;
}

/**
 * The loops of the code `insns` (entered at its first instruction): its basic blocks and their
 * edges, the back edges of a depth-first walk from the entry, and each loop's blocks. A rare
 * path V8 laid out after the loop, which jumps back into the loop's middle, belongs to the loop
 * it left (its jump back is no back edge: the walk reaches the rare path from inside the loop).
 */
export function loopsOf(insns: readonly Insn[]): Loop[] {
  if (insns.length === 0) return [];
  const index = new Map(insns.map((insn, i) => [insn.address, i]));
  // Blocks start at the entry, at every jump target and after every jump or return.
  const starts = new Set<number>([0]);
  insns.forEach((insn, i) => {
    const t = jumpTarget(insn);
    if (t !== null && index.has(t)) starts.add(index.get(t)!);
    if (insn.mnemonic.startsWith("j") || /^(ret|ud2|hlt)/.test(insn.mnemonic)) {
      if (i + 1 < insns.length) starts.add(i + 1);
    }
  });
  const first = [...starts].sort((a, b) => a - b);
  const blockOf = new Map(first.map((s, b) => [s, b]));
  const succ: number[][] = first.map((_start, b) => {
    const last = (b + 1 < first.length ? first[b + 1]! : insns.length) - 1;
    const insn = insns[last]!;
    const out: number[] = [];
    const t = jumpTarget(insn);
    if (t !== null && index.has(t)) out.push(blockOf.get(index.get(t)!)!);
    const falls = !/^(jmp|ret|ud2|hlt)/.test(insn.mnemonic) &&
      !(insn.mnemonic.startsWith("j") && t === null);
    if (falls && b + 1 < first.length) out.push(b + 1);
    return out;
  });
  // A depth-first walk from the entry (iterative: no deep recursion); an edge to a block still
  // on the walk's stack is a back edge, its target a loop's head.
  const state = new Uint8Array(first.length); // 0 unseen, 1 on the stack, 2 done
  const backEdges: [number, number][] = [];
  const stack: [number, number][] = [[0, 0]];
  state[0] = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = succ[top[0]]![top[1]++];
    if (next === undefined) {
      state[top[0]] = 2;
      stack.pop();
    } else if (state[next] === 1) backEdges.push([top[0], next]);
    else if (state[next] === 0) {
      state[next] = 1;
      stack.push([next, 0]);
    }
  }
  const pred: number[][] = first.map(() => []);
  succ.forEach((out, b) => out.forEach((s) => pred[s]!.push(b)));
  // A loop's body: the blocks its head reaches that reach a back edge's source without passing
  // the head (where V8 enters a loop in its middle, after on-stack replacement, the walk from
  // the source alone would also take the code before the loop).
  const bodies = new Map<number, Set<number>>();
  for (const [from, head] of backEdges) {
    const reached = new Set([head]);
    for (const work = [head]; work.length > 0;) {
      for (const s of succ[work.pop()!]!) if (!reached.has(s)) reached.add(s) && work.push(s);
    }
    const body = bodies.get(head) ?? new Set([head]);
    for (const work = [from]; work.length > 0;) {
      const x = work.pop()!;
      if (body.has(x) || !reached.has(x)) continue;
      body.add(x);
      work.push(...pred[x]!);
    }
    bodies.set(head, body);
  }
  return [...bodies].sort(([a], [b]) => a - b).map(([h, body]) => ({
    head: insns[first[h]!]!.address,
    insns: [...body].sort((a, b) => a - b).flatMap((b) =>
      insns.slice(first[b]!, b + 1 < first.length ? first[b + 1]! : insns.length)
    ).filter((i) => !/^nop/.test(i.mnemonic)),
  }));
}

/** The kind an instruction counts as. */
export function kindOf(insn: Insn): string {
  const { mnemonic: m, operands: o } = insn;
  if (m.startsWith("j")) return "branch";
  if (/\((%rbp|%rsp)\)|\(%rbp,|\(%rsp,/.test(o)) return "stack";
  if (/^v?(cvt|round)/.test(m)) return "convert";
  if (m.startsWith("v") || /xmm/.test(o)) return "float";
  if (/^i?mul/.test(m)) return "multiply";
  if (/\(/.test(o)) return "memory";
  if (/^mov/.test(m)) return "move";
  if (/^(cmp|test)/.test(m)) return "compare";
  return "alu";
}

/** `counts` of kinds as one line, largest first. */
function kindsLine(insns: readonly Insn[]): string {
  const counts = new Map<string, number>();
  for (const insn of insns) counts.set(kindOf(insn), (counts.get(kindOf(insn)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
}

function usage(): string {
  return [
    "usage: deno run -A scripts/jit_loops.ts <workload> [options]",
    "  --scale X     the workload's size factor (default 0.3)",
    "  --tier T      wasmi-ts's tier: codegen (default), interpreter or auto",
    "  --min N       only loops of at least N instructions (default 20)",
    "  --asm         print the loops' instructions",
  ].join("\n");
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      scale: { type: "string", default: "0.3" },
      tier: { type: "string", default: "codegen" },
      min: { type: "string", default: "20" },
      asm: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (values.help || positionals.length !== 1) {
    console.log(usage());
    return values.help ? 0 : 2;
  }
  const workload = positionals[0]!;
  const dir = await Deno.makeTempDir({ prefix: "jit_loops_" });
  try {
    const bench = new URL("./bench.ts", import.meta.url).pathname;
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--v8-flags=--perf-prof",
        bench,
        "--filter",
        workload,
        "--tier",
        values.tier,
        "--scale",
        values.scale,
        "--iterations",
        "3",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(run.stdout);
    if (!run.success) {
      console.error(report + new TextDecoder().decode(run.stderr));
      return 1;
    }
    console.log(report.split("\n").filter((l) => l.startsWith(workload)).join("\n"));
    const dump = [...Deno.readDirSync(dir)].find((e) => /^jit-\d+\.dump$/.test(e.name));
    if (dump === undefined) throw new Error(`No jitdump file in ${dir}: is V8's --perf-prof on?`);
    const loads = parseJitdump(Deno.readFileSync(`${dir}/${dump.name}`));
    // The last optimised code of each function: TurboFan's JS (`JS:*`, `JS:o*` after on-stack
    // replacement, `JS:*'` ...) and native Wasm's (`JS:<name>-<index>-turbofan`).
    const last = new Map<string, CodeLoad>();
    for (const load of loads) {
      // (A function of a file is a tool's own, as the wat parser's: generated code has none.)
      const js = /^JS:o?\*'?(\S+)/.exec(load.name);
      const wasm = /^JS:(\S+)-turbofan$/.exec(load.name);
      if (js !== null && !load.name.includes("file://")) last.set(`js ${js[1]}`, load);
      else if (wasm !== null) last.set(`native ${wasm[1]}`, load);
    }
    for (const [name, load] of last) {
      const bin = `${dir}/code.bin`;
      Deno.writeFileSync(bin, load.code);
      const objdump = await new Deno.Command("objdump", {
        args: ["-D", "-b", "binary", "-m", "i386:x86-64", `--adjust-vma=${load.address}`, bin],
        stdout: "piped",
      }).output();
      const insns = parseObjdump(new TextDecoder().decode(objdump.stdout));
      for (const loop of loopsOf(insns)) {
        if (loop.insns.length < Number(values.min)) continue;
        console.log(
          `${name} (${load.code.length} bytes): loop at +${loop.head - load.address}: ` +
            `${loop.insns.length} instructions (${kindsLine(loop.insns)})`,
        );
        if (values.asm) {
          for (const i of loop.insns) {
            console.log(`  +${i.address - load.address}\t${i.mnemonic}\t${i.operands}`);
          }
        }
      }
    }
    return 0;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
