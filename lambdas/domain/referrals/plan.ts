// What a referral event does, decided from what the events path has read: rejected with a reason,
// not attributed, or counted with the referrer's state changes and the rewards it earns. Pure, so
// that every rule is tested without a table; the events Lambda reads the facts, asks here, and
// writes the plan in one transaction (conditioned on the referrer's `rev` it read).
import { checkClick, checkSignup, DEFAULT_FRAUD_SETTINGS, invalidTime, type FraudSettings, type Verdict } from './fraud.ts';
import type { Offer } from './offer.ts';
import { REFERRER_FIELDS as F, type ReferrerState } from './referrer-state.ts';
import { rewardsFor, type RewardGrant } from './rewards.ts';

export interface ExperimentFacts {
  id: string;
  status: string;
  salt: string;
  currency: string;
  attributionWindowDays: number;
  fraudRules?: Partial<FraudSettings> | null;
  /** The referrer's variant's offer (null: none). */
  offer: Offer | null;
}

export interface CodeFacts {
  code: string;
  referrerId: string;
  variant: string;
  /** Codes stored before createdAt existed have none: no before-the-code check for them. */
  createdAt: string | null;
}

/** The referrer's counters changes: SET these, ADD those; `expectRev` is the `rev` read (null: no condition). */
export interface ReferrerChange {
  set: Record<string, string | number>;
  add: Record<string, number>;
  expectRev: number | null;
}

export type Plan =
  | { type: 'REJECTED'; verdict: Verdict }
  | { type: 'UNATTRIBUTED'; reason: string }
  | { type: 'COUNTED'; paused: boolean; referrer: ReferrerChange; rewards: RewardGrant[]; attributedAt?: string; firstConversion?: boolean };

export function settingsOf(experiment: Pick<ExperimentFacts, 'fraudRules'>): FraudSettings {
  return { ...DEFAULT_FRAUD_SETTINGS, ...Object.fromEntries(Object.entries(experiment.fraudRules ?? {}).filter(([, v]) => typeof v === 'number')) };
}

const codeTime = (code: CodeFacts) => (code.createdAt ? { at: code.createdAt, what: "the referral code's creation" } : null);

/** A rewarded referral's changes to the referrer's ledger and ROI cost, on top of `change`. */
function withRewards(change: ReferrerChange, state: ReferrerState, decision: ReturnType<typeof rewardsFor>): void {
  if (decision.next === state.ledger) return;
  change.set[F.qualified] = decision.next.qualified;
  change.set[F.rewardCount] = decision.next.rewardCount;
  change.set[F.referrerRewardCost] = decision.next.rewardCost;
  const cost = decision.grants.reduce((s, g) => s + g.reward.cost, 0);
  if (cost !== 0) change.add[F.rewardCost] = cost;
  change.expectRev = state.rev;
  change.set[F.rev] = state.rev + 1;
}

/**
 * Invites carry the referrer's own device and IP: remembered for the SAME_DEVICE rule. Device and
 * IP arrive here as the salted hashes the events Lambda made (lambdas/events/fingerprint.ts).
 */
export function planInvite(
  f: { experiment: ExperimentFacts; code: CodeFacts; occurredAt: string | null; now: Date; deviceHash?: string | null; ipHash?: string | null },
): Plan {
  const settings = settingsOf(f.experiment);
  const verdict = invalidTime(f.occurredAt, f.now, settings, codeTime(f.code));
  if (verdict) return { type: 'REJECTED', verdict };
  const set: Record<string, string> = {};
  if (f.deviceHash) set[F.deviceHash] = f.deviceHash;
  if (f.ipHash) set[F.ipHash] = f.ipHash;
  return { type: 'COUNTED', paused: f.experiment.status === 'PAUSED', referrer: { set, add: { invites: 1 }, expectRev: null }, rewards: [] };
}

export function planClick(
  f: { experiment: ExperimentFacts; code: CodeFacts; occurredAt: string | null; now: Date; deviceHash?: string | null; referrer: ReferrerState },
): Plan {
  const verdict = checkClick(
    {
      occurredAt: f.occurredAt,
      now: f.now,
      codeCreatedAt: f.code.createdAt ?? new Date(0).toISOString(),
      deviceHash: f.deviceHash ?? null,
      referrerDeviceHash: f.referrer.fingerprint.deviceHash,
    },
    settingsOf(f.experiment),
  );
  if (verdict) return { type: 'REJECTED', verdict };
  return { type: 'COUNTED', paused: f.experiment.status === 'PAUSED', referrer: { set: {}, add: { clicks: 1 }, expectRev: null }, rewards: [] };
}

export interface SignupInputFacts {
  refereeId: string;
  occurredAt: string | null;
  /** Salted hashes (lambdas/events/fingerprint.ts). */
  deviceHash?: string | null;
  ipHash?: string | null;
  /** Already normalized (normalizeEmailDomain). */
  emailDomain?: string | null;
  accountCreatedAt?: string | null;
}

export function planSignup(f: {
  experiment: ExperimentFacts;
  code: CodeFacts;
  input: SignupInputFacts;
  now: Date;
  referrer: ReferrerState;
  /** Who referred the code's referrer in this experiment (their attribution), if anyone. */
  referrerReferredBy: string | null;
  refereeHasCode: boolean;
}): Plan {
  const settings = settingsOf(f.experiment);
  const check = checkSignup(
    {
      refereeId: f.input.refereeId,
      referrerId: f.code.referrerId,
      occurredAt: f.input.occurredAt,
      now: f.now,
      codeCreatedAt: f.code.createdAt ?? new Date(0).toISOString(),
      emailDomain: f.input.emailDomain ?? null,
      accountCreatedAt: f.input.accountCreatedAt ?? null,
      referrerReferredBy: f.referrerReferredBy,
      refereeHasCode: f.refereeHasCode,
      referee: { deviceHash: f.input.deviceHash ?? null, ipHash: f.input.ipHash ?? null },
      referrer: f.referrer.fingerprint,
      velocity: f.referrer.velocity,
    },
    settings,
  );
  if (check.verdict) return { type: 'REJECTED', verdict: check.verdict };
  // Velocity and the shared-IP count are read-decide-write state: the write is conditioned on `rev`.
  const change: ReferrerChange = {
    set: { [F.velocityWindow]: check.velocity.windowStart, [F.velocityCount]: check.velocity.count, [F.rev]: f.referrer.rev + 1 },
    add: { signups: 1, ...(check.sharesReferrerIp ? { [F.refereesFromIp]: 1 } : {}) },
    expectRev: f.referrer.rev,
  };
  const decision = rewardsFor(f.experiment.offer, 'SIGNUP', f.referrer.ledger, { referrerId: f.code.referrerId, refereeId: f.input.refereeId });
  withRewards(change, f.referrer, decision);
  return {
    type: 'COUNTED',
    paused: f.experiment.status === 'PAUSED',
    referrer: change,
    rewards: decision.grants,
    attributedAt: f.input.occurredAt ?? f.now.toISOString(),
  };
}

export interface AttributionFacts {
  referrerId: string;
  variant: string;
  attributedAt: string;
  conversions: number;
}

export function planConversion(f: {
  experiment: ExperimentFacts;
  attribution: AttributionFacts;
  refereeId: string;
  value: number;
  occurredAt: string | null;
  now: Date;
  referrer: ReferrerState;
}): Plan {
  const settings = settingsOf(f.experiment);
  const verdict = invalidTime(f.occurredAt, f.now, settings);
  if (verdict) return { type: 'REJECTED', verdict };
  const at = f.occurredAt ?? f.now.toISOString();
  const windowStart = Date.parse(f.attribution.attributedAt);
  const windowEnd = windowStart + f.experiment.attributionWindowDays * 86_400_000;
  if (Date.parse(at) < windowStart) {
    return { type: 'UNATTRIBUTED', reason: `conversion is before the referee's signup (${f.attribution.attributedAt}), so the referral did not cause it` };
  }
  if (Date.parse(at) > windowEnd) {
    return { type: 'UNATTRIBUTED', reason: `conversion is after the ${f.experiment.attributionWindowDays}-day attribution window (ended ${new Date(windowEnd).toISOString()})` };
  }
  const change: ReferrerChange = { set: {}, add: { conversions: 1, revenue: f.value }, expectRev: null };
  const firstConversion = f.attribution.conversions === 0;
  const decision = firstConversion
    ? rewardsFor(f.experiment.offer, 'FIRST_CONVERSION', f.referrer.ledger, { referrerId: f.attribution.referrerId, refereeId: f.refereeId })
    : { grants: [], withheld: [], next: f.referrer.ledger };
  withRewards(change, f.referrer, decision);
  return { type: 'COUNTED', paused: f.experiment.status === 'PAUSED', referrer: change, rewards: decision.grants, firstConversion };
}

/** `recordConversion.currency` is optional: absent means the experiment's; present, it must be it. */
export function conversionCurrency(sent: unknown, experimentCurrency: string): { currency: string } | { problem: string } {
  if (sent === undefined || sent === null) return { currency: experimentCurrency };
  if (sent !== experimentCurrency) {
    return { problem: `input.currency must be the experiment's currency, ${experimentCurrency} (got ${String(sent)}): convert the value first, or leave currency out` };
  }
  return { currency: experimentCurrency };
}
