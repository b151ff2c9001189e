import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';

const MAX_LIMIT = 100;

export function request(ctx: Context<{ status: string; limit?: number | null; nextToken?: string | null }>) {
  const limit = ctx.args.limit ?? 20;
  if (limit < 1 || limit > MAX_LIMIT) {
    util.error(`limit must be between 1 and ${MAX_LIMIT}, got ${limit}`, 'ValidationError');
  }
  return query({
    index: 'gsi1',
    query: { gsi1pk: { eq: `STATUS#${ctx.args.status}` } },
    scanIndexForward: false,
    limit,
    nextToken: ctx.args.nextToken ?? undefined,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  // Experiments stored before goal metrics existed decide on the converting-referrer rate.
  const items = ctx.result.items.map((item: Record<string, unknown>) => (item.goalMetric ? item : { ...item, goalMetric: 'CONVERTING_REFERRER_RATE' }));
  return { items, nextToken: ctx.result.nextToken ?? null };
}
