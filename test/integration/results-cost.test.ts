// results, liveCounts and assign read one partition (the experiment's META and one totals item per
// variant) or one key: their DynamoDB calls and consumed capacity do not grow with the number of
// events an experiment holds. The events are seeded straight into the table (bench/seed.ts, the
// app's item shapes and the aggregator's own fold for the totals); every DynamoDB call of the app
// passes a metering proxy. `npm run bench -- flat` measures the same at 10^6 events.
import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { callOperation, createRunningExperiment, OPERATIONS } from '../../bench/flat-costs.ts';
import { seedExperiment, seededTotals } from '../../bench/seed.ts';
import { startTestApp } from '../support/app.ts';
import { startDynamoDbMeter, type DynamoDbMeter, type MeterReading } from '../support/dynamodb-meter.ts';

let app: App;
let meter: DynamoDbMeter;
let gql: Awaited<ReturnType<typeof startTestApp>>['gql'];

beforeAll(async () => {
  meter = await startDynamoDbMeter();
  // No aggregator: it would count the seeded counter items a second time.
  ({ app, gql } = await startTestApp({ streams: false, schedules: false, dynamoDbGateway: (e) => meter.route(e) }));
  // Nothing reads the stream here; DynamoDB Local then writes each seeded item once, not twice.
  await app.client.send(new UpdateTableCommand({ TableName: app.tableNames.main!, StreamSpecification: { StreamEnabled: false } }));
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await meter?.close();
});

interface Costs {
  invites: number;
  liveInvites: number;
  readings: Record<string, MeterReading>;
}

async function costsWith(events: number): Promise<Costs & { seededInvites: number }> {
  const id = await createRunningExperiment(gql, `cost ${events}`);
  const seeded = await seedExperiment(app.client, app.tableNames.main!, { experimentId: id, variants: ['A', 'B'], events }, { concurrency: 16 });
  const readings: Record<string, MeterReading> = {};
  let invites = 0;
  let liveInvites = 0;
  for (const op of OPERATIONS) {
    meter.reset();
    const out = await callOperation(gql, op, id, events);
    expect(out.errors).toBeUndefined();
    readings[op] = meter.reading();
    const data = out.data as { results?: { variants: { funnel: { invites: number } }[] }; liveCounts?: { variants: { invites: number }[] } };
    if (data.results) invites = data.results.variants.reduce((s, v) => s + v.funnel.invites, 0);
    if (data.liveCounts) liveInvites = data.liveCounts.variants.reduce((s, v) => s + v.invites, 0);
  }
  return { invites, liveInvites, readings, seededInvites: seededTotals(seeded, 'A').invites + seededTotals(seeded, 'B').invites };
}

it('costs the same DynamoDB calls and capacity for 100 and 10,000 events', async () => {
  const small = await costsWith(100);
  const large = await costsWith(10_000);
  // The seeded counts are what the API reports (5 invites per 10 events).
  expect(small.seededInvites).toBe(50);
  expect(large.seededInvites).toBe(5_000);
  expect([small.invites, small.liveInvites]).toEqual([50, 50]);
  expect([large.invites, large.liveInvites]).toEqual([5_000, 5_000]);
  expect(small.readings.results!.calls).toEqual(['Query']);
  expect(small.readings.liveCounts!.calls).toEqual(['Query']);
  // assign: the experiment (unless the Lambda holds it), the user's assignment, the new assignment.
  expect(small.readings.assign!.calls.at(-1)).toBe('PutItem');
  expect(small.readings.assign!.calls.length).toBeLessThanOrEqual(3);
  for (const op of OPERATIONS) {
    expect(large.readings[op], op).toEqual(small.readings[op]);
    expect(small.readings[op]!.readUnits + small.readings[op]!.writeUnits, op).toBeGreaterThan(0);
  }
}, 120_000);
