// When the scheduled analysis alerts and when it stops an experiment by itself. Pure: the run
// passes the experiment, this run's analysis, the kinds already raised and the time.
import type { Experiment } from '../domain/experiment.ts';
import type { Analysis } from './compute.ts';
import { GUARDRAIL_ALPHA } from './compute.ts';
import type { AlertKind } from './state.ts';

export interface AlertDraft {
  kind: AlertKind;
  message: string;
}

const fmt = (p: number | null) => (p === null ? 'n/a' : p < 0.0001 ? p.toExponential(1) : p.toFixed(4));
const pct = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

function decided(analysis: Analysis) {
  return analysis.snapshot.variants.filter((v) => v.decision !== null && v.decision !== 'KEEP_RUNNING');
}

/** The alerts this run raises: each kind at most once per phase (`raised` holds the phase's). */
export function alertsToRaise(experiment: Experiment, analysis: Analysis, raised: ReadonlySet<AlertKind>, now: Date): AlertDraft[] {
  const { snapshot } = analysis;
  const phase = snapshot.phase;
  const drafts: AlertDraft[] = [];
  const add = (kind: AlertKind, message: string) => {
    if (!raised.has(kind)) drafts.push({ kind, message });
  };
  if (analysis.srmMismatch) {
    const split = snapshot.variants.map((v) => `${v.key} ${v.users}`).join(', ');
    const weights = experiment.variants.map((v) => `${v.key} ${v.weight}`).join(', ');
    add('SRM', `Sample ratio mismatch in phase ${phase}: p = ${fmt(snapshot.srmPValue)} (users ${split}; weights ${weights}). Results are suspect until the cause (assignment, tracking or a filter) is found.`);
  }
  const decisions = decided(analysis);
  if (decisions.length > 0) {
    add('DECISION_REACHED', `Phase ${phase}: ${decisions.map((v) => `${v.key} ${v.decision} (lift ${pct(v.relativeLift)}, always-valid p ${fmt(v.sequentialPValue)})`).join('; ')}.`);
  }
  if (analysis.guardrailBreached.length > 0) {
    const worse = snapshot.variants.filter((v) => analysis.guardrailBreached.includes(v.key));
    add('GUARDRAIL', `Phase ${phase}: ${worse.map((v) => `${v.key} converts worse than the control (lift ${pct(v.relativeLift)}, always-valid p ${fmt(v.sequentialPValue)} < ${GUARDRAIL_ALPHA})`).join('; ')}. Consider pausing it.`);
  }
  if (analysis.sampleSizeReached) {
    add('SAMPLE_SIZE_REACHED', `Phase ${phase}: every variant reached the planned sample size for a ${pct(experiment.minimumDetectableEffect)} effect.`);
  }
  if (experiment.endDate !== null && Date.parse(experiment.endDate) <= now.getTime()) {
    add('END_DATE', `The end date ${experiment.endDate} has passed and the experiment is still running.`);
  }
  return drafts;
}

/** Why the analysis should stop the experiment now, or null. Only RUNNING ones are ever analysed. */
export function autoStopReason(experiment: Experiment, analysis: Analysis, now: Date): string | null {
  if (experiment.status !== 'RUNNING') return null;
  const auto = experiment.autoStop;
  if (auto?.onEndDate && experiment.endDate !== null && Date.parse(experiment.endDate) <= now.getTime()) {
    return `its end date ${experiment.endDate} passed (autoStop.onEndDate)`;
  }
  const treatments = analysis.snapshot.variants.filter((v) => v.decision !== null);
  if (auto?.onDecision && treatments.length > 0 && treatments.every((v) => v.decision !== 'KEEP_RUNNING')) {
    return `every treatment reached a decision: ${treatments.map((v) => `${v.key} ${v.decision}`).join(', ')} (autoStop.onDecision)`;
  }
  return null;
}
