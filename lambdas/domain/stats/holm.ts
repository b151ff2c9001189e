// Holm–Bonferroni step-down adjusted p-values (Holm 1979, "A simple sequentially rejective multiple
// test procedure", Scandinavian Journal of Statistics 6:65–70; adjusted p-values as in Wright 1992
// and R's p.adjust(method = "holm")):
//   with p(1) ≤ … ≤ p(m):  p̃(i) = max_{j ≤ i} min(1, (m − j + 1)·p(j)).
// Rejecting H(i) when p̃(i) < alpha is Holm's procedure; it controls the family-wise error rate
// under any dependence. Null p-values (undefined tests) are left out of the family and stay null.
import { finiteOrNull } from './finite.ts';

export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues
    .map((p, index) => ({ p: finiteOrNull(p), index }))
    .filter((e): e is { p: number; index: number } => e.p !== null)
    .sort((a, b) => a.p - b.p || a.index - b.index);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let runningMax = 0;
  present.forEach((e, j) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - j) * e.p));
    adjusted[e.index] = runningMax;
  });
  return adjusted;
}
