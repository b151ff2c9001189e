import { describe, expect, it } from 'vitest';
import { relativeLift } from '../../../lambdas/domain/stats/relativeLift.ts';
import { z975 } from './helpers/reference.ts';

/** Delta method with a numerically differentiated g(pA, pB) = pB/pA − 1 (central differences). */
function deltaByFiniteDifferences(xA: number, nA: number, xB: number, nB: number): { lift: number; se: number } {
  const pA = xA / nA;
  const pB = xB / nB;
  const g = (a: number, b: number): number => b / a - 1;
  const h = 1e-6;
  const dA = (g(pA + h, pB) - g(pA - h, pB)) / (2 * h);
  const dB = (g(pA, pB + h) - g(pA, pB - h)) / (2 * h);
  const se = Math.sqrt(dA * dA * ((pA * (1 - pA)) / nA) + dB * dB * ((pB * (1 - pB)) / nB));
  return { lift: g(pA, pB), se };
}

describe('relative lift with a delta-method interval', () => {
  // Deng, Knoblich & Lu (2018), "Applying the Delta Method in Metric Analytics: A Practical Guide
  // with Novel Ideas", KDD: Var(ȲB/ȲA) ≈ Var(ȲB)/μA² + μB²Var(ȲA)/μA⁴ for independent groups.
  // No table of numbers is published, so the check is against the generic delta method with a
  // numerically differentiated g (agreement to 1e-6 relative, the finite-difference accuracy).
  it('agrees with the generic delta method', () => {
    for (const [xA, nA, xB, nB] of [[100, 1000, 130, 1010], [5, 200, 9, 180], [4000, 50000, 4400, 50000], [1, 10, 10, 10]] as const) {
      const r = relativeLift(xA, nA, xB, nB);
      const ref = deltaByFiniteDifferences(xA, nA, xB, nB);
      expect(r.relativeLift).toBeCloseTo(ref.lift, 12);
      expect(Math.abs(r.standardError! - ref.se) / ref.se).toBeLessThan(1e-6);
      expect(Math.abs(r.interval![0] - (ref.lift - z975 * ref.se))).toBeLessThan(1e-6);
      expect(Math.abs(r.interval![1] - (ref.lift + z975 * ref.se))).toBeLessThan(1e-6);
    }
  });

  it('is 100·(B/A − 1)% as a fraction and widens with a smaller alpha', () => {
    const r = relativeLift(100, 1000, 130, 1000);
    expect(r.relativeLift).toBeCloseTo(0.3, 12);
    const r99 = relativeLift(100, 1000, 130, 1000, 0.01);
    expect(r99.interval![0]).toBeLessThan(r.interval![0]);
    expect(r99.interval![1]).toBeGreaterThan(r.interval![1]);
  });

  it('is undefined (null) when the control rate is 0 or an arm is empty', () => {
    expect(relativeLift(0, 1000, 10, 1000)).toEqual({ relativeLift: null, interval: null, standardError: null });
    expect(relativeLift(0, 0, 10, 1000)).toEqual({ relativeLift: null, interval: null, standardError: null });
    expect(relativeLift(10, 1000, 0, 0)).toEqual({ relativeLift: null, interval: null, standardError: null });
  });

  it('has a lift but no interval when there is no variance at all', () => {
    expect(relativeLift(100, 100, 50, 50)).toEqual({ relativeLift: 0, interval: null, standardError: null });
    const oneSided = relativeLift(100, 100, 25, 50); // control all converted: only the variant varies
    expect(oneSided.relativeLift).toBeCloseTo(-0.5, 12);
    expect(oneSided.interval).not.toBeNull();
  });
});
