// Type guards for resolver arguments. AppSync has already checked them against the schema, so a
// failure here means a schema/handler mismatch, reported as a ValidationError all the same.
import { ValidationError } from '../domain/errors.ts';

import { isRecord } from '../../model/guards.ts';

export { isRecord };

export const MAX_ID_LENGTH = 256;

/** A required id argument: 1..256 characters, no leading/trailing whitespace. */
export function requireId(args: Record<string, unknown>, name: string, label = name): string {
  const value = args[name];
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new ValidationError([{ field: label, message: `${label} must be a non-empty string` }]);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw new ValidationError([{ field: label, message: `${label} must be at most ${MAX_ID_LENGTH} characters (got ${value.length})` }]);
  }
  if (value.trim() !== value) {
    throw new ValidationError([{ field: label, message: `${label} must not start or end with whitespace` }]);
  }
  return value;
}

export function requireInput(args: Record<string, unknown>): Record<string, unknown> {
  const input = args.input;
  if (!isRecord(input)) throw new ValidationError([{ field: 'input', message: 'input is required' }]);
  return input;
}
