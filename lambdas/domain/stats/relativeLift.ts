// Relative lift r = p̂B / p̂A − 1 of a variant B over the control A, with a delta-method interval
// (first-order Taylor expansion of the ratio of two independent means; Deng, Knoblich & Lu 2018,
// "Applying the Delta Method in Metric Analytics", KDD, §3 "percent change"; also Kohavi, Tang & Xu
// 2020, "Trustworthy Online Controlled Experiments", ch. 18):
//   Var(p̂B/p̂A) ≈ Var(p̂B)/p̂A² + p̂B²·Var(p̂A)/p̂A⁴,  Var(p̂) = p̂(1−p̂)/n,
//   r ± z·√Var.
// The interval is symmetric and may go below −1 for tiny samples; it is reported as computed (a
// lower limit below −100% is itself a sign that the sample is too small for this approximation).
import { zCritical } from './distributions.ts';
import { finiteIntervalOrNull, finiteOrNull, type Interval } from './finite.ts';

export interface RelativeLiftResult {
  /** p̂B / p̂A − 1; null when the control's rate is 0 (or an arm is empty). */
  relativeLift: number | null;
  /** Delta-method (1 − alpha) interval; null when the lift is undefined or its variance is 0. */
  interval: Interval | null;
  /** Delta-method standard error of the lift; null when undefined. */
  standardError: number | null;
}

export function relativeLift(controlConversions: number, controlUsers: number, variantConversions: number, variantUsers: number, alpha = 0.05): RelativeLiftResult {
  if (!(controlUsers > 0) || !(variantUsers > 0)) return { relativeLift: null, interval: null, standardError: null };
  const pA = controlConversions / controlUsers;
  const pB = variantConversions / variantUsers;
  if (!(pA > 0)) return { relativeLift: null, interval: null, standardError: null };
  const lift = finiteOrNull(pB / pA - 1);
  const varA = (pA * (1 - pA)) / controlUsers;
  const varB = (pB * (1 - pB)) / variantUsers;
  const variance = varB / (pA * pA) + (pB * pB * varA) / (pA * pA * pA * pA);
  const standardError = variance > 0 ? finiteOrNull(Math.sqrt(variance)) : null;
  if (lift === null || standardError === null) return { relativeLift: lift, interval: null, standardError: null };
  const z = zCritical(alpha);
  return { relativeLift: lift, interval: finiteIntervalOrNull(lift - z * standardError, lift + z * standardError), standardError };
}
