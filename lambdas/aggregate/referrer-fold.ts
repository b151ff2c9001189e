// What a counted referral event does to its referrer's counters item and the reward ledger, applied
// by the stream aggregator (issue 16). The events Lambda writes only the event item (1 WCU) and
// answers; the aggregator, the single ordered writer of this state, folds each batch's events into
// one update per referrer (conditioned on the `frev` it read, so two shards touching one referrer
// cannot both apply) and the reward items they earn. Caps and tiers are decided here, in stream
// order, from the ledger state as committed: they stay exact under any concurrency.
import { velocity } from '../domain/referrals/fraud.ts';
import { offerOf } from '../domain/referrals/offer.ts';
import { settingsOf } from '../domain/referrals/plan.ts';
import { REFERRER_FIELDS as F } from '../domain/referrals/referrer-state.ts';
import { rewardsFor, type RewardGrant } from '../domain/referrals/rewards.ts';
import type { Experiment } from '../domain/experiment.ts';
import { keys } from '../../model/keys.ts';

/** Counts the aggregator's own writes of a counters item: a MODIFY that moves it was folded when it was written. */
export const FOLD_REV = 'frev';

/** A counted event the aggregator applies to its referrer (new-style event items carry `agg: 1`). */
export interface CountedEvent {
  eventId: string;
  kind: 'INVITE' | 'CLICK' | 'SIGNUP' | 'CONVERSION';
  experimentId: string;
  referrerId: string;
  refereeId: string | null;
  variant: string;
  value: number;
  /** A conversion that is its referee's first (decided by the events Lambda's conditional put). */
  first: boolean;
  /** A signup from the referrer's IP (the shared-IP count moves). */
  sharesIp: boolean;
  deviceHash: string | null;
  ipHash: string | null;
  recordedAt: string;
}

const KINDS = new Set(['INVITE', 'CLICK', 'SIGNUP', 'CONVERSION']);
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The counted event an inserted item is, or null (rejected, legacy, not an event). */
export function countedEventOf(image: Record<string, unknown> | undefined): CountedEvent | null {
  if (!image || image.entity !== 'Event' || image.agg !== 1 || image.outcome !== 'COUNTED' || !KINDS.has(image.kind as string)) return null;
  const experimentId = str(image.experimentId);
  const referrerId = str(image.referrerId);
  const variant = str(image.variant);
  // Items at their eventId's key (EXP#<id>#E#<eventId>) do not repeat it; those at a referee's key carry it.
  const pk = str(image.pk) ?? '';
  const eventId = str(image.eventId) ?? (pk.includes('#E#') ? pk.slice(pk.indexOf('#E#') + 3) : null);
  if (!experimentId || !referrerId || !variant || !eventId) return null;
  // Items at the referee's key (a signup, a first conversion) do not repeat the referee.
  const refereeId = str(image.refereeId) ?? (pk.includes('#REF#') ? pk.slice(pk.indexOf('#REF#') + 5) : null);
  return {
    eventId, kind: image.kind as CountedEvent['kind'], experimentId, referrerId, refereeId, variant,
    value: num(image.value), first: image.first === true, sharesIp: image.sharesIp === true,
    deviceHash: str(image.deviceHash), ipHash: str(image.ipHash), recordedAt: str(image.recordedAt) ?? new Date(0).toISOString(),
  };
}

/** Applies one event to a working copy of the referrer's item; returns the rewards it earned. */
export function applyEvent(item: Record<string, unknown>, event: CountedEvent, experiment: Experiment | null): RewardGrant[] {
  const add = (field: string, by: number) => {
    item[field] = num(item[field]) + by;
  };
  const offer = experiment ? offerOf(experiment, event.variant) : null;
  let trigger: 'SIGNUP' | 'FIRST_CONVERSION' | null = null;
  switch (event.kind) {
    case 'INVITE':
      add('invites', 1);
      if (event.deviceHash) item[F.deviceHash] = event.deviceHash;
      if (event.ipHash) item[F.ipHash] = event.ipHash;
      break;
    case 'CLICK':
      add('clicks', 1);
      break;
    case 'SIGNUP': {
      add('signups', 1);
      if (event.sharesIp) add(F.refereesFromIp, 1);
      const fraudRules = (experiment as (Experiment & { fraudRules?: Record<string, number> }) | null)?.fraudRules ?? null;
      // The window the signup counts in, from the time it was recorded (the same on every redelivery).
      const next = velocity({ windowStart: num(item[F.velocityWindow]), count: num(item[F.velocityCount]) }, new Date(event.recordedAt), settingsOf({ fraudRules })).next;
      item[F.velocityWindow] = next.windowStart;
      item[F.velocityCount] = next.count;
      trigger = 'SIGNUP';
      break;
    }
    case 'CONVERSION':
      add('conversions', 1);
      add('revenue', event.value);
      if (event.first) trigger = 'FIRST_CONVERSION';
      break;
  }
  if (!trigger || !event.refereeId) return [];
  const ledger = { qualified: num(item[F.qualified]), rewardCount: num(item[F.rewardCount]), rewardCost: num(item[F.referrerRewardCost]) };
  const decision = rewardsFor(offer, trigger, ledger, { referrerId: event.referrerId, refereeId: event.refereeId });
  if (decision.next === ledger) return [];
  item[F.qualified] = decision.next.qualified;
  item[F.rewardCount] = decision.next.rewardCount;
  item[F.referrerRewardCost] = decision.next.rewardCost;
  const cost = decision.grants.reduce((s, g) => s + g.reward.cost, 0);
  if (cost !== 0) add(F.rewardCost, cost);
  return decision.grants;
}

/** The fields the aggregator may change on a counters item (written as absolute values). */
export const FOLDED_FIELDS = [
  'invites', 'clicks', 'signups', 'conversions', 'revenue',
  F.deviceHash, F.ipHash, F.refereesFromIp, F.velocityWindow, F.velocityCount,
  F.qualified, F.rewardCount, F.referrerRewardCost, F.rewardCost,
] as const;

/** A reward ledger item, PENDING, as the aggregator puts it (attribute_not_exists). */
export function rewardItem(event: CountedEvent, grant: RewardGrant, now: string): Record<string, unknown> {
  return {
    ...keys.reward(grant.userId, event.experimentId, grant.rewardId),
    entity: 'Reward',
    rewardId: grant.rewardId,
    experimentId: event.experimentId,
    userId: grant.userId,
    role: grant.role,
    variant: event.variant,
    amount: grant.reward.amount ?? undefined,
    currency: grant.reward.currency ?? undefined,
    name: grant.reward.name ?? undefined,
    cost: grant.reward.cost,
    status: 'PENDING',
    referrerId: event.referrerId,
    refereeId: event.refereeId ?? undefined,
    tierAt: grant.tierAt ?? undefined,
    eventId: event.eventId,
    createdAt: now,
    updatedAt: now,
  };
}
