// Starts the whole app for an integration test: the local API, the stream aggregator and a client,
// on the DynamoDB Local this worker shares with the files before and after it (tables of its own,
// dropped on stop; see dynamodb.ts), or on a JVM of its own when the test keeps data on disk.
// Auth keys live in a fresh temporary folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App, type AppOptions } from '../../cli/app.ts';
import { authSettingsFromEnv, type AuthSettings } from '../../local/appsync/auth/index.ts';
import { createClient } from './client.ts';
import { getConfig, type LambdaConfig } from '../../lambdas/shared/config.ts';
import { sharedDynamoDb } from './dynamodb.ts';

/** startApp on the worker's shared DynamoDB Local unless `dataDir` asks for a persistent one. */
export async function startAppOnSharedDynamoDb(options: AppOptions): Promise<App> {
  const shared = options.dataDir || options.dynamoDbEndpoint ? undefined : await sharedDynamoDb();
  if (!shared) return startApp(options);
  const app = await startApp({ ...options, dynamoDbEndpoint: shared.endpoint, tablePrefix: options.tablePrefix ?? shared.tablePrefix });
  const stop = app.stop;
  app.stop = async () => {
    await stop();
    await shared.dropTables(app.tableNames);
  };
  return app;
}

export async function startTestApp(options: Omit<AppOptions, 'auth'> = {}): Promise<{ app: App; auth: AuthSettings; gql: ReturnType<typeof createClient> }> {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-test-')) });
  const app = await startAppOnSharedDynamoDb({ auth, ...options });
  return { app, auth, gql: createClient(app.api.graphqlUrl, auth) };
}

/** A hosted Lambda's settings (its environment as the local host passes it), e.g. for its DynamoDB client. */
export function lambdaConfigOf(app: { api: { lambdaEnvironment(id: string): Record<string, string> } }, lambdaId = 'admin'): LambdaConfig {
  return getConfig(app.api.lambdaEnvironment(lambdaId));
}
