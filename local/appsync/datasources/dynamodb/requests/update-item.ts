// UpdateItem: `{key, update, condition?}` -> the whole item after the update (ALL_NEW).
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { handleConditionFailure } from '../condition-failure.ts';
import { isErrorNamed } from '../errors.ts';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { fromSdkMap } from '../typed-values.ts';
import { rejectVersionedFields, required } from '../validate.ts';
import { readCondition, readKey } from './common.ts';

export const updateItem: OperationHandler = async (request, rt) => {
  rejectVersionedFields(request);
  const key = readKey(request);
  const expressions = new ExpressionCollector();
  const update = expressions.expression(required(request, 'update'), ['update']);
  const condition = readCondition(request.condition, expressions);
  try {
    const out = await rt.client.send(
      new UpdateItemCommand({
        TableName: rt.tableName,
        Key: key,
        UpdateExpression: update,
        ConditionExpression: condition?.expression,
        ReturnValues: 'ALL_NEW',
        ...expressions.maps(),
        ...rt.capacity,
      }),
    );
    rt.recordCapacity('UpdateItem', out.ConsumedCapacity);
    return { ok: true, result: out.Attributes ? fromSdkMap(out.Attributes) : null };
  } catch (error) {
    if (!condition || !isErrorNamed(error, 'ConditionalCheckFailedException')) throw error;
    return handleConditionFailure(rt, { request, key, condition, error, retry: (next) => updateItem(next, rt) });
  }
};
