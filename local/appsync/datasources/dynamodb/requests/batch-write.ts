// BatchPutItem `{tables: {T: [items]}}` and BatchDeleteItem `{tables: {T: [keys]}}`, both a
// BatchWriteItem. Results list what was written per table, null where DynamoDB left an entry
// unprocessed, and the unprocessed entries themselves.
import { BatchWriteItemCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { OperationHandler, Runtime } from '../runtime.ts';
import { canonicalMap, fromSdkMap, toSdkMap } from '../typed-values.ts';
import type { RequestObject } from '../validate.ts';
import { listAt, readTables } from './batch-common.ts';

async function batchWrite(request: RequestObject, rt: Runtime, kind: 'put' | 'delete') {
  const plans: { name: string; physical: string; entries: Record<string, AttributeValue>[] }[] = [];
  const requestItems: Record<string, WriteRequest[]> = {};
  for (const table of readTables(request, rt)) {
    const path = ['tables', table.name];
    const entries = listAt(table.entry, path, kind === 'put' ? 'items' : 'keys').map((e, i) => toSdkMap(e, [...path, i]));
    requestItems[table.physical] = entries.map((entry) =>
      kind === 'put' ? { PutRequest: { Item: entry } } : { DeleteRequest: { Key: entry } },
    );
    plans.push({ name: table.name, physical: table.physical, entries });
  }

  const out = await rt.client.send(new BatchWriteItemCommand({ RequestItems: requestItems, ...rt.capacity }));
  rt.recordCapacity('BatchWriteItem', out.ConsumedCapacity);

  const data: Record<string, (Record<string, unknown> | null)[]> = {};
  const unprocessed: Record<string, Record<string, unknown>[]> = {};
  for (const plan of plans) {
    const left = (out.UnprocessedItems?.[plan.physical] ?? [])
      .map((w) => (kind === 'put' ? w.PutRequest?.Item : w.DeleteRequest?.Key))
      .filter((e): e is Record<string, AttributeValue> => e !== undefined);
    const leftKeys = new Set(left.map((e) => canonicalMap(e)));
    data[plan.name] = plan.entries.map((e) => (leftKeys.has(canonicalMap(e)) ? null : fromSdkMap(e)));
    unprocessed[plan.name] = left.map(fromSdkMap);
  }
  return { data, unprocessed };
}

export const batchPutItem: OperationHandler = async (request, rt) => {
  const { data, unprocessed } = await batchWrite(request, rt, 'put');
  return { ok: true, result: { data, unprocessedItems: unprocessed } };
};

export const batchDeleteItem: OperationHandler = async (request, rt) => {
  const { data, unprocessed } = await batchWrite(request, rt, 'delete');
  return { ok: true, result: { data, unprocessedKeys: unprocessed } };
};
