// Deterministic, sticky assignment. The stored first assignment always wins: weights may change
// while an experiment runs, and a user must never move between variants.
import { assignVariant } from '../domain/bucketing.ts';
import type { Experiment } from '../domain/experiment.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId } from '../shared/args.ts';
import type { MutationAssignArgs } from '../../generated/graphql.ts';
import type { HandlerContext } from '../store/context.ts';
import type { ExperimentStore } from '../store/stores.ts';
import { currentPhase } from '../../model/phases.ts';
import { assignmentItem, enrolledAssignment, notEnrolled, type AssignmentItem, type AssignmentView } from '../../model/assignment.ts';

export type AssignmentResponse = AssignmentView;

/** Experiments change rarely and assign is the hottest path: keep each one for a few seconds. */
export const EXPERIMENT_CACHE_MS = 5_000;
/** Only experiments that exist are cached (callers choose the ids), and at most this many. */
const MAX_CACHED_EXPERIMENTS = 1_000;
const cache = new Map<string, { experiment: Experiment; until: number }>();

async function experimentFor(experiments: ExperimentStore, id: string): Promise<Experiment | null> {
  const hit = cache.get(id);
  if (hit && hit.until > Date.now()) return hit.experiment;
  const experiment = await experiments.get(id, { consistentRead: false });
  if (!experiment) {
    cache.delete(id);
    return null;
  }
  cache.delete(id);
  if (cache.size >= MAX_CACHED_EXPERIMENTS) cache.delete(cache.keys().next().value as string);
  cache.set(id, { experiment, until: Date.now() + EXPERIMENT_CACHE_MS });
  return experiment;
}

export function clearExperimentCache(): void {
  cache.clear();
}

const fromItem = (item: AssignmentItem, experiment: Experiment, isNew: boolean) => enrolledAssignment(item, experiment.variants, isNew);

export async function assign(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<AssignmentResponse> {
  // The generated argument type, filled only through the guards (AppSync's check is not trusted).
  const { experimentId, userId }: MutationAssignArgs = {
    experimentId: requireId(event.arguments, 'experimentId'),
    userId: requireId(event.arguments, 'userId'),
  };
  const experiment = await experimentFor(stores.experiments, experimentId);
  if (!experiment) return notEnrolled(experimentId, userId, 'EXPERIMENT_NOT_FOUND');
  // PAUSED keeps serving stored assignments (the app keeps showing users their strategy) but
  // enrols nobody new; DRAFT and STOPPED serve nothing.
  if (experiment.status !== 'RUNNING' && experiment.status !== 'PAUSED') return notEnrolled(experimentId, userId, 'NOT_RUNNING');

  const stored = await stores.assignments.get(experimentId, userId);
  if (stored) return fromItem(stored, experiment, false);
  if (experiment.status === 'PAUSED') return notEnrolled(experimentId, userId, 'NOT_RUNNING');

  const choice = assignVariant(experiment, userId);
  if (!choice.enrolled) return notEnrolled(experimentId, userId, 'OUTSIDE_COVERAGE', choice.bucket);
  // The assignment records its phase: a phase's analysis counts only the users assigned in it.
  const phase = currentPhase(experiment)?.number ?? 1;
  const item = assignmentItem(experimentId, userId, choice.variantKey, choice.bucket, new Date().toISOString(), phase);
  // First write wins: a concurrent call that lost the race returns what the winner stored.
  if (await stores.assignments.create(item)) return fromItem(item, experiment, true);
  const winner = await stores.assignments.get(experimentId, userId);
  return fromItem(winner!, experiment, false);
}
