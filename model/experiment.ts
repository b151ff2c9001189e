// The experiment item and its one projection. Every read path (the admin, assign, events and
// results Lambdas and the Query.experiment / Query.experiments resolvers) turns a stored item into
// the API's Experiment here, so an item stored before a field existed reads the same everywhere.
// APPSYNC_JS subset (bundled into resolvers, linted by @aws-appsync/eslint-plugin).
import { keys } from './keys.ts';
import { phasesOf } from './phases.ts';

export const EXPERIMENT_ENTITY = 'Experiment';

/** The API fields of an experiment, in schema order. */
export const EXPERIMENT_FIELDS = [
  'id', 'name', 'description', 'status', 'variants', 'control', 'salt', 'coverage', 'attributionWindowDays', 'currency',
  'minimumDetectableEffect', 'goalMetric', 'fraudRules', 'endDate', 'autoStop', 'startedAt', 'stoppedAt', 'createdAt', 'updatedAt', 'version', 'phases',
] as const;

/** Defaults for fields added after experiments were first stored. */
export const EXPERIMENT_DEFAULTS = { currency: 'USD', goalMetric: 'CONVERTING_REFERRER_RATE' };

export type StoredItem = Record<string, unknown>;

/**
 * What the model needs of an experiment to store it. The full type is the domain's `Experiment`
 * (lambdas/domain/experiment.ts); model/ may not import it (it is bundled into resolvers), so the
 * functions below are generic and callers name it.
 */
export interface ExperimentKeyFields {
  id: string;
  status: string;
  createdAt: string;
}

export function isExperimentItem<E extends ExperimentKeyFields = ExperimentKeyFields>(
  item: StoredItem | null | undefined,
): item is StoredItem & E {
  return !!item && item.entity === EXPERIMENT_ENTITY && typeof item.id === 'string' && Array.isArray(item.variants);
}

/** The stored item as the API's Experiment: known fields only, missing ones null or defaulted. */
export function experimentFromItem<E extends ExperimentKeyFields = ExperimentKeyFields>(item: StoredItem): E {
  const out: StoredItem = {};
  for (const f of EXPERIMENT_FIELDS) out[f] = item[f] ?? null;
  if (out.currency === null) out.currency = EXPERIMENT_DEFAULTS.currency;
  if (out.goalMetric === null) out.goalMetric = EXPERIMENT_DEFAULTS.goalMetric;
  // Experiments started before phases existed read as one phase from their start.
  out.phases = phasesOf(item as unknown as Parameters<typeof phasesOf>[0]);
  if (out.autoStop === null) out.autoStop = { onDecision: false, onEndDate: false };
  return out as unknown as E;
}

/** The item that stores an experiment, with its gsi1 keys (experiments by status, newest first). */
export function experimentItem(e: ExperimentKeyFields): StoredItem {
  return {
    ...keys.experiment(e.id),
    entity: EXPERIMENT_ENTITY,
    gsi1pk: keys.experimentsByStatus(e.status),
    gsi1sk: `${e.createdAt}#${e.id}`,
    ...e,
  };
}
