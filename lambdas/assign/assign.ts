// Deterministic, sticky assignment. The stored first assignment always wins: weights may change
// while an experiment runs, and a user must never move between variants.
import { assignVariant } from '../domain/bucketing.ts';
import type { Experiment } from '../domain/experiment.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId } from '../shared/args.ts';
import { isExperimentItem, keys, toExperiment, type AssignmentItem } from '../shared/items.ts';
import { getItem, putItem } from '../shared/table.ts';

export type NotEnrolledReason = 'EXPERIMENT_NOT_FOUND' | 'NOT_RUNNING' | 'OUTSIDE_COVERAGE';

export interface AssignmentResponse {
  experimentId: string;
  userId: string;
  enrolled: boolean;
  variant: string | null;
  config: string | null;
  bucket: number | null;
  isNew: boolean;
  reason: NotEnrolledReason | null;
  assignedAt: string | null;
}

/** Experiments change rarely and assign is the hottest path: keep each one for a few seconds. */
export const EXPERIMENT_CACHE_MS = 5_000;
/** Only experiments that exist are cached (callers choose the ids), and at most this many. */
const MAX_CACHED_EXPERIMENTS = 1_000;
const cache = new Map<string, { experiment: Experiment; until: number }>();

async function experimentFor(id: string): Promise<Experiment | null> {
  const hit = cache.get(id);
  if (hit && hit.until > Date.now()) return hit.experiment;
  const item = await getItem(keys.experiment(id), false);
  if (!isExperimentItem(item)) {
    cache.delete(id);
    return null;
  }
  const experiment = toExperiment(item);
  cache.delete(id);
  if (cache.size >= MAX_CACHED_EXPERIMENTS) cache.delete(cache.keys().next().value as string);
  cache.set(id, { experiment, until: Date.now() + EXPERIMENT_CACHE_MS });
  return experiment;
}

export function clearExperimentCache(): void {
  cache.clear();
}

// The config is read from the (cached) experiment, not stored on the assignment: the assignment
// item also carries the referrer's counters, and every KB on it would cost each counted event
// 2 more write units.
function fromItem(item: AssignmentItem, experiment: Experiment, isNew: boolean): AssignmentResponse {
  return {
    experimentId: item.experimentId,
    userId: item.userId,
    enrolled: true,
    variant: item.variant,
    config: experiment.variants.find((v) => v.key === item.variant)?.config ?? null,
    bucket: item.bucket,
    isNew,
    reason: null,
    assignedAt: item.assignedAt,
  };
}

function notEnrolled(experimentId: string, userId: string, reason: NotEnrolledReason, bucket: number | null = null): AssignmentResponse {
  return { experimentId, userId, enrolled: false, variant: null, config: null, bucket, isNew: false, reason, assignedAt: null };
}

export async function assign(event: AppSyncResolverEvent): Promise<AssignmentResponse> {
  const experimentId = requireId(event.arguments, 'experimentId');
  const userId = requireId(event.arguments, 'userId');
  const experiment = await experimentFor(experimentId);
  if (!experiment) return notEnrolled(experimentId, userId, 'EXPERIMENT_NOT_FOUND');
  if (experiment.status !== 'RUNNING') return notEnrolled(experimentId, userId, 'NOT_RUNNING');

  const key = keys.assignment(experimentId, userId);
  const stored = await getItem(key);
  if (stored) return fromItem(stored as unknown as AssignmentItem, experiment, false);

  const choice = assignVariant(experiment, userId);
  if (!choice.enrolled) return notEnrolled(experimentId, userId, 'OUTSIDE_COVERAGE', choice.bucket);
  const item: AssignmentItem = {
    ...key,
    sk: 'ASSIGN',
    entity: 'Assignment',
    experimentId,
    userId,
    variant: choice.variantKey,
    bucket: choice.bucket,
    assignedAt: new Date().toISOString(),
  };
  // First write wins: a concurrent call that lost the race returns what the winner stored.
  if (await putItem({ ...item }, { expression: 'attribute_not_exists(pk)' })) return fromItem(item, experiment, true);
  const winner = await getItem(key);
  return fromItem(winner as unknown as AssignmentItem, experiment, false);
}
