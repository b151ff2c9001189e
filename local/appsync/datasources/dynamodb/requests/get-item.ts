// GetItem: `{key, consistentRead?, projection?}` -> the item, or null when there is none.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { fromSdkMap } from '../typed-values.ts';
import { optionalBoolean } from '../validate.ts';
import { readKey } from './common.ts';

export const getItem: OperationHandler = async (request, rt) => {
  const key = readKey(request);
  const expressions = new ExpressionCollector();
  const projection = expressions.optional(request.projection, ['projection'], { values: false });
  const out = await rt.client.send(
    new GetItemCommand({
      TableName: rt.tableName,
      Key: key,
      ConsistentRead: optionalBoolean(request, 'consistentRead'),
      ProjectionExpression: projection,
      ...expressions.maps(),
      ...rt.capacity,
    }),
  );
  rt.recordCapacity('GetItem', out.ConsumedCapacity);
  return { ok: true, result: out.Item ? fromSdkMap(out.Item) : null };
};
