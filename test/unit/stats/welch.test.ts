import { describe, expect, it } from 'vitest';
import { varianceOf, welchTTest } from '../../../lambdas/domain/stats/welch.ts';
import { meanAndVariance, sums } from './helpers/reference.ts';

// Rosetta Code, "Welch's t-test" (data sets d1–d8, x/y; the first three pairs are the examples of
// Wikipedia's "Welch's t-test" article), reference values produced with R's
// t.test(a, b, var.equal = FALSE). For d1 vs d2 R's full output is also given there:
// t = −2.45535639828601, df = 24.9885292902309, 95% CI −3.98409625405368 … −0.349237079279662.
const d1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const d2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
const d3 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
const d4 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
const d5 = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0];
const d6 = [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 24.0, 13.2];
const d7 = [30.02, 29.99, 30.11, 29.97, 30.01, 29.99];
const d8 = [29.89, 29.93, 29.72, 29.98, 30.02, 29.98];
const x = [3.0, 4.0, 1.0, 2.1];
const y = [490.2, 340.0, 433.9];

/** Welch's statistic and df from raw data by two-pass formulas (independent of the Σx, Σx² path). */
function welchFromRaw(a: number[], b: number[]): { t: number; df: number } {
  const A = meanAndVariance(a);
  const B = meanAndVariance(b);
  const va = A.variance / a.length;
  const vb = B.variance / b.length;
  return { t: (A.mean - B.mean) / Math.sqrt(va + vb), df: (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1)) };
}

describe("Welch's t-test from (users, Σx, Σx²)", () => {
  // The engine computes variant − control, so R's t.test(a, b) (a − b) is welchTTest(control = b, variant = a).
  it('matches R t.test on d1 vs d2 in every figure (1e-9 for t, df, p; 1e-7 for the CI)', () => {
    const r = welchTTest(sums(d2), sums(d1));
    expect(Math.abs(r.t! - -2.45535639828601)).toBeLessThan(1e-9);
    expect(Math.abs(r.df! - 24.9885292902309)).toBeLessThan(1e-9);
    expect(Math.abs(r.pValue! - 0.021378001462867)).toBeLessThan(1e-12);
    expect(Math.abs(r.differenceCi![0] - -3.98409625405368)).toBeLessThan(1e-7);
    expect(Math.abs(r.differenceCi![1] - -0.349237079279662)).toBeLessThan(1e-7);
    expect(r.difference).toBeCloseTo(20.82 - 22.986666666666666, 12);
    expect(r.controlMean).toBeCloseTo(22.986666666666666, 12);
    expect(r.variantMean).toBeCloseTo(20.82, 12);
  });

  it.each([
    { name: 'd3 vs d4', a: d3, b: d4, p: 0.148841696605327 },
    { name: 'd5 vs d6', a: d5, b: d6, p: 0.0359722710297968 },
    { name: 'd7 vs d8', a: d7, b: d8, p: 0.090773324285671 },
    { name: 'x vs y (variances 4 orders of magnitude apart, df ≈ 2)', a: x, b: y, p: 0.0107515611497845 },
  ])('matches R t.test p-value on $name (1e-12), and a two-pass computation of t and df (1e-9)', ({ a, b, p }) => {
    const r = welchTTest(sums(b), sums(a));
    expect(Math.abs(r.pValue! - p)).toBeLessThan(1e-12);
    const ref = welchFromRaw(a, b);
    expect(Math.abs(r.t! - ref.t)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.t)));
    expect(Math.abs(r.df! - ref.df)).toBeLessThan(1e-9 * ref.df);
  });

  it('is antisymmetric in the arms', () => {
    const ab = welchTTest(sums(d1), sums(d2));
    const ba = welchTTest(sums(d2), sums(d1));
    expect(ab.t).toBeCloseTo(-ba.t!, 12);
    expect(ab.pValue).toBeCloseTo(ba.pValue!, 14);
    expect(ab.differenceCi![0]).toBeCloseTo(-ba.differenceCi![1], 12);
  });

  it('keeps the variance accurate while the mean is not huge next to the spread', () => {
    // Σx² − n·mean² cancels: the relative error of s² is about 1e-16·mean²/s². The sums are the
    // contract's input, so that is the floor; at mean/sd ≈ 3,000 it is still below 1e-8.
    const base = [0.12, 0.5, 0.33, 0.9, 0.71, 0.05, 0.42];
    const shifted = base.map((v) => 1000 + v);
    const exact = meanAndVariance(base).variance;
    expect(Math.abs(varianceOf(sums(shifted))! - exact) / exact).toBeLessThan(1e-8);
  });

  it('returns null statistics where the test is undefined, never NaN', () => {
    const empty = welchTTest({ users: 0, sum: 0, sumSquares: 0 }, sums([1, 2, 3]));
    expect(empty).toMatchObject({ controlMean: null, difference: null, t: null, df: null, pValue: null, differenceCi: null });
    const single = welchTTest(sums([5]), sums([1, 2, 3]));
    expect(single).toMatchObject({ controlMean: 5, difference: -3, t: null, pValue: null, differenceCi: null });
    const constant = welchTTest(sums([2, 2, 2]), sums([2, 2]));
    expect(constant).toMatchObject({ difference: 0, t: null, pValue: null, differenceCi: null });
    const oneConstant = welchTTest(sums([2, 2, 2]), sums([1, 2, 3, 4]));
    expect(oneConstant.df).toBeCloseTo(3, 12); // only the varying arm contributes: df = n − 1
    expect(Number.isFinite(oneConstant.pValue)).toBe(true);
  });
});
