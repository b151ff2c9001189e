// TransactGetItems `{transactItems: [{table, key, projection?}]}` -> `{items, cancellationReasons}`
// and TransactWriteItems `{transactItems: [{table, operation, key, attributeValues?, update?,
// condition?}]}` -> `{keys, cancellationReasons}`. A cancelled transaction is the error
// DynamoDB:TransactionCanceledException with `cancellationReasons` (type, message and, for failed
// conditions, the current item) in the result, one per transact item in request order.
import {
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  type TransactGetItem,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { awsError, isErrorNamed, shapeError, type AwsServiceError } from '../errors.ts';
import { ExpressionCollector } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { fromSdkMap, isRecord, toSdkMap } from '../typed-values.ts';
import type { DataSourceOutcome } from '../types.ts';
import { record, requiredList, requiredString, type RequestObject } from '../validate.ts';
import { readKey } from './common.ts';

export interface AppSyncCancellationReason {
  type: string;
  message: string | null;
  item?: Record<string, unknown>;
}

export function cancellationReasons(error: AwsServiceError): AppSyncCancellationReason[] {
  return (error.CancellationReasons ?? []).map((reason) => {
    const out: AppSyncCancellationReason = { type: reason.Code ?? 'None', message: reason.Message ?? null };
    if (reason.Item) out.item = fromSdkMap(reason.Item);
    return out;
  });
}

function cancelled(error: AwsServiceError, field: 'items' | 'keys'): DataSourceOutcome {
  return { ok: false, error: awsError(error), result: { [field]: null, cancellationReasons: cancellationReasons(error) } };
}

function transactItems(request: RequestObject): RequestObject[] {
  const list = requiredList(request, 'transactItems');
  if (list.length === 0) throw shapeError(['transactItems'], 'must hold at least one item.');
  return list.map((entry, i) => record(entry, ['transactItems', i]));
}

export const transactGetItems: OperationHandler = async (request, rt) => {
  const items: TransactGetItem[] = transactItems(request).map((entry, i) => {
    const path = ['transactItems', i];
    const expressions = new ExpressionCollector();
    const projection = expressions.optional(entry.projection, [...path, 'projection'], { values: false });
    return {
      Get: {
        TableName: rt.physicalTable(requiredString(entry, 'table', path)),
        Key: readKey(entry, path),
        ProjectionExpression: projection,
        ...expressions.maps(),
      },
    };
  });
  try {
    const out = await rt.client.send(new TransactGetItemsCommand({ TransactItems: items, ...rt.capacity }));
    rt.recordCapacity('TransactGetItems', out.ConsumedCapacity);
    const responses = out.Responses ?? [];
    return {
      ok: true,
      result: { items: items.map((_, i) => (responses[i]?.Item ? fromSdkMap(responses[i].Item) : null)), cancellationReasons: null },
    };
  } catch (error) {
    if (isErrorNamed(error, 'TransactionCanceledException')) return cancelled(error, 'items');
    throw error;
  }
};

function transactCondition(value: unknown, path: (string | number)[], expressions: ExpressionCollector) {
  if (value === undefined || value === null) return {};
  const expression = expressions.expression(value, path);
  const wantsItem = isRecord(value) ? value.returnValuesOnConditionCheckFailure ?? true : true;
  if (typeof wantsItem !== 'boolean') {
    throw shapeError([...path, 'returnValuesOnConditionCheckFailure'], `must be a boolean; got ${JSON.stringify(wantsItem)}.`);
  }
  return {
    ConditionExpression: expression,
    ReturnValuesOnConditionCheckFailure: wantsItem ? ('ALL_OLD' as const) : ('NONE' as const),
  };
}

const WRITE_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheck'];

function writeItem(entry: RequestObject, i: number, rt: Parameters<OperationHandler>[1]): TransactWriteItem {
  const path = ['transactItems', i];
  const table = rt.physicalTable(requiredString(entry, 'table', path));
  const operation = requiredString(entry, 'operation', path);
  const key = readKey(entry, path);
  const expressions = new ExpressionCollector();
  switch (operation) {
    case 'PutItem': {
      const values = entry.attributeValues === undefined || entry.attributeValues === null
        ? {}
        : toSdkMap(entry.attributeValues, [...path, 'attributeValues']);
      const condition = transactCondition(entry.condition, [...path, 'condition'], expressions);
      return { Put: { TableName: table, Item: { ...values, ...key }, ...condition, ...expressions.maps() } };
    }
    case 'UpdateItem': {
      const update = expressions.expression(entry.update, [...path, 'update']);
      const condition = transactCondition(entry.condition, [...path, 'condition'], expressions);
      return { Update: { TableName: table, Key: key, UpdateExpression: update, ...condition, ...expressions.maps() } };
    }
    case 'DeleteItem': {
      const condition = transactCondition(entry.condition, [...path, 'condition'], expressions);
      return { Delete: { TableName: table, Key: key, ...condition, ...expressions.maps() } };
    }
    case 'ConditionCheck': {
      if (entry.condition === undefined || entry.condition === null) {
        throw shapeError([...path, 'condition'], 'not found: a ConditionCheck needs a condition.');
      }
      const condition = transactCondition(entry.condition, [...path, 'condition'], expressions);
      return {
        ConditionCheck: {
          TableName: table,
          Key: key,
          ConditionExpression: condition.ConditionExpression!,
          ReturnValuesOnConditionCheckFailure: condition.ReturnValuesOnConditionCheckFailure,
          ...expressions.maps(),
        },
      };
    }
    default:
      throw shapeError([...path, 'operation'], `must be one of ${WRITE_OPERATIONS.join(', ')}; got ${JSON.stringify(operation)}.`);
  }
}

export const transactWriteItems: OperationHandler = async (request, rt) => {
  const entries = transactItems(request);
  const items = entries.map((entry, i) => writeItem(entry, i, rt));
  try {
    const out = await rt.client.send(new TransactWriteItemsCommand({ TransactItems: items, ...rt.capacity }));
    rt.recordCapacity('TransactWriteItems', out.ConsumedCapacity);
    const keys = entries.map((entry, i) => fromSdkMap(readKey(entry, ['transactItems', i])));
    return { ok: true, result: { keys, cancellationReasons: null } };
  } catch (error) {
    if (isErrorNamed(error, 'TransactionCanceledException')) return cancelled(error, 'keys');
    throw error;
  }
};
