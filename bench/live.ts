// Live counts: how long a recorded conversion takes to reach a subscriber, against the bare
// realtime fan-out (publishCounts straight to the API), and how many pushes a burst causes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../cli/app.ts';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { createClient } from '../test/support/client.ts';
import { subscribe } from '../test/support/realtime-client.ts';
import { pool, setupReferrals } from '../test/support/referral-fixture.ts';
import type { BenchRow } from './table.ts';

interface Counts {
  variants: { conversions: number; invites: number }[];
}
const SUBSCRIPTION = 'subscription($id: ID!) { onCountsChanged(experimentId: $id) { variants { conversions invites } } }';
const sum = (c: Counts, f: 'conversions' | 'invites') => c.variants.reduce((s, v) => s + v[f], 0);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchLive(progress: (s: string) => void): Promise<BenchRow[]> {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-bench-live-')) });
  const app = await startApp({ auth });
  try {
    const gql = createClient(app.api.graphqlUrl, auth);
    const setup = await setupReferrals(gql, 'bench', 10, 5);
    await app.poller!.drain();
    let latest: Counts | undefined;
    let onPush: (() => void) | undefined;
    const sub = await subscribe<Counts>(app.api.realtimeUrl, auth.apiKeys[0]!, SUBSCRIPTION, { id: setup.experimentId }, (c) => {
      latest = c;
      onPush?.();
    });
    const until = (predicate: () => boolean) =>
      new Promise<void>((done) => {
        onPush = () => predicate() && done();
        onPush();
      });

    progress('live: record -> subscriber latency (40 conversions, one at a time)');
    const latencies: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const before = latest ? sum(latest, 'conversions') : 0;
      const t0 = performance.now();
      await gql(
        'mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome } }',
        { input: { eventId: `lat-${i}`, experimentId: setup.experimentId, refereeId: setup.referees[i % setup.referees.length], value: 5, currency: 'USD' } },
        { iam: true },
      );
      await until(() => !!latest && sum(latest, 'conversions') > before);
      latencies.push(performance.now() - t0);
    }

    progress('live: baseline, publishCounts -> subscriber latency (40 publishes)');
    const direct: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const t0 = performance.now();
      const marker = 1_000_000 + i;
      await gql(
        'mutation($input: PublishCountsInput!) { publishCounts(input: $input) { experimentId variants { key conversions invites } } }',
        { input: { experimentId: setup.experimentId, updatedAt: new Date().toISOString(), variants: [{ key: 'A', exposures: 0, invites: marker, clicks: 0, signups: 0, conversions: 0, revenue: 0 }] } },
        { iam: true },
      );
      await until(() => !!latest && sum(latest, 'invites') === marker);
      direct.push(performance.now() - t0);
    }

    progress('live: a burst of 10,000 invites');
    const codes: string[] = [];
    for (let r = 0; r < 10; r += 1) {
      const c = await gql<{ referralCode: { code: string } }>('query($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code } }', { e: setup.experimentId, u: `bench-referrer-${r}` });
      codes.push(c.data!.referralCode.code);
    }
    await app.poller!.drain();
    const pushesBefore = sub.messages.length;
    const BURST = 10_000;
    const t0 = performance.now();
    await pool(BURST, 32, async (i) => {
      await gql('mutation($input: RecordInviteInput!) { recordInvite(input: $input) { outcome } }', {
        input: { eventId: `burst-${i}`, code: codes[i % codes.length], channel: 'LINK' },
      });
      if (i % 1000 === 999) progress(`live: burst ${i + 1}/${BURST}`);
    });
    const recordMs = performance.now() - t0;
    await app.poller!.drain(120_000);
    const pushes = sub.messages.length - pushesBefore;
    await sub.close();

    return [
      { name: 'publishCounts -> subscriber, median (bare fan-out)', value: percentile(direct, 50), unit: 'ms', baseline: true },
      { name: 'publishCounts -> subscriber, p99', value: percentile(direct, 99), unit: 'ms' },
      { name: 'recordConversion -> subscriber, median', value: percentile(latencies, 50), unit: 'ms' },
      { name: 'recordConversion -> subscriber, p99', value: percentile(latencies, 99), unit: 'ms' },
      { name: 'ratio: record->push median / bare fan-out median', value: percentile(latencies, 50) / percentile(direct, 50), unit: 'x' },
      { name: 'burst: invites recorded', value: BURST, unit: 'events' },
      { name: 'burst: record throughput (32 concurrent)', value: (BURST / recordMs) * 1000, unit: 'events/s' },
      { name: 'burst: pushes to the subscriber', value: pushes, unit: 'pushes' },
      { name: 'ratio: pushes / events', value: pushes / BURST, unit: 'x' },
    ];
  } finally {
    await app.stop();
  }
}
