// Typed access to the distributions of @stdlib (no special function in this folder is written by
// hand). Each wrapper takes the standard parameterisation and returns what stdlib returns; callers
// guard the result with finiteOrNull.
import betalnImpl from '@stdlib/math-base-special-betaln';
import betaCdfImpl from '@stdlib/stats-base-dists-beta-cdf';
import betaPdfImpl from '@stdlib/stats-base-dists-beta-pdf';
import chiSquareCdfImpl from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return normalCdfImpl(x, 0, 1);
}

/** Φ⁻¹(p), the standard normal quantile. */
export function normalQuantile(p: number): number {
  return normalQuantileImpl(p, 0, 1);
}

/** Two-sided critical value z such that P(|Z| > z) = alpha. */
export function zCritical(alpha: number): number {
  return normalQuantile(1 - alpha / 2);
}

/** Two-sided p-value of a standard normal statistic: 2·Φ(−|z|) (accurate in the far tail). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** CDF of Student's t with df degrees of freedom (df may be fractional). */
export function tCdf(x: number, df: number): number {
  return tCdfImpl(x, df);
}

/** Quantile of Student's t with df degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return tQuantileImpl(p, df);
}

/** Two-sided p-value of a t statistic: 2·F(−|t|; df). */
export function twoSidedTP(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** CDF of the chi-square distribution with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  return chiSquareCdfImpl(x, k);
}

/** Upper tail P(X > x) of the chi-square distribution with k degrees of freedom. */
export function chiSquareSurvival(x: number, k: number): number {
  return Math.max(0, 1 - chiSquareCdf(x, k));
}

/** CDF of Beta(a, b) at x. */
export function betaCdf(x: number, a: number, b: number): number {
  return betaCdfImpl(x, a, b);
}

/** Density of Beta(a, b) at x. */
export function betaPdf(x: number, a: number, b: number): number {
  return betaPdfImpl(x, a, b);
}

/** ln B(a, b), the natural logarithm of the beta function. */
export function betaln(a: number, b: number): number {
  return betalnImpl(a, b);
}
