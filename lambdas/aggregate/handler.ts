// Stream aggregator: folds a batch of changes into per-variant totals with one transaction per
// batch (one update per variant plus a marker item for the batch), then publishes each touched
// experiment's totals once. The marker's attribute_not_exists condition makes a retried batch a
// no-op, and nothing after the commit may throw: a failure there would make Lambda retry (or
// bisect) a batch whose counts are already in.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { callGraphql } from '../shared/graphql-client.ts';
import { log, observeStream } from '../shared/observability.ts';
import { contextFromEnvironment, type HandlerContext } from '../store/context.ts';
import { totalsOf, type TotalsStore } from '../store/stores.ts';
import { numberForWrite, type TransactItem } from '../store/table.ts';
import { keys } from '../../model/keys.ts';
import { LIVE_COUNT_FIELDS, type LiveCounts, type VariantCounts } from '../../model/live-counts.ts';
import { foldChange, isZero, TOTAL_FIELDS, type Change, type Image, type Totals } from './fold.ts';

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: {
    SequenceNumber: string;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

export interface StreamEvent {
  Records: StreamRecord[];
}

/** DynamoDB allows 100 items per transaction: 99 variant updates and the batch marker. */
const MAX_UPDATES_PER_TRANSACTION = 99;
const MARKER_TTL_SECONDS = 7 * 86_400;

const image = (raw?: Record<string, AttributeValue>) => (raw ? (unmarshall(raw) as Image) : undefined);

export function foldBatch(records: StreamRecord[]): Map<string, Totals> {
  const deltas = new Map<string, Totals>();
  for (const r of records) {
    const change: Change = { eventName: r.eventName, oldImage: image(r.dynamodb.OldImage), newImage: image(r.dynamodb.NewImage) };
    foldChange(change, deltas);
  }
  for (const [key, d] of deltas) if (isZero(d)) deltas.delete(key);
  return deltas;
}

function aggregateUpdate(experimentId: string, variant: string, d: Totals, now: string): TransactItem {
  const fields = TOTAL_FIELDS.filter((f) => d[f] !== 0);
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#entity': 'entity', '#exp': 'experimentId', '#variant': 'variant' };
  const values: Record<string, unknown> = { ':now': now, ':entity': 'Aggregate', ':exp': experimentId, ':variant': variant };
  fields.forEach((f, i) => {
    names[`#t${i}`] = f;
    values[`:t${i}`] = numberForWrite(d[f]);
  });
  const add = fields.map((_, i) => `#t${i} :t${i}`).join(', ');
  return {
    update: keys.aggregate(experimentId, variant),
    expression: `SET #updatedAt = :now, #entity = :entity, #exp = :exp, #variant = :variant${add ? ` ADD ${add}` : ''}`,
    names,
    values,
  };
}

async function commit(totals: TotalsStore, records: StreamRecord[], deltas: Map<string, Totals>): Promise<void> {
  const first = records[0]!.dynamodb.SequenceNumber;
  const last = records[records.length - 1]!.dynamodb.SequenceNumber;
  const now = new Date().toISOString();
  const updates = [...deltas].map(([key, d]) => {
    const [experimentId, variant] = key.split('|') as [string, string];
    return aggregateUpdate(experimentId, variant, d, now);
  });
  for (let chunk = 0; chunk * MAX_UPDATES_PER_TRANSACTION < updates.length; chunk += 1) {
    const marker: TransactItem = {
      put: {
        ...keys.aggregateBatch(first, last, chunk),
        entity: 'AggregateBatch',
        records: records.length,
        expiresAt: Math.floor(Date.now() / 1000) + MARKER_TTL_SECONDS,
      },
      condition: { expression: 'attribute_not_exists(pk)' },
    };
    const slice = updates.slice(chunk * MAX_UPDATES_PER_TRANSACTION, (chunk + 1) * MAX_UPDATES_PER_TRANSACTION);
    const outcome = await totals.transact(() => [marker, ...slice]);
    if (!outcome.ok && outcome.reasons[0] !== 'ConditionalCheckFailed') {
      throw new Error(`aggregate transaction cancelled: ${outcome.reasons.join(', ')}`);
    }
    // reasons[0] === ConditionalCheckFailed: this chunk of this batch was applied before (a retry).
  }
}

const PUBLISH = /* GraphQL */ `
  mutation Publish($input: PublishCountsInput!) {
    publishCounts(input: $input) { experimentId updatedAt variants { key exposures invites clicks signups conversions revenue } }
  }
`;

export async function readLiveCounts(totals: TotalsStore, experimentId: string): Promise<LiveCounts | null> {
  const partition = await totals.readPartition(experimentId);
  if (!partition) return null;
  const variants = partition.experiment.variants.map((v) => {
    const t = totalsOf(partition, v.key);
    const counts: Record<string, unknown> = { key: v.key };
    for (const f of LIVE_COUNT_FIELDS) counts[f] = t[f];
    return counts as unknown as VariantCounts;
  });
  return { experimentId, variants, updatedAt: partition.updatedAt };
}

async function publish(totals: TotalsStore, experimentIds: string[]): Promise<void> {
  for (const experimentId of experimentIds) {
    try {
      const counts = await readLiveCounts(totals, experimentId);
      if (!counts) continue;
      const response = await callGraphql(PUBLISH, { input: counts });
      if (response.errors?.length) log().error(`publishCounts for ${experimentId} failed`, { errors: response.errors });
    } catch (error) {
      // The totals are committed; a missed push is repaired by the next batch or by liveCounts.
      log().error(`publishCounts for ${experimentId} failed`, { error: error as Error });
    }
  }
}

const PUBLISH_REWARD = /* GraphQL */ `
  mutation PublishReward($input: RewardEarnedInput!) {
    publishRewardEarned(input: $input) {
      rewardId experimentId userId role variant amount currency name cost status referrerId refereeId tierAt eventId createdAt updatedAt requestId revokeReason
    }
  }
`;
const REWARD_FIELDS = [
  'rewardId', 'experimentId', 'userId', 'role', 'variant', 'amount', 'currency', 'name', 'cost', 'status',
  'referrerId', 'refereeId', 'tierAt', 'eventId', 'createdAt', 'updatedAt', 'requestId', 'revokeReason',
] as const;

/** onRewardEarned: every reward item inserted in this batch, for a payout worker. */
async function publishRewards(records: StreamRecord[]): Promise<void> {
  for (const r of records) {
    if (r.eventName !== 'INSERT' || !r.dynamodb.NewImage) continue;
    const item = unmarshall(r.dynamodb.NewImage);
    if (item.entity !== 'Reward') continue;
    try {
      const input = Object.fromEntries(REWARD_FIELDS.map((f) => [f, item[f] ?? null]));
      const response = await callGraphql(PUBLISH_REWARD, { input });
      if (response.errors?.length) console.error(`publishRewardEarned for ${String(item.rewardId)} failed`, response.errors);
    } catch (error) {
      // The reward is in the ledger; a payout worker that missed the push finds it with rewards().
      console.error(`publishRewardEarned for ${String(item.rewardId)} failed`, error);
    }
  }
}

export const handler = observeStream('aggregate', (event: StreamEvent) => aggregate(event, contextFromEnvironment()));

/** The handler with its context passed in. */
export async function aggregate(event: StreamEvent, { stores }: HandlerContext): Promise<{ experiments: number; variants: number }> {
  if (!event.Records.length) return { experiments: 0, variants: 0 };
  const deltas = foldBatch(event.Records);
  if (deltas.size) await commit(stores.totals, event.Records, deltas);
  const experiments = [...new Set([...deltas.keys()].map((k) => k.split('|')[0]!))];
  await publish(stores.totals, experiments);
  await publishRewards(event.Records);
  return { experiments: experiments.length, variants: deltas.size };
}
