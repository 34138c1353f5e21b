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

/** Code under construction. */
export class CodeBuilder {
  #code = new Int32Array(256);
  /** Words written so far (the index of the next word). */
  len = 0;

  /** Appends one word. */
  emit(word: number): void {
    if (this.len === this.#code.length) this.#grow();
    this.#code[this.len++] = word;
  }

  /** Appends an opcode and its operands (2..5 words; fewer arguments are simply omitted). */
  op1(op: number, a: number): void {
    this.emit(op);
    this.emit(a);
  }

  /** See `op1`. */
  op2(op: number, a: number, b: number): void {
    this.emit(op);
    this.emit(a);
    this.emit(b);
  }

  /** See `op1`. */
  op3(op: number, a: number, b: number, c: number): void {
    this.emit(op);
    this.emit(a);
    this.emit(b);
    this.emit(c);
  }

  /** See `op1`. */
  op4(op: number, a: number, b: number, c: number, d: number): void {
    this.op3(op, a, b, c);
    this.emit(d);
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

  /** The finished code, trimmed to its length. */
  finish(): Int32Array {
    return this.#code.slice(0, this.len);
  }

  #grow(): void {
    const code = new Int32Array(this.#code.length * 2);
    code.set(this.#code);
    this.#code = code;
  }
}
