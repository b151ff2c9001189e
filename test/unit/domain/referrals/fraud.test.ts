import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkClick,
  checkSignup,
  DEFAULT_FRAUD_SETTINGS,
  disposableEmail,
  existingUser,
  invalidTime,
  normalizeEmailDomain,
  referralRing,
  sameDevice,
  velocity,
  type SignupFacts,
} from '../../../../lambdas/domain/referrals/fraud.ts';
import { fingerprint } from '../../../../lambdas/events/fingerprint.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const CODE_AT = '2026-03-09T12:00:00.000Z';
const S = DEFAULT_FRAUD_SETTINGS;

const facts = (o: Partial<SignupFacts> = {}): SignupFacts => ({
  refereeId: 'bob', referrerId: 'alice', occurredAt: null, now: NOW, codeCreatedAt: CODE_AT, emailDomain: null,
  accountCreatedAt: null, referrerReferredBy: null, refereeHasCode: false,
  referee: { deviceHash: null, ipHash: null }, referrer: { deviceHash: null, ipHash: null, refereesFromReferrerIp: 0 },
  velocity: { windowStart: 0, count: 0 }, ...o,
});

describe('each rule on its own', () => {
  it('INVALID_TIME: future beyond the skew, too old, before the code', () => {
    expect(invalidTime('2026-03-10T12:04:59.000Z', NOW, S)).toBeNull();
    expect(invalidTime('2026-03-10T12:05:01.000Z', NOW, S)?.reason).toBe('INVALID_TIME');
    expect(invalidTime('2026-02-01T00:00:00.000Z', NOW, S)?.message).toContain('30 days ago');
    const code = { at: CODE_AT, what: 'the code' };
    expect(invalidTime('2026-03-09T11:56:00.000Z', NOW, S, code)).toBeNull(); // within skew of the code
    expect(invalidTime('2026-03-09T11:54:00.000Z', NOW, S, code)?.message).toContain('before the code');
    expect(invalidTime(null, NOW, S, code)).toBeNull();
  });

  it('property: a time is valid exactly inside [max(code, now - age) - skew, now + skew]', () => {
    fc.assert(
      fc.property(fc.integer({ min: -40 * 86_400, max: 86_400 }), (offsetS) => {
        const at = new Date(NOW.getTime() + offsetS * 1000).toISOString();
        const ok = offsetS <= 300 && offsetS >= -30 * 86_400 && NOW.getTime() + offsetS * 1000 >= Date.parse(CODE_AT) - 300_000;
        expect(invalidTime(at, NOW, S, { at: CODE_AT, what: 'code' }) === null).toBe(ok);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('DISPOSABLE_EMAIL from the mailchecker list, subdomains included; real providers pass', () => {
    expect(disposableEmail('mailinator.com')?.reason).toBe('DISPOSABLE_EMAIL');
    expect(disposableEmail('eu.mailinator.com')?.reason).toBe('DISPOSABLE_EMAIL');
    expect(disposableEmail('gmail.com')).toBeNull();
    expect(disposableEmail(null)).toBeNull();
    expect(normalizeEmailDomain('Bob@Example.COM')).toBe('example.com');
    expect(normalizeEmailDomain('not a domain')).toBeNull();
  });

  it('REFERRAL_RING and EXISTING_USER', () => {
    expect(referralRing('bob', { referrerId: 'alice', referredBy: 'bob' })?.reason).toBe('REFERRAL_RING');
    expect(referralRing('bob', { referrerId: 'alice', referredBy: 'carol' })).toBeNull();
    expect(existingUser({ refereeId: 'bob', codeCreatedAt: CODE_AT, refereeHasCode: true }, S)?.reason).toBe('EXISTING_USER');
    expect(existingUser({ refereeId: 'bob', codeCreatedAt: CODE_AT, refereeHasCode: false, accountCreatedAt: '2025-01-01T00:00:00Z' }, S)?.reason).toBe('EXISTING_USER');
    expect(existingUser({ refereeId: 'bob', codeCreatedAt: CODE_AT, refereeHasCode: false, accountCreatedAt: '2026-03-09T11:58:00Z' }, S)).toBeNull();
  });

  it('SAME_DEVICE: the same device always; the referrer\'s IP only past the threshold', () => {
    const referrer = { deviceHash: 'dev-a', ipHash: 'ip-office', refereesFromReferrerIp: 0 };
    expect(sameDevice({ deviceHash: 'dev-a', ipHash: null }, referrer, S).verdict?.reason).toBe('SAME_DEVICE');
    expect(sameDevice({ deviceHash: 'dev-b', ipHash: 'ip-office' }, referrer, S)).toEqual({ verdict: null, sharesIp: true });
    expect(sameDevice({ deviceHash: 'dev-c', ipHash: 'ip-office' }, { ...referrer, refereesFromReferrerIp: 1 }, S).verdict).toBeNull();
    expect(sameDevice({ deviceHash: 'dev-d', ipHash: 'ip-office' }, { ...referrer, refereesFromReferrerIp: 2 }, S).verdict?.reason).toBe('SAME_DEVICE');
    expect(sameDevice({ deviceHash: null, ipHash: null }, { deviceHash: null, ipHash: null, refereesFromReferrerIp: 9 }, S).verdict).toBeNull();
  });

  it('VELOCITY: fixed windows, a new window starts from zero', () => {
    const small = { ...S, maxSignupsPerReferrerPerWindow: 2 };
    let state = { windowStart: 0, count: 0 };
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const r = velocity(state, NOW, small);
      seen.push(r.verdict?.reason ?? 'ok');
      if (!r.verdict) state = r.next;
    }
    expect(seen).toEqual(['ok', 'ok', 'VELOCITY']);
    expect(velocity(state, new Date(NOW.getTime() + 86_400_000), small).verdict).toBeNull();
  });

  it('fingerprints are salted, stable and never the raw value', () => {
    expect(fingerprint('s', '10.0.0.1')).toBe(fingerprint('s', ' 10.0.0.1 '));
    expect(fingerprint('s', '10.0.0.1')).not.toBe(fingerprint('t', '10.0.0.1'));
    expect(fingerprint('s', '10.0.0.1')).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(fingerprint('s', '')).toBeNull();
  });
});

describe('checkSignup', () => {
  it('a clean signup passes and says what to write back', () => {
    expect(checkSignup(facts())).toEqual({ verdict: null, velocity: { windowStart: Date.parse('2026-03-10T00:00:00Z'), count: 1 }, sharesReferrerIp: false });
  });

  it('each rule gives its reason', () => {
    const cases: [Partial<SignupFacts>, string][] = [
      [{ refereeId: 'alice' }, 'SELF_REFERRAL'],
      [{ occurredAt: '2027-01-01T00:00:00Z' }, 'INVALID_TIME'],
      [{ emailDomain: 'mailinator.com' }, 'DISPOSABLE_EMAIL'],
      [{ referrerReferredBy: 'bob' }, 'REFERRAL_RING'],
      [{ refereeHasCode: true }, 'EXISTING_USER'],
      [{ referee: { deviceHash: 'd', ipHash: null }, referrer: { deviceHash: 'd', ipHash: null, refereesFromReferrerIp: 0 } }, 'SAME_DEVICE'],
      [{ velocity: { windowStart: Date.parse('2026-03-10T00:00:00Z'), count: 50 } }, 'VELOCITY'],
    ];
    for (const [f, reason] of cases) expect(checkSignup(facts(f)).verdict?.reason).toBe(reason);
  });

  it('property: a ring is refused as REFERRAL_RING or EXISTING_USER, never counted', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (refereeHasCode, withDevice) => {
        const r = checkSignup(facts({ referrerReferredBy: 'bob', refereeHasCode, referee: { deviceHash: withDevice ? 'x' : null, ipHash: null } }));
        expect(['REFERRAL_RING', 'EXISTING_USER']).toContain(r.verdict?.reason);
      }),
      { numRuns: 20, seed: 3 },
    );
  });
});

describe('checkClick', () => {
  it('a click from the referrer\'s device is SAME_DEVICE; a dated-before-the-code click INVALID_TIME', () => {
    const base = { occurredAt: null, now: NOW, codeCreatedAt: CODE_AT, deviceHash: 'd1', referrerDeviceHash: 'd2' };
    expect(checkClick(base)).toBeNull();
    expect(checkClick({ ...base, referrerDeviceHash: 'd1' })?.reason).toBe('SAME_DEVICE');
    expect(checkClick({ ...base, occurredAt: '2026-03-01T00:00:00Z' })?.reason).toBe('INVALID_TIME');
  });
});
