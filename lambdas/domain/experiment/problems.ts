// Collecting field problems, and showing a caller's value inside a message.
import type { FieldProblem } from '../errors.ts';

export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
  get any(): boolean {
    return this.list.length > 0;
  }
}

/** A value as a message quotes it: numbers rounded, long strings cut. */
export function show(value: unknown): string {
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
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Left out or null: what GraphQL's optional input fields arrive as. */
export const absent = (v: unknown): v is null | undefined => v === undefined || v === null;
