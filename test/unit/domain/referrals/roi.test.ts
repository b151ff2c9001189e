import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../cli/simulate/prng.ts';
import { roiDelta, sequentialMeanPValue } from '../../../../lambdas/domain/referrals/roi.ts';
import { welchTTest } from '../../../../lambdas/domain/stats/welch.ts';

describe('roiDelta', () => {
  it('property: folding a referrer\'s successive states gives the sums of their final state', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 5_000 })), { maxLength: 8 }), (steps) => {
        let state = { revenue: 0, rewardCost: 0 };
        const sum = { rewardCost: 0, rewardCostSumSq: 0, netRevenue: 0, netRevenueSumSq: 0 };
        for (const [rev, cost] of steps) {
          const next = { revenue: state.revenue + rev / 100, rewardCost: state.rewardCost + cost / 100 };
          const d = roiDelta(state, next);
          for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += d[k];
          state = next;
        }
        const net = state.revenue - state.rewardCost;
        expect(sum.rewardCost).toBeCloseTo(state.rewardCost, 6);
        expect(sum.netRevenue).toBeCloseTo(net, 6);
        expect(sum.netRevenueSumSq).toBeCloseTo(net * net, 3);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

/** Per-user net revenue of a referrer: converts with probability p, the referral pays revenue − cost. */
function arm(rand: () => number, n: number, p: number, revenue: number, cost: number) {
  const m = { users: n, sum: 0, sumSquares: 0, converting: 0 };
  for (let i = 0; i < n; i++) {
    const x = rand() < p ? revenue - cost : 0;
    if (x !== 0) m.converting += 1;
    m.sum += x;
    m.sumSquares += x * x;
  }
  return m;
}

describe('sequentialMeanPValue', () => {
  it('the richer offer converts more but returns less: the mean test sees it', () => {
    const rand = mulberry32(14);
    const cheap = arm(rand, 300, 0.2, 100, 10); // give $5, get $5
    const rich = arm(rand, 300, 0.3, 100, 90); // give $45, get $45
    expect(rich.converting).toBeGreaterThan(cheap.converting);
    expect(rich.sum / rich.users).toBeLessThan(cheap.sum / cheap.users);
    const p = sequentialMeanPValue(cheap, rich)!;
    expect(p).toBeLessThan(0.01);
    expect(welchTTest(cheap, rich).difference).toBeLessThan(0);
  });

  it('under H0 it rejects at most about alpha of the time, even peeking every 50 users', () => {
    const rand = mulberry32(99);
    let rejected = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const a = { users: 0, sum: 0, sumSquares: 0 };
      const b = { users: 0, sum: 0, sumSquares: 0 };
      let p: number | null = null;
      for (let i = 0; i < 1000; i++) {
        for (const m of [a, b]) {
          const x = rand() < 0.2 ? 50 : 0;
          m.users += 1;
          m.sum += x;
          m.sumSquares += x * x;
        }
        if (i % 50 === 49) p = sequentialMeanPValue(a, b, { previousPValue: p });
      }
      if (p !== null && p < 0.05) rejected += 1;
    }
    expect(rejected / runs).toBeLessThanOrEqual(0.06);
  });

  it('carries the running minimum and needs two users per arm', () => {
    expect(sequentialMeanPValue({ users: 1, sum: 1, sumSquares: 1 }, { users: 5, sum: 1, sumSquares: 1 })).toBeNull();
    expect(sequentialMeanPValue({ users: 1, sum: 1, sumSquares: 1 }, { users: 5, sum: 1, sumSquares: 1 }, { previousPValue: 0.2 })).toBe(0.2);
    const same = { users: 100, sum: 50, sumSquares: 60 };
    expect(sequentialMeanPValue(same, same, { previousPValue: 0.01 })).toBe(0.01);
  });
});
