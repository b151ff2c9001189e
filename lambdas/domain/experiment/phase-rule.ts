// When an update opens a new phase: a change, after start, of a field model/experiment-fields.ts
// marks `opensPhase` (the weights and the set of variant keys; not the coverage: model/phases.ts
// says why). The phases themselves are model/phases.ts.
import { topLevelFieldsOpeningPhase, variantFieldsOpeningPhase } from '../../../model/experiment-fields.ts';
import { openNextPhase, phasesOf, type Phase } from '../../../model/phases.ts';
import type { Experiment } from './types.ts';

/** The values a new phase depends on; variants sorted by key, since their order does not matter. */
function phaseSignature(e: Experiment): string {
  const top = topLevelFieldsOpeningPhase().map((f) => e[f]);
  const fields = variantFieldsOpeningPhase();
  const variants = [...e.variants]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((v) => fields.map((f) => v[f] ?? null));
  return JSON.stringify([top, variants]);
}

/** Whether the change from `before` to `after` opens a new phase (only a started experiment has phases). */
export function opensNewPhase(before: Experiment, after: Experiment): boolean {
  return phasesOf(before).length > 0 && phaseSignature(before) !== phaseSignature(after);
}

/** The phases after an update: the next phase opened at `at` when the change opens one. */
export function phasesAfterChange(before: Experiment, after: Experiment, at: string): Phase[] {
  return opensNewPhase(before, after) ? openNextPhase(before, after, at) : phasesOf(before);
}
