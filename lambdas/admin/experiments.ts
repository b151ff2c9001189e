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
import type { HandlerContext } from '../store/context.ts';
import type { ExperimentStore } from '../store/stores.ts';

async function load(experiments: ExperimentStore, id: string): Promise<Experiment> {
  const experiment = await experiments.get(id);
  if (!experiment) throw new NotFoundError('Experiment', id);
  return experiment;
}

/** Writes `next` only if the stored version is still `expectedVersion`. */
async function save(experiments: ExperimentStore, next: Experiment, expectedVersion: number): Promise<Experiment> {
  if (!(await experiments.replace(next, expectedVersion))) {
    const current = await load(experiments, next.id);
    throw new ConflictError(next.id, expectedVersion, current.version);
  }
  return next;
}

export async function createExperiment(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<Experiment> {
  const input = requireInput(event.arguments) as unknown as CreateExperimentInput;
  const experiment = validateCreate(input, { id: randomUUID(), now: new Date(), generateSalt: () => randomUUID() });
  await stores.experiments.create(experiment);
  return experiment;
}

export async function updateExperiment(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<Experiment> {
  const input = requireInput(event.arguments) as unknown as UpdateExperimentInput;
  const id = requireId(input as unknown as Record<string, unknown>, 'id');
  const current = await load(stores.experiments, id);
  const next = validateUpdate(current, input, { now: new Date() });
  return save(stores.experiments, next, current.version);
}

function lifecycle(action: ExperimentAction) {
  return async (event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<Experiment> => {
    const current = await load(stores.experiments, requireId(event.arguments, 'id'));
    return save(stores.experiments, transition(current, action, new Date()), current.version);
  };
}

export const startExperiment = lifecycle('start');
export const pauseExperiment = lifecycle('pause');
export const stopExperiment = lifecycle('stop');
