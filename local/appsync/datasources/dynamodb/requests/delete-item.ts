// DeleteItem: `{key, condition?}` -> the item as it was before (ALL_OLD), or null.
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { handleConditionFailure } from '../condition-failure.ts';
import { isErrorNamed } from '../errors.ts';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { fromSdkMap } from '../typed-values.ts';
import { rejectVersionedFields } from '../validate.ts';
import { readCondition, readKey } from './common.ts';

export const deleteItem: OperationHandler = async (request, rt) => {
  rejectVersionedFields(request);
  const key = readKey(request);
  const expressions = new ExpressionCollector();
  const condition = readCondition(request.condition, expressions);
  try {
    const out = await rt.client.send(
      new DeleteItemCommand({
        TableName: rt.tableName,
        Key: key,
        ConditionExpression: condition?.expression,
        ReturnValues: 'ALL_OLD',
        ...expressions.maps(),
        ...rt.capacity,
      }),
    );
    rt.recordCapacity('DeleteItem', out.ConsumedCapacity);
    return { ok: true, result: out.Attributes ? fromSdkMap(out.Attributes) : null };
  } catch (error) {
    if (!condition || !isErrorNamed(error, 'ConditionalCheckFailedException')) throw error;
    return handleConditionFailure(rt, { request, key, condition, error, retry: (next) => deleteItem(next, rt) });
  }
};
