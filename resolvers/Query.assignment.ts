import { util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';

export function request(ctx: Context<{ experimentId: string; userId: string }>) {
  return get({ key: { pk: `EXP#${ctx.args.experimentId}#U#${ctx.args.userId}`, sk: 'ASSIGN' } });
}

export function response(ctx: Context<{ experimentId: string; userId: string }>) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const item = ctx.result;
  if (!item) {
    return { experimentId: ctx.args.experimentId, userId: ctx.args.userId, enrolled: false, isNew: false, reason: 'NOT_ASSIGNED' };
  }
  return {
    experimentId: item.experimentId,
    userId: item.userId,
    enrolled: true,
    variant: item.variant,
    config: item.config ?? null,
    bucket: item.bucket,
    isNew: false,
    assignedAt: item.assignedAt,
  };
}
