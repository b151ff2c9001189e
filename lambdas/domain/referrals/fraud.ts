// Fraud and validity rules for referral events. Each rule is a pure function of the facts the
// events path has read, returning a verdict with a stored reason (never a silent drop) or null.
// The events path rejects the event with that reason: it is recorded, answered `REJECTED`, counts
// nothing, and moves the experiment's "rejected as suspected fraud" counter.
import MailChecker from 'mailchecker';

export const FRAUD_REASONS = [
  'SELF_REFERRAL',
  'INVALID_TIME',
  'DISPOSABLE_EMAIL',
  'REFERRAL_RING',
  'EXISTING_USER',
  'SAME_DEVICE',
  'VELOCITY',
] as const;
export type FraudReason = (typeof FRAUD_REASONS)[number];

export interface Verdict {
  reason: FraudReason;
  /** For a person: what was seen. */
  message: string;
}

export interface FraudSettings {
  /** How far clocks may disagree: an event may be dated this far in the future, or before the code. */
  clockSkewSeconds: number;
  /** Events dated longer ago than this are refused (replayed or back-dated traffic). */
  maxEventAgeDays: number;
  /** Counted signups per referrer per window; the next one is VELOCITY. */
  maxSignupsPerReferrerPerWindow: number;
  velocityWindowHours: number;
  /** Referees of one referrer allowed from the referrer's own IP (an office, a household). */
  maxRefereesFromReferrerIp: number;
}

export const DEFAULT_FRAUD_SETTINGS: FraudSettings = {
  clockSkewSeconds: 300,
  maxEventAgeDays: 30,
  maxSignupsPerReferrerPerWindow: 50,
  velocityWindowHours: 24,
  maxRefereesFromReferrerIp: 2,
};

const verdict = (reason: FraudReason, message: string): Verdict => ({ reason, message });

export function selfReferral(refereeId: string, referrerId: string): Verdict | null {
  return refereeId === referrerId ? verdict('SELF_REFERRAL', `user ${refereeId} used their own referral code`) : null;
}

/**
 * An event's time against now and the referral code's creation. `occurredAt` absent means "now".
 * Before the code existed (less the skew allowance) the referral cannot have caused it.
 */
export function invalidTime(
  occurredAt: string | null | undefined,
  now: Date,
  settings: Pick<FraudSettings, 'clockSkewSeconds' | 'maxEventAgeDays'>,
  notBefore?: { at: string; what: string } | null,
): Verdict | null {
  if (occurredAt === null || occurredAt === undefined) return null;
  const at = Date.parse(occurredAt);
  const skew = settings.clockSkewSeconds * 1000;
  if (Number.isNaN(at)) return verdict('INVALID_TIME', `occurredAt ${occurredAt} is not a date-time`);
  if (at > now.getTime() + skew) {
    return verdict('INVALID_TIME', `occurredAt ${occurredAt} is in the future (now ${now.toISOString()}, ${settings.clockSkewSeconds} s skew allowed)`);
  }
  if (at < now.getTime() - settings.maxEventAgeDays * 86_400_000) {
    return verdict('INVALID_TIME', `occurredAt ${occurredAt} is more than ${settings.maxEventAgeDays} days ago`);
  }
  if (notBefore && at < Date.parse(notBefore.at) - skew) {
    return verdict('INVALID_TIME', `occurredAt ${occurredAt} is before ${notBefore.what} (${notBefore.at})`);
  }
  return null;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** Lower-cased domain, or null when it is not a domain name (the caller reports a ValidationError). */
export function normalizeEmailDomain(value: string): string | null {
  const domain = value.trim().toLowerCase().replace(/^.*@/, '').replace(/\.$/, '');
  return DOMAIN.test(domain) ? domain : null;
}

/** True when the domain (or a parent of it) is on mailchecker's maintained disposable list. */
export function isDisposableDomain(domain: string): boolean {
  const list = MailChecker.blacklist();
  let d = domain;
  for (;;) {
    if (list.has(d)) return true;
    const dot = d.indexOf('.');
    if (dot === -1) return false;
    d = d.slice(dot + 1);
  }
}

export function disposableEmail(emailDomain: string | null | undefined): Verdict | null {
  if (!emailDomain) return null;
  return isDisposableDomain(emailDomain) ? verdict('DISPOSABLE_EMAIL', `${emailDomain} is a disposable e-mail domain`) : null;
}

/** B signs up with A's code while A was referred by B: a mutual ring, not a new customer. */
export function referralRing(refereeId: string, referrer: { referrerId: string; referredBy: string | null }): Verdict | null {
  return referrer.referredBy === refereeId
    ? verdict('REFERRAL_RING', `${referrer.referrerId} was referred by ${refereeId}: a referee cannot refer their own referrer back`)
    : null;
}

/**
 * EXISTING_USER: the referee was a user before this referral could have reached them. Signals:
 *  1. `accountCreatedAt` (optional on recordSignup; the app's account creation time) is earlier
 *     than the referral code's creation, less the clock skew allowance; or
 *  2. the referee already holds a referral code in this experiment: they were active as a referrer
 *     before signing up "through a referral".
 */
export function existingUser(
  facts: { refereeId: string; accountCreatedAt?: string | null; codeCreatedAt: string; refereeHasCode: boolean },
  settings: Pick<FraudSettings, 'clockSkewSeconds'>,
): Verdict | null {
  if (facts.refereeHasCode) return verdict('EXISTING_USER', `${facts.refereeId} already refers others in this experiment`);
  if (facts.accountCreatedAt) {
    const created = Date.parse(facts.accountCreatedAt);
    if (created < Date.parse(facts.codeCreatedAt) - settings.clockSkewSeconds * 1000) {
      return verdict('EXISTING_USER', `${facts.refereeId}'s account was created at ${facts.accountCreatedAt}, before the referral code (${facts.codeCreatedAt})`);
    }
  }
  return null;
}

/** What the referrer's counters remember of their own device and IP (hashes; from recordInvite). */
export interface ReferrerFingerprint {
  deviceHash: string | null;
  ipHash: string | null;
  /** Counted referees whose IP hash was the referrer's. */
  refereesFromReferrerIp: number;
}

/**
 * SAME_DEVICE: the referee's device is the referrer's (always refused), or the referee comes from
 * the referrer's IP once `maxRefereesFromReferrerIp` referees already did (an office or household
 * below the threshold still counts). Returns whether this referee shares the referrer's IP, so the
 * caller can move the counter.
 */
export function sameDevice(
  referee: { deviceHash: string | null; ipHash: string | null },
  referrer: ReferrerFingerprint,
  settings: Pick<FraudSettings, 'maxRefereesFromReferrerIp'>,
): { verdict: Verdict | null; sharesIp: boolean } {
  if (referee.deviceHash && referee.deviceHash === referrer.deviceHash) {
    return { verdict: verdict('SAME_DEVICE', 'the referee uses the referrer\'s device'), sharesIp: false };
  }
  const sharesIp = !!referee.ipHash && referee.ipHash === referrer.ipHash;
  if (sharesIp && referrer.refereesFromReferrerIp >= settings.maxRefereesFromReferrerIp) {
    return {
      verdict: verdict('SAME_DEVICE', `${referrer.refereesFromReferrerIp} referees already came from the referrer's IP (limit ${settings.maxRefereesFromReferrerIp})`),
      sharesIp,
    };
  }
  return { verdict: null, sharesIp };
}

/** The referrer's signups in the current fixed window. */
export interface VelocityState {
  /** Start of the window (epoch ms), or 0 for none yet. */
  windowStart: number;
  count: number;
}

/** VELOCITY: too many counted signups for one referrer in one window. Returns the state after counting this one. */
export function velocity(
  state: VelocityState,
  now: Date,
  settings: Pick<FraudSettings, 'maxSignupsPerReferrerPerWindow' | 'velocityWindowHours'>,
): { verdict: Verdict | null; next: VelocityState } {
  const size = settings.velocityWindowHours * 3_600_000;
  const windowStart = Math.floor(now.getTime() / size) * size;
  const count = state.windowStart === windowStart ? state.count : 0;
  if (count >= settings.maxSignupsPerReferrerPerWindow) {
    return {
      verdict: verdict('VELOCITY', `the referrer already has ${count} signups in this ${settings.velocityWindowHours}-hour window (limit ${settings.maxSignupsPerReferrerPerWindow})`),
      next: { windowStart, count },
    };
  }
  return { verdict: null, next: { windowStart, count: count + 1 } };
}

export interface SignupFacts {
  refereeId: string;
  referrerId: string;
  occurredAt: string | null;
  now: Date;
  codeCreatedAt: string;
  emailDomain: string | null;
  accountCreatedAt: string | null;
  /** Who referred the referrer in this experiment (their attribution), if anyone. */
  referrerReferredBy: string | null;
  refereeHasCode: boolean;
  referee: { deviceHash: string | null; ipHash: string | null };
  referrer: ReferrerFingerprint;
  velocity: VelocityState;
}

export interface SignupCheck {
  verdict: Verdict | null;
  /** For a counted signup: the state to write back on the referrer's counters. */
  velocity: VelocityState;
  sharesReferrerIp: boolean;
}

/** Every signup rule in a fixed order; the first that matches gives the reason. */
export function checkSignup(f: SignupFacts, settings: FraudSettings = DEFAULT_FRAUD_SETTINGS): SignupCheck {
  const device = sameDevice(f.referee, f.referrer, settings);
  const speed = velocity(f.velocity, f.now, settings);
  const first =
    selfReferral(f.refereeId, f.referrerId) ??
    invalidTime(f.occurredAt, f.now, settings, { at: f.codeCreatedAt, what: "the referral code's creation" }) ??
    disposableEmail(f.emailDomain) ??
    referralRing(f.refereeId, { referrerId: f.referrerId, referredBy: f.referrerReferredBy }) ??
    existingUser({ refereeId: f.refereeId, accountCreatedAt: f.accountCreatedAt, codeCreatedAt: f.codeCreatedAt, refereeHasCode: f.refereeHasCode }, settings) ??
    device.verdict ??
    speed.verdict;
  return { verdict: first, velocity: speed.next, sharesReferrerIp: device.sharesIp };
}

/** A click from the referrer's own device inflates their funnel; an IP match alone is allowed. */
export function checkClick(
  f: { occurredAt: string | null; now: Date; codeCreatedAt: string; deviceHash: string | null; referrerDeviceHash: string | null },
  settings: FraudSettings = DEFAULT_FRAUD_SETTINGS,
): Verdict | null {
  return (
    invalidTime(f.occurredAt, f.now, settings, { at: f.codeCreatedAt, what: "the referral code's creation" }) ??
    (f.deviceHash && f.deviceHash === f.referrerDeviceHash ? verdict('SAME_DEVICE', "the click came from the referrer's own device") : null)
  );
}
