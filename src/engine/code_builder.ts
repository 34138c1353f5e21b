/**
 * A growable buffer of code words, with forward-branch patch lists threaded through the code.
 *
 * A forward branch does not know its target yet, so its target word holds the index of the
 * previous unresolved branch to the same label (or -1): each label's pending branches form a
 * linked list inside the code, and binding the label walks that list once. No side tables, and
 * the total work is linear in the code size.
 *
 * @module
 */

/** The end of a patch list. */
export const NO_PATCH = -1;

/**
 * The buffer the last translation built its code in, kept for the next one (translations never
 * overlap: a builder takes it and gives it back in `finish`). A fresh 1 KiB buffer per function
 * made translating 50,000 small functions spend most of its time allocating and collecting
 * buffers (`deno task bench:load`, funcs50k eager: 1,133 ms before, see the commit).
 */
let spare: Int32Array | null = null;
/** The size of a new buffer, in words. */
const INITIAL_WORDS = 4096;
/** A buffer that grew past this many words is not kept (one huge function must not pin it). */
const KEEP_WORDS = 1 << 16;

/** Code under construction. */
export class CodeBuilder {
  #code: Int32Array;
  /** Words written so far (the index of the next word). */
  len = 0;
  // The least length `truncate` cut the code to since `takeLow` (see there).
  #low = 0x7fffffff;

  constructor() {
    this.#code = spare ?? new Int32Array(INITIAL_WORDS);
    spare = null;
  }

  /** Starts again, empty, for the next function (after `finish`: the builder is reused). */
  reset(): void {
    // Its own buffer is the spare one unless it outgrew `KEEP_WORDS` (then it is let go).
    this.#code = spare ??
      (this.#code.length <= KEEP_WORDS ? this.#code : new Int32Array(INITIAL_WORDS));
    spare = null;
    this.len = 0;
    this.#low = 0x7fffffff;
  }

  /** Appends one word. */
  emit(word: number): void {
    if (this.len === this.#code.length) this.#grow();
    this.#code[this.len++] = word;
  }

  /**
   * Appends an opcode and its operands (2..5 words; fewer arguments are simply omitted). Room
   * is checked once per instruction, not once per word (`#grow` doubles: room for any of them).
   */
  op1(op: number, a: number): void {
    const at = this.len;
    if (at + 2 > this.#code.length) this.#grow();
    const code = this.#code;
    code[at] = op;
    code[at + 1] = a;
    this.len = at + 2;
  }

  /** See `op1`. */
  op2(op: number, a: number, b: number): void {
    const at = this.len;
    if (at + 3 > this.#code.length) this.#grow();
    const code = this.#code;
    code[at] = op;
    code[at + 1] = a;
    code[at + 2] = b;
    this.len = at + 3;
  }

  /** See `op1`. */
  op3(op: number, a: number, b: number, c: number): void {
    const at = this.len;
    if (at + 4 > this.#code.length) this.#grow();
    const code = this.#code;
    code[at] = op;
    code[at + 1] = a;
    code[at + 2] = b;
    code[at + 3] = c;
    this.len = at + 4;
  }

  /** See `op1`. */
  op4(op: number, a: number, b: number, c: number, d: number): void {
    const at = this.len;
    if (at + 5 > this.#code.length) this.#grow();
    const code = this.#code;
    code[at] = op;
    code[at + 1] = a;
    code[at + 2] = b;
    code[at + 3] = c;
    code[at + 4] = d;
    this.len = at + 5;
  }

  /** The word at `at`. */
  get(at: number): number {
    return this.#code[at]!;
  }

  /** Overwrites the word at `at`. */
  set(at: number, word: number): void {
    this.#code[at] = word;
  }

  /** Drops everything from `len` on (used to take back an instruction the translator fuses). */
  truncate(len: number): void {
    this.len = len;
    if (len < this.#low) this.#low = len;
  }

  /**
   * The least length `truncate` cut the code to since the last call (or the current length if
   * it was not called): words from there on may have been rewritten since. Starts again.
   */
  takeLow(): number {
    const low = Math.min(this.#low, this.len);
    this.#low = 0x7fffffff;
    return low;
  }

  /**
   * Appends a branch target word that is resolved later: links it into the patch list whose
   * head is `head` and returns the new head.
   */
  emitPatch(head: number): number {
    const at = this.len;
    this.emit(head);
    return at;
  }

  /** Makes every target word in the patch list `head` point at `target`. */
  resolve(head: number, target: number): void {
    const code = this.#code;
    while (head !== NO_PATCH) {
      const next = code[head]!;
      code[head] = target;
      head = next;
    }
  }

  /** The words written so far, `[0, len)` of the returned buffer (valid until the next write). */
  get words(): Int32Array {
    return this.#code;
  }

  /**
   * The finished code, trimmed to its length: a copy in `arena` when given, else in a buffer of
   * its own. The builder is done after this.
   */
  finish(arena: CodeArena | null = null): Int32Array {
    const code = this.#code;
    const done = arena === null ? code.slice(0, this.len) : arena.copyOf(code, this.len);
    if (code.length <= KEEP_WORDS) spare = code;
    return done;
  }

  /**
   * Like `finish` with an arena, without making the code's view: copies the code into `arena`
   * and returns the buffer holding it, from word `arena.placedAt` on (see `CodeArena.place`).
   */
  finishPlaced(arena: CodeArena): Int32Array {
    const code = this.#code;
    const done = arena.place(code, this.len);
    if (code.length <= KEEP_WORDS) spare = code;
    return done;
  }

  #grow(): void {
    const code = new Int32Array(this.#code.length * 2);
    code.set(this.#code);
    this.#code = code;
  }
}

/** The largest chunk an arena allocates, in words (64 KiB). */
const MAX_CHUNK_WORDS = 1 << 14;

/**
 * Holds the code of many functions (and their other word arrays) in a few large buffers, each
 * function's array a view into one: one module's functions share an arena. Allocating a buffer
 * per function costs far more than copying into a shared one (see `spare`). Chunks start small
 * (a module with one function keeps a small one) and double up to `MAX_CHUNK_WORDS`; an array
 * larger than an eighth of that gets a buffer of its own, so at most an eighth of a chunk is
 * left unused when the next one starts.
 */
export class CodeArena {
  #chunk = new Int32Array(0);
  /** The chunk's buffer, kept: `.buffer` is a getter call per view otherwise. */
  #buffer: ArrayBufferLike = this.#chunk.buffer;
  #used = 0;
  #next = 256;
  /** Words held in chunks and own buffers (unused chunk tails included). */
  words = 0;

  /** Where `place` put its last copy: the word index in the buffer it returned. */
  placedAt = 0;

  /**
   * Copies `src[0, len)` into the arena without making a view of the copy: returns the buffer
   * that holds it, from word `placedAt` on (an array larger than a chunk's eighth is a buffer of
   * its own, `placedAt` 0). A view per function was about a sixth of what an eager compile of
   * 50,000 small functions allocated (`deno task bench:load`'s funcs50k under the sampling heap
   * profiler: 4.3 MB less per load, of about 25 MB; the bodies' translation, least CPU time of
   * 25 rounds, 50-52 -> 46-49 ms), and most functions of a large module are never called: their
   * views are made on first use (`CompiledFunc.placeCode`).
   */
  place(src: Int32Array, len: number): Int32Array {
    if (len > MAX_CHUNK_WORDS >> 3) {
      this.placedAt = 0;
      return this.copyOf(src, len);
    }
    if (this.#used + len > this.#chunk.length) this.#newChunk(len);
    const chunk = this.#chunk;
    const at = this.#used;
    if (len <= 64) {
      for (let i = 0; i < len; i++) chunk[at + i] = src[i]!;
    } else {
      chunk.set(len === src.length ? src : new Int32Array(src.buffer, src.byteOffset, len), at);
    }
    this.#used = at + len;
    this.placedAt = at;
    return chunk;
  }

  /** Starts a chunk that has room for `len` words. */
  #newChunk(len: number): void {
    while (this.#next < len) this.#next *= 2;
    this.#chunk = new Int32Array(this.#next);
    this.#buffer = this.#chunk.buffer;
    this.words += this.#next;
    this.#used = 0;
    this.#next = Math.min(this.#next * 2, MAX_CHUNK_WORDS);
  }

  /** A copy of `src[0, len)`, in the arena. */
  copyOf(src: Int32Array, len: number): Int32Array {
    let out: Int32Array;
    if (len > MAX_CHUNK_WORDS >> 3) {
      out = new Int32Array(len);
      this.words += len;
    } else {
      if (this.#used + len > this.#chunk.length) this.#newChunk(len);
      // A view made by the constructor: `subarray` costs a species lookup per call.
      out = new Int32Array(this.#buffer, this.#used * 4, len);
      this.#used += len;
    }
    // A loop for short code: making the view `set` needs costs more than copying a few words.
    if (len <= 64) {
      for (let i = 0; i < len; i++) out[i] = src[i]!;
    } else {
      out.set(len === src.length ? src : new Int32Array(src.buffer, src.byteOffset, len));
    }
    return out;
  }
}
