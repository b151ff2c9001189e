import { describe, expect, it } from 'vitest';
import {
  conversionProbability,
  DEFAULT_MODEL,
  expectedConvertingRate,
  expectedRequestsPerUser,
  planUser,
  roundCents,
  trueEffect,
  type FunnelModel,
} from '../../cli/simulate/model.ts';
import { createRng, deriveSeed } from '../../cli/simulate/prng.ts';

const simulateShare = (model: FunnelModel, treatment: boolean, lift: number, users: number, seed: number) => {
  let converting = 0;
  let requests = 0;
  for (let i = 0; i < users; i += 1) {
    const plan = planUser(createRng(deriveSeed(seed, i)), model, { treatment, lift });
    if (plan.conversions.length > 0) converting += 1;
    requests += 1 + (plan.invites.length ? 1 : 0) + plan.invites.length + plan.clicks.length + plan.signups.length + plan.conversions.length;
  }
  return { share: converting / users, requestsPerUser: requests / users };
};

describe('the referral funnel model', () => {
  it('keeps causality: clicks come from invites, signups from clicks, conversions from signed-up referees', () => {
    for (let i = 0; i < 2000; i += 1) {
      const plan = planUser(createRng(deriveSeed(1, i)), DEFAULT_MODEL, { treatment: i % 2 === 0, lift: 0.5 });
      expect(plan.clicks.every((invite) => invite >= 0 && invite < plan.invites.length)).toBe(true);
      expect(new Set(plan.clicks).size).toBe(plan.clicks.length);
      expect(plan.signups.every((click) => click >= 0 && click < plan.clicks.length)).toBe(true);
      expect(plan.conversions.every((c) => c.referee >= 0 && c.referee < plan.signups.length && c.value > 0)).toBe(true);
      expect(plan.conversions.every((c) => Math.round(c.value * 100) === c.value * 100 || roundCents(c.value) === c.value)).toBe(true);
      if (plan.invites.length === 0) expect(plan).toEqual({ invites: [], clicks: [], signups: [], conversions: [] });
    }
  });

  it('is deterministic for a seed', () => {
    const a = planUser(createRng(99), DEFAULT_MODEL, { treatment: true, lift: 0.2 });
    const b = planUser(createRng(99), DEFAULT_MODEL, { treatment: true, lift: 0.2 });
    expect(a).toEqual(b);
  });

  it('multiplies only the treatment conversion probability by 1 + lift, within [0, 1]', () => {
    expect(conversionProbability(DEFAULT_MODEL, false, 0.5)).toBe(DEFAULT_MODEL.conversionProbability);
    expect(conversionProbability(DEFAULT_MODEL, true, 0.5)).toBeCloseTo(DEFAULT_MODEL.conversionProbability * 1.5, 12);
    expect(conversionProbability(DEFAULT_MODEL, true, 10)).toBe(1);
    expect(conversionProbability(DEFAULT_MODEL, true, -0.99999)).toBeGreaterThanOrEqual(0);
  });

  it('matches its analytic expectation of the primary metric (Monte Carlo, 60,000 users per arm)', () => {
    const lift = 0.3;
    const truth = trueEffect(DEFAULT_MODEL, lift);
    const control = simulateShare(DEFAULT_MODEL, false, lift, 60_000, 1234);
    const treatment = simulateShare(DEFAULT_MODEL, true, lift, 60_000, 5678);
    // Standard error of a share near 0.1 with 60,000 users is about 0.0012; allow 4 of them.
    expect(Math.abs(control.share - truth.controlRate)).toBeLessThan(0.005);
    expect(Math.abs(treatment.share - truth.treatmentRate)).toBeLessThan(0.005);
    expect(truth.treatmentRate).toBeGreaterThan(truth.controlRate);
    expect(truth.relativeLift).toBeGreaterThan(0.2);
    expect(truth.relativeLift).toBeLessThan(lift);
    expect(Math.abs(control.requestsPerUser - expectedRequestsPerUser(DEFAULT_MODEL, DEFAULT_MODEL.conversionProbability))).toBeLessThan(0.05);
  });

  it('has no effect at lift 0 and a negative one below 0', () => {
    expect(trueEffect(DEFAULT_MODEL, 0).relativeLift).toBe(0);
    expect(trueEffect(DEFAULT_MODEL, -0.5).relativeLift).toBeLessThan(0);
  });

  it('computes the closed form by hand for a simple model', () => {
    const model: FunnelModel = { ...DEFAULT_MODEL, shareProbability: 1, extraInvitesMean: 0, clickProbability: 1, signupProbability: 1 };
    // One invite, always clicked and signed up: the share equals the conversion probability.
    expect(expectedConvertingRate(model, 0.25)).toBeCloseTo(0.25, 12);
  });
});
