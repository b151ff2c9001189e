import { runtime, util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';

export function request(ctx: Context<{ experimentId: string; userId: string }>) {
  // Second use in the pipeline: only re-read when no code was stored by this request.
  if (ctx.stash.code) runtime.earlyReturn(ctx.stash.assignment);
  return get({
    key: { pk: `EXP#${ctx.args.experimentId}#U#${ctx.args.userId}`, sk: 'ASSIGN' },
    consistentRead: true,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  ctx.stash.assignment = ctx.result ?? null;
  return ctx.result ?? null;
}
