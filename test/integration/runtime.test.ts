// The local AppSync runtime on a small app unrelated to referrals: real HTTP, real DynamoDB Local.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSettingsFromEnv, signToken } from '../../local/appsync/auth/index.ts';
import type { LocalStack } from '../../local/stack.ts';
import { fixtureManifest } from '../fixtures/runtime-app/manifest.ts';
import { createClient } from '../support/client.ts';
import { startStackOnSharedDynamoDb } from '../support/dynamodb.ts';

const root = resolve(import.meta.dirname, '..', '..');
const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-rt-')) });
let stack: LocalStack;
let gql: ReturnType<typeof createClient>;

beforeAll(async () => {
  stack = await startStackOnSharedDynamoDb({
    root,
    manifest: fixtureManifest,
    schemaFile: join(root, 'test/fixtures/runtime-app/schema.graphql'),
    appsyncFile: join(root, 'schema/appsync.graphql'),
    auth,
    tablePrefix: 'rt',
  });
  gql = createClient(stack.api.graphqlUrl, auth);
  for (const [id, n] of [['a', 2], ['b', 0], ['c', 1], ['d', 0], ['e', 0]] as const) {
    const put = await gql('mutation($id: ID!, $n: Int) { putNote(id: $id, title: "t", n: $n) { id } }', { id, n });
    expect(put.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('unit JS resolvers on DynamoDB', () => {
  it('GetItem returns the item, and null for a missing key', async () => {
    const found = await gql('query { note(id: "a") { id title n } }');
    expect(found).toMatchObject({ status: 200, data: { note: { id: 'a', title: 't', n: 2 } } });
    const missing = await gql('query { note(id: "nope") { id } }');
    expect(missing.data).toEqual({ note: null });
    expect(missing.errors).toBeUndefined();
  });

  it('Query paginates with limit and nextToken, every item exactly once', async () => {
    const seen: string[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      type Page = { notes: { items: { id: string }[]; nextToken: string | null } };
      const page: { data: Page | null } = await gql<Page>('query($t: String) { notes(limit: 2, nextToken: $t) { items { id } nextToken } }', { t: nextToken });
      const notes: Page["notes"] = page.data!.notes;
      seen.push(...notes.items.map((i) => i.id));
      nextToken = notes.nextToken;
      pages += 1;
    } while (nextToken && pages < 10);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);
  });

  it('util.error aborts with errorType, data and errorInfo; util.appendError is reported beside it', async () => {
    const out = await gql('mutation { fail(message: "nope, fix the input") }');
    expect(out.data).toEqual({ fail: null });
    expect(out.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'nope, fix the input', errorType: 'CustomError', data: { detail: 1 }, errorInfo: { hint: 'try again' }, path: ['fail'] }),
        expect.objectContaining({ message: 'first, a warning', errorType: 'Warning' }),
      ]),
    );
  });

  it('a transaction whose condition fails writes nothing and reports cancellation reasons', async () => {
    const out = await gql('mutation { transfer(from: "b", to: "a") }');
    expect(out.errors?.[0]).toMatchObject({ errorType: 'DynamoDB:TransactionCanceledException' });
    const reasons = (out.errors![0]!.errorInfo as { cancellationReasons: { type: string }[] }).cancellationReasons;
    expect(reasons.map((r) => r.type)).toEqual(['ConditionalCheckFailed', 'None']);
    const a = await gql('query { note(id: "a") { n } b: note(id: "b") { n } }');
    expect(a.data).toEqual({ note: { n: 2 }, b: { n: 0 } });
    const ok = await gql('mutation { transfer(from: "c", to: "d") }');
    expect(ok).toMatchObject({ data: { transfer: true } });
    const after = await gql('query { c: note(id: "c") { n } d: note(id: "d") { n } }');
    expect(after.data).toEqual({ c: { n: 0 }, d: { n: 1 } });
  });
});

describe('pipelines and other data sources', () => {
  it('runs before -> functions -> after with the stash; earlyReturn in before skips the functions but not after', async () => {
    const full = await gql('query { cached(id: "a") { id title } }');
    expect(full.data).toEqual({ cached: { id: 'a', title: 't [before,fn,fn]' } });
    const early = await gql('query { cached(id: "early") { id title } }');
    expect(early.data).toEqual({ cached: { id: 'early', title: 'from before [before]' } });
  });

  it("earlyReturn with skipTo 'END' in a function skips the remaining functions", async () => {
    const end = await gql('query { cached(id: "end") { id title } }');
    expect(end.data).toEqual({ cached: { id: 'end', title: 'skipped [before,fn]' } });
  });

  it('a direct Lambda resolver gets the AppSync event; a thrown error is Lambda:Unhandled', async () => {
    const out = await gql('query { echo(text: "hi") }');
    expect(JSON.parse(out.data!.echo as string)).toEqual({ fieldName: 'echo', text: 'hi', identityIsNull: true });
    const boom = await gql('query { echo(text: "boom") }');
    expect(boom.errors?.[0]).toMatchObject({ errorType: 'Lambda:Unhandled', message: 'handler exploded' });
  });

  it('a JS resolver invokes a Lambda with its own payload and util.authType()', async () => {
    const out = await gql('query { viaInvoke(text: "abc") }');
    expect(out.data).toEqual({ viaInvoke: 'ABC (API Key Authorization)' });
    // No directive on Query.viaInvoke: only the default mode (API key) may call it.
    const iam = await gql('query { viaInvoke(text: "x") }', {}, { iam: true });
    expect(iam.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
  });
});

describe('auth modes and directives', () => {
  it('answers 401 UnauthorizedException without a credential or with a wrong key', async () => {
    const none = await gql('query { note(id: "a") { id } }', {}, { none: true });
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.errorType).toBe('UnauthorizedException');
    const response = await fetch(stack.api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'da2-wrong' },
      body: JSON.stringify({ query: '{ note(id: "a") { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('IAM: allowed on @aws_iam fields, denied with the API key', async () => {
    const iam = await gql('query { guarded(id: "a") { id secret } }', {}, { iam: true });
    expect(iam.data).toEqual({ guarded: { id: 'a', secret: 's3cret' } });
    const key = await gql('query { guarded(id: "a") { id } }');
    expect(key.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', message: 'Not Authorized to access guarded on type Query' });
  });

  it('a field directive replaces the type directive: Note.secret is IAM-only', async () => {
    const out = await gql('query { note(id: "a") { id secret } }');
    expect(out.data).toEqual({ note: { id: 'a', secret: null } });
    expect(out.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', path: ['note', 'secret'] });
  });

  it('Cognito groups: a member is allowed, a non-member denied; a tampered token is 401', async () => {
    const admin = await gql('query { adminOnly }', {}, { user: 'ada', groups: ['admins'] });
    expect(admin.data).toEqual({ adminOnly: 'admin ok' });
    const other = await gql('query { adminOnly }', {}, { user: 'bob', groups: ['readers'] });
    expect(other.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    const token = signToken({ user: 'eve', groups: ['admins'] }, auth);
    const tampered = `${token.slice(0, -4)}AAAA`;
    const response = await fetch(stack.api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: tampered },
      body: JSON.stringify({ query: '{ adminOnly }' }),
    });
    expect(response.status).toBe(401);
  });

  it('IAM with a wrong secret is rejected before execution', async () => {
    const bad = createClient(stack.api.graphqlUrl, { ...auth, iam: { ...auth.iam, secretAccessKey: 'not-the-secret' } });
    const out = await bad('query { guarded(id: "a") { id } }', {}, { iam: true });
    expect(out.status).toBeGreaterThanOrEqual(400);
    expect(out.data).toBeNull();
  });
});

describe('AppSync scalars', () => {
  it('accepts valid AWSDateTime/AWSEmail and rejects invalid ones as validation errors', async () => {
    const ok = await gql('mutation { when(at: "2026-11-22T10:00:00Z", email: "a@b.co") }');
    expect(ok.data).toEqual({ when: '2026-11-22T10:00:00Z' });
    const bad = await gql('mutation($at: AWSDateTime!) { when(at: $at) }', { at: 'yesterday' });
    expect(bad.data).toBeNull();
    expect(bad.errors?.[0]?.message).toMatch(/AWSDateTime/);
    const badEmail = await gql('mutation { when(at: "2026-11-22T10:00:00Z", email: "not-an-email") }');
    expect(badEmail.errors?.[0]?.message).toMatch(/AWSEmail/);
  });
});

describe('operations over HTTP', () => {
  it('answers a subscription sent over HTTP with UnsupportedOperation instead of running it', async () => {
    const out = await gql('subscription { onNote(id: "a") { id } }');
    expect(out.data).toBeNull();
    expect(out.errors?.[0]).toMatchObject({ errorType: 'UnsupportedOperation', message: expect.stringContaining('/graphql/realtime') });
  });
});
