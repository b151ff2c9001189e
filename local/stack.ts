// One call that brings up everything a manifest needs on this machine: DynamoDB Local with the
// manifest's tables, the local AppSync in front of it, and (when attached) the stream poller.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import type { Manifest } from '../resolvers/manifest-types.ts';
import { authSettingsFromEnv, type AuthSettings } from './appsync/auth/index.ts';
import { startLocalAppSync, type LocalAppSync } from './appsync/host.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/lifecycle.ts';
import { createTables, tableNames } from './dynamodb/tables.ts';

export interface LocalStackOptions {
  root: string;
  manifest: Manifest;
  /** Defaults: <root>/schema/schema.graphql and <root>/schema/appsync.graphql. */
  schemaFile?: string;
  appsyncFile?: string;
  /** Keep data under this folder; in memory when absent. */
  dataDir?: string;
  port?: number;
  staticDir?: string;
  routes?: Record<string, () => { contentType: string; body: string }>;
  auth?: AuthSettings;
  tablePrefix?: string;
  logResolverOutput?: boolean;
}

export interface LocalStack {
  dynamodb: DynamoDbLocal;
  client: DynamoDBClient;
  api: LocalAppSync;
  tableNames: Record<string, string>;
  streamArns: Record<string, string | undefined>;
  auth: AuthSettings;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dynamodb = await startDynamoDbLocal(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : { inMemory: true });
  const stops: (() => Promise<void>)[] = [() => dynamodb.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error('stop failed', e));
  };
  try {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamodb.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    stops.push(async () => client.destroy());
    const names = tableNames(options.manifest.tables, options.tablePrefix ?? 'local');
    const streamArns = await createTables(client, options.manifest.tables, names);
    const auth = options.auth ?? authSettingsFromEnv(process.env, {
        appModes: options.manifest.auth,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      });
    const api = await startLocalAppSync({
      root: options.root,
      manifest: options.manifest,
      schemaFile: options.schemaFile ?? join(options.root, 'schema', 'schema.graphql'),
      appsyncFile: options.appsyncFile ?? join(options.root, 'schema', 'appsync.graphql'),
      dynamoDbEndpoint: dynamodb.endpoint,
      tableNames: names,
      auth,
      port: options.port,
      staticDir: options.staticDir,
      routes: options.routes,
      logResolverOutput: options.logResolverOutput,
    });
    stops.push(() => api.close());
    return { dynamodb, client, api, tableNames: names, streamArns, auth, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
