import { util, type Context } from '@aws-appsync/utils';

// One TransactGetItems reads the assignment and its experiment (for the variant's config) in a
// single round trip; the config is not copied onto the assignment item.
export function request(ctx: Context<{ experimentId: string; userId: string }>) {
  return {
    operation: 'TransactGetItems',
    transactItems: [
      {
        table: ctx.env.MAIN_TABLE_NAME,
        key: util.dynamodb.toMapValues({ pk: `EXP#${ctx.args.experimentId}#U#${ctx.args.userId}`, sk: 'ASSIGN' }),
      },
      { table: ctx.env.MAIN_TABLE_NAME, key: util.dynamodb.toMapValues({ pk: `EXP#${ctx.args.experimentId}`, sk: 'META' }) },
    ],
  };
}

export function response(ctx: Context<{ experimentId: string; userId: string }>) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const item = ctx.result.items[0];
  const experiment = ctx.result.items[1];
  if (!item) {
    return { experimentId: ctx.args.experimentId, userId: ctx.args.userId, enrolled: false, isNew: false, reason: 'NOT_ASSIGNED' };
  }
  let config = null;
  if (experiment) {
    for (const v of experiment.variants) {
      if (v.key === item.variant) config = v.config ?? null;
    }
  }
  return {
    experimentId: item.experimentId,
    userId: item.userId,
    enrolled: true,
    variant: item.variant,
    config,
    bucket: item.bucket,
    isNew: false,
    assignedAt: item.assignedAt,
  };
}
