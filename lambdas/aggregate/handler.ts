// Stream aggregator: applies each stream record exactly once — counted events to their referrer's
// counters and the reward ledger (referrer-fold.ts), every change to the totals of its (experiment,
// phase, variant) — in chunks guarded by one marker each, partial failures reported to Lambda
// (exactlyOnce.ts); then publishes each touched experiment's live counts once. Nothing after the
// commits may throw: a failure there would make Lambda retry records whose counts are already in
// (harmless now, but wasted).
import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { callGraphql } from '../shared/graphql-client.ts';
import type { LambdaConfig, LambdaEnv } from '../shared/config.ts';
import { log, observeStream } from '../shared/observability.ts';
import { contextFromEnvironment, type HandlerContext } from '../store/context.ts';
import { totalsOf, type TotalsStore } from '../store/stores.ts';
import { LIVE_COUNT_FIELDS, type LiveCounts, type VariantCounts } from '../../model/live-counts.ts';
import { aggregateOnce, type StreamEvent, type StreamRecord } from './exactlyOnce.ts';

export type { StreamEvent, StreamRecord } from './exactlyOnce.ts';

const PUBLISH = /* GraphQL */ `
  mutation Publish($input: PublishCountsInput!) {
    publishCounts(input: $input) { experimentId updatedAt variants { key exposures invites clicks signups conversions revenue } }
  }
`;

/** Live counts are since the start: every phase's totals, summed per variant. */
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

async function publish(config: LambdaConfig | undefined, totals: TotalsStore, experimentIds: string[]): Promise<void> {
  for (const experimentId of experimentIds) {
    try {
      const counts = await readLiveCounts(totals, experimentId);
      if (!counts) continue;
      const response = await callGraphql(config, PUBLISH, { input: counts });
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
async function publishRewards(config: LambdaConfig | undefined, records: StreamRecord[]): Promise<void> {
  for (const r of records) {
    if (r.eventName !== 'INSERT' || !r.dynamodb.NewImage) continue;
    const item = unmarshall(r.dynamodb.NewImage);
    if (item.entity !== 'Reward') continue;
    try {
      const input = Object.fromEntries(REWARD_FIELDS.map((f) => [f, item[f] ?? null]));
      const response = await callGraphql(config, PUBLISH_REWARD, { input });
      if (response.errors?.length) log().error(`publishRewardEarned for ${String(item.rewardId)} failed`, { errors: response.errors });
    } catch (error) {
      // The reward is in the ledger; a payout worker that missed the push finds it with rewards().
      log().error(`publishRewardEarned for ${String(item.rewardId)} failed`, { error: error as Error });
    }
  }
}

/** The handler on a given environment (the local host passes the Lambda's own). */
export const handlerFor = (env: LambdaEnv) => observeStream('aggregate', (event: StreamEvent) => aggregate(event, contextFromEnvironment(env)));

/** The Lambda's entry point: the only reader of the real environment. */
export const handler = handlerFor(process.env);

/** The handler with its context passed in: `{ batchItemFailures }` for Lambda's ReportBatchItemFailures. */
export async function aggregate(event: StreamEvent, { stores, config }: HandlerContext): Promise<PartialItemFailureResponse> {
  if (!event.Records.length) return { batchItemFailures: [] };
  const { response, experiments } = await aggregateOnce(event, {
    marker: (id) => stores.totals.chunkMarker(id),
    putContinuation: (id, ids) => stores.totals.putContinuation(id, ids),
    applyChunk: (chunk) => stores.totals.applyChunk(chunk),
    referrer: (experimentId, userId) => stores.referrals.counters(experimentId, userId, true),
    experiment: (id) => stores.experiments.get(id, { consistentRead: false }),
  });
  await publish(config, stores.totals, experiments);
  await publishRewards(config, event.Records);
  return response;
}
