/**
 * The WebIDL conversions the JS API's interfaces use, written out: `[EnforceRange] unsigned
 * long`, dictionaries, enums, `BufferSource` copies, and the property shapes of interfaces and
 * namespaces.
 *
 * @module
 */

/** Whether `x` is an ECMAScript Object (what a WebIDL dictionary or `object` accepts). */
export function isObject(x: unknown): x is Record<PropertyKey, unknown> {
  return (typeof x === "object" && x !== null) || typeof x === "function";
}

/** ToNumber: throws a TypeError for BigInts and Symbols, as the spec's operation does. */
export function toNumber(x: unknown): number {
  return +(x as number);
}

/** `[EnforceRange] unsigned long`: a finite number in 0..2^32-1, truncated; else TypeError. */
export function enforceU32(x: unknown, what: string): number {
  const n = toNumber(x);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number, got ${n}`);
  const t = Math.trunc(n) + 0; // + 0 turns -0 into 0
  if (t < 0 || t > 0xffff_ffff) {
    throw new TypeError(`${what} must be in the range 0 to 2^32-1, got ${t}`);
  }
  return t;
}

/**
 * The dictionary `x` as an object to read members from: `undefined` and `null` are the empty
 * dictionary; any other non-object is a TypeError.
 */
export function dictionary(x: unknown, what: string): Record<PropertyKey, unknown> {
  if (x === undefined || x === null) return {};
  if (!isObject(x)) throw new TypeError(`${what} must be an object`);
  return x;
}

/** An enum value: ToString, then one of `values`; else TypeError. */
export function enumValue<T extends string>(x: unknown, values: readonly T[], what: string): T {
  const s = toStringStrict(x);
  if (!(values as readonly string[]).includes(s)) {
    throw new TypeError(`${what} must be one of ${values.map((v) => `"${v}"`).join(", ")}`);
  }
  return s as T;
}

/** ToString: throws a TypeError for Symbols. */
export function toStringStrict(x: unknown): string {
  if (typeof x === "symbol") throw new TypeError("Cannot convert a Symbol to a string");
  return `${x}`;
}

const byteLengthOf = (() => {
  const get = (ctor: unknown): ((this: unknown) => number) | undefined =>
    typeof ctor === "function"
      ? Object.getOwnPropertyDescriptor(ctor.prototype, "byteLength")?.get as
        | ((this: unknown) => number)
        | undefined
      : undefined;
  const plain = get(ArrayBuffer);
  const shared = get((globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer);
  /** The byte length of an (optionally shared) ArrayBuffer, or -1 for anything else. */
  return (x: unknown): number => {
    for (const getter of [plain, shared]) {
      if (getter === undefined) continue;
      try {
        return getter.call(x);
      } catch {
        // Not this kind of buffer.
      }
    }
    return -1;
  };
})();

/**
 * A copy of the bytes of a `BufferSource` (an ArrayBuffer, a SharedArrayBuffer, resizable or not,
 * or a view of one), as the JS API takes them; anything else is a TypeError.
 */
export function copyBufferSource(x: unknown, what: string): Uint8Array {
  if (ArrayBuffer.isView(x)) {
    return new Uint8Array(x.buffer, x.byteOffset, x.byteLength).slice();
  }
  const length = byteLengthOf(x);
  if (length < 0) throw new TypeError(`${what} must be an ArrayBuffer or a view of one`);
  return new Uint8Array(x as ArrayBuffer, 0, length).slice();
}

/**
 * Gives a class the property shapes of a WebIDL interface: its `name` and `length` (set here, as
 * bundlers may rename a class and ES5 lowering counts defaulted parameters), a read-only
 * `prototype`, operations and attributes enumerable (static ones too), and `Symbol.toStringTag`
 * on the prototype.
 */
export function webidlInterface(
  ctor: { prototype: object },
  name: string,
  length: number,
  tag: string | null,
): void {
  Object.defineProperty(ctor, "name", { value: name });
  Object.defineProperty(ctor, "length", { value: length });
  Object.defineProperty(ctor, "prototype", { writable: false });
  Object.defineProperty(ctor.prototype, "constructor", { enumerable: false });
  for (const target of [ctor, ctor.prototype]) {
    for (const key of Object.getOwnPropertyNames(target)) {
      if (key === "constructor") continue;
      if (target === ctor && (key === "prototype" || key === "length" || key === "name")) continue;
      // Names again: ES5 lowering makes methods anonymous functions.
      const desc = Object.getOwnPropertyDescriptor(target, key)!;
      if (typeof desc.value === "function") {
        Object.defineProperty(desc.value, "name", { value: key });
      }
      if (desc.get !== undefined) Object.defineProperty(desc.get, "name", { value: `get ${key}` });
      if (desc.set !== undefined) Object.defineProperty(desc.set, "name", { value: `set ${key}` });
      Object.defineProperty(target, key, { enumerable: true });
    }
  }
  if (tag !== null) {
    Object.defineProperty(ctor.prototype, Symbol.toStringTag, {
      value: tag,
      writable: false,
      enumerable: false,
      configurable: true,
    });
  }
}

/** Sets a function's `name` and `length` (both read-only, configurable, as on built-ins). */
export function nameFunction<F extends (...args: never[]) => unknown>(
  fn: F,
  name: string,
  length: number,
): F {
  Object.defineProperty(fn, "name", { value: name });
  Object.defineProperty(fn, "length", { value: length });
  return fn;
}
