// Real AppSync clients, unchanged, against the local realtime endpoint over loopback:
// - Amplify v6 (`generateClient().graphql(...)`), which derives `wss://<host>/graphql/realtime` from
//   a non-AppSync endpoint and authenticates with the `header-<base64url>` subprotocol;
// - Apollo Client 4 with aws-appsync-subscription-link's createSubscriptionHandshakeLink (API key),
//   which derives `ws://<host>/graphql/realtime` itself.
//
// Node 20 has no global WebSocket, and both libraries call `new WebSocket(url, protocols)`. The test
// installs `ws` as that global, wrapped so that `wss://` to a loopback host dials `ws://` (the local
// runtime serves plain HTTP). Nothing in Amplify changes: it still builds its wss:// URL, headers and
// subprotocols itself; only the transport scheme is mapped. (Chosen over serving TLS with a
// self-signed certificate because a global must be installed in Node 20 anyway, it needs no openssl
// or NODE_TLS_REJECT_UNAUTHORIZED, and the server under test stays exactly what host.ts serves.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../unit/realtime/harness.ts';
import { installLoopbackWebSocket } from '../support/loopback-websocket.ts';

const SUBSCRIPTION = /* GraphQL */ `
  subscription OnPublish($id: ID) {
    onPublish(id: $id) {
      id
      owner
      severity
    }
  }
`;
const MUTATION = /* GraphQL */ `
  mutation Publish($input: ItemInput!) {
    publish(input: $input) {
      id
      owner
      severity
    }
  }
`;

let h: Harness;
const dialed: string[] = [];
let socketGlobal: ReturnType<typeof installLoopbackWebSocket>;

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for condition');
    await new Promise((done) => setTimeout(done, 10));
  }
}

interface Observer {
  next(value: unknown): void;
  error(error: unknown): void;
}
interface Subscribable {
  subscribe(observer: Observer): { unsubscribe(): void };
}

beforeAll(async () => {
  h = await startHarness();
  socketGlobal = installLoopbackWebSocket(dialed);
});

afterAll(async () => {
  socketGlobal?.restore();
  await h?.close();
});

describe('Amplify v6 generateClient', () => {
  it('subscribes over the realtime endpoint, receives a mutation made through the client, and unsubscribes', async () => {
    const { Amplify } = await import('aws-amplify');
    const { generateClient } = await import('aws-amplify/api');
    Amplify.configure({
      API: { GraphQL: { endpoint: h.graphqlUrl, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey: h.apiKey } },
    });
    const client = generateClient();
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const observable = client.graphql({ query: SUBSCRIPTION, variables: { id: 'amp-1' } }) as unknown as Subscribable;
    const subscription = observable.subscribe({ next: (value) => received.push(value), error: (e) => errors.push(e) });

    await until(() => h.realtime.stats.subscriptions === 1 || errors.length > 0);
    expect(errors).toEqual([]);
    expect(dialed.some((u) => u.startsWith(`wss://127.0.0.1:${h.port}/graphql/realtime`))).toBe(true);

    const result = await client.graphql({ query: MUTATION, variables: { input: { id: 'amp-1', owner: 'amplify', severity: 3 } } });
    expect(result).toMatchObject({ data: { publish: { id: 'amp-1' } } });
    await client.graphql({ query: MUTATION, variables: { input: { id: 'amp-2', owner: 'someone-else' } } });

    await until(() => received.length >= 1);
    expect(received[0]).toMatchObject({ data: { onPublish: { id: 'amp-1', owner: 'amplify', severity: 3 } } });
    await new Promise((done) => setTimeout(done, 100));
    expect(received).toHaveLength(1);

    subscription.unsubscribe();
    await until(() => h.realtime.stats.subscriptions === 0);
  });

  it('fails the subscription with a connection error for a wrong API key', async () => {
    const { Amplify } = await import('aws-amplify');
    const { generateClient } = await import('aws-amplify/api');
    // Let the previous test's socket close (Amplify closes it a second after the last unsubscribe).
    await until(() => h.realtime.stats.connections === 0);
    Amplify.configure({
      API: { GraphQL: { endpoint: h.graphqlUrl, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey: 'da2-not-the-key' } },
    });
    const client = generateClient();
    const error = await new Promise<unknown>((done) => {
      const observable = client.graphql({ query: SUBSCRIPTION, variables: {} }) as unknown as Subscribable;
      observable.subscribe({ next: () => done(new Error('unexpected data')), error: done });
    });
    expect(JSON.stringify(error)).toContain('UnauthorizedException');
  });
});

describe('Apollo Client 4 with aws-appsync-subscription-link', () => {
  it('subscribes with an API key and receives published results', async () => {
    const { ApolloClient, InMemoryCache, HttpLink, gql } = await import('@apollo/client');
    const { createSubscriptionHandshakeLink } = await import('aws-appsync-subscription-link');
    const httpLink = new HttpLink({ uri: h.graphqlUrl, headers: { 'x-api-key': h.apiKey } });
    const link = createSubscriptionHandshakeLink({ url: h.graphqlUrl, region: 'us-east-1', auth: { type: 'API_KEY', apiKey: h.apiKey } }, httpLink);
    const client = new ApolloClient({ link, cache: new InMemoryCache() });

    const received: unknown[] = [];
    const errors: unknown[] = [];
    const subscription = client
      .subscribe({ query: gql(SUBSCRIPTION), variables: { id: 'apollo-1' } })
      .subscribe({ next: (value: unknown) => received.push(value), error: (e: unknown) => errors.push(e) });

    await until(() => h.realtime.stats.subscriptions >= 1 || errors.length > 0);
    expect(errors).toEqual([]);
    expect(dialed).toContain(`ws://127.0.0.1:${h.port}/graphql/realtime`);

    const result = await client.mutate({ mutation: gql(MUTATION), variables: { input: { id: 'apollo-1', owner: 'apollo', severity: 5 } } });
    expect(result.data).toMatchObject({ publish: { id: 'apollo-1', owner: 'apollo' } });

    await until(() => received.length >= 1);
    expect(received[0]).toMatchObject({ data: { onPublish: { __typename: 'Item', id: 'apollo-1', owner: 'apollo', severity: 5 } } });

    subscription.unsubscribe();
    await until(() => h.realtime.stats.subscriptions === 0);
    client.stop();
  });
});
