import { util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';
import { experimentFromItem, isExperimentItem } from '../model/experiment.ts';
import { keys } from '../model/keys.ts';
import type { QueryExperimentArgs } from '../generated/graphql.ts';

export function request(ctx: Context<QueryExperimentArgs>) {
  return get({ key: keys.experiment(ctx.args.id) });
}

// The same projection as the Lambdas: an item stored before a field existed reads the same here.
export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  if (!isExperimentItem(ctx.result)) return null;
  return experimentFromItem(ctx.result);
}
