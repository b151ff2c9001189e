// The exactly-once logic with an in-memory table that keeps DynamoDB's transaction semantics
// (all or nothing; a cancelled transaction names the markers that already existed). The same
// logic against DynamoDB Local, through the API: test/integration/aggregate.test.ts.
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { aggregateOnce, planChunks, type CommitChunk, type CountedRecord, type StreamRecord } from '../../../lambdas/aggregate/exactlyOnce.ts';
import { emptyTotals, TOTAL_FIELDS } from '../../../lambdas/aggregate/fold.ts';

function memoryTable(options: { failWhen?: (records: CountedRecord[]) => boolean } = {}) {
  const markers = new Set<string>();
  const totals = new Map<string, Record<string, number>>();
  const commit: CommitChunk = async (records, merged) => {
    const applied = records.filter((r) => markers.has(r.eventID)).map((r) => r.eventID);
    if (applied.length) return { ok: false, applied, reason: 'ConditionalCheckFailed' };
    if (options.failWhen?.(records)) return { ok: false, applied: [], reason: 'ProvisionedThroughputExceeded' };
    for (const r of records) markers.add(r.eventID);
    for (const m of merged) {
      const key = `${m.phase}#${m.variant}`;
      const t = totals.get(key) ?? { ...emptyTotals() };
      for (const f of TOTAL_FIELDS) t[f] = (t[f] ?? 0) + m.delta[f];
      totals.set(key, t);
    }
    return { ok: true };
  };
  return { commit, totals };
}

function records(n: number): StreamRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    eventID: `ev${i}`,
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(1000 + i), NewImage: marshall({ entity: 'Assignment', experimentId: 'e1', variant: i % 3 === 0 ? 'A' : 'B', phase: 1 + (i % 2) }) },
  }));
}

describe('aggregateOnce', () => {
  it('any redelivery (twice, halves, overlapping slices) leaves the totals of one delivery', async () => {
    const all = records(30);
    const once = memoryTable();
    await aggregateOnce({ Records: all }, once.commit);
    const redelivered = memoryTable();
    for (const slice of [all, all, all.slice(0, 15), all.slice(15), all.slice(5, 20), all.slice(10, 30), all.slice(29)]) {
      const out = await aggregateOnce({ Records: slice }, redelivered.commit);
      expect(out.response.batchItemFailures).toEqual([]);
    }
    expect(redelivered.totals).toEqual(once.totals);
    expect([...once.totals.values()].reduce((s, t) => s + t.exposures!, 0)).toBe(30);
  });

  it('reports the records of a chunk that failed, by sequence number, and a retry from there counts each once', async () => {
    const all = records(6);
    let fail = true;
    const table = memoryTable({ failWhen: () => fail });
    const out = await aggregateOnce({ Records: all }, table.commit);
    expect(out.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(all.map((r) => r.dynamodb.SequenceNumber));
    fail = false;
    const retry = await aggregateOnce({ Records: all.slice(0) }, table.commit);
    expect(retry.response.batchItemFailures).toEqual([]);
    expect(retry.experiments).toEqual(['e1']);
    expect([...table.totals.values()].reduce((s, t) => s + t.exposures!, 0)).toBe(6);
  });

  it('records that count nothing are not committed and never fail', async () => {
    const table = memoryTable({ failWhen: () => true });
    const other: StreamRecord = { eventID: 'x', eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall({ entity: 'Event', experimentId: 'e1' }) } };
    expect((await aggregateOnce({ Records: [other] }, table.commit)).response.batchItemFailures).toEqual([]);
  });

  it('chunks fit one transaction: markers plus one merged update per totals item ≤ 100', () => {
    const counted = (i: number, variant: string): CountedRecord => ({ eventID: `e${i}`, sequenceNumber: String(i), deltas: [{ experimentId: 'e', phase: 1, variant, delta: emptyTotals() }] });
    const sameItem = planChunks(Array.from({ length: 250 }, (_, i) => counted(i, 'A')));
    expect(sameItem.map((c) => c.length)).toEqual([99, 99, 52]);
    const distinct = planChunks(Array.from({ length: 120 }, (_, i) => counted(i, `v${i}`)));
    expect(distinct.map((c) => c.length)).toEqual([50, 50, 20]);
  });
});
