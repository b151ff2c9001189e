import { describe, expect, it } from 'vitest';
import { confidenceSequenceHalfWidth, differenceConfidenceSequence } from '../../../lambdas/domain/stats/confidenceSequence.ts';
import { decide } from '../../../lambdas/domain/stats/decision.ts';
import { holmAdjust } from '../../../lambdas/domain/stats/holm.ts';
import { msprtLogLikelihoodRatio, sequentialPValue } from '../../../lambdas/domain/stats/msprt.ts';
import { requiredSampleSizePerVariant } from '../../../lambdas/domain/stats/sampleSize.ts';
import {
  msprtCriticalZ,
  relativeEffectScaleFor,
  sequentialPowerAtLook,
  sequentialSampleSizePerVariant,
  TAU_PER_MDE,
} from '../../../lambdas/domain/stats/sequentialSampleSize.ts';
import { bisect, normalCdf } from './helpers/reference.ts';
import { binomialDraw } from './helpers/sim.ts';
import { mulberry32 } from './helpers/random.ts';

describe('always-valid interval of the difference (confidence sequence)', () => {
  it('its ends are where the mixture ratio centred there equals 1/alpha (root-found, 1e-9)', () => {
    for (const [v, tau2, alpha] of [[1e-5, 1e-4, 0.05], [4e-4, 1e-4, 0.05], [2e-6, 5e-5, 0.01]] as const) {
      const h = confidenceSequenceHalfWidth(v, tau2, alpha)!;
      const root = bisect((d) => msprtLogLikelihoodRatio(d, v, tau2)! - Math.log(1 / alpha), 0, 1);
      expect(Math.abs(h - root) / root).toBeLessThan(1e-9);
    }
  });

  it('is centred on the observed difference, uses the unpooled variance, and is null for an empty arm', () => {
    const ci = differenceConfidenceSequence(100, 1000, 130, 1000, 1e-4)!;
    const v = (0.1 * 0.9) / 1000 + (0.13 * 0.87) / 1000;
    expect((ci[0] + ci[1]) / 2).toBeCloseTo(0.03, 12);
    expect((ci[1] - ci[0]) / 2).toBeCloseTo(confidenceSequenceHalfWidth(v, 1e-4, 0.05)!, 12);
    expect(differenceConfidenceSequence(0, 0, 5, 10, 1e-4)).toBeNull();
    expect(differenceConfidenceSequence(0, 10, 0, 10, 1e-4)).toBeNull();
  });

  it('covers the true difference at every one of 30 looks at once in ≥ 95% of 1,000 seeded runs', () => {
    const random = mulberry32(5150);
    let missed = 0;
    for (let run = 0; run < 1000; run++) {
      let xA = 0, xB = 0, n = 0;
      for (let look = 0; look < 30; look++) {
        n += 500;
        xA += binomialDraw(random, 500, 0.1);
        xB += binomialDraw(random, 500, 0.12);
        const ci = differenceConfidenceSequence(xA, n, xB, n, (0.075 * 0.11) ** 2)!;
        if (!(ci[0] <= 0.02 && 0.02 <= ci[1])) {
          missed++;
          break;
        }
      }
    }
    expect(missed / 1000).toBeLessThanOrEqual(0.05);
  });
});

describe('sequential sample size', () => {
  it('c(r) is the |z| at which 1/Λ = alpha', () => {
    for (const r of [0.5, 8.2, 40]) {
      const c = msprtCriticalZ(r, 0.05)!;
      const v = 1e-4;
      expect(msprtLogLikelihoodRatio(c * Math.sqrt(v), v, r * v)!).toBeCloseTo(Math.log(20), 10);
    }
    expect(msprtCriticalZ(0, 0.05)).toBeNull();
  });

  it('plans the smallest n whose single look has the requested power; ~1.9× the fixed horizon for 10% on 10%', () => {
    const input = { baselineRate: 0.1, relativeMde: 0.1 };
    const n = sequentialSampleSizePerVariant(input)!;
    expect(sequentialPowerAtLook(n, input)!).toBeGreaterThanOrEqual(0.8);
    expect(sequentialPowerAtLook(n - 1, input)!).toBeLessThan(0.8);
    const fixed = requiredSampleSizePerVariant(input)!;
    expect(n / fixed).toBeGreaterThan(1.8);
    expect(n / fixed).toBeLessThan(2);
    // By hand at n: τ = 0.075·p̄, V0 = 2p̄(1 − p̄)/n, power = Φ((δ − c·√V0)/√V1).
    const pBar = 0.105;
    const v0 = (2 * pBar * 0.895) / n;
    const c = msprtCriticalZ((0.075 * pBar) ** 2 / v0, 0.05)!;
    expect(sequentialPowerAtLook(n, input)).toBeCloseTo(normalCdf((0.01 - c * Math.sqrt(v0)) / Math.sqrt((0.09 + 0.11 * 0.89) / n), 0, 1), 9);
    // More treatments (Holm's first step at alpha/m) need more users; impossible inputs give null.
    expect(sequentialSampleSizePerVariant({ ...input, comparisons: 3 })!).toBeGreaterThan(n);
    expect(sequentialSampleSizePerVariant({ baselineRate: 0, relativeMde: 0.1 })).toBeNull();
    expect(sequentialSampleSizePerVariant({ baselineRate: 0.6, relativeMde: 1 })).toBeNull();
  });

  it('tunes τ to the MDE (0.75 × MDE × p̄), and falls back to 0.1 × p̄ without one', () => {
    expect(TAU_PER_MDE).toBe(0.75);
    expect(relativeEffectScaleFor(0.2)).toBeCloseTo(0.15, 15);
    expect(relativeEffectScaleFor(null)).toBe(0.1);
  });
});

describe('decide', () => {
  const control = { key: 'A', users: 20_000, conversions: 2_000 };

  it('TREATMENT_BETTER / TREATMENT_WORSE when the always-valid p is below alpha, with the direction of the difference', () => {
    const { treatments } = decide({ relativeMde: 0.1, control, treatments: [{ key: 'B', users: 20_000, conversions: 2_300 }, { key: 'C', users: 20_000, conversions: 1_700 }] });
    const [b, c] = treatments;
    expect(b!.decision).toBe('TREATMENT_BETTER');
    expect(b!.significant).toBe(true);
    expect(b!.decisionReason).toMatch(/B beats A by \+1\.50 pp: always-valid p .* \(Holm-adjusted\) < 0\.05/);
    expect(c!.decision).toBe('TREATMENT_WORSE');
    expect(c!.decisionReason).toMatch(/C trails A by -1\.50 pp/);
    expect(b!.alwaysValidCi![0]).toBeGreaterThan(0);
  });

  it('adjusts the running-minimum p-values with Holm across treatments', () => {
    const treatments = [{ key: 'B', users: 20_000, conversions: 2_120 }, { key: 'C', users: 20_000, conversions: 2_060 }];
    const out = decide({ relativeMde: 0.1, control, treatments });
    const raw = treatments.map((t) => sequentialPValue(2_000, 20_000, t.conversions, t.users, { relativeEffectScale: relativeEffectScaleFor(0.1) }));
    expect(out.treatments.map((t) => t.sequentialPValue)).toEqual(raw);
    expect(out.treatments.map((t) => t.sequentialPValueAdjusted)).toEqual(holmAdjust(raw));
  });

  it('carries the stored running minimum: a significant look stays significant when the data drift back', () => {
    const first = decide({ relativeMde: 0.1, control, treatments: [{ key: 'B', users: 20_000, conversions: 2_300 }] }).treatments[0]!;
    expect(first.decision).toBe('TREATMENT_BETTER');
    const laterData = { key: 'B', users: 21_000, conversions: 2_150 };
    const without = decide({ relativeMde: 0.1, control: { key: 'A', users: 21_000, conversions: 2_100 }, treatments: [laterData] }).treatments[0]!;
    expect(without.decision).toBe('KEEP_RUNNING');
    const carried = decide({ relativeMde: 0.1, control: { key: 'A', users: 21_000, conversions: 2_100 }, treatments: [{ ...laterData, previousSequentialPValue: first.sequentialPValue }] }).treatments[0]!;
    expect(carried.sequentialPValue).toBe(first.sequentialPValue);
    expect(carried.decision).toBe('TREATMENT_BETTER');
  });

  it('KEEP_RUNNING before the planned size, with the progress in the reason', () => {
    const out = decide({ relativeMde: 0.1, control: { key: 'A', users: 5_000, conversions: 500 }, treatments: [{ key: 'B', users: 5_000, conversions: 510 }] });
    const t = out.treatments[0]!;
    expect(t.decision).toBe('KEEP_RUNNING');
    expect(t.significant).toBe(false);
    expect(t.decisionReason).toMatch(/5,000 of [\d,]+ planned users per variant/);
    expect(out.plan.requiredUsersPerVariant).toBe(sequentialSampleSizePerVariant({ baselineRate: 0.1, relativeMde: 0.1, relativeEffectScale: relativeEffectScaleFor(0.1) }));
    expect(out.plan.progress).toBeCloseTo(5_000 / out.plan.requiredUsersPerVariant!, 12);
  });

  it('NO_DIFFERENCE only once the planned size is reached and the always-valid interval lies inside ±MDE', () => {
    const n = 60_000;
    const reached = decide({ relativeMde: 0.1, control: { key: 'A', users: n, conversions: 6_000 }, treatments: [{ key: 'B', users: n, conversions: 6_020 }] });
    const t = reached.treatments[0]!;
    expect(reached.plan.progress).toBe(1);
    expect(t.alwaysValidCi![0]).toBeGreaterThan(-0.01);
    expect(t.alwaysValidCi![1]).toBeLessThan(0.01);
    expect(t.decision).toBe('NO_DIFFERENCE');
    expect(t.significant).toBe(false);
    expect(t.decisionReason).toMatch(/inside ±1\.00 pp/);
    // Same interval but a larger MDE's plan not reached yet → keep running.
    const early = decide({ relativeMde: 0.1, control: { key: 'A', users: 8_000, conversions: 800 }, treatments: [{ key: 'B', users: 8_000, conversions: 802 }] });
    expect(early.treatments[0]!.decision).toBe('KEEP_RUNNING');
    // Planned size reached but the interval still reaches beyond the MDE → inconclusive, keep running.
    const wide = decide({ relativeMde: 0.1, control: { key: 'A', users: 30_000, conversions: 3_000 }, treatments: [{ key: 'B', users: 30_000, conversions: 3_150 }] });
    expect(wide.plan.progress).toBe(1);
    expect(wide.treatments[0]!.decision).toBe('KEEP_RUNNING');
    expect(wide.treatments[0]!.decisionReason).toMatch(/^Planned size reached but inconclusive/);
  });

  it('without an MDE: no plan and never NO_DIFFERENCE; empty arms keep running', () => {
    const out = decide({ relativeMde: null, control: { key: 'A', users: 60_000, conversions: 6_000 }, treatments: [{ key: 'B', users: 60_000, conversions: 6_000 }] });
    expect(out.plan.requiredUsersPerVariant).toBeNull();
    expect(out.treatments[0]!.decision).toBe('KEEP_RUNNING');
    expect(out.treatments[0]!.decisionReason).toMatch(/no minimum detectable effect/);
    const empty = decide({ relativeMde: 0.1, control: { key: 'A', users: 0, conversions: 0 }, treatments: [{ key: 'B', users: 0, conversions: 0 }] });
    expect(empty.treatments[0]).toMatchObject({ decision: 'KEEP_RUNNING', sequentialPValue: null, alwaysValidCi: null, significant: false });
    expect(empty.plan.progress).toBeNull();
  });
});
