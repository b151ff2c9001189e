// Live counts end to end: record -> stream -> aggregator -> publishCounts -> onCountsChanged.
import { expect } from 'vitest';
import { appTest as it } from '../support/fixture.ts';
import { installLoopbackWebSocket } from '../support/loopback-websocket.ts';
import { subscribe } from '../support/realtime-client.ts';
import { pool, setupReferrals } from '../support/referral-fixture.ts';

interface Counts {
  experimentId: string;
  variants: { key: string; conversions: number; revenue: number }[];
}

const SUBSCRIPTION = 'subscription($id: ID!) { onCountsChanged(experimentId: $id) { experimentId variants { key conversions revenue } } }';

/** Enough conversions for several aggregator batches per experiment (1,000 took a minute on a busy machine). */
const CALLS = 300;

const total = (c: Counts) => c.variants.reduce((s, v) => s + v.conversions, 0);

it('pushes each experiment only its own totals, and the totals count unique conversions exactly', async ({ app, gql, apiKey }) => {
  const one = await setupReferrals(gql, 'live-one', 4, 5);
  const two = await setupReferrals(gql, 'live-two', 4, 5);
  await app.poller!.drain();
  const subOne = await subscribe<Counts>(app.api.realtimeUrl, apiKey, SUBSCRIPTION, { id: one.experimentId });
  const subTwo = await subscribe<Counts>(app.api.realtimeUrl, apiKey, SUBSCRIPTION, { id: two.experimentId });

  // 300 recordConversion calls, every tenth one a retry of an earlier eventId.
  const calls: { experimentId: string; refereeId: string; eventId: string }[] = [];
  const unique = { [one.experimentId]: 0, [two.experimentId]: 0 };
  for (let i = 0; i < CALLS; i += 1) {
    if (i % 10 === 9) {
      calls.push(calls[i - 5]!);
      continue;
    }
    const setup = i % 2 === 0 ? one : two;
    calls.push({ experimentId: setup.experimentId, refereeId: setup.referees[i % setup.referees.length]!, eventId: `conv-${i}` });
    unique[setup.experimentId]! += 1;
  }
  await pool(calls.length, 16, async (i) => {
    const c = calls[i]!;
    const out = await gql(
      'mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome duplicate } }',
      { input: { ...c, value: 10, currency: 'USD' } },
      { iam: true },
    );
    expect(out.errors).toBeUndefined();
  });
  await app.poller!.drain(60_000);

  await subOne.waitFor((m) => m.length > 0 && total(m[m.length - 1]!) === unique[one.experimentId]);
  await subTwo.waitFor((m) => m.length > 0 && total(m[m.length - 1]!) === unique[two.experimentId]);
  expect(subOne.messages.every((m) => m.experimentId === one.experimentId)).toBe(true);
  expect(subTwo.messages.every((m) => m.experimentId === two.experimentId)).toBe(true);
  // Far fewer pushes than conversions: one per experiment per aggregated batch.
  expect(subOne.messages.length).toBeLessThan(unique[one.experimentId]!);

  for (const s of [one, two]) {
    const live = await gql<{ liveCounts: Counts }>('query($id: ID!) { liveCounts(experimentId: $id) { experimentId variants { key conversions revenue } } }', { id: s.experimentId });
    expect(total(live.data!.liveCounts)).toBe(unique[s.experimentId]);
    expect(live.data!.liveCounts.variants.reduce((sum, v) => sum + v.revenue, 0)).toBe(10 * unique[s.experimentId]!);
  }
  expect(unique[one.experimentId]! + unique[two.experimentId]!).toBe(CALLS * 0.9);
  await subOne.close();
  await subTwo.close();
}, 180_000);

it("Amplify's generateClient receives splitloop's onCountsChanged unchanged (API key, wss:// derived by Amplify)", async ({ app, gql, apiKey }) => {
  const setup = await setupReferrals(gql, 'live-amplify', 1, 1);
  await app.poller!.drain();
  const socket = installLoopbackWebSocket();
  try {
    const { Amplify } = await import('aws-amplify');
    const { generateClient } = await import('aws-amplify/api');
    Amplify.configure({ API: { GraphQL: { endpoint: app.api.graphqlUrl, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey } } });
    const client = generateClient();
    const received: Counts[] = [];
    const observable = client.graphql({ query: SUBSCRIPTION, variables: { id: setup.experimentId } }) as unknown as {
      subscribe(o: { next(v: { data: { onCountsChanged: Counts } }): void; error(e: unknown): void }): { unsubscribe(): void };
    };
    let failure: unknown;
    const subscription = observable.subscribe({ next: (v) => received.push(v.data.onCountsChanged), error: (e) => (failure = e) });
    const deadline = Date.now() + 10_000;
    while (app.api.realtime.stats.subscriptions === 0 && !failure && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(failure).toBeUndefined();
    expect(socket.dialed.some((u) => u.startsWith(`wss://127.0.0.1:${app.api.port}/graphql/realtime`))).toBe(true);

    const out = await gql(
      'mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome } }',
      { input: { eventId: 'amplify-conv-1', experimentId: setup.experimentId, refereeId: setup.referees[0], value: 20, currency: 'USD' } },
      { iam: true },
    );
    expect(out.data).toEqual({ recordConversion: { outcome: 'COUNTED' } });
    await app.poller!.drain();
    while (!received.some((c) => total(c) === 1) && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(received.at(-1)).toMatchObject({ experimentId: setup.experimentId });
    expect(total(received.at(-1)!)).toBe(1);
    subscription.unsubscribe();
  } finally {
    socket.restore();
  }
}, 60_000);
