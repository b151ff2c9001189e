// What AppSync does when the condition of a PutItem, UpdateItem or DeleteItem fails: it reads the
// current item; if that already is the desired result (PutItem: the item being written, ignoring
// `equalsIgnore` attributes) the write counts as done. Otherwise the handler strategy decides:
// Reject -> ConditionalCheckFailedException with the current item as result; Custom -> a Lambda
// answers `reject` or `retry` (with a new condition / values in `retryMapping`).
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { awsError, RequestShapeError, type AwsServiceError } from './errors.ts';
import type { ConditionSection } from './requests/common.ts';
import type { Runtime } from './runtime.ts';
import { canonical, fromSdkMap, isRecord } from './typed-values.ts';
import type { DataSourceOutcome } from './types.ts';
import type { RequestObject } from './validate.ts';

export interface ConditionFailure {
  request: RequestObject;
  key: Record<string, AttributeValue>;
  condition: ConditionSection;
  /** The item the operation meant to leave behind, when it can be known (PutItem). */
  expected?: Record<string, AttributeValue>;
  error: AwsServiceError;
  /** Runs the operation again with the Lambda's retryMapping merged into the request. */
  retry?: (request: RequestObject) => Promise<DataSourceOutcome>;
}

function sameIgnoring(
  current: Record<string, AttributeValue>,
  expected: Record<string, AttributeValue>,
  ignore: readonly string[],
): boolean {
  const names = new Set([...Object.keys(current), ...Object.keys(expected)]);
  for (const name of names) {
    if (ignore.includes(name)) continue;
    const a = current[name];
    const b = expected[name];
    if (!a || !b || canonical(a) !== canonical(b)) return false;
  }
  return true;
}

export async function handleConditionFailure(rt: Runtime, failure: ConditionFailure): Promise<DataSourceOutcome> {
  const read = await rt.client.send(
    new GetItemCommand({
      TableName: rt.tableName,
      Key: failure.key,
      ConsistentRead: failure.condition.consistentRead,
      ...rt.capacity,
    }),
  );
  rt.recordCapacity('GetItem', read.ConsumedCapacity);
  const current = read.Item;

  if (current && failure.expected && sameIgnoring(current, failure.expected, failure.condition.equalsIgnore)) {
    return { ok: true, result: fromSdkMap(current) };
  }

  const rejected: DataSourceOutcome = {
    ok: false,
    error: awsError(failure.error),
    result: current ? fromSdkMap(current) : null,
  };
  const handler = failure.condition.handler;
  if (handler.strategy !== 'Custom' || !handler.lambdaArn) return rejected;

  const invoke = rt.options.invokeConflictHandler;
  if (!invoke) {
    throw new RequestShapeError(
      `The condition failed and conditionalCheckFailedHandler asks for the Lambda ${handler.lambdaArn}, ` +
        'but this DynamoDB data source was created without invokeConflictHandler. Pass one to createDynamoDbDataSource, or use strategy "Reject".',
    );
  }
  const decision = await invoke(handler.lambdaArn, {
    arguments: rt.ctx.arguments ?? {},
    requestMapping: failure.request,
    currentValue: current ? fromSdkMap(current) : null,
    resolver: {
      tableName: rt.tableName,
      awsRegion: rt.options.region ?? 'us-east-1',
      parentType: rt.ctx.info?.parentTypeName ?? null,
      field: rt.ctx.info?.fieldName ?? null,
    },
    identity: rt.ctx.identity ?? null,
  });
  const action = isRecord(decision) ? decision.action : undefined;
  if (action === 'reject') return rejected;
  if (action === 'retry' && isRecord(decision) && failure.retry) {
    const retryMapping = isRecord(decision.retryMapping) ? decision.retryMapping : {};
    const next: RequestObject = { ...failure.request, ...retryMapping };
    // The operation and key cannot change; a second failure is not handed to the Lambda again.
    next.operation = failure.request.operation;
    next.key = failure.request.key;
    if (isRecord(next.condition)) {
      next.condition = { ...next.condition, conditionalCheckFailedHandler: { strategy: 'Reject' } };
    }
    return failure.retry(next);
  }
  throw new RequestShapeError(
    `The conflict handler Lambda ${handler.lambdaArn} returned ${JSON.stringify(decision)}; ` +
      'it must return {"action": "reject"} or {"action": "retry", "retryMapping": {...}}.',
  );
}
