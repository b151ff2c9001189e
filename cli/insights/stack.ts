// How the lake commands find the table: `npm start` leaves `<data dir>/stack.json` (its pid, port,
// DynamoDB Local endpoint and table name) while it runs. When no stack is running the export starts
// DynamoDB Local on the same data folder itself (nothing else has it open then) and stops it after.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../local/dynamodb/lifecycle.ts';
import { tableNames } from '../../local/dynamodb/tables.ts';
import { manifest } from '../../resolvers/manifest.ts';
import { writeFileAtomic } from '../../insights/manifest.ts';
import { processAlive } from '../../insights/pid.ts';

export const STACK_FILE = 'stack.json';

export interface StackInfo {
  pid: number;
  port: number;
  dynamodbEndpoint: string;
  tableName: string;
}

export function writeStackInfo(dataDir: string, info: StackInfo): () => void {
  const file = join(dataDir, STACK_FILE);
  writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
  return () => rmSync(file, { force: true });
}

export function readStackInfo(dataDir: string): StackInfo | null {
  const file = join(dataDir, STACK_FILE);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
    return info.pid && processAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export interface TableAccess {
  client: DynamoDBClient;
  tableName: string;
  /** Where the table came from, for messages. */
  source: string;
  close(): Promise<void>;
}

const localClient = (endpoint: string) =>
  new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 5 });

/** The running stack's table, or DynamoDB Local started on the data folder when none is running. */
export async function openLocalTable(dataDir: string): Promise<TableAccess> {
  const info = readStackInfo(dataDir);
  if (info) {
    const client = localClient(info.dynamodbEndpoint);
    return { client, tableName: info.tableName, source: `the running stack (pid ${info.pid}, port ${info.port})`, close: async () => client.destroy() };
  }
  const dbDir = join(dataDir, 'dynamodb');
  if (!existsSync(dbDir)) throw new Error(`no local data in ${dataDir}: start the stack once with npm start (or set SPLITLOOP_DATA_DIR)`);
  const dynamodb = await startDynamoDbLocal({ dataDir: dbDir });
  const client = localClient(dynamodb.endpoint);
  return {
    client,
    tableName: tableNames(manifest.tables, 'local').main!,
    source: `DynamoDB Local on ${dbDir} (no stack running)`,
    close: async () => {
      client.destroy();
      await dynamodb.stop();
    },
  };
}
