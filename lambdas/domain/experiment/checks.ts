// Checks of the experiment's single-valued fields: each takes the raw value, records problems, and
// returns the normalized value (undefined when the value is unusable).
import { isRecord } from '../../../model/guards.ts';
import { parseIsoDateTime } from './dates.ts';
import { LIMITS } from './limits.ts';
import { charCount, show, type Problems } from './problems.ts';
import type { AutoStop } from './types.ts';

export function checkName(value: unknown, p: Problems): string | undefined {
  const what = `give the experiment a name of 1–${LIMITS.nameMaxLength} characters`;
  if (typeof value !== 'string') {
    p.add('name', `name is required: ${what}`);
    return undefined;
  }
  const name = value.trim();
  if (name.length === 0) {
    p.add('name', `name is empty: ${what}`);
    return undefined;
  }
  const n = charCount(name);
  if (n > LIMITS.nameMaxLength) {
    p.add('name', `name is ${n} characters long: shorten it to at most ${LIMITS.nameMaxLength}`);
    return undefined;
  }
  return name;
}

export function checkDescription(value: unknown, p: Problems): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    p.add('description', `description must be text (got ${show(value)}): send a string, or null for none`);
    return undefined;
  }
  const description = value.trim();
  const n = charCount(description);
  if (n > LIMITS.descriptionMaxLength) {
    p.add(
      'description',
      `description is ${n} characters long: shorten it to at most ${LIMITS.descriptionMaxLength}`,
    );
    return undefined;
  }
  return description.length === 0 ? null : description;
}

export function checkSalt(value: unknown, p: Problems): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.saltMaxLength) {
    const got = typeof value === 'string' ? `${value.length} characters` : show(value);
    p.add(
      'salt',
      `salt must be 1–${LIMITS.saltMaxLength} characters (got ${got}): send a shorter one, or leave it out to get a random one`,
    );
    return undefined;
  }
  return value;
}

export function checkCoverage(value: unknown, p: Problems): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    p.add(
      'coverage',
      `coverage must be more than 0 and at most 1 (got ${show(value)}): it is the share of users enrolled, e.g. 1 for everyone or 0.5 for half`,
    );
    return undefined;
  }
  return value;
}

export function checkAttributionWindow(value: unknown, p: Problems): number | undefined {
  const { minAttributionWindowDays: min, maxAttributionWindowDays: max } = LIMITS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    p.add(
      'attributionWindowDays',
      `attributionWindowDays must be a whole number of days from ${min} to ${max} (got ${show(value)}): conversions later than this after the signup are not counted`,
    );
    return undefined;
  }
  return value;
}

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function checkCurrency(value: unknown, p: Problems): string | undefined {
  if (typeof value !== 'string' || !CURRENCY_PATTERN.test(value)) {
    p.add('currency', `currency must be an ISO 4217 code such as USD or EUR (got ${show(value)}): conversion values are summed in it`);
    return undefined;
  }
  return value;
}

export function checkMinimumDetectableEffect(value: unknown, p: Problems): number | null | undefined {
  if (value === undefined || value === null) return null;
  const max = LIMITS.maxMinimumDetectableEffect;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    p.add(
      'minimumDetectableEffect',
      `minimumDetectableEffect must be more than 0 and at most ${max} (got ${show(value)}): it is the relative lift to detect, e.g. 0.1 for 10%`,
    );
    return undefined;
  }
  return value;
}

export function checkEndDate(value: unknown, now: Date, mustBeFuture: boolean, p: Problems): string | null | undefined {
  if (value === undefined || value === null) return null;
  const t = typeof value === 'string' ? parseIsoDateTime(value) : undefined;
  if (t === undefined) {
    p.add(
      'endDate',
      `endDate ${show(value)} is not an ISO 8601 date-time with a time zone: send e.g. 2030-01-31T00:00:00Z, or null for none`,
    );
    return undefined;
  }
  const iso = new Date(t).toISOString();
  if (mustBeFuture && t <= now.getTime()) {
    p.add('endDate', `endDate ${iso} is not in the future (now is ${now.toISOString()}): choose a later date, or null for none`);
    return undefined;
  }
  return iso;
}

/** The auto-stop flags of `value` over `base`: each flag absent or null keeps base's. */
export function checkAutoStop(value: unknown, base: AutoStop, p: Problems): AutoStop | undefined {
  if (value === undefined || value === null) return base;
  if (!isRecord(value)) {
    p.add('autoStop', `autoStop must be an object such as { onDecision: true, onEndDate: false }, got ${show(value)}`);
    return undefined;
  }
  const out = { ...base };
  let ok = true;
  for (const flag of ['onDecision', 'onEndDate'] as const) {
    const v = value[flag];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') {
      p.add(`autoStop.${flag}`, `autoStop.${flag} must be true or false, got ${show(v)}`);
      ok = false;
    } else out[flag] = v;
  }
  return ok ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
