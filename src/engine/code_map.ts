/**
 * The code map: every translated function body, keyed by module so that all instances of a
 * module share one copy of its code.
 *
 * @module
 */

import type { ModuleDecl } from "../binary/module.ts";
import type { FuncValidator } from "../validate/func_validator.ts";
import type { DecodeContext } from "../binary/decode_context.ts";
import { CodeArena } from "./code_builder.ts";
import { SLOT_WORDS } from "./entities.ts";

/**
 * Makes the `codeOffsets` of a function on demand, by translating its body again while noting
 * offsets (translation is deterministic). Only suspended-call frames read offsets, so keeping
 * them for every function would cost memory (about 1.5 bytes per byte of Wasm code, measured
 * with `deno task bench:load`) and translation time for nothing.
 */
export interface OffsetSource {
  /** The `codeOffsets` of function `funcIndex` (see `CompiledFunc`). */
  offsetsOf(funcIndex: number): Int32Array;
  /**
   * The `bodyOffset` of function `funcIndex`, when the source can tell (a function whose
   * offset it tells need not keep it: see `CompiledFunc`).
   */
  bodyOffsetOf?(funcIndex: number): number;
}

const NO_OFFSETS = new Int32Array(0);

/** `CompiledFunc.#placing`: the length in the low bits, the start above them. */
const PLACE_SHIFT = 15;
const PLACE_MASK = (1 << PLACE_SHIFT) - 1;
/** The largest start `#placing` holds (the whole stays a small integer: below 2^30). */
const PLACE_MAX_AT = (1 << (30 - PLACE_SHIFT)) - 1;

/**
 * What a `CompiledFunc` keeps of its rarely read parts when its module's `OffsetSource` cannot
 * stand for them: its offsets once made, its body's offset, its exception handlers.
 */
class RareParts {
  constructor(
    public offsets: Int32Array | OffsetSource,
    readonly bodyOffset: number,
    readonly handlers: Int32Array | null,
  ) {}
}

/** A translated function body and the frame it needs. Sizes are in words of the slot array. */
export class CompiledFunc {
  /**
   * The body the code-generation tier made of `code` (see `codegen.ts`), null when it stays in
   * the interpreter, undefined until the engine has decided. Only the engine reads or writes it.
   */
  generated: ((...args: never[]) => number) | null | undefined = undefined;
  /**
   * Calls and loop iterations left before the `auto` tier generates this function (counted down
   * by its `TierUp` instructions); 0 when it is generated on its first run.
   */
  hotness = 0;
  /**
   * The offsets, body offset and handlers (see the constructor): in the common case, a
   * function without handlers whose offsets are made on demand, only the module's shared
   * source, which tells the body offset too. One field for three: an eager compile keeps a
   * `CompiledFunc` per function, and each field is 8 bytes of 128 (funcs50k of
   * `deno task bench:load`: 0.8 MB less JS heap allocated by `new Module`).
   */
  #rare: OffsetSource | RareParts;
  /**
   * While not -1, `code` is the arena buffer that holds this function's code from word
   * `#placing >> PLACE_SHIFT` on, `#placing & PLACE_MASK` words, until `placeCode` makes its
   * view (see `CodeArena.place`). One small integer, not two fields: 8 bytes less per function
   * (funcs50k of `deno task bench:load`, 0.4 MB less allocated by an eager `new Module`).
   */
  #placing = -1;

  /**
   * @param code the internal code (see `isa.ts`)
   * @param paramWords words taken by the parameters (the frame starts with them)
   * @param localWords words taken by parameters and declared locals (the executor zeroes the
   *   declared locals, `[paramWords, localWords)`, on entry)
   * @param frameWords words the whole frame needs: locals, then the operand stack's slots
   * @param numResults how many results the function leaves in the frame's first slots
   * @param funcIndex the function's index in its module (for backtraces)
   * @param codeOffsets the `codeOffsets`, or where to get them when first needed
   * @param bodyOffset the byte offset of the body's first instruction
   * @param handlers the `try_table` catch clauses, innermost first (see `exceptions.ts`), or
   *   null when the function has none
   */
  constructor(
    public code: Int32Array,
    readonly paramWords: number,
    readonly localWords: number,
    readonly frameWords: number,
    readonly numResults: number,
    readonly funcIndex: number,
    codeOffsets: Int32Array | OffsetSource = NO_OFFSETS,
    bodyOffset: number = 0,
    handlers: Int32Array | null = null,
  ) {
    this.#rare = handlers === null && !(codeOffsets instanceof Int32Array) &&
        codeOffsets.bodyOffsetOf?.(funcIndex) === bodyOffset
      ? codeOffsets
      : new RareParts(codeOffsets, bodyOffset, handlers);
  }

  /** The byte offset of the body's first instruction. */
  get bodyOffset(): number {
    const r = this.#rare;
    return r instanceof RareParts ? r.bodyOffset : r.bodyOffsetOf!(this.funcIndex);
  }

  /** The `try_table` catch clauses, innermost first (see `exceptions.ts`), or null. */
  get handlers(): Int32Array | null {
    const r = this.#rare;
    return r instanceof RareParts ? r.handlers : null;
  }

  /**
   * Marks `code` as the arena buffer holding this function's code at `[at, at + length)`; its
   * view is made by `placeCode`, which must run before anything reads `code` (the engine calls
   * it where it hands the function out: `Engine.compile`).
   *
   * @internal
   */
  deferCode(at: number, length: number): void {
    const c = this.code;
    if (at === 0 && length === c.length) return; // already the function's own array
    if (at <= PLACE_MAX_AT && length <= PLACE_MASK) {
      this.#placing = at * (PLACE_MASK + 1) + length;
    } else {
      // Past what one small integer holds (an arena's chunks never are): the view now.
      this.code = new Int32Array(c.buffer, c.byteOffset + at * 4, length);
    }
  }

  /**
   * Makes `code` this function's own view when `deferCode` left it the arena's buffer; returns
   * this.
   *
   * @internal
   */
  placeCode(): this {
    const p = this.#placing;
    if (p >= 0) {
      const c = this.code;
      this.code = new Int32Array(c.buffer, c.byteOffset + (p >> PLACE_SHIFT) * 4, p & PLACE_MASK);
      this.#placing = -1;
    }
    return this;
  }

  /**
   * Where the code came from: pairs `[pc, byte offset]`, ascending in `pc`, each saying that the
   * internal code from `pc` on was translated from the Wasm instruction at that offset of the
   * module's bytes (for the frames of suspended calls).
   */
  get codeOffsets(): Int32Array {
    let r = this.#rare;
    if (!(r instanceof RareParts)) r = this.#rare = new RareParts(r, this.bodyOffset, null);
    const o = r.offsets;
    if (o instanceof Int32Array) return o;
    return r.offsets = o.offsetsOf(this.funcIndex);
  }

  /** Bytes the offsets take now (0 until they are made on demand). */
  get offsetBytes(): number {
    const r = this.#rare;
    return r instanceof RareParts && r.offsets instanceof Int32Array ? r.offsets.byteLength : 0;
  }

  /**
   * The byte offset of the Wasm instruction that internal position `pc` belongs to.
   *
   * @param pc a position in `code`
   * @param inCall true when `pc` is where a frame continues after a call (the call itself is
   *   the instruction before it), false when it is the instruction that stopped
   */
  wasmOffsetAt(pc: number, inCall: boolean): number {
    const target = inCall ? pc - 1 : pc;
    const o = this.codeOffsets;
    // Binary search for the last pair whose pc is at most `target`.
    let lo = 0;
    let hi = (o.length >> 1) - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (o[2 * mid]! <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.bodyOffset : o[2 * found + 1]!;
  }
}

/** `PendingFuncs`: words per body (its chunk, start, length and frame words). */
const PENDING_WORDS = 4;

/**
 * The bodies an eager compile translated, before their `CompiledFunc`s are made: what each one
 * needs (where its code is in the arena, the words of its frame; the rest follows from the
 * module) in one `Int32Array`, four words (16 bytes) a body, the `CompiledFunc` made on first use (`take`). An object per
 * body is 104 bytes of JS heap that lives as long as the module: the scavenger copied and
 * promoted 50,000 of them per eager compile of funcs50k (`deno task bench:load`), and most
 * bodies of a large module are never called. What the table cannot hold (a body with
 * exception handlers) gets its `CompiledFunc` at once.
 */
export class PendingFuncs {
  /** Per body: chunk index (-1: none pending), start, length, frame words. */
  readonly #words: Int32Array;
  /** The arena buffers the code is in (`#words` index them). */
  readonly #chunks: Int32Array[] = [];
  #last: Int32Array | null = null;

  /** @param count how many bodies the module has */
  constructor(count: number) {
    this.#words = new Int32Array(count * PENDING_WORDS).fill(-1);
  }

  /** Bytes the table takes (`CodeFootprint.pendingBytes`). */
  get bytes(): number {
    return this.#words.byteLength;
  }

  /**
   * Notes that body `i`'s code is `chunk[at, at + length)` of the module's arena, and the
   * words its frame takes (`CompiledFunc.frameWords`).
   */
  record(i: number, chunk: Int32Array, at: number, length: number, frameWords: number): void {
    if (chunk !== this.#last) {
      this.#chunks.push(chunk);
      this.#last = chunk;
    }
    const w = this.#words;
    const k = i * PENDING_WORDS;
    w[k] = this.#chunks.length - 1;
    w[k + 1] = at;
    w[k + 2] = length;
    w[k + 3] = frameWords;
  }

  /** Whether body `i` is recorded here (and its `CompiledFunc` not made yet). */
  has(i: number): boolean {
    return this.#words[i * PENDING_WORDS]! >= 0;
  }

  /** Frame words of a recorded body `i` (see `record`). */
  frameWords(i: number): number {
    return this.#words[i * PENDING_WORDS + 3]!;
  }

  /**
   * Makes the `CompiledFunc` of recorded body `i` (its code's view included) and forgets the
   * record: the caller keeps the function.
   *
   * @param module the module
   * @param offsets the module's offset source (which tells the body offset)
   * @param hotness the `CompiledFunc.hotness` the translation gave its functions
   */
  take(module: ModuleDecl, i: number, offsets: OffsetSource, hotness: number): CompiledFunc {
    const w = this.#words;
    const k = i * PENDING_WORDS;
    const chunk = this.#chunks[w[k]!]!;
    const funcIndex = module.importedFuncs + i;
    const type = module.types[module.funcTypeIndices[funcIndex]!]!;
    const params = type.params.length;
    const code = new Int32Array(chunk.buffer, chunk.byteOffset + w[k + 1]! * 4, w[k + 2]!);
    const compiled = new CompiledFunc(
      code,
      params * SLOT_WORDS,
      (params + module.bodies.locals(i).length) * SLOT_WORDS,
      w[k + 3]!,
      type.results.length,
      funcIndex,
      offsets,
      module.bodies.codeStart(i),
    );
    compiled.hotness = hotness;
    w[k] = -1;
    return compiled;
  }
}

/**
 * What the engine keeps of one module: its compiled bodies and, in `compilationMode: "lazy"`,
 * what it needs to check a body on first use.
 */
export class ModuleCode {
  /** The compiled bodies (index = defined function index), null until compiled. */
  readonly bodies: (CompiledFunc | null)[];
  /**
   * Whether the bodies were left unchecked by `new Module` (lazy mode): each is then decoded
   * and validated before it is translated.
   */
  readonly unchecked: boolean;
  /** The validator of the unchecked bodies, made on first use. */
  validator: FuncValidator | null = null;
  /** The decoding context that reads the unchecked bodies, made on first use. */
  scanner: DecodeContext | null = null;
  /**
   * The error of each body that failed its check (lazy mode), thrown again by every later use,
   * as wasmi's `FAILED_TO_COMPILE` state does.
   */
  readonly failures = new Map<number, Error>();
  /** Holds the code of the module's functions. */
  readonly arena = new CodeArena();
  /** Makes a function's `codeOffsets` on demand (set by the engine). */
  offsets: OffsetSource | null = null;
  /** The bodies an eager compile translated whose `CompiledFunc` is not made yet, or null. */
  pending: PendingFuncs | null = null;

  /**
   * @param module the decoded module
   * @param unchecked whether its bodies are yet to be decoded and validated
   */
  constructor(readonly module: ModuleDecl, unchecked: boolean) {
    this.bodies = new Array<CompiledFunc | null>(module.bodies.length).fill(null);
    this.unchecked = unchecked;
  }

  /** What the bodies compiled so far take, next to their Wasm code. */
  footprint(): CodeFootprint {
    const f = {
      compiledFuncs: 0,
      wasmBytes: 0,
      codeBytes: 0,
      tableBytes: 0,
      pendingBytes: 0,
      maxFrameBytes: 0,
    };
    const decls = this.module.bodies;
    const pending = this.pending;
    if (pending !== null) f.pendingBytes = pending.bytes;
    for (let i = 0; i < this.bodies.length; i++) {
      const cf = this.bodies[i];
      if (cf === null || cf === undefined) {
        if (pending === null || !pending.has(i)) continue;
        f.compiledFuncs++;
        f.wasmBytes += decls.codeEnd(i) - decls.offset(i);
        f.maxFrameBytes = Math.max(f.maxFrameBytes, pending.frameWords(i) * 4);
        continue;
      }
      f.compiledFuncs++;
      f.wasmBytes += decls.codeEnd(i) - decls.offset(i);
      f.tableBytes += cf.offsetBytes + (cf.handlers?.byteLength ?? 0);
      f.maxFrameBytes = Math.max(f.maxFrameBytes, cf.frameWords * 4);
    }
    f.codeBytes = this.arena.words * 4;
    return f;
  }
}

/** The memory the compiled code of one module takes (see `ModuleCode.footprint`). */
export interface CodeFootprint {
  /** Bodies compiled so far. */
  compiledFuncs: number;
  /** Bytes of the Wasm code of those bodies (each from its size field to its `end`). */
  wasmBytes: number;
  /**
   * Bytes the module's code arena holds: their internal code (`CompiledFunc.code`), and the
   * unused tail of its chunks.
   */
  codeBytes: number;
  /** Bytes of their side tables: `codeOffsets` and `handlers`. */
  tableBytes: number;
  /**
   * Bytes of the records the `CompiledFunc`s of an eager compile's bodies are made from on first
   * use (`PendingFuncs`: 16 a body), in place of the objects (104 bytes of JS heap each, which
   * these figures never counted).
   */
  pendingBytes: number;
  /** The largest frame among them, in bytes of the value stack. */
  maxFrameBytes: number;
}

/** Compiled bodies per module, filled on demand. */
export class CodeMap {
  readonly #modules = new WeakMap<ModuleDecl, ModuleCode>();

  /**
   * What is kept of `module`, created if new.
   *
   * @param unchecked for a new entry: whether its bodies are yet to be decoded and validated
   */
  of(module: ModuleDecl, unchecked = false): ModuleCode {
    let code = this.#modules.get(module);
    if (code === undefined) {
      code = new ModuleCode(module, unchecked);
      this.#modules.set(module, code);
    }
    return code;
  }
}
