/**
 * Short names (`#1`, `#2`, ...) for reference values the REPL has printed, so that a funcref or
 * an externref seen in one result can be typed back as an argument later.
 *
 * @module
 */

/** Numbers the references it is shown, one number per distinct object. */
export class RefHandles {
  readonly #byValue = new Map<unknown, number>();
  readonly #byId: unknown[] = [undefined];

  /** The handle of `value`, numbering it on first sight. */
  handleOf(value: unknown): number {
    let id = this.#byValue.get(value);
    if (id === undefined) {
      id = this.#byId.length;
      this.#byId.push(value);
      this.#byValue.set(value, id);
    }
    return id;
  }

  /** Whether `id` names a reference seen before. */
  has(id: number): boolean {
    return Number.isInteger(id) && id > 0 && id < this.#byId.length;
  }

  /** The reference `id` names (check `has` first). */
  get(id: number): unknown {
    return this.#byId[id];
  }

  /** Forgets every handle (after `reset`). */
  clear(): void {
    this.#byValue.clear();
    this.#byId.length = 1;
  }
}
