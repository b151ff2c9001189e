// The experiment's editable fields, declared once: how each is checked, what createExperiment puts
// in when it is left out, how updateExperiment writes a sent value over the stored one, and why a
// frozen one may not change after start. Which fields are frozen after start and which open a new
// phase is model/experiment-fields.ts (shared with the dashboard). validate.ts, update.ts,
// frozen.ts and phase-rule.ts run over these tables; none of them names a field.
// (The referral fields — offers, goalMetric, fraudRules — are checked by referrals/experiment-fields.ts.)
import { fieldsEditableAfterStart } from '../../../model/experiment-fields.ts';
import {
  checkAttributionWindow,
  checkAutoStop,
  checkCoverage,
  checkCurrency,
  checkDescription,
  checkEndDate,
  checkMinimumDetectableEffect,
  checkName,
  checkSalt,
} from './checks.ts';
import { LIMITS } from './limits.ts';
import { show, type Problems } from './problems.ts';
import { AUTO_STOP_OFF, type CreateOptions, type EditableFields, type Experiment } from './types.ts';
import { checkControl, checkVariants } from './variants.ts';

export type EditableField = keyof EditableFields;

/** The raw (unchecked) value of every field, as sent or merged over the stored experiment. */
export type RawFields = { [K in EditableField]: unknown };

export interface CheckContext {
  p: Problems;
  now: Date;
  /** An endDate must be in the future when it is set or changed (not when an update keeps it). */
  endDateMustBeFuture: boolean;
  /** All raw fields, for the checks that compare fields (the control is one of the variant keys). */
  raw: RawFields;
}

/**
 * How updateExperiment writes a sent value:
 * - `absent-keeps`: left out or null keeps the stored value (a required field);
 * - `null-clears`: left out keeps it, null clears it (a nullable field);
 * - `flags-merge`: the flags sent replace theirs, the others (left out or null) keep their value;
 * - `variants`: the list, with the after-start rule of its fields (update.ts).
 */
export type UpdateWrite = 'absent-keeps' | 'null-clears' | 'flags-merge' | 'variants';

export interface FieldSpec<K extends EditableField> {
  /** Validator and type guard: the normalized value, or undefined (with problems recorded). */
  check(value: unknown, ctx: CheckContext): EditableFields[K] | undefined;
  /** createExperiment: the value of a field left out (or null); without one, as sent. */
  createDefault?: (options: CreateOptions) => EditableFields[K];
  update: UpdateWrite;
  /**
   * Why a frozen field (model/experiment-fields.ts) may not change after start: the message's tail.
   * A sent value equal to the stored one is not a change. Fields without it are compared by
   * frozen.ts field by field (the variants).
   */
  frozenBecause?: (current: Experiment) => string;
}

export const FIELD_SPECS: { [K in EditableField]: FieldSpec<K> } = {
  name: { check: (v, { p }) => checkName(v, p), update: 'absent-keeps' },
  description: { check: (v, { p }) => checkDescription(v, p), update: 'null-clears' },
  variants: { check: (v, { p }) => checkVariants(v, p), update: 'variants' },
  control: {
    check: (v, { p, raw }) => checkControl(v, raw.variants, p),
    update: 'absent-keeps',
    frozenBecause: (c) =>
      `it is ${show(c.control)}, every result is measured against it; stop this experiment and create a new one to use another control`,
  },
  salt: {
    check: (v, { p }) => checkSalt(v, p),
    createDefault: (o) => o.generateSalt(),
    update: 'absent-keeps',
    frozenBecause: () => 'a new salt would move users to other variants; leave it out',
  },
  coverage: { check: (v, { p }) => checkCoverage(v, p), createDefault: () => LIMITS.defaultCoverage, update: 'absent-keeps' },
  attributionWindowDays: {
    check: (v, { p }) => checkAttributionWindow(v, p),
    createDefault: () => LIMITS.defaultAttributionWindowDays,
    update: 'absent-keeps',
    frozenBecause: (c) => `it is ${c.attributionWindowDays} days and conversions already counted used it; leave it out`,
  },
  currency: {
    check: (v, { p }) => checkCurrency(v, p),
    createDefault: () => LIMITS.defaultCurrency,
    update: 'absent-keeps',
    frozenBecause: (c) => `it is ${c.currency} and the revenue already counted is in it; leave it out`,
  },
  minimumDetectableEffect: { check: (v, { p }) => checkMinimumDetectableEffect(v, p), update: 'null-clears' },
  endDate: { check: (v, { p, now, endDateMustBeFuture }) => checkEndDate(v, now, endDateMustBeFuture, p), update: 'null-clears' },
  autoStop: { check: (v, { p }) => checkAutoStop(v, AUTO_STOP_OFF, p), update: 'flags-merge' },
};

/** The editable fields in the order they are checked (the order of the problems listed). */
export const EDITABLE_FIELDS = Object.keys(FIELD_SPECS) as EditableField[];

/** The fields that may change once an experiment has started (RUNNING or PAUSED). */
export const EDITABLE_AFTER_START = fieldsEditableAfterStart();

/**
 * Checks every field (all of them, so that every problem is listed) and returns the checked
 * fields, or undefined when any has a problem.
 */
export function checkFields(raw: RawFields, ctx: Omit<CheckContext, 'raw'>): EditableFields | undefined {
  const out: Partial<Record<EditableField, unknown>> = {};
  let ok = true;
  for (const field of EDITABLE_FIELDS) {
    const value = (FIELD_SPECS[field] as FieldSpec<EditableField>).check(raw[field], { ...ctx, raw });
    if (value === undefined) ok = false;
    out[field] = value;
  }
  return ok && !ctx.p.any ? (out as EditableFields) : undefined;
}
