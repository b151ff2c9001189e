// The experiment's referral fields: each variant's offer, the goal metric and the fraud rules'
// thresholds. Validated with the rest of the experiment (problems named by field) and frozen once
// it has started, like its variants' configs: users already saw the offer.
import type { FieldProblem } from '../errors.ts';
import { DEFAULT_FRAUD_SETTINGS, type FraudSettings } from './fraud.ts';
import { checkOffer, type Offer } from './offer.ts';
import { DEFAULT_GOAL_METRIC, GOAL_METRICS, type GoalMetric } from './roi.ts';

export interface ReferralFields {
  /** One per variant, in the variants' order (null: no offer). */
  offers: (Offer | null)[];
  goalMetric: GoalMetric;
  fraudRules: FraudSettings;
}

const FRAUD_LIMITS: Record<keyof FraudSettings, [number, number, string]> = {
  clockSkewSeconds: [0, 86_400, 'how far clocks may disagree, in seconds'],
  maxEventAgeDays: [1, 365, 'events dated longer ago are refused'],
  maxSignupsPerReferrerPerWindow: [1, 100_000, 'counted signups per referrer per window'],
  velocityWindowHours: [1, 24 * 30, 'the velocity window, in hours'],
  maxRefereesFromReferrerIp: [0, 10_000, "referees allowed from the referrer's own IP"],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkFraudRules(value: unknown, problems: FieldProblem[], base: FraudSettings = DEFAULT_FRAUD_SETTINGS): FraudSettings | undefined {
  if (value === undefined || value === null) return { ...base };
  if (!isRecord(value)) {
    problems.push({ field: 'fraudRules', message: 'fraudRules must be an object of thresholds (docs/referrals.md)' });
    return undefined;
  }
  const out = { ...base };
  let ok = true;
  for (const [name, [min, max, what]] of Object.entries(FRAUD_LIMITS) as [keyof FraudSettings, [number, number, string]][]) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({ field: `fraudRules.${name}`, message: `fraudRules.${name} must be a whole number from ${min} to ${max} (got ${String(v)}): ${what}` });
      ok = false;
    } else out[name] = v;
  }
  return ok ? out : undefined;
}

export function checkGoalMetric(value: unknown, problems: FieldProblem[]): GoalMetric | undefined {
  if (value === undefined || value === null) return DEFAULT_GOAL_METRIC;
  if (!GOAL_METRICS.includes(value as GoalMetric)) {
    problems.push({ field: 'goalMetric', message: `goalMetric must be ${GOAL_METRICS.join(' or ')} (got ${String(value)})` });
    return undefined;
  }
  return value as GoalMetric;
}

/** The offers of the variants as sent (`variants[i].offer`), checked against the experiment's currency. */
export function checkOffers(variants: unknown, currency: string, problems: FieldProblem[]): (Offer | null)[] | undefined {
  if (!Array.isArray(variants)) return [];
  let ok = true;
  const offers = variants.map((v: unknown, i) => {
    const offer = checkOffer(isRecord(v) ? v.offer : undefined, `variants[${i}].offer`, currency, problems);
    if (offer === undefined) ok = false;
    return offer ?? null;
  });
  return ok ? offers : undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Frozen-field problems of the referral fields in an update to a started experiment. A variant sent
 * without `offer` keeps its offer (a weights-only change need not echo it back); goalMetric and
 * fraudRules sent with their current values are not changes.
 */
export function frozenReferralProblems(
  current: { status: string; variants: { key: string; offer?: Offer | null }[]; goalMetric?: GoalMetric; fraudRules?: FraudSettings | null },
  input: { variants?: unknown; goalMetric?: unknown; fraudRules?: unknown },
  currency: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const since = `cannot change after the experiment started (it is ${current.status})`;
  if (Array.isArray(input.variants)) {
    input.variants.forEach((v: unknown, i) => {
      if (!isRecord(v) || v.offer === undefined) return;
      const was = current.variants.find((c) => c.key === v.key);
      if (!was) return;
      const scratch: FieldProblem[] = [];
      const sent = checkOffer(v.offer, `variants[${i}].offer`, currency, scratch);
      if (scratch.length || !same(sent, was.offer)) {
        problems.push({
          field: `variants[${i}].offer`,
          message: `variants[${i}].offer (variant ${String(v.key)}) ${since}: referrers were already promised it; start a new phase (new variants) to test another offer`,
        });
      }
    });
  }
  if (input.goalMetric !== undefined && input.goalMetric !== null && input.goalMetric !== (current.goalMetric ?? DEFAULT_GOAL_METRIC)) {
    problems.push({ field: 'goalMetric', message: `goalMetric ${since}: the decision is taken on ${current.goalMetric ?? DEFAULT_GOAL_METRIC}; changing it after peeking would void the test` });
  }
  if (input.fraudRules !== undefined && input.fraudRules !== null) {
    const scratch: FieldProblem[] = [];
    const sent = checkFraudRules(input.fraudRules, scratch, current.fraudRules ?? DEFAULT_FRAUD_SETTINGS);
    if (scratch.length || !same(sent, current.fraudRules ?? DEFAULT_FRAUD_SETTINGS)) {
      problems.push({ field: 'fraudRules', message: `fraudRules ${since}: events already counted were judged by them` });
    }
  }
  return problems;
}
