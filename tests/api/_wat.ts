/**
 * Kept only for `tests/engine/simd_exec_test.ts`, which is being converted separately: the
 * toolkit lives in `tests/_lib/`. Remove this file once nothing imports it.
 */
import { wat as watText, type WatOptions } from "../_lib/wabt.ts";

/** WAT to bytes with every proposal wabt knows accepted (the engine's switches still apply). */
export function wat(text: string, options: WatOptions = {}): Uint8Array {
  return watText(text, { ...options, proposals: true });
}
