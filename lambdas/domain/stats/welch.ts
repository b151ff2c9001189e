// Welch's unequal-variances t-test for a per-user metric (e.g. revenue per user), from the
// sufficient statistics (users, Σx, Σx²) of each arm (Welch 1947; Satterthwaite 1946; NIST/SEMATECH
// e-Handbook of Statistical Methods §1.3.5.3):
//   mean = Σx/n,  s² = (Σx² − n·mean²)/(n − 1),
//   se² = sA²/nA + sB²/nB,  t = (meanB − meanA)/se,
//   df = se⁴ / ((sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1))   (Welch–Satterthwaite),
//   p = 2·F_t(−|t|; df),  CI = (meanB − meanA) ± t_{1−α/2; df}·se.
// The difference is "variant minus control". s² is clamped at 0 against rounding (Σx² − n·mean²
// can come out a hair below 0 for a constant metric). Working from sums, s² carries a relative
// rounding error of about 1e-16·mean²/s²: negligible for money-like metrics (mean/sd below 10⁴),
// but a metric with a huge constant offset should be centred before it is summed.
//
// Degenerate cases: an empty arm → no mean; fewer than two users in an arm → no variance, so no
// test (difference only); both variances 0 → se = 0, no test (difference only).
import { tQuantile, twoSidedTP } from './distributions.ts';
import { finiteIntervalOrNull, finiteOrNull, type Interval } from './finite.ts';

export interface MomentSums {
  users: number;
  sum: number;
  sumSquares: number;
}

export interface WelchResult {
  controlMean: number | null;
  variantMean: number | null;
  /** variantMean − controlMean; null when either arm is empty. */
  difference: number | null;
  differenceCi: Interval | null;
  t: number | null;
  df: number | null;
  pValue: number | null;
}

export function meanOf(m: MomentSums): number | null {
  return m.users > 0 ? finiteOrNull(m.sum / m.users) : null;
}

/** Unbiased sample variance from the sums; null for fewer than two users. */
export function varianceOf(m: MomentSums): number | null {
  if (!(m.users >= 2)) return null;
  const mean = m.sum / m.users;
  return finiteOrNull(Math.max(0, (m.sumSquares - m.users * mean * mean) / (m.users - 1)));
}

export function welchTTest(control: MomentSums, variant: MomentSums, alpha = 0.05): WelchResult {
  const controlMean = meanOf(control);
  const variantMean = meanOf(variant);
  const difference = controlMean === null || variantMean === null ? null : finiteOrNull(variantMean - controlMean);
  const result: WelchResult = { controlMean, variantMean, difference, differenceCi: null, t: null, df: null, pValue: null };
  const vA = varianceOf(control);
  const vB = varianceOf(variant);
  if (difference === null || vA === null || vB === null) return result;
  const a = vA / control.users;
  const b = vB / variant.users;
  const se2 = a + b;
  if (!(se2 > 0)) return result;
  const se = Math.sqrt(se2);
  const df = finiteOrNull((se2 * se2) / ((a * a) / (control.users - 1) + (b * b) / (variant.users - 1)));
  const t = finiteOrNull(difference / se);
  if (df === null || t === null) return result;
  const critical = tQuantile(1 - alpha / 2, df);
  return {
    ...result,
    t,
    df,
    pValue: finiteOrNull(twoSidedTP(t, df)),
    differenceCi: finiteIntervalOrNull(difference - critical * se, difference + critical * se),
  };
}
