import { describe, expect, it } from 'vitest';
import { newcombeDifferenceInterval } from '../../../lambdas/domain/stats/newcombe.ts';
import { wilsonByInversion, z975 } from './helpers/reference.ts';

/** Newcombe's own formulation: δ = z√(l1(1−l1)/n1 + u2(1−u2)/n2), ε = z√(u1(1−u1)/n1 + l2(1−l2)/n2), with score limits found by root finding. */
function newcombeIndependent(x1: number, n1: number, x2: number, n2: number): [number, number] {
  const [l1, u1] = wilsonByInversion(x1, n1);
  const [l2, u2] = wilsonByInversion(x2, n2);
  const d = x1 / n1 - x2 / n2;
  const delta = z975 * Math.sqrt((l1 * (1 - l1)) / n1 + (u2 * (1 - u2)) / n2);
  const epsilon = z975 * Math.sqrt((u1 * (1 - u1)) / n1 + (l2 * (1 - l2)) / n2);
  return [d - delta, d + epsilon];
}

describe('Newcombe hybrid score interval for p1 − p2', () => {
  // Newcombe RG (1998). Interval estimation for the difference between independent proportions:
  // comparison of eleven methods. Statistics in Medicine 17:873–890, Table II, examples (a)–(h),
  // method 10. 4 decimals given: compared to 5e-5, and to Newcombe's δ/ε form with independently
  // computed score limits to 1e-9.
  const table: { label: string; counts: [number, number, number, number]; ci: [number, number] }[] = [
    { label: '(a) 56/70 − 48/80', counts: [56, 70, 48, 80], ci: [0.0524, 0.3339] },
    { label: '(b) 9/10 − 3/10', counts: [9, 10, 3, 10], ci: [0.1705, 0.809] },
    { label: '(c) 6/7 − 2/7', counts: [6, 7, 2, 7], ci: [0.0582, 0.8062] },
    { label: '(d) 5/56 − 0/29', counts: [5, 56, 0, 29], ci: [-0.0381, 0.1926] },
    { label: '(e) 0/10 − 0/20', counts: [0, 10, 0, 20], ci: [-0.1611, 0.2775] },
    { label: '(f) 0/10 − 0/10', counts: [0, 10, 0, 10], ci: [-0.2775, 0.2775] },
    { label: '(g) 10/10 − 0/20', counts: [10, 10, 0, 20], ci: [0.6791, 1.0] },
    { label: '(h) 10/10 − 0/10', counts: [10, 10, 0, 10], ci: [0.6075, 1.0] },
  ];
  it.each(table)('$label matches Table II, method 10', ({ counts, ci }) => {
    const got = newcombeDifferenceInterval(...counts)!;
    expect(Math.abs(got[0] - ci[0])).toBeLessThanOrEqual(5e-5);
    expect(Math.abs(got[1] - ci[1])).toBeLessThanOrEqual(5e-5);
    const independent = newcombeIndependent(...counts);
    expect(Math.abs(got[0] - independent[0])).toBeLessThan(1e-9);
    expect(Math.abs(got[1] - Math.min(1, independent[1]))).toBeLessThan(1e-9);
  });

  it('mirrors when the groups are swapped and contains the estimate', () => {
    for (const [x1, n1, x2, n2] of [[56, 70, 48, 80], [0, 10, 3, 10], [130, 1010, 100, 1000], [1, 2, 0, 1]] as const) {
      const ab = newcombeDifferenceInterval(x1, n1, x2, n2)!;
      const ba = newcombeDifferenceInterval(x2, n2, x1, n1)!;
      expect(ba[0]).toBeCloseTo(-ab[1], 14);
      expect(ba[1]).toBeCloseTo(-ab[0], 14);
      const d = x1 / n1 - x2 / n2;
      expect(ab[0]).toBeLessThanOrEqual(d);
      expect(ab[1]).toBeGreaterThanOrEqual(d);
      expect(ab[0]).toBeGreaterThanOrEqual(-1);
      expect(ab[1]).toBeLessThanOrEqual(1);
    }
  });

  it('is null when a group has no users', () => {
    expect(newcombeDifferenceInterval(0, 0, 1, 10)).toBeNull();
    expect(newcombeDifferenceInterval(1, 10, 0, 0)).toBeNull();
  });
});
