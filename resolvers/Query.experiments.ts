import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { experimentFromItem } from '../model/experiment.ts';
import { keys } from '../model/keys.ts';
import type { QueryExperimentsArgs } from '../generated/graphql.ts';

const MAX_LIMIT = 100;

export function request(ctx: Context<QueryExperimentsArgs>) {
  const limit = ctx.args.limit ?? 20;
  if (limit < 1 || limit > MAX_LIMIT) {
    util.error(`limit must be between 1 and ${MAX_LIMIT}, got ${limit}`, 'ValidationError');
  }
  return query({
    index: 'gsi1',
    query: { gsi1pk: { eq: keys.experimentsByStatus(ctx.args.status) } },
    scanIndexForward: false,
    limit,
    nextToken: ctx.args.nextToken ?? undefined,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return { items: ctx.result.items.map(experimentFromItem), nextToken: ctx.result.nextToken ?? null };
}
