/**
 * Test toolkit: LEB128 and hand-built module bytes, for what wabt refuses to write (malformed or
 * invalid encodings) and for tests that pin exact offsets.
 *
 * @module
 */

/** The magic number and version. */
export const HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Value type codes. */
export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70 } as const;

/** `n` (a non-negative integer up to 2^53) as unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** `n` as signed LEB128 (any size: `i32.const` / `i64.const` immediates). */
export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A name: its UTF-8 length and bytes. */
export function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** A vector: its count and the concatenated items. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...u32(items.length), ...items.flat()];
}

/** A section with its id and size. */
export function section(id: number, content: readonly number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

/** A function body with its size: local groups `[count, type]` and the instruction bytes. */
export function body(locals: readonly (readonly number[])[], code: readonly number[]): number[] {
  const content = [...vec(locals), ...code];
  return [...u32(content.length), ...content];
}

/** A module: the header followed by `parts`. */
export function mod(...parts: readonly (readonly number[])[]): Uint8Array {
  return new Uint8Array([...HEADER, ...parts.flat()]);
}

/** Type section with one `[] -> []` function type. */
export const TYPE_VOID: readonly number[] = section(1, vec([[0x60, 0x00, 0x00]]));
/** Function section declaring one function of type 0. */
export const FUNC_ONE: readonly number[] = section(3, vec([[0x00]]));
/** Memory section with one memory `{min 1}`. */
export const MEMORY_ONE: readonly number[] = section(5, vec([[0x00, 0x01]]));

/** A module with one `[] -> []` function whose body is `code` (which must include its `end`). */
export function funcModule(
  code: readonly number[],
  ...extra: readonly (readonly number[])[]
): Uint8Array {
  return mod(TYPE_VOID, FUNC_ONE, MEMORY_ONE, ...extra, section(10, vec([body([], code)])));
}

/** What `bodyModule` puts around a function body. */
export interface BodyOptions {
  readonly params?: readonly number[];
  readonly results?: readonly number[];
  /** Add a one-page memory. */
  readonly memory?: boolean;
}

/**
 * A module with one function of the given type whose code is `code` (without the final `end`,
 * which is added) and no locals.
 */
export function bodyModule(code: readonly number[], options: BodyOptions = {}): Uint8Array {
  const params = options.params ?? [];
  const results = options.results ?? [];
  return mod(
    section(1, vec([[0x60, ...u32(params.length), ...params, ...u32(results.length), ...results]])),
    section(3, vec([[0x00]])),
    options.memory ? MEMORY_ONE : [],
    section(10, vec([body([], [...code, 0x0b])])),
  );
}

/** `bytes` with a custom section `name` holding `data` appended. */
export function withCustomSection(bytes: Uint8Array, name: string, data: Uint8Array): Uint8Array {
  return new Uint8Array([...bytes, ...section(0, [...str(name), ...data])]);
}
