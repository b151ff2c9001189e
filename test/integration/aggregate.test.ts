// Exactly-once folding against DynamoDB Local, with events recorded through the API (issues 12, 16):
// the same stream records delivered whole, twice, as halves and as overlapping deliveries Lambda
// makes (a delivery committed but not checkpointed, then retried shorter and resumed) leave the
// same totals and referrer counters; and a kill of the local stack between the aggregator's commit
// and the poller's checkpoint, then a restart, leaves totals equal to the distinct events. Every
// schedule Lambda can make is checked against an in-memory table in test/unit/aggregate/exactly-once.test.ts.
import { BatchWriteItemCommand, ScanCommand, type AttributeValue, type BatchWriteItemCommandInput } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, startApp, type App } from '../../cli/app.ts';
import { aggregate, type StreamRecord } from '../../lambdas/aggregate/handler.ts';
import { dynamoStores } from '../../lambdas/store/stores.ts';
import { dynamoTable } from '../../lambdas/store/table.ts';
import { freePort } from '../../local/dynamodb/lifecycle.ts';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';
import { lambdaConfigOf } from '../support/app.ts';
import { createClient, experimenter } from '../support/client.ts';

type Gql = ReturnType<typeof createClient>;

/** Events through the API: 12 users, 4 referrers, 6 signups, 4 conversions (one replayed). */
async function recordEvents(gql: Gql): Promise<string> {
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name: 'exactly-once', control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] } },
    experimenter,
  );
  const id = created.data!.createExperiment.id;
  await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id }, experimenter);
  for (let u = 0; u < 12; u++) await gql('mutation($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { variant } }', { e: id, u: `u${u}` });
  let signup = 0;
  for (let r = 0; r < 4; r++) {
    const code = (await gql<{ referralCode: { code: string } }>('query($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code } }', { e: id, u: `u${r}` })).data!.referralCode.code;
    await gql('mutation($input: RecordInviteInput!) { recordInvite(input: $input) { outcome } }', { input: { eventId: `inv-${r}`, code, channel: 'EMAIL' } });
    for (let k = 0; k < (r < 2 ? 2 : 1); k++) {
      const s = signup++;
      await gql('mutation($input: RecordSignupInput!) { recordSignup(input: $input) { outcome } }', { input: { eventId: `su-${s}`, code, refereeId: `ref-${s}` } }, { iam: true });
    }
  }
  for (const s of [0, 1, 2, 4, 4]) {
    await gql('mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome } }', { input: { eventId: `cv-${s}`, experimentId: id, refereeId: `ref-${s}`, value: 10, currency: 'USD' } }, { iam: true });
  }
  return id;
}

const EXPECTED = { exposures: 12, referrers: 4, invites: 4, signups: 6, conversions: 4, convertingReferrers: 3 };

/** Every record of the table's stream, per shard, in the shape Lambda delivers. */
async function streamRecords(app: App): Promise<StreamRecord[][]> {
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: app.dynamodb.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const arn = app.streamArns.main!;
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards ?? [];
  const out: StreamRecord[][] = [];
  for (const shard of shards) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const records: StreamRecord[] = [];
    for (let empty = 0; iterator && empty < 2; ) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      iterator = page.NextShardIterator;
      if (!page.Records?.length) empty++;
      for (const r of page.Records ?? []) records.push({ eventID: r.eventID!, eventName: r.eventName as StreamRecord['eventName'], dynamodb: r.dynamodb as StreamRecord['dynamodb'] });
    }
    if (records.length) out.push(records);
  }
  streams.destroy();
  return out;
}

async function totalsOf(app: App, id: string) {
  const partition = (await dynamoStores(dynamoTable(app.client, app.tableNames.main)).totals.readPartition(id))!;
  return [...partition.totals].sort(([a], [b]) => a.localeCompare(b));
}

type Raw = Record<string, AttributeValue>;
const scanAll = async (app: App): Promise<Raw[]> => (await app.client.send(new ScanCommand({ TableName: app.tableNames.main }))).Items ?? [];

/** Forgets what the aggregator did (totals, markers, referrers' counters, rewards): the table as recorded. */
async function restore(app: App, recorded: Raw[]): Promise<void> {
  const table = app.tableNames.main!;
  const write = async (requests: NonNullable<BatchWriteItemCommandInput['RequestItems']>[string]) => {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: BatchWriteItemCommandInput['RequestItems'] = { [table]: requests.slice(i, i + 25) };
      while (pending && Object.keys(pending).length) pending = (await app.client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
    }
  };
  await write((await scanAll(app)).map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } })));
  await write(recorded.map((Item) => ({ PutRequest: { Item } })));
}

/** The referrers' counters as the aggregator left them (without `frev`, which counts its chunks). */
async function counters(app: App): Promise<Record<string, unknown>[]> {
  return (await scanAll(app)).filter((i) => i.sk?.S === 'ASSIGN').map((i) => ({ pk: i.pk!.S, invites: i.invites?.N, signups: i.signups?.N, conversions: i.conversions?.N, revenue: i.revenue?.N }))
    .sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
}

const sum = (totals: [string, Record<string, number>][], field: string) => totals.reduce((s, [, t]) => s + t[field]!, 0);

it('whole, twice, halves and overlapping slices of the same stream records leave identical totals', async () => {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-agg-')) });
  const app = await startApp({ auth, streams: false });
  try {
    const gql = createClient(app.api.graphqlUrl, auth);
    const id = await recordEvents(gql);
    const shards = await streamRecords(app);
    const ctx = { stores: dynamoStores(dynamoTable(app.client, app.tableNames.main)), config: lambdaConfigOf(app, 'aggregate') };
    const recorded = await scanAll(app);
    const deliver = async (slices: (records: StreamRecord[]) => StreamRecord[][]) => {
      await restore(app, recorded);
      for (const records of shards) {
        for (const slice of slices(records)) expect((await aggregate({ Records: slice }, ctx)).batchItemFailures).toEqual([]);
      }
      return { totals: await totalsOf(app, id), counters: await counters(app) };
    };
    const whole = await deliver((r) => [r]);
    for (const [field, value] of Object.entries(EXPECTED)) expect(sum(whole.totals, field)).toBe(value);
    const half = (r: StreamRecord[]) => Math.ceil(r.length / 2);
    expect(await deliver((r) => [r, r])).toEqual(whole);
    expect(await deliver((r) => [r.slice(0, half(r)), r.slice(half(r))])).toEqual(whole);
    expect(await deliver((r) => [r, r.slice(0, half(r)), r.slice(half(r))])).toEqual(whole);
    // Lambda starts a delivery only after a checkpoint: [0, h+5) committed but never checkpointed
    // (a timeout), retried shorter as [0, h-5) and checkpointed, then resumed at h-5; then all again.
    expect(await deliver((r) => [r.slice(0, half(r) + 5), r.slice(0, half(r) - 5), r.slice(half(r) - 5), r])).toEqual(whole);
    expect(await deliver((r) => [r.slice(0, 3), r.slice(3, 9), r.slice(3), r])).toEqual(whole);
  } finally {
    await app.stop();
  }
}, 120_000);

it('a kill between commit and checkpoint, then a restart, leaves totals equal to the distinct events', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-crash-'));
  const authDir = mkdtempSync(join(tmpdir(), 'sl-crash-auth-'));
  const auth = authSettingsFromEnv({}, { dataDir: authDir });
  // 1. Record the events with the aggregator off.
  const first = await startApp({ auth, dataDir, streams: false });
  const id = await recordEvents(createClient(first.api.graphqlUrl, auth)).finally(() => first.stop());

  // 2. A child process aggregates in batches of 7 and dies right after committing the third batch.
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/crash-after-commit.ts'), dataDir, String(port), authDir], { cwd: ROOT, stdio: 'ignore' });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  expect(code).toBe(86);

  // 3. Restart: the poller resumes at the last checkpoint (two batches), so the third batch is
  //    delivered again, inside a bigger one.
  const second = await startApp({ auth, dataDir });
  try {
    await second.poller!.drain(30_000);
    const totals = await totalsOf(second, id);
    for (const [field, value] of Object.entries(EXPECTED)) expect(sum(totals, field)).toBe(value);
  } finally {
    await second.stop();
  }
}, 180_000);
