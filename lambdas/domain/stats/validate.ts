// Checks a StatsInput as it arrives (parsed JSON of unknown shape) and returns it typed and
// normalised, or throws one StatsInputError listing every problem, each with the field's path and
// what to send instead. Nothing else in this folder re-checks its input.
import { StatsInputError, type FieldProblem } from './errors.ts';
import type { StatsMetricInput, StatsMetricVariantInput, StatsVariantInput } from './types.ts';
import { isRecord } from '../../../model/guards.ts';

/** expectedSplit must add up to 1 within this (it is then normalised exactly). */
export const SPLIT_TOLERANCE = 1e-4;
/** Relative slack for users·Σx² ≥ (Σx)² (rounding in sums accumulated elsewhere). */
const MOMENT_TOLERANCE = 1e-9;

export interface ValidatedStatsInput {
  alpha: number;
  control: string;
  /** Index of the control in variants. */
  controlIndex: number;
  variants: StatsVariantInput[];
  /** Expected share of each variant, aligned with variants, adding up to exactly 1. */
  shares: number[];
  metrics: StatsMetricInput[];
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

function count(value: unknown, field: string, what: string, p: Problems): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    p.add(field, `${field} must be a whole number ≥ 0 (${what}), got ${show(value)}`);
    return undefined;
  }
  return value;
}

function finite(value: unknown, field: string, what: string, p: Problems): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    p.add(field, `${field} must be a finite number (${what}), got ${show(value)}`);
    return undefined;
  }
  return value;
}

function key(value: unknown, field: string, p: Problems): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    p.add(field, `${field} must be a non-empty string (the variant key), got ${show(value)}`);
    return undefined;
  }
  return value;
}

/** The valid variants, the keys seen (valid entries or not), and whether every entry was valid. */
function checkVariants(raw: unknown, p: Problems): { variants: StatsVariantInput[]; keys: string[]; ok: boolean } {
  if (!Array.isArray(raw) || raw.length === 0) {
    p.add('variants', `variants must be a non-empty array of {key, users, conversions}, got ${show(raw)}`);
    return { variants: [], keys: [], ok: false };
  }
  const variants: StatsVariantInput[] = [];
  const seen = new Set<string>();
  let ok = true;
  raw.forEach((v: unknown, i) => {
    const at = `variants[${i}]`;
    if (!isRecord(v)) {
      p.add(at, `${at} must be an object {key, users, conversions}, got ${show(v)}`);
      ok = false;
      return;
    }
    const k = key(v.key, `${at}.key`, p);
    if (k !== undefined && seen.has(k)) {
      p.add(`${at}.key`, `${at}.key ${show(k)} appears twice: each variant must be listed once`);
      ok = false;
    }
    if (k !== undefined) seen.add(k);
    const label = k === undefined ? at : `${at} (variant ${show(k)})`;
    const users = count(v.users, `${at}.users`, 'users exposed to the variant', p);
    const conversions = count(v.conversions, `${at}.conversions`, 'users who converted', p);
    if (users !== undefined && conversions !== undefined && conversions > users) {
      p.add(`${at}.conversions`, `${label}: conversions (${conversions}) cannot exceed users (${users}); count each converted user once`);
      ok = false;
    }
    let previous: number | null | undefined;
    if (v.previousSequentialPValue !== undefined && v.previousSequentialPValue !== null) {
      const x = v.previousSequentialPValue;
      if (typeof x !== 'number' || !(x >= 0 && x <= 1)) {
        p.add(`${at}.previousSequentialPValue`, `${at}.previousSequentialPValue must be a p-value between 0 and 1 (or null), got ${show(x)}`);
        ok = false;
      } else previous = x;
    }
    if (k === undefined || users === undefined || conversions === undefined) {
      ok = false;
      return;
    }
    variants.push(previous === undefined ? { key: k, users, conversions } : { key: k, users, conversions, previousSequentialPValue: previous });
  });
  return { variants, keys: [...seen], ok };
}

function checkSplit(raw: unknown, variants: StatsVariantInput[], p: Problems): number[] | undefined {
  if (raw === undefined || raw === null) return variants.map(() => 1 / variants.length);
  if (!isRecord(raw)) {
    p.add('expectedSplit', `expectedSplit must be an object of variant key → share, e.g. {"A": 0.5, "B": 0.5}, got ${show(raw)}`);
    return undefined;
  }
  const keys = new Set(variants.map((v) => v.key));
  let ok = true;
  for (const k of Object.keys(raw)) {
    if (!keys.has(k)) {
      p.add(`expectedSplit.${k}`, `expectedSplit names ${show(k)}, which is not a variant (variants are ${[...keys].join(', ')})`);
      ok = false;
    }
  }
  const shares: number[] = [];
  for (const v of variants) {
    const share = raw[v.key];
    if (share === undefined) {
      p.add(`expectedSplit.${v.key}`, `expectedSplit has no share for variant ${show(v.key)}: give every variant its configured share`);
      ok = false;
    } else if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      p.add(`expectedSplit.${v.key}`, `expectedSplit.${v.key} must be a share between 0 and 1, got ${show(share)}`);
      ok = false;
    } else shares.push(share);
  }
  if (!ok) return undefined;
  const total = shares.reduce((s, x) => s + x, 0);
  if (Math.abs(total - 1) > SPLIT_TOLERANCE) {
    p.add('expectedSplit', `expectedSplit adds up to ${total}: the shares must add up to 1 (e.g. 0.5 and 0.5)`);
    return undefined;
  }
  return shares.map((s) => s / total);
}

function checkMetrics(raw: unknown, variants: StatsVariantInput[], control: string, p: Problems): StatsMetricInput[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    p.add('metrics', `metrics must be an array of {name, variants: [{key, users, sum, sumSquares}]}, got ${show(raw)}`);
    return undefined;
  }
  const keys = new Set(variants.map((v) => v.key));
  const names = new Set<string>();
  const metrics: StatsMetricInput[] = [];
  let ok = true;
  raw.forEach((m: unknown, i) => {
    const at = `metrics[${i}]`;
    if (!isRecord(m)) {
      p.add(at, `${at} must be an object {name, variants}, got ${show(m)}`);
      ok = false;
      return;
    }
    let name: string | undefined;
    if (typeof m.name !== 'string' || m.name.length === 0) {
      p.add(`${at}.name`, `${at}.name must be a non-empty string, got ${show(m.name)}`);
    } else if (names.has(m.name)) {
      p.add(`${at}.name`, `${at}.name ${show(m.name)} appears twice: give each metric a distinct name`);
    } else {
      name = m.name;
      names.add(name);
    }
    const label = name === undefined ? at : `${at} (${show(name)})`;
    if (!Array.isArray(m.variants) || m.variants.length === 0) {
      p.add(`${at}.variants`, `${label}.variants must be a non-empty array of {key, users, sum, sumSquares}, got ${show(m.variants)}`);
      ok = false;
      return;
    }
    const seen = new Set<string>();
    const mv: StatsMetricVariantInput[] = [];
    let metricOk = name !== undefined;
    m.variants.forEach((v: unknown, j) => {
      const vat = `${at}.variants[${j}]`;
      if (!isRecord(v)) {
        p.add(vat, `${vat} must be an object {key, users, sum, sumSquares}, got ${show(v)}`);
        metricOk = false;
        return;
      }
      const k = key(v.key, `${vat}.key`, p);
      if (k !== undefined && !keys.has(k)) {
        p.add(`${vat}.key`, `${vat}.key ${show(k)} is not a variant (variants are ${[...keys].join(', ')})`);
        metricOk = false;
      } else if (k !== undefined && seen.has(k)) {
        p.add(`${vat}.key`, `${vat}.key ${show(k)} appears twice in ${label}`);
        metricOk = false;
      }
      if (k !== undefined) seen.add(k);
      const users = count(v.users, `${vat}.users`, 'users the metric is averaged over', p);
      const sum = finite(v.sum, `${vat}.sum`, 'Σ of the per-user values', p);
      const sumSquares = finite(v.sumSquares, `${vat}.sumSquares`, 'Σ of the squared per-user values', p);
      if (sumSquares !== undefined && sumSquares < 0) {
        p.add(`${vat}.sumSquares`, `${vat}.sumSquares must be ≥ 0 (a sum of squares), got ${sumSquares}`);
        metricOk = false;
      } else if (users !== undefined && sum !== undefined && sumSquares !== undefined) {
        if (users === 0 && (sum !== 0 || sumSquares !== 0)) {
          p.add(`${vat}.users`, `${vat} has users 0 but a non-zero sum or sumSquares: send the number of users the sums are over`);
          metricOk = false;
        } else if (users * sumSquares < sum * sum * (1 - MOMENT_TOLERANCE) - Number.MIN_VALUE) {
          p.add(
            `${vat}.sumSquares`,
            `${vat}.sumSquares (${sumSquares}) is below sum²/users (${(sum * sum) / users}), impossible for real values: sumSquares must be Σx² of the same per-user values x whose Σx is sum`,
          );
          metricOk = false;
        }
      }
      if (k === undefined || users === undefined || sum === undefined || sumSquares === undefined) {
        metricOk = false;
        return;
      }
      mv.push({ key: k, users, sum, sumSquares });
    });
    if (metricOk && !seen.has(control)) {
      p.add(`${at}.variants`, `${label} has no entry for the control ${show(control)}: each metric needs the control's sums to compare against`);
      metricOk = false;
    }
    if (!metricOk || name === undefined) {
      ok = false;
      return;
    }
    metrics.push({ name, variants: mv });
  });
  return ok ? metrics : undefined;
}

/** The input, checked and normalised; throws StatsInputError listing every problem. */
export function validateStatsInput(raw: unknown): ValidatedStatsInput {
  const p = new Problems();
  if (!isRecord(raw)) {
    throw new StatsInputError([{ field: '', message: `the input must be a JSON object {alpha, control, expectedSplit, variants, metrics}, got ${show(raw)}` }]);
  }
  let alpha = 0.05;
  if (raw.alpha !== undefined && raw.alpha !== null) {
    if (typeof raw.alpha !== 'number' || !(raw.alpha > 0 && raw.alpha < 1)) {
      p.add('alpha', `alpha must be a significance level between 0 and 1 (e.g. 0.05), got ${show(raw.alpha)}`);
    } else alpha = raw.alpha;
  }
  let control: string | undefined;
  if (typeof raw.control !== 'string' || raw.control.length === 0) {
    p.add('control', `control must be the key of the control variant (a non-empty string), got ${show(raw.control)}`);
  } else control = raw.control;
  const checked = checkVariants(raw.variants, p);
  const variants = checked.ok ? checked.variants : undefined;
  if (control !== undefined && checked.keys.length > 0 && !checked.keys.includes(control)) {
    p.add('control', `unknown control key ${show(control)}: it must be one of the variant keys (${checked.keys.join(', ')})`);
  }
  const controlIndex = variants === undefined || control === undefined ? -1 : variants.findIndex((v) => v.key === control);
  const shares = variants === undefined ? undefined : checkSplit(raw.expectedSplit, variants, p);
  const metrics = variants === undefined || control === undefined || controlIndex < 0 ? undefined : checkMetrics(raw.metrics, variants, control, p);
  if (p.list.length > 0 || variants === undefined || control === undefined || shares === undefined || metrics === undefined || controlIndex < 0) {
    throw new StatsInputError(p.list);
  }
  return { alpha, control, controlIndex, variants, shares, metrics };
}
