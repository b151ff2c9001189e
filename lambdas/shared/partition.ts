// The experiment's partition, `EXP#<id>`: its META item and one AGG#<variant> totals item per
// variant, read with a single Query whose cost does not depend on how many events exist.
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { emptyTotals, TOTAL_FIELDS, type Totals } from '../aggregate/fold.ts';
import type { Experiment } from '../domain/experiment.ts';
import { getConfig, getDynamoDb } from './config.ts';
import { isExperimentItem, toExperiment } from './items.ts';

export interface ExperimentPartition {
  experiment: Experiment;
  totals: Map<string, Totals>;
  /** The newest write among the totals (or the experiment's own update). */
  updatedAt: string;
}

export async function readExperimentPartition(experimentId: string): Promise<ExperimentPartition | null> {
  const out = await getDynamoDb().send(
    new QueryCommand({
      TableName: getConfig().tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `EXP#${experimentId}` } },
      ConsistentRead: true,
    }),
  );
  const items = (out.Items ?? []).map((i) => unmarshall(i));
  const meta = items.find((i) => i.sk === 'META');
  if (!isExperimentItem(meta)) return null;
  const experiment = toExperiment(meta);
  const totals = new Map<string, Totals>();
  let updatedAt = experiment.updatedAt;
  for (const item of items) {
    if (!String(item.sk).startsWith('AGG#')) continue;
    const t = emptyTotals();
    for (const f of TOTAL_FIELDS) t[f] = typeof item[f] === 'number' ? item[f] : 0;
    totals.set(String(item.variant), t);
    if (typeof item.updatedAt === 'string' && item.updatedAt > updatedAt) updatedAt = item.updatedAt;
  }
  return { experiment, totals, updatedAt };
}

export function totalsOf(partition: ExperimentPartition, variant: string): Totals {
  return partition.totals.get(variant) ?? emptyTotals();
}
