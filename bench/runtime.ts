// Requests per second of a GetItem-backed query through the local runtime, split into the time
// spent evaluating APPSYNC_JS and the time DynamoDB Local takes for the same GetItem.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { evaluate } from '../local/appsync/js/evaluator.ts';
import { startLocalStack } from '../local/stack.ts';
import { bundleOne } from '../scripts/bundle-resolvers.ts';
import { fixtureManifest } from '../test/fixtures/runtime-app/manifest.ts';
import type { BenchRow } from './table.ts';

const root = resolve(import.meta.dirname, '..');

async function timed(n: number, concurrency: number, fn: () => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        await fn();
      }
    }),
  );
  return performance.now() - start;
}

export async function benchRuntime(progress: (s: string) => void): Promise<BenchRow[]> {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-bench-')) });
  const stack = await startLocalStack({
    root,
    manifest: fixtureManifest,
    schemaFile: join(root, 'test/fixtures/runtime-app/schema.graphql'),
    auth,
    tablePrefix: 'bench',
  });
  try {
    const headers = { 'content-type': 'application/json', 'x-api-key': auth.apiKeys[0]! };
    const post = async (query: string) => {
      const r = await fetch(stack.api.graphqlUrl, { method: 'POST', headers, body: JSON.stringify({ query }) });
      const json = (await r.json()) as { errors?: unknown };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
    };
    await post('mutation { putNote(id: "bench", title: "hello", n: 1) { id } }');
    const query = 'query { note(id: "bench") { id title n } }';
    const N = 2000;
    const concurrency = 8;
    for (let i = 0; i < 200; i += 1) await post(query); // warm-up: JIT, compiled-script cache, connections

    progress('runtime: GraphQL GetItem through the local API');
    const apiMs = await timed(N, concurrency, () => post(query));

    progress('runtime: the same GetItem straight to DynamoDB Local');
    const get = new GetItemCommand({ TableName: stack.tableNames.notes, Key: { pk: { S: 'NOTE' }, sk: { S: 'bench' } } });
    for (let i = 0; i < 200; i += 1) await stack.client.send(get);
    const ddbMs = await timed(N, concurrency, async () => {
      await stack.client.send(get);
    });

    progress('runtime: one at a time, API and DynamoDB Local');
    const SEQ = 500;
    const apiSeqMs = await timed(SEQ, 1, () => post(query));
    const ddbSeqMs = await timed(SEQ, 1, async () => {
      await stack.client.send(get);
    });

    progress('runtime: APPSYNC_JS evaluation alone (request + response, in the sandbox workers)');
    const code = bundleOne(join(root, 'test/fixtures/runtime-app/resolvers/note.ts'));
    const ctx = {
      arguments: { id: 'bench' },
      source: null,
      identity: null,
      stash: {},
      request: { headers: {}, domainName: null },
      info: { fieldName: 'note', parentTypeName: 'Query', variables: {}, selectionSetList: ['id'], selectionSetGraphQL: '{ id }' },
      env: {},
    };
    for (let i = 0; i < 500; i += 1) await evaluate(code, 'request', ctx);
    const evalN = 5000;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < evalN; i += 1) {
      await evaluate(code, 'request', ctx);
      await evaluate(code, 'response', { ...ctx, result: { id: 'bench', title: 'hello', n: 1 } });
    }
    const evalMsEach = (performance.now() - t0) / evalN;
    const cpu = process.cpuUsage(cpu0);
    const evalCpuUsEach = (cpu.user + cpu.system) / evalN;
    // 16 in flight: the main thread's cost per evaluation when the workers are kept busy.
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    await timed(evalN, 16, async () => {
      await evaluate(code, 'request', ctx);
      await evaluate(code, 'response', { ...ctx, result: { id: 'bench', title: 'hello', n: 1 } });
    });
    const evalConcMsEach = (performance.now() - t1) / evalN;
    const cpuC = process.cpuUsage(cpu1);
    const evalConcCpuUsEach = (cpuC.user + cpuC.system) / evalN;

    const apiRps = (N / apiMs) * 1000;
    const ddbRps = (N / ddbMs) * 1000;
    return [
      { name: 'local API: query note (GetItem), 8 concurrent', value: apiRps, unit: 'req/s' },
      { name: 'DynamoDB Local: the same GetItem, 8 concurrent', value: ddbRps, unit: 'req/s', baseline: true },
      { name: 'ratio: API throughput / DynamoDB Local throughput', value: apiRps / ddbRps, unit: 'x' },
      { name: 'APPSYNC_JS evaluation per request (request + response), one at a time', value: evalMsEach * 1000, unit: 'µs' },
      { name: '  CPU of the whole process (main + workers) per request, one at a time', value: evalCpuUsEach, unit: 'µs' },
      { name: 'APPSYNC_JS evaluation per request, 16 in flight (wall / throughput)', value: evalConcMsEach * 1000, unit: 'µs' },
      { name: '  CPU of the whole process per request, 16 in flight', value: evalConcCpuUsEach, unit: 'µs' },
      { name: 'API request latency (mean, under 8 concurrent)', value: (apiMs / N) * concurrency, unit: 'ms' },
      { name: 'DynamoDB Local GetItem latency (mean, under 8 concurrent)', value: (ddbMs / N) * concurrency, unit: 'ms' },
      { name: 'share of an API request spent evaluating JS', value: (evalMsEach / ((apiMs / N) * concurrency)) * 100, unit: '%' },
      { name: 'API request latency, one at a time', value: apiSeqMs / SEQ, unit: 'ms' },
      { name: 'DynamoDB Local GetItem latency, one at a time', value: ddbSeqMs / SEQ, unit: 'ms' },
      { name: 'local runtime overhead per request (API - DynamoDB Local)', value: (apiSeqMs - ddbSeqMs) / SEQ, unit: 'ms' },
    ];
  } finally {
    await stack.stop();
  }
}
