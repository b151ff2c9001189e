// Pooled two-proportion z-test, two-sided (e.g. Agresti 2013, "Categorical Data Analysis"; it is the
// Pearson chi-square test of the 2×2 table without continuity correction, z² = X², i.e. R's
// prop.test(correct = FALSE)):
//   p̄ = (x1 + x2)/(n1 + n2),  z = (p̂1 − p̂2) / √(p̄(1−p̄)(1/n1 + 1/n2)),  p = 2Φ(−|z|).
import { twoSidedNormalP } from './distributions.ts';
import { finiteOrNull } from './finite.ts';

export interface ZTestResult {
  /** z statistic of p̂1 − p̂2; null when undefined. */
  z: number | null;
  /** Two-sided p-value; null when undefined (an empty arm, or no variation at all: 0 or all conversions in both). */
  pValue: number | null;
}

/** Test of H0: p1 = p2 for x1/n1 against x2/n2. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  if (!(n1 > 0) || !(n2 > 0)) return { z: null, pValue: null };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { z: null, pValue: null };
  const z = finiteOrNull((x1 / n1 - x2 / n2) / Math.sqrt(variance));
  if (z === null) return { z: null, pValue: null };
  return { z, pValue: finiteOrNull(twoSidedNormalP(z)) };
}
