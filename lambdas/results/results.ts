// results(experimentId, phase): one Query of the experiment's partition (its META item, its
// totals per (phase, variant) and, once stopped, its frozen readouts), then pure statistics
// (computePhaseResults in lambdas/domain/stats/results.ts). The cost does not depend on how many
// events exist.
import { NotFoundError } from '../domain/errors.ts';
import { computePhaseResults, type ResultsOutput } from '../domain/stats/results.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId } from '../shared/args.ts';
import { readExperimentPartition, totalsOf, type ExperimentPartition } from '../shared/partition.ts';

export const ALPHA = 0.05;

export async function getResults(event: AppSyncResolverEvent) {
  const experimentId = requireId(event.arguments, 'experimentId');
  const partition = await readExperimentPartition(experimentId);
  if (!partition) throw new NotFoundError('Experiment', experimentId);
  return computeResults(partition);
}

/**
 * The results of one phase of an experiment's partition, with no I/O. `previousSequentialPValues`
 * (per treatment key) carries the stored running minimum of the always-valid p-value.
 */
export function computeResults(partition: ExperimentPartition, previousSequentialPValues: Record<string, number | null> = {}, phase = 1): ResultsOutput {
  const { experiment } = partition;
  return computePhaseResults({
    experimentId: experiment.id,
    control: experiment.control,
    alpha: ALPHA,
    minimumDetectableEffect: experiment.minimumDetectableEffect,
    phase: { number: phase, startedAt: experiment.startedAt, weights: Object.fromEntries(experiment.variants.map((v) => [v.key, v.weight])), coverage: experiment.coverage },
    variants: experiment.variants.map((v) => ({ key: v.key, ...totalsOf(partition, v.key) })),
    previousSequentialPValues,
    computedAt: new Date().toISOString(),
  });
}
