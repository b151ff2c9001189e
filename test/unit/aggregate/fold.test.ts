import { describe, expect, it } from 'vitest';
import { deltaKey, emptyTotals, foldChange, parseDeltaKey, type Change, type Totals } from '../../../lambdas/aggregate/fold.ts';

const assignment = (variant: string, phase: number | undefined, counters: Record<string, number> = {}) => ({ entity: 'Assignment', experimentId: 'e1', variant, ...(phase ? { phase } : {}), ...counters });

function fold(changes: Change[]): Map<string, Totals> {
  const deltas = new Map<string, Totals>();
  for (const c of changes) foldChange(c, deltas);
  return deltas;
}

describe('foldChange', () => {
  it('keys totals by (experiment, phase, variant); items without a phase count in phase 1', () => {
    const d = fold([
      { eventName: 'INSERT', newImage: assignment('A', 2) },
      { eventName: 'INSERT', newImage: assignment('A', undefined) },
      { eventName: 'INSERT', newImage: assignment('B', 2) },
    ]);
    expect([...d.keys()].sort()).toEqual([deltaKey('e1', 1, 'A'), deltaKey('e1', 2, 'A'), deltaKey('e1', 2, 'B')].sort());
    expect(d.get(deltaKey('e1', 2, 'A'))!.exposures).toBe(1);
    expect(parseDeltaKey(deltaKey('e1', 3, 'a|b'))).toEqual({ experimentId: 'e1', phase: 3, variant: 'a|b' });
  });

  it('a referrer invited, or brought a signup or a conversion; counted once per user', () => {
    const d = fold([
      // Signups through a shared code without any tracked invite: still a referrer.
      { eventName: 'MODIFY', oldImage: assignment('A', 1), newImage: assignment('A', 1, { signups: 1 }) },
      { eventName: 'MODIFY', oldImage: assignment('A', 1, { signups: 1 }), newImage: assignment('A', 1, { signups: 1, invites: 1 }) },
      { eventName: 'MODIFY', oldImage: assignment('B', 1), newImage: assignment('B', 1, { conversions: 1, revenue: 5 }) },
      { eventName: 'MODIFY', oldImage: assignment('B', 1), newImage: assignment('B', 1, { clicks: 1 }) },
    ]);
    expect(d.get(deltaKey('e1', 1, 'A'))).toMatchObject({ referrers: 1, signups: 1, invites: 1 });
    expect(d.get(deltaKey('e1', 1, 'B'))).toMatchObject({ referrers: 1, convertingReferrers: 1, clicks: 1 });
  });

  it('an attribution counts a converting referee in the referrer’s phase; REMOVE never un-counts', () => {
    const d = fold([
      { eventName: 'MODIFY', oldImage: { entity: 'Attribution', experimentId: 'e1', variant: 'B', phase: 2 }, newImage: { entity: 'Attribution', experimentId: 'e1', variant: 'B', phase: 2, conversions: 1 } },
      { eventName: 'REMOVE', oldImage: assignment('B', 2, { invites: 3 }) },
    ]);
    expect([...d.keys()]).toEqual([deltaKey('e1', 2, 'B')]);
    expect(d.get(deltaKey('e1', 2, 'B'))).toEqual({ ...emptyTotals(), convertingReferees: 1 });
  });
});
