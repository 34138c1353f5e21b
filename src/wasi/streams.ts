/**
 * Ready-made WASI streams for stdin, stdout and stderr that need no host: bytes in memory,
 * callbacks, and nothing at all.
 *
 * @module
 */

import type { MaybePromise, WasiStream } from "./fs.ts";

/** A stream that reads as empty and discards writes (the default for all three). */
export function nullStream(): WasiStream {
  return { read: () => new Uint8Array(0), write: () => {} };
}

/**
 * An input stream over fixed bytes (or a string, as UTF-8).
 *
 * @example
 * ```ts
 * import { memoryInput } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const input = memoryInput("abc");
 * assert.deepEqual(input.read!(2), new Uint8Array([97, 98]));
 * assert.deepEqual(input.read!(5), new Uint8Array([99]));
 * assert.equal((input.read!(5) as Uint8Array).length, 0);
 * ```
 *
 * @param data what the program reads
 */
export function memoryInput(data: Uint8Array | string): WasiStream {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let at = 0;
  return {
    read(max: number): Uint8Array {
      const chunk = bytes.subarray(at, Math.min(bytes.length, at + max));
      at += chunk.length;
      return chunk.slice();
    },
  };
}

/** An output stream keeping everything written, with accessors. */
export interface MemoryOutput extends WasiStream {
  /** All bytes written so far. */
  bytes(): Uint8Array;
  /** All bytes written so far, decoded as UTF-8. */
  text(): string;
}

/**
 * An output stream collecting what the program writes.
 *
 * @example
 * ```ts
 * import { memoryOutput } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const out = memoryOutput();
 * out.write!(new TextEncoder().encode("hi "));
 * out.write!(new TextEncoder().encode("there"));
 * assert.equal(out.text(), "hi there");
 * ```
 */
export function memoryOutput(): MemoryOutput {
  const chunks: Uint8Array[] = [];
  const bytes = (): Uint8Array => {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  };
  return {
    write(data: Uint8Array): void {
      chunks.push(data.slice());
    },
    bytes,
    text: () => new TextDecoder().decode(bytes()),
  };
}

/**
 * An output stream handing each write to `sink` (which may return a Promise: the program then
 * waits for it, in an async call).
 *
 * @example
 * ```ts
 * import { callbackOutput } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const seen: number[] = [];
 * callbackOutput((b) => void seen.push(b.length)).write!(new Uint8Array(3));
 * assert.deepEqual(seen, [3]);
 * ```
 *
 * @param sink receives a copy of each write
 */
export function callbackOutput(sink: (bytes: Uint8Array) => MaybePromise<void>): WasiStream {
  return { write: (bytes) => sink(bytes.slice()) };
}
