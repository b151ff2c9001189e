// One scheduled analysis run. For every RUNNING experiment (listed a page at a time from the status
// index) it reads the experiment's partition with one Query, computes the current phase's results,
// and writes the snapshot, the updated running minima and any new alerts with one
// TransactWriteItems call; then it pushes the new alerts and applies the auto-stop policy.
//
// Bounded work: the run stops taking experiments once its time budget is spent and stores where it
// stopped (a cursor), so the next run carries on from there and every experiment is reached in turn.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../model/keys.ts';
import { stopIfRunningAt } from '../admin/experiments.ts';
import { getDynamoDb, type LambdaConfig } from '../shared/config.ts';
import { dynamoStores, type Stores } from '../store/stores.ts';
import { documentClient, dynamoTable, type Table, type TransactItem } from '../store/table.ts';
import { analyzePartition } from './compute.ts';
import { pushAlert } from './notify.ts';
import { alertsToRaise, autoStopReason } from './rules.ts';
import { alertId, stateOf, type Alert, type AlertKind, type AnalysisState } from './state.ts';

export interface RunOptions {
  /** The Lambda's settings (its table; the API and topic alerts are pushed to). */
  config: LambdaConfig;
  now?: () => Date;
  /** Stop taking experiments after this long (ms); the rest is done by the next run. */
  budgetMs: number;
  /** Experiments analysed at the same time. */
  concurrency?: number;
  pageSize?: number;
}

export interface RunReport {
  experiments: number;
  snapshots: number;
  alerts: number;
  stopped: number;
  skipped: number;
  /** True when the run went through every running experiment (no cursor left for the next run). */
  complete: boolean;
  elapsedMs: number;
}

const CURSOR_KEY = keys.analysisCursor();

interface Deps {
  config: LambdaConfig;
  table: Table;
  stores: Stores;
}

type Outcome = { snapshot: boolean; alerts: number; stopped: boolean };

async function analyseOne({ config, table, stores }: Deps, experimentId: string, now: Date): Promise<Outcome> {
  const none = { snapshot: false, alerts: 0, stopped: false };
  const partition = await stores.totals.readPartition(experimentId);
  if (!partition || partition.experiment.status !== 'RUNNING') return none;
  const { experiment } = partition;
  const state = stateOf(partition);
  const analysis = analyzePartition(partition, state?.minSequentialPValue ?? {}, now);
  const { snapshot } = analysis;
  const raised = new Set<AlertKind>(state?.alerts ?? []);
  const drafts = alertsToRaise(experiment, analysis, raised, now);
  const alerts: Alert[] = drafts.map((d) => ({
    id: alertId(experimentId, snapshot.phase, d.kind),
    experimentId,
    phase: snapshot.phase,
    kind: d.kind,
    message: d.message,
    createdAt: snapshot.computedAt,
  }));

  const nextState: AnalysisState = {
    ...keys.analysisState(experimentId),
    entity: 'AnalysisState',
    experimentId,
    phase: snapshot.phase,
    minSequentialPValue: Object.fromEntries(snapshot.variants.filter((v) => v.decision !== null).map((v) => [v.key, v.sequentialPValue])),
    alerts: [...raised, ...drafts.map((d) => d.kind)],
    lastRunAt: snapshot.computedAt,
    snapshots: (state?.snapshots ?? 0) + 1,
  };
  // The state is replaced only if nobody else wrote it since it was read: two overlapping runs
  // cannot both raise an alert, nor lose each other's running minimum.
  const previousRun = (partition.analysis as AnalysisState | undefined)?.lastRunAt;
  const items: TransactItem[] = [
    { put: { ...keys.snapshot(experimentId, snapshot.phase, snapshot.computedAt), entity: 'ResultsSnapshot', ...snapshot }, condition: { expression: 'attribute_not_exists(pk)' } },
    {
      put: nextState as unknown as Record<string, unknown>,
      condition: previousRun
        ? { expression: '#last = :last', names: { '#last': 'lastRunAt' }, values: { ':last': previousRun } }
        : { expression: 'attribute_not_exists(pk)' },
    },
    ...alerts.map((a) => ({ put: { ...keys.alert(experimentId, a.phase, a.kind), entity: 'Alert', ...a }, condition: { expression: 'attribute_not_exists(pk)' } })),
  ];
  const written = await table.transactWrite(items);
  if (!written.ok) return none; // another run analysed it meanwhile
  for (const a of alerts) await pushAlert(config, a);

  let stopped = false;
  let extra = 0;
  const reason = autoStopReason(experiment, analysis, now);
  if (reason && (await stopIfRunningAt(stores, experimentId, experiment.version))) {
    stopped = true;
    const alert: Alert = {
      id: alertId(experimentId, snapshot.phase, 'AUTO_STOPPED'),
      experimentId,
      phase: snapshot.phase,
      kind: 'AUTO_STOPPED',
      message: `Stopped automatically: ${reason}.`,
      createdAt: new Date().toISOString(),
    };
    if (await table.put({ ...keys.alert(experimentId, alert.phase, alert.kind), entity: 'Alert', ...alert }, { expression: 'attribute_not_exists(pk)' })) {
      extra = 1;
      await pushAlert(config, alert);
    }
  }
  return { snapshot: true, alerts: alerts.length + extra, stopped };
}

async function listPage(config: LambdaConfig, cursor: Record<string, unknown> | undefined, limit: number) {
  const out = await documentClient(getDynamoDb(config)).send(
    new QueryCommand({
      TableName: config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :s',
      ExpressionAttributeValues: { ':s': keys.experimentsByStatus('RUNNING') },
      ProjectionExpression: 'id',
      Limit: limit,
      ExclusiveStartKey: cursor,
    }),
  );
  return { ids: (out.Items ?? []).map((i) => i.id as string), next: out.LastEvaluatedKey };
}

export async function runAnalysis(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? 8;
  const { config } = options;
  const table = dynamoTable(getDynamoDb(config), config.tableName);
  const deps: Deps = { config, table, stores: dynamoStores(table) };
  const report: RunReport = { experiments: 0, snapshots: 0, alerts: 0, stopped: 0, skipped: 0, complete: false, elapsedMs: 0 };
  const saved = await table.get(CURSOR_KEY);
  let cursor = saved?.cursor as Record<string, unknown> | undefined;
  let outOfTime = false;
  do {
    const page = await listPage(config, cursor, options.pageSize ?? 100);
    let next = 0;
    const worker = async () => {
      while (next < page.ids.length) {
        if (Date.now() - started > options.budgetMs) {
          outOfTime = true;
          return;
        }
        const id = page.ids[next++]!;
        report.experiments += 1;
        try {
          const o = await analyseOne(deps, id, now());
          if (o.snapshot) report.snapshots += 1;
          else report.skipped += 1;
          report.alerts += o.alerts;
          if (o.stopped) report.stopped += 1;
        } catch (error) {
          report.skipped += 1;
          console.error(`analysis of experiment ${id} failed`, error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Resume from this page when it was cut short (its first experiments are analysed twice then,
    // which only adds a snapshot); from the next page otherwise.
    if (outOfTime) break;
    cursor = page.next;
  } while (cursor);
  report.complete = !outOfTime;
  if (outOfTime || saved?.cursor) await table.put({ ...CURSOR_KEY, entity: 'AnalysisCursor', cursor: outOfTime ? cursor : undefined, updatedAt: new Date().toISOString() });
  report.elapsedMs = Date.now() - started;
  return report;
}
