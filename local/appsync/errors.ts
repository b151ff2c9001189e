// Errors as AppSync reports them: `errors[]` entries with message, errorType, errorInfo and data.
import { GraphQLError } from 'graphql';

export interface ResolverErrorDetail {
  message: string;
  errorType: string | null;
  data?: unknown;
  errorInfo?: unknown;
}

/** Raised inside field resolution; formatError turns it into AppSync's error entry. */
export class FieldError extends GraphQLError {
  readonly detail: ResolverErrorDetail;
  /** util.appendError entries made before the handler aborted: AppSync reports them too. */
  appended: ResolverErrorDetail[] = [];
  constructor(detail: ResolverErrorDetail) {
    super(detail.message, { extensions: { appsync: detail } });
    this.detail = detail;
  }
}

export interface AppSyncErrorEntry {
  path: ReadonlyArray<string | number> | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: { line: number; column: number; sourceName: null }[] | null;
  message: string;
}

export function formatError(error: GraphQLError, fallbackType: string | null = null): AppSyncErrorEntry {
  const original = error.originalError;
  const detail =
    (error.extensions?.appsync as ResolverErrorDetail | undefined) ??
    (original instanceof FieldError ? original.detail : undefined);
  return {
    path: error.path ?? null,
    data: detail?.data ?? null,
    errorType: detail?.errorType ?? fallbackType,
    errorInfo: detail?.errorInfo ?? null,
    locations: error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null })) ?? null,
    message: error.message,
  };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}
