/**
 * Clocks in nanoseconds, from `performance` (monotonic) and `Date` (wall clock), which every
 * runtime and browser has.
 *
 * @module
 */

/** Nanoseconds since an arbitrary start, never going backwards. */
export function monotonicNs(): bigint {
  return BigInt(Math.round(performance.now() * 1e6));
}

/** Nanoseconds since the Unix epoch (wall clock), with sub-millisecond precision where available. */
export function realtimeNs(): bigint {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
