// The integration tests' app as a vitest fixture, instead of the same before/after in every file:
//
//   import { appTest as test } from '../support/fixture.ts';
//   test('...', async ({ app, gql, apiKey }) => { ... });
//
// The app (DynamoDB Local in memory, the local API, the stream aggregator) starts on the first test
// that asks for it and stops after the file's last test: one app per file, as before.
import { test } from 'vitest';
import type { App } from '../../cli/app.ts';
import type { AuthSettings } from '../../local/appsync/auth/index.ts';
import { startTestApp } from './app.ts';
import type { createClient } from './client.ts';

export interface AppFixtures {
  app: App;
  auth: AuthSettings;
  /** A client of the app's API (API key unless a call says otherwise). */
  gql: ReturnType<typeof createClient>;
  /** The API key the app accepts. */
  apiKey: string;
}

type Started = Awaited<ReturnType<typeof startTestApp>>;

export const appTest = test.extend<{ started: Started } & AppFixtures>({
  started: [
    // vitest reads a fixture's dependencies from this (empty) pattern
    async ({}, use) => {
      const started = await startTestApp();
      try {
        await use(started);
      } finally {
        await started.app.stop();
      }
    },
    { scope: 'file' },
  ],
  app: [async ({ started }, use) => use(started.app), { scope: 'file' }],
  auth: [async ({ started }, use) => use(started.auth), { scope: 'file' }],
  gql: [async ({ started }, use) => use(started.gql), { scope: 'file' }],
  apiKey: [async ({ started }, use) => use(started.auth.apiKeys[0]!), { scope: 'file' }],
});
