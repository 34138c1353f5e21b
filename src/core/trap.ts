/**
 * Trap codes and the `Trap` error.
 *
 * One table holds every trap the engine can raise, with the message the official spec testsuite
 * expects in `assert_trap` / `assert_exhaustion` commands.
 *
 * @module
 */

/** Why a Wasm execution trapped. Mirrors wasmi's `TrapCode`. */
export enum TrapCode {
  UnreachableCodeReached = 0,
  MemoryOutOfBounds = 1,
  TableOutOfBounds = 2,
  IndirectCallToNull = 3,
  IntegerDivisionByZero = 4,
  IntegerOverflow = 5,
  BadConversionToInteger = 6,
  StackOverflow = 7,
  BadSignature = 8,
  OutOfFuel = 9,
  GrowthOperationLimited = 10,
  /** A trap raised by a host function (its error is kept as `cause`). */
  HostError = 11,
  /** `throw_ref` of a null `exnref` (exception handling). */
  NullExnReference = 12,
  /** An atomic access at an address that is not a multiple of its size (threads). */
  UnalignedAtomic = 13,
  /** `memory.atomic.wait32/64` on a memory that is not shared (threads). */
  ExpectedSharedMemory = 14,
  /**
   * `memory.atomic.wait32/64` without a timeout found the expected value: with no other agent to
   * notify it, it would wait forever (see `engine/atomics.ts`).
   */
  WaitForever = 15,
  /** `struct.get` / `struct.set` of a null reference (GC). */
  NullStructReference = 16,
  /** An `array.*` instruction on a null reference (GC). */
  NullArrayReference = 17,
  /** An array index or range past the array's length (GC). */
  ArrayOutOfBounds = 18,
  /** `ref.cast` of a reference not in the target type (GC). */
  CastFailure = 19,
  /** `i31.get_s` / `i31.get_u` of a null reference (GC). */
  NullI31Reference = 20,
  /** An `array.new*` of more elements than the engine allows (GC; see `MAX_ARRAY_LENGTH`). */
  AllocationTooLarge = 21,
  /** `ref.as_non_null` of a null reference (typed function references). */
  NullReference = 22,
  /** `call_ref` or `return_call_ref` of a null function reference. */
  NullFunctionReference = 23,
}

/**
 * The spec testsuite's message for each trap code. `call_indirect` words two of them as the
 * spec does, with the element in view: an index past the table's end traps with code
 * `TableOutOfBounds` and message "undefined element", a null element with
 * `IndirectCallToNull` and "uninitialized element N" (N the index).
 */
export const TRAP_MESSAGES: Readonly<Record<TrapCode, string>> = {
  [TrapCode.UnreachableCodeReached]: "unreachable",
  [TrapCode.MemoryOutOfBounds]: "out of bounds memory access",
  [TrapCode.TableOutOfBounds]: "out of bounds table access",
  [TrapCode.IndirectCallToNull]: "uninitialized element",
  [TrapCode.IntegerDivisionByZero]: "integer divide by zero",
  [TrapCode.IntegerOverflow]: "integer overflow",
  [TrapCode.BadConversionToInteger]: "invalid conversion to integer",
  [TrapCode.StackOverflow]: "call stack exhausted",
  [TrapCode.BadSignature]: "indirect call type mismatch",
  [TrapCode.OutOfFuel]: "all fuel consumed",
  [TrapCode.GrowthOperationLimited]: "growth operation limited",
  [TrapCode.HostError]: "host error",
  [TrapCode.NullExnReference]: "null exception reference",
  [TrapCode.UnalignedAtomic]: "unaligned atomic",
  [TrapCode.ExpectedSharedMemory]: "expected shared memory",
  [TrapCode.WaitForever]: "wait without timeout on a single thread would never wake",
  [TrapCode.NullStructReference]: "null structure reference",
  [TrapCode.NullArrayReference]: "null array reference",
  [TrapCode.ArrayOutOfBounds]: "out of bounds array access",
  [TrapCode.CastFailure]: "cast failure",
  [TrapCode.NullI31Reference]: "null i31 reference",
  [TrapCode.AllocationTooLarge]: "allocation too large",
  [TrapCode.NullReference]: "null reference",
  [TrapCode.NullFunctionReference]: "null function reference",
};

/**
 * One entry of a Wasm backtrace: a function and, when it is on the stack several times in a row,
 * how many (a recursion of 16,384 calls of one function is one entry with `count` 16384).
 */
export interface BacktraceFrame {
  /** Index of the function in its module's function index space. */
  readonly funcIndex: number;
  /** The name from the module's name section, else the name it is exported under, if any. */
  readonly name?: string;
  /** How many consecutive frames of this function the entry stands for; absent for one. */
  readonly count?: number;
}

/** The most entries `Trap.backtrace` keeps; frames beyond them are counted in `hiddenFrames`. */
export const BACKTRACE_LIMIT = 64;

/** A `BacktraceFrame` the trap may still extend while the stack is unwound. */
type OpenFrame = { funcIndex: number; name?: string; count?: number };

/**
 * A Wasm trap: execution stopped and cannot continue.
 *
 * @example Catching a trap
 * ```ts
 * import { Trap, TrapCode } from "./trap.ts";
 * const trap = new Trap(TrapCode.IntegerDivisionByZero);
 * if (!(trap instanceof Error) || trap.code !== TrapCode.IntegerDivisionByZero) throw new Error();
 * ```
 *
 * @example Reading a backtrace: repeated frames are collapsed
 * ```ts
 * import { Trap, TrapCode } from "./trap.ts";
 * const trap = new Trap(TrapCode.StackOverflow);
 * for (let i = 0; i < 16384; i++) trap.addFrame(4, "rec");
 * trap.addFrame(0, "main");
 * const lines = trap.backtraceLines();
 * if (lines.join("|") !== "at func 4 rec (x16,384)|at func 0 main") throw new Error(lines.join("|"));
 * ```
 */
export class Trap extends Error {
  /** The trap's code. */
  readonly code: TrapCode;
  /**
   * The Wasm frames active when the trap happened, innermost first, consecutive frames of one
   * function collapsed into one entry; at most `BACKTRACE_LIMIT` entries.
   */
  readonly backtrace: readonly BacktraceFrame[] = [];
  /** How many frames did not fit in `backtrace` (the outermost ones). */
  hiddenFrames = 0;

  /**
   * Creates a trap; the engine throws these, embedders rarely need to.
   *
   * @param code why execution trapped
   * @param message overrides the spec message (used for host errors)
   * @param options `cause` carries a host function's original error
   */
  constructor(code: TrapCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? TRAP_MESSAGES[code], options);
    // Keeps `instanceof` working in ES5-compiled builds (see `WasmError`).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "Trap";
    this.code = code;
  }

  /** The code's name, e.g. `"IntegerDivisionByZero"`. */
  get codeName(): string {
    return TrapCode[this.code];
  }

  /**
   * Appends the next outer frame while the stack is unwound (the engine calls this). It
   * allocates only when the function changes and never recurses, so it is safe to call from a
   * handler of a JS stack overflow.
   *
   * @param funcIndex the function's index in its module
   * @param name its name, if known
   */
  addFrame(funcIndex: number, name?: string): void {
    const frames = this.backtrace as OpenFrame[];
    const last = frames[frames.length - 1];
    if (this.hiddenFrames > 0) {
      this.hiddenFrames++; // the kept entries are final once one frame was hidden
    } else if (last !== undefined && last.funcIndex === funcIndex && last.name === name) {
      last.count = (last.count ?? 1) + 1;
    } else if (frames.length >= BACKTRACE_LIMIT) {
      this.hiddenFrames++;
    } else {
      frames.push(name === undefined ? { funcIndex } : { funcIndex, name });
    }
  }

  /**
   * The backtrace as text, one line per entry: `at func 4 rec (x16,384)`, then
   * `... 12 more frames` when some are hidden.
   */
  backtraceLines(): string[] {
    const lines: string[] = [];
    for (const frame of this.backtrace) lines.push(formatFrame(frame));
    if (this.hiddenFrames > 0) {
      lines.push(
        `... ${groupDigits(this.hiddenFrames)} more frame${this.hiddenFrames === 1 ? "" : "s"}`,
      );
    }
    return lines;
  }
}

/**
 * One backtrace entry as text: `at func 4`, `at func 4 rec`, `at func 4 rec (x16,384)`.
 *
 * @example
 * ```ts
 * import { formatFrame } from "./trap.ts";
 * if (formatFrame({ funcIndex: 4, name: "rec", count: 3 }) !== "at func 4 rec (x3)") throw new Error();
 * ```
 */
export function formatFrame(frame: BacktraceFrame): string {
  const name = frame.name === undefined ? "" : ` ${frame.name}`;
  const count = frame.count !== undefined && frame.count > 1
    ? ` (x${groupDigits(frame.count)})`
    : "";
  return `at func ${frame.funcIndex}${name}${count}`;
}

/** `16384` as `"16,384"` (no locale lookup: the same text on every host). */
function groupDigits(n: number): string {
  const digits = String(n);
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}
