// The experiment: its model, the rules for creating and changing one, and its lifecycle.
// Pure functions: time, ids and salts are passed in; nothing here reads a clock, a random source,
// the environment or a table. Errors are the named classes of errors.ts.
// The code lives in experiment/, one file per concern; this file is the entry callers import:
//   types.ts       the Experiment, its inputs (target types: generated/graphql.ts) and options
//   fields.ts      the editable fields, declared once: check, create default, update write, frozen reason
//                  (which are frozen after start and which open a phase: model/experiment-fields.ts)
//   checks.ts, variants.ts, dates.ts, limits.ts, problems.ts   the field checks and their limits
//   create.ts, update.ts, frozen.ts   createExperiment and updateExperiment
//   phase-rule.ts  when an update opens a new phase
//   lifecycle.ts   start, pause, stop
export * from './experiment/types.ts';
export { LIMITS } from './experiment/limits.ts';
export { parseIsoDateTime } from './experiment/dates.ts';
export { EDITABLE_AFTER_START, EDITABLE_FIELDS, FIELD_SPECS } from './experiment/fields.ts';
export { validateCreate } from './experiment/create.ts';
export { validateUpdate } from './experiment/update.ts';
export { opensNewPhase, phasesAfterChange } from './experiment/phase-rule.ts';
export { allowedActions, isStarted, transition, type ExperimentAction } from './experiment/lifecycle.ts';
