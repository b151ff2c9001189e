// Always-valid confidence interval (a confidence sequence) for the difference of two conversion
// rates, by inverting the same normal-mixture SPRT that gives the always-valid p-value (msprt.ts):
// Johari, Pekelis & Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests",
// Operations Research 70(3), 2022, §4 (confidence intervals from the mSPRT); Howard, Ramdas,
// McAuliffe & Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences",
// Annals of Statistics 49(2), 2021, eq. (14) (the normal-mixture boundary).
//
// Testing H0: θ = θ0 with the mixture ratio centred at θ0,
//   Λ(θ0) = √(V / (V + τ²)) · exp(τ² (θ̂ − θ0)² / (2V(V + τ²))),
// and keeping every θ0 with Λ(θ0) < 1/α gives θ̂ ± h with
//   h² = V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V)).
// By Ville's inequality P(∃ n: θ ∉ CI_n) ≤ α: the interval covers the true difference at every look
// simultaneously, so a rule "act when the interval lies inside (or outside) a region" may be
// checked after every look without raising its error rate. That is what makes NO_DIFFERENCE
// (decision.ts) safe to watch.
//
// Variance. V is the unpooled V = p̂A(1 − p̂A)/nA + p̂B(1 − p̂B)/nB: an interval is about every θ0,
// not only θ0 = 0, so the null-pooled variance of the p-value does not apply. τ² is the same
// mixing variance as the p-value's. The two can disagree in the last digit about whether 0 is
// inside; the decision takes its direction from the p-value and uses the interval only for
// NO_DIFFERENCE.
import { finiteIntervalOrNull, finiteOrNull, type Interval } from './finite.ts';

/** Half-width of the (1 − alpha) normal-mixture confidence sequence for an estimate with variance v. */
export function confidenceSequenceHalfWidth(v: number, tau2: number, alpha: number): number | null {
  if (!(v > 0) || !(tau2 > 0) || !(alpha > 0 && alpha < 1)) return null;
  return finiteOrNull(Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v))));
}

/**
 * Always-valid (1 − alpha) interval for pB − pA from the counts of one look. `tau2` is the mixing
 * variance (difference² units). Null when an arm is empty or neither arm varies.
 */
export function differenceConfidenceSequence(
  controlConversions: number,
  controlUsers: number,
  variantConversions: number,
  variantUsers: number,
  tau2: number,
  alpha = 0.05,
): Interval | null {
  if (!(controlUsers > 0) || !(variantUsers > 0)) return null;
  const pA = controlConversions / controlUsers;
  const pB = variantConversions / variantUsers;
  const v = (pA * (1 - pA)) / controlUsers + (pB * (1 - pB)) / variantUsers;
  const h = confidenceSequenceHalfWidth(v, tau2, alpha);
  if (h === null) return null;
  return finiteIntervalOrNull(pB - pA - h, pB - pA + h);
}
