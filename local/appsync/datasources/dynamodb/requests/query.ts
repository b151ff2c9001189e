// Query: `{query, index?, nextToken?, limit?, scanIndexForward?, consistentRead?, select?, filter?,
// projection?}` -> `{items, nextToken, scannedCount}`.
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { optionalBoolean, required } from '../validate.ts';
import { listResult, readListOptions } from './list-common.ts';

export const query: OperationHandler = async (request, rt) => {
  const expressions = new ExpressionCollector();
  const keyCondition = expressions.expression(required(request, 'query'), ['query']);
  const options = readListOptions(request, expressions);
  const out = await rt.client.send(
    new QueryCommand({
      TableName: rt.tableName,
      KeyConditionExpression: keyCondition,
      ScanIndexForward: optionalBoolean(request, 'scanIndexForward'),
      ...options,
      ...expressions.maps(),
      ...rt.capacity,
    }),
  );
  rt.recordCapacity('Query', out.ConsumedCapacity);
  return { ok: true, result: listResult(out) };
};
