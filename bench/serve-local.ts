// The local runtime on its own, for profiling (`node --cpu-prof --import tsx bench/serve-local.ts`):
// starts the runtime fixture app on DynamoDB Local, seeds the notes bench/load.mjs asks for, prints
// `{url, apiKey, table, ddb}` as one JSON line and serves until stdin closes.
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { startLocalStack } from '../local/stack.ts';
import { fixtureManifest } from '../test/fixtures/runtime-app/manifest.ts';

const root = resolve(import.meta.dirname, '..');
const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-serve-local-')) });
const stack = await startLocalStack({ root, manifest: fixtureManifest, schemaFile: join(root, 'test/fixtures/runtime-app/schema.graphql'), auth, tablePrefix: 'serve' });
const table = stack.tableNames.notes!;
for (let i = 0; i < 1000; i += 25) {
  const items = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { pk: { S: 'NOTE' }, sk: { S: `n${i + j}` }, id: { S: `n${i + j}` }, title: { S: `note n${i + j}` }, n: { N: String(i + j) } } } }));
  await stack.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: items } }));
}
process.stdout.write(`${JSON.stringify({ url: stack.api.graphqlUrl, apiKey: auth.apiKeys[0], table, ddb: stack.dynamodb.endpoint })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await stack.stop();
  process.exit(0);
});
