// A `Type.field` registry: one Lambda serves several fields, each by its own small function. The
// result travels in an envelope, `{ data }` or `{ error }`, which resolvers/invokeLambda.ts unwraps:
// errors that carry an `errorType` reach the client with it; anything else is logged and reported
// as an internal error without leaking details.
import type { LambdaEnv } from './config.ts';
import { contextFromEnvironment, type HandlerContext } from '../store/context.ts';
import type { AppSyncResolverEvent } from './appsync-event.ts';
import { infoEnabled, log, metric, observe } from './observability.ts';

/** A field's handler: the event, and the context (stores) it works through. */
export type FieldHandler = (event: AppSyncResolverEvent, context: HandlerContext) => Promise<unknown>;

export interface ErrorEnvelope {
  error: { errorType: string; message: string; errorInfo: Record<string, unknown> | null };
}
export type Envelope = { data: unknown } | ErrorEnvelope;

export interface ClientError {
  errorType: string;
  message: string;
  errorInfo?: Record<string, unknown> | null;
}

export function isClientError(e: unknown): e is Error & ClientError {
  return e instanceof Error && typeof (e as Partial<ClientError>).errorType === 'string';
}

export class UnknownFieldError extends Error {
  readonly errorType = 'UnknownField';
  constructor(field: string) {
    super(`No handler is registered for ${field}`);
    this.name = 'UnknownFieldError';
  }
}

export interface RegistryOptions {
  /** Builds each invocation's context; by default from `env` (the Lambda's table). Unit tests pass in-memory stores. */
  context?: () => HandlerContext;
  /** The Lambda's environment (the entry point passes process.env; the local host the manifest's variables). */
  env?: LambdaEnv;
  /** Sees each field's successful result, e.g. to count business metrics (must not throw). */
  onResult?: (field: string, result: unknown) => void;
}

/** The second argument is the options, or just the context factory. */
export function createRegistry(handlers: Record<string, FieldHandler>, contextOrOptions: (() => HandlerContext) | RegistryOptions = {}) {
  const options: RegistryOptions = typeof contextOrOptions === 'function' ? { context: contextOrOptions } : contextOrOptions;
  const env = options.env ?? {};
  const context = options.context ?? (() => contextFromEnvironment(env));
  const serve = async (event: AppSyncResolverEvent): Promise<Envelope> => {
    const field = `${event.info.parentTypeName}.${event.info.fieldName}`;
    const started = performance.now();
    try {
      const fieldHandler = handlers[field];
      if (!fieldHandler) throw new UnknownFieldError(field);
      const data = await fieldHandler(event, context());
      if (infoEnabled()) log().info('resolved', { outcome: 'data', durationMs: Math.round(performance.now() - started) });
      try {
        options.onResult?.(field, data);
      } catch (error) {
        log().warn('result metrics failed', { error: error as Error });
      }
      return { data };
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (isClientError(error)) {
        if (infoEnabled()) log().info('resolved', { outcome: 'error', errorType: error.errorType, durationMs });
        metric('ClientErrors', 1, 'Count', { errorType: error.errorType });
        return { error: { errorType: error.errorType, message: error.message, errorInfo: error.errorInfo ?? null } };
      }
      log().error(`${field} failed`, { error: error as Error, durationMs });
      metric('InternalErrors');
      return { error: { errorType: 'InternalError', message: `${field} failed unexpectedly; the error was logged`, errorInfo: null } };
    }
  };
  // Each invocation's log lines carry the field it serves (and the Lambda request id).
  const handler = observe('resolver', serve, { keys: (event) => ({ field: `${event.info?.parentTypeName}.${event.info?.fieldName}` }) });
  // `fields` lets a test hold the registry against the manifest's Lambda-backed fields.
  return Object.assign(handler, { fields: Object.keys(handlers) });
}
