import type { Context } from '@aws-appsync/utils';

// The experimentId and userId arguments (each optional) already filter deliveries; the resolver only has to let the
// subscription through (a NONE data source with an empty payload).
export function request() {
  return { payload: null };
}

export function response(ctx: Context) {
  return ctx.result;
}
