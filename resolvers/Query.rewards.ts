import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';

// A user's rewards live in one partition, USER#<userId>#RWD, sorted by <experimentId>#<rewardId>:
// one Query, narrowed to an experiment by the sort key's prefix.
const MAX_LIMIT = 100;

export function request(ctx: Context<{ userId: string; experimentId?: string | null; limit?: number | null; nextToken?: string | null }>) {
  const limit = ctx.args.limit ?? 50;
  if (limit < 1 || limit > MAX_LIMIT) {
    util.error(`limit must be between 1 and ${MAX_LIMIT}, got ${limit}`, 'ValidationError');
  }
  const pk = { eq: `USER#${ctx.args.userId}#RWD` };
  return query({
    query: ctx.args.experimentId ? { pk, sk: { beginsWith: `${ctx.args.experimentId}#` } } : { pk },
    limit,
    consistentRead: true,
    nextToken: ctx.args.nextToken ?? undefined,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return { items: ctx.result.items, nextToken: ctx.result.nextToken ?? null };
}
