import { util, type Context } from '@aws-appsync/utils';
import { enrolledAssignment, notEnrolled } from '../model/assignment.ts';
import { keys } from '../model/keys.ts';
import type { QueryAssignmentArgs } from '../generated/graphql.ts';

// One TransactGetItems reads the assignment and its experiment (for the variant's config) in a
// single round trip; the config is not copied onto the assignment item.
export function request(ctx: Context<QueryAssignmentArgs>) {
  return {
    operation: 'TransactGetItems',
    transactItems: [
      { table: ctx.env.MAIN_TABLE_NAME, key: util.dynamodb.toMapValues(keys.assignment(ctx.args.experimentId, ctx.args.userId)) },
      { table: ctx.env.MAIN_TABLE_NAME, key: util.dynamodb.toMapValues(keys.experiment(ctx.args.experimentId)) },
    ],
  };
}

export function response(ctx: Context<QueryAssignmentArgs>) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const item = ctx.result.items[0];
  const experiment = ctx.result.items[1];
  if (!item) return notEnrolled(ctx.args.experimentId, ctx.args.userId, 'NOT_ASSIGNED');
  return enrolledAssignment(item, experiment ? experiment.variants : null, false);
}
