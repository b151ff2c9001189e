import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { EXPERIMENT_SK, keys } from '../model/keys.ts';
import { liveCountsFromPartition } from '../model/live-counts.ts';
import type { QueryLiveCountsArgs } from '../generated/graphql.ts';

// One Query on the experiment's partition returns its META item and every AGG#<variant> total, so
// the cost is one read per variant however many events were recorded.
export function request(ctx: Context<QueryLiveCountsArgs>) {
  return query({ query: { pk: { eq: keys.experimentPartition(ctx.args.experimentId) } }, consistentRead: true });
}

export function response(ctx: Context<QueryLiveCountsArgs>) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const items = ctx.result.items;
  const meta = items.find((i: { sk: string }) => i.sk === EXPERIMENT_SK);
  if (!meta) return null;
  return liveCountsFromPartition(ctx.args.experimentId, meta, items);
}
