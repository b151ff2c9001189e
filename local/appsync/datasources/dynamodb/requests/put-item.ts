// PutItem: `{key, attributeValues, condition?}` -> the item as written (key merged into values).
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { handleConditionFailure } from '../condition-failure.ts';
import { isErrorNamed } from '../errors.ts';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { fromSdkMap, toSdkMap } from '../typed-values.ts';
import { rejectVersionedFields } from '../validate.ts';
import { readCondition, readKey } from './common.ts';

export const putItem: OperationHandler = async (request, rt) => {
  rejectVersionedFields(request);
  const key = readKey(request);
  const values = request.attributeValues === undefined || request.attributeValues === null
    ? {}
    : toSdkMap(request.attributeValues, ['attributeValues']);
  const item = { ...values, ...key };
  const expressions = new ExpressionCollector();
  const condition = readCondition(request.condition, expressions);
  try {
    const out = await rt.client.send(
      new PutItemCommand({
        TableName: rt.tableName,
        Item: item,
        ConditionExpression: condition?.expression,
        ...expressions.maps(),
        ...rt.capacity,
      }),
    );
    rt.recordCapacity('PutItem', out.ConsumedCapacity);
    return { ok: true, result: fromSdkMap(item) };
  } catch (error) {
    if (!condition || !isErrorNamed(error, 'ConditionalCheckFailedException')) throw error;
    return handleConditionFailure(rt, {
      request,
      key,
      condition,
      expected: item,
      error,
      retry: (next) => putItem(next, rt),
    });
  }
};
