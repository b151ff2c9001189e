import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../lambdas/domain/stats/holm.ts';
import { mulberry32 } from './helpers/random.ts';

/** Holm's procedure as Holm (1979) states it: reject H(1), H(2), … while p(i) < alpha/(m − i + 1); stop at the first failure. */
function holmRejects(pValues: number[], alpha: number): boolean[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const m = pValues.length;
  const rejected = pValues.map(() => false);
  for (let k = 0; k < m; k++) {
    if (order[k]!.p < alpha / (m - k)) rejected[order[k]!.i] = true;
    else break;
  }
  return rejected;
}

describe('Holm–Bonferroni adjusted p-values', () => {
  // Wikipedia, "Holm–Bonferroni method", Example: four hypotheses with p = 0.01, 0.04, 0.03, 0.005
  // at α = 0.05: H4 (0.005 < 0.05/4) and H1 (0.01 < 0.05/3) are rejected, then 0.03 ≥ 0.05/2 stops
  // the procedure. Adjusted values by hand: 4·0.005, 3·0.01, max(3·0.01, 2·0.03), max(…, 1·0.04).
  it('reproduces the textbook four-hypothesis example', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]) as number[];
    expect(adjusted[0]).toBeCloseTo(0.03, 15);
    expect(adjusted[1]).toBeCloseTo(0.06, 15);
    expect(adjusted[2]).toBeCloseTo(0.06, 15);
    expect(adjusted[3]).toBeCloseTo(0.02, 15);
    expect(adjusted.map((p) => p < 0.05)).toEqual([true, false, false, true]);
  });

  // R: pairwise.prop.test(smokers2, patients, correct = FALSE) with the default Holm adjustment
  // (R's p.adjust(method = "holm")), raw and adjusted values as recorded in statsmodels' test suite
  // (statsmodels/stats/tests/test_proportion.py, TestProportion.res_ppt_pvals_raw / _holm). 1e-12.
  it('matches R p.adjust(method = "holm")', () => {
    const raw = [0.00533824886503131, 0.8327574849753566, 0.1880573726722516, 0.002026764254350234, 0.1309487516334318, 0.1076118730631731];
    const r = [0.02669124432515654, 0.8327574849753566, 0.4304474922526926, 0.0121605855261014, 0.4304474922526926, 0.4304474922526926];
    const adjusted = holmAdjust(raw) as number[];
    adjusted.forEach((p, i) => expect(Math.abs(p - r[i]!)).toBeLessThan(1e-12));
  });

  it('rejects exactly what Holm’s step-down procedure rejects, at every level', () => {
    const random = mulberry32(20240601);
    for (let trial = 0; trial < 500; trial++) {
      const m = 1 + Math.floor(random() * 6);
      const p = Array.from({ length: m }, () => (random() < 0.5 ? random() * 0.05 : random()));
      const adjusted = holmAdjust(p) as number[];
      for (const alpha of [0.01, 0.05, 0.1]) {
        expect(adjusted.map((a) => a < alpha)).toEqual(holmRejects(p, alpha));
      }
      adjusted.forEach((a, i) => {
        expect(a).toBeGreaterThanOrEqual(p[i]!);
        expect(a).toBeLessThanOrEqual(1);
      });
    }
  });

  it('leaves a single p-value alone, caps at 1, and skips nulls', () => {
    expect(holmAdjust([0.03])).toEqual([0.03]);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([null, 0.01, NaN, 0.04])).toEqual([null, 0.02, null, 0.04]);
    expect(holmAdjust([])).toEqual([]);
  });
});
