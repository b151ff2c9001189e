// Readers for request-object fields that fail with AppSync-style, actionable messages.
import { shapeError } from './errors.ts';
import { isRecord } from './typed-values.ts';

type Path = readonly (string | number)[];

export type RequestObject = Record<string, unknown>;

export function record(value: unknown, path: Path, what = 'an object'): RequestObject {
  if (!isRecord(value)) throw shapeError(path, `must be ${what}; got ${JSON.stringify(value) ?? 'undefined'}.`);
  return value;
}

export function required(request: RequestObject, field: string, path: Path = []): unknown {
  const value = request[field];
  if (value === undefined || value === null) throw shapeError([...path, field], 'not found.');
  return value;
}

export function optionalString(request: RequestObject, field: string, path: Path = []): string | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw shapeError([...path, field], `must be a non-empty string; got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function requiredString(request: RequestObject, field: string, path: Path = []): string {
  const value = optionalString(request, field, path);
  if (value === undefined) throw shapeError([...path, field], 'not found.');
  return value;
}

export function optionalBoolean(request: RequestObject, field: string, path: Path = []): boolean | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw shapeError([...path, field], `must be a boolean; got ${JSON.stringify(value)}.`);
  return value;
}

export function optionalInteger(request: RequestObject, field: string, path: Path = []): number | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw shapeError([...path, field], `must be an integer; got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function requiredList(request: RequestObject, field: string, path: Path = []): unknown[] {
  const value = required(request, field, path);
  if (!Array.isArray(value)) throw shapeError([...path, field], `must be a list; got ${JSON.stringify(value)}.`);
  return value;
}

/** Fields of versioned (conflict-detection) data sources, which the local runtime does not emulate. */
export function rejectVersionedFields(request: RequestObject): void {
  for (const field of ['_version', 'customPartitionKey', 'populateIndexFields']) {
    if (request[field] !== undefined) {
      throw shapeError(
        [field],
        'is only valid on a versioned data source (conflict detection / Delta Sync), which the local runtime does not emulate. Remove it from the request.',
      );
    }
  }
}
