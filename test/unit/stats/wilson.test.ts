import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../../lambdas/domain/stats/wilson.ts';
import { normalQuantile, wilsonByInversion } from './helpers/reference.ts';

describe('Wilson score interval', () => {
  // R package binom, binom.confint(x, n, methods = "wilson"), as recorded (with R's full digits) in
  // statsmodels' test suite: statsmodels/stats/tests/results/results_proportion.py, res_binom[...],
  // last column ("wilson"). An independent implementation; compared to 1e-9 where R's 15–16 digits
  // are recorded and to 1e-7 where only 7–8 are.
  const rBinom: { x: number; n: number; ci: [number, number]; tol: number }[] = [
    { x: 18, n: 20, ci: [0.6989663547715128, 0.972133518786232], tol: 1e-9 },
    { x: 4, n: 20, ci: [0.0806576625797981, 0.4160174322518935], tol: 1e-9 },
    { x: 4, n: 200, ci: [0.00780442641634947, 0.05028708690582643], tol: 1e-9 },
    { x: 190, n: 200, ci: [0.910421851861224, 0.972617354399236], tol: 1e-9 },
    { x: 1, n: 30, ci: [5.90859e-3, 0.16670391], tol: 1e-7 },
    { x: 29, n: 30, ci: [0.8332961, 0.9940914], tol: 1e-7 },
    { x: 0, n: 30, ci: [0, 0.11351339], tol: 1e-7 },
    { x: 30, n: 30, ci: [0.8864866, 1], tol: 1e-7 },
  ];
  it.each(rBinom)('$x/$n matches R binom.confint (wilson)', ({ x, n, ci, tol }) => {
    const got = wilsonInterval(x, n)!;
    expect(Math.abs(got[0] - ci[0])).toBeLessThan(tol);
    expect(Math.abs(got[1] - ci[1])).toBeLessThan(tol);
  });

  // Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
  // seven methods. Statistics in Medicine 17:857–872, Table II, method 3 (score, no continuity
  // correction); 4 decimals given, so compared to 5e-5, and to an independent computation to 1e-10.
  const newcombe1998a: { x: number; n: number; ci: [number, number] }[] = [
    { x: 81, n: 263, ci: [0.2553, 0.3662] },
    { x: 15, n: 148, ci: [0.0624, 0.1605] },
    { x: 0, n: 20, ci: [0.0, 0.1611] },
    { x: 1, n: 29, ci: [0.0061, 0.1718] },
  ];
  it.each(newcombe1998a)('$x/$n matches Newcombe (1998a) Table II, method 3', ({ x, n, ci }) => {
    const got = wilsonInterval(x, n)!;
    expect(Math.abs(got[0] - ci[0])).toBeLessThanOrEqual(5e-5);
    expect(Math.abs(got[1] - ci[1])).toBeLessThanOrEqual(5e-5);
    const independent = wilsonByInversion(x, n);
    expect(Math.abs(got[0] - independent[0])).toBeLessThan(1e-10);
    expect(Math.abs(got[1] - independent[1])).toBeLessThan(1e-10);
  });

  it('agrees with inverting the score test for many counts and levels', () => {
    for (const alpha of [0.01, 0.05, 0.1, 0.2]) {
      const z = normalQuantile(1 - alpha / 2, 0, 1);
      for (const [x, n] of [[0, 1], [1, 1], [3, 7], [50, 100], [1, 100000], [99999, 100000], [123, 4567]] as const) {
        const got = wilsonInterval(x, n, alpha)!;
        const ref = wilsonByInversion(x, n, z);
        expect(Math.abs(got[0] - ref[0])).toBeLessThan(1e-10);
        expect(Math.abs(got[1] - ref[1])).toBeLessThan(1e-10);
      }
    }
  });

  it('is exact at the edges and never leaves [0, 1]', () => {
    expect(wilsonInterval(0, 50)![0]).toBe(0);
    expect(wilsonInterval(50, 50)![1]).toBe(1);
    expect(wilsonInterval(0, 50)![1]).toBeGreaterThan(0);
    expect(wilsonInterval(50, 50)![0]).toBeLessThan(1);
    for (let x = 0; x <= 10; x++) {
      const [lo, hi] = wilsonInterval(x, 10)!;
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      expect(lo).toBeLessThanOrEqual(x / 10);
      expect(hi).toBeGreaterThanOrEqual(x / 10);
    }
  });

  it('is null without users', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
