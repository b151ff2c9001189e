// computePhaseResults: the whole readout of one phase of an experiment, from that phase's totals. Pure:
// the results resolver, the frozen readout at stop and the scheduled analysis (which stores the
// running minimum of the always-valid p-value between looks) all call it.
//
// Per-phase analysis. A phase is a stretch of the experiment with fixed weights (a change of weights
// or variants after start opens the next one). Its analysis counts only the users assigned in it and
// the referral events they brought, and tests the split against *that phase's* weights. Pooling
// phases would compare users who arrived at different times in different proportions (a ramp from
// 10% to 50% makes an A/A test show a −40% "lift") and test the split against weights that did not
// hold for most of the users.
//
// Pieces: analyze.ts (rates, lifts, fixed-horizon z-test, chance to beat, SRM, Welch metrics),
// decision.ts (always-valid decision per treatment, Holm, sequential plan), funnel.ts.
// The primary metric is the share of enrolled users who brought at least one converting referee.
import { analyze } from './analyze.ts';
import { decide, type Decision, type SequentialPlan } from './decision.ts';
import type { Interval } from './finite.ts';
import { funnel, type FunnelOutput, type FunnelTotals } from './funnel.ts';
import { requiredSampleSizePerVariant } from './sampleSize.ts';
import type { MetricOutput, SrmOutput, StatsInput, StatsMetricInput, VsControlOutput } from './types.ts';

export const DEFAULT_ALPHA = 0.05;

export interface PhaseInfo {
  /** 1, 2, ... */
  number: number;
  startedAt: string | null;
  /** Set once the next phase opened (or the experiment stopped). */
  endedAt?: string | null;
  /** Share of enrolled users per variant key during this phase (adds up to 1). */
  weights: Record<string, number>;
  /** Share of traffic enrolled at the start of the phase. */
  coverage?: number | null;
}

export interface VariantTotals extends FunnelTotals {
  key: string;
  /** Users who brought at least one converting referee (the primary metric's successes). */
  convertingReferrers: number;
  invitesSumSq: number;
  conversionsSumSq: number;
  revenueSumSq: number;
}

export interface ResultsInput {
  experimentId: string;
  control: string;
  alpha?: number;
  minimumDetectableEffect?: number | null;
  phase: PhaseInfo;
  /** This phase's totals per variant; variants of the phase with no totals count as zero. */
  variants: VariantTotals[];
  /** The stored running minimum of each treatment's always-valid p-value (by key), if any. */
  previousSequentialPValues?: Record<string, number | null>;
  /** True for the frozen readout of a stopped experiment. */
  final?: boolean;
  /** More per-user metrics (Welch) after the built-in three, e.g. the referral ROI metrics. */
  extraMetrics?: StatsMetricInput[];
  computedAt: string;
}

export interface ComparisonOutput extends VsControlOutput {
  decision: Decision;
  decisionReason: string;
  sequentialPValueAdjusted: number | null;
  alwaysValidCi: Interval | null;
}

export interface VariantResultOutput {
  key: string;
  users: number;
  conversions: number;
  rate: number | null;
  rateCi: Interval | null;
  funnel: FunnelOutput;
  vsControl: ComparisonOutput | null;
}

export interface SampleSizeOutput {
  minimumDetectableEffect: number;
  /** Users per variant the sequential (always-valid) design needs: what progress measures. */
  requiredUsersPerVariant: number | null;
  /** Users per variant a single fixed-horizon look would need (for information). */
  fixedHorizonUsersPerVariant: number | null;
  smallestVariantUsers: number;
  progress: number | null;
}

export interface ResultsOutput {
  experimentId: string;
  phase: number;
  final: boolean;
  control: string;
  alpha: number;
  srm: SrmOutput;
  variants: VariantResultOutput[];
  metrics: MetricOutput[];
  sampleSize: SampleSizeOutput | null;
  computedAt: string;
}

const zero = (key: string): VariantTotals => ({
  key, exposures: 0, referrers: 0, invites: 0, clicks: 0, signups: 0, conversions: 0, revenue: 0,
  convertingReferrers: 0, invitesSumSq: 0, conversionsSumSq: 0, revenueSumSq: 0,
});

/** The phase's variants (the keys of its weights, control first is not required) with their totals. */
export function phaseVariants(input: Pick<ResultsInput, 'phase' | 'variants'>): VariantTotals[] {
  return Object.keys(input.phase.weights).map((key) => input.variants.find((v) => v.key === key) ?? zero(key));
}

/** The statistics engine's input for one phase: its users, its successes, its weights. */
export function phaseStatsInput(input: ResultsInput): StatsInput {
  const variants = phaseVariants(input);
  const metric = (name: string, sum: 'invites' | 'conversions' | 'revenue', sumSquares: 'invitesSumSq' | 'conversionsSumSq' | 'revenueSumSq') => ({
    name,
    variants: variants.map((v) => ({ key: v.key, users: v.exposures, sum: v[sum], sumSquares: v[sumSquares] })),
  });
  return {
    alpha: input.alpha ?? DEFAULT_ALPHA,
    control: input.control,
    expectedSplit: { ...input.phase.weights },
    variants: variants.map((v) => ({ key: v.key, users: v.exposures, conversions: v.convertingReferrers })),
    metrics: [
      metric('invitesPerUser', 'invites', 'invitesSumSq'),
      metric('conversionsPerUser', 'conversions', 'conversionsSumSq'),
      metric('revenuePerUser', 'revenue', 'revenueSumSq'),
      ...(input.extraMetrics ?? []),
    ],
  };
}

/** The readout of one phase. Throws StatsInputError for inconsistent totals (e.g. conversions > users). */
export function computePhaseResults(input: ResultsInput): ResultsOutput {
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const variants = phaseVariants(input);
  const stats = analyze(phaseStatsInput(input));
  const control = variants.find((v) => v.key === input.control);
  const treatments = variants.filter((v) => v.key !== input.control);
  const arm = (v: VariantTotals) => ({ key: v.key, users: v.exposures, conversions: v.convertingReferrers });
  const decisions = decide({
    alpha,
    relativeMde: input.minimumDetectableEffect ?? null,
    control: control ? arm(control) : { key: input.control, users: 0, conversions: 0 },
    treatments: treatments.map((t) => ({ ...arm(t), previousSequentialPValue: input.previousSequentialPValues?.[t.key] ?? null })),
  });
  const byKey = new Map(decisions.treatments.map((d) => [d.key, d]));

  const output: VariantResultOutput[] = stats.variants.map((v) => {
    const d = byKey.get(v.key);
    const totals = variants.find((t) => t.key === v.key)!;
    return {
      ...v,
      funnel: funnel(totals, alpha),
      vsControl:
        v.vsControl && d
          ? {
              ...v.vsControl,
              sequentialPValue: d.sequentialPValue,
              sequentialPValueAdjusted: d.sequentialPValueAdjusted,
              alwaysValidCi: d.alwaysValidCi,
              significant: d.significant,
              decision: d.decision,
              decisionReason: d.decisionReason,
            }
          : null,
    };
  });
  return {
    experimentId: input.experimentId,
    phase: input.phase.number,
    final: input.final ?? false,
    control: input.control,
    alpha,
    srm: stats.srm,
    variants: output,
    metrics: stats.metrics,
    sampleSize: sampleSizeOf(decisions.plan, control, alpha),
    computedAt: input.computedAt,
  };
}

function sampleSizeOf(plan: SequentialPlan, control: VariantTotals | undefined, alpha: number): SampleSizeOutput | null {
  if (plan.relativeMde === null) return null;
  const baseline = control && control.exposures > 0 ? control.convertingReferrers / control.exposures : null;
  return {
    minimumDetectableEffect: plan.relativeMde,
    requiredUsersPerVariant: plan.requiredUsersPerVariant,
    fixedHorizonUsersPerVariant: baseline ? requiredSampleSizePerVariant({ baselineRate: baseline, relativeMde: plan.relativeMde, alpha }) : null,
    smallestVariantUsers: plan.smallestVariantUsers,
    progress: plan.progress,
  };
}
