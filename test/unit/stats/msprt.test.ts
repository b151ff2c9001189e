import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RELATIVE_EFFECT_SCALE,
  msprtLogLikelihoodRatio,
  sequentialPValue,
  sequentialTest,
} from '../../../lambdas/domain/stats/msprt.ts';
import { phi, simpson } from './helpers/reference.ts';

/** The mixture likelihood ratio by its definition: ∫ N(θ̂; θ, V) N(θ; 0, τ²) dθ / N(θ̂; 0, V), by quadrature. */
function mixtureRatioByQuadrature(thetaHat: number, v: number, tau2: number): number {
  const sdV = Math.sqrt(v);
  const tau = Math.sqrt(tau2);
  const density = (x: number, mean: number, sd: number): number => phi((x - mean) / sd) / sd;
  // The integrand is the posterior-like bump between 0 and θ̂; integrate over a range covering both.
  const width = 12 * Math.max(tau, sdV);
  const numerator = simpson((theta) => density(thetaHat, theta, sdV) * density(theta, 0, tau), -width + thetaHat / 2, width + thetaHat / 2, 20000);
  return numerator / density(thetaHat, 0, sdV);
}

describe('mSPRT always-valid p-value (normal mixture)', () => {
  it('uses the closed form of the mixture likelihood ratio (checked against quadrature, 1e-8 relative)', () => {
    for (const [thetaHat, v, tau2] of [[0.01, 1e-4, 1e-4], [0.03, 2e-4, 1e-4], [0, 5e-5, 1e-4], [-0.02, 1e-4, 4e-4], [0.005, 1e-6, 1e-6]] as const) {
      const closed = Math.exp(msprtLogLikelihoodRatio(thetaHat, v, tau2)!);
      const direct = mixtureRatioByQuadrature(thetaHat, v, tau2);
      expect(Math.abs(closed - direct) / direct).toBeLessThan(1e-8);
    }
  });

  // Johari et al. (2017), "Peeking at A/B Tests", for two streams of n observations each with
  // per-observation variance σ²: Λ_n = √(2σ²/(2σ² + nτ²)) · exp(n²τ²(ȳB − ȳA)² / (4σ²(2σ² + nτ²))).
  it('equals the paper’s equal-arms formula for binary data (σ² = p̄(1 − p̄))', () => {
    for (const [xA, xB, n] of [[100, 130, 1000], [500, 560, 5000], [40, 41, 400]] as const) {
      const pooled = (xA + xB) / (2 * n);
      const sigma2 = pooled * (1 - pooled);
      const tau2 = (DEFAULT_RELATIVE_EFFECT_SCALE * pooled) ** 2;
      const diff = xB / n - xA / n;
      const paper = Math.sqrt((2 * sigma2) / (2 * sigma2 + n * tau2)) * Math.exp((n * n * tau2 * diff * diff) / (4 * sigma2 * (2 * sigma2 + n * tau2)));
      const result = sequentialTest(xA, n, xB, n);
      expect(result.tau2).toBeCloseTo(tau2, 15);
      expect(Math.abs(Math.exp(result.logLikelihoodRatio!) - paper) / paper).toBeLessThan(1e-12);
      expect(result.pValue).toBeCloseTo(Math.min(1, 1 / paper), 12);
    }
  });

  it('decreases as the evidence grows: a larger difference at the same size', () => {
    let previous = Infinity;
    for (let xB = 1000; xB <= 1300; xB += 10) {
      const p = sequentialPValue(1000, 10000, xB, 10000)!;
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
    expect(previous).toBeLessThan(1e-6);
    expect(sequentialPValue(1000, 10000, 1000, 10000)).toBe(1); // no difference: Λ < 1, p = 1
  });

  it('decreases as the evidence grows: the same rates with more users', () => {
    let previous = Infinity;
    for (let n = 2000; n <= 200000; n += 2000) {
      const p = sequentialPValue(0.1 * n, n, 0.11 * n, n)!;
      expect(p).toBeLessThanOrEqual(previous + 1e-15);
      previous = p;
    }
    expect(previous).toBeLessThan(1e-4);
  });

  it('is more conservative than the fixed-horizon p-value (it pays for peeking)', () => {
    // 10% vs 11.5% with 5,000 per arm: z ≈ 2.43, fixed-horizon p ≈ 0.015.
    const p = sequentialPValue(500, 5000, 575, 5000)!;
    expect(p).toBeGreaterThan(0.015);
  });

  it('carries the running minimum of earlier looks', () => {
    const now = sequentialPValue(1000, 10000, 1010, 10000)!;
    expect(now).toBe(1);
    expect(sequentialPValue(1000, 10000, 1010, 10000, { previousPValue: 0.2 })).toBe(0.2);
    const strong = sequentialPValue(1000, 10000, 1250, 10000)!;
    expect(sequentialPValue(1000, 10000, 1250, 10000, { previousPValue: 0.2 })).toBe(strong);
    expect(sequentialPValue(0, 0, 0, 0, { previousPValue: 0.3 })).toBe(0.3);
  });

  it('honours an explicit mixing variance', () => {
    const wide = sequentialTest(1000, 10000, 1100, 10000, { tau2: 1e-2 });
    const narrow = sequentialTest(1000, 10000, 1100, 10000, { tau2: 1e-6 });
    expect(wide.tau2).toBe(1e-2);
    expect(narrow.tau2).toBe(1e-6);
    expect(wide.pValue).not.toBeCloseTo(narrow.pValue!, 3);
  });

  it('is null where undefined (empty arm, no conversions anywhere), finite for overwhelming evidence', () => {
    expect(sequentialTest(0, 0, 5, 10)).toEqual({ pValue: null, logLikelihoodRatio: null, tau2: null });
    expect(sequentialPValue(0, 1000, 0, 1000)).toBeNull();
    expect(sequentialPValue(1000, 1000, 1000, 1000)).toBeNull();
    expect(sequentialPValue(0, 1_000_000, 500_000, 1_000_000)).toBe(0);
    expect(msprtLogLikelihoodRatio(0.1, 0, 1e-4)).toBeNull();
  });
});
