import { util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';

// The experiment's META item, so that later functions know it exists and its current phase.
export function request(ctx: Context<{ experimentId: string }>) {
  return get({ key: { pk: `EXP#${ctx.args.experimentId}`, sk: 'META' } });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const meta = ctx.result;
  if (!meta) util.error(`Experiment ${ctx.args.experimentId} not found`, 'NotFoundError');
  ctx.stash.currentPhase = meta.phases && meta.phases.length > 0 ? meta.phases.length : 1;
  return meta;
}
