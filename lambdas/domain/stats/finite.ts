// The one guard between arithmetic and the outside world: a statistic is a finite number or null.
// Every public function of this folder passes its numbers through here, so that no NaN or
// ±Infinity ever reaches JSON (where it would silently become `null` or break a client).

/** The number itself when it is finite, otherwise null (NaN, ±Infinity, null, undefined). */
export function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** A closed interval [lower, upper]. */
export type Interval = [lower: number, upper: number];

/** The interval when both ends are finite and lower <= upper, otherwise null. */
export function finiteIntervalOrNull(lower: number | null | undefined, upper: number | null | undefined): Interval | null {
  const lo = finiteOrNull(lower);
  const hi = finiteOrNull(upper);
  if (lo === null || hi === null || lo > hi) return null;
  return [lo, hi];
}

/** x limited to [lo, hi]; NaN stays NaN (finiteOrNull turns it into null later). */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
