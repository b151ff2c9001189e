import { describe, expect, it } from 'vitest';
import { requiredSampleSizePerVariant, sampleSizePerVariantExact, twoProportionPower } from '../../../lambdas/domain/stats/sampleSize.ts';

describe('sample size per variant for a two-proportion test', () => {
  // R documentation of power.prop.test (stats package), examples:
  //   power.prop.test(n = 50, p1 = .50, p2 = .75)      ## => power = 0.740
  //   power.prop.test(p1 = .50, p2 = .75, power = .90) ## =>     n = 76.7
  it('reproduces R power.prop.test’s documented examples', () => {
    const n = sampleSizePerVariantExact({ baselineRate: 0.5, relativeMde: 0.5, power: 0.9 })!;
    expect(n).toBeCloseTo(76.7, 1);
    expect(requiredSampleSizePerVariant({ baselineRate: 0.5, relativeMde: 0.5, power: 0.9 })).toBe(77);
    expect(twoProportionPower(50, 0.5, 0.75)).toBeCloseTo(0.74, 3);
  });

  it('is the inverse of the power function (1e-9)', () => {
    for (const baselineRate of [0.01, 0.05, 0.1, 0.3]) {
      for (const relativeMde of [0.05, 0.1, 0.2, -0.1]) {
        for (const power of [0.8, 0.9]) {
          const n = sampleSizePerVariantExact({ baselineRate, relativeMde, power })!;
          expect(Math.abs(twoProportionPower(n, baselineRate, baselineRate * (1 + relativeMde))! - power)).toBeLessThan(1e-9);
          const whole = requiredSampleSizePerVariant({ baselineRate, relativeMde, power })!;
          expect(whole).toBe(Math.ceil(n));
          expect(twoProportionPower(whole, baselineRate, baselineRate * (1 + relativeMde))!).toBeGreaterThanOrEqual(power);
        }
      }
    }
  });

  it('defaults to alpha 0.05 and power 0.8, and grows as the effect shrinks', () => {
    const n10 = requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0.1 })!;
    expect(n10).toBe(requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0.1, alpha: 0.05, power: 0.8 }));
    expect(n10).toBeGreaterThan(14000);
    expect(n10).toBeLessThan(15500);
    expect(requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0.05 })!).toBeGreaterThan(3.5 * n10);
    expect(requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0.1, alpha: 0.01 })!).toBeGreaterThan(n10);
  });

  it('is null for impossible inputs', () => {
    expect(requiredSampleSizePerVariant({ baselineRate: 0, relativeMde: 0.1 })).toBeNull();
    expect(requiredSampleSizePerVariant({ baselineRate: 0.6, relativeMde: 1 })).toBeNull(); // p2 = 1.2
    expect(requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0 })).toBeNull();
    expect(requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0.1, power: 1 })).toBeNull();
    expect(twoProportionPower(0, 0.1, 0.2)).toBeNull();
  });
});
