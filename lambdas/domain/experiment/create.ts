// createExperiment's rules: defaults for the fields left out, every field checked.
import { isRecord } from '../../../model/guards.ts';
import { ValidationError } from '../errors.ts';
import { checkFraudRules, checkGoalMetric, checkOffers } from '../referrals/experiment-fields.ts';
import { checkFields, EDITABLE_FIELDS, FIELD_SPECS, type FieldSpec, type EditableField, type RawFields } from './fields.ts';
import { LIMITS } from './limits.ts';
import { absent, Problems } from './problems.ts';
import type { CreateExperimentInput, CreateOptions, Experiment, Variant } from './types.ts';
import type { Offer } from '../referrals/offer.ts';

/** Only variants with an offer carry the field, so experiments without offers look as before. */
export function withOffers(variants: Variant[], offers: (Offer | null)[]): Variant[] {
  return variants.map(({ offer: _, ...v }, i) => (offers[i] ? { ...v, offer: offers[i] } : v));
}

/**
 * Checks a createExperiment input (the target type is CreateExperimentInput; anything may arrive)
 * and returns the new DRAFT experiment (version 1). Throws ValidationError listing every problem.
 */
export function validateCreate(input: CreateExperimentInput | unknown, options: CreateOptions): Experiment {
  if (!isRecord(input)) {
    throw new ValidationError([{ field: 'input', message: 'input is required: send the experiment to create' }], 'Cannot create the experiment');
  }
  const raw = {} as RawFields;
  for (const field of EDITABLE_FIELDS) {
    const spec = FIELD_SPECS[field] as FieldSpec<EditableField>;
    raw[field] = spec.createDefault && absent(input[field]) ? spec.createDefault(options) : input[field];
  }
  const p = new Problems();
  const fields = checkFields(raw, { p, now: options.now, endDateMustBeFuture: true });
  const offers = checkOffers(input.variants, typeof raw.currency === 'string' ? raw.currency : LIMITS.defaultCurrency, p.list);
  const goalMetric = checkGoalMetric(input.goalMetric, p.list);
  const fraudRules = checkFraudRules(input.fraudRules, p.list);
  if (fields === undefined || p.any || offers === undefined || goalMetric === undefined || fraudRules === undefined) {
    throw new ValidationError(p.list, 'Cannot create the experiment');
  }
  const now = options.now.toISOString();
  return {
    id: options.id,
    ...fields,
    variants: withOffers(fields.variants, offers),
    goalMetric,
    fraudRules,
    status: 'DRAFT',
    startedAt: null,
    stoppedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}
