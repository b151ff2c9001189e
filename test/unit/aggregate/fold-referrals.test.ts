import { describe, expect, it } from 'vitest';
import { deltaKey, foldChange, type Totals } from '../../../lambdas/aggregate/fold.ts';

describe('foldChange, issue 14 fields', () => {
  it('counts inserted REJECTED events per (phase, variant), once, and nothing else of events', () => {
    const deltas = new Map<string, Totals>();
    const event = (outcome: string) => ({ entity: 'Event', experimentId: 'e', variant: 'B', phase: 2, outcome });
    foldChange({ eventName: 'INSERT', newImage: event('REJECTED') }, deltas);
    foldChange({ eventName: 'INSERT', newImage: event('COUNTED') }, deltas);
    foldChange({ eventName: 'MODIFY', oldImage: event('REJECTED'), newImage: event('REJECTED') }, deltas);
    foldChange({ eventName: 'REMOVE', oldImage: event('REJECTED') }, deltas);
    expect(deltas.get(deltaKey('e', 2, 'B'))).toMatchObject({ rejectedAsFraud: 1, signups: 0 });
    expect(deltas.size).toBe(1);
    // Events stored before phases existed count in phase 1.
    foldChange({ eventName: 'INSERT', newImage: { entity: 'Event', experimentId: 'e', variant: 'B', outcome: 'REJECTED' } }, deltas);
    expect(deltas.get(deltaKey('e', 1, 'B'))).toMatchObject({ rejectedAsFraud: 1 });
  });

  it('folds the referrer\'s reward cost into cost and net revenue sums (a revocation lowers them)', () => {
    const deltas = new Map<string, Totals>();
    const a = (revenue: number, rewardCost: number) => ({ entity: 'Assignment', experimentId: 'e', variant: 'A', phase: 3, revenue, rewardCost });
    foldChange({ eventName: 'MODIFY', oldImage: a(0, 0), newImage: a(50, 14) }, deltas);
    foldChange({ eventName: 'MODIFY', oldImage: a(50, 14), newImage: a(50, 10) }, deltas);
    expect(deltas.get(deltaKey('e', 3, 'A'))).toMatchObject({ rewardCost: 10, rewardCostSumSq: 100, netRevenue: 40, netRevenueSumSq: 1600, revenue: 50 });
  });
});
