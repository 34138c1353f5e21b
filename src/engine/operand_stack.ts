/**
 * The translator's compile-time operand stack, whose entries are lazy.
 *
 * An entry is one of
 * - `TEMP`: the value is in the slot of its own stack position (its "canonical" slot);
 * - `LOCAL`: the value is whatever local `val` holds (nothing was emitted for `local.get`);
 * - `CONST`: the value is the constant `val` (or `val`, `hi` when `wide`);
 * - `ADDR`: the value is local `val` plus the i32 constant `hi`, wrapping (nothing was emitted
 *   for the `i32.add`): an address a store can add itself (`I32StoreAt`, ...).
 *
 * A `TEMP` or `LOCAL` entry may be a v128 (`v128`), which moves as four words rather than two;
 * constants are never v128 (`v128.const` is emitted at once).
 *
 * A `LOCAL` or `ADDR` entry must be turned into a `TEMP` (computed into its slot) before anything
 * writes that local. To find those entries without scanning the stack, every local has a chain of the
 * positions that refer to it, newest first (`localHead`, `prev`). Chains may hold stale
 * positions (popped, or already materialised); they are skipped when walked, and pruned when a
 * new entry is pushed, so the total work stays linear in the number of pushes.
 *
 * @module
 */

/** Entry kinds. */
export const TEMP = 0;
/** See `TEMP`. */
export const LOCAL = 1;
/** See `TEMP`. */
export const CONST = 2;
/** See `TEMP`. */
export const ADDR = 3;

/** Positions the arrays of a new stack hold (they double as needed). */
const INITIAL_ROOM = 256;

/** The stack the last translation gave back (see `OperandStack.take`). */
let spare: OperandStack | null = null;

/** The lazy operand stack (bookkeeping only: the translator emits the code). */
export class OperandStack {
  /** Number of entries. */
  height = 0;
  /** The largest height reached (the frame needs this many stack slots). */
  maxHeight = 0;
  // Typed arrays (grown by `#push`), not JS arrays: a push stores without elements-kind checks.
  /** Entry kind per position. */
  kind: Uint8Array = new Uint8Array(INITIAL_ROOM);
  /** Local index (`LOCAL`, `ADDR`) or constant low word (`CONST`) per position (exact numbers). */
  val: Float64Array = new Float64Array(INITIAL_ROOM);
  /** Constant high word per position (`CONST`, when `wide`), or the addend of an `ADDR`. */
  hi: Float64Array = new Float64Array(INITIAL_ROOM);
  /**
   * 1 when a `CONST` is 64 bits wide (i64, f64). Bytes, not booleans in a JS array, as the
   * others: every push writes it and `v128` (eager SQLite and large 0-4% faster, three
   * interleaved runs of 40 rounds).
   */
  wide: Uint8Array = new Uint8Array(INITIAL_ROOM);
  /** 1 when the entry is a v128 (all four words of its slot matter). */
  v128: Uint8Array = new Uint8Array(INITIAL_ROOM);
  /** Next older position in the same local's chain. */
  #prev: Int32Array = new Int32Array(INITIAL_ROOM);
  /** Newest position of each local's chain, or -1. */
  #localHead: Int32Array;
  /** No position below this one holds a `LOCAL` or `ADDR` entry. */
  #noLocalBelow = 0;

  /** @param numLocals parameters plus declared locals */
  constructor(numLocals: number) {
    this.#localHead = new Int32Array(numLocals).fill(-1);
  }

  /**
   * An empty stack for a function with `numLocals` locals: the one the last translation gave
   * back (`release`), reset, or a new one. Translations never overlap; reusing the stack and its
   * arrays took a fifth off translating 50,000 small functions (`deno task bench:load`).
   */
  static take(numLocals: number): OperandStack {
    const s = spare;
    if (s === null) return new OperandStack(numLocals);
    spare = null;
    s.height = 0;
    s.maxHeight = 0;
    s.#noLocalBelow = 0;
    if (s.#localHead.length < numLocals) s.#localHead = new Int32Array(numLocals);
    const head = s.#localHead;
    // A loop for the few locals most functions have: \`fill\` costs a call into the runtime.
    if (numLocals <= 16) { for (let i = 0; i < numLocals; i++) head[i] = -1; }
    else head.fill(-1, 0, numLocals);
    return s;
  }

  /** Gives the stack back for the next `take` (its user is done with it). */
  release(): void {
    spare = this;
  }

  /** Pushes a value that is in its canonical slot (`v128`: a v128 value). */
  pushTemp(v128 = false): void {
    this.#push(TEMP, 0, 0, false, v128);
  }

  /** Pushes a reference to local `x` (`v128`: a v128 local). */
  pushLocal(x: number, v128 = false): void {
    this.#pushRef(LOCAL, x, 0, v128);
  }

  /** Pushes `local x + imm` (an i32 sum, wrapping) that no code has computed yet. */
  pushAddr(x: number, imm: number): void {
    this.#pushRef(ADDR, x, imm, false);
  }

  #pushRef(kind: number, x: number, imm: number, v128: boolean): void {
    const p = this.height;
    // Prune stale heads first, while `p` itself is still above the stack (so a stale `p` in
    // the chain cannot be mistaken for the new entry).
    let head = this.#localHead[x]!;
    while (head >= 0 && !this.#isRef(head, x)) head = this.#prev[head]!;
    this.#push(kind, x, imm, false, v128);
    this.#prev[p] = head;
    this.#localHead[x] = p;
  }

  /** Pushes a constant (`hi` and `wide` for 64-bit ones). */
  pushConst(lo: number, hi: number, wide: boolean): void {
    this.#push(CONST, lo, hi, wide, false);
  }

  /** Removes the top entry. */
  pop(): void {
    const p = --this.height;
    const kind = this.kind[p];
    if (kind === LOCAL || kind === ADDR) {
      const x = this.val[p]!;
      if (this.#localHead[x] === p) this.#localHead[x] = this.#prev[p]!;
    }
    if (p < this.#noLocalBelow) this.#noLocalBelow = p;
  }

  /** Pops until `height` entries remain. */
  truncate(height: number): void {
    while (this.height > height) this.pop();
  }

  /** Marks the entry at `p` as being in its canonical slot (after the translator copied it). */
  setTemp(p: number): void {
    this.kind[p] = TEMP;
  }

  /**
   * Writes into `out` the positions of the entries that refer to local `x`, forgets them (the
   * caller materialises them before writing `x`) and returns how many there are; `out` beyond
   * them is stale. (Emptying `out` with `length = 0` instead cost a tenth of translating
   * SQLite: V8 sets an array's length on a slow path.)
   */
  takeLocalRefs(x: number, out: number[]): number {
    let n = 0;
    let p = this.#localHead[x]!;
    while (p >= 0) {
      if (this.#isRef(p, x)) out[n++] = p;
      p = this.#prev[p]!;
    }
    this.#localHead[x] = -1;
    return n;
  }

  /**
   * Writes into `out` the positions of every `LOCAL` and `ADDR` entry, forgets them (the caller
   * materialises them at a control-flow boundary) and returns how many there are, as
   * `takeLocalRefs`. Amortised: positions are scanned only once between two calls unless popped
   * and pushed again.
   */
  takeAllLocalRefs(out: number[]): number {
    let n = 0;
    for (let p = this.#noLocalBelow; p < this.height; p++) {
      const kind = this.kind[p];
      if (kind === LOCAL || kind === ADDR) {
        out[n++] = p;
        this.#localHead[this.val[p]!] = -1;
      }
    }
    this.#noLocalBelow = this.height;
    return n;
  }

  #grow(): void {
    const room = this.kind.length * 2;
    const kind = new Uint8Array(room);
    kind.set(this.kind);
    this.kind = kind;
    const val = new Float64Array(room);
    val.set(this.val);
    this.val = val;
    const hi = new Float64Array(room);
    hi.set(this.hi);
    this.hi = hi;
    const prev = new Int32Array(room);
    prev.set(this.#prev);
    this.#prev = prev;
    const wide = new Uint8Array(room);
    wide.set(this.wide);
    this.wide = wide;
    const v128 = new Uint8Array(room);
    v128.set(this.v128);
    this.v128 = v128;
  }

  #isRef(p: number, x: number): boolean {
    const kind = this.kind[p];
    return p < this.height && (kind === LOCAL || kind === ADDR) && this.val[p] === x;
  }

  #push(kind: number, val: number, hi: number, wide: boolean, v128: boolean): void {
    const p = this.height++;
    if (p === this.kind.length) this.#grow();
    this.kind[p] = kind;
    this.val[p] = val;
    this.hi[p] = hi;
    this.wide[p] = wide ? 1 : 0;
    this.v128[p] = v128 ? 1 : 0;
    if (this.height > this.maxHeight) this.maxHeight = this.height;
  }
}
