// Issue 14, fraud and validity rules through the real API (DynamoDB Local + local AppSync + stream
// aggregator): each rule rejects its event with the stored reason, counts nothing, and reaches
// results' "rejected as suspected fraud" counter; legitimate look-alikes still count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { startTestApp } from '../support/app.ts';
import { api, Q, type Item } from '../support/referral-api.ts';

let app: App;
let t: ReturnType<typeof api>;
let exp: string;
const OFFICE_IP = '198.51.100.23';

beforeAll(async () => {
  const started = await startTestApp();
  app = started.app;
  t = api(app, started.gql);
  exp = await t.createRunning({
    name: 'fraud rules',
    control: 'A',
    variants: [
      { key: 'A', name: 'give 5 get 5', weight: 0.5, offer: { trigger: 'SIGNUP', referrer: { amount: 5 }, referee: { amount: 5 } } },
      { key: 'B', name: 'give 10 get 10', weight: 0.5, offer: { trigger: 'SIGNUP', referrer: { amount: 10 }, referee: { amount: 10 } } },
    ],
    fraudRules: { maxSignupsPerReferrerPerWindow: 3, maxRefereesFromReferrerIp: 2 },
  });
});

afterAll(async () => {
  await app?.stop();
});

// The referrer's counters and rule state are folded by the stream aggregator (issue 16): read them
// once it has caught up. The device, shared-IP and velocity rules read them as of the last fold.
const referrerCounters = async (userId: string) => {
  await app.poller!.drain();
  return t.getItem(`EXP#${exp}#U#${userId}`, 'ASSIGN');
};

describe('each rule rejects with its reason and counts nothing', () => {
  let code = '';
  let n = 0;
  const signup = (input: Item) => t.record('signup', { eventId: `sgn-${++n}`, code, ...input });
  const rejected: string[] = [];

  async function expectRejected(input: Item, reason: string) {
    const before = await referrerCounters('alice');
    const r = await signup(input);
    expect(r, JSON.stringify(input)).toMatchObject({ outcome: 'REJECTED', reason, duplicate: false, experimentId: exp });
    expect(r.detail).toBeTruthy();
    rejected.push(r.eventId);
    // Nothing counted: no attribution, the referrer's counters unchanged, no reward.
    if (typeof input.refereeId === 'string' && input.refereeId !== 'alice') {
      expect(await t.getItem(`EXP#${exp}#REF#${input.refereeId}`, 'ATTR')).toBeUndefined();
    }
    expect(await referrerCounters('alice')).toEqual(before);
    // Stored with its reason, and a replay answers the same.
    expect(await t.getItem(`EXP#${exp}#E#${r.eventId}`, 'EVT')).toMatchObject({ outcome: 'REJECTED', reason });
    const again = await t.record('signup', { eventId: r.eventId, code, ...input });
    expect(again).toMatchObject({ outcome: 'REJECTED', reason, duplicate: true });
  }

  beforeAll(async () => {
    code = (await t.referrer(exp, 'alice')).code;
    // The referrer's own device and IP, as the app reports them with an invite.
    await t.record('invite', { eventId: 'inv-alice', code, channel: 'SMS', deviceId: 'alice-phone', ip: OFFICE_IP });
    await app.poller!.drain();
  });

  it('SELF_REFERRAL', async () => {
    await expectRejected({ refereeId: 'alice' }, 'SELF_REFERRAL');
  });

  it('INVALID_TIME: in the future, or before the code existed', async () => {
    await expectRejected({ refereeId: 'future', occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, 'INVALID_TIME');
    await expectRejected({ refereeId: 'early', occurredAt: new Date(Date.now() - 3_600_000).toISOString() }, 'INVALID_TIME');
  });

  it('DISPOSABLE_EMAIL', async () => {
    await expectRejected({ refereeId: 'throwaway', emailDomain: 'mailinator.com' }, 'DISPOSABLE_EMAIL');
  });

  it('EXISTING_USER: an account older than the code, or a user already referring in the experiment', async () => {
    await expectRejected({ refereeId: 'old-timer', accountCreatedAt: '2020-01-01T00:00:00Z' }, 'EXISTING_USER');
    await t.referrer(exp, 'carol');
    await expectRejected({ refereeId: 'carol' }, 'EXISTING_USER');
  });

  it('SAME_DEVICE: the referrer\'s device, on a signup and on a click', async () => {
    await expectRejected({ refereeId: 'sockpuppet', deviceId: 'alice-phone' }, 'SAME_DEVICE');
    const click = await t.record('click', { eventId: 'clk-own', code, channel: 'LINK', deviceId: 'alice-phone' });
    expect(click).toMatchObject({ outcome: 'REJECTED', reason: 'SAME_DEVICE' });
    rejected.push('clk-own');
    expect((await referrerCounters('alice'))?.clicks ?? 0).toBe(0);
  });

  it('look-alikes count: two colleagues behind the referrer\'s office IP; the third from it is SAME_DEVICE', async () => {
    for (const refereeId of ['colleague-1', 'colleague-2']) {
      const r = await signup({ refereeId, ip: OFFICE_IP, deviceId: `${refereeId}-laptop`, emailDomain: 'gmail.com', accountCreatedAt: new Date().toISOString() });
      expect(r).toMatchObject({ outcome: 'COUNTED', reason: null });
    }
    await expectRejected({ refereeId: 'colleague-3', ip: OFFICE_IP }, 'SAME_DEVICE');
  });

  it('REFERRAL_RING: a referee cannot refer their referrer back', async () => {
    const bobCode = (await t.referrer(exp, 'colleague-1')).code;
    const r = await t.record('signup', { eventId: 'sgn-ring', code: bobCode, refereeId: 'alice' });
    expect(r.outcome).toBe('REJECTED');
    expect(['REFERRAL_RING', 'EXISTING_USER']).toContain(r.reason);
    rejected.push('sgn-ring');
    expect(await t.getItem(`EXP#${exp}#REF#alice`, 'ATTR')).toBeUndefined();
  });

  it('VELOCITY: the referrer\'s 4th signup in the window (limit 3)', async () => {
    const r = await signup({ refereeId: 'friend-3' });
    expect(r.outcome).toBe('COUNTED'); // alice's third counted signup
    await expectRejected({ refereeId: 'friend-4' }, 'VELOCITY');
  });

  it('results count every rejection, the totals only the counted signups', async () => {
    const results = await t.eventually(
      () => t.ok<{ rejectedAsFraud: number; variants: { key: string; rejectedAsFraud: number }[] }>(Q.results, { e: exp }),
      (r) => r.rejectedAsFraud >= rejected.length,
    );
    expect(results.rejectedAsFraud).toBe(rejected.length);
    expect(await referrerCounters('alice')).toMatchObject({ signups: 3 });
    const live = await t.ok<{ variants: { signups: number }[] }>(`query ($e: ID!) { liveCounts(experimentId: $e) { variants { signups } } }`, { e: exp });
    expect(live.variants.reduce((s, v) => s + v.signups, 0)).toBe(3);
  });
});
