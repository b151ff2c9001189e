// The local stream poller against a DynamoDB Local stream: partial batch responses
// (ReportBatchItemFailures) retry from the lowest reported record and checkpoint just before it, as
// Lambda does; a thrown error bisects; a restart resumes after the checkpoint.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/lifecycle.ts';
import { createTables } from '../../local/dynamodb/tables.ts';
import { startStreamPoller, type LambdaStreamRecord } from '../../local/streams/poller.ts';

let dynamodb: DynamoDbLocal;
let client: DynamoDBClient;
let streamArn: string;
const table = 'poller-test';

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal({ inMemory: true });
  client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const arns = await createTables(client, [{ id: 't', partitionKey: { name: 'pk', type: 'S' }, globalSecondaryIndexes: [], stream: 'NEW_AND_OLD_IMAGES' }], { t: table });
  streamArn = arns.t!;
  // One item written ten times: one partition, one shard, ten records in order.
  for (let i = 0; i < 10; i++) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'item' }, n: { N: String(i) } } }));
});

afterAll(async () => {
  client?.destroy();
  await dynamodb?.stop();
});

const nOf = (r: LambdaStreamRecord) => Number((r.dynamodb.NewImage as { n: { N: string } }).n.N);

it('retries from the lowest failed record of a partial batch response and checkpoints before it; a restart resumes after the checkpoint', async () => {
  const checkpointFile = join(mkdtempSync(join(tmpdir(), 'sl-poller-')), 'checkpoints.json');
  const batches: number[][] = [];
  const checkpointsSeen: string[] = [];
  let failOnce = true;
  const poller = startStreamPoller({
    endpoint: dynamodb.endpoint,
    streamArn,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 3,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    checkpointFile,
    beforeCheckpoint: (_shard, sequence) => checkpointsSeen.push(sequence),
    async handler({ Records }) {
      batches.push(Records.map(nOf));
      if (failOnce && Records.length === 10) {
        failOnce = false;
        // Records 6 and 4 failed (any order): Lambda retries from the lowest, 4.
        return { batchItemFailures: [{ itemIdentifier: Records[6]!.dynamodb.SequenceNumber }, { itemIdentifier: Records[4]!.dynamodb.SequenceNumber }] };
      }
      return { batchItemFailures: [] };
    },
  });
  await poller.drain(20_000);
  await poller.stop();
  expect(batches).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [4, 5, 6, 7, 8, 9]]);
  expect(checkpointsSeen).toHaveLength(2);
  const saved = Object.values(JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, string>);
  expect(saved).toEqual([checkpointsSeen[1]]);

  // A restart from the same checkpoint file sees nothing new.
  const again: number[][] = [];
  const restarted = startStreamPoller({ endpoint: dynamodb.endpoint, streamArn, batchSize: 10, maxBatchingWindowSeconds: 0, retryAttempts: 0, bisectBatchOnError: false, checkpointFile, handler: async ({ Records }) => void again.push(Records.map(nOf)) });
  await restarted.drain(20_000);
  await restarted.stop();
  expect(again).toEqual([]);
});

it('a thrown error bisects; a response naming an unknown record fails the whole batch; without the setting the response is ignored', async () => {
  const batches: number[][] = [];
  let calls = 0;
  const poller = startStreamPoller({
    endpoint: dynamodb.endpoint,
    streamArn,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 2,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    async handler({ Records }) {
      batches.push(Records.map(nOf));
      calls += 1;
      if (calls === 1) throw new Error('boom');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return {};
    },
  });
  await poller.drain(20_000);
  await poller.stop();
  // 10 → throws → halves [0..4] (unknown id: whole half retried, not bisected) then [5..9].
  expect(batches).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);

  const plain: number[][] = [];
  const ignoring = startStreamPoller({
    endpoint: dynamodb.endpoint,
    streamArn,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 2,
    bisectBatchOnError: false,
    async handler({ Records }) {
      plain.push(Records.map(nOf));
      return { batchItemFailures: [{ itemIdentifier: Records[0]!.dynamodb.SequenceNumber }] };
    },
  });
  await ignoring.drain(20_000);
  await ignoring.stop();
  expect(plain).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
});
