import { describe, expect, it } from 'vitest';
import {
  betaPosterior,
  chanceToBeatByIntegration,
  chanceToBeatClosedForm,
  chanceToBeatControl,
  CLOSED_FORM_MAX_TERMS,
} from '../../../lambdas/domain/stats/chanceToBeat.ts';
import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import betaPdf from '@stdlib/stats-base-dists-beta-pdf';
import { simpson } from './helpers/reference.ts';

/** P(pB > pA) = ∫ f_B(x) F_A(x) dx over [0, 1] with stdlib's beta pdf/cdf — a plain quadrature written here. */
function byQuadrature(xA: number, nA: number, xB: number, nB: number): number {
  const a = betaPosterior(xA, nA);
  const b = betaPosterior(xB, nB);
  const mean = b.alpha / (b.alpha + b.beta);
  const sd = Math.sqrt((b.alpha * b.beta) / ((b.alpha + b.beta) ** 2 * (b.alpha + b.beta + 1)));
  const lo = Math.max(0, mean - 15 * sd);
  const hi = Math.min(1, mean + 15 * sd);
  return simpson((x) => betaPdf(x, b.alpha, b.beta) * betaCdf(x, a.alpha, a.beta), lo, hi, 20000);
}

describe('chance to beat control, exact P(pB > pA) under Beta(1 + conv, 1 + users − conv) posteriors', () => {
  it('is 1/2 for identical arms (symmetry), to 1e-12', () => {
    for (const [x, n] of [[0, 0], [0, 10], [10, 10], [3, 17], [100, 1000], [5000, 9000], [15000, 40000]] as const) {
      expect(Math.abs(chanceToBeatControl(x, n, x, n)! - 0.5)).toBeLessThan(1e-12);
    }
  });

  // Closed forms: with pA ~ Beta(1, 1) (no data) and pB ~ Beta(a, 1) (a − 1 conversions out of
  // a − 1 users), P(pB > pA) = ∫ a x^(a−1) · x dx = a/(a + 1); and Beta(1, b) gives 1/(b + 1).
  it('matches the analytic value a/(a + 1) against an empty control, to 1e-12', () => {
    for (const a of [2, 3, 10, 101]) {
      expect(Math.abs(chanceToBeatControl(0, 0, a - 1, a - 1)! - a / (a + 1))).toBeLessThan(1e-12);
      expect(Math.abs(chanceToBeatControl(0, 0, 0, a - 1)! - 1 / (a + 1))).toBeLessThan(1e-12);
    }
  });

  it('agrees with numerical integration of the beta densities, to 1e-9', () => {
    const cases: [number, number, number, number][] = [
      [100, 1000, 130, 1010],
      [1, 20, 3, 25],
      [0, 50, 2, 50],
      [48, 50, 45, 50],
      [30, 3000, 45, 3100],
      [2500, 50000, 2600, 50000],
      [9000, 20000, 9100, 20000],
    ];
    for (const [xA, nA, xB, nB] of cases) {
      const got = chanceToBeatControl(xA, nA, xB, nB)!;
      expect(Math.abs(got - byQuadrature(xA, nA, xB, nB))).toBeLessThan(1e-9);
      expect(Math.abs(got - chanceToBeatByIntegration(betaPosterior(xA, nA), betaPosterior(xB, nB)))).toBeLessThan(1e-9);
    }
  });

  it('gives the same answer by all four forms of the sum (swapping arms and conversions/non-conversions)', () => {
    for (const [xA, nA, xB, nB] of [[7, 40, 12, 38], [100, 1000, 130, 1010], [0, 5, 5, 5]] as const) {
      const p = chanceToBeatControl(xA, nA, xB, nB)!;
      expect(chanceToBeatControl(xB, nB, xA, nA)!).toBeCloseTo(1 - p, 13); // P(pA > pB) = 1 − P(pB > pA)
      expect(chanceToBeatControl(nB - xB, nB, nA - xA, nA)!).toBeCloseTo(p, 13); // 1 − pA > 1 − pB
    }
  });

  it('switches to integration beyond the closed-form limit with the same result (1e-9)', () => {
    const k = CLOSED_FORM_MAX_TERMS + 500; // every count above the limit
    const a = betaPosterior(k, 3 * k);
    const b = betaPosterior(k + 150, 3 * k);
    const viaSum = chanceToBeatClosedForm(a, b);
    const viaEngine = chanceToBeatControl(k, 3 * k, k + 150, 3 * k)!;
    expect(Math.abs(viaEngine - viaSum)).toBeLessThan(1e-9);
    expect(viaEngine).toBeGreaterThan(0.5);
    expect(viaEngine).toBeLessThan(1);
  });

  it('stays in [0, 1] and finite for huge and lopsided counts', () => {
    for (const [xA, nA, xB, nB] of [[0, 10_000_000, 5, 10_000_000], [1_000_000, 10_000_000, 1_010_000, 10_000_000], [0, 1_000_000, 1_000_000, 1_000_000], [1, 2, 500_000, 1_000_000]] as const) {
      const p = chanceToBeatControl(xA, nA, xB, nB)!;
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(chanceToBeatControl(0, 1_000_000, 1_000_000, 1_000_000)).toBeCloseTo(1, 12);
  });

  it('is null for invalid counts', () => {
    expect(chanceToBeatControl(5, 4, 1, 1)).toBeNull();
    expect(chanceToBeatControl(-1, 4, 1, 1)).toBeNull();
    expect(chanceToBeatControl(1.5, 4, 1, 1)).toBeNull();
  });
});
