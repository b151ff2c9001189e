import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../../lambdas/domain/stats/twoProportionZTest.ts';

/** Pearson's X² of the 2×2 table [x1, n1 − x1; x2, n2 − x2], computed cell by cell. */
function pearsonChiSquare(x1: number, n1: number, x2: number, n2: number): number {
  const table = [
    [x1, n1 - x1],
    [x2, n2 - x2],
  ];
  const rows = [n1, n2];
  const cols = [x1 + x2, n1 + n2 - x1 - x2];
  const total = n1 + n2;
  let x2stat = 0;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const expected = (rows[i]! * cols[j]!) / total;
    x2stat += (table[i]![j]! - expected) ** 2 / expected;
  }
  return x2stat;
}

describe('pooled two-proportion z-test', () => {
  // R: pairwise.prop.test(smokers2, patients, correct = FALSE, p.adjust.method = "none") with
  // smokers2 = c(73, 90, 114, 75), patients = c(86, 93, 136, 82), as recorded in statsmodels' test
  // suite (statsmodels/stats/tests/test_proportion.py, TestProportion.res_ppt_pvals_raw), in R's
  // pair order (1,2) (1,3) (1,4) (2,3) (2,4) (3,4). Compared to 1e-12.
  const success = [73, 90, 114, 75];
  const nobs = [86, 93, 136, 82];
  const rPairwise = [0.00533824886503131, 0.8327574849753566, 0.1880573726722516, 0.002026764254350234, 0.1309487516334318, 0.1076118730631731];
  it('matches R prop.test (correct = FALSE) on every pair of the smokers example', () => {
    let k = 0;
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++) {
        const { pValue } = twoProportionZTest(success[i]!, nobs[i]!, success[j]!, nobs[j]!);
        expect(Math.abs(pValue! - rPairwise[k]!)).toBeLessThan(1e-12);
        k++;
      }
    }
  });

  // statsmodels proportions_ztest(count=[5, 12], nobs=[83, 99]) (statsmodels issue #2969, recorded
  // in test_proportion.py TestProportion.test_default_values): z = −1.4078304151258787,
  // p = 0.15918129181156992. Compared to 1e-12.
  it('matches statsmodels proportions_ztest on 5/83 vs 12/99', () => {
    const { z, pValue } = twoProportionZTest(5, 83, 12, 99);
    expect(Math.abs(z! - -1.4078304151258787)).toBeLessThan(1e-12);
    expect(Math.abs(pValue! - 0.15918129181156992)).toBeLessThan(1e-12);
  });

  it('equals the Pearson chi-square test of the 2×2 table (z² = X², same p)', () => {
    for (const [x1, n1, x2, n2] of [[100, 1000, 130, 1010], [1, 50, 9, 60], [4000, 50000, 4100, 50000], [0, 100, 5, 100]] as const) {
      const { z, pValue } = twoProportionZTest(x1, n1, x2, n2);
      const chi = pearsonChiSquare(x1, n1, x2, n2);
      expect(z! * z!).toBeCloseTo(chi, 9);
      expect(Math.abs(pValue! - (1 - chiSquareCdf(chi, 1)))).toBeLessThan(1e-10);
    }
  });

  it('is signed p̂1 − p̂2 and symmetric in the p-value', () => {
    const ab = twoProportionZTest(130, 1010, 100, 1000);
    const ba = twoProportionZTest(100, 1000, 130, 1010);
    expect(ab.z).toBeGreaterThan(0);
    expect(ba.z).toBeCloseTo(-ab.z!, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue!, 15);
  });

  it('is null where the test is undefined, and finite in the far tail', () => {
    expect(twoProportionZTest(0, 0, 1, 10)).toEqual({ z: null, pValue: null });
    expect(twoProportionZTest(0, 100, 0, 100)).toEqual({ z: null, pValue: null });
    expect(twoProportionZTest(100, 100, 50, 50)).toEqual({ z: null, pValue: null });
    const extreme = twoProportionZTest(0, 100000, 50000, 100000);
    expect(extreme.pValue).toBe(0);
    expect(Number.isFinite(extreme.z)).toBe(true);
  });
});
