// Flat costs at scale (issue 16 item 4): `results`, `assign` and `liveCounts` on experiments holding
// 10^2, 10^4 and 10^6 referral events, through the local runtime over HTTP. Each experiment is
// created through the API and its events, referrers and totals seeded straight into the table
// (bench/seed.ts); every DynamoDB call the app makes passes a metering proxy
// (test/support/dynamodb-meter.ts) that counts calls and consumed capacity. Rounds interleave the
// sizes so that load from other processes falls on all of them alike.
//   npm run bench -- flat                         (10^2, 10^4, 10^6; seeding 10^6 takes minutes)
//   FLAT_COSTS_SIZES=100,10000 npm run bench -- flat
import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, ROOT } from '../cli/app.ts';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { createClient, experimenter, type GqlResult } from '../test/support/client.ts';
import { startDynamoDbMeter, type MeterReading } from '../test/support/dynamodb-meter.ts';
import { seedExperiment } from './seed.ts';
import { median, type BenchRow } from './table.ts';

type Gql = ReturnType<typeof createClient>;

const RESULTS = readFileSync(join(ROOT, 'schema/operations/results.graphql'), 'utf8');
const LIVE_COUNTS = 'query($experimentId: ID!) { liveCounts(experimentId: $experimentId) { experimentId updatedAt variants { key exposures invites clicks signups conversions revenue } } }';
const ASSIGN = 'mutation($experimentId: ID!, $userId: ID!) { assign(experimentId: $experimentId, userId: $userId) { variant isNew } }';

export const OPERATIONS = ['results', 'assign', 'liveCounts'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A running two-variant experiment, created through the API. */
export async function createRunningExperiment(gql: Gql, name: string): Promise<string> {
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name, control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] } },
    experimenter,
  );
  if (!created.data) throw new Error(`createExperiment: ${JSON.stringify(created.errors)}`);
  const id = created.data.createExperiment.id;
  const started = await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id }, experimenter);
  if (started.errors) throw new Error(`startExperiment: ${JSON.stringify(started.errors)}`);
  return id;
}

/** One call of `op`; `n` makes assign's user new each time (an enrolment: a read and a write). */
export function callOperation(gql: Gql, op: Operation, experimentId: string, n: number): Promise<GqlResult> {
  if (op === 'results') return gql(RESULTS, { experimentId }, experimenter);
  if (op === 'liveCounts') return gql(LIVE_COUNTS, { experimentId }, experimenter);
  return gql(ASSIGN, { experimentId, userId: `flat-${n}` });
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const label = (n: number) => `10^${Math.round(Math.log10(n))}`;

export async function benchFlatCosts(progress: (s: string) => void): Promise<BenchRow[]> {
  const sizes = (process.env.FLAT_COSTS_SIZES ?? '100,10000,1000000').split(',').map(Number);
  const rounds = Number(process.env.FLAT_COSTS_ROUNDS ?? 40);
  const meter = await startDynamoDbMeter();
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-bench-flat-')) });
  // No aggregator: the seeded counter items must not be counted a second time (bench/seed.ts).
  const app = await startApp({ auth, streams: false, schedules: false, dynamoDbGateway: (e) => meter.route(e) });
  try {
    const gql = createClient(app.api.graphqlUrl, auth);
    const table = app.tableNames.main!;
    // Nothing reads the stream here; DynamoDB Local then writes each seeded item once, not twice.
    await app.client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
    const experiments: { size: number; id: string }[] = [];
    for (const size of sizes) {
      const id = await createRunningExperiment(gql, `flat ${size}`);
      const t0 = performance.now();
      const seeded = await seedExperiment(app.client, table, { experimentId: id, variants: ['A', 'B'], events: size }, { onProgress: (n) => progress(`flat: seeding ${label(size)}: ${n} items`) });
      progress(`flat: seeded ${label(size)} events (${seeded.items} items) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      experiments.push({ size, id });
    }
    const samples = new Map<string, { ms: number[]; reading: MeterReading[] }>();
    let n = 0;
    for (let round = -3; round < rounds; round += 1) {
      for (const { size, id } of experiments) {
        for (const op of OPERATIONS) {
          meter.reset();
          const t0 = performance.now();
          const out = await callOperation(gql, op, id, (n += 1));
          const ms = performance.now() - t0;
          if (out.errors) throw new Error(`${op}: ${JSON.stringify(out.errors)}`);
          if (round < 0) continue; // warm-up: compiled resolvers, connections
          const key = `${op} ${size}`;
          const s = samples.get(key) ?? { ms: [], reading: [] };
          s.ms.push(ms);
          s.reading.push(meter.reading());
          samples.set(key, s);
        }
      }
      if (round % 10 === 9) progress(`flat: round ${round + 1}/${rounds}`);
    }
    const rows: BenchRow[] = [];
    const smallest = sizes[0]!;
    const largest = sizes.at(-1)!;
    for (const op of OPERATIONS) {
      for (const size of sizes) {
        const s = samples.get(`${op} ${size}`)!;
        const calls = median(s.reading.map((r) => r.calls.length));
        const units = median(s.reading.map((r) => r.readUnits + r.writeUnits));
        const what = [...new Set(s.reading.flatMap((r) => r.calls))].join('+');
        rows.push({
          name: `${op} @ ${label(size)} events: latency`,
          value: median(s.ms),
          unit: 'ms',
          range: [Math.min(...s.ms), Math.max(...s.ms)],
          note: `p95 ${percentile(s.ms, 95).toFixed(1)} ms; ${calls} DynamoDB call(s) (${what}), ${units} capacity units`,
          ...(size === smallest ? { baseline: true } : {}),
        });
      }
      const ratio = median(samples.get(`${op} ${largest}`)!.ms) / median(samples.get(`${op} ${smallest}`)!.ms);
      const callsRatio = median(samples.get(`${op} ${largest}`)!.reading.map((r) => r.calls.length)) / median(samples.get(`${op} ${smallest}`)!.reading.map((r) => r.calls.length));
      rows.push({ name: `${op}: ${label(largest)} / ${label(smallest)}`, value: ratio, unit: '×', note: `median latency; DynamoDB calls ${callsRatio.toFixed(2)}×` });
    }
    rows.push({ name: 'load average (1 min) at the end', value: loadavg()[0]!, unit: '', note: `${rounds} interleaved rounds per figure` });
    return rows;
  } finally {
    await app.stop();
    await meter.close();
  }
}
