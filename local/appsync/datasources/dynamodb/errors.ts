// Errors in AppSync's shape: request-object mistakes (caught before DynamoDB is called) and
// DynamoDB's own exceptions, typed `DynamoDB:<ExceptionName>` with DynamoDB's message.
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import type { DataSourceError, DataSourceOutcome } from './types.ts';

/** AppSync's errorType for a request object it cannot turn into a DynamoDB call. */
export const MAPPING_TEMPLATE_ERROR = 'MappingTemplate';

/** A request object that is not valid; `path` is AppSync's `$[field][sub]` notation. */
export class RequestShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestShapeError';
  }
}

export function fieldPath(path: readonly (string | number)[]): string {
  return '$' + path.map((p) => `[${p}]`).join('');
}

export function shapeError(path: readonly (string | number)[], problem: string): RequestShapeError {
  return new RequestShapeError(`Value for field '${fieldPath(path)}' ${problem}`);
}

export interface AwsServiceError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  CancellationReasons?: CancellationReason[];
  Item?: Record<string, AttributeValue>;
}

export function isAwsServiceError(error: unknown): error is AwsServiceError {
  return (
    typeof error === 'object' &&
    error !== null &&
    '$metadata' in error &&
    typeof (error as { name?: unknown }).name === 'string'
  );
}

export function isErrorNamed(error: unknown, name: string): error is AwsServiceError {
  return isAwsServiceError(error) && error.name === name;
}

/** DynamoDB's message with the service suffix the AWS SDK for Java (AppSync's client) appends. */
export function awsMessage(error: AwsServiceError): string {
  const status = error.$metadata?.httpStatusCode ?? 400;
  const requestId = error.$metadata?.requestId ?? 'unknown';
  return `${error.message} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`;
}

export function awsError(error: AwsServiceError): DataSourceError {
  return { type: `DynamoDB:${error.name}`, message: awsMessage(error) };
}

/** Any failure of a call: DynamoDB exceptions keep their name; others explain what went wrong. */
export function toOutcome(error: unknown): DataSourceOutcome {
  if (error instanceof RequestShapeError) {
    return { ok: false, error: { type: MAPPING_TEMPLATE_ERROR, message: error.message } };
  }
  if (isAwsServiceError(error)) return { ok: false, error: awsError(error) };
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    ok: false,
    error: {
      type: 'DynamoDB:InternalFailure',
      message: `The DynamoDB data source could not complete the call (${detail}). Is DynamoDB Local running and reachable?`,
    },
  };
}
