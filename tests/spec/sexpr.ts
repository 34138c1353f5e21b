/**
 * S-expression reader for `.wast` scripts.
 *
 * Reads raw bytes rather than a decoded string: `.wast` strings are byte strings (`\hh` escapes
 * build binary modules and non-UTF-8 names), and byte offsets let a `(module ...)` form be handed
 * verbatim to wabt.
 *
 * @module
 */

/** A bare token: keyword, number, `$id`, `offset=4`, ... */
export interface SAtom {
  readonly kind: "atom";
  /** The token's text. */
  readonly text: string;
  /** 1-based source line. */
  readonly line: number;
}

/** A string literal, escapes resolved. */
export interface SString {
  readonly kind: "string";
  /** The string's bytes: what `\hh` escapes and UTF-8 characters spell. */
  readonly bytes: Uint8Array;
  /** The bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
  readonly text: string;
  /** 1-based source line. */
  readonly line: number;
}

/** A parenthesised list, with the span of its exact source text. */
export interface SList {
  readonly kind: "list";
  readonly items: readonly SExpr[];
  /** 1-based line of the opening parenthesis. */
  readonly line: number;
  /** 1-based line of the closing parenthesis. */
  readonly endLine: number;
  /** Byte offset of the opening parenthesis. */
  readonly start: number;
  /** Byte offset just past the closing parenthesis. */
  readonly end: number;
}

/** Any S-expression. */
export type SExpr = SAtom | SString | SList;

/** A syntax error in the S-expression layer (unbalanced parentheses, bad escape, ...). */
export class SExprError extends Error {
  override name = "SExprError";
  /**
   * @param message what is wrong
   * @param line 1-based line where it was found
   */
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
  }
}

// ignoreBOM: the testsuite has an export named U+FEFF, which a default decoder would strip.
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8Encoder = new TextEncoder();

const LPAREN = 0x28;
const RPAREN = 0x29;
const SEMI = 0x3b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** Whitespace as the text format defines it: space, tab, newline, carriage return. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === NEWLINE || byte === 0x0d;
}

/** Bytes that end an atom. */
function endsAtom(byte: number): boolean {
  return isSpace(byte) || byte === LPAREN || byte === RPAREN || byte === QUOTE || byte === SEMI;
}

function hexDigitValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** A cursor over the source bytes that tracks the current line. */
class Reader {
  pos = 0;
  line = 1;

  constructor(readonly src: Uint8Array) {}

  /** Skips whitespace, `;;` line comments and nested `(; ;)` block comments. */
  skipTrivia(): void {
    const src = this.src;
    while (this.pos < src.length) {
      const byte = src[this.pos];
      if (isSpace(byte)) {
        if (byte === NEWLINE) this.line++;
        this.pos++;
      } else if (byte === SEMI && src[this.pos + 1] === SEMI) {
        while (this.pos < src.length && src[this.pos] !== NEWLINE) this.pos++;
      } else if (byte === LPAREN && src[this.pos + 1] === SEMI) {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  /** Skips one block comment (the cursor is at its `(;`), including nested ones. */
  skipBlockComment(): void {
    const src = this.src;
    const startLine = this.line;
    let depth = 0;
    while (this.pos < src.length) {
      const byte = src[this.pos];
      if (byte === LPAREN && src[this.pos + 1] === SEMI) {
        depth++;
        this.pos += 2;
      } else if (byte === SEMI && src[this.pos + 1] === RPAREN) {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        if (byte === NEWLINE) this.line++;
        this.pos++;
      }
    }
    throw new SExprError("unterminated block comment", startLine);
  }

  /** Reads the expression at the cursor (trivia already skipped). */
  readExpr(): SExpr {
    const byte = this.src[this.pos];
    if (byte === LPAREN) return this.readList();
    if (byte === RPAREN) throw new SExprError("unexpected ')'", this.line);
    if (byte === QUOTE) return this.readString();
    return this.readAtom();
  }

  readList(): SList {
    const start = this.pos;
    const line = this.line;
    this.pos++; // "("
    const items: SExpr[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.src.length) throw new SExprError("unclosed '('", line);
      if (this.src[this.pos] === RPAREN) break;
      items.push(this.readExpr());
    }
    this.pos++; // ")"
    return { kind: "list", items, line, endLine: this.line, start, end: this.pos };
  }

  readAtom(): SAtom {
    const start = this.pos;
    while (this.pos < this.src.length && !endsAtom(this.src[this.pos])) this.pos++;
    if (this.pos === start) this.pos++; // a lone ";" is a (malformed) one-byte token
    const text = utf8Decoder.decode(this.src.subarray(start, this.pos));
    return { kind: "atom", text, line: this.line };
  }

  readString(): SString {
    const line = this.line;
    const out: number[] = [];
    this.pos++; // opening quote
    for (;;) {
      if (this.pos >= this.src.length) throw new SExprError("unterminated string", line);
      const byte = this.src[this.pos++];
      if (byte === QUOTE) break;
      if (byte === NEWLINE) throw new SExprError("newline in string", this.line);
      if (byte === BACKSLASH) this.readEscape(out);
      else out.push(byte);
    }
    const bytes = Uint8Array.from(out);
    return { kind: "string", bytes, text: utf8Decoder.decode(bytes), line };
  }

  /** Appends the bytes of the escape after a backslash to `out`. */
  readEscape(out: number[]): void {
    const byte = this.src[this.pos++];
    switch (byte) {
      case 0x6e: // n
        out.push(0x0a);
        return;
      case 0x74: // t
        out.push(0x09);
        return;
      case 0x72: // r
        out.push(0x0d);
        return;
      case BACKSLASH:
      case 0x27: // '
      case QUOTE:
        out.push(byte);
        return;
      case 0x75: // u{...}
        out.push(...this.readUnicodeEscape());
        return;
    }
    const high = hexDigitValue(byte);
    const low = hexDigitValue(this.src[this.pos]);
    if (high < 0 || low < 0) throw new SExprError("bad escape in string", this.line);
    this.pos++;
    out.push(high * 16 + low);
  }

  /** Reads `{hex}` after `\u` and returns the code point's UTF-8 bytes. */
  readUnicodeEscape(): Uint8Array {
    if (this.src[this.pos] !== 0x7b) throw new SExprError("bad \\u escape", this.line);
    this.pos++;
    let codePoint = 0;
    let digits = 0;
    for (; this.src[this.pos] !== 0x7d; this.pos++) {
      const byte = this.src[this.pos];
      if (byte === 0x5f && digits > 0) continue; // "_" separates digits
      const digit = hexDigitValue(byte);
      if (digit < 0) throw new SExprError("bad \\u escape", this.line);
      codePoint = codePoint * 16 + digit;
      digits++;
      if (codePoint > 0x10ffff) throw new SExprError("\\u escape out of range", this.line);
    }
    this.pos++; // "}"
    if (digits === 0 || (codePoint >= 0xd800 && codePoint < 0xe000)) {
      throw new SExprError("bad \\u escape", this.line);
    }
    return utf8Encoder.encode(String.fromCodePoint(codePoint));
  }
}

/**
 * Reads every top-level S-expression of a source.
 *
 * @param source the script's bytes (a string is encoded as UTF-8 first)
 * @returns the top-level expressions in order
 * @throws {SExprError} on unbalanced parentheses, unterminated strings or comments, bad escapes
 */
export function readSExprs(source: Uint8Array | string): SExpr[] {
  const bytes = typeof source === "string" ? utf8Encoder.encode(source) : source;
  const reader = new Reader(bytes);
  const exprs: SExpr[] = [];
  for (;;) {
    reader.skipTrivia();
    if (reader.pos >= bytes.length) return exprs;
    exprs.push(reader.readExpr());
  }
}

/**
 * True if `text` is a complete `(module ...)` form (after any leading trivia), rather than a
 * sequence of module fields. A `(module quote ...)` body may be either.
 */
export function isWholeModule(text: string): boolean {
  let exprs: SExpr[];
  try {
    exprs = readSExprs(text);
  } catch {
    return false; // leave the error to the text parser
  }
  const first = exprs[0];
  return exprs.length === 1 && first.kind === "list" && isAtom(first.items[0], "module");
}

/** True if `expr` is the atom `text`. */
export function isAtom(expr: SExpr | undefined, text: string): boolean {
  return expr?.kind === "atom" && expr.text === text;
}
