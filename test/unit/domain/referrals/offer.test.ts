import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '../../../../lambdas/domain/errors.ts';
import { checkOffer, checkReward, refereeView } from '../../../../lambdas/domain/referrals/offer.ts';

function run<T>(f: (p: FieldProblem[]) => T) {
  const problems: FieldProblem[] = [];
  const value = f(problems);
  return { value, problems, fields: problems.map((p) => p.field) };
}

describe('checkReward', () => {
  it('cash rewards take the experiment currency and cost their amount', () => {
    expect(run((p) => checkReward({ amount: 5 }, 'r', 'EUR', p)).value).toEqual({ amount: 5, currency: 'EUR', name: null, cost: 5 });
  });

  it('non-cash rewards need a name and a cost', () => {
    expect(run((p) => checkReward({ name: ' 1 free month ', cost: 7.5 }, 'r', 'USD', p)).value).toEqual({ amount: null, currency: null, name: '1 free month', cost: 7.5 });
    expect(run((p) => checkReward({ name: 'Free month' }, 'r', 'USD', p)).fields).toEqual(['r.cost']);
  });

  it('refuses both or neither, another currency, negative or zero amounts', () => {
    expect(run((p) => checkReward({ amount: 5, name: 'x', cost: 1 }, 'r', 'USD', p)).problems[0]!.message).toContain('not both');
    expect(run((p) => checkReward({}, 'r', 'USD', p)).problems[0]!.message).toContain('not neither');
    expect(run((p) => checkReward({ amount: 5, currency: 'EUR' }, 'r', 'USD', p)).fields).toEqual(['r.currency']);
    expect(run((p) => checkReward({ amount: 0 }, 'r', 'USD', p)).fields).toEqual(['r.amount']);
    expect(run((p) => checkReward({ amount: -1 }, 'r', 'USD', p)).value).toBeUndefined();
  });
});

describe('checkOffer', () => {
  const offer = {
    trigger: 'FIRST_CONVERSION',
    referrer: { amount: 10 },
    referee: { amount: 10, currency: 'USD' },
    maxRewardsPerReferrer: 5,
    maxCostPerReferrer: 100,
    tiers: [{ at: 5, bonus: { amount: 25 } }, { at: 2, bonus: { name: 'T-shirt', cost: 8 } }],
  };

  it('normalizes a full offer, tiers sorted', () => {
    const { value, problems } = run((p) => checkOffer(offer, 'variants[0].offer', 'USD', p));
    expect(problems).toEqual([]);
    expect(value!.tiers.map((t) => t.at)).toEqual([2, 5]);
    expect(value!.maxRewardsPerReferrer).toBe(5);
  });

  it('defaults the trigger to FIRST_CONVERSION and null for absent parts', () => {
    expect(run((p) => checkOffer({ referee: { amount: 5 } }, 'o', 'USD', p)).value).toEqual({
      trigger: 'FIRST_CONVERSION', referrer: null, referee: { amount: 5, currency: 'USD', name: null, cost: 5 },
      maxRewardsPerReferrer: null, maxCostPerReferrer: null, tiers: [],
    });
    expect(run((p) => checkOffer(null, 'o', 'USD', p)).value).toBeNull();
  });

  it('collects every problem with its field', () => {
    const { value, fields } = run((p) =>
      checkOffer({ trigger: 'CLICK', referrer: { amount: 'x' }, maxRewardsPerReferrer: 0, tiers: [{ at: 2, bonus: { amount: 1 } }, { at: 2 }] }, 'o', 'USD', p),
    );
    expect(value).toBeUndefined();
    expect(fields).toEqual(['o.trigger', 'o.referrer.amount', 'o.maxRewardsPerReferrer', 'o.tiers[1].at', 'o.tiers[1].bonus']);
  });

  it('refuses an offer that gives nothing', () => {
    expect(run((p) => checkOffer({ trigger: 'SIGNUP' }, 'o', 'USD', p)).problems[0]!.message).toContain('gives nothing');
  });

  it('the friend sees only their side', () => {
    const { value } = run((p) => checkOffer(offer, 'o', 'USD', p));
    expect(refereeView(value!)).toEqual({ trigger: 'FIRST_CONVERSION', referee: { amount: 10, currency: 'USD', name: null, cost: 10 } });
  });
});
