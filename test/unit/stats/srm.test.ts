import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch } from '../../../lambdas/domain/stats/srm.ts';
import { normalCdf } from './helpers/reference.ts';

/** Chi-square upper tails in closed form (independent of the incomplete gamma function). */
const survival = {
  1: (x: number) => 2 * normalCdf(-Math.sqrt(x), 0, 1),
  2: (x: number) => Math.exp(-x / 2),
  3: (x: number) => 2 * normalCdf(-Math.sqrt(x), 0, 1) + Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2),
};

describe('sample-ratio mismatch (chi-square goodness of fit)', () => {
  // Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments, ch. 3: control 821,588 and
  // treatment 815,482 users in a 50/50 experiment; "the p-value ... is 1.8E-6" (2 digits given).
  it('flags the Kohavi et al. example (p = 1.8e-6)', () => {
    const srm = sampleRatioMismatch([821588, 815482], [0.5, 0.5]);
    expect(srm.pValue! * 1e6).toBeCloseTo(1.8, 1);
    expect(srm.mismatch).toBe(true);
    const chi = (2 * (821588 - 818535) ** 2) / 818535;
    expect(srm.chiSquare).toBeCloseTo(chi, 9);
    expect(Math.abs(srm.pValue! - survival[1](chi))).toBeLessThan(1e-12);
  });

  // Mendel's (1866) dihybrid cross, 315 round-yellow, 108 round-green, 101 wrinkled-yellow and 32
  // wrinkled-green peas against 9:3:3:1, the textbook goodness-of-fit example: X² = 0.470, df = 3,
  // p = 0.925 (3 digits given; also checked against the closed-form df-3 tail to 1e-10).
  it('reproduces Mendel’s 9:3:3:1 example', () => {
    const srm = sampleRatioMismatch([315, 108, 101, 32], [9 / 16, 3 / 16, 3 / 16, 1 / 16]);
    expect(srm.chiSquare).toBeCloseTo(0.47, 3);
    expect(srm.pValue).toBeCloseTo(0.925, 3);
    expect(Math.abs(srm.pValue! - survival[3](srm.chiSquare!))).toBeLessThan(1e-10);
    expect(srm.mismatch).toBe(false);
  });

  // R documentation of chisq.test, example: x <- c(A = 20, B = 15, C = 25); chisq.test(x) gives
  // X-squared = 2.5, df = 2, p-value = 0.2865.
  it('reproduces R’s chisq.test(c(A = 20, B = 15, C = 25))', () => {
    const srm = sampleRatioMismatch([20, 15, 25], [1 / 3, 1 / 3, 1 / 3]);
    expect(srm.chiSquare).toBeCloseTo(2.5, 12);
    expect(srm.pValue).toBeCloseTo(0.2865, 4);
    expect(Math.abs(srm.pValue! - survival[2](2.5))).toBeLessThan(1e-12);
  });

  it('uses the configured split, not an equal one', () => {
    const matched = sampleRatioMismatch([9000, 1000], [0.9, 0.1]);
    expect(matched.chiSquare).toBe(0);
    expect(matched.pValue).toBe(1);
    expect(sampleRatioMismatch([5000, 5000], [0.9, 0.1]).mismatch).toBe(true);
  });

  it('mismatch means p < 0.001', () => {
    // X² with df 1 at the threshold: (Φ⁻¹(0.9995))² ≈ 10.83
    const justAbove = sampleRatioMismatch([50000 + 530, 50000 - 530], [0.5, 0.5]); // X² = 11.24
    const justBelow = sampleRatioMismatch([50000 + 510, 50000 - 510], [0.5, 0.5]); // X² = 10.40
    expect(justAbove.pValue!).toBeLessThan(0.001);
    expect(justAbove.mismatch).toBe(true);
    expect(justBelow.pValue!).toBeGreaterThan(0.001);
    expect(justBelow.mismatch).toBe(false);
  });

  it('has nothing to test for a single variant or no users', () => {
    expect(sampleRatioMismatch([100], [1])).toEqual({ chiSquare: null, pValue: null, mismatch: false });
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toEqual({ chiSquare: null, pValue: null, mismatch: false });
    expect(sampleRatioMismatch([100, 0], [1, 0])).toEqual({ chiSquare: null, pValue: null, mismatch: false });
  });

  it('flags users in a variant that should get none', () => {
    expect(sampleRatioMismatch([100, 1, 100], [0.5, 0, 0.5])).toEqual({ chiSquare: null, pValue: 0, mismatch: true });
  });
});
