/**
 * The benchmark's counting mode (`deno task bench --count`): runs each workload once on an
 * instrumented build of the interpreter that counts its dispatches per instruction row. Counts
 * are exact and repeatable, so a translator or ISA change shows its effect without the timing
 * noise of a shared machine.
 *
 * The instrumented build is a temporary copy of `src/` and `mod.ts` whose `executor.ts` is
 * generated with `generateExecutorSource({ count: true })`; the repository's executor never
 * pays for counting.
 *
 * @module
 */

import {
  DISPATCH_COUNTS_GLOBAL,
  DISPATCH_PAIRS_GLOBAL,
  generateExecutorSource,
} from "./gen_executor.ts";
import { ISA } from "../src/engine/isa.ts";

const ROOT = new URL("../", import.meta.url);

/** Copies the directory `from` into `to` (created), recursively. */
async function copyTree(from: URL, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(new URL(`${entry.name}/`, from), target);
    else if (entry.isFile) await Deno.copyFile(new URL(entry.name, from), target);
  }
}

/** An instrumented copy of the library, ready to load with `loadWasmiEngine`. */
export interface CountingBuild {
  /** Path of the copy's `mod.ts`. */
  modPath: string;
  /** Sets every counter to zero. */
  reset(): void;
  /** The counts since the last `reset`, by instruction name (rows never dispatched left out). */
  read(): Map<string, number>;
  /** The counts of consecutive pairs since the last `reset`, as `"First Second"` names. */
  readPairs(): Map<string, number>;
  /** Removes the temporary copy. */
  remove(): Promise<void>;
}

/** Builds the instrumented copy in a temporary directory. */
export async function buildCountingCopy(): Promise<CountingBuild> {
  const dir = await Deno.makeTempDir({ prefix: "wasmi-count-" });
  await copyTree(new URL("src/", ROOT), `${dir}/src`);
  await Deno.copyFile(new URL("mod.ts", ROOT), `${dir}/mod.ts`);
  await Deno.writeTextFile(
    `${dir}/src/engine/executor.ts`,
    generateExecutorSource({ count: true }),
  );
  const array = (name: string) => (): Float64Array => {
    const value = (globalThis as Record<string, unknown>)[name];
    if (!(value instanceof Float64Array)) {
      throw new Error("The instrumented executor has not been loaded");
    }
    return value;
  };
  const counts = array(DISPATCH_COUNTS_GLOBAL);
  const pairs = array(DISPATCH_PAIRS_GLOBAL);
  const nameOf = (op: number) => ISA[op]?.name ?? `#${op}`;
  return {
    modPath: `${dir}/mod.ts`,
    reset() {
      counts().fill(0);
      pairs().fill(0);
    },
    read() {
      const out = new Map<string, number>();
      counts().forEach((n, op) => {
        if (n > 0) out.set(nameOf(op), n);
      });
      return out;
    },
    readPairs() {
      const out = new Map<string, number>();
      pairs().forEach((n, i) => {
        if (n > 0) out.set(`${nameOf(Math.floor(i / ISA.length))} ${nameOf(i % ISA.length)}`, n);
      });
      return out;
    },
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}
