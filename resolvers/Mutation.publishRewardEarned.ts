import type { Context } from '@aws-appsync/utils';

// NONE data source: the payload is the mutation's result, which @aws_subscribe fans out.
export function request(ctx: Context<{ input: Record<string, unknown> }>) {
  return { payload: ctx.args.input };
}

export function response(ctx: Context) {
  return ctx.result;
}
