// A variant's offer: what the referrer and the referee get, on which trigger, with caps per
// referrer and optional tier bonuses. Pure: validation collects every problem (FieldProblem) so the
// dashboard can show them all at once, like the rest of the experiment's rules.
import type { FieldProblem } from '../errors.ts';

export const REWARD_TRIGGERS = ['SIGNUP', 'FIRST_CONVERSION'] as const;
export type RewardTrigger = (typeof REWARD_TRIGGERS)[number];

/**
 * One reward. Cash: `amount` in `currency` (its cost is the amount). Non-cash (a free month, a
 * t-shirt): `name` and what it costs the business, `cost`. Costs are always in the experiment's
 * currency, because results subtract them from revenue summed in that currency.
 */
export interface Reward {
  /** Cash amount, or null for a named non-cash reward. */
  amount: number | null;
  /** The experiment's currency for cash; null for non-cash. */
  currency: string | null;
  /** Name of a non-cash reward, or null for cash. */
  name: string | null;
  /** What the reward costs, in the experiment's currency (the amount, for cash). */
  cost: number;
}

/** A bonus for the referrer when their `at`-th referee qualifies (triggers the offer). */
export interface RewardTier {
  at: number;
  bonus: Reward;
}

export interface Offer {
  trigger: RewardTrigger;
  /** What the referrer gets per qualifying referee (null: nothing). */
  referrer: Reward | null;
  /** What the friend gets (null: nothing). */
  referee: Reward | null;
  /** At most this many rewards per referrer (base rewards and bonuses together); null: no cap. */
  maxRewardsPerReferrer: number | null;
  /** At most this total cost of rewards per referrer; null: no cap. */
  maxCostPerReferrer: number | null;
  /** Sorted by `at`, each `at` once. */
  tiers: RewardTier[];
}

export const OFFER_LIMITS = {
  maxAmount: 1_000_000,
  nameMaxLength: 100,
  maxTiers: 10,
  maxTierAt: 10_000,
  maxRewardsPerReferrer: 100_000,
} as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const absent = (v: unknown) => v === undefined || v === null;

function money(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= OFFER_LIMITS.maxAmount;
}

/** A reward as sent (RewardInput) → the stored reward, or undefined with problems recorded. */
export function checkReward(value: unknown, field: string, currency: string, problems: FieldProblem[]): Reward | null | undefined {
  if (absent(value)) return null;
  const add = (f: string, message: string) => problems.push({ field: f, message });
  if (!isRecord(value)) {
    add(field, `${field} must be an object: {amount, currency} for cash or {name, cost} for a non-cash reward`);
    return undefined;
  }
  const hasAmount = !absent(value.amount);
  const hasName = !absent(value.name);
  if (hasAmount === hasName) {
    add(field, `${field} needs either amount (cash) or name and cost (non-cash), not ${hasAmount ? 'both' : 'neither'}`);
    return undefined;
  }
  if (hasAmount) {
    const before = problems.length;
    if (!money(value.amount) || value.amount === 0) {
      add(`${field}.amount`, `${field}.amount must be more than 0 and at most ${OFFER_LIMITS.maxAmount} (got ${String(value.amount)})`);
    }
    if (!absent(value.currency) && value.currency !== currency) {
      add(`${field}.currency`, `${field}.currency must be the experiment's currency, ${currency} (got ${String(value.currency)}): reward costs are subtracted from revenue in it`);
    }
    if (!absent(value.cost) && value.cost !== value.amount) {
      add(`${field}.cost`, `${field}.cost must be left out for a cash reward: its cost is its amount`);
    }
    if (problems.length > before) return undefined;
    return { amount: value.amount as number, currency, name: null, cost: value.amount as number };
  }
  const before = problems.length;
  const name = typeof value.name === 'string' ? value.name.trim() : '';
  if (name.length === 0 || name.length > OFFER_LIMITS.nameMaxLength) {
    add(`${field}.name`, `${field}.name must be 1-${OFFER_LIMITS.nameMaxLength} characters, e.g. "1 free month"`);
  }
  if (!money(value.cost)) {
    add(`${field}.cost`, `${field}.cost is required for a non-cash reward: what it costs you in ${currency}, from 0 to ${OFFER_LIMITS.maxAmount}`);
  }
  if (!absent(value.currency)) add(`${field}.currency`, `${field}.currency is only for cash rewards: a non-cash reward's cost is in ${currency}`);
  if (problems.length > before) return undefined;
  return { amount: null, currency: null, name, cost: value.cost as number };
}

function checkCount(value: unknown, field: string, max: number, what: string, problems: FieldProblem[]): number | null | undefined {
  if (absent(value)) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    problems.push({ field, message: `${field} must be a whole number from 1 to ${max} (got ${String(value)}): ${what}` });
    return undefined;
  }
  return value;
}

/** An offer as sent (OfferInput) → the stored offer; null when none was sent. */
export function checkOffer(value: unknown, field: string, currency: string, problems: FieldProblem[]): Offer | null | undefined {
  if (absent(value)) return null;
  if (!isRecord(value)) {
    problems.push({ field, message: `${field} must be an object with trigger, referrer and referee rewards` });
    return undefined;
  }
  const before = problems.length;
  const trigger = absent(value.trigger) ? 'FIRST_CONVERSION' : value.trigger;
  if (!REWARD_TRIGGERS.includes(trigger as RewardTrigger)) {
    problems.push({ field: `${field}.trigger`, message: `${field}.trigger must be SIGNUP or FIRST_CONVERSION (got ${String(trigger)})` });
  }
  const referrer = checkReward(value.referrer, `${field}.referrer`, currency, problems);
  const referee = checkReward(value.referee, `${field}.referee`, currency, problems);
  const maxRewardsPerReferrer = checkCount(value.maxRewardsPerReferrer, `${field}.maxRewardsPerReferrer`, OFFER_LIMITS.maxRewardsPerReferrer, 'the most rewards one referrer can earn', problems);
  let maxCostPerReferrer: number | null | undefined = null;
  if (!absent(value.maxCostPerReferrer)) {
    if (!money(value.maxCostPerReferrer) || value.maxCostPerReferrer === 0) {
      problems.push({ field: `${field}.maxCostPerReferrer`, message: `${field}.maxCostPerReferrer must be more than 0 and at most ${OFFER_LIMITS.maxAmount} ${currency}` });
      maxCostPerReferrer = undefined;
    } else maxCostPerReferrer = value.maxCostPerReferrer;
  }
  const tiers: RewardTier[] = [];
  if (!absent(value.tiers)) {
    if (!Array.isArray(value.tiers) || value.tiers.length > OFFER_LIMITS.maxTiers) {
      problems.push({ field: `${field}.tiers`, message: `${field}.tiers must be a list of at most ${OFFER_LIMITS.maxTiers} {at, bonus}` });
    } else {
      const seen = new Set<number>();
      value.tiers.forEach((t: unknown, i) => {
        const at = `${field}.tiers[${i}]`;
        if (!isRecord(t)) {
          problems.push({ field: at, message: `${at} must be {at, bonus}` });
          return;
        }
        const n = checkCount(t.at, `${at}.at`, OFFER_LIMITS.maxTierAt, 'the referrer gets the bonus when this many of their referees have qualified', problems);
        if (typeof n === 'number' && seen.has(n)) problems.push({ field: `${at}.at`, message: `${at}.at ${n} is used by another tier: one bonus per count` });
        if (typeof n === 'number') seen.add(n);
        const bonus = absent(t.bonus)
          ? (problems.push({ field: `${at}.bonus`, message: `${at}.bonus is required` }), undefined)
          : checkReward(t.bonus, `${at}.bonus`, currency, problems);
        if (typeof n === 'number' && bonus) tiers.push({ at: n, bonus });
      });
    }
  }
  if (problems.length > before || referrer === undefined || referee === undefined || maxRewardsPerReferrer === undefined || maxCostPerReferrer === undefined) {
    return undefined;
  }
  if (!referrer && !referee && tiers.length === 0) {
    problems.push({ field, message: `${field} gives nothing: set a referrer or referee reward (or leave the offer out)` });
    return undefined;
  }
  tiers.sort((a, b) => a.at - b.at);
  return { trigger: trigger as RewardTrigger, referrer, referee, maxRewardsPerReferrer, maxCostPerReferrer, tiers };
}

/** What the offer shows a friend on the landing page (the referee's side only). */
export function refereeView(offer: Offer | null) {
  return offer ? { trigger: offer.trigger, referee: offer.referee } : null;
}

/** The offer of one of an experiment's variants (null: none, or no such variant). */
export function offerOf(experiment: { variants: readonly { key: string }[] }, variant: string | null): Offer | null {
  const v = experiment.variants.find((x) => x.key === variant) as { offer?: Offer | null } | undefined;
  return v?.offer ?? null;
}
