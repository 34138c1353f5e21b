/**
 * A cursor over the bytes of a module: LEB128 integers, floats as bit patterns, names.
 *
 * Every read checks its bounds against `end` and throws `DecodeError` with the spec's wording,
 * so no malformed input can surface as a JS `RangeError` or read past a section.
 *
 * @module
 */

import { DecodeError } from "../core/errors.ts";
import { decodeUtf8 } from "../core/utf8.ts";

/** Reads primitive values from `bytes[pos..end)`. */
export class BinaryReader {
  /** The whole module (offsets in errors are offsets into it). */
  readonly bytes: Uint8Array;
  /** Next byte to read. */
  pos: number;
  /** One past the last readable byte (the end of the current section or body). */
  end: number;
  /** High 32 bits of the last `s64()` (its low bits are returned). */
  hi = 0;
  /** Low 32 bits of the last `u64()`. */
  lo = 0;
  /**
   * Message of the error thrown when a read runs past `end`. The module decoder switches it to
   * the spec's "unexpected end of section or function" while inside a section's content.
   */
  eofMessage = "unexpected end";

  /**
   * @param bytes the module
   * @param pos first byte to read
   * @param end one past the last byte to read
   */
  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Whether every byte up to `end` has been read. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws a `DecodeError` at `offset` (the current position by default). */
  fail(message: string, offset: number = this.pos): never {
    throw new DecodeError(message, offset);
  }

  /** One byte. */
  u8(): number {
    if (this.pos >= this.end) this.fail(this.eofMessage);
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    // One byte (most indices, counts and sizes) without the loop.
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.#u32Long();
  }

  /** `u32` of two bytes or more (or past the end: it throws). */
  #u32Long(): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0;; shift += 7) {
      const b = this.u8();
      if (shift === 28) {
        // The fifth byte holds the top 4 bits: any other payload bit does not fit, and a
        // continuation bit is an over-long encoding (checked in that order, as the spec
        // interpreter does, so the testsuite's messages match).
        if (b & 0x70) this.fail("integer too large", start);
        if (b & 0x80) this.fail("integer representation too long", start);
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
    }
  }

  /** Signed LEB128, at most 32 bits. */
  s32(): number {
    // One byte (most constants) without the loop: bit 6 is the sign.
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return (b << 25) >> 25;
      }
    }
    return this.#s32Long();
  }

  /** `s32` of two bytes or more (or past the end: it throws). */
  #s32Long(): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0;; shift += 7) {
      const b = this.u8();
      if (shift === 28) {
        // Bits 4..6 of the last byte must repeat the sign bit (bit 3).
        const high = b & 0x78;
        if (high !== 0 && high !== 0x78) this.fail("integer too large", start);
        if (b & 0x80) this.fail("integer representation too long", start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        const used = shift + 7;
        return used >= 32 ? result : (result << (32 - used)) >> (32 - used);
      }
    }
  }

  /**
   * Signed LEB128 of 33 bits, as used by block types: returns a number in [-2^32, 2^32).
   */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0;; i++) {
      const b = this.u8();
      if (i === 4) {
        // 33 bits = 4*7 + 5: bits 5..6 of the last byte must repeat the sign bit (bit 4).
        const high = b & 0x60;
        const sign = b & 0x10;
        if ((sign === 0 && high !== 0) || (sign !== 0 && high !== 0x60)) {
          this.fail("integer too large", start);
        }
        if (b & 0x80) this.fail("integer representation too long", start);
        result += (b & 0x1f) * mul;
        return sign ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return (b & 0x40) ? result - mul : result;
    }
  }

  /**
   * Signed LEB128 of 64 bits without BigInt: returns the low 32 bits (signed) and leaves the high
   * 32 bits in `this.hi`.
   */
  s64(): number {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0;; shift += 7) {
      const b = this.u8();
      const bits = b & 0x7f;
      if (shift === 63) {
        // Only bit 0 is payload (bit 63); the other six must repeat it.
        if (bits !== 0 && bits !== 0x7f) this.fail("integer too large", start);
        if (b & 0x80) this.fail("integer representation too long", start);
        hi |= bits << 31;
        this.hi = hi;
        return lo;
      }
      if (shift < 28) {
        lo |= bits << shift;
      } else if (shift === 28) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else {
        hi |= bits << (shift - 32);
      }
      if ((b & 0x80) === 0) {
        if (b & 0x40) {
          // Sign-extend from bit shift+6.
          const top = shift + 7;
          if (top < 32) {
            lo |= -1 << top;
            hi = -1;
          } else if (top < 64) {
            hi |= -1 << (top - 32);
          }
        }
        this.hi = hi;
        return lo;
      }
    }
  }

  /**
   * Unsigned LEB128 of 64 bits, as a number (exact below 2^53; larger values are rounded, which
   * only limits and memory offsets read, and only compare). The high 32 bits are left in `hi`
   * and the low 32 bits in `lo`, exactly.
   */
  u64(): number {
    // One byte (most memarg offsets: memory64 is on by default, so every memarg's offset is
    // read here) without the loop.
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        this.hi = 0;
        this.lo = b;
        return b;
      }
    }
    return this.#u64Long();
  }

  /** `u64` of two bytes or more (or past the end: it throws). */
  #u64Long(): number {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0;; shift += 7) {
      const b = this.u8();
      const bits = b & 0x7f;
      if (shift === 63) {
        // Only bit 0 is payload (bit 63).
        if (bits > 1) this.fail("integer too large", start);
        if (b & 0x80) this.fail("integer representation too long", start);
        hi |= bits << 31;
        break;
      }
      if (shift < 28) {
        lo |= bits << shift;
      } else if (shift === 28) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else {
        hi |= bits << (shift - 32);
      }
      if ((b & 0x80) === 0) break;
    }
    this.hi = hi;
    this.lo = lo;
    return (hi >>> 0) * 4294967296 + (lo >>> 0);
  }

  /** Four bytes, little endian, as a signed 32-bit integer (an f32's bit pattern). */
  i32le(): number {
    if (this.end - this.pos < 4) this.fail(this.eofMessage, this.end);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
  }

  /** `n` raw bytes, as a view (not a copy). */
  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(this.eofMessage, this.end);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /**
   * A vector length or byte size. Every element takes at least `minElemSize` bytes, so a count
   * larger than the bytes left is malformed: checking here stops a forged length from
   * allocating.
   *
   * As in the spec interpreter, the bytes left are counted from the length's own first byte, so
   * a length that fits that budget but not the bytes after it fails later with
   * `eofMessage` (the testsuite tells the two cases apart).
   */
  vecLen(minElemSize = 1): number {
    const start = this.pos;
    const n = this.u32();
    if (n * minElemSize > this.end - start) this.fail("length out of bounds", start);
    return n;
  }

  /** A name: a byte vector that must be valid UTF-8. */
  name(): string {
    const start = this.pos;
    const len = this.vecLen();
    const bytes = this.take(len);
    return decodeUtf8(bytes) ?? this.fail("malformed UTF-8 encoding", start);
  }
}
