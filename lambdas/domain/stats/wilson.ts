// Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998a, "Two-sided
// confidence intervals for the single proportion: comparison of seven methods", Statistics in
// Medicine 17:857–872, method 3, without continuity correction).
//
// The interval is the set of p whose score test |p̂ − p| / √(p(1−p)/n) ≤ z does not reject; solving
// the quadratic gives
//   (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
// It is never degenerate (0/n gives [0, u] with u > 0) and never leaves [0, 1].
import { zCritical } from './distributions.ts';
import { clamp, finiteIntervalOrNull, type Interval } from './finite.ts';

/** Wilson interval for the given z (two-sided critical value); null when n = 0. */
export function wilsonIntervalZ(successes: number, n: number, z: number): Interval | null {
  if (!(n > 0) || !(successes >= 0) || successes > n || !(z > 0)) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At the edges the formula gives 0 and 1 up to rounding: make them exact.
  const lower = successes === 0 ? 0 : clamp(center - half, 0, 1);
  const upper = successes === n ? 1 : clamp(center + half, 0, 1);
  return finiteIntervalOrNull(lower, upper);
}

/** Two-sided (1 − alpha) Wilson score interval for successes / n; null when n = 0. */
export function wilsonInterval(successes: number, n: number, alpha = 0.05): Interval | null {
  return wilsonIntervalZ(successes, n, zCritical(alpha));
}
