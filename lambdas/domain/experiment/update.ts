// updateExperiment's rules: the version check, the frozen fields once started, and every field
// checked after the sent values are written over the stored ones as fields.ts says.
import { isRecord } from '../../../model/guards.ts';
import { variantFieldsEditableAfterStart } from '../../../model/experiment-fields.ts';
import { ConflictError, FrozenFieldError, InvalidStateError, ValidationError } from '../errors.ts';
import { checkFraudRules, checkGoalMetric, checkOffers } from '../referrals/experiment-fields.ts';
import { withOffers } from './create.ts';
import { parseIsoDateTime } from './dates.ts';
import { checkFields, EDITABLE_FIELDS, FIELD_SPECS, type RawFields, type UpdateWrite } from './fields.ts';
import { frozenProblems } from './frozen.ts';
import { isStarted } from './lifecycle.ts';
import { absent, Problems, show } from './problems.ts';
import { AUTO_STOP_OFF, type Experiment, type UpdateExperimentInput, type UpdateOptions, type Variant } from './types.ts';

/** The sent value written over the stored one, as the field's `update` rule says. */
function written(rule: UpdateWrite, sent: unknown, stored: unknown): unknown {
  switch (rule) {
    case 'absent-keeps':
      return absent(sent) ? stored : sent;
    case 'null-clears':
      return sent === undefined ? stored : sent;
    case 'flags-merge':
      // flags left out keep their value (merged over the stored ones before the check)
      if (isRecord(sent)) {
        return { ...(isRecord(stored) ? stored : AUTO_STOP_OFF), ...Object.fromEntries(Object.entries(sent).filter(([, v]) => !absent(v))) };
      }
      return absent(sent) ? (stored ?? AUTO_STOP_OFF) : sent;
    case 'variants':
      return absent(sent) ? stored : sent;
  }
}

/**
 * The variants to check. In DRAFT as sent; once started, the stored variants with the fields a
 * started experiment may change (model/experiment-fields.ts: the weights) taken from the ones sent,
 * in the order sent so that problems name the caller's indexes (frozen.ts has checked the keys).
 */
function variantsToCheck(current: Experiment, sent: unknown, started: boolean): unknown {
  if (absent(sent) || !started || !Array.isArray(sent)) return written('variants', sent, current.variants);
  const editable = variantFieldsEditableAfterStart();
  return sent.map((v: unknown) => {
    const rec = isRecord(v) ? v : {};
    const stored = current.variants.find((c) => c.key === rec.key)!;
    return { ...stored, ...Object.fromEntries(editable.map((f) => [f, rec[f]])) };
  });
}

/**
 * Checks an updateExperiment input (the target type is UpdateExperimentInput; anything may arrive)
 * against the current experiment and returns the changed experiment (version + 1, updatedAt = now).
 *
 * - STOPPED → InvalidStateError; a version other than the current one → ConflictError.
 * - DRAFT: every field may change.
 * - RUNNING / PAUSED: only the fields model/experiment-fields.ts marks editable after start (name,
 *   description, coverage, endDate, minimumDetectableEffect, autoStop and the variants' weights:
 *   same keys, in any order, matched by key; the stored order is kept; a variant sent without
 *   `config` keeps its config). Changing anything else → FrozenFieldError naming the fields.
 * - Bad values → ValidationError listing every problem. endDate must be in the future only when
 *   it changes.
 */
export function validateUpdate(current: Experiment, input: UpdateExperimentInput | unknown, options: UpdateOptions): Experiment {
  if (!isRecord(input)) {
    throw new ValidationError([{ field: 'input', message: 'input is required: send the id, version and the fields to change' }], 'Cannot update the experiment');
  }
  if (current.status === 'STOPPED') {
    throw new InvalidStateError(
      `experiment ${current.id} is STOPPED: a stopped experiment cannot be changed; create a new experiment instead`,
      current.status,
      [],
    );
  }
  if (typeof input.version !== 'number' || !Number.isInteger(input.version)) {
    throw new ValidationError(
      [
        {
          field: 'version',
          message: `version must be the whole number you read with the experiment (got ${show(input.version)}); the current one is ${current.version}`,
        },
      ],
      'Cannot update the experiment',
    );
  }
  if (input.version !== current.version) {
    throw new ConflictError(current.id, input.version, current.version);
  }

  const started = isStarted(current.status);
  if (started) {
    const frozen = frozenProblems(current, input);
    if (frozen.length > 0) throw new FrozenFieldError(frozen);
  }

  const raw = {} as RawFields;
  for (const field of EDITABLE_FIELDS) raw[field] = written(FIELD_SPECS[field].update, input[field], current[field]);
  raw.variants = variantsToCheck(current, input.variants, started);
  const endDateChanged =
    !absent(input.endDate) &&
    (typeof input.endDate !== 'string' || parseIsoDateTime(input.endDate) !== (current.endDate === null ? undefined : Date.parse(current.endDate)));

  const p = new Problems();
  const fields = checkFields(raw, { p, now: options.now, endDateMustBeFuture: endDateChanged });
  // Offers: in DRAFT as sent (a variant sent without one has none); once started, as they were.
  const offers = started || absent(input.variants)
    ? (fields?.variants ?? []).map((v) => current.variants.find((c) => c.key === v.key)?.offer ?? null)
    : checkOffers(input.variants, typeof raw.currency === 'string' ? raw.currency : current.currency, p.list);
  const goalMetric = absent(input.goalMetric) ? current.goalMetric : checkGoalMetric(input.goalMetric, p.list);
  const fraudRules = absent(input.fraudRules) ? current.fraudRules : checkFraudRules(input.fraudRules, p.list);
  if (fields === undefined || p.any || offers === undefined || goalMetric === undefined || fraudRules === undefined) {
    throw new ValidationError(p.list, 'Cannot update the experiment');
  }
  let variants: Variant[] = withOffers(fields.variants, offers);
  if (started) {
    // Keep the stored order of the variants.
    const byKey = new Map(variants.map((v) => [v.key, v]));
    variants = current.variants.map((v) => byKey.get(v.key)!);
  }
  return {
    ...current,
    ...fields,
    variants,
    goalMetric,
    fraudRules,
    updatedAt: options.now.toISOString(),
    version: current.version + 1,
  };
}
