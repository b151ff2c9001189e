// Scan: `{index?, limit?, consistentRead?, nextToken?, totalSegments?, segment?, filter?,
// projection?}` -> `{items, nextToken, scannedCount}`.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { shapeError } from '../errors.ts';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { optionalInteger } from '../validate.ts';
import { listResult, readListOptions } from './list-common.ts';

export const scan: OperationHandler = async (request, rt) => {
  const expressions = new ExpressionCollector();
  const options = readListOptions(request, expressions);
  const totalSegments = optionalInteger(request, 'totalSegments');
  const segment = optionalInteger(request, 'segment');
  if ((totalSegments === undefined) !== (segment === undefined)) {
    throw shapeError([totalSegments === undefined ? 'totalSegments' : 'segment'], 'not found: a parallel scan needs both totalSegments and segment.');
  }
  const out = await rt.client.send(
    new ScanCommand({
      TableName: rt.tableName,
      TotalSegments: totalSegments,
      Segment: segment,
      ...options,
      ...expressions.maps(),
      ...rt.capacity,
    }),
  );
  rt.recordCapacity('Scan', out.ConsumedCapacity);
  return { ok: true, result: listResult(out) };
};
