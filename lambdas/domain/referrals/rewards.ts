// Which rewards a qualifying referral earns, given the referrer's ledger state. Pure: the events
// path reads the state from the referrer's counters, writes the grants and the next state in the
// event's transaction (conditioned on the state it read), so caps and tiers hold under concurrency.
import type { Offer, Reward, RewardTrigger } from './offer.ts';

/** The referrer's reward state in one experiment (kept on their counters item). */
export interface ReferrerLedger {
  /** Referees of this referrer that triggered the offer (counted even when a cap withheld the reward). */
  qualified: number;
  /** Rewards granted to the referrer (base rewards and tier bonuses). */
  rewardCount: number;
  /** Their total cost. */
  rewardCost: number;
}

export const EMPTY_LEDGER: ReferrerLedger = { qualified: 0, rewardCount: 0, rewardCost: 0 };

export type RewardRole = 'REFERRER' | 'REFEREE';

export interface RewardGrant {
  /** Unique per (experiment, earner): the same referral can never grant the same reward twice. */
  rewardId: string;
  role: RewardRole;
  /** The user who gets it. */
  userId: string;
  reward: Reward;
  /** For a tier bonus: the referee count that earned it. */
  tierAt: number | null;
}

export type WithheldReason = 'MAX_REWARDS' | 'MAX_COST';

export interface RewardDecision {
  grants: RewardGrant[];
  /** Referrer rewards the caps held back, with why. */
  withheld: { rewardId: string; reason: WithheldReason }[];
  next: ReferrerLedger;
}

/**
 * Reward ids are built from the referee, so a referral earns each reward at most once whatever
 * the number of events or retries: the ledger item is written with attribute_not_exists on it.
 */
export const rewardIds = {
  referee: (refereeId: string) => `REFEREE#${refereeId}`,
  referrer: (refereeId: string) => `REFERRER#${refereeId}`,
  tier: (at: number) => `TIER#${at}`,
};

// Costs are sums of decimals: compare with a tolerance so that 0.1 + 0.2 is within a 0.3 cap.
const EPSILON = 1e-9;

export function rewardsFor(
  offer: Offer | null,
  trigger: RewardTrigger,
  ledger: ReferrerLedger,
  who: { referrerId: string; refereeId: string },
): RewardDecision {
  if (!offer || offer.trigger !== trigger) return { grants: [], withheld: [], next: ledger };
  const next = { ...ledger, qualified: ledger.qualified + 1 };
  const grants: RewardGrant[] = [];
  const withheld: RewardDecision['withheld'] = [];
  // The friend's reward is what the landing page promised: a referrer's cap never takes it away.
  if (offer.referee) {
    grants.push({ rewardId: rewardIds.referee(who.refereeId), role: 'REFEREE', userId: who.refereeId, reward: offer.referee, tierAt: null });
  }
  const toReferrer = (rewardId: string, reward: Reward, tierAt: number | null) => {
    if (offer.maxRewardsPerReferrer !== null && next.rewardCount + 1 > offer.maxRewardsPerReferrer) {
      withheld.push({ rewardId, reason: 'MAX_REWARDS' });
      return;
    }
    if (offer.maxCostPerReferrer !== null && next.rewardCost + reward.cost > offer.maxCostPerReferrer + EPSILON) {
      withheld.push({ rewardId, reason: 'MAX_COST' });
      return;
    }
    next.rewardCount += 1;
    next.rewardCost += reward.cost;
    grants.push({ rewardId, role: 'REFERRER', userId: who.referrerId, reward, tierAt });
  };
  if (offer.referrer) toReferrer(rewardIds.referrer(who.refereeId), offer.referrer, null);
  for (const tier of offer.tiers) {
    if (tier.at === next.qualified) toReferrer(rewardIds.tier(tier.at), tier.bonus, tier.at);
  }
  return { grants, withheld, next };
}

/** The ledger's state machine: PENDING → FULFILLED | REVOKED; both ends are final. */
export type RewardStatus = 'PENDING' | 'FULFILLED' | 'REVOKED';

export type Transition =
  | { ok: true; status: RewardStatus; changed: boolean }
  | { ok: false; message: string };

/**
 * Applies fulfil or revoke. Repeating the same request (same requestId) is a no-op that answers
 * the same; a different request on a reward already in a final state is refused.
 */
export function transition(
  current: { status: RewardStatus; requestId: string | null },
  to: 'FULFILLED' | 'REVOKED',
  requestId: string,
): Transition {
  if (current.status === 'PENDING') return { ok: true, status: to, changed: true };
  if (current.status === to && current.requestId === requestId) return { ok: true, status: to, changed: false };
  return {
    ok: false,
    message: `the reward is already ${current.status}${current.requestId ? ` (request ${current.requestId})` : ''}: only a PENDING reward can become ${to}`,
  };
}
