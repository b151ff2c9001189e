// The realtime endpoint over real WebSocket connections on loopback: handshake auth (query
// parameter, Amplify-style subprotocol, IAM), connection_error, start/start_ack/data/stop/complete,
// argument filtering, enhanced filters, per-start auth, field auth, keep-alive, limits.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, signToken } from '../../local/appsync/auth/index.ts';
import {
  apiKeyHeaders,
  b64,
  b64url,
  connectWithQuery,
  post,
  RawClient,
  startHarness,
  startMessage,
  type Harness,
} from '../unit/realtime/harness.ts';

const ON_PUBLISH = /* GraphQL */ `
  subscription OnPublish($id: ID, $owner: String) {
    onPublish(id: $id, owner: $owner) {
      id
      owner
      severity
      nested {
        name
      }
    }
  }
`;
const PUBLISH = /* GraphQL */ `
  mutation Publish($input: ItemInput!) {
    publish(input: $input) {
      id
      owner
      severity
      tags
      nested {
        name
        rank
      }
      secret
    }
  }
`;

let h: Harness;
const clients: RawClient[] = [];

async function connect(headers = apiKeyHeaders(h)): Promise<RawClient> {
  const client = await connectWithQuery(h, headers);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  h = await startHarness({
    keepAliveMs: 200,
    maxSubscriptionsPerConnection: 3,
    async runSubscriptionResolver(fieldName, args) {
      if (fieldName === 'onFiltered') {
        if (typeof args.minSeverity === 'number' && args.minSeverity < 0) {
          return { error: { message: 'minSeverity must not be negative', errorType: 'BadRequest' } };
        }
        return {
          filter: {
            filterGroup: [
              { filters: [{ fieldName: 'severity', operator: 'ge', value: args.minSeverity ?? 0 }, { fieldName: 'owner', operator: 'ne', value: 'mallory' }] },
              { filters: [{ fieldName: 'tags', operator: 'containsAny', value: ['urgent'] }] },
            ],
          },
        };
      }
      if (fieldName === 'onAny') {
        return { invalidationFilter: { filterGroup: [{ filters: [{ fieldName: 'owner', operator: 'eq', value: 'kick' }] }] } };
      }
      return null;
    },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await h?.close();
});

describe('handshake', () => {
  it('accepts an API key in the header query parameter and acknowledges connection_init', async () => {
    const client = await connect();
    expect(await client.protocol).toBe('graphql-ws');
    const ack = await client.next('connection_ack');
    expect(ack).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    // AppSync sends a keep-alive right after the ack.
    await client.next('ka');
  });

  it('accepts an Amplify-style header- subprotocol and answers graphql-ws', async () => {
    const header = b64url(apiKeyHeaders(h));
    const client = await RawClient.open(h.realtimeUrl, ['graphql-ws', `header-${header}`]);
    clients.push(client);
    expect(await client.protocol).toBe('graphql-ws');
    client.send({ type: 'connection_init' });
    expect((await client.next('connection_ack')).payload).toEqual({ connectionTimeoutMs: 300000 });
  });

  it('accepts a SigV4-signed connection (POST <graphql>/connect over {})', async () => {
    const signed = await signRequest({ url: `${h.graphqlUrl}/connect`, body: '{}' }, { ...h.settings.iam });
    const client = await connect(signed);
    await client.next('connection_ack');
  });

  it('answers a bad API key with connection_error and closes', async () => {
    const client = await connect(apiKeyHeaders(h, 'da2-wrong'));
    const error = await client.next('connection_error');
    expect(error.payload).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }],
    });
    await new Promise((done) => setTimeout(done, 100));
    expect(client.closeCode).toBeDefined();
  });

  it('answers a connection without any authorization with connection_error', async () => {
    const client = await RawClient.open(h.realtimeUrl);
    clients.push(client);
    client.send({ type: 'connection_init' });
    expect((await client.next('connection_error')).payload.errors[0].errorType).toBe('UnauthorizedException');
  });

  it('sends ka periodically', async () => {
    const client = await connect();
    await client.next('connection_ack');
    await client.next('ka');
    const before = Date.now();
    await client.next('ka', 2000);
    await client.next('ka', 2000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(150);
  });
});

describe('subscriptions', () => {
  it('start -> start_ack -> data -> stop -> complete', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('s1', ON_PUBLISH, {}, apiKeyHeaders(h)));
    expect(await client.next('start_ack')).toEqual({ type: 'start_ack', id: 's1' });

    const result = await post(h, PUBLISH, { input: { id: 'a', owner: 'ann', severity: 2, tags: ['x'], nested: { name: 'n', rank: 1 }, secret: 's' } });
    expect(result).toMatchObject({ data: { publish: { id: 'a' } } });
    const data = await client.next('data');
    expect(data).toEqual({
      type: 'data',
      id: 's1',
      payload: { data: { onPublish: { id: 'a', owner: 'ann', severity: 2, nested: { name: 'n' } } } },
    });

    client.send({ type: 'stop', id: 's1' });
    expect(await client.next('complete')).toEqual({ type: 'complete', id: 's1' });
    await post(h, PUBLISH, { input: { id: 'b' } });
    expect(await client.drain(150)).toEqual([]);
    expect(h.realtime.stats.subscriptions).toBe(0);
  });

  it('delivers only to subscribers whose arguments match the payload', async () => {
    const one = await connect();
    const two = await connect();
    await one.next('connection_ack');
    await two.next('connection_ack');
    one.send(startMessage('x', ON_PUBLISH, { id: '1' }, apiKeyHeaders(h)));
    two.send(startMessage('y', ON_PUBLISH, { id: '2', owner: 'bob' }, apiKeyHeaders(h)));
    await one.next('start_ack');
    await two.next('start_ack');

    h.realtime.publish('publish', { id: '1', owner: 'bob' });
    h.realtime.publish('publish', { id: '2', owner: 'carol' }); // owner does not match two's
    h.realtime.publish('publish', { id: 2, owner: 'bob' }); // serialized as ID "2"
    expect((await one.next('data')).payload.data.onPublish).toMatchObject({ id: '1' });
    expect((await two.next('data')).payload.data.onPublish).toMatchObject({ id: '2', owner: 'bob' });
    expect(await one.drain(150)).toEqual([]);
    expect(await two.drain(0)).toEqual([]);
  });

  it('only sees fields the mutation selected (the payload is the mutation response)', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('m', ON_PUBLISH, {}, apiKeyHeaders(h)));
    await client.next('start_ack');
    await post(h, 'mutation ($input: ItemInput!) { publish(input: $input) { id } }', { input: { id: 'q', owner: 'ann', severity: 1 } });
    expect((await client.next('data')).payload.data.onPublish).toEqual({ id: 'q', owner: null, severity: null, nested: null });
  });

  it('projects aliases, __typename and fragments, and nulls fields the subscriber may not read', async () => {
    const client = await connect();
    await client.next('connection_ack');
    const query = `subscription { onPublish { key: id __typename ...F secret } } fragment F on Item { meta nested { rank } }`;
    client.send(startMessage('p', query, {}, apiKeyHeaders(h)));
    await client.next('start_ack');
    h.realtime.publish('publish', { id: 'z', meta: { a: 1 }, nested: { name: 'n', rank: 3 }, secret: 'hidden' });
    const data = await client.next('data');
    expect(data.payload.data).toEqual({ onPublish: { key: 'z', __typename: 'Item', meta: '{"a":1}', nested: { rank: 3 }, secret: null } });
  });

  // The enhanced filter replaces argument matching: minSeverity names no payload field.
  it('applies the enhanced filter set by the subscription resolver (groups ORed, filters ANDed)', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('f', 'subscription ($m: Int) { onFiltered(minSeverity: $m) { id } }', { m: 5 }, apiKeyHeaders(h)));
    await client.next('start_ack');
    h.realtime.publish('publish', { id: 'low', severity: 1 });
    h.realtime.publish('publish', { id: 'high', severity: 7 });
    h.realtime.publish('publish', { id: 'mallory', severity: 9, owner: 'mallory' });
    h.realtime.publish('publish', { id: 'urgent', severity: 0, tags: ['later', 'urgent'] });
    const ids = [(await client.next('data')).payload.data.onFiltered.id, (await client.next('data')).payload.data.onFiltered.id];
    expect(ids).toEqual(['high', 'urgent']);
    expect(await client.drain(150)).toEqual([]);
  });

  it('refuses a start when the subscription resolver fails', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('neg', 'subscription { onFiltered(minSeverity: -1) { id } }', {}, apiKeyHeaders(h)));
    expect(await client.next('error')).toEqual({
      type: 'error',
      id: 'neg',
      payload: { errors: [{ errorType: 'BadRequest', message: 'minSeverity must not be negative' }] },
    });
  });

  it('denies a subscription field the start authorization may not use, and allows it with another mode on the same connection', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('priv', 'subscription { onPrivate { id secret } }', {}, apiKeyHeaders(h)));
    expect(await client.next('error')).toEqual({
      type: 'error',
      id: 'priv',
      payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onPrivate on type Subscription' }] },
    });

    const jwt = signToken({ user: 'alice' }, h.settings);
    client.send(startMessage('priv2', 'subscription { onPrivate { id secret } }', {}, { Authorization: jwt, host: `127.0.0.1:${h.port}` }));
    await client.next('start_ack');
    h.realtime.publish('publish', { id: 'p1', secret: 'for-users' });
    expect((await client.next('data')).payload.data).toEqual({ onPrivate: { id: 'p1', secret: 'for-users' } });
  });

  it('refuses a start whose own authorization is invalid', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('bad', ON_PUBLISH, {}, apiKeyHeaders(h, 'da2-nope')));
    const error = await client.next('error');
    expect(error.id).toBe('bad');
    expect(error.payload.errors[0]).toMatchObject({ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' });
  });

  it('verifies an IAM start signed over the graphql path and the data string', async () => {
    const client = await connect();
    await client.next('connection_ack');
    const data = JSON.stringify({ query: ON_PUBLISH, variables: { id: 'iam' } });
    const signed = await signRequest({ url: h.graphqlUrl, body: data }, { ...h.settings.iam });
    client.send({ id: 'iam', type: 'start', payload: { data, extensions: { authorization: signed } } });
    await client.next('start_ack');
    const tampered = JSON.stringify({ query: ON_PUBLISH, variables: { id: 'other' } });
    client.send({ id: 'iam2', type: 'start', payload: { data: tampered, extensions: { authorization: signed } } });
    expect((await client.next('error')).payload.errors[0].errorType).toBe('InvalidSignatureException');
  });

  it('reports validation errors, non-subscription operations, duplicates, unknown types and the limit', async () => {
    const client = await connect();
    await client.next('connection_ack');
    const auth = apiKeyHeaders(h);

    client.send(startMessage('v', 'subscription { onPublish { nope } }', {}, auth));
    const invalid = await client.next('error');
    expect(invalid.payload.errors[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(invalid.payload.errors[0].message).toContain('nope');

    client.send(startMessage('q', 'query { ping }', {}, auth));
    expect((await client.next('error')).payload.errors[0]).toEqual({
      errorType: 'UnsupportedOperation',
      message: 'query not supported through the realtime channel',
    });

    client.send({ type: 'subscribe', id: 'u' });
    expect(await client.next('error')).toEqual({
      type: 'error',
      id: 'u',
      payload: { errors: [{ errorType: 'UnsupportedOperation', message: 'subscribe not supported through the realtime channel' }] },
    });

    client.send(startMessage('d', ON_PUBLISH, {}, auth));
    client.send(startMessage('d', ON_PUBLISH, {}, auth));
    const first = await client.next((m) => m.id === 'd');
    const second = await client.next((m) => m.id === 'd');
    expect([first.type, second.type].sort()).toEqual(['error', 'start_ack']);
    expect([first, second].find((m) => m.type === 'error')!.payload.errors[0]).toEqual({
      errorType: 'DuplicatedOperationError',
      message: 'Duplicated operation with id d',
    });

    client.send(startMessage('l2', ON_PUBLISH, {}, auth));
    client.send(startMessage('l3', ON_PUBLISH, {}, auth));
    client.send(startMessage('l4', ON_PUBLISH, {}, auth));
    await client.next((m) => m.id === 'l2' && m.type === 'start_ack');
    await client.next((m) => m.id === 'l3' && m.type === 'start_ack');
    expect(await client.next((m) => m.id === 'l4')).toEqual({
      type: 'error',
      id: 'l4',
      payload: { errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 3 subscriptions reached' }] },
    });
    // Stopping one frees a slot.
    client.send({ type: 'stop', id: 'l2' });
    await client.next('complete');
    client.send(startMessage('l5', ON_PUBLISH, {}, auth));
    await client.next((m) => m.id === 'l5' && m.type === 'start_ack');
  });

  it('fans one mutation out to subscriptions that list it, and invalidates by filter', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('any', 'subscription { onAny { id } }', {}, apiKeyHeaders(h)));
    await client.next('start_ack');
    h.realtime.publish('other', { id: 'o1' });
    expect((await client.next('data')).payload.data.onAny.id).toBe('o1');

    expect(h.realtime.invalidate('onAny', { owner: 'someone-else' })).toBe(0);
    expect(h.realtime.invalidate('onAny', { owner: 'kick' })).toBe(1);
    expect(await client.next('complete')).toEqual({ type: 'complete', id: 'any' });
    h.realtime.publish('other', { id: 'o2' });
    expect(await client.drain(150)).toEqual([]);
  });

  it('cleans up when a client disconnects', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('gone', ON_PUBLISH, {}, apiKeyHeaders(h)));
    await client.next('start_ack');
    const before = h.realtime.stats.subscriptions;
    await client.close();
    await new Promise((done) => setTimeout(done, 50));
    expect(h.realtime.stats.subscriptions).toBe(before - 1);
    h.realtime.publish('publish', { id: 'after' });
  });

  it('delivers a burst in order without starving the event loop', async () => {
    const client = await connect();
    await client.next('connection_ack');
    client.send(startMessage('burst', ON_PUBLISH, { owner: 'burst' }, apiKeyHeaders(h)));
    await client.next('start_ack');
    const n = 2000;
    for (let i = 0; i < n; i += 1) h.realtime.publish('publish', { id: String(i), owner: 'burst' });
    const ids: string[] = [];
    while (ids.length < n) ids.push((await client.next('data', 10_000)).payload.data.onPublish.id);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  });
});

describe('encoding', () => {
  it('decodes a header query parameter whose + signs arrived as spaces', async () => {
    // Find an API key whose base64 header contains "+" or "/".
    const headers = { ...apiKeyHeaders(h), pad: '>>>??' };
    const encoded = b64(headers);
    expect(/[+/]/.test(encoded)).toBe(true);
    const client = await RawClient.open(`${h.realtimeUrl}?header=${encoded}&payload=e30=`);
    clients.push(client);
    client.send({ type: 'connection_init' });
    await client.next('connection_ack');
  });
});
