// Items of the scheduled analysis (README "Data model"; keys in model/keys.ts):
//   EXP#<id>        / ANALYSIS           its state: phase, running minima, raised alerts, last run
//                                         (in the experiment's partition: the one Query reads it)
//   EXP#<id>#SNAP   / P#<phase>#<time>   one results snapshot per run; a history is one Query
//   EXP#<id>#ALERT  / P#<phase>#<kind>   an alert; the key makes it once per experiment/phase/kind
import type { Experiment } from '../domain/experiment.ts';
import type { ExperimentPartition } from '../store/stores.ts';

export const ALERT_KINDS = ['SRM', 'DECISION_REACHED', 'GUARDRAIL', 'SAMPLE_SIZE_REACHED', 'END_DATE', 'AUTO_STOPPED'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AnalysisState {
  pk: string;
  sk: string;
  entity: 'AnalysisState';
  experimentId: string;
  phase: number;
  /** Per treatment key: the smallest always-valid p-value seen in this phase. */
  minSequentialPValue: Record<string, number | null>;
  /** Kinds already raised in this phase. */
  alerts: AlertKind[];
  lastRunAt: string;
  snapshots: number;
}

export interface Alert {
  id: string;
  experimentId: string;
  phase: number;
  kind: AlertKind;
  message: string;
  createdAt: string;
}

/** The experiment's current phase, numbered from 1 (experiments without phases have only phase 1). */
export function currentPhase(experiment: Experiment): number {
  const phases = (experiment as { phases?: unknown }).phases;
  return Array.isArray(phases) && phases.length > 0 ? phases.length : 1;
}


export const alertId = (experimentId: string, phase: number, kind: AlertKind) => `${experimentId}:${phase}:${kind}`;

/** The stored state if it belongs to the experiment's current phase (a new phase starts afresh). */
export function stateOf(partition: ExperimentPartition): AnalysisState | undefined {
  const raw = partition.analysis as AnalysisState | undefined;
  if (!raw || raw.entity !== 'AnalysisState') return undefined;
  return raw.phase === currentPhase(partition.experiment) ? raw : undefined;
}

/** Per variant: the running minimum of the always-valid p-value stored by the scheduled analysis. */
export function storedRunningMinima(partition: ExperimentPartition): Record<string, number | null> {
  return stateOf(partition)?.minSequentialPValue ?? {};
}
