// The dashboard's AppSync realtime client and its live-counts feed, in Node against a scripted
// WebSocket server: the handshake and messages of the protocol (APPSYNC-NOTES §5), and every way a
// subscription can fail, each of which must reach the caller so that the page can fall back to polling.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { AppSyncRealtimeClient, realtimeUrlFor, type RealtimeError, type WebSocketConstructor } from '../../dashboard/src/realtime.ts';
import { startLiveCounts, type LiveStatus } from '../../dashboard/src/live.ts';
import type { Api } from '../../dashboard/src/api.ts';
import { GetLiveCountsDocument, OnCountsChangedDocument, type LiveCountsFieldsFragment } from '../../generated/graphql.ts';

type Msg = { type: string; id?: string; payload?: Record<string, unknown> };
type Script = (socket: ServerSocket, msg: Msg, request: { url: string; protocol: string }) => void;

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((done) => s.close(done));
  }
});

/** A WebSocket server that answers each client message with `script`; records what it received. */
async function fakeServer(script: Script): Promise<{ url: string; received: Msg[]; requests: { url: string; protocol: string }[] }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => (protocols.has('graphql-ws') ? 'graphql-ws' : false) });
  servers.push(wss);
  await new Promise((done) => wss.once('listening', done));
  const received: Msg[] = [];
  const requests: { url: string; protocol: string }[] = [];
  wss.on('connection', (socket, req) => {
    const request = { url: req.url ?? '', protocol: socket.protocol };
    requests.push(request);
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Msg;
      received.push(msg);
      script(socket, msg, request);
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql/realtime`, received, requests };
}

const send = (socket: ServerSocket, msg: unknown) => socket.send(JSON.stringify(msg));
const counts = (conversions: number): LiveCountsFieldsFragment => ({
  experimentId: 'exp-1',
  updatedAt: '2030-01-01T00:00:00.000Z',
  variants: [{ key: 'A', exposures: 10, invites: 5, clicks: 3, signups: 2, conversions, revenue: conversions * 10 }],
});

function client(url: string, ackTimeoutMs = 2000) {
  return new AppSyncRealtimeClient({
    realtimeUrl: url,
    graphqlHost: 'api.example.test:4000',
    authHeaders: () => ({ Authorization: 'jwt-token' }),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    ackTimeoutMs,
  });
}

function observe() {
  const events: string[] = [];
  const data: unknown[] = [];
  let failed: RealtimeError | undefined;
  let settle: (e: RealtimeError) => void = () => {};
  const done = new Promise<RealtimeError>((resolve) => (settle = resolve));
  const observer = {
    started: () => events.push('started'),
    next: (d: unknown) => {
      events.push('data');
      data.push(d);
    },
    error: (e: RealtimeError) => {
      failed = e;
      events.push(`error:${e.errorType}`);
      settle(e);
    },
  };
  return { observer, events, data, failed: () => failed, done };
}

const until = async (check: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the AppSync realtime client', () => {
  it('speaks the protocol: header and payload query parameters, graphql-ws, init/ack, start with authorization, data, stop', async () => {
    const server = await fakeServer((socket, msg) => {
      if (msg.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
      if (msg.type === 'start') {
        send(socket, { type: 'start_ack', id: msg.id });
        send(socket, { type: 'ka' });
        send(socket, { type: 'data', id: msg.id, payload: { data: { onCountsChanged: counts(1) } } });
        send(socket, { type: 'data', id: msg.id, payload: { data: { onCountsChanged: counts(2) } } });
      }
      if (msg.type === 'stop') send(socket, { type: 'complete', id: msg.id });
    });
    const c = client(server.url);
    const o = observe();
    const stop = c.subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, o.observer);
    await until(() => o.data.length === 2);
    expect(o.events).toEqual(['started', 'data', 'data']);
    expect(o.data).toEqual([{ onCountsChanged: counts(1) }, { onCountsChanged: counts(2) }]);

    const request = server.requests[0]!;
    expect(request.protocol).toBe('graphql-ws');
    const query = new URL(request.url, 'ws://x').searchParams;
    expect(query.get('payload')).toBe('e30=');
    expect(JSON.parse(Buffer.from(query.get('header')!, 'base64').toString('utf8'))).toEqual({ Authorization: 'jwt-token', host: 'api.example.test:4000' });

    expect(server.received[0]).toEqual({ type: 'connection_init' });
    const start = server.received[1]!;
    expect(start.type).toBe('start');
    expect(start.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const payload = start.payload as { data: string; extensions: { authorization: Record<string, string> } };
    const body = JSON.parse(payload.data) as { query: string; variables: unknown };
    expect(body.variables).toEqual({ experimentId: 'exp-1' });
    expect(body.query).toMatch(/subscription OnCountsChanged\(\$experimentId: ID!\)/);
    expect(body.query).toContain('fragment LiveCountsFields on LiveCounts');
    expect(payload.extensions.authorization).toEqual({ Authorization: 'jwt-token', host: 'api.example.test:4000' });
    expect(c.connected).toBe(true);

    stop();
    await until(() => server.received.some((m) => m.type === 'stop'));
    expect(server.received.find((m) => m.type === 'stop')).toEqual({ type: 'stop', id: start.id });
    expect(o.failed()).toBeUndefined(); // a complete after our own stop is not an error
    await until(() => !c.connected, 3000); // the idle socket is closed
  });

  it('reports connection_error (e.g. a rejected token) to the subscriber', async () => {
    const server = await fakeServer((socket, msg) => {
      if (msg.type === 'connection_init') send(socket, { type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] } });
    });
    const o = observe();
    client(server.url).subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, o.observer);
    expect(await o.done).toEqual({ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' });
    expect(o.events).toEqual(['error:UnauthorizedException']);
  });

  it('reports a subscription error message to that subscription', async () => {
    const server = await fakeServer((socket, msg) => {
      if (msg.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
      if (msg.type === 'start') send(socket, { type: 'error', id: msg.id, payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onCountsChanged on type Subscription' }] } });
    });
    const o = observe();
    client(server.url).subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, o.observer);
    expect((await o.done).errorType).toBe('Unauthorized');
    expect(o.events).toEqual(['error:Unauthorized']);
  });

  it('fails a subscription when the server closes the socket', async () => {
    const server = await fakeServer((socket, msg) => {
      if (msg.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
      if (msg.type === 'start') {
        send(socket, { type: 'start_ack', id: msg.id });
        setTimeout(() => socket.close(1011, 'server going away'), 20);
      }
    });
    const o = observe();
    client(server.url).subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, o.observer);
    const error = await o.done;
    expect(error.errorType).toBe('ConnectionClosed');
    expect(error.message).toContain('1011');
    expect(o.events).toEqual(['started', 'error:ConnectionClosed']);
  });

  it('fails when keep-alives stop within the server\'s connectionTimeoutMs', async () => {
    const server = await fakeServer((socket, msg) => {
      if (msg.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 150 } });
      if (msg.type === 'start') send(socket, { type: 'start_ack', id: msg.id });
    });
    const o = observe();
    client(server.url).subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, o.observer);
    expect((await o.done).errorType).toBe('KeepAliveTimeout');
  });

  it('fails when connection_ack or start_ack does not come in time, and when nothing listens', async () => {
    const silent = await fakeServer(() => {});
    const a = observe();
    client(silent.url, 150).subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, a.observer);
    expect((await a.done).errorType).toBe('ConnectionAckTimeout');

    const noStartAck = await fakeServer((socket, msg) => {
      if (msg.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    });
    const b = observe();
    client(noStartAck.url, 150).subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, b.observer);
    expect((await b.done).errorType).toBe('StartAckTimeout');

    const c = observe();
    client('ws://127.0.0.1:9/graphql/realtime').subscribe(OnCountsChangedDocument, { experimentId: 'exp-1' }, c.observer);
    expect((await c.done).errorType).toBe('ConnectionClosed');
  });

  it('derives the realtime URL like AppSync clients do', () => {
    expect(realtimeUrlFor('https://abc.appsync-api.eu-west-1.amazonaws.com/graphql')).toBe('wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql');
    expect(realtimeUrlFor('http://localhost:4000/graphql')).toBe('ws://localhost:4000/graphql/realtime');
    expect(realtimeUrlFor('https://api.example.com/graphql')).toBe('wss://api.example.com/graphql/realtime');
  });
});

describe('the live-counts feed', () => {
  function fakeApi(current: () => LiveCountsFieldsFragment): Api & { calls: number } {
    const api = {
      calls: 0,
      async request<R, V>(doc: unknown, _variables: V): Promise<R> {
        expect(doc).toBe(GetLiveCountsDocument);
        api.calls += 1;
        return { liveCounts: current() } as R;
      },
    };
    return api;
  }

  it('uses the subscription when it starts, and does not poll', async () => {
    const statuses: LiveStatus['mode'][] = [];
    const seen: [number, string][] = [];
    let push: ((n: number) => void) | undefined;
    const api = fakeApi(() => counts(0));
    const feed = startLiveCounts({
      experimentId: 'exp-1',
      api,
      pollIntervalMs: 20,
      realtime: {
        subscribe: (_doc, _vars, observer) => {
          setTimeout(() => observer.started?.(), 10);
          push = (n) => observer.next({ onCountsChanged: counts(n) } as never);
          return () => {};
        },
      },
      onCounts: (c, source) => seen.push([c.variants[0]!.conversions, source]),
      onStatus: (s) => statuses.push(s.mode),
    });
    await until(() => statuses.includes('subscription'));
    push!(5);
    push!(7);
    await new Promise((r) => setTimeout(r, 100));
    feed.stop();
    expect(statuses).toEqual(['connecting', 'subscription']);
    expect(seen.filter(([, s]) => s === 'subscription')).toEqual([[5, 'subscription'], [7, 'subscription']]);
    expect(api.calls).toBe(2); // the first read and the catch-up after start_ack: no polling
  });

  it('falls back to polling when the subscription fails, and stops polling once it reconnects', async () => {
    const statuses: LiveStatus[] = [];
    const sources: string[] = [];
    let attempts = 0;
    let conversions = 0;
    const api = fakeApi(() => counts((conversions += 1)));
    const feed = startLiveCounts({
      experimentId: 'exp-1',
      api,
      pollIntervalMs: 20,
      retryMs: 120,
      realtime: {
        subscribe: (_doc, _vars, observer) => {
          attempts += 1;
          if (attempts === 1) setTimeout(() => observer.error({ errorType: 'ConnectionClosed', message: 'the realtime connection closed (code 1006)' }), 5);
          else setTimeout(() => observer.started?.(), 5);
          return () => {};
        },
      },
      onCounts: (_c, source) => sources.push(source),
      onStatus: (s) => statuses.push(s),
    });
    await until(() => statuses.some((s) => s.mode === 'polling'));
    const polling = statuses.find((s) => s.mode === 'polling') as Extract<LiveStatus, { mode: 'polling' }>;
    expect(polling.reason).toBe('ConnectionClosed: the realtime connection closed (code 1006)');
    expect(polling.retryInMs).toBe(120);
    await until(() => sources.filter((s) => s === 'poll').length >= 3);
    await until(() => statuses.at(-1)?.mode === 'subscription', 2000);
    expect(attempts).toBe(2);
    const callsAtReconnect = api.calls;
    await new Promise((r) => setTimeout(r, 150));
    expect(api.calls - callsAtReconnect).toBeLessThanOrEqual(1); // only the catch-up read, no more polling
    feed.stop();
  });

  it('polls when there is no realtime endpoint at all', async () => {
    const statuses: LiveStatus[] = [];
    const api = fakeApi(() => counts(1));
    const feed = startLiveCounts({ experimentId: 'exp-1', api, pollIntervalMs: 20, realtime: null, onCounts: () => {}, onStatus: (s) => statuses.push(s) });
    await until(() => api.calls >= 3);
    feed.stop();
    expect(statuses).toEqual([{ mode: 'polling', reason: 'no realtime endpoint is configured', retryInMs: 0 }]);
  });
});
