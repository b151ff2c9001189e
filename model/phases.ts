// Phases of an experiment (issue 12). Phase 1 begins at the first start; any later change to the
// weights or to the set of variants opens the next phase, recording its start time, weights and
// coverage — like GrowthBook's "new phase" and LaunchDarkly's iterations. Users keep the variant
// they were first given; each assignment records the phase it was made in, and a phase's analysis
// counts only its own users (lambdas/domain/stats/results.ts says why pooling phases is wrong).
//
// A coverage-only change stays in the phase: the weights still say where each arriving user lands,
// so the arms stay comparable and the split SRM tests is unchanged; the phase records the coverage
// it began with. Pause and resume do not open a phase either (nobody's chances change).
// Pure, APPSYNC_JS subset (the experiment projection in model/experiment.ts uses phasesOf).

export interface PhaseWeight {
  key: string;
  weight: number;
}

export interface Phase {
  /** 1, 2, ... */
  number: number;
  startedAt: string;
  /** When the next phase began or the experiment stopped; null while current. */
  endedAt: string | null;
  /** Share of enrolled users per variant (adds up to 1), in the experiment's variant order. */
  weights: PhaseWeight[];
  /** Share of traffic enrolled when the phase began. */
  coverage: number;
}

interface PhasedExperiment {
  variants: { key: string; weight: number }[];
  coverage: number;
  startedAt: string | null;
  stoppedAt?: string | null;
  phases?: Phase[] | null;
}

export function weightsOf(variants: { key: string; weight: number }[]): PhaseWeight[] {
  return variants.map((v) => ({ key: v.key, weight: v.weight }));
}

/** Same variant keys with the same weights (order does not matter). */
export function sameWeights(a: PhaseWeight[], b: PhaseWeight[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => y.key === x.key && y.weight === x.weight));
}

/** A phase's weights as a map from variant key to share. */
export function weightMap(weights: PhaseWeight[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of weights) out[w.key] = w.weight;
  return out;
}

/**
 * The experiment's phases. Experiments started before phases existed have none stored: they get
 * one phase from their start with their current weights.
 */
export function phasesOf(e: PhasedExperiment): Phase[] {
  if (e.phases && e.phases.length > 0) return e.phases.map((p) => ({ ...p, weights: p.weights.map((w) => ({ ...w })) }));
  if (!e.startedAt) return [];
  return [{ number: 1, startedAt: e.startedAt, endedAt: e.stoppedAt ?? null, weights: weightsOf(e.variants), coverage: e.coverage }];
}

/** The current (last) phase, or null before the first start. */
export function currentPhase(e: PhasedExperiment): Phase | null {
  const phases = phasesOf(e);
  return phases.length > 0 ? phases[phases.length - 1]! : null;
}

/** Phase `number`, or the current one when number is undefined/null; null when there is no such phase. */
export function phaseNumbered(e: PhasedExperiment, number?: number | null): Phase | null {
  if (number === undefined || number === null) return currentPhase(e);
  return phasesOf(e).find((p) => p.number === number) ?? null;
}

/** Phases after the first start: phase 1 with the weights and coverage at that moment. */
export function phasesAtFirstStart(e: PhasedExperiment, at: string): Phase[] {
  return [{ number: 1, startedAt: at, endedAt: null, weights: weightsOf(e.variants), coverage: e.coverage }];
}

/**
 * Phases after an update of a started experiment from `before` to `after`: a new phase when the
 * weights or variants changed, otherwise the same phases.
 */
export function phasesAfterUpdate(before: PhasedExperiment, after: PhasedExperiment, at: string): Phase[] {
  const phases = phasesOf(before);
  if (phases.length === 0) return phases; // not started: nothing to record
  const current = phases[phases.length - 1]!;
  if (sameWeights(current.weights, weightsOf(after.variants))) return phases;
  return openNextPhase(before, after, at);
}

/**
 * The current phase ends at `at` and the next begins with `after`'s weights and coverage (the
 * admin Lambda decides when: lambdas/domain/experiment/phase-rule.ts). Unchanged before the first start.
 */
export function openNextPhase(before: PhasedExperiment, after: PhasedExperiment, at: string): Phase[] {
  const phases = phasesOf(before);
  if (phases.length === 0) return phases;
  const current = phases[phases.length - 1]!;
  const weights = weightsOf(after.variants);
  return [...phases.slice(0, -1), { ...current, endedAt: at }, { number: current.number + 1, startedAt: at, endedAt: null, weights, coverage: after.coverage }];
}

/** Phases after a stop: the current one ends. */
export function phasesAtStop(e: PhasedExperiment, at: string): Phase[] {
  const phases = phasesOf(e);
  if (phases.length === 0) return phases;
  const current = phases[phases.length - 1]!;
  return [...phases.slice(0, -1), { ...current, endedAt: current.endedAt ?? at }];
}
