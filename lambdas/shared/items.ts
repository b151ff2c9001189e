// Keys and item shapes of the single table (README: "Data model"). Every access pattern is a
// GetItem, a Query on a known partition or a conditional write.
import type { Experiment } from '../domain/experiment.ts';
import { DEFAULT_FRAUD_SETTINGS } from '../domain/referrals/fraud.ts';
import { DEFAULT_GOAL_METRIC } from '../domain/referrals/roi.ts';

export const keys = {
  experiment: (id: string) => ({ pk: `EXP#${id}`, sk: 'META' }),
  assignment: (experimentId: string, userId: string) => ({ pk: `EXP#${experimentId}#U#${userId}`, sk: 'ASSIGN' }),
  code: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  attribution: (experimentId: string, refereeId: string) => ({ pk: `EXP#${experimentId}#REF#${refereeId}`, sk: 'ATTR' }),
  event: (experimentId: string, eventId: string) => ({ pk: `EXP#${experimentId}#E#${eventId}`, sk: 'EVT' }),
  aggregate: (experimentId: string, variant: string) => ({ pk: `EXP#${experimentId}`, sk: `AGG#${variant}` }),
};

export function experimentItem(e: Experiment) {
  return {
    ...keys.experiment(e.id),
    entity: 'Experiment',
    gsi1pk: `STATUS#${e.status}`,
    gsi1sk: `${e.createdAt}#${e.id}`,
    ...e,
  };
}

export interface AssignmentItem {
  pk: string;
  sk: 'ASSIGN';
  entity: 'Assignment';
  experimentId: string;
  userId: string;
  variant: string;
  bucket: number;
  assignedAt: string;
  code?: string;
}

const EXPERIMENT_FIELDS = [
  'id', 'name', 'description', 'status', 'variants', 'control', 'salt', 'coverage', 'attributionWindowDays', 'currency',
  'minimumDetectableEffect', 'goalMetric', 'fraudRules', 'endDate', 'startedAt', 'stoppedAt', 'createdAt', 'updatedAt', 'version',
] as const;

export function isExperimentItem(item: Record<string, unknown> | undefined): item is Record<string, unknown> & Experiment {
  return !!item && item.entity === 'Experiment' && typeof item.id === 'string' && Array.isArray(item.variants);
}

export function toExperiment(item: Experiment): Experiment {
  const out: Record<string, unknown> = {};
  for (const f of EXPERIMENT_FIELDS) out[f] = item[f] ?? null;
  out.currency ??= 'USD'; // experiments stored before the field existed
  out.goalMetric ??= DEFAULT_GOAL_METRIC;
  out.fraudRules = { ...DEFAULT_FRAUD_SETTINGS, ...(out.fraudRules as object | null) };
  return out as unknown as Experiment;
}
