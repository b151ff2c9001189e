// Fan-out to many subscribers over real WebSockets on loopback (the mechanism bench/realtime-scale.ts
// times with 1,000): every subscriber whose arguments match gets each publish exactly once and in
// order, the others get nothing, and the payload is projected (selected and serialized) once per
// group of equivalent subscribers, not once per subscriber.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { apiKeyHeaders, connectWithQuery, startHarness, startMessage, type Harness, type Message, type RawClient } from './harness.ts';

const projections = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../local/appsync/realtime/payload.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../local/appsync/realtime/payload.ts')>();
  return {
    ...original,
    projectPayload: (...args: Parameters<typeof original.projectPayload>) => {
      projections.count += 1;
      return original.projectPayload(...args);
    },
  };
});

const BY_ID = 'subscription($id: ID) { onPublish(id: $id) { id owner } }';
const BY_ID_OTHER_SELECTION = 'subscription($id: ID) { onPublish(id: $id) { id severity } }';
const ALL = 'subscription { onPublish { id } }';
const CONNECTIONS = 20;
const PER_CONNECTION = 5;

interface Sub {
  client: RawClient;
  id: string;
  /** The ids of the publishes it must receive, in order. */
  expects: string[];
  query: string;
}

let h: Harness;
const clients: RawClient[] = [];
const subs: Sub[] = [];

beforeAll(async () => {
  h = await startHarness();
  const headers = apiKeyHeaders(h);
  for (let c = 0; c < CONNECTIONS; c += 1) {
    const client = await connectWithQuery(h, headers);
    clients.push(client);
    await client.next('connection_ack');
    for (let s = 0; s < PER_CONNECTION; s += 1) {
      const n = c * PER_CONNECTION + s;
      // 60 on item x (two selections), 30 on item y, 10 on every item.
      const [query, variables] = n < 30 ? [BY_ID, { id: 'x' }] : n < 60 ? [BY_ID_OTHER_SELECTION, { id: 'x' }] : n < 90 ? [BY_ID, { id: 'y' }] : [ALL, {}];
      const id = `s${n}`;
      client.send(startMessage(id, query, variables, headers));
      subs.push({ client, id, query, expects: n < 60 ? ['x', 'x'] : n < 90 ? ['y'] : ['x', 'y', 'x', 'z'] });
    }
    for (let s = 0; s < PER_CONNECTION; s += 1) await client.next('start_ack');
  }
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await h?.close();
});

it('delivers each publish exactly once to each of 100 matching subscribers, in order, projecting once per equivalent group', async () => {
  expect(h.realtime.stats.subscriptions).toBe(100);
  const before = { delivered: h.realtime.stats.delivered, projections: projections.count };
  for (const id of ['x', 'y', 'x', 'z']) h.realtime.publish('publish', { id, owner: `owner-${id}`, severity: 1 });

  const expectedTotal = subs.reduce((n, s) => n + s.expects.length, 0);
  expect(expectedTotal).toBe(60 * 2 + 30 + 10 * 4);
  await expect.poll(() => h.realtime.stats.delivered - before.delivered, { timeout: 5000 }).toBe(expectedTotal);
  await new Promise((done) => setTimeout(done, 100)); // anything extra would arrive by now

  for (const sub of subs) {
    const got = sub.client.messages.filter((m: Message) => m.type === 'data' && m.id === sub.id);
    expect(got.map((m) => m.payload.data.onPublish.id), sub.id).toEqual(sub.expects);
    const first = got[0]!.payload.data.onPublish;
    if (sub.query === BY_ID) expect(first).toEqual({ id: sub.expects[0], owner: `owner-${sub.expects[0]}` });
    if (sub.query === BY_ID_OTHER_SELECTION) expect(first).toEqual({ id: 'x', severity: 1 });
    if (sub.query === ALL) expect(first).toEqual({ id: 'x' });
  }
  // Per publish, one projection per (query, variables, principal kind) among its receivers:
  // x: BY_ID/x, OTHER/x, ALL = 3; y: BY_ID/y, ALL = 2; x again: 3; z: ALL = 1.
  expect(projections.count - before.projections).toBe(9);
});
