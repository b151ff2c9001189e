// The local host's lean DynamoDB client (keep-alive HTTP + DynamoDB's JSON protocol) against the AWS
// SDK's client, through the same data source on the same DynamoDB Local: every operation, binary
// values, pagination, DynamoDB's own errors (condition failures, cancelled transactions, validation,
// a missing table) and a refused connection must give identical outcomes and consumed capacity.
import { DynamoDBClient, GetItemCommand, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableDefinition } from '../../resolvers/manifest-types.ts';
import { createDynamoDbDataSource, LeanDynamoDbClient, type DataSourceOutcome, type DynamoDbDataSource } from '../../local/appsync/datasources/dynamodb.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/lifecycle.ts';
import { createTables } from '../../local/dynamodb/tables.ts';

const MAIN: TableDefinition = {
  id: 'main',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } }],
};
const OTHER: TableDefinition = { id: 'other', partitionKey: { name: 'id', type: 'S' }, globalSecondaryIndexes: [] };

let dynamo: DynamoDbLocal;
let sdk: DynamoDBClient;
let lean: LeanDynamoDbClient;
const S = (s: string) => ({ S: s });
const key = (pk: string, sk: string) => ({ pk: S(pk), sk: S(sk) });
const BYTES = Buffer.from([0, 1, 2, 250, 255]).toString('base64');

interface Side {
  ds: DynamoDbDataSource;
  capacity: { op: string; capacity: ConsumedCapacity[] }[];
}
const sides: Record<'sdk' | 'lean', Side> = {} as never;

/** Each client gets its own pair of tables (a Scan's counts depend on everything in the table). */
function side(client: DynamoDBClient | LeanDynamoDbClient, prefix: string): Side {
  const capacity: Side['capacity'] = [];
  const tableNames = { Main: `${prefix}-main`, Other: `${prefix}-other` };
  const ds = createDynamoDbDataSource({ client, tableName: tableNames.Main, tableNames, onConsumedCapacity: (op, c) => capacity.push({ op, capacity: c }) });
  return { ds, capacity };
}

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ inMemory: true });
  sdk = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  lean = new LeanDynamoDbClient({ endpoint: dynamo.endpoint, region: 'us-east-1', accessKeyId: 'local' });
  for (const prefix of ['sdk', 'lean']) await createTables(sdk, [MAIN, OTHER], { main: `${prefix}-main`, other: `${prefix}-other` });
  sides.sdk = side(sdk, 'sdk');
  sides.lean = side(lean, 'lean');
});

afterAll(async () => {
  sdk?.destroy();
  lean?.destroy();
  await dynamo?.stop();
});

/** The same script of requests for each client; request ids are per call, so masked. */
async function script(p: string, ds: DynamoDbDataSource): Promise<unknown[]> {
  const steps: unknown[] = [
    { operation: 'PutItem', key: key(p, 'a'), attributeValues: { n: { N: 3 }, f: { N: '12.50' }, ss: { SS: ['x', 'y'] }, ns: { NS: [1, 2.5] }, b: { B: BYTES }, bs: { BS: [BYTES, 'AA=='] }, m: { M: { B: { S: 'named B' }, l: { L: [{ NULL: null }, { BOOL: true }] } } }, gsi1pk: S(p), gsi1sk: S('1') } },
    { operation: 'GetItem', key: key(p, 'a'), consistentRead: true },
    { operation: 'GetItem', key: key(p, 'missing') },
    { operation: 'GetItem', key: key(p, 'a'), projection: { expression: '#n, b', expressionNames: { '#n': 'n' } } },
    { operation: 'UpdateItem', key: key(p, 'a'), update: { expression: 'ADD n :one SET t = :t', expressionValues: { ':one': { N: 1 }, ':t': S('text') } } },
    { operation: 'PutItem', key: key(p, 'a'), attributeValues: {}, condition: { expression: 'attribute_not_exists(pk)' } },
    { operation: 'PutItem', key: key(p, 'a'), attributeValues: { b: { B: BYTES } }, condition: { expression: 'attribute_not_exists(pk)', equalsIgnore: ['n', 'f', 'ss', 'ns', 'bs', 'm', 't', 'gsi1pk', 'gsi1sk'] } },
    { operation: 'BatchPutItem', tables: { Main: [2, 3, 4, 5].map((i) => ({ ...key(p, `i${i}`), gsi1pk: S(p), gsi1sk: S(String(i)) })) } },
    { operation: 'Query', query: { expression: 'pk = :p', expressionValues: { ':p': S(p) } }, limit: 2 },
    { operation: 'Query', index: 'gsi1', query: { expression: 'gsi1pk = :p', expressionValues: { ':p': S(p) } }, scanIndexForward: false },
    { operation: 'Scan', filter: { expression: 'pk = :p', expressionValues: { ':p': S(p) } } },
    { operation: 'BatchGetItem', tables: { Main: { keys: [key(p, 'i2'), key(p, 'nope'), key(p, 'a')], consistentRead: true } } },
    { operation: 'BatchDeleteItem', tables: { Main: [key(p, 'i2'), key(p, 'i3')] } },
    { operation: 'TransactWriteItems', transactItems: [{ table: 'Main', operation: 'PutItem', key: key(p, 'w1'), attributeValues: { v: S('a') } }, { table: 'Main', operation: 'ConditionCheck', key: key(p, 'a'), condition: { expression: 'attribute_not_exists(pk)' } }] },
    { operation: 'TransactWriteItems', transactItems: [{ table: 'Other', operation: 'PutItem', key: { id: S(p) }, attributeValues: { v: S('a') } }] },
    { operation: 'TransactGetItems', transactItems: [{ table: 'Main', key: key(p, 'a') }, { table: 'Other', key: { id: S(p) } }] },
    { operation: 'DeleteItem', key: key(p, 'a') },
    { operation: 'GetItem', key: { pk: { N: 1 }, sk: S('x') } }, // DynamoDB's ValidationException (key type)
    { operation: 'BatchGetItem', tables: { 'no-such-table': { keys: [key(p, 'a')] } } }, // ResourceNotFoundException
  ];
  const out: unknown[] = [];
  for (const step of steps) out.push(await ds(step));
  return out;
}

/** Table names and request ids differ between the two runs, nothing else may. */
function normalize(value: unknown, prefix: string): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll(`${prefix}-`, 'T-').replace(/Request ID: [^)]*/g, 'Request ID: *').replace(/"nextToken":"[^"]*"/g, '"nextToken":"*"'));
}

describe('lean DynamoDB client', () => {
  it('gives the same outcomes and consumed capacity as the AWS SDK for every operation and DynamoDB error', async () => {
    const sdkOut = await script('p', sides.sdk.ds);
    const leanOut = await script('p', sides.lean.ds);
    expect(normalize(leanOut, 'lean')).toEqual(normalize(sdkOut, 'sdk'));
    expect(normalize(sides.lean.capacity, 'lean')).toEqual(normalize(sides.sdk.capacity, 'sdk'));
    // the script did exercise errors and binary values
    const outcomes = leanOut as DataSourceOutcome[];
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.error.type)).toEqual([
      'DynamoDB:ConditionalCheckFailedException',
      'DynamoDB:TransactionCanceledException',
      'DynamoDB:ValidationException',
      'DynamoDB:ResourceNotFoundException',
    ]);
    expect(outcomes[1]).toMatchObject({ ok: true, result: { b: BYTES, bs: expect.arrayContaining([BYTES, 'AA==']), m: { B: 'named B' } } }); // a set: any order
    // and what the lean client wrote reads back through the SDK byte for byte
    const read = await sdk.send(new GetItemCommand({ TableName: 'lean-main', Key: key('p', 'i4') }));
    expect(read.Item).toEqual({ ...key('p', 'i4'), gsi1pk: S('p'), gsi1sk: S('4') });
  });

  it('a refused connection fails like the SDK: the socket error with its metadata, after its retries', async () => {
    const closed = 'http://127.0.0.1:9'; // discard port: nothing listens on loopback here
    const sdkDown = new DynamoDBClient({ endpoint: closed, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const leanDown = new LeanDynamoDbClient({ endpoint: closed, region: 'us-east-1', accessKeyId: 'local' });
    const request = { operation: 'GetItem', key: key('p', 'a') };
    const a = await createDynamoDbDataSource({ client: sdkDown, tableName: 'lean-main' })(request);
    const b = await createDynamoDbDataSource({ client: leanDown, tableName: 'lean-main' })(request);
    sdkDown.destroy();
    leanDown.destroy();
    expect(b).toEqual(a);
    // the host turns this into DynamoDB:ServiceUnavailable (isConnectionFailure)
    expect(b).toMatchObject({ ok: false, error: { message: expect.stringContaining('ECONNREFUSED') } });
  });
});
