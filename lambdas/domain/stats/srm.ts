// Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the observed users per
// variant against the split the experiment was configured with (Kohavi, Tang & Xu 2020,
// "Trustworthy Online Controlled Experiments", ch. 3 and 21; Fabijan et al. 2019, "Diagnosing
// Sample Ratio Mismatch in Online Controlled Experiments", KDD):
//   X² = Σ (O_i − E_i)² / E_i,  E_i = N · share_i,  df = k − 1,  p = P(χ²_df > X²).
// A mismatch is flagged at p < 0.001, the conventional SRM threshold: at that level a real
// assignment bug is far likelier than chance, and checking every experiment on every look at
// 0.05 would raise too many false alarms.
//
// Degenerate cases: fewer than two variants with a positive share, or no users at all → nothing to
// test (chiSquare and pValue null, no mismatch). Users in a variant whose expected share is 0 →
// an infinite statistic: chiSquare null, pValue 0, mismatch.
import { chiSquareSurvival } from './distributions.ts';
import { finiteOrNull } from './finite.ts';

/** p-value below which the split is flagged as a mismatch. */
export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface SrmResult {
  chiSquare: number | null;
  pValue: number | null;
  mismatch: boolean;
}

/** observed[i] users against expected shares[i] (shares add up to 1; they are normalised anyway). */
export function sampleRatioMismatch(observed: readonly number[], shares: readonly number[], threshold = SRM_P_VALUE_THRESHOLD): SrmResult {
  const none: SrmResult = { chiSquare: null, pValue: null, mismatch: false };
  if (observed.length !== shares.length) return none;
  const total = observed.reduce((s, o) => s + o, 0);
  const shareTotal = shares.reduce((s, w) => s + w, 0);
  if (!(total > 0) || !(shareTotal > 0)) return none;
  let chiSquare = 0;
  let cells = 0;
  for (let i = 0; i < observed.length; i++) {
    const share = shares[i]! / shareTotal;
    if (share > 0) {
      const expected = total * share;
      chiSquare += (observed[i]! - expected) ** 2 / expected;
      cells++;
    } else if (observed[i]! > 0) {
      return { chiSquare: null, pValue: 0, mismatch: true };
    }
  }
  if (cells < 2) return none;
  const statistic = finiteOrNull(chiSquare);
  if (statistic === null) return none;
  const pValue = finiteOrNull(chiSquareSurvival(statistic, cells - 1));
  return { chiSquare: statistic, pValue, mismatch: pValue !== null && pValue < threshold };
}
