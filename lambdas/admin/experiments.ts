// Experiment administration. Every change is validated in full before anything is written, and
// written with a condition on the version read, so concurrent edits cannot overwrite each other.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import {
  transition,
  validateCreate,
  validateUpdate,
  type CreateExperimentInput,
  type Experiment,
  type ExperimentAction,
  type UpdateExperimentInput,
} from '../domain/experiment.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId, requireInput } from '../shared/args.ts';
import { experimentItem, isExperimentItem, keys, toExperiment } from '../shared/items.ts';
import { getItem, putItem } from '../shared/table.ts';

async function load(id: string): Promise<Experiment> {
  const item = await getItem(keys.experiment(id));
  if (!isExperimentItem(item)) throw new NotFoundError('Experiment', id);
  return toExperiment(item);
}

/** Writes `next` only if the stored version is still `expectedVersion` (one write unit per KB). */
async function save(next: Experiment, expectedVersion: number): Promise<Experiment> {
  const written = await putItem(experimentItem(next), {
    expression: 'attribute_exists(pk) AND #version = :expected',
    names: { '#version': 'version' },
    values: { ':expected': expectedVersion },
  });
  if (!written) {
    const current = await load(next.id);
    throw new ConflictError(next.id, expectedVersion, current.version);
  }
  return next;
}

export async function createExperiment(event: AppSyncResolverEvent): Promise<Experiment> {
  const input = requireInput(event.arguments) as unknown as CreateExperimentInput;
  const experiment = validateCreate(input, { id: randomUUID(), now: new Date(), generateSalt: () => randomUUID() });
  await putItem(experimentItem(experiment), { expression: 'attribute_not_exists(pk)' });
  return experiment;
}

export async function updateExperiment(event: AppSyncResolverEvent): Promise<Experiment> {
  const input = requireInput(event.arguments) as unknown as UpdateExperimentInput;
  const id = requireId(input as unknown as Record<string, unknown>, 'id');
  const current = await load(id);
  const next = validateUpdate(current, input, { now: new Date() });
  return save(next, current.version);
}

function lifecycle(action: ExperimentAction) {
  return async (event: AppSyncResolverEvent): Promise<Experiment> => {
    const current = await load(requireId(event.arguments, 'id'));
    return save(transition(current, action, new Date()), current.version);
  };
}

/**
 * The scheduled analysis' stop (autoStop): the same rules and write as stopExperiment, but only if
 * the experiment is still RUNNING at the version the analysis read, so that a pause (or any edit)
 * made meanwhile wins and a paused experiment is never stopped by it. Null when it did not stop.
 */
export async function stopIfRunningAt(id: string, expectedVersion: number): Promise<Experiment | null> {
  const current = await load(id);
  if (current.status !== 'RUNNING' || current.version !== expectedVersion) return null;
  try {
    return await save(transition(current, 'stop', new Date()), current.version);
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

export const startExperiment = lifecycle('start');
export const pauseExperiment = lifecycle('pause');
export const stopExperiment = lifecycle('stop');
