// The rules of the experiment's editable fields, declared once: which may change in which status and
// which open a new phase when they change after start. The admin Lambda's validation, update and
// phase rule (lambdas/domain/experiment/) and the dashboard's form (which inputs it disables, what
// its notice says) all read this table, so they cannot disagree.
// Pure data, APPSYNC_JS subset (model/ is bundled into resolvers).
import type { ExperimentStatus } from './lifecycle.ts';

export interface FieldRule {
  /** May change while the experiment is RUNNING or PAUSED (in DRAFT every field may; STOPPED none). */
  editableAfterStart: boolean;
  /** A change after start opens the next phase (model/phases.ts): it changes who lands where. */
  opensPhase: boolean;
  /** How a person names it (the dashboard's notice). */
  label: string;
}

/** Top-level fields of createExperiment / updateExperiment, in the order they are checked. */
export const TOP_LEVEL_FIELDS = [
  'name', 'description', 'variants', 'control', 'salt', 'coverage', 'attributionWindowDays', 'currency',
  'minimumDetectableEffect', 'endDate', 'autoStop', 'goalMetric', 'fraudRules',
] as const;
export type TopLevelField = (typeof TOP_LEVEL_FIELDS)[number];

/** A variant's own fields, named `variants[].<field>`. */
export const VARIANT_FIELDS = ['key', 'name', 'weight', 'config', 'offer'] as const;
export type VariantField = (typeof VARIANT_FIELDS)[number];

export type ExperimentField = TopLevelField | `variants[].${VariantField}`;

const editable = (label: string, opensPhase = false): FieldRule => ({ editableAfterStart: true, opensPhase, label });
const frozen = (label: string, opensPhase = false): FieldRule => ({ editableAfterStart: false, opensPhase, label });

/**
 * Coverage stays in the phase on purpose (model/phases.ts says why); pause and resume are not
 * field changes. `variants` as a whole may be sent after start, but only its weights may differ.
 */
export const EXPERIMENT_FIELD_RULES: Record<ExperimentField, FieldRule> = {
  name: editable('name'),
  description: editable('description'),
  variants: editable('variants'),
  'variants[].key': frozen('variant keys', true),
  'variants[].name': frozen('variant names'),
  'variants[].weight': editable('weights', true),
  'variants[].config': frozen('variant configs'),
  'variants[].offer': frozen('offers'),
  control: frozen('control'),
  salt: frozen('salt'),
  coverage: editable('coverage'),
  attributionWindowDays: frozen('attribution window'),
  currency: frozen('currency'),
  minimumDetectableEffect: editable('minimum detectable effect'),
  endDate: editable('end date'),
  autoStop: editable('auto-stop'),
  goalMetric: frozen('goal metric'),
  fraudRules: frozen('fraud rules'),
};

/** Whether `field` may change while the experiment is in `status`. */
export function isEditable(field: ExperimentField, status: ExperimentStatus): boolean {
  if (status === 'STOPPED') return false;
  if (status === 'DRAFT') return true;
  return EXPERIMENT_FIELD_RULES[field].editableAfterStart;
}

/** The fields that may change once started (the `variants` container aside: only its weights may). */
export function fieldsEditableAfterStart(): ExperimentField[] {
  const out: ExperimentField[] = [];
  for (const f of Object.keys(EXPERIMENT_FIELD_RULES) as ExperimentField[]) {
    if (f !== 'variants' && EXPERIMENT_FIELD_RULES[f].editableAfterStart) out.push(f);
  }
  return out;
}

/** The variant fields a running experiment's update may change (the others are kept as stored). */
export function variantFieldsEditableAfterStart(): VariantField[] {
  const out: VariantField[] = [];
  for (const f of VARIANT_FIELDS) {
    if (EXPERIMENT_FIELD_RULES[`variants[].${f}`].editableAfterStart) out.push(f);
  }
  return out;
}

/** The variant fields whose change after start opens a new phase. */
export function variantFieldsOpeningPhase(): VariantField[] {
  const out: VariantField[] = [];
  for (const f of VARIANT_FIELDS) {
    if (EXPERIMENT_FIELD_RULES[`variants[].${f}`].opensPhase) out.push(f);
  }
  return out;
}

/** The top-level fields whose change after start opens a new phase. */
export function topLevelFieldsOpeningPhase(): TopLevelField[] {
  const out: TopLevelField[] = [];
  for (const f of TOP_LEVEL_FIELDS) {
    if (EXPERIMENT_FIELD_RULES[f].opensPhase) out.push(f);
  }
  return out;
}
