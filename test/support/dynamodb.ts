// The DynamoDB Local a test file shares with the other files of its vitest worker slot
// (test/support/dynamodb-broker.ts), with table names of its own, and the tables dropped when the
// file is done with them so that the JVM does not hold every file's data until the run ends.
import { DeleteTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';

let count = 0;

export interface SharedDynamoDb {
  endpoint: string;
  /** A table-name prefix no other file or app of this run uses. */
  tablePrefix: string;
  /** Deletes these tables (the app's tableNames) from the shared JVM. */
  dropTables(names: Record<string, string> | string[]): Promise<void>;
}

/** The worker slot's shared DynamoDB Local; undefined outside this repository's vitest config. */
export async function sharedDynamoDb(): Promise<SharedDynamoDb | undefined> {
  const broker = inject('dynamoDbBroker');
  if (!broker) return undefined;
  const response = await fetch(`${broker}/endpoint?slot=${process.env.VITEST_POOL_ID ?? '0'}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`the shared DynamoDB Local did not start: ${text}`);
  count += 1;
  const endpoint = text;
  return {
    endpoint,
    tablePrefix: `t${process.pid}-${count}`,
    async dropTables(names) {
      const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        for (const name of Array.isArray(names) ? names : Object.values(names)) {
          await client.send(new DeleteTableCommand({ TableName: name })).catch((e: unknown) => {
            if (!(e instanceof ResourceNotFoundException)) throw e;
          });
        }
      } finally {
        client.destroy();
      }
    },
  };
}

/** startLocalStack on the worker's shared DynamoDB Local (tables of its own, dropped on stop). */
export async function startStackOnSharedDynamoDb(options: LocalStackOptions): Promise<LocalStack> {
  const shared = await sharedDynamoDb();
  if (!shared) return startLocalStack(options);
  const stack = await startLocalStack({ ...options, dynamoDbEndpoint: shared.endpoint, tablePrefix: `${shared.tablePrefix}-${options.tablePrefix ?? 'local'}` });
  const stop = stack.stop;
  stack.stop = async () => {
    await stop();
    await shared.dropTables(stack.tableNames);
  };
  return stack;
}
