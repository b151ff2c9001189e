// One call that brings up everything a manifest needs on this machine: DynamoDB Local with the
// manifest's tables, the local AppSync in front of it, and (when attached) the stream poller.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import type { Manifest } from '../resolvers/manifest-types.ts';
import { authSettingsFromEnv, type AuthSettings } from './appsync/auth/index.ts';
import { startLocalAppSync, type LocalAppSync } from './appsync/host.ts';
import type { Route } from './appsync/http.ts';
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
  routes?: Record<string, Route>;
  auth?: AuthSettings;
  tablePrefix?: string;
  logResolverOutput?: boolean;
  /**
   * DynamoDB Local stopped and could not be brought back (its data was in memory, or restarts keep
   * failing). Default: the message on stderr; the API then answers DynamoDB:ServiceUnavailable.
   * `npm start` stops and exits non-zero.
   */
  onDynamoDbFatal?(message: string): void;
  /** Where supervision reports (default: console.error). */
  log?(line: string): void;
  /**
   * The endpoint the API and its Lambdas use instead of DynamoDB Local's own, given it (benches
   * and tests put a metering proxy there: test/support/dynamodb-meter.ts).
   */
  dynamoDbGateway?(endpoint: string): string;
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
    superviseDynamoDb(dynamodb, () => createTables(client, options.manifest.tables, names), options);
    const auth = options.auth ?? authSettingsFromEnv(process.env, {
        appModes: options.manifest.auth,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      });
    const api = await startLocalAppSync({
      root: options.root,
      manifest: options.manifest,
      schemaFile: options.schemaFile ?? join(options.root, 'schema', 'schema.graphql'),
      appsyncFile: options.appsyncFile ?? join(options.root, 'schema', 'appsync.graphql'),
      dynamoDbEndpoint: options.dynamoDbGateway?.(dynamodb.endpoint) ?? dynamodb.endpoint,
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

const RESTARTS_PER_MINUTE = 3;

/**
 * Watches the JVM: an unexpected exit is reported once, then (data on disk) the JVM is restarted on
 * the same port and the tables checked; clients meanwhile get DynamoDB:ServiceUnavailable. In-memory
 * data cannot be brought back, and a JVM that keeps dying is not restarted forever: both are fatal.
 */
function superviseDynamoDb(dynamodb: DynamoDbLocal, ensureTables: () => Promise<unknown>, options: LocalStackOptions): void {
  const log = options.log ?? ((line: string) => console.error(line));
  const fatal = options.onDynamoDbFatal ?? log;
  const restarts: number[] = [];
  dynamodb.onUnexpectedExit((exit) => {
    const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
    if (!dynamodb.persistent) {
      fatal(`splitloop: DynamoDB Local (pid ${exit.pid}) ${how}; its data was in memory and is gone. Restart the local stack.`);
      return;
    }
    const now = Date.now();
    while (restarts.length && now - restarts[0]! > 60_000) restarts.shift();
    if (restarts.length >= RESTARTS_PER_MINUTE) {
      fatal(`splitloop: DynamoDB Local (pid ${exit.pid}) ${how} again, ${RESTARTS_PER_MINUTE} times within a minute; not restarting it. Last output: ${exit.output.trim().slice(-500)}`);
      return;
    }
    restarts.push(now);
    log(`splitloop: DynamoDB Local (pid ${exit.pid}) ${how}; restarting it with its data on disk (requests fail with DynamoDB:ServiceUnavailable meanwhile)...`);
    const started = Date.now();
    void dynamodb
      .restart()
      .then(ensureTables)
      .then(
        () => log(`splitloop: DynamoDB Local is back (pid ${dynamodb.process.pid}, ${Date.now() - started} ms).`),
        (error: unknown) => fatal(`splitloop: DynamoDB Local could not be restarted: ${error instanceof Error ? error.message : String(error)}`),
      );
  });
}
