import type { Context } from '@aws-appsync/utils';
import type { MutationPublishCountsArgs } from '../generated/graphql.ts';

// NONE data source: the payload is the mutation's result, which @aws_subscribe fans out.
export function request(ctx: Context<MutationPublishCountsArgs>) {
  return { payload: ctx.args.input };
}

export function response(ctx: Context) {
  return ctx.result;
}
