/**
 * Test toolkit: random lane programs run in several configurations (tiers, codegen styles, fuel),
 * each configuration's words compared with the first one's (the interpreter's).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Config, type ConfigOptions, Engine, Linker, Module, Store, type Val } from "../../mod.ts";
import { wat } from "./wabt.ts";

/** What `laneProgramsAgree` runs: one program a seed, and how its words are compared. */
export interface LanePrograms {
  /** The seeds: each gives one program, and the bytes its memory starts with. */
  readonly seeds: Iterable<number>;
  /**
   * The program of a seed, as WAT: it exports a memory `mem` and a function `run` without
   * parameters, reads its operands from bytes 0-63 and leaves its words at bytes 1024-1151.
   */
  readonly program: (seed: number) => string;
  /** Byte values the operand bytes draw from half of the time (the other half: any byte). */
  readonly edges: readonly number[];
  /** The configurations, the first one the reference; one with fuel gets 1,000,000 units. */
  readonly configs: readonly ConfigOptions[];
  /**
   * Compares a configuration's results (`run`'s results as numbers, then the 32 words) with the
   * reference's; by default they must be equal.
   */
  readonly compare?: (want: number[], got: number[], where: string) => void;
}

/**
 * Runs each seed's program in every configuration and asserts each one's results agree with the
 * first configuration's, and that the codegen tier compiled every function.
 */
export function laneProgramsAgree(programs: LanePrograms): void {
  const { edges, configs } = programs;
  const compare = programs.compare ??
    ((want: number[], got: number[], where: string) => assert.deepEqual(got, want, where));
  for (const seed of programs.seeds) {
    const bytes = wat(programs.program(seed));
    const results: number[][] = [];
    for (const config of configs) {
      const engine = new Engine(new Config(config));
      const store = new Store(engine, null);
      if (config.consumeFuel) store.setFuel(1_000_000);
      const instance = new Linker<null>(engine).instantiate(store, new Module(engine, bytes));
      const data = instance.getMemory(store, "mem")!.data(store);
      let s = seed * 7919;
      for (let i = 0; i < 64; i++) {
        s = (Math.imul(s, 1103515245) + 12345) | 0;
        data[i] = s & 1 ? edges[(s >>> 8) % edges.length]! : (s >>> 16) & 255;
      }
      const returned = instance.getFunc(store, "run")!.call(store, []) as Val[];
      const out = instance.getMemory(store, "mem")!.data(store);
      results.push([
        ...returned.map((v) => Number(v.value)),
        ...new Int32Array(out.slice(1024, 1024 + 128).buffer),
      ]);
      if (config.executionTier === "codegen") assert.equal(engine.codegenStats().interpreted, 0);
    }
    for (let k = 1; k < configs.length; k++) {
      compare(results[0]!, results[k]!, `seed ${seed}, ${JSON.stringify(configs[k])}`);
    }
  }
}
