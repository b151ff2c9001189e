import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { keys } from '../model/keys.ts';

const MAX_LIMIT = 100;

// Alerts are the items P#<phase>#<kind> of EXP#<id>#ALERT (one per phase and kind); descending
// sort keys list the latest phase first.
export function request(ctx: Context<{ experimentId: string; limit?: number | null; nextToken?: string | null }>) {
  const limit = ctx.args.limit ?? 20;
  if (limit < 1 || limit > MAX_LIMIT) util.error(`limit must be between 1 and ${MAX_LIMIT}, got ${limit}`, 'ValidationError');
  return query({
    query: { pk: { eq: keys.alerts(ctx.args.experimentId) } },
    scanIndexForward: false,
    limit,
    nextToken: ctx.args.nextToken ?? undefined,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return { items: ctx.result.items, nextToken: ctx.result.nextToken ?? null };
}
