// A Lambda data source run in-process: the handler module is imported once and called with the
// request's payload, as AppSync's Invoke would. JSON round trips stand in for the wire so that a
// handler can neither see nor return anything AppSync could not serialise.
import { isConnectionFailure, withoutAddresses } from '../../dynamodb/unavailable.ts';
import { isRecord } from '../../values.ts';
import type { DataSourceInvoker } from '../run-resolver.ts';

export type LambdaHandler = (event: unknown, context?: unknown) => Promise<unknown>;

const wire = <T>(value: T): T => (value === undefined ? (null as T) : JSON.parse(JSON.stringify(value)));

export function createLambdaDataSource(name: string, load: () => Promise<LambdaHandler>): DataSourceInvoker {
  let handler: Promise<LambdaHandler> | undefined;
  return async (request) => {
    if (!isRecord(request) || (request.operation !== 'Invoke' && request.operation !== 'BatchInvoke')) {
      return { ok: false, error: { type: 'Lambda:Request', message: `Lambda data source ${name} needs operation Invoke or BatchInvoke` } };
    }
    handler ??= load();
    const fn = await handler;
    const context = { functionName: name, awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 30_000 };
    try {
      if (request.operation === 'BatchInvoke') {
        // Locally every field resolves on its own, so a batch holds exactly one payload.
        const results = wire(await fn(wire([request.payload]), context));
        return { ok: true, result: Array.isArray(results) ? results[0] : results };
      }
      if (request.invocationType === 'Event') {
        void fn(wire(request.payload), context).catch((e) => console.error(`async invoke of ${name} failed`, e));
        return { ok: true, result: null };
      }
      return { ok: true, result: wire(await fn(wire(request.payload), context)) };
    } catch (error) {
      // Internal endpoints (DynamoDB Local's port, say) stay out of what clients see.
      const raw = error instanceof Error ? error.message : String(error);
      const message = isConnectionFailure(raw) ? withoutAddresses(raw) : raw;
      return { ok: false, error: { type: 'Lambda:Unhandled', message } };
    }
  };
}
