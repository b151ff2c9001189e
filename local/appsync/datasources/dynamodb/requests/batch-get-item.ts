// BatchGetItem: `{tables: {T: {keys, consistentRead?, projection?}}}` ->
// `{data: {T: [item or null, in key order]}, unprocessedKeys: {T: [keys]}}`.
import { BatchGetItemCommand, type AttributeValue, type KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { ExpressionCollector, projectedTopLevelNames } from '../expressions.ts';
import type { OperationHandler } from '../runtime.ts';
import { canonicalMap, fromSdkMap, toSdkMap } from '../typed-values.ts';
import { optionalBoolean, record } from '../validate.ts';
import { listAt, readTables } from './batch-common.ts';

interface TablePlan {
  name: string;
  physical: string;
  keys: Record<string, AttributeValue>[];
  /** Key attributes added to the projection only to match items to keys; removed again. */
  strip: string[];
}

export const batchGetItem: OperationHandler = async (request, rt) => {
  const plans: TablePlan[] = [];
  const requestItems: Record<string, KeysAndAttributes> = {};
  for (const table of readTables(request, rt)) {
    const path = ['tables', table.name];
    const entry = record(table.entry, path, 'an object like {"keys": [...]}');
    const keys = listAt(entry.keys, [...path, 'keys'], 'keys').map((k, i) => toSdkMap(k, [...path, 'keys', i]));
    const expressions = new ExpressionCollector();
    let projection = expressions.optional(entry.projection, [...path, 'projection'], { values: false });
    const strip: string[] = [];
    if (projection !== undefined) {
      const projected = projectedTopLevelNames(projection, (p) => expressions.nameFor(p));
      const keyNames = new Set(keys.flatMap((k) => Object.keys(k)));
      for (const name of keyNames) {
        if (projected.has(name)) continue;
        projection += `, ${expressions.internalName(name)}`;
        strip.push(name);
      }
    }
    requestItems[table.physical] = {
      Keys: keys,
      ConsistentRead: optionalBoolean(entry, 'consistentRead', path),
      ProjectionExpression: projection,
      ...expressions.maps(),
    };
    plans.push({ name: table.name, physical: table.physical, keys, strip });
  }

  const out = await rt.client.send(new BatchGetItemCommand({ RequestItems: requestItems, ...rt.capacity }));
  rt.recordCapacity('BatchGetItem', out.ConsumedCapacity);

  const data: Record<string, (Record<string, unknown> | null)[]> = {};
  const unprocessedKeys: Record<string, Record<string, unknown>[]> = {};
  for (const plan of plans) {
    const found = new Map<string, Record<string, AttributeValue>>();
    const items = out.Responses?.[plan.physical] ?? [];
    for (const key of plan.keys) {
      const names = Object.keys(key);
      const wanted = canonicalMap(key, names);
      const item = items.find((candidate) => canonicalMap(candidate, names) === wanted);
      if (item) found.set(wanted, item);
    }
    data[plan.name] = plan.keys.map((key) => {
      const item = found.get(canonicalMap(key, Object.keys(key)));
      if (!item) return null;
      const plain = fromSdkMap(item);
      for (const name of plan.strip) delete plain[name];
      return plain;
    });
    unprocessedKeys[plan.name] = (out.UnprocessedKeys?.[plan.physical]?.Keys ?? []).map(fromSdkMap);
  }
  return { ok: true, result: { data, unprocessedKeys } };
};
