// The item -> lake row mapping tolerates the item shapes of every round (no phase, outcome in a
// `result` map, no stored referrer), and the README documents the schema the code defines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../cli/app.ts';
import { partitionDate, resolveReferrer, toLakeRow } from '../../../lambdas/lake/rows.ts';
import { LAKE_TABLES } from '../../../lambdas/lake/schema.ts';

const at = '2026-12-01T10:00:00.000Z';

describe('toLakeRow', () => {
  it('maps an assignment; phase defaults to 1 and counters are not columns', () => {
    const mapped = toLakeRow({ pk: 'EXP#e1#U#u1', sk: 'ASSIGN', entity: 'Assignment', experimentId: 'e1', userId: 'u1', variant: 'B', assignedAt: at, invites: 4 });
    expect(mapped).toEqual({ table: 'assignments', row: { experiment_id: 'e1', phase: 1, user_id: 'u1', variant: 'B', assigned_at: at }, changedAt: at });
    expect(toLakeRow({ entity: 'Assignment', experimentId: 'e1', userId: 'u1', variant: 'B', assignedAt: at, phase: 3 })!.row.phase).toBe(3);
  });

  it('maps an event from its key and flat fields, and asks for its referrer', () => {
    const mapped = toLakeRow({ pk: 'EXP#e1#E#ev-7', sk: 'EVT', entity: 'Event', kind: 'CLICK', outcome: 'COUNTED', variant: 'A', reason: null, code: 'ABCD2345', channel: 'EMAIL', recordedAt: at, occurredAt: null })!;
    expect(mapped.row).toMatchObject({ event_id: 'ev-7', experiment_id: 'e1', kind: 'CLICK', outcome: 'COUNTED', channel: 'EMAIL', phase: 1, referrer_id: null, occurred_at: at, recorded_at: at });
    resolveReferrer(mapped, (c) => (c === 'ABCD2345' ? 'ref-1' : undefined), () => undefined);
    expect(mapped.row.referrer_id).toBe('ref-1');
  });

  it("takes a conversion's referrer from the attribution, and the outcome from an old `result` map", () => {
    const mapped = toLakeRow({ pk: 'EXP#e1#E#c1', entity: 'Event', result: { kind: 'CONVERSION', outcome: 'COUNTED', variant: 'B' }, refereeId: 'f1', value: 12.5, currency: 'EUR', recordedAt: at, occurredAt: at })!;
    expect(mapped.row).toMatchObject({ kind: 'CONVERSION', outcome: 'COUNTED', variant: 'B', value: 12.5, currency: 'EUR', referee_id: 'f1' });
    resolveReferrer(mapped, () => 'wrong', (key) => (key === 'e1\u0000f1' ? 'ref-2' : undefined));
    expect(mapped.row.referrer_id).toBe('ref-2');
  });

  it('keeps a stored referrer and a rejection reason', () => {
    const mapped = toLakeRow({ pk: 'EXP#e1#E#s1', entity: 'Event', kind: 'SIGNUP', outcome: 'REJECTED', reason: 'SELF_REFERRAL', referrerId: 'r9', refereeId: 'r9', recordedAt: at, phase: 2 })!;
    expect(mapped.row).toMatchObject({ outcome: 'REJECTED', reason: 'SELF_REFERRAL', referrer_id: 'r9', phase: 2 });
    expect(mapped.lookup).toBeUndefined();
  });

  it('maps a reward, whose status change is a new version', () => {
    const mapped = toLakeRow({ entity: 'Reward', rewardId: 'w1', experimentId: 'e1', userId: 'u1', role: 'REFERRER', amount: 5, currency: 'USD', status: 'FULFILLED', createdAt: at, updatedAt: '2026-12-02T00:00:00.000Z' })!;
    expect(mapped).toMatchObject({ table: 'rewards', changedAt: '2026-12-02T00:00:00.000Z', row: { reward_id: 'w1', status: 'FULFILLED', amount: 5, created_at: at } });
  });

  it('ignores items outside the lake and incomplete ones', () => {
    expect(toLakeRow({ pk: 'EXP#e1', sk: 'META', entity: 'Experiment' })).toBeNull();
    expect(toLakeRow({ pk: 'CODE#X', sk: 'CODE', referrerId: 'u' })).toBeNull();
    expect(toLakeRow({ entity: 'Assignment', experimentId: 'e1' })).toBeNull();
    expect(toLakeRow({ pk: 'EXP#e1#E#x', entity: 'Event', recordedAt: at })).toBeNull();
  });

  it('partitions by the UTC date', () => {
    expect(partitionDate('2026-12-01T23:59:59.999Z')).toBe('2026-12-01');
    expect(partitionDate('2026-12-02T00:30:00.000+02:00')).toBe('2026-12-01');
  });
});

describe('the README', () => {
  it('lists every lake table with the columns of lambdas/lake/schema.ts', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const t of LAKE_TABLES) expect(readme).toContain(`\`${t.name}(${t.columns.map((c) => c.name).join(', ')})\``);
  });
});
