// Small value helpers shared by the runtime modules (sandbox side).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A non-null, non-array object: what AppSync treats as a map. */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own enumerable entries whose value is not `undefined` (undefined keys vanish, as in JSON). */
export function definedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/** Copies `src` keys that are neither undefined nor null onto `target`. */
export function assignPresent(target: Record<string, unknown>, src: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) {
    const v = src[key];
    if (v !== undefined && v !== null) target[key] = v;
  }
}

/**
 * JSON.parse as captured before the runtime replaces the sandbox's JSON.parse with AppSync's
 * lenient variant (invalid JSON gives ""), so the runtime itself still sees real parse errors.
 */
export const strictParse: (text: string) => unknown = JSON.parse.bind(JSON);
