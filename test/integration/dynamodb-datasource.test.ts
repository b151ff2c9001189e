// The local AppSync DynamoDB data source against a real DynamoDB Local: every operation's result
// shape, condition failures, transactions, pagination, batch ordering, and request validation.
import { DynamoDBClient, GetItemCommand, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TableDefinition } from '../../resolvers/manifest-types.ts';
import {
  createDynamoDbDataSource,
  type DataSourceOutcome,
  type DynamoDbDataSource,
} from '../../local/appsync/datasources/dynamodb.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/lifecycle.ts';
import { createTables } from '../../local/dynamodb/tables.ts';
import { sharedDynamoDb, type SharedDynamoDb } from '../support/dynamodb.ts';

const MAIN: TableDefinition = {
  id: 'main',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  ],
};
const OTHER: TableDefinition = { id: 'other', partitionKey: { name: 'id', type: 'S' }, globalSecondaryIndexes: [] };

/** The worker's shared DynamoDB Local; a JVM of this file's own outside the repository's vitest config. */
let shared: SharedDynamoDb | undefined;
let own: DynamoDbLocal | undefined;
let client: DynamoDBClient;
let ds: DynamoDbDataSource;
let run = 0;
let table = '';
let otherTable = '';
const capacity: { op: string; capacity: ConsumedCapacity[] }[] = [];

/** A fresh partition per test so tests never see each other's items. */
let p = '';
const S = (s: string) => ({ S: s });
const key = (pk: string, sk: string) => ({ pk: S(pk), sk: S(sk) });

function ok(outcome: DataSourceOutcome): unknown {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

beforeAll(async () => {
  shared = await sharedDynamoDb();
  if (!shared) own = await startDynamoDbLocal({ inMemory: true });
  client = new DynamoDBClient({
    endpoint: shared?.endpoint ?? own!.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const prefix = shared?.tablePrefix ?? 'dsTest';
  table = `${prefix}-main`;
  otherTable = `${prefix}-other`;
  await createTables(client, [MAIN, OTHER], { main: table, other: otherTable });
  ds = createDynamoDbDataSource({
    client,
    tableName: table,
    tableNames: { Other: otherTable, Main: table },
    onConsumedCapacity: (op, c) => capacity.push({ op, capacity: c }),
  });
});

afterAll(async () => {
  client?.destroy();
  await shared?.dropTables([table, otherTable]);
  await own?.stop();
});

beforeEach(() => {
  run += 1;
  p = `P${run}`;
  capacity.length = 0;
});

describe('single-item operations', () => {
  it('PutItem returns the item written, converting typed values (JSON numbers included) to plain JSON', async () => {
    const result = ok(
      await ds({
        operation: 'PutItem',
        key: key(p, 'a'),
        attributeValues: {
          count: { N: 3 },
          price: { N: '12.50' },
          tags: { SS: ['x', 'y'] },
          scores: { NS: [1, 2.5] },
          nested: { M: { on: { BOOL: true }, nothing: { NULL: null }, list: { L: [{ S: 'q' }, { N: 7 }] } } },
          blob: { B: Buffer.from('hi').toString('base64') },
        },
      }),
    );
    expect(result).toEqual({
      pk: p,
      sk: 'a',
      count: 3,
      price: 12.5,
      tags: ['x', 'y'],
      scores: [1, 2.5],
      nested: { on: true, nothing: null, list: ['q', 7] },
      blob: 'aGk=',
    });
    const stored = await client.send(new GetItemCommand({ TableName: table, Key: key(p, 'a') }));
    expect(stored.Item?.count).toEqual({ N: '3' });
    expect(stored.Item?.nested?.M?.nothing).toEqual({ NULL: true });
  });

  it('GetItem returns the plain item, null when missing, and honours projection', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'a'), attributeValues: { name: S('Ann'), age: { N: 41 }, tags: { SS: ['b', 'a'] } } });

    const item = ok(await ds({ operation: 'GetItem', key: key(p, 'a'), consistentRead: true })) as Record<string, unknown>;
    expect(item).toMatchObject({ pk: p, sk: 'a', name: 'Ann', age: 41 });
    expect([...(item.tags as string[])].sort()).toEqual(['a', 'b']);

    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'missing') }))).toBeNull();

    const projected = ok(
      await ds({ operation: 'GetItem', key: key(p, 'a'), projection: { expression: '#n, age', expressionNames: { '#n': 'name' } } }),
    );
    expect(projected).toEqual({ name: 'Ann', age: 41 });
  });

  it('UpdateItem applies SET, ADD and REMOVE and returns the whole new item', async () => {
    await ds({
      operation: 'PutItem',
      key: key(p, 'u'),
      attributeValues: { visits: { N: 1 }, colors: { SS: ['red'] }, obsolete: S('x'), title: S('old') },
    });
    const result = ok(
      await ds({
        operation: 'UpdateItem',
        key: key(p, 'u'),
        update: {
          expression: 'SET #t = :t, updatedAt = :now ADD visits :one, colors :blue REMOVE obsolete',
          expressionNames: { '#t': 'title' },
          expressionValues: { ':t': S('new'), ':now': { N: 1700000000 }, ':one': { N: 1 }, ':blue': { SS: ['blue'] } },
        },
      }),
    ) as Record<string, unknown>;
    expect(result).toMatchObject({ pk: p, sk: 'u', title: 'new', updatedAt: 1700000000, visits: 2 });
    expect(result).not.toHaveProperty('obsolete');
    expect([...(result.colors as string[])].sort()).toEqual(['blue', 'red']);
  });

  it('UpdateItem with a condition shares names and values between update and condition', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'v'), attributeValues: { version: { N: 1 } } });
    const result = ok(
      await ds({
        operation: 'UpdateItem',
        key: key(p, 'v'),
        update: { expression: 'SET #v = #v + :one', expressionNames: { '#v': 'version' }, expressionValues: { ':one': { N: 1 } } },
        condition: { expression: '#v = :expected', expressionNames: { '#v': 'version' }, expressionValues: { ':expected': { N: 1 } } },
      }),
    );
    expect(result).toEqual({ pk: p, sk: 'v', version: 2 });

    const stale = await ds({
      operation: 'UpdateItem',
      key: key(p, 'v'),
      update: { expression: 'SET #v = #v + :one', expressionNames: { '#v': 'version' }, expressionValues: { ':one': { N: 1 } } },
      condition: { expression: '#v = :expected', expressionNames: { '#v': 'version' }, expressionValues: { ':expected': { N: 1 } } },
    });
    expect(stale).toMatchObject({
      ok: false,
      error: { type: 'DynamoDB:ConditionalCheckFailedException' },
      result: { pk: p, sk: 'v', version: 2 },
    });
  });

  it('DeleteItem returns the old item, or null when there was none', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'd'), attributeValues: { n: { N: 5 } } });
    expect(ok(await ds({ operation: 'DeleteItem', key: key(p, 'd') }))).toEqual({ pk: p, sk: 'd', n: 5 });
    expect(ok(await ds({ operation: 'DeleteItem', key: key(p, 'd') }))).toBeNull();
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'd') }))).toBeNull();
  });
});

describe('condition failures', () => {
  it('a conditional PutItem that fails reports ConditionalCheckFailedException with the current item as result', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'c'), attributeValues: { owner: S('first') } });
    const outcome = await ds({
      operation: 'PutItem',
      key: key(p, 'c'),
      attributeValues: { owner: S('second') },
      condition: { expression: 'attribute_not_exists(#pk)', expressionNames: { '#pk': 'pk' } },
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(outcome.error.message).toMatch(/^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: .+\)$/);
    expect(outcome.result).toEqual({ pk: p, sk: 'c', owner: 'first' });
    // Nothing was written.
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'c') }))).toEqual({ pk: p, sk: 'c', owner: 'first' });
  });

  it('counts a failed PutItem as done when the current item already is the one being written (equalsIgnore honoured)', async () => {
    const put = (version: number) => ({
      operation: 'PutItem',
      key: key(p, 'same'),
      attributeValues: { owner: S('x'), version: { N: version } },
      condition: { expression: 'attribute_not_exists(pk)', equalsIgnore: ['version'] },
    });
    expect(ok(await ds(put(1)))).toEqual({ pk: p, sk: 'same', owner: 'x', version: 1 });
    // Same item apart from an ignored attribute: AppSync treats the retry as a success and returns the stored item.
    expect(ok(await ds(put(2)))).toEqual({ pk: p, sk: 'same', owner: 'x', version: 1 });

    const different = await ds({ ...put(3), attributeValues: { owner: S('y'), version: { N: 3 } } });
    expect(different).toMatchObject({ ok: false, error: { type: 'DynamoDB:ConditionalCheckFailedException' } });
  });

  it('a Custom conditionalCheckFailedHandler can ask for a retry with a new condition', async () => {
    const calls: unknown[] = [];
    const custom = createDynamoDbDataSource({
      client,
      tableName: table,
      invokeConflictHandler: async (arn, event) => {
        calls.push({ arn, event });
        return { action: 'retry', retryMapping: { condition: { expression: 'attribute_exists(pk)' } } };
      },
    });
    await custom({ operation: 'PutItem', key: key(p, 'h'), attributeValues: { v: { N: 1 } } });
    const outcome = await custom(
      {
        operation: 'PutItem',
        key: key(p, 'h'),
        attributeValues: { v: { N: 2 } },
        condition: {
          expression: 'attribute_not_exists(pk)',
          conditionalCheckFailedHandler: { strategy: 'Custom', lambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:resolve' },
        },
      },
      { identity: { sub: 'u1' }, arguments: { id: 'h' }, info: { fieldName: 'put', parentTypeName: 'Mutation' } },
    );
    expect(ok(outcome)).toEqual({ pk: p, sk: 'h', v: 2 });
    expect(calls).toEqual([
      {
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:resolve',
        event: expect.objectContaining({
          arguments: { id: 'h' },
          currentValue: { pk: p, sk: 'h', v: 1 },
          identity: { sub: 'u1' },
          resolver: expect.objectContaining({ tableName: table, parentType: 'Mutation', field: 'put' }),
        }),
      },
    ]);
  });
});

describe('Query and Scan', () => {
  async function seed(count: number) {
    for (let i = 0; i < count; i += 1) {
      await ds({
        operation: 'PutItem',
        key: key(p, `item#${String(i).padStart(2, '0')}`),
        attributeValues: { n: { N: i }, gsi1pk: S(`G${p}`), gsi1sk: S(`k${String(9 - i).padStart(2, '0')}`), odd: { BOOL: i % 2 === 1 } },
      });
    }
  }

  it('pages through a partition with limit and nextToken: 3 pages, every item exactly once', async () => {
    await seed(7);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const page = ok(
        await ds({
          operation: 'Query',
          query: { expression: 'pk = :pk AND begins_with(sk, :prefix)', expressionValues: { ':pk': S(p), ':prefix': S('item#') } },
          limit: 3,
          nextToken,
        }),
      ) as { items: { sk: string }[]; nextToken: string | null; scannedCount: number };
      pages += 1;
      pageSizes.push(page.items.length);
      expect(page.scannedCount).toBe(page.items.length);
      seen.push(...page.items.map((i) => i.sk));
      nextToken = page.nextToken;
      if (nextToken !== null) expect(typeof nextToken).toBe('string');
    } while (nextToken !== null && pages < 10);
    expect(pages).toBe(3);
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(['00', '01', '02', '03', '04', '05', '06'].map((s) => `item#${s}`));
  });

  it('queries backwards with a filter and a projection', async () => {
    await seed(6);
    const result = ok(
      await ds({
        operation: 'Query',
        query: { expression: 'pk = :pk', expressionValues: { ':pk': S(p) } },
        filter: { expression: '#odd = :yes', expressionNames: { '#odd': 'odd' }, expressionValues: { ':yes': { BOOL: true } } },
        projection: { expression: 'sk, n' },
        scanIndexForward: false,
      }),
    ) as { items: unknown[]; nextToken: string | null; scannedCount: number };
    expect(result).toEqual({
      items: [
        { sk: 'item#05', n: 5 },
        { sk: 'item#03', n: 3 },
        { sk: 'item#01', n: 1 },
      ],
      nextToken: null,
      scannedCount: 6,
    });
  });

  it('queries a GSI', async () => {
    await seed(4);
    const result = ok(
      await ds({
        operation: 'Query',
        index: 'gsi1',
        query: {
          expression: '#g = :g AND #s BETWEEN :from AND :to',
          expressionNames: { '#g': 'gsi1pk', '#s': 'gsi1sk' },
          expressionValues: { ':g': S(`G${p}`), ':from': S('k07'), ':to': S('k08') },
        },
      }),
    ) as { items: { sk: string; gsi1sk: string }[] };
    expect(result.items.map((i) => [i.gsi1sk, i.sk])).toEqual([
      ['k07', 'item#02'],
      ['k08', 'item#01'],
    ]);
  });

  it('Scan supports filters, segments and pagination', async () => {
    await seed(5);
    const filter = { expression: 'pk = :pk AND n >= :min', expressionValues: { ':pk': S(p), ':min': { N: 2 } } };
    const all: number[] = [];
    for (const segment of [0, 1]) {
      let nextToken: string | null = null;
      do {
        const page = ok(await ds({ operation: 'Scan', filter, totalSegments: 2, segment, limit: 50, nextToken })) as {
          items: { n: number }[];
          nextToken: string | null;
        };
        all.push(...page.items.map((i) => i.n));
        nextToken = page.nextToken;
      } while (nextToken !== null);
    }
    expect(all.sort()).toEqual([2, 3, 4]);
  });
});

describe('batch operations', () => {
  it('BatchGetItem returns items in key order with null for missing keys, across mapped tables', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'b1'), attributeValues: { v: { N: 1 } } });
    await ds({ operation: 'PutItem', key: key(p, 'b3'), attributeValues: { v: { N: 3 } } });
    await ds({ operation: 'BatchPutItem', tables: { Other: [{ id: S(`${p}-o1`), label: S('one') }] } });

    const result = ok(
      await ds({
        operation: 'BatchGetItem',
        tables: {
          Main: { keys: [key(p, 'b3'), key(p, 'nope'), key(p, 'b1')], consistentRead: true },
          Other: { keys: [{ id: S(`${p}-missing`) }, { id: S(`${p}-o1`) }], projection: { expression: 'label' } },
        },
      }),
    );
    expect(result).toEqual({
      data: {
        Main: [{ pk: p, sk: 'b3', v: 3 }, null, { pk: p, sk: 'b1', v: 1 }],
        Other: [null, { label: 'one' }],
      },
      unprocessedKeys: { Main: [], Other: [] },
    });
  });

  it('BatchPutItem and BatchDeleteItem report what they wrote per table', async () => {
    const put = ok(
      await ds({
        operation: 'BatchPutItem',
        tables: {
          Main: [
            { pk: S(p), sk: S('x1'), v: { N: 1 } },
            { pk: S(p), sk: S('x2'), v: { N: 2 } },
          ],
          Other: [{ id: S(`${p}-o`), v: { N: 9 } }],
        },
      }),
    );
    expect(put).toEqual({
      data: {
        Main: [
          { pk: p, sk: 'x1', v: 1 },
          { pk: p, sk: 'x2', v: 2 },
        ],
        Other: [{ id: `${p}-o`, v: 9 }],
      },
      unprocessedItems: { Main: [], Other: [] },
    });
    const capacityOfPut = capacity.find((c) => c.op === 'BatchWriteItem');
    expect(capacityOfPut?.capacity.length).toBeGreaterThan(0);

    const removed = ok(await ds({ operation: 'BatchDeleteItem', tables: { Main: [key(p, 'x1')], Other: [{ id: S(`${p}-o`) }] } }));
    expect(removed).toEqual({
      data: { Main: [{ pk: p, sk: 'x1' }], Other: [{ id: `${p}-o` }] },
      unprocessedKeys: { Main: [], Other: [] },
    });
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'x1') }))).toBeNull();
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'x2') }))).toEqual({ pk: p, sk: 'x2', v: 2 });
  });
});

describe('transactions', () => {
  it('TransactGetItems returns items in order, null for missing ones', async () => {
    await ds({ operation: 'PutItem', key: key(p, 't1'), attributeValues: { v: { N: 1 } } });
    const result = ok(
      await ds({
        operation: 'TransactGetItems',
        transactItems: [
          { table: 'Main', key: key(p, 'missing') },
          { table: 'Main', key: key(p, 't1') },
        ],
      }),
    );
    expect(result).toEqual({ items: [null, { pk: p, sk: 't1', v: 1 }], cancellationReasons: null });
  });

  it('TransactWriteItems returns the keys it wrote', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'counter'), attributeValues: { n: { N: 1 } } });
    await ds({ operation: 'PutItem', key: key(p, 'guard'), attributeValues: {} });
    const result = ok(
      await ds({
        operation: 'TransactWriteItems',
        transactItems: [
          { table: 'Main', operation: 'PutItem', key: key(p, 'w1'), attributeValues: { v: S('a') }, condition: { expression: 'attribute_not_exists(pk)' } },
          { table: 'Main', operation: 'UpdateItem', key: key(p, 'counter'), update: { expression: 'ADD n :one', expressionValues: { ':one': { N: 1 } } } },
          { table: 'Main', operation: 'ConditionCheck', key: key(p, 'guard'), condition: { expression: 'attribute_exists(pk)' } },
          { table: 'Other', operation: 'DeleteItem', key: { id: S(`${p}-gone`) } },
        ],
      }),
    );
    expect(result).toEqual({
      keys: [{ pk: p, sk: 'w1' }, { pk: p, sk: 'counter' }, { pk: p, sk: 'guard' }, { id: `${p}-gone` }],
      cancellationReasons: null,
    });
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'counter') }))).toEqual({ pk: p, sk: 'counter', n: 2 });
  });

  it('a failed condition cancels the transaction: cancellation reasons None + ConditionalCheckFailed, nothing written', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'taken'), attributeValues: { owner: S('someone') } });
    const outcome = await ds({
      operation: 'TransactWriteItems',
      transactItems: [
        { table: 'Main', operation: 'PutItem', key: key(p, 'fresh'), attributeValues: { v: { N: 1 } } },
        {
          table: 'Main',
          operation: 'PutItem',
          key: key(p, 'taken'),
          attributeValues: { owner: S('me') },
          condition: { expression: 'attribute_not_exists(pk)' },
        },
      ],
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.type).toBe('DynamoDB:TransactionCanceledException');
    expect(outcome.error.message).toContain('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]');
    expect(outcome.result).toEqual({
      keys: null,
      cancellationReasons: [
        { type: 'None', message: null },
        { type: 'ConditionalCheckFailed', message: 'The conditional request failed', item: { pk: p, sk: 'taken', owner: 'someone' } },
      ],
    });
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'fresh') }))).toBeNull();
    expect(ok(await ds({ operation: 'GetItem', key: key(p, 'taken') }))).toEqual({ pk: p, sk: 'taken', owner: 'someone' });
  });

  it('returnValuesOnConditionCheckFailure: false leaves the item out of the reason', async () => {
    const outcome = await ds({
      operation: 'TransactWriteItems',
      transactItems: [
        { table: 'Main', operation: 'ConditionCheck', key: key(p, 'absent'), condition: { expression: 'attribute_exists(pk)', returnValuesOnConditionCheckFailure: false } },
        { table: 'Main', operation: 'PutItem', key: key(p, 'other'), attributeValues: {} },
      ],
    });
    expect(outcome).toMatchObject({
      ok: false,
      result: {
        keys: null,
        cancellationReasons: [
          { type: 'ConditionalCheckFailed', message: expect.stringMatching(/^The conditional request failed\.?$/) },
          { type: 'None', message: null },
        ],
      },
    });
    if (!outcome.ok) {
      const [reason] = (outcome.result as { cancellationReasons: Record<string, unknown>[] }).cancellationReasons;
      expect(reason).not.toHaveProperty('item');
    }
  });
});

describe('errors and capacity', () => {
  it('rejects malformed requests with actionable MappingTemplate errors before calling DynamoDB', async () => {
    expect(await ds({ operation: 'Frobnicate' })).toEqual({
      ok: false,
      error: { type: 'MappingTemplate', message: expect.stringContaining("Value for field '$[operation]' must be one of GetItem, PutItem") },
    });
    expect(await ds(undefined)).toMatchObject({ ok: false, error: { type: 'MappingTemplate' } });
    expect(await ds({ key: key(p, 'a') })).toEqual({
      ok: false,
      error: { type: 'MappingTemplate', message: "Value for field '$[operation]' not found." },
    });
    expect(await ds({ operation: 'GetItem' })).toEqual({
      ok: false,
      error: { type: 'MappingTemplate', message: "Value for field '$[key]' not found." },
    });
    const untyped = await ds({ operation: 'GetItem', key: { pk: p, sk: 'a' } });
    expect(untyped).toMatchObject({ ok: false, error: { type: 'MappingTemplate', message: expect.stringContaining("'$[key][pk]' must be a DynamoDB typed value") } });
    const badToken = await ds({ operation: 'Query', query: { expression: 'pk = :pk', expressionValues: { ':pk': S(p) } }, nextToken: 'garbage' });
    expect(badToken).toMatchObject({ ok: false, error: { type: 'MappingTemplate', message: expect.stringContaining('$[nextToken]') } });
    expect(await ds({ operation: 'Sync' })).toMatchObject({ ok: false, error: { type: 'MappingTemplate', message: expect.stringContaining('versioned data source') } });
    expect(
      await ds({
        operation: 'UpdateItem',
        key: key(p, 'a'),
        update: { expression: 'SET a = :v', expressionValues: { ':v': S('1') } },
        condition: { expression: 'b = :v', expressionValues: { ':v': S('2') } },
      }),
    ).toMatchObject({ ok: false, error: { type: 'MappingTemplate', message: expect.stringContaining("'$[condition][expressionValues][:v]'") } });
  });

  it('passes DynamoDB validation errors through as DynamoDB:<Exception> with the AWS message', async () => {
    const outcome = await ds({ operation: 'GetItem', key: { pk: S(p) } });
    expect(outcome).toMatchObject({
      ok: false,
      error: { type: 'DynamoDB:ValidationException', message: expect.stringMatching(/^The provided key element does not match the schema|^The number of conditions on the keys is invalid/) },
    });
    const unused = await ds({
      operation: 'Query',
      query: { expression: 'pk = :pk', expressionValues: { ':pk': S(p), ':unused': S('x') } },
    });
    expect(unused).toMatchObject({
      ok: false,
      error: { type: 'DynamoDB:ValidationException', message: expect.stringContaining('Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}') },
    });
  });

  it('reports the capacity each call consumed', async () => {
    await ds({ operation: 'PutItem', key: key(p, 'cap'), attributeValues: { gsi1pk: S('g'), gsi1sk: S('s') } });
    await ds({ operation: 'GetItem', key: key(p, 'cap') });
    expect(capacity.map((c) => c.op)).toEqual(['PutItem', 'GetItem']);
    const write = capacity[0]!.capacity[0]!;
    expect(write.TableName).toBe(table);
    expect(write.CapacityUnits).toBeGreaterThanOrEqual(1);
    expect(capacity[1]!.capacity[0]!.CapacityUnits).toBeGreaterThan(0);
  });
});
