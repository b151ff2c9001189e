import { util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';
import { isExperimentItem } from '../../model/experiment.ts';
import { keys } from '../../model/keys.ts';

// The experiment's META item, so that later functions know it exists and its current phase.
export function request(ctx: Context<{ experimentId: string }>) {
  return get({ key: keys.experiment(ctx.args.experimentId) });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const meta = ctx.result;
  if (!isExperimentItem(meta)) util.error(`Experiment ${ctx.args.experimentId} not found`, 'NotFoundError');
  const phases = ctx.result.phases;
  ctx.stash.currentPhase = Array.isArray(phases) && phases.length > 0 ? phases.length : 1;
  return meta;
}
