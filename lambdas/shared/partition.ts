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
  /** The scheduled analysis' state (sk ANALYSIS): running minima and raised alerts; absent before its first run. */
  analysis?: Record<string, unknown>;
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
  const raw = out.Items ?? [];
  const metaRaw = raw.find((i) => i.sk?.S === 'META');
  const meta = metaRaw ? unmarshall(metaRaw) : undefined;
  if (!isExperimentItem(meta)) return null;
  const experiment = toExperiment(meta);
  const totals = new Map<string, Totals>();
  let updatedAt = experiment.updatedAt;
  const analysisRaw = raw.find((i) => i.sk?.S === 'ANALYSIS');
  for (const item of raw) {
    if (!item.sk?.S?.startsWith('AGG#')) continue;
    const t = emptyTotals();
    // Totals are read from the attribute values directly: sums of squares pass 2^53, where
    // unmarshall would turn them into BigInts (or throw, for a fraction).
    for (const f of TOTAL_FIELDS) t[f] = item[f]?.N !== undefined ? Number(item[f].N) : 0;
    totals.set(item.variant?.S ?? item.sk.S.slice('AGG#'.length), t);
    const written = item.updatedAt?.S;
    if (written && written > updatedAt) updatedAt = written;
  }
  return { experiment, totals, updatedAt, ...(analysisRaw ? { analysis: unmarshall(analysisRaw) } : {}) };
}

export function totalsOf(partition: ExperimentPartition, variant: string): Totals {
  return partition.totals.get(variant) ?? emptyTotals();
}
