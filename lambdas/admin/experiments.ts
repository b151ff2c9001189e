// Experiment administration. Every change is validated in full before anything is written, and
// written with a condition on the version read, so concurrent edits cannot overwrite each other.
import { storedRunningMinima } from '../analysis/state.ts';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { phasesAfterChange, transition, validateCreate, validateUpdate, type Experiment, type ExperimentAction } from '../domain/experiment.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId, requireInput } from '../shared/args.ts';
import type { HandlerContext } from '../store/context.ts';
import type { ExperimentStore, Stores } from '../store/stores.ts';
import { computeResults } from '../results/results.ts';
import { phasesAtFirstStart, phasesAtStop, phasesOf } from '../../model/phases.ts';

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
  // The domain checks every field of the input (target type: CreateExperimentInput) from unknown.
  const input = requireInput(event.arguments);
  // No phase before the first start.
  const experiment = { ...validateCreate(input, { id: randomUUID(), now: new Date(), generateSalt: () => randomUUID() }), phases: [] };
  await stores.experiments.create(experiment);
  return experiment;
}

export async function updateExperiment(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<Experiment> {
  // The domain checks every field of the input (target type: UpdateExperimentInput) from unknown.
  const input = requireInput(event.arguments);
  const id = requireId(input, 'id');
  const current = await load(stores.experiments, id);
  const next = validateUpdate(current, input, { now: new Date() });
  // A change after start of a field that opens a phase (model/experiment-fields.ts) opens the next one.
  return save(stores.experiments, { ...next, phases: phasesAfterChange(current, next, next.updatedAt) }, current.version);
}

function lifecycle(action: ExperimentAction) {
  return async (event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<Experiment> => {
    const current = await load(stores.experiments, requireId(event.arguments, 'id'));
    const next = transition(current, action, new Date());
    // The first start opens phase 1 (a resume keeps the phases).
    const phases = current.startedAt === null && next.startedAt !== null ? phasesAtFirstStart(next, next.startedAt) : current.phases;
    return save(stores.experiments, { ...next, phases }, current.version);
  };
}

/**
 * The scheduled analysis' stop (autoStop): the same rules and write as stopExperiment, but only if
 * the experiment is still RUNNING at the version the analysis read, so that a pause (or any edit)
 * made meanwhile wins and a paused experiment is never stopped by it. Null when it did not stop.
 */
export async function stopIfRunningAt(stores: Stores, id: string, expectedVersion: number): Promise<Experiment | null> {
  const current = await stores.experiments.get(id);
  if (!current || current.status !== 'RUNNING' || current.version !== expectedVersion) return null;
  try {
    // the same frozen readout as stopExperiment
    return await stopWithFinalReadout(stores, current, new Date());
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

export const startExperiment = lifecycle('start');
export const pauseExperiment = lifecycle('pause');

/**
 * Stops the experiment and freezes its readout: the results of every phase, computed from the
 * totals at this moment, are stored with the STOPPED experiment in one transaction; `results`
 * returns them from then on (final: true). Events arriving later are still recorded and counted
 * in the totals, but do not change the readout the team acted on.
 */
export async function stopWithFinalReadout(stores: Stores, current: Experiment, now: Date): Promise<Experiment> {
  const stopped = transition(current, 'stop', now);
  const next = { ...stopped, phases: phasesAtStop(current, stopped.stoppedAt ?? stopped.updatedAt) };
  const partition = await stores.totals.readPartition(current.id);
  const readouts = phasesOf(next).map((p) => ({
    phase: p.number,
    readout: computeResults(
      partition ? { ...partition, experiment: next } : { experiment: next, totals: new Map(), readouts: new Map(), updatedAt: next.updatedAt },
      // the scheduled analysis' running minima belong to the current (last) phase
      partition && p.number === phasesOf(current).length ? storedRunningMinima(partition) : {},
      p.number,
      true,
    ),
  }));
  if (!(await stores.experiments.replaceWithReadouts(next, current.version, readouts))) {
    const latest = await load(stores.experiments, current.id);
    throw new ConflictError(current.id, current.version, latest.version);
  }
  return next;
}

export async function stopExperiment(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<Experiment> {
  const current = await load(stores.experiments, requireId(event.arguments, 'id'));
  return stopWithFinalReadout(stores, current, new Date());
}
