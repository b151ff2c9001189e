// Request-level authentication failures. AppSync rejects these before any resolver runs, with an HTTP
// error status and a body of `{errors: [{errorType, message}]}` (no `data`).

/** Why a request was rejected (for logs and tests; not sent to the client). */
export type UnauthorizedReason =
  | 'missing_credentials'
  | 'mode_not_enabled'
  | 'invalid_api_key'
  | 'malformed_token'
  | 'invalid_token'
  | 'token_expired'
  | 'wrong_issuer'
  | 'incomplete_signature'
  | 'invalid_signature'
  | 'unknown_access_key'
  | 'signature_expired';

/** AppSync's message for a missing or wrong API key (and a request no enabled mode can take). */
export const NOT_AUTHORIZED_MESSAGE = 'You are not authorized to make this call.';
/** AppSync's message for a missing or rejected `Authorization` JWT. */
export const INVALID_AUTH_HEADER_MESSAGE = 'Valid authorization header not provided.';
/** AppSync's message for an `Authorization` value that is not a JWT at all. */
export const UNPARSABLE_JWT_MESSAGE = 'Unable to parse JWT token.';
/** Message for an expired JWT (AppSync's wording, not verified against the service). */
export const EXPIRED_JWT_MESSAGE = 'Token has expired.';

export interface UnauthorizedBody {
  errors: { errorType: string; message: string }[];
}

/** What the HTTP layer sends for a rejected request. */
export interface UnauthorizedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: UnauthorizedBody;
}

export class UnauthorizedError extends Error {
  readonly errorType: string;
  readonly statusCode: number;
  readonly reason: UnauthorizedReason;

  constructor(
    message: string,
    reason: UnauthorizedReason,
    options: { errorType?: string; statusCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UnauthorizedError';
    this.reason = reason;
    this.errorType = options.errorType ?? 'UnauthorizedException';
    this.statusCode = options.statusCode ?? 401;
  }

  toResponse(): UnauthorizedResponse {
    return unauthorizedResponse(this);
  }
}

export function unauthorizedResponse(error: UnauthorizedError): UnauthorizedResponse {
  return {
    statusCode: error.statusCode,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'x-amzn-ErrorType': error.errorType },
    body: { errors: [{ errorType: error.errorType, message: error.message }] },
  };
}

export function isUnauthorizedError(value: unknown): value is UnauthorizedError {
  return value instanceof UnauthorizedError;
}
