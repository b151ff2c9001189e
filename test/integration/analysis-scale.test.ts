// One analysis run over 200 running experiments on DynamoDB Local: within its time budget, and its
// DynamoDB cost is one Query per experiment plus one write (a TransactWriteItems holding the
// snapshot, the running minima and any new alert) per snapshot, plus a page listing per 100.
// Experiments and their totals are written straight to the table (the run reads nothing else).
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { transition, validateCreate } from '../../lambdas/domain/experiment.ts';
import { runAnalysis } from '../../lambdas/analysis/run.ts';
import { getDynamoDb } from '../../lambdas/shared/config.ts';
import { experimentItem } from '../../model/experiment.ts';
import { lambdaConfigOf, startTestApp } from '../support/app.ts';

const EXPERIMENTS = 200;
const SKEWED = 10;
const BUDGET_MS = 30_000;
let app: App;
const calls: Record<string, number> = {};

beforeAll(async () => {
  ({ app } = await startTestApp({ streams: false }));
  const items: Record<string, unknown>[] = [];
  const now = new Date();
  for (let i = 0; i < EXPERIMENTS; i += 1) {
    const draft = validateCreate(
      { name: `scale-${i}`, control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] },
      { id: `scale-${String(i).padStart(3, '0')}`, now, generateSalt: () => `salt-${i}` },
    );
    const e = transition(draft, 'start', now);
    items.push(experimentItem(e));
    const usersB = i < SKEWED ? 1400 : 1000; // the first ten have a sample-ratio mismatch
    for (const [variant, users, converting] of [['A', 1000, 100 + (i % 7)], ['B', usersB, 110 + (i % 11)]] as const) {
      items.push({ pk: `EXP#${e.id}`, sk: `AGG#${variant}`, entity: 'Aggregate', experimentId: e.id, variant, exposures: users, referrers: converting, convertingReferrers: converting, updatedAt: now.toISOString() });
    }
  }
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } }));
    const out = await app.client.send(new BatchWriteItemCommand({ RequestItems: { [app.tableNames.main!]: batch } }));
    expect(Object.keys(out.UnprocessedItems ?? {})).toHaveLength(0);
  }
  // Count every call the analysis makes through the Lambdas' DynamoDB client.
  getDynamoDb(lambdaConfigOf(app)).middlewareStack.add(
    (next, context) => async (args) => {
      calls[context.commandName!] = (calls[context.commandName!] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
}, 120_000);

afterAll(async () => {
  getDynamoDb(lambdaConfigOf(app)).middlewareStack.remove('countCalls');
  await app?.stop();
});

it(`analyses ${EXPERIMENTS} running experiments within the budget, at one Query and one write per experiment`, async () => {
  const report = await runAnalysis({ config: lambdaConfigOf(app, 'analysis'), budgetMs: BUDGET_MS });
  console.log(`analysis run over ${EXPERIMENTS} experiments: ${report.elapsedMs} ms, DynamoDB calls ${JSON.stringify(calls)}`);
  expect(report).toMatchObject({ experiments: EXPERIMENTS, snapshots: EXPERIMENTS, alerts: SKEWED, stopped: 0, skipped: 0, complete: true });
  expect(report.elapsedMs).toBeLessThan(BUDGET_MS);
  const listPages = Math.ceil(EXPERIMENTS / 100) + 1; // the last full page still returns a LastEvaluatedKey
  expect(calls).toEqual({
    GetItemCommand: 1, // the run's cursor
    QueryCommand: EXPERIMENTS + listPages,
    TransactWriteItemsCommand: EXPERIMENTS, // snapshot + running minima (+ new alerts) in one call
  });
  // publishAlert went through the API, not DynamoDB (its NONE data source writes nothing)
  expect(app.api.stats.dynamoDbRequests).toBe(0);
}, 120_000);

it('stops at its budget and carries on from where it stopped in the next run', async () => {
  const first = await runAnalysis({ config: lambdaConfigOf(app, 'analysis'), budgetMs: 1, concurrency: 2, pageSize: 50 });
  expect(first.complete).toBe(false);
  expect(first.experiments).toBeLessThan(EXPERIMENTS);
  let total = first.experiments;
  const rest = await runAnalysis({ config: lambdaConfigOf(app, 'analysis'), budgetMs: BUDGET_MS, pageSize: 50 });
  expect(rest.complete).toBe(true);
  total += rest.experiments;
  // the second run began at the page the first was cut short in, not at the start
  expect(rest.experiments).toBeLessThanOrEqual(EXPERIMENTS - first.experiments + 50);
  expect(total).toBeGreaterThanOrEqual(EXPERIMENTS);
}, 120_000);
