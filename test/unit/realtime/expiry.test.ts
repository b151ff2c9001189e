// Realtime connections over real WebSockets on loopback: a connection's token is checked again at
// every start (an expired one is refused with AppSync's error and the socket closed), and a socket
// that never sends connection_init is closed once the connection timeout passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../../local/appsync/auth/index.ts';
import { b64, RawClient, startHarness, startMessage, type Harness } from './harness.ts';

const SUB = 'subscription { onPublish { id } }';
let clock = Date.now();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock, initTimeoutMs: 300 });
});

afterAll(async () => {
  await h?.close();
});

async function connectAsUser(expiresInSeconds: number): Promise<RawClient> {
  const token = signToken({ user: 'ann', expiresInSeconds }, h.settings);
  const client = await RawClient.open(`${h.realtimeUrl}?header=${encodeURIComponent(b64({ host: `127.0.0.1:${h.port}`, Authorization: token }))}&payload=e30=`);
  client.send({ type: 'connection_init' });
  await client.next('connection_ack');
  return client;
}

const startOnConnection = (id: string) => ({ id, type: 'start', payload: { data: JSON.stringify({ query: SUB, variables: {} }) } });

describe('token expiry', () => {
  it('a start on a connection whose token has expired since is refused with UnauthorizedException, and the socket closed', async () => {
    clock = Date.now();
    const client = await connectAsUser(60);
    client.send(startOnConnection('1'));
    expect(await client.next()).toEqual({ type: 'start_ack', id: '1' });
    clock += 61_000; // 1 s past the token's exp
    client.send(startOnConnection('2'));
    expect(await client.next()).toEqual({ type: 'error', id: '2', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] } });
    await expect.poll(() => client.closeCode, { timeout: 2000 }).toBe(1000);
    expect(h.realtime.stats.subscriptions).toBe(0);
  });

  it('an expired token in a start message is refused the same way (the connection, valid, stays open)', async () => {
    clock = Date.now();
    const client = await connectAsUser(60);
    const expired = signToken({ user: 'ann', expiresInSeconds: -2 }, h.settings);
    client.send(startMessage('3', SUB, {}, { host: `127.0.0.1:${h.port}`, Authorization: expired }));
    expect(await client.next()).toMatchObject({ type: 'error', id: '3', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] } });
    client.send(startOnConnection('4'));
    expect(await client.next()).toEqual({ type: 'start_ack', id: '4' });
    await client.close();
  });
});

describe('connection_init timeout', () => {
  it('closes a socket that sends no connection_init in time, and keeps one that did', async () => {
    clock = Date.now();
    const idle = await RawClient.open(`${h.realtimeUrl}?header=${encodeURIComponent(b64({ host: `127.0.0.1:${h.port}`, 'x-api-key': h.apiKey }))}&payload=e30=`);
    const active = await connectAsUser(60);
    expect(await idle.next('connection_error', 2000)).toMatchObject({ payload: { errors: [{ errorType: 'ConnectionTimeoutError' }] } });
    await expect.poll(() => idle.closeCode, { timeout: 2000 }).toBe(4408);
    await new Promise((r) => setTimeout(r, 400));
    expect(active.closeCode).toBeUndefined();
    await active.close();
  });
});
