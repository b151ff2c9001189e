// The experiment: its model, the rules for creating and changing one, and its lifecycle.
// Pure functions: time, ids and salts are passed in; nothing here reads a clock, a random source,
// the environment or a table. Errors are the named classes of errors.ts.
import {
  ConflictError,
  FrozenFieldError,
  InvalidStateError,
  ValidationError,
  type FieldProblem,
} from './errors.ts';
import { checkFraudRules, checkGoalMetric, checkOffers, frozenReferralProblems } from './referrals/experiment-fields.ts';
import type { FraudSettings } from './referrals/fraud.ts';
import type { Offer } from './referrals/offer.ts';
import type { GoalMetric } from './referrals/roi.ts';
import type { Phase } from '../../model/phases.ts';
import { isRecord } from '../../model/guards.ts';
import { allowedActions, nextStatus, type ExperimentAction } from '../../model/lifecycle.ts';

export const EXPERIMENT_STATUSES = ['DRAFT', 'RUNNING', 'PAUSED', 'STOPPED'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface Variant {
  /** 1–64 letters, digits, `_` or `-`; unique within the experiment. */
  key: string;
  name: string;
  /** Share of enrolled users, 0..1; the weights of an experiment add up to 1. */
  weight: number;
  /** The strategy's parameters as compact JSON text, or null. */
  config: string | null;
  /** What the referrer and the referee get (referrals/offer.ts); null: no offer. */
  offer?: Offer | null;
}

export interface Experiment {
  id: string;
  name: string;
  description: string | null;
  status: ExperimentStatus;
  variants: Variant[];
  /** Key of the control variant. */
  control: string;
  salt: string;
  /** Share of users enrolled, in (0, 1]. */
  coverage: number;
  attributionWindowDays: number;
  /** ISO 4217 code every conversion value of the experiment is in (revenue is summed in it). */
  currency: string;
  minimumDetectableEffect: number | null;
  /** The metric the always-valid decision is taken on. */
  goalMetric: GoalMetric;
  /** Thresholds of the fraud rules (referrals/fraud.ts); null for experiments stored before they existed (the defaults apply). */
  fraudRules: FraudSettings | null;
  /** ISO 8601 (UTC, as `Date.prototype.toISOString` writes it). */
  endDate: string | null;
  /** What the scheduled analysis may stop the experiment for (both off by default; never a paused one). */
  autoStop: AutoStop;
  startedAt: string | null;
  stoppedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-locking version: 1 when created, +1 on every change. */
  version: number;
  /** Numbered from 1 (model/phases.ts); the read projection always fills it (none before the first start). */
  phases?: Phase[];
}

export interface AutoStop {
  onDecision: boolean;
  onEndDate: boolean;
}

export const AUTO_STOP_OFF: AutoStop = { onDecision: false, onEndDate: false };

/**
 * A variant as the API receives it. `config` is AWSJSON: JSON text, or (AppSync parses AWSJSON
 * arguments before they reach a resolver) the already-parsed value.
 */
export interface VariantInput {
  key: string;
  name: string;
  weight: number;
  config?: unknown;
  offer?: unknown;
}

export interface CreateExperimentInput {
  name: string;
  description?: string | null;
  variants: VariantInput[];
  control: string;
  /** Defaults to a value from `CreateOptions.generateSalt`. */
  salt?: string | null;
  /** Defaults to 1. */
  coverage?: number | null;
  /** Defaults to 30. */
  attributionWindowDays?: number | null;
  /** Defaults to USD. */
  currency?: string | null;
  minimumDetectableEffect?: number | null;
  goalMetric?: string | null;
  fraudRules?: Record<string, unknown> | null;
  endDate?: string | null;
  /** Defaults to both off; an absent (or null) flag is off. */
  autoStop?: { onDecision?: boolean | null; onEndDate?: boolean | null } | null;
}

/**
 * Absent (or null) leaves a field as it is; for the nullable fields (description,
 * minimumDetectableEffect, endDate) null clears it.
 */
export interface UpdateExperimentInput {
  id: string;
  version: number;
  name?: string | null;
  description?: string | null;
  variants?: VariantInput[] | null;
  control?: string | null;
  salt?: string | null;
  coverage?: number | null;
  attributionWindowDays?: number | null;
  currency?: string | null;
  minimumDetectableEffect?: number | null;
  goalMetric?: string | null;
  fraudRules?: Record<string, unknown> | null;
  endDate?: string | null;
  /** An absent (or null) flag keeps its value. */
  autoStop?: { onDecision?: boolean | null; onEndDate?: boolean | null } | null;
}

export interface CreateOptions {
  /** The new experiment's id (the caller makes it, e.g. crypto.randomUUID()). */
  id: string;
  now: Date;
  /** Makes a salt when the input has none, e.g. `() => crypto.randomUUID()`. */
  generateSalt: () => string;
}

export interface UpdateOptions {
  now: Date;
}

export const LIMITS = {
  minVariants: 2,
  maxVariants: 10,
  keyMaxLength: 64,
  nameMaxLength: 200,
  variantNameMaxLength: 200,
  descriptionMaxLength: 2000,
  configMaxBytes: 4096,
  saltMaxLength: 64,
  minAttributionWindowDays: 1,
  maxAttributionWindowDays: 90,
  defaultAttributionWindowDays: 30,
  defaultCurrency: 'USD',
  defaultCoverage: 1,
  maxMinimumDetectableEffect: 10,
  /** Weights must add up to 1 within this. */
  weightTolerance: 1e-9,
} as const;

const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The fields that may change once an experiment has started (RUNNING or PAUSED). */
export const EDITABLE_AFTER_START = [
  'name',
  'description',
  'variants[].weight',
  'coverage',
  'endDate',
  'minimumDetectableEffect',
  'autoStop',
] as const;

// ---------------------------------------------------------------------------------------------
// Field rules. Each takes the raw value, records problems, and returns the normalized value
// (undefined when the value is unusable).

class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
  get any(): boolean {
    return this.list.length > 0;
  }
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(Number(value.toPrecision(12)));
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Length in characters (code points), as a person counts them. */
function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

function checkName(value: unknown, p: Problems): string | undefined {
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

function checkDescription(value: unknown, p: Problems): string | null | undefined {
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

/** AWSJSON text or an already-parsed value → compact JSON text (null for none). */
function normalizeConfig(value: unknown, field: string, p: Problems): string | null | undefined {
  if (value === undefined || value === null) return null;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      p.add(
        field,
        `${field} is not valid JSON (${(e as Error).message}): send JSON text such as {"rewardUsd": 5}, or null for none`,
      );
      return undefined;
    }
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(parsed);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    p.add(field, `${field} cannot be written as JSON: send JSON text such as {"rewardUsd": 5}, or null for none`);
    return undefined;
  }
  if (text === 'null') return null;
  const bytes = utf8Bytes(text);
  if (bytes > LIMITS.configMaxBytes) {
    p.add(
      field,
      `${field} is ${bytes} bytes of JSON (UTF-8): the limit is ${LIMITS.configMaxBytes} bytes; keep only the strategy's parameters here`,
    );
    return undefined;
  }
  return text;
}

function checkKey(value: unknown, field: string, p: Problems): string | undefined {
  const what = `give each variant a key of 1–${LIMITS.keyMaxLength} letters, digits, _ or -`;
  if (typeof value !== 'string' || value.length === 0) {
    p.add(field, `${field} is ${typeof value === 'string' ? 'empty' : 'missing'}: ${what}`);
    return undefined;
  }
  if (value.length > LIMITS.keyMaxLength) {
    p.add(field, `${field} is ${value.length} characters long: shorten it to at most ${LIMITS.keyMaxLength}`);
    return undefined;
  }
  if (!KEY_PATTERN.test(value)) {
    p.add(field, `${field} ${show(value)} has characters other than letters, digits, _ and -: ${what}`);
    return undefined;
  }
  return value;
}

function checkVariantName(value: unknown, field: string, p: Problems): string | undefined {
  const what = `give the variant a name of 1–${LIMITS.variantNameMaxLength} characters`;
  if (typeof value !== 'string') {
    p.add(field, `${field} is required: ${what}`);
    return undefined;
  }
  const name = value.trim();
  if (name.length === 0) {
    p.add(field, `${field} is empty: ${what}`);
    return undefined;
  }
  const n = charCount(name);
  if (n > LIMITS.variantNameMaxLength) {
    p.add(field, `${field} is ${n} characters long: shorten it to at most ${LIMITS.variantNameMaxLength}`);
    return undefined;
  }
  return name;
}

function checkWeight(value: unknown, field: string, p: Problems): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    p.add(field, `${field} must be a number from 0 to 1 (got ${show(value)}): it is the variant's share of enrolled users`);
    return undefined;
  }
  return value;
}

function checkVariants(value: unknown, p: Problems): Variant[] | undefined {
  const range = `${LIMITS.minVariants} to ${LIMITS.maxVariants}`;
  if (!Array.isArray(value)) {
    p.add('variants', `variants is required: give ${range} variants, a control and the alternatives to test`);
    return undefined;
  }
  if (value.length < LIMITS.minVariants) {
    p.add(
      'variants',
      `variants has ${value.length} variant${value.length === 1 ? '' : 's'}: an experiment needs ${range} (a control and at least one alternative)`,
    );
    return undefined;
  }
  if (value.length > LIMITS.maxVariants) {
    p.add('variants', `variants has ${value.length} variants: remove some, at most ${LIMITS.maxVariants} are allowed`);
    return undefined;
  }
  const variants: Variant[] = [];
  const firstIndexOfKey = new Map<string, number>();
  let ok = true;
  value.forEach((raw: unknown, i) => {
    const at = `variants[${i}]`;
    if (!isRecord(raw)) {
      p.add(at, `${at} must be an object with key, name, weight and optional config`);
      ok = false;
      return;
    }
    const key = checkKey(raw.key, `${at}.key`, p);
    if (key !== undefined) {
      const first = firstIndexOfKey.get(key);
      if (first !== undefined) {
        p.add(`${at}.key`, `${at}.key ${show(key)} is already used by variants[${first}]: give each variant its own key`);
        ok = false;
      } else {
        firstIndexOfKey.set(key, i);
      }
    }
    const name = checkVariantName(raw.name, `${at}.name`, p);
    const weight = checkWeight(raw.weight, `${at}.weight`, p);
    const config = normalizeConfig(raw.config, `${at}.config`, p);
    if (key === undefined || name === undefined || weight === undefined || config === undefined) {
      ok = false;
      return;
    }
    variants.push({ key, name, weight, config });
  });
  if (!ok) return undefined;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (Math.abs(total - 1) > LIMITS.weightTolerance) {
    p.add(
      'variants',
      `variant weights add up to ${show(total)}: change them so that they add up to 1 (e.g. 0.5 and 0.5)`,
    );
    return undefined;
  }
  return variants;
}

/** The keys of the variants that have a usable key, for checking the control even when other things are wrong. */
function usableKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((v: unknown) => (isRecord(v) ? v.key : undefined))
    .filter((k): k is string => typeof k === 'string' && k.length > 0);
}

function checkControl(value: unknown, variants: unknown, p: Problems): string | undefined {
  const keys = usableKeys(variants);
  const list = keys.length > 0 ? ` (${keys.join(', ')})` : '';
  if (typeof value !== 'string' || value.length === 0) {
    p.add('control', `control is required: set it to the key of the control variant${list}`);
    return undefined;
  }
  // With no usable variant key there is nothing to compare with; the variants' own problems say why.
  if (keys.length > 0 && !keys.includes(value)) {
    p.add('control', `control ${show(value)} is not one of the variant keys${list}: set it to the key of the control variant`);
    return undefined;
  }
  return value;
}

function checkSalt(value: unknown, p: Problems): string | undefined {
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

function checkCoverage(value: unknown, p: Problems): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    p.add(
      'coverage',
      `coverage must be more than 0 and at most 1 (got ${show(value)}): it is the share of users enrolled, e.g. 1 for everyone or 0.5 for half`,
    );
    return undefined;
  }
  return value;
}

function checkAttributionWindow(value: unknown, p: Problems): number | undefined {
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

function checkCurrency(value: unknown, p: Problems): string | undefined {
  if (typeof value !== 'string' || !CURRENCY_PATTERN.test(value)) {
    p.add('currency', `currency must be an ISO 4217 code such as USD or EUR (got ${show(value)}): conversion values are summed in it`);
    return undefined;
  }
  return value;
}

function checkMinimumDetectableEffect(value: unknown, p: Problems): number | null | undefined {
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

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Milliseconds since the epoch of an ISO 8601 date-time with a time zone, or undefined. */
export function parseIsoDateTime(value: string): number | undefined {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone, zh = '0', zm = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(zh) > 23 || Number(zm) > 59) return undefined;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), ms);
  if (zone!.toUpperCase() !== 'Z') {
    const offset = (Number(zh) * 60 + Number(zm)) * 60_000;
    t = zone!.startsWith('-') ? t + offset : t - offset;
  }
  return t;
}

function checkEndDate(value: unknown, now: Date, mustBeFuture: boolean, p: Problems): string | null | undefined {
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
function checkAutoStop(value: unknown, base: AutoStop, p: Problems): AutoStop | undefined {
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
// Create and update.

type EditableFields = Pick<
  Experiment,
  | 'name'
  | 'description'
  | 'variants'
  | 'control'
  | 'salt'
  | 'coverage'
  | 'attributionWindowDays'
  | 'currency'
  | 'minimumDetectableEffect'
  | 'endDate'
  | 'autoStop'
>;

type RawFields = { [K in keyof EditableFields]: unknown };

function checkAll(raw: RawFields, now: Date, endDateChanged: boolean, p: Problems): EditableFields | undefined {
  const name = checkName(raw.name, p);
  const description = checkDescription(raw.description, p);
  const variants = checkVariants(raw.variants, p);
  const control = checkControl(raw.control, raw.variants, p);
  const salt = checkSalt(raw.salt, p);
  const coverage = checkCoverage(raw.coverage, p);
  const attributionWindowDays = checkAttributionWindow(raw.attributionWindowDays, p);
  const currency = checkCurrency(raw.currency, p);
  const minimumDetectableEffect = checkMinimumDetectableEffect(raw.minimumDetectableEffect, p);
  const endDate = checkEndDate(raw.endDate, now, endDateChanged, p);
  const autoStop = checkAutoStop(raw.autoStop, AUTO_STOP_OFF, p);
  if (
    p.any ||
    name === undefined ||
    description === undefined ||
    variants === undefined ||
    control === undefined ||
    salt === undefined ||
    coverage === undefined ||
    attributionWindowDays === undefined ||
    currency === undefined ||
    minimumDetectableEffect === undefined ||
    endDate === undefined ||
    autoStop === undefined
  ) {
    return undefined;
  }
  return {
    name,
    description,
    variants,
    control,
    salt,
    coverage,
    attributionWindowDays,
    currency,
    minimumDetectableEffect,
    endDate,
    autoStop,
  };
}

const absent = (v: unknown): v is null | undefined => v === undefined || v === null;

/**
 * Checks a createExperiment input and returns the new DRAFT experiment (version 1).
 * Throws ValidationError listing every problem found.
 */
export function validateCreate(input: CreateExperimentInput, options: CreateOptions): Experiment {
  if (!isRecord(input)) {
    throw new ValidationError([{ field: 'input', message: 'input is required: send the experiment to create' }], 'Cannot create the experiment');
  }
  const p = new Problems();
  const raw: RawFields = {
    name: input.name,
    description: input.description,
    variants: input.variants,
    control: input.control,
    salt: absent(input.salt) ? options.generateSalt() : input.salt,
    coverage: absent(input.coverage) ? LIMITS.defaultCoverage : input.coverage,
    attributionWindowDays: absent(input.attributionWindowDays)
      ? LIMITS.defaultAttributionWindowDays
      : input.attributionWindowDays,
    currency: absent(input.currency) ? LIMITS.defaultCurrency : input.currency,
    minimumDetectableEffect: input.minimumDetectableEffect,
    endDate: input.endDate,
    autoStop: input.autoStop,
  };
  const fields = checkAll(raw, options.now, true, p);
  const offers = checkOffers(input.variants, typeof raw.currency === 'string' ? raw.currency : LIMITS.defaultCurrency, p.list);
  const goalMetric = checkGoalMetric(input.goalMetric, p.list);
  const fraudRules = checkFraudRules(input.fraudRules, p.list);
  if (fields === undefined || p.any || offers === undefined || goalMetric === undefined || fraudRules === undefined) {
    throw new ValidationError(p.list, 'Cannot create the experiment');
  }
  // Only variants with an offer carry the field, so experiments without offers look as before.
  fields.variants = fields.variants.map(({ offer: _, ...v }, i) => (offers[i] ? { ...v, offer: offers[i] } : v));
  const now = options.now.toISOString();
  return {
    id: options.id,
    ...fields,
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

export function isStarted(status: ExperimentStatus): boolean {
  return status === 'RUNNING' || status === 'PAUSED';
}

/** Frozen-field problems of an update to a started experiment (empty when none). */
function frozenProblems(current: Experiment, input: UpdateExperimentInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const since = `cannot change after the experiment started (it is ${current.status})`;
  if (!absent(input.control) && input.control !== current.control) {
    problems.push({
      field: 'control',
      message: `control ${since}: it is ${show(current.control)}, every result is measured against it; stop this experiment and create a new one to use another control`,
    });
  }
  if (!absent(input.salt) && input.salt !== current.salt) {
    problems.push({
      field: 'salt',
      message: `salt ${since}: a new salt would move users to other variants; leave it out`,
    });
  }
  if (!absent(input.attributionWindowDays) && input.attributionWindowDays !== current.attributionWindowDays) {
    problems.push({
      field: 'attributionWindowDays',
      message: `attributionWindowDays ${since}: it is ${current.attributionWindowDays} days and conversions already counted used it; leave it out`,
    });
  }
  if (!absent(input.currency) && input.currency !== current.currency) {
    problems.push({
      field: 'currency',
      message: `currency ${since}: it is ${current.currency} and the revenue already counted is in it; leave it out`,
    });
  }
  if (!absent(input.variants)) {
    const sent = usableKeys(input.variants);
    const keys = current.variants.map((v) => v.key);
    const sameKeys =
      Array.isArray(input.variants) &&
      sent.length === input.variants.length &&
      sent.length === keys.length &&
      new Set(sent).size === sent.length &&
      sent.every((k) => keys.includes(k));
    if (!sameKeys) {
      problems.push({
        field: 'variants',
        message: `variant keys ${since}: they are ${keys.join(', ')} and you sent ${sent.join(', ') || 'none'}; send the same keys, only their weights may change`,
      });
    } else {
      input.variants.forEach((v, i) => {
        const was = current.variants.find((c) => c.key === v.key)!;
        if (typeof v.name !== 'string' || v.name.trim() !== was.name) {
          problems.push({
            field: `variants[${i}].name`,
            message: `variants[${i}].name (variant ${show(v.key)}) ${since}: it is ${show(was.name)}; only weights may change`,
          });
        }
        // A variant sent without `config` keeps its config: a weights-only change need not echo
        // the strategy back. (An explicit null is a change when the variant has a config.)
        const scratch = new Problems();
        const config = v.config === undefined ? was.config : normalizeConfig(v.config, `variants[${i}].config`, scratch);
        if (config !== was.config) {
          problems.push({
            field: `variants[${i}].config`,
            message: `variants[${i}].config (variant ${show(v.key)}) ${since}: users already saw this strategy; stop this experiment and create a new one to test another config`,
          });
        }
      });
    }
  }
  return problems;
}

/**
 * Checks an updateExperiment input against the current experiment and returns the changed
 * experiment (version + 1, updatedAt = now).
 *
 * - STOPPED → InvalidStateError; a version other than the current one → ConflictError.
 * - DRAFT: every field may change.
 * - RUNNING / PAUSED: only name, description, coverage, endDate, minimumDetectableEffect and the
 *   variants' weights (same keys, in any order: matched by key; the stored order is kept; a
 *   variant sent without `config` keeps its config).
 *   Changing anything else → FrozenFieldError naming the fields. Sending a frozen field with its
 *   current value is not a change, so a client may send the whole form back.
 * - Bad values → ValidationError listing every problem. endDate must be in the future only when
 *   it changes.
 */
export function validateUpdate(current: Experiment, input: UpdateExperimentInput, options: UpdateOptions): Experiment {
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
    const frozen = [...frozenProblems(current, input), ...frozenReferralProblems(current, input, current.currency)];
    if (frozen.length > 0) throw new FrozenFieldError(frozen);
  }

  // Variants: in DRAFT as sent; once started, the current variants with the weights sent, in the
  // order sent so that problems name the caller's indexes.
  let rawVariants: unknown = current.variants;
  if (!absent(input.variants)) {
    rawVariants = started
      ? input.variants.map((v) => ({ ...current.variants.find((c) => c.key === v.key)!, weight: v.weight }))
      : input.variants;
  }
  const endDateChanged =
    input.endDate !== undefined &&
    input.endDate !== null &&
    (typeof input.endDate !== 'string' || parseIsoDateTime(input.endDate) !== (current.endDate === null ? undefined : Date.parse(current.endDate)));

  const raw: RawFields = {
    name: absent(input.name) ? current.name : input.name,
    description: input.description === undefined ? current.description : input.description,
    variants: rawVariants,
    control: absent(input.control) ? current.control : input.control,
    salt: absent(input.salt) ? current.salt : input.salt,
    coverage: absent(input.coverage) ? current.coverage : input.coverage,
    attributionWindowDays: absent(input.attributionWindowDays) ? current.attributionWindowDays : input.attributionWindowDays,
    currency: absent(input.currency) ? current.currency : input.currency,
    minimumDetectableEffect:
      input.minimumDetectableEffect === undefined ? current.minimumDetectableEffect : input.minimumDetectableEffect,
    endDate: input.endDate === undefined ? current.endDate : input.endDate,
    // flags left out keep their value (merged over the current ones before the check)
    autoStop: isRecord(input.autoStop)
      ? { ...(current.autoStop ?? AUTO_STOP_OFF), ...Object.fromEntries(Object.entries(input.autoStop).filter(([, v]) => v !== null && v !== undefined)) }
      : absent(input.autoStop)
        ? (current.autoStop ?? AUTO_STOP_OFF)
        : input.autoStop,
  };
  const p = new Problems();
  const fields = checkAll(raw, options.now, endDateChanged, p);
  // Offers: in DRAFT as sent (a variant sent without one has none); once started, as they were.
  const offers = started || absent(input.variants)
    ? (fields?.variants ?? []).map((v) => current.variants.find((c) => c.key === v.key)?.offer ?? null)
    : checkOffers(input.variants, typeof raw.currency === 'string' ? raw.currency : current.currency, p.list);
  const goalMetric = absent(input.goalMetric) ? current.goalMetric : checkGoalMetric(input.goalMetric, p.list);
  const fraudRules = absent(input.fraudRules) ? current.fraudRules : checkFraudRules(input.fraudRules, p.list);
  if (fields === undefined || p.any || offers === undefined || goalMetric === undefined || fraudRules === undefined) {
    throw new ValidationError(p.list, 'Cannot update the experiment');
  }
  // Only variants with an offer carry the field, so experiments without offers look as before.
  fields.variants = fields.variants.map(({ offer: _, ...v }, i) => (offers[i] ? { ...v, offer: offers[i] } : v));

  if (started) {
    // Keep the stored order of the variants.
    const byKey = new Map(fields.variants.map((v) => [v.key, v]));
    fields.variants = current.variants.map((v) => byKey.get(v.key)!);
  }
  return {
    ...current,
    ...fields,
    goalMetric,
    fraudRules,
    updatedAt: options.now.toISOString(),
    version: current.version + 1,
  };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle.

// The rule itself is shared with the dashboard: model/lifecycle.ts.
export type { ExperimentAction };
export { allowedActions };

function describeAllowed(status: ExperimentStatus): string {
  if (status === 'STOPPED') return 'a stopped experiment cannot be restarted; create a new experiment instead';
  const words = allowedActions(status).map((a) =>
    a === 'start' ? (status === 'PAUSED' ? 'started again (resumed)' : 'started') : a === 'pause' ? 'paused' : 'stopped',
  );
  return `a ${status} experiment can only be ${words.join(' or ')}`;
}

/**
 * Applies a lifecycle action. Bumps version and updatedAt; the first start sets startedAt, stop
 * sets stoppedAt. Throws InvalidStateError for a transition the status does not allow, and
 * ValidationError when starting an experiment whose endDate has passed.
 */
export function transition(current: Experiment, action: ExperimentAction, now: Date): Experiment {
  const next = nextStatus(current.status, action);
  if (next === undefined) {
    const already =
      (action === 'start' && current.status === 'RUNNING') || (action === 'pause' && current.status === 'PAUSED')
        ? ' already'
        : '';
    throw new InvalidStateError(
      `cannot ${action} experiment ${current.id}: it is${already} ${current.status}; ${describeAllowed(current.status)}`,
      current.status,
      allowedActions(current.status),
    );
  }
  const at = now.toISOString();
  if (action === 'start' && current.endDate !== null && Date.parse(current.endDate) <= now.getTime()) {
    throw new ValidationError(
      [
        {
          field: 'endDate',
          message: `endDate ${current.endDate} has passed: move it later (or clear it) with updateExperiment, then start the experiment`,
        },
      ],
      `Cannot start experiment ${current.id}`,
    );
  }
  return {
    ...current,
    status: next,
    startedAt: action === 'start' && current.startedAt === null ? at : current.startedAt,
    stoppedAt: action === 'stop' ? at : current.stoppedAt,
    updatedAt: at,
    version: current.version + 1,
  };
}
