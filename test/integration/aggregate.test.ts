// The stream aggregator against DynamoDB Local: a batch applied twice (a Lambda retry) leaves the
// totals as after the first time.
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type App } from '../../cli/app.ts';
import { handler, type StreamRecord } from '../../lambdas/aggregate/handler.ts';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';

let app: App;

beforeAll(async () => {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-agg-')) });
  // No poller: this test is the only one feeding the aggregator.
  app = await startApp({ auth, streams: false });
});

afterAll(async () => {
  await app?.stop();
});

const assignment = (userId: string, variant: string, counters: Record<string, number>) =>
  marshall({ pk: `EXP#e1#U#${userId}`, sk: 'ASSIGN', entity: 'Assignment', experimentId: 'e1', userId, variant, ...counters });

function batch(): StreamRecord[] {
  let seq = 1000;
  const rec = (eventName: StreamRecord['eventName'], oldImage?: ReturnType<typeof assignment>, newImage?: ReturnType<typeof assignment>): StreamRecord => ({
    eventID: `ev-${seq}`,
    eventName,
    dynamodb: { SequenceNumber: String((seq += 1)), OldImage: oldImage, NewImage: newImage },
  });
  return [
    rec('INSERT', undefined, assignment('u1', 'A', {})),
    rec('INSERT', undefined, assignment('u2', 'B', {})),
    rec('MODIFY', assignment('u1', 'A', {}), assignment('u1', 'A', { invites: 1 })),
    rec('MODIFY', assignment('u1', 'A', { invites: 1 }), assignment('u1', 'A', { invites: 2 })),
    rec('MODIFY', assignment('u1', 'A', { invites: 2 }), assignment('u1', 'A', { invites: 2, conversions: 1, revenue: 12.5 })),
    rec('MODIFY', assignment('u2', 'B', {}), assignment('u2', 'B', { invites: 3 })),
  ];
}

async function totals() {
  const out = await app.client.send(
    new QueryCommand({
      TableName: app.tableNames.main,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :agg)',
      ExpressionAttributeValues: marshall({ ':pk': 'EXP#e1', ':agg': 'AGG#' }),
      ConsistentRead: true,
    }),
  );
  return Object.fromEntries((out.Items ?? []).map((i) => unmarshall(i)).map((i) => [i.variant, i]));
}

it('folds counts, sums and sums of squares, and a retried batch changes nothing', async () => {
  const records = batch();
  await handler({ Records: records });
  const first = await totals();
  expect(first.A).toMatchObject({ exposures: 1, referrers: 1, invites: 2, invitesSumSq: 4, conversions: 1, convertingReferrers: 1, revenue: 12.5, revenueSumSq: 156.25 });
  expect(first.B).toMatchObject({ exposures: 1, referrers: 1, invites: 3, invitesSumSq: 9 });

  await handler({ Records: records });
  const second = await totals();
  expect(second).toEqual(first);
});
