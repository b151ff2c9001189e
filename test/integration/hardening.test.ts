// The local runtime under hostile input, over real HTTP/WebSocket on the generic fixture app: query
// bombs answer fast with an error while other clients keep being served, AppSync's depth and
// resolver-count limits from the manifest, the 1 MB body limit, and Host/Origin checks.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';
import type { LocalStack } from '../../local/stack.ts';
import { fixtureManifest } from '../fixtures/runtime-app/manifest.ts';
import { createClient } from '../support/client.ts';
import { startStackOnSharedDynamoDb } from '../support/dynamodb.ts';

const root = resolve(import.meta.dirname, '..', '..');
const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-hard-')) });
let stack: LocalStack;
let gql: ReturnType<typeof createClient>;
const timings: Record<string, number> = {};

beforeAll(async () => {
  stack = await startStackOnSharedDynamoDb({
    root,
    manifest: { ...fixtureManifest, api: { queryDepthLimit: 2, resolverCountLimit: 3 } },
    schemaFile: join(root, 'test/fixtures/runtime-app/schema.graphql'),
    appsyncFile: join(root, 'schema/appsync.graphql'),
    auth,
    tablePrefix: 'hard',
    routes: { '/config.json': () => ({ contentType: 'application/json', body: '{"secret":"token"}' }) },
  });
  gql = createClient(stack.api.graphqlUrl, auth);
  expect((await gql('mutation { putNote(id: "a", title: "t", n: 1) { id } }')).errors).toBeUndefined();
});

afterAll(async () => {
  console.log('hardening timings (ms):', JSON.stringify(timings));
  await stack?.stop();
});

async function timeTrivial(): Promise<number> {
  const t = performance.now();
  await gql('query { __typename }');
  return performance.now() - t;
}

/**
 * Sends `bomb`, and a trivial query 5 ms later; both timed, five times over. Noise from a machine busy
 * with other work only ever adds time, so the fastest of five runs, less the fastest of five idle
 * trivial queries, is what the bomb costs; a bomb that blocks the event loop (seconds, before the
 * fix) fails every run.
 */
async function underBomb(name: string, query: string, variables: Record<string, unknown> = {}) {
  const baseline = Math.min(await timeTrivial(), await timeTrivial(), await timeTrivial(), await timeTrivial(), await timeTrivial());
  let best = { r: null as unknown as Awaited<ReturnType<typeof gql>>, ms: Infinity, trivialMs: Infinity };
  for (let run = 0; run < 5; run += 1) {
    const t0 = performance.now();
    const bomb = gql(query, variables).then((r) => ({ r, ms: performance.now() - t0 }));
    await new Promise((r) => setTimeout(r, 5));
    const t1 = performance.now();
    const trivial = await gql('query { __typename }');
    const trivialMs = performance.now() - t1;
    const { r, ms } = await bomb;
    expect(trivial.data).toEqual({ __typename: 'Query' });
    best = { r, ms: Math.min(best.ms, ms), trivialMs: Math.min(best.trivialMs, trivialMs) };
  }
  timings[`${name}: idle trivial`] = Math.round(baseline);
  timings[`${name}: bomb`] = Math.round(best.ms);
  timings[`${name}: concurrent trivial`] = Math.round(best.trivialMs);
  return { r: best.r, ms: best.ms - baseline, trivialMs: best.trivialMs - baseline };
}

describe('query bombs', () => {
  it('26 fragments that each spread the next twice: an error within 1 s, others served within 100 ms', async () => {
    let query = 'query { note(id: "a") { ...F0 } }\n';
    for (let i = 0; i < 26; i += 1) query += `fragment F${i} on Note { ${i === 25 ? 'id title' : `...F${i + 1} ...F${i + 1}`} }\n`;
    const { r, ms, trivialMs } = await underBomb('fragment bomb', query);
    expect(r.data).toBeNull();
    expect(r.errors?.[0]).toMatchObject({ errorType: 'LocalLimitExceeded', message: expect.stringContaining('67108865 fields once its fragments are expanded') });
    expect(ms).toBeLessThan(1000);
    expect(trivialMs).toBeLessThan(100);
  });

  it('3,000 aliases: an error within 1 s, others served within 100 ms', async () => {
    const query = `query { ${Array.from({ length: 3000 }, (_, i) => `a${i}: note(id: "a") { id }`).join(' ')} }`;
    const { r, ms, trivialMs } = await underBomb('3000 aliases', query);
    // 27,000 tokens: parsing stops at the token budget, before the AST is even built.
    expect(r.errors?.[0]).toMatchObject({ errorType: 'LocalLimitExceeded', message: expect.stringContaining('more than 10000 tokens') });
    expect(ms).toBeLessThan(1000);
    expect(trivialMs).toBeLessThan(100);
  });

  it('1,000 aliases sharing a 200 KB variable: an error within 1 s, others served within 100 ms', async () => {
    const query = `query($id: ID!) { ${Array.from({ length: 1000 }, (_, i) => `a${i}: note(id: $id) { id }`).join(' ')} }`;
    const { r, ms, trivialMs } = await underBomb('1000 aliases x 200 KB variable', query, { id: 'x'.repeat(200_000) });
    // 12,000 tokens: over the token budget too (the alias budget alone is shown in the unit tests).
    expect(r.errors?.[0]).toMatchObject({ errorType: 'LocalLimitExceeded', message: expect.stringContaining('more than 10000 tokens') });
    expect(ms).toBeLessThan(1000);
    expect(trivialMs).toBeLessThan(100);
  });

  it('150 aliases sharing a 300 KB variable stay under the alias budget but over the context-bytes budget', async () => {
    const query = `query($id: ID!) { ${Array.from({ length: 150 }, (_, i) => `a${i}: note(id: $id) { id }`).join(' ')} }`;
    const out = await gql(query, { id: 'x'.repeat(300_000) });
    expect(out.errors?.[0]).toMatchObject({ errorType: 'LocalLimitExceeded', message: expect.stringContaining('150 resolver fields would each copy') });
  });
});

describe("AppSync's limits from the manifest", () => {
  it('queryDepthLimit: a field nested deeper errors, and the error travels up to the first nullable field', async () => {
    const ok = await gql('query { note(id: "a") { id title } }');
    expect(ok).toMatchObject({ data: { note: { id: 'a', title: 't' } } });
    expect(ok.errors).toBeUndefined();
    const deep = await gql('query { notes(limit: 1) { items { id } } }');
    // items[0].id (depth 3) is non-null, and so is everything up to the non-null Query.notes: data is null.
    expect(deep.data).toBeNull();
    expect(deep.errors?.[0]).toMatchObject({ errorType: 'QueryDepthLimitReached', path: ['notes', 'items', 0, 'id'] });
  });

  it('resolverCountLimit: resolvers past the limit fail with ResolverExecutionLimitReached', async () => {
    const out = await gql('query { a: note(id: "a") { id } b: note(id: "a") { id } c: note(id: "a") { id } d: note(id: "a") { id } }');
    expect(out.data).toEqual({ a: { id: 'a' }, b: { id: 'a' }, c: { id: 'a' }, d: null });
    expect(out.errors).toEqual([expect.objectContaining({ errorType: 'ResolverExecutionLimitReached', message: 'Resolver invocation limit reached.', path: ['d'] })]);
  });
});

function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((done, fail) => {
    const req = request(`${stack.api.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

describe('request size', () => {
  it('answers a body over 1 MB with 413 and an AppSync-style error, then keeps serving', async () => {
    const body = JSON.stringify({ query: 'query { __typename }', variables: { pad: 'x'.repeat(1024 * 1024) } });
    const out = await raw('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': auth.apiKeys[0]! }, body });
    expect(out.status).toBe(413);
    expect(JSON.parse(out.body)).toEqual({ errors: [{ errorType: 'PayloadTooLargeException', message: expect.stringContaining('1 MB') }] });
    expect((await gql('query { __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('Host and Origin', () => {
  it('refuses a cross-origin preflight from https://evil.example, and echoes an allowed loopback origin', async () => {
    const preflight = (origin: string) =>
      raw('/graphql', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' } });
    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(evil.body).errors[0]).toMatchObject({ errorType: 'ForbiddenException', message: expect.stringContaining('SPLITLOOP_ALLOWED_ORIGINS') });
    const local = await preflight('http://localhost:5173');
    expect(local.status).toBe(204);
    expect(local.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('refuses a POST from a foreign origin even with a valid API key (no CORS header, nothing run)', async () => {
    const out = await raw('/graphql', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', 'x-api-key': auth.apiKeys[0]! },
      body: JSON.stringify({ query: 'mutation { putNote(id: "evil", title: "x") { id } }' }),
    });
    expect(out.status).toBe(403);
    expect(out.headers['access-control-allow-origin']).toBeUndefined();
    expect((await gql('query { note(id: "evil") { id } }')).data).toEqual({ note: null });
  });

  it('refuses Host: attacker.example (DNS rebinding) for /config.json and /graphql', async () => {
    const config = await raw('/config.json', { headers: { host: 'attacker.example' } });
    expect(config.status).toBe(403);
    expect(config.body).not.toContain('token');
    const api = await raw('/graphql', { method: 'POST', headers: { host: 'attacker.example:4000', 'content-type': 'application/json', 'x-api-key': auth.apiKeys[0]! }, body: '{"query":"{__typename}"}' });
    expect(api.status).toBe(403);
  });

  it('serves /config.json to its own origin and to non-browser clients only', async () => {
    const own = await raw('/config.json', { headers: { origin: stack.api.url, 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw('/config.json')).status).toBe(200);
    // Another loopback origin is allowed to call the API, but not to read the page's credentials.
    expect((await raw('/config.json', { headers: { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' } })).status).toBe(403);
    expect((await raw('/config.json', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('refuses a WebSocket upgrade from a foreign origin and accepts a loopback one', async () => {
    const open = (origin: string) =>
      new Promise<string>((done) => {
        const ws = new WebSocket(stack.api.realtimeUrl, ['graphql-ws'], { origin });
        ws.once('open', () => {
          ws.close();
          done('open');
        });
        ws.once('unexpected-response', (_req, res) => done(`status ${res.statusCode}`));
        ws.once('error', (e) => done(`error ${e.message}`));
      });
    expect(await open('https://evil.example')).toBe('status 403');
    expect(await open(stack.api.url)).toBe('open');
  });
});
