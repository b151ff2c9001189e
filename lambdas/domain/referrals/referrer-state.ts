// What the events path keeps about a referrer on their counters item (the assignment) for the
// fraud rules and the ledger, and how it is read back. Kept on an item every counted event already
// writes, so the rules and caps add no write of their own. `rev` numbers the changes of this state:
// a write that moves it is conditioned on the `rev` it read (optimistic concurrency).
import type { ReferrerFingerprint, VelocityState } from './fraud.ts';
import type { ReferrerLedger } from './rewards.ts';

export interface ReferrerState {
  rev: number;
  ledger: ReferrerLedger;
  fingerprint: ReferrerFingerprint;
  velocity: VelocityState;
  /** The referrer holds a referral code (they are active as a referrer). */
  hasCode: boolean;
}

/** Attribute names on the assignment item. */
export const REFERRER_FIELDS = {
  rev: 'rev',
  qualified: 'qualified',
  rewardCount: 'rewardCount',
  referrerRewardCost: 'referrerRewardCost',
  /** Cost of every reward this referrer's referrals earned (both sides), less revocations: the ROI input. */
  rewardCost: 'rewardCost',
  deviceHash: 'deviceHash',
  ipHash: 'ipHash',
  refereesFromIp: 'ipReferees',
  velocityWindow: 'vwin',
  velocityCount: 'vcount',
} as const;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);

export function referrerStateOf(item: Record<string, unknown> | undefined): ReferrerState {
  const f = REFERRER_FIELDS;
  const i = item ?? {};
  return {
    rev: num(i[f.rev]),
    ledger: { qualified: num(i[f.qualified]), rewardCount: num(i[f.rewardCount]), rewardCost: num(i[f.referrerRewardCost]) },
    fingerprint: { deviceHash: str(i[f.deviceHash]), ipHash: str(i[f.ipHash]), refereesFromReferrerIp: num(i[f.refereesFromIp]) },
    velocity: { windowStart: num(i[f.velocityWindow]), count: num(i[f.velocityCount]) },
    hasCode: typeof i.code === 'string' && i.code.length > 0,
  };
}
