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
  /** An atomic access at an address that is not a multiple of its size (threads). */
  UnalignedAtomic = 12,
  /** `memory.atomic.wait32/64` on a memory that is not shared (threads). */
  ExpectedSharedMemory = 13,
  /**
   * `memory.atomic.wait32/64` without a timeout found the expected value: with no other agent to
   * notify it, it would wait forever (see `engine/atomics.ts`).
   */
  WaitForever = 14,
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
  [TrapCode.UnalignedAtomic]: "unaligned atomic",
  [TrapCode.ExpectedSharedMemory]: "expected shared memory",
  [TrapCode.WaitForever]: "wait without timeout on a single thread would never wake",
};

/** One frame of a Wasm backtrace: the function index and, when known, its name. */
export interface BacktraceFrame {
  /** Index of the function in its module's function index space. */
  readonly funcIndex: number;
  /** The name from the module's name section, if it has one. */
  readonly name?: string;
}

/**
 * A Wasm trap: execution stopped and cannot continue.
 *
 * @example Catching a trap
 * ```ts
 * import { Trap, TrapCode } from "./trap.ts";
 * const trap = new Trap(TrapCode.IntegerDivisionByZero);
 * if (!(trap instanceof Error) || trap.code !== TrapCode.IntegerDivisionByZero) throw new Error();
 * ```
 */
export class Trap extends Error {
  /** The trap's code. */
  readonly code: TrapCode;
  /** The Wasm frames active when the trap happened, innermost first. */
  backtrace: BacktraceFrame[] = [];

  /**
   * Creates a trap; the engine throws these, embedders rarely need to.
   *
   * @param code why execution trapped
   * @param message overrides the spec message (used for host errors)
   * @param options `cause` carries a host function's original error
   */
  constructor(code: TrapCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? TRAP_MESSAGES[code], options);
    this.name = "Trap";
    this.code = code;
  }

  /** The code's name, e.g. `"IntegerDivisionByZero"`. */
  get codeName(): string {
    return TrapCode[this.code];
  }
}
