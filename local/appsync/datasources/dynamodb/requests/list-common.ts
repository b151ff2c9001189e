// Options shared by Query and Scan, and their result shape `{items, nextToken, scannedCount}`.
import type { AttributeValue, Select } from '@aws-sdk/client-dynamodb';
import { shapeError } from '../errors.ts';
import type { ExpressionCollector } from '../expressions.ts';
import { decodeNextToken, encodeNextToken } from '../pagination.ts';
import { fromSdkMap } from '../typed-values.ts';
import { optionalBoolean, optionalInteger, optionalString, type RequestObject } from '../validate.ts';

const SELECT_VALUES: readonly Select[] = ['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'];

export function readListOptions(request: RequestObject, expressions: ExpressionCollector) {
  const select = request.select;
  if (select !== undefined && select !== null && !SELECT_VALUES.includes(select as Select)) {
    throw shapeError(['select'], `must be one of ${SELECT_VALUES.join(', ')}; got ${JSON.stringify(select)}.`);
  }
  return {
    IndexName: optionalString(request, 'index'),
    Limit: optionalInteger(request, 'limit'),
    ConsistentRead: optionalBoolean(request, 'consistentRead'),
    ExclusiveStartKey: decodeNextToken(request.nextToken),
    Select: (select ?? undefined) as Select | undefined,
    FilterExpression: expressions.optional(request.filter, ['filter']),
    ProjectionExpression: expressions.optional(request.projection, ['projection'], { values: false }),
  };
}

export function listResult(out: {
  Items?: Record<string, AttributeValue>[];
  LastEvaluatedKey?: Record<string, AttributeValue>;
  ScannedCount?: number;
}) {
  return {
    items: (out.Items ?? []).map(fromSdkMap),
    nextToken: encodeNextToken(out.LastEvaluatedKey),
    scannedCount: out.ScannedCount ?? 0,
  };
}
