// The chunk-marker guard (lambdas/aggregate/exactlyOnce.ts) with an in-memory table that keeps
// DynamoDB's transaction semantics (all or nothing; conditions on markers, referrers' `frev` and
// new rewards). The same logic against DynamoDB Local, through the API:
// test/integration/aggregate.test.ts.
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateOnce, MAX_TRANSACTION_ITEMS, type ChunkWrite, type FoldBackend, type StreamRecord } from '../../../lambdas/aggregate/exactlyOnce.ts';
import { emptyTotals, TOTAL_FIELDS } from '../../../lambdas/aggregate/fold.ts';

function memoryTable(options: { failWhen?: (chunk: ChunkWrite) => boolean } = {}) {
  const markers = new Map<string, string[]>();
  const totals = new Map<string, Record<string, number>>();
  const referrers = new Map<string, Record<string, unknown>>();
  const rewards = new Set<string>();
  const sizes: number[] = [];
  for (let r = 0; r < 3; r++) referrers.set(`r${r}`, { entity: 'Assignment', experimentId: 'e1', userId: `r${r}`, variant: r === 0 ? 'A' : 'B', phase: 1 });
  const backend: FoldBackend = {
    marker: async (id) => markers.get(id),
    putContinuation: async (id, ids) => {
      if (!markers.has(id)) markers.set(id, ids);
    },
    referrer: async (_e, userId) => structuredClone(referrers.get(userId)),
    experiment: async () => null,
    async applyChunk(chunk) {
      sizes.push(1 + chunk.deltas.length + chunk.referrers.length + chunk.rewards.length);
      if (markers.has(chunk.markerId)) return { ok: false, markerExists: true, staleReferrers: false, existingRewards: [], reason: 'ConditionalCheckFailed' };
      const stale = chunk.referrers.some((r) => referrers.get(r.userId)?.frev !== r.read.frev);
      if (stale) return { ok: false, markerExists: false, staleReferrers: true, existingRewards: [], reason: 'ConditionalCheckFailed' };
      if (options.failWhen?.(chunk)) return { ok: false, markerExists: false, staleReferrers: false, existingRewards: [], reason: 'ProvisionedThroughputExceeded' };
      markers.set(chunk.markerId, chunk.ids);
      for (const m of chunk.deltas) {
        const key = `${m.phase}#${m.variant}`;
        const t = totals.get(key) ?? { ...emptyTotals() };
        for (const f of TOTAL_FIELDS) t[f] = (t[f] ?? 0) + m.delta[f];
        totals.set(key, t);
      }
      for (const r of chunk.referrers) referrers.set(r.userId, structuredClone(r.next));
      for (const r of chunk.rewards) rewards.add(`${r.pk as string}|${r.sk as string}`);
      return { ok: true };
    },
  };
  return { backend, totals, referrers, markers, sizes };
}

/** Exposures (assignment inserts) and counted invites of three referrers, interleaved. */
function records(n: number): StreamRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const image = i % 4 === 0
      ? { entity: 'Assignment', experimentId: 'e1', variant: i % 3 === 0 ? 'A' : 'B', phase: 1 }
      : { entity: 'Event', agg: 1, kind: 'INVITE', outcome: 'COUNTED', eventId: `inv${i}`, experimentId: 'e1', referrerId: `r${i % 3}`, variant: i % 3 === 0 ? 'A' : 'B', phase: 1 };
    return { eventID: `ev${i}`, eventName: 'INSERT', dynamodb: { SequenceNumber: String(1000 + i), NewImage: marshall(image) } };
  });
}

// `frev` counts the aggregator's writes, which depend on how records were chunked; the rest may not.
const state = (t: ReturnType<typeof memoryTable>) => ({ totals: t.totals, referrers: [...t.referrers.values()].map(({ frev: _, ...r }) => r) });

describe('aggregateOnce', () => {
  const all = records(40);

  it('whole, twice, halves, and whole then halves leave the state of one delivery', async () => {
    const once = memoryTable();
    expect((await aggregateOnce({ Records: all }, once.backend)).response.batchItemFailures).toEqual([]);
    expect([...once.totals.values()].reduce((s, t) => s + t.invites!, 0)).toBe(30);
    expect([...once.referrers.values()].map((r) => r.invites)).toEqual([10, 10, 10]);
    const h = all.length / 2;
    for (const slices of [[all, all], [all.slice(0, h), all.slice(h)], [all, all.slice(0, h), all.slice(h)]]) {
      const t = memoryTable();
      for (const slice of slices) expect((await aggregateOnce({ Records: slice }, t.backend)).response.batchItemFailures).toEqual([]);
      expect(state(t)).toEqual(state(once));
    }
  });

  it('any delivery schedule Lambda can make (each delivery starts at the checkpoint; a crash after the commit keeps it) leaves the state of one delivery', async () => {
    const once = memoryTable();
    await aggregateOnce({ Records: all }, once.backend);
    // Each step: a delivery of `length` records from the checkpoint, committed, then either
    // checkpointed or lost (timeout, crash, a bisected batch: no checkpoint).
    const step = fc.record({ length: fc.integer({ min: 1, max: all.length }), checkpointed: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const t = memoryTable();
        let checkpoint = 0;
        for (const s of [...steps, { length: all.length, checkpointed: true }]) {
          if (checkpoint >= all.length) break;
          const delivery = all.slice(checkpoint, checkpoint + s.length);
          const out = await aggregateOnce({ Records: delivery }, t.backend);
          expect(out.response.batchItemFailures).toEqual([]);
          if (s.checkpointed) checkpoint += delivery.length;
        }
        expect(state(t)).toEqual(state(once));
      }),
      { seed: 16, numRuns: 60 },
    );
  });

  it('reports every record from the first chunk that failed, by sequence number; a retry from there counts each once', async () => {
    const six = records(6);
    let fail = true;
    const table = memoryTable({ failWhen: () => fail });
    const out = await aggregateOnce({ Records: six }, table.backend);
    expect(out.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(six.map((r) => r.dynamodb.SequenceNumber));
    fail = false;
    const retry = await aggregateOnce({ Records: six }, table.backend);
    expect(retry.response.batchItemFailures).toEqual([]);
    expect(retry.experiments).toEqual(['e1']);
    expect([...table.totals.values()].reduce((s, t) => s + t.invites!, 0)).toBe(4);
  });

  it('a referrer changed under the chunk (another shard) sends it round again from a fresh read', async () => {
    const t = memoryTable();
    const read = t.backend.referrer;
    let raced = false;
    t.backend.referrer = async (e, userId) => {
      const item = await read(e, userId);
      // Another writer moves r1 once, between this read and the commit.
      if (!raced && userId === 'r1') {
        raced = true;
        t.referrers.set('r1', { ...t.referrers.get('r1')!, frev: 7, invites: 5 });
      }
      return item;
    };
    await aggregateOnce({ Records: records(12) }, t.backend);
    expect(t.referrers.get('r1')).toMatchObject({ invites: 5 + 3, frev: 8 });
  });

  it('records that count nothing are not committed and never fail', async () => {
    const table = memoryTable({ failWhen: () => true });
    const other: StreamRecord = { eventID: 'x', eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall({ entity: 'Event', experimentId: 'e1' }) } };
    expect((await aggregateOnce({ Records: [other] }, table.backend)).response.batchItemFailures).toEqual([]);
    expect(table.sizes).toEqual([]);
  });

  it('a chunk fits one transaction (≤ 100 items) and holds one marker, whatever the batch', async () => {
    const many = Array.from({ length: 500 }, (_, i): StreamRecord => ({
      eventID: `a${i}`, eventName: 'INSERT',
      dynamodb: { SequenceNumber: String(i), NewImage: marshall({ entity: 'Assignment', experimentId: 'e1', variant: `v${i % 150}`, phase: 1 }) },
    }));
    const t = memoryTable();
    await aggregateOnce({ Records: many }, t.backend);
    expect(Math.max(...t.sizes)).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
    expect(t.markers.size).toBe(t.sizes.length);
    expect([...t.totals.values()].reduce((s, x) => s + x.exposures!, 0)).toBe(500);
  });
});
