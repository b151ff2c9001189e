// Starts the whole app for an integration test: DynamoDB Local in memory, the local API, the stream
// aggregator, and a client; auth keys live in a fresh temporary folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppOptions } from '../../cli/app.ts';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';
import { createClient } from './client.ts';
import { getConfig, type LambdaConfig } from '../../lambdas/shared/config.ts';

export async function startTestApp(options: Omit<AppOptions, 'auth'> = {}) {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-test-')) });
  const app = await startApp({ auth, ...options });
  return { app, auth, gql: createClient(app.api.graphqlUrl, auth) };
}

/** A hosted Lambda's settings (its environment as the local host passes it), e.g. for its DynamoDB client. */
export function lambdaConfigOf(app: { api: { lambdaEnvironment(id: string): Record<string, string> } }, lambdaId = 'admin'): LambdaConfig {
  return getConfig(app.api.lambdaEnvironment(lambdaId));
}
