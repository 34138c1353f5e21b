/**
 * Kept only for `tests/engine/simd_exec_test.ts`, which is being converted separately: the
 * toolkit lives in `tests/_lib/`. Remove this file once nothing imports it.
 */
export { wat } from "../_lib/wabt.ts";
