// Users needed per variant for a two-sided two-proportion z-test (equal arms), from the normal
// approximation without continuity correction (Fleiss, Levin & Paik, "Statistical Methods for Rates
// and Proportions", 3rd ed. 2003, ch. 4) — the same equation R's power.prop.test solves:
//   n = (z_{1−α/2}·√(2 p̄(1 − p̄)) + z_{power}·√(p1(1 − p1) + p2(1 − p2)))² / (p2 − p1)²,
//   p2 = p1·(1 + relative MDE),  p̄ = (p1 + p2)/2,
// rounded up to whole users. The power that equation gives for n users per arm (only the rejection
// in the direction of the effect, like power.prop.test with strict = FALSE) is
//   power = Φ((√n·|p2 − p1| − z_{1−α/2}·√(2 p̄(1 − p̄))) / √(p1(1 − p1) + p2(1 − p2))).
import { normalCdf, normalQuantile, zCritical } from './distributions.ts';
import { finiteOrNull } from './finite.ts';

export interface SampleSizeInput {
  /** Control conversion rate, in (0, 1). */
  baselineRate: number;
  /** Minimum detectable effect relative to the baseline, e.g. 0.1 for a 10% lift (may be negative). */
  relativeMde: number;
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Probability of detecting the effect; default 0.8. */
  power?: number;
}

function valid(p1: number, p2: number, alpha: number): boolean {
  return p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && p1 !== p2 && alpha > 0 && alpha < 1;
}

/** The unrounded n per variant; null for impossible inputs (rates outside (0, 1), no effect). */
export function sampleSizePerVariantExact({ baselineRate, relativeMde, alpha = 0.05, power = 0.8 }: SampleSizeInput): number | null {
  const p1 = baselineRate;
  const p2 = baselineRate * (1 + relativeMde);
  if (!valid(p1, p2, alpha) || !(power > 0 && power < 1)) return null;
  const pBar = (p1 + p2) / 2;
  const numerator = zCritical(alpha) * Math.sqrt(2 * pBar * (1 - pBar)) + normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return finiteOrNull((numerator * numerator) / ((p2 - p1) * (p2 - p1)));
}

/** Users needed in each variant (rounded up); null for impossible inputs. */
export function requiredSampleSizePerVariant(input: SampleSizeInput): number | null {
  const n = sampleSizePerVariantExact(input);
  return n === null ? null : Math.ceil(n - 1e-9);
}

/** Power of the two-sided test with n users per arm for rates p1 and p2. */
export function twoProportionPower(nPerVariant: number, p1: number, p2: number, alpha = 0.05): number | null {
  if (!valid(p1, p2, alpha) || !(nPerVariant > 0)) return null;
  const pBar = (p1 + p2) / 2;
  const x = (Math.sqrt(nPerVariant) * Math.abs(p2 - p1) - zCritical(alpha) * Math.sqrt(2 * pBar * (1 - pBar))) / Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return finiteOrNull(normalCdf(x));
}
