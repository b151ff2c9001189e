// Issue 14, ROI through the real API: a seeded experiment where the richer offer brings more
// converting referrers but less net revenue per enrolled user. Results show both; with net revenue
// as the goal, the always-valid decision picks the cheaper offer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { createRng } from '../../cli/simulate/prng.ts';
import { startTestApp } from '../support/app.ts';
import { pool } from '../support/referral-fixture.ts';
import { api, Q } from '../support/referral-api.ts';

let app: App;
let t: ReturnType<typeof api>;

beforeAll(async () => {
  const started = await startTestApp();
  app = started.app;
  t = api(app, started.gql);
});

afterAll(async () => {
  await app?.stop();
});

interface Results {
  goalMetric: string;
  variants: { key: string; users: number; conversions: number; goal: { decision: string; metric: string } | null }[];
  metrics: { name: string; variants: { key: string; mean: number | null; vsControl: { difference: number | null; pValue: number | null } | null }[] }[];
}

it('the richer offer converts more, the cheaper one returns more; the net-revenue goal picks the cheaper', async () => {
  // Control RICH: give 45, get 45 (cost 90 per converted referee); CHEAP: give 5, get 5 (cost 10).
  const exp = await t.createRunning({
    name: 'rich vs cheap',
    control: 'RICH',
    goalMetric: 'NET_REVENUE_PER_USER',
    variants: [
      { key: 'RICH', name: 'give 45 get 45', weight: 0.5, offer: { referrer: { amount: 45 }, referee: { amount: 45 } } },
      { key: 'CHEAP', name: 'give 5 get 5', weight: 0.5, offer: { referrer: { amount: 5 }, referee: { amount: 5 } } },
    ],
  });
  const rng = createRng(14);
  const convertsWith = { RICH: 0.3, CHEAP: 0.2 } as Record<string, number>;
  const users = Array.from({ length: 400 }, (_, i) => ({ id: `u${i}`, draw: rng.next() }));
  await pool(users.length, 8, async (i) => {
    const u = users[i]!;
    const a = await t.ok<{ variant: string }>(Q.assign, { e: exp, u: u.id }, { apiKey: true });
    if (u.draw >= convertsWith[a.variant]!) return;
    const { code } = await t.referrer(exp, u.id);
    const friend = `${u.id}-friend`;
    expect((await t.record('signup', { eventId: `s-${u.id}`, code, refereeId: friend })).outcome).toBe('COUNTED');
    expect((await t.record('conversion', { eventId: `c-${u.id}`, experimentId: exp, refereeId: friend, value: 100 })).outcome).toBe('COUNTED');
  });

  // Rewards and counters are folded by the stream aggregator (issue 16): read once it has caught up.
  await app.poller!.drain(30_000);
  const results = await t.eventually(
    () => t.ok<Results>(Q.results, { e: exp }),
    (r) => r.variants.reduce((s, v) => s + v.users, 0) === users.length && r.variants.reduce((s, v) => s + v.conversions, 0) > 0,
  );
  const byKey = Object.fromEntries(results.variants.map((v) => [v.key, v]));
  const net = results.metrics.find((m) => m.name === 'netRevenuePerUser')!;
  const netOf = Object.fromEntries(net.variants.map((v) => [v.key, v]));
  expect(results.goalMetric).toBe('NET_REVENUE_PER_USER');
  // The rate favours the rich offer ...
  expect(byKey.RICH!.conversions / byKey.RICH!.users).toBeGreaterThan(byKey.CHEAP!.conversions / byKey.CHEAP!.users);
  // ... net revenue per enrolled user the cheap one, and the decision follows the goal.
  expect(netOf.CHEAP!.mean!).toBeGreaterThan(netOf.RICH!.mean!);
  expect(netOf.CHEAP!.vsControl!.pValue!).toBeLessThan(0.05);
  expect(byKey.CHEAP!.goal).toMatchObject({ metric: 'NET_REVENUE_PER_USER', decision: 'TREATMENT_BETTER' });
  const cost = results.metrics.find((m) => m.name === 'rewardCostPerUser')!;
  expect(cost.variants.find((v) => v.key === 'RICH')!.mean!).toBeGreaterThan(cost.variants.find((v) => v.key === 'CHEAP')!.mean!);
});
