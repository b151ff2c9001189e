import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../../lambdas/events/fingerprint.ts';
import { conversionCurrency, planClick, planConversion, planInvite, planSignup, type ExperimentFacts } from '../../../../lambdas/domain/referrals/plan.ts';
import { referrerStateOf } from '../../../../lambdas/domain/referrals/referrer-state.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const cash = (amount: number) => ({ amount, currency: 'USD', name: null, cost: amount });
const experiment = (o: Partial<ExperimentFacts> = {}): ExperimentFacts => ({
  id: 'e1', status: 'RUNNING', salt: 's', currency: 'USD', attributionWindowDays: 30, fraudRules: null,
  offer: { trigger: 'SIGNUP', referrer: cash(10), referee: cash(5), maxRewardsPerReferrer: null, maxCostPerReferrer: null, tiers: [] }, ...o,
});
const code = { code: 'ABCD2345', referrerId: 'alice', variant: 'B', createdAt: '2026-03-09T12:00:00.000Z' };

describe('plans', () => {
  it('an invite remembers the referrer\'s hashed device and IP, never the raw values', () => {
    const p = planInvite({ experiment: experiment(), code, occurredAt: null, now: NOW, deviceHash: fingerprint('s', 'phone'), ipHash: fingerprint('s', '10.1.2.3') });
    expect(p).toMatchObject({ type: 'COUNTED', referrer: { set: { deviceHash: fingerprint('s', 'phone'), ipHash: fingerprint('s', '10.1.2.3') }, add: { invites: 1 } } });
    expect(JSON.stringify(p)).not.toContain('10.1.2.3');
  });

  it('a click from the referrer\'s device is rejected', () => {
    const referrer = referrerStateOf({ deviceHash: fingerprint('s', 'phone') });
    expect(planClick({ experiment: experiment(), code, occurredAt: null, now: NOW, deviceHash: fingerprint('s', 'phone'), referrer })).toMatchObject({ type: 'REJECTED', verdict: { reason: 'SAME_DEVICE' } });
    expect(planClick({ experiment: experiment({ status: 'PAUSED' }), code, occurredAt: null, now: NOW, deviceHash: fingerprint('s', 'tablet'), referrer })).toMatchObject({ type: 'COUNTED', paused: true });
  });

  it('a counted signup moves velocity, the shared-IP count and the ledger, conditioned on rev', () => {
    const referrer = referrerStateOf({ rev: 4, ipHash: fingerprint('s', '10.1.2.3'), code: 'ABCD2345', qualified: 1, rewardCount: 1, referrerRewardCost: 10 });
    const p = planSignup({ experiment: experiment(), code, input: { refereeId: 'bob', occurredAt: null, ipHash: fingerprint('s', '10.1.2.3') }, now: NOW, referrer, referrerReferredBy: null, refereeHasCode: false });
    expect(p).toMatchObject({
      type: 'COUNTED',
      attributedAt: NOW.toISOString(),
      referrer: {
        expectRev: 4,
        set: { rev: 5, vcount: 1, qualified: 2, rewardCount: 2, referrerRewardCost: 20 },
        add: { signups: 1, ipReferees: 1, rewardCost: 15 },
      },
    });
    if (p.type === 'COUNTED') expect(p.rewards.map((r) => r.rewardId)).toEqual(['REFEREE#bob', 'REFERRER#bob']);
  });

  it('per-experiment thresholds replace the defaults', () => {
    const referrer = referrerStateOf({ vwin: Date.parse('2026-03-10T00:00:00Z'), vcount: 2 });
    const facts = { code, input: { refereeId: 'bob', occurredAt: null }, now: NOW, referrer, referrerReferredBy: null, refereeHasCode: false };
    expect(planSignup({ ...facts, experiment: experiment() }).type).toBe('COUNTED');
    expect(planSignup({ ...facts, experiment: experiment({ fraudRules: { maxSignupsPerReferrerPerWindow: 2 } }) })).toMatchObject({ type: 'REJECTED', verdict: { reason: 'VELOCITY' } });
  });

  it('only the first conversion of a referee earns FIRST_CONVERSION rewards; windows and times still apply', () => {
    const exp = experiment({ offer: { trigger: 'FIRST_CONVERSION', referrer: cash(10), referee: null, maxRewardsPerReferrer: null, maxCostPerReferrer: null, tiers: [] } });
    const attribution = { referrerId: 'alice', variant: 'B', attributedAt: '2026-03-10T10:00:00.000Z', conversions: 0 };
    const base = { experiment: exp, attribution, refereeId: 'bob', value: 50, occurredAt: null, now: NOW, referrer: referrerStateOf(undefined) };
    const first = planConversion(base);
    expect(first).toMatchObject({ type: 'COUNTED', firstConversion: true, referrer: { add: { conversions: 1, revenue: 50, rewardCost: 10 }, expectRev: 0 } });
    const second = planConversion({ ...base, attribution: { ...attribution, conversions: 1 } });
    expect(second).toMatchObject({ type: 'COUNTED', firstConversion: false, rewards: [], referrer: { expectRev: null } });
    expect(planConversion({ ...base, occurredAt: '2026-03-10T09:00:00.000Z' }).type).toBe('UNATTRIBUTED');
    expect(planConversion({ ...base, occurredAt: '2026-03-11T09:00:00.000Z' })).toMatchObject({ type: 'REJECTED', verdict: { reason: 'INVALID_TIME' } });
  });

  it('currency is optional and defaults to the experiment\'s', () => {
    expect(conversionCurrency(undefined, 'EUR')).toEqual({ currency: 'EUR' });
    expect(conversionCurrency('EUR', 'EUR')).toEqual({ currency: 'EUR' });
    expect(conversionCurrency('USD', 'EUR')).toHaveProperty('problem');
  });
});
