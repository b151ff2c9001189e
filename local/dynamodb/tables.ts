// Creates tables from the manifest's table definitions: the same module the CDK stack reads, so the
// local schema of keys, indexes, TTL and streams cannot drift from the deployed one.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, TableDefinition } from '../../resolvers/manifest-types.ts';

function attributeDefinitions(def: TableDefinition): AttributeDefinition[] {
  const all = new Map<string, KeyAttribute>();
  for (const key of [def.partitionKey, def.sortKey, ...def.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]) {
    if (key) all.set(key.name, key);
  }
  return [...all.values()].map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
}

function keySchema(pk: KeyAttribute, sk?: KeyAttribute) {
  return [{ AttributeName: pk.name, KeyType: 'HASH' as const }, ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : [])];
}

/** Creates `def` as `tableName` unless it exists; returns the stream ARN when the table has one. */
export async function ensureTable(client: DynamoDBClient, def: TableDefinition, tableName: string): Promise<string | undefined> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(def),
        KeySchema: keySchema(def.partitionKey, def.sortKey),
        GlobalSecondaryIndexes: def.globalSecondaryIndexes.length
          ? def.globalSecondaryIndexes.map((g) => ({
              IndexName: g.indexName,
              KeySchema: keySchema(g.partitionKey, g.sortKey),
              Projection: { ProjectionType: 'ALL' },
            }))
          : undefined,
        StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: def.stream } : undefined,
      }),
    );
    if (def.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return described.Table?.LatestStreamArn;
}

/** Physical table names for a run: `<prefix>-<id>` (table names need 3+ characters). */
export function tableNames(defs: TableDefinition[], prefix: string): Record<string, string> {
  return Object.fromEntries(defs.map((d) => [d.id, `${prefix}-${d.id}`]));
}

export async function createTables(client: DynamoDBClient, defs: TableDefinition[], names: Record<string, string>) {
  const streams: Record<string, string | undefined> = {};
  for (const def of defs) streams[def.id] = await ensureTable(client, def, names[def.id]!);
  return streams;
}
