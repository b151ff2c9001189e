// Return on a referral offer, per variant: reward cost per enrolled user and net revenue per
// enrolled user (revenue − reward cost), from the per-variant sums and sums of squares the
// aggregator keeps. An enrolled user's reward cost is every reward their referrals earned (theirs
// and their friends'), so net revenue per user is what a variant's strategy returns after paying it.
//
// The always-valid decision for a mean metric is the same normal-mixture mSPRT as for the rate
// (msprt.ts), on θ̂ = meanB − meanA with V = sA²/nA + sB²/nB. The mixing scale τ is relative to the
// pooled standard deviation (τ = 0.1·s): a difference of means has no natural baseline to be
// relative to (net revenue may be near 0 or negative), and with V ≈ 2s²/n this puts the test's
// sharpest point, r = τ²/V ≈ 8.2, at n ≈ 1,640 users per arm, as for the rate's default.
import { holmAdjust } from '../stats/holm.ts';
import { msprtLogLikelihoodRatio, pValueFromLogLikelihoodRatio, sequentialPValue } from '../stats/msprt.ts';
import { varianceOf, type MomentSums } from '../stats/welch.ts';

export const GOAL_METRICS = ['CONVERTING_REFERRER_RATE', 'NET_REVENUE_PER_USER'] as const;
export type GoalMetric = (typeof GOAL_METRICS)[number];
export const DEFAULT_GOAL_METRIC: GoalMetric = 'CONVERTING_REFERRER_RATE';

export const DEFAULT_MEAN_EFFECT_SCALE = 0.1;

export interface RoiTotals {
  exposures: number;
  revenue: number;
  rewardCost: number;
  rewardCostSumSq: number;
  netRevenue: number;
  netRevenueSumSq: number;
}

/** The two ROI metrics as `analyze` metric inputs (name, per-variant users/sum/sumSquares). */
export function roiMetricInputs(variants: { key: string; totals: RoiTotals }[]) {
  return [
    { name: 'rewardCostPerUser', variants: variants.map(({ key, totals: t }) => ({ key, users: t.exposures, sum: t.rewardCost, sumSquares: t.rewardCostSumSq })) },
    { name: 'netRevenuePerUser', variants: variants.map(({ key, totals: t }) => ({ key, users: t.exposures, sum: t.netRevenue, sumSquares: t.netRevenueSumSq })) },
  ];
}

/**
 * The per-user deltas of one referrer's counters going from (revenue0, cost0) to (revenue1, cost1):
 * what the aggregator adds to the variant's ROI sums. Exact, like the other sums of squares.
 */
export function roiDelta(before: { revenue: number; rewardCost: number }, after: { revenue: number; rewardCost: number }) {
  const net0 = before.revenue - before.rewardCost;
  const net1 = after.revenue - after.rewardCost;
  return {
    rewardCost: after.rewardCost - before.rewardCost,
    rewardCostSumSq: after.rewardCost ** 2 - before.rewardCost ** 2,
    netRevenue: net1 - net0,
    netRevenueSumSq: net1 ** 2 - net0 ** 2,
  };
}

/** Always-valid p-value of H0: equal means, carrying the running minimum of earlier looks. */
export function sequentialMeanPValue(
  control: MomentSums,
  variant: MomentSums,
  options: { relativeEffectScale?: number; previousPValue?: number | null } = {},
): number | null {
  const previous = options.previousPValue ?? null;
  const carry = (p: number | null) => (previous === null ? p : p === null ? previous : Math.min(previous, p));
  const vA = varianceOf(control);
  const vB = varianceOf(variant);
  if (vA === null || vB === null) return carry(null);
  const v = vA / control.users + vB / variant.users;
  const pooledVariance = ((control.users - 1) * vA + (variant.users - 1) * vB) / (control.users + variant.users - 2);
  const tau2 = (options.relativeEffectScale ?? DEFAULT_MEAN_EFFECT_SCALE) ** 2 * pooledVariance;
  const thetaHat = variant.sum / variant.users - control.sum / control.users;
  const logLambda = msprtLogLikelihoodRatio(thetaHat, v, tau2);
  return carry(logLambda === null ? null : Math.min(1, pValueFromLogLikelihoodRatio(logLambda)));
}

export type GoalDecision = 'TREATMENT_BETTER' | 'TREATMENT_WORSE' | 'KEEP_RUNNING';

export interface GoalArm {
  key: string;
  users: number;
  /** Users with at least one converting referee (the rate goal). */
  convertingReferrers: number;
  netRevenue: number;
  netRevenueSumSq: number;
}

export interface GoalComparison {
  metric: GoalMetric;
  /** Treatment minus control on the goal metric. */
  difference: number | null;
  /** Always-valid p-value of this look, Holm-adjusted across the treatments. */
  sequentialPValue: number | null;
  decision: GoalDecision;
}

/**
 * The always-valid decision on the experiment's goal, per treatment: mSPRT on the rate (msprt.ts)
 * or on the difference of mean net revenue per user (above), Holm across treatments, decided when
 * the adjusted p-value is below alpha, in the direction of the observed difference.
 */
export function goalComparisons(metric: GoalMetric, control: GoalArm, treatments: GoalArm[], alpha = 0.05): Map<string, GoalComparison> {
  const rate = (a: GoalArm) => (a.users > 0 ? a.convertingReferrers / a.users : null);
  const mean = (a: GoalArm) => (a.users > 0 ? a.netRevenue / a.users : null);
  const raw = treatments.map((t) =>
    metric === 'NET_REVENUE_PER_USER'
      ? sequentialMeanPValue({ users: control.users, sum: control.netRevenue, sumSquares: control.netRevenueSumSq }, { users: t.users, sum: t.netRevenue, sumSquares: t.netRevenueSumSq })
      : sequentialPValue(control.convertingReferrers, control.users, t.convertingReferrers, t.users),
  );
  const adjusted = holmAdjust(raw);
  const out = new Map<string, GoalComparison>();
  treatments.forEach((t, i) => {
    const of = metric === 'NET_REVENUE_PER_USER' ? mean : rate;
    const a = of(control);
    const b = of(t);
    const difference = a === null || b === null ? null : b - a;
    const p = adjusted[i] ?? null;
    const decision: GoalDecision = p !== null && p < alpha && difference !== null && difference !== 0 ? (difference > 0 ? 'TREATMENT_BETTER' : 'TREATMENT_WORSE') : 'KEEP_RUNNING';
    out.set(t.key, { metric, difference, sequentialPValue: p, decision });
  });
  return out;
}
