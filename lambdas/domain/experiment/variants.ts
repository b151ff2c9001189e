// Checks of a variant list and of the control: each takes the raw value, records problems, and
// returns the normalized value (undefined when the value is unusable).
import { isRecord } from '../../../model/guards.ts';
import { LIMITS } from './limits.ts';
import { show, charCount, utf8Bytes, type Problems } from './problems.ts';
import type { Variant } from './types.ts';

const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/** AWSJSON text or an already-parsed value → compact JSON text (null for none). */
export function normalizeConfig(value: unknown, field: string, p: Problems): string | null | undefined {
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

export function checkVariants(value: unknown, p: Problems): Variant[] | undefined {
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
export function usableKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((v: unknown) => (isRecord(v) ? v.key : undefined))
    .filter((k): k is string => typeof k === 'string' && k.length > 0);
}

export function checkControl(value: unknown, variants: unknown, p: Problems): string | undefined {
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
