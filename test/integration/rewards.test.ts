// Issue 14, the reward ledger through the real API: a counted conversion earns exactly one referrer
// and one referee reward (also under 20 parallel retries of one eventId), caps and tiers hold,
// fulfil/revoke are idempotent by request id, and the ledger's sum is results' reward cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { startTestApp } from '../support/app.ts';
import { api, Q, type Item } from '../support/referral-api.ts';

let app: App;
let t: ReturnType<typeof api>;
let exp: string;
const IAM = { iam: true } as const;

interface Reward {
  rewardId: string;
  userId: string;
  role: string;
  cost: number;
  status: string;
  tierAt: number | null;
  requestId: string | null;
}

beforeAll(async () => {
  const started = await startTestApp();
  app = started.app;
  t = api(app, started.gql);
  const offer = {
    trigger: 'FIRST_CONVERSION',
    referrer: { amount: 10 },
    referee: { name: '1 free month', cost: 4 },
    maxRewardsPerReferrer: 3,
    tiers: [{ at: 2, bonus: { amount: 25 } }],
  };
  exp = await t.createRunning({
    name: 'rewards',
    control: 'A',
    currency: 'EUR',
    variants: [{ key: 'A', name: 'A', weight: 0.5, offer }, { key: 'B', name: 'B', weight: 0.5, offer }],
  });
});

afterAll(async () => {
  await app?.stop();
});

/** The ledger once the stream aggregator, which decides rewards (issue 16), has caught up. */
async function rewardsOf(userId: string): Promise<Reward[]> {
  await app.poller!.drain();
  const items: Reward[] = [];
  let next: string | null = null;
  do {
    const page: { items: Reward[]; nextToken: string | null } = await t.ok(Q.rewards, { u: userId, e: exp, limit: 2, next }, IAM);
    items.push(...page.items);
    next = page.nextToken;
  } while (next);
  return items;
}

describe('rewards', () => {
  let code = '';
  const convert = (eventId: string, refereeId: string, value = 50) =>
    t.record('conversion', { eventId, experimentId: exp, refereeId, value });

  beforeAll(async () => {
    code = (await t.referrer(exp, 'rita')).code;
    for (const f of ['f1', 'f2', 'f3', 'f4']) {
      expect((await t.record('signup', { eventId: `sgn-${f}`, code, refereeId: f })).outcome).toBe('COUNTED');
    }
  });

  it('a conversion earns one referrer and one referee reward, also under 20 parallel retries of its eventId', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => convert('cnv-f1', 'f1')));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results) expect(r).toMatchObject({ outcome: 'COUNTED', eventId: 'cnv-f1' });
    // currency left out: the experiment's (EUR) is used; a second conversion earns nothing more.
    expect((await convert('cnv-f1-again', 'f1', 20)).outcome).toBe('COUNTED');
    expect((await rewardsOf('rita')).map((r) => [r.rewardId, r.cost, r.status])).toEqual([['REFERRER#f1', 10, 'PENDING']]);
    expect((await rewardsOf('f1')).map((r) => [r.rewardId, r.role, r.cost])).toEqual([['REFEREE#f1', 'REFEREE', 4]]);
  });

  it('caps and tiers: the bonus at the 2nd converted referee, then the cap of 3 holds; friends always get theirs', async () => {
    await Promise.all(['f2', 'f3', 'f4'].map((f) => convert(`cnv-${f}`, f)));
    const rita = await rewardsOf('rita');
    expect(rita).toHaveLength(3);
    expect(rita.filter((r) => r.tierAt === 2).map((r) => r.cost)).toEqual([25]);
    expect(rita.reduce((s, r) => s + r.cost, 0)).toBe(45);
    for (const f of ['f2', 'f3', 'f4']) expect(await rewardsOf(f)).toHaveLength(1);
    await app.poller!.drain();
    expect(await t.getItem(`EXP#${exp}#U#rita`, 'ASSIGN')).toMatchObject({ rewardCount: 3 });
  });

  it('fulfil and revoke are idempotent by request id; a final reward does not move again', async () => {
    const input = { experimentId: exp, userId: 'rita', rewardId: 'REFERRER#f1', requestId: 'pay-1' };
    const first = await t.ok<Reward>(Q.fulfill, { input }, IAM);
    const again = await t.ok<Reward>(Q.fulfill, { input }, IAM);
    expect(first).toMatchObject({ status: 'FULFILLED', requestId: 'pay-1' });
    expect(again).toEqual(first);
    const refused = await t.error(Q.revoke, { input: { ...input, requestId: 'refund-1' } }, IAM);
    expect(refused.errorType).toBe('InvalidStateError');

    const revoke = { experimentId: exp, userId: 'f2', rewardId: 'REFEREE#f2', requestId: 'refund-2', reason: 'order refunded' };
    const revoked = await Promise.all([1, 2, 3].map(() => t.ok<Reward>(Q.revoke, { input: revoke }, IAM)));
    for (const r of revoked) expect(r).toMatchObject({ status: 'REVOKED', requestId: 'refund-2' });
    const unknown = await t.error(Q.fulfill, { input: { ...input, rewardId: 'REFERRER#nobody' } }, IAM);
    expect(unknown.errorType).toBe('NotFoundError');
    // Only IAM moves rewards.
    expect((await t.error(Q.fulfill, { input }, { apiKey: true })).errorType).toBe('Unauthorized');
  });

  it('the ledger\'s sum (less revocations) equals results\' reward cost', async () => {
    const ledger = (await Promise.all(['rita', 'f1', 'f2', 'f3', 'f4'].map(rewardsOf))).flat();
    const owed = ledger.filter((r) => r.status !== 'REVOKED').reduce((s, r) => s + r.cost, 0);
    expect(owed).toBe(45 + 4 * 4 - 4);
    const results = await t.eventually(
      () => t.ok<{ variants: { funnel: { rewardCost: number } }[] }>(Q.results, { e: exp }),
      (r) => r.variants.reduce((s, v) => s + v.funnel.rewardCost, 0) === owed,
    );
    expect(results.variants.reduce((s, v) => s + v.funnel.rewardCost, 0)).toBe(owed);
  });
});

describe('offers are typed and frozen once started', () => {
  it('referral(code) shows the friend the referrer\'s offer, or why not', async () => {
    const { code, variant } = await t.referrer(exp, 'rosa');
    const q = `query ($c: String!) { referral(code: $c) { code experimentId variant valid reason offer { trigger referee { name cost amount } } } }`;
    expect(await t.ok(q, { c: code }, { apiKey: true })).toEqual({
      code, experimentId: exp, variant, valid: true, reason: null,
      offer: { trigger: 'FIRST_CONVERSION', referee: { name: '1 free month', cost: 4, amount: null } },
    });
    expect(await t.ok<Item>(q, { c: 'ZZZZZZZZ' }, { apiKey: true })).toMatchObject({ valid: false, reason: 'UNKNOWN_CODE', offer: null });
  });

  it('an offer cannot change after start', async () => {
    const read = await t.ok<{ version: number; variants: Item[] }>(`query ($id: ID!) { experiment(id: $id) { version variants { key name weight offer { trigger } } } }`, { id: exp });
    const variants = read.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight, offer: { referrer: { amount: 99 } } }));
    const e = await t.error(`mutation ($input: UpdateExperimentInput!) { updateExperiment(input: $input) { id } }`, { input: { id: exp, version: read.version, variants } });
    expect(e.errorType).toBe('FrozenFieldError');
  });
});
