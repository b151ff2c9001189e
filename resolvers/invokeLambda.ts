import { util, type Context } from '@aws-appsync/utils';

// Sends the Lambda the same event shape a direct Lambda resolver would, and turns the handler's
// `{ error }` envelope into a GraphQL error that keeps the handler's errorType.
export function request(ctx: Context) {
  return {
    operation: 'Invoke',
    payload: {
      arguments: ctx.arguments,
      identity: ctx.identity,
      source: ctx.source,
      info: ctx.info,
      request: ctx.request,
      stash: ctx.stash,
      prev: ctx.prev,
    },
  };
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const error = ctx.result.error;
  if (error) util.error(error.message, error.errorType, null, error.errorInfo);
  return ctx.result.data;
}
