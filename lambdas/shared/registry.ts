// A `Type.field` registry: one Lambda serves several fields, each by its own small function. The
// result travels in an envelope, `{ data }` or `{ error }`, which resolvers/invokeLambda.ts unwraps:
// errors that carry an `errorType` reach the client with it; anything else is logged and reported
// as an internal error without leaking details.
import { contextFromEnvironment, type HandlerContext } from '../store/context.ts';
import type { AppSyncResolverEvent } from './appsync-event.ts';

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

/**
 * `context` builds each invocation's context; by default from the environment (the Lambda's table).
 * Unit tests pass one with in-memory stores.
 */
export function createRegistry(handlers: Record<string, FieldHandler>, context: () => HandlerContext = contextFromEnvironment) {
  return async function handler(event: AppSyncResolverEvent): Promise<Envelope> {
    const field = `${event.info.parentTypeName}.${event.info.fieldName}`;
    try {
      const fieldHandler = handlers[field];
      if (!fieldHandler) throw new UnknownFieldError(field);
      return { data: await fieldHandler(event, context()) };
    } catch (error) {
      if (isClientError(error)) {
        return { error: { errorType: error.errorType, message: error.message, errorInfo: error.errorInfo ?? null } };
      }
      console.error(`${field} failed`, error);
      return { error: { errorType: 'InternalError', message: `${field} failed unexpectedly; the error was logged`, errorInfo: null } };
    }
  };
}
