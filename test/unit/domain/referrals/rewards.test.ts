import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Offer, Reward } from '../../../../lambdas/domain/referrals/offer.ts';
import { EMPTY_LEDGER, rewardsFor, transition, type ReferrerLedger } from '../../../../lambdas/domain/referrals/rewards.ts';

const cash = (amount: number): Reward => ({ amount, currency: 'USD', name: null, cost: amount });
const offer = (o: Partial<Offer> = {}): Offer => ({
  trigger: 'FIRST_CONVERSION', referrer: cash(10), referee: cash(5), maxRewardsPerReferrer: null, maxCostPerReferrer: null, tiers: [], ...o,
});
const who = (i: number) => ({ referrerId: 'alice', refereeId: `friend-${i}` });

/** Runs n qualifying referrals through the rule, as the events path would. */
function runMany(o: Offer, n: number) {
  let ledger: ReferrerLedger = EMPTY_LEDGER;
  const grants = [];
  for (let i = 1; i <= n; i++) {
    const d = rewardsFor(o, o.trigger, ledger, who(i));
    grants.push(...d.grants);
    ledger = d.next;
  }
  return { ledger, grants };
}

describe('rewardsFor', () => {
  it('one referrer and one referee reward per qualifying referee, ids from the referee', () => {
    const d = rewardsFor(offer(), 'FIRST_CONVERSION', EMPTY_LEDGER, who(1));
    expect(d.grants.map((g) => [g.role, g.userId, g.rewardId])).toEqual([
      ['REFEREE', 'friend-1', 'REFEREE#friend-1'],
      ['REFERRER', 'alice', 'REFERRER#friend-1'],
    ]);
    expect(d.next).toEqual({ qualified: 1, rewardCount: 1, rewardCost: 10 });
  });

  it('another trigger earns nothing and leaves the ledger', () => {
    expect(rewardsFor(offer(), 'SIGNUP', EMPTY_LEDGER, who(1))).toEqual({ grants: [], withheld: [], next: EMPTY_LEDGER });
    expect(rewardsFor(null, 'SIGNUP', EMPTY_LEDGER, who(1)).grants).toEqual([]);
  });

  it('a tier bonus arrives exactly at its count', () => {
    const { grants } = runMany(offer({ tiers: [{ at: 5, bonus: cash(25) }] }), 7);
    expect(grants.filter((g) => g.tierAt !== null).map((g) => [g.rewardId, g.userId])).toEqual([['TIER#5', 'alice']]);
  });

  it('caps withhold the referrer reward but never the friend\'s', () => {
    const d = rewardsFor(offer({ maxRewardsPerReferrer: 2 }), 'FIRST_CONVERSION', { qualified: 2, rewardCount: 2, rewardCost: 20 }, who(3));
    expect(d.grants.map((g) => g.role)).toEqual(['REFEREE']);
    expect(d.withheld).toEqual([{ rewardId: 'REFERRER#friend-3', reason: 'MAX_REWARDS' }]);
    expect(d.next.qualified).toBe(3);
    const c = rewardsFor(offer({ maxCostPerReferrer: 0.3, referrer: cash(0.1) }), 'FIRST_CONVERSION', { qualified: 2, rewardCount: 2, rewardCost: 0.1 + 0.1 }, who(3));
    expect(c.withheld).toEqual([]); // 0.1 + 0.1 + 0.1 is within a 0.3 cap despite binary floats
  });

  it('property: caps hold, the friend always gets theirs, ids never repeat', () => {
    const reward = fc.oneof(fc.integer({ min: 1, max: 5000 }).map((c) => cash(c / 100)), fc.constant(null));
    fc.assert(
      fc.property(
        reward, reward,
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
        fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 4 }),
        fc.integer({ min: 0, max: 40 }),
        (referrer, referee, maxRewards, maxCost, tierAts, n) => {
          const o = offer({ referrer, referee, maxRewardsPerReferrer: maxRewards, maxCostPerReferrer: maxCost, tiers: tierAts.sort((a, b) => a - b).map((at) => ({ at, bonus: cash(3) })) });
          const { ledger, grants } = runMany(o, n);
          const mine = grants.filter((g) => g.role === 'REFERRER');
          expect(ledger.qualified).toBe(n);
          expect(ledger.rewardCount).toBe(mine.length);
          expect(ledger.rewardCost).toBeCloseTo(mine.reduce((s, g) => s + g.reward.cost, 0), 9);
          if (maxRewards !== null) expect(mine.length).toBeLessThanOrEqual(maxRewards);
          if (maxCost !== null) expect(ledger.rewardCost).toBeLessThanOrEqual(maxCost + 1e-9);
          expect(grants.filter((g) => g.role === 'REFEREE')).toHaveLength(referee ? n : 0);
          expect(new Set(grants.map((g) => `${g.userId}|${g.rewardId}`)).size).toBe(grants.length);
          for (const at of tierAts) {
            const bonus = grants.some((g) => g.tierAt === at);
            if (at > n) expect(bonus).toBe(false);
            if (at <= n && maxRewards === null && maxCost === null) expect(bonus).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });
});

describe('transition', () => {
  it('PENDING moves once; the same request repeats; another is refused', () => {
    expect(transition({ status: 'PENDING', requestId: null }, 'FULFILLED', 'r1')).toEqual({ ok: true, status: 'FULFILLED', changed: true });
    expect(transition({ status: 'FULFILLED', requestId: 'r1' }, 'FULFILLED', 'r1')).toEqual({ ok: true, status: 'FULFILLED', changed: false });
    expect(transition({ status: 'FULFILLED', requestId: 'r1' }, 'REVOKED', 'r2')).toMatchObject({ ok: false });
    expect(transition({ status: 'REVOKED', requestId: 'r1' }, 'REVOKED', 'r2')).toMatchObject({ ok: false });
  });
});
