import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lambdas/domain/stats/analyze.ts';
import { decide } from '../../../lambdas/domain/stats/decision.ts';
import { StatsInputError } from '../../../lambdas/domain/stats/errors.ts';
import { funnel, isReferrer } from '../../../lambdas/domain/stats/funnel.ts';
import { computePhaseResults, phaseStatsInput, type ResultsInput, type VariantTotals } from '../../../lambdas/domain/stats/results.ts';
import { wilsonInterval } from '../../../lambdas/domain/stats/wilson.ts';

const totals = (key: string, exposures: number, convertingReferrers: number, extra: Partial<VariantTotals> = {}): VariantTotals => ({
  key, exposures, convertingReferrers, referrers: convertingReferrers, invites: 0, clicks: 0, signups: 0, conversions: convertingReferrers, revenue: 0,
  invitesSumSq: 0, conversionsSumSq: convertingReferrers, revenueSumSq: 0, ...extra,
});

describe('funnel', () => {
  it('K is signups per enrolled user, defined without invites (issue 12: 0 invites, 40 signups)', () => {
    const f = funnel({ exposures: 400, referrers: 25, invites: 0, clicks: 30, signups: 40, conversions: 5, revenue: 50 });
    expect(f.viralCoefficient).toBe(0.1);
    expect(f.inviteRate).toBe(25 / 400);
    expect(f.inviteRateCi).toEqual(wilsonInterval(25, 400));
    expect(f.clickThrough).toBeNull(); // no invites
    expect(f.clickThroughCi).toBeNull();
    // 40 signups from 30 clicks: a ratio, not a proportion, so no Wilson interval.
    expect(f.signupRate).toBeCloseTo(40 / 30, 15);
    expect(f.signupRateCi).toBeNull();
    expect(f.conversionsPerReferrer).toBe(0.2);
  });

  it('Wilson intervals on the proportions; nulls for empty denominators', () => {
    const f = funnel({ exposures: 1000, referrers: 120, invites: 300, clicks: 90, signups: 30, conversions: 10, revenue: 0 }, 0.1);
    expect(f.clickThroughCi).toEqual(wilsonInterval(90, 300, 0.1));
    expect(f.signupRateCi).toEqual(wilsonInterval(30, 90, 0.1));
    const empty = funnel({ exposures: 0, referrers: 0, invites: 0, clicks: 0, signups: 0, conversions: 0, revenue: 0 });
    expect([empty.inviteRate, empty.inviteRateCi, empty.viralCoefficient, empty.invitesPerReferrer]).toEqual([null, null, null, null]);
  });

  it('a referrer invited, or brought a signup or a conversion', () => {
    expect(isReferrer({ invites: 1 })).toBe(true);
    expect(isReferrer({ signups: 1 })).toBe(true);
    expect(isReferrer({ conversions: 1 })).toBe(true);
    expect(isReferrer({ invites: 0, signups: 0 })).toBe(false);
    expect(isReferrer({})).toBe(false);
  });
});

describe('computePhaseResults (one phase)', () => {
  const base: ResultsInput = {
    experimentId: 'exp-1',
    control: 'A',
    minimumDetectableEffect: 0.1,
    phase: { number: 2, startedAt: '2026-01-15T00:00:00.000Z', weights: { A: 0.5, B: 0.5 } },
    variants: [totals('A', 10_000, 1_000), totals('B', 10_050, 1_030)],
    computedAt: '2026-02-01T00:00:00.000Z',
  };

  it('tests the split against the phase’s own weights', () => {
    expect(phaseStatsInput(base).expectedSplit).toEqual({ A: 0.5, B: 0.5 });
    expect(computePhaseResults(base).srm.mismatch).toBe(false);
    // The same users judged against the pre-ramp weights would be a mismatch: that is what per-phase SRM avoids.
    expect(computePhaseResults({ ...base, phase: { ...base.phase, weights: { A: 0.9, B: 0.1 } } }).srm.mismatch).toBe(true);
  });

  it('adds phase, final, the decision per treatment, and the sequential plan as the sample size', () => {
    const r = computePhaseResults(base);
    expect(r).toMatchObject({ experimentId: 'exp-1', phase: 2, final: false, control: 'A', alpha: 0.05, computedAt: base.computedAt });
    const expected = decide({ relativeMde: 0.1, control: { key: 'A', users: 10_000, conversions: 1_000 }, treatments: [{ key: 'B', users: 10_050, conversions: 1_030 }] });
    const b = r.variants.find((v) => v.key === 'B')!;
    expect(b.vsControl).toMatchObject({
      decision: expected.treatments[0]!.decision,
      decisionReason: expected.treatments[0]!.decisionReason,
      sequentialPValue: expected.treatments[0]!.sequentialPValue,
      significant: false,
    });
    // The fixed-horizon statistics are still there, unchanged.
    const stats = analyze(phaseStatsInput(base));
    expect(b.vsControl!.pValue).toBe(stats.variants[1]!.vsControl!.pValue);
    expect(r.variants[0]!.vsControl).toBeNull();
    expect(r.sampleSize!.requiredUsersPerVariant).toBe(expected.plan.requiredUsersPerVariant);
    expect(r.sampleSize!.fixedHorizonUsersPerVariant).toBe(14_751);
    expect(r.sampleSize!.progress).toBeCloseTo(10_000 / expected.plan.requiredUsersPerVariant!, 12);
    expect(r.variants[1]!.funnel.exposures).toBe(10_050);
    expect(computePhaseResults({ ...base, final: true }).final).toBe(true);
    expect(computePhaseResults({ ...base, minimumDetectableEffect: null }).sampleSize).toBeNull();
  });

  it('carries the stored running minimum per treatment', () => {
    const r = computePhaseResults({ ...base, previousSequentialPValues: { B: 0.001 } });
    const b = r.variants[1]!.vsControl!;
    expect(b.sequentialPValue).toBe(0.001);
    expect(b.decision).toBe('TREATMENT_BETTER');
    expect(b.significant).toBe(true);
  });

  it('counts only the phase’s variants; a variant without totals is zero; bad totals throw StatsInputError', () => {
    const r = computePhaseResults({ ...base, phase: { ...base.phase, weights: { A: 0.5, B: 0.3, C: 0.2 } }, variants: [totals('A', 100, 10), totals('B', 60, 6), totals('Z', 5, 1)] });
    expect(r.variants.map((v) => [v.key, v.users])).toEqual([['A', 100], ['B', 60], ['C', 0]]);
    expect(() => computePhaseResults({ ...base, variants: [totals('A', 10, 20), totals('B', 10, 1)] })).toThrow(StatsInputError);
  });
});
