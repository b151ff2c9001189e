import type { Context } from '@aws-appsync/utils';

// The experimentId argument filters deliveries; the resolver only lets the subscription through.
export function request() {
  return { payload: null };
}

export function response(ctx: Context) {
  return ctx.result;
}
