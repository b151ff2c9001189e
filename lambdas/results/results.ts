// results(experimentId, phase): one Query of the experiment's partition (its META item, its totals
// per (phase, variant) and, once stopped, its frozen readouts), then pure statistics
// (computePhaseResults in lambdas/domain/stats/results.ts). The cost does not depend on how many
// events exist. A stopped experiment answers with the readout stored at stop (final: true).
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { computePhaseResults, type ResultsOutput } from '../domain/stats/results.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId } from '../shared/args.ts';
import { offerOf } from '../domain/referrals/offer.ts';
import { DEFAULT_GOAL_METRIC, goalComparisons, roiMetricInputs } from '../domain/referrals/roi.ts';
import type { HandlerContext } from '../store/context.ts';
import { totalsOf, type ExperimentPartition } from '../store/stores.ts';
import { currentPhase, phaseNumbered, phasesOf, weightMap } from '../../model/phases.ts';
import { storedRunningMinima } from '../analysis/state.ts';

export const ALPHA = 0.05;

function requestedPhase(args: Record<string, unknown>): number | undefined {
  const phase = args.phase;
  if (phase === undefined || phase === null) return undefined;
  if (typeof phase !== 'number' || !Number.isInteger(phase) || phase < 1) {
    throw new ValidationError([{ field: 'phase', message: `phase must be a whole number from 1 (got ${JSON.stringify(phase)}); omit it for the current phase` }]);
  }
  return phase;
}

export async function getResults(event: AppSyncResolverEvent, { stores }: HandlerContext) {
  const experimentId = requireId(event.arguments, 'experimentId');
  const phase = requestedPhase(event.arguments);
  const partition = await stores.totals.readPartition(experimentId);
  if (!partition) throw new NotFoundError('Experiment', experimentId);
  const number = phase ?? currentPhase(partition.experiment)?.number ?? 1;
  if (phase !== undefined && !phaseNumbered(partition.experiment, phase)) {
    const count = phasesOf(partition.experiment).length;
    throw new NotFoundError('Phase', `${phase} of experiment ${experimentId} (${count === 0 ? 'it has not started, so it has no phase yet' : `it has phases 1 to ${count}`})`);
  }
  const frozen = partition.readouts.get(number);
  if (frozen) return frozen;
  // The always-valid p-value is min(stored running minimum of the scheduled looks, this look);
  // the scheduled analysis keeps its minima for the current phase only.
  const current = currentPhase(partition.experiment)?.number ?? 1;
  return computeResults(partition, number === current ? storedRunningMinima(partition) : {}, number);
}

/**
 * The results of one phase (default: the current one) of an experiment's partition, with no I/O.
 * `previousSequentialPValues` (per treatment key) carries the stored running minimum of the
 * always-valid p-value for that phase.
 */
export function computeResults(partition: ExperimentPartition, previousSequentialPValues: Record<string, number | null> = {}, phase?: number, final = false) {
  const { experiment } = partition;
  // Before the first start there is no phase yet: the draft's weights stand in for phase 1.
  const p = phaseNumbered(experiment, phase) ?? { number: phase ?? 1, startedAt: null, endedAt: null, weights: experiment.variants.map((v) => ({ key: v.key, weight: v.weight })), coverage: experiment.coverage };
  const of = (key: string) => totalsOf(partition, key, p.number);
  const keys = p.weights.map((w) => w.key);
  const results = computePhaseResults({
    experimentId: experiment.id,
    control: experiment.control,
    alpha: ALPHA,
    minimumDetectableEffect: experiment.minimumDetectableEffect,
    phase: { number: p.number, startedAt: p.startedAt, endedAt: p.endedAt, weights: weightMap(p.weights), coverage: p.coverage },
    variants: keys.map((key) => ({ key, ...of(key) })),
    previousSequentialPValues,
    final,
    extraMetrics: roiMetricInputs(keys.map((key) => ({ key, totals: of(key) }))),
    computedAt: new Date().toISOString(),
  });
  return withReferrals(results, partition, p.number);
}

/** What a results readout adds for referrals (issue 14), from the same phase's totals: reward cost
 * and net revenue in the funnel, fraud rejections, each variant's offer and the goal-metric decision. */
export type ReferralResultsOutput = ReturnType<typeof withReferrals>;

function withReferrals(results: ResultsOutput, partition: ExperimentPartition, phase: number) {
  const { experiment } = partition;
  const of = (key: string) => totalsOf(partition, key, phase);
  const goalMetric = experiment.goalMetric ?? DEFAULT_GOAL_METRIC;
  const arm = (key: string) => ({ key, users: of(key).exposures, convertingReferrers: of(key).convertingReferrers, netRevenue: of(key).netRevenue, netRevenueSumSq: of(key).netRevenueSumSq });
  const goals = goalComparisons(
    goalMetric,
    arm(experiment.control),
    results.variants.filter((v) => v.key !== experiment.control).map((v) => arm(v.key)),
    ALPHA,
  );
  return {
    ...results,
    variants: results.variants.map((v) => ({
      ...v,
      funnel: { ...v.funnel, rewardCost: of(v.key).rewardCost, netRevenue: of(v.key).netRevenue },
      rejectedAsFraud: of(v.key).rejectedAsFraud,
      offer: offerOf(experiment, v.key),
      goal: goals.get(v.key) ?? null,
    })),
    goalMetric,
    rejectedAsFraud: results.variants.reduce((s, v) => s + of(v.key).rejectedAsFraud, 0),
  };
}
