import type { DataSourceInvoker } from '../run-resolver.ts';

/** NONE: the request's payload becomes the result, as AppSync's local resolvers do. */
export const noneDataSource: DataSourceInvoker = async (request) => ({
  ok: true,
  result: typeof request === 'object' && request !== null && 'payload' in request ? (request as { payload: unknown }).payload : null,
});
