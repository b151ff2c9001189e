// AppSync's type system. Requests carry typed values as util.dynamodb makes them (numbers may be
// JSON numbers, `{NULL: null}`, binary as base64); the SDK wants strings, `NULL: true` and bytes.
// Results go back as plain JSON: N -> number, sets -> lists, B -> base64 string.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../../values.ts';
import { shapeError } from './errors.ts';

type Path = readonly (string | number)[];

const TYPE_KEYS = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'] as const;
type TypeKey = (typeof TYPE_KEYS)[number];

export { isRecord };

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

function numberText(value: unknown, path: Path): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw shapeError(path, `must be a finite number; got ${String(value)}.`);
    return String(value);
  }
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw shapeError(path, `must be a number or a numeric string; got ${describe(value)}.`);
}

function bytes(value: unknown, path: Path): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  throw shapeError(path, `must be a base64 string; got ${describe(value)}.`);
}

function list(value: unknown, path: Path): unknown[] {
  if (!Array.isArray(value)) throw shapeError(path, `must be a list; got ${describe(value)}.`);
  return value;
}

/** One typed value (`{S: 'x'}`, `{N: 3}`, `{M: {...}}`...) in the SDK's form. */
export function toSdkValue(value: unknown, path: Path): AttributeValue {
  if (!isRecord(value)) {
    throw shapeError(
      path,
      `must be a DynamoDB typed value such as {"S": "text"} or {"N": 1}; got ${describe(value)}. ` +
        'Build it with util.dynamodb.toDynamoDB / toMapValues.',
    );
  }
  const keys = Object.keys(value);
  const type = keys[0] as TypeKey | undefined;
  if (keys.length !== 1 || !type || !TYPE_KEYS.includes(type)) {
    throw shapeError(
      path,
      `must have exactly one type key out of ${TYPE_KEYS.join(', ')}; got ${describe(value)}.`,
    );
  }
  const inner = value[type];
  const at = [...path, type];
  switch (type) {
    case 'S':
      if (typeof inner !== 'string') throw shapeError(at, `must be a string; got ${describe(inner)}.`);
      return { S: inner };
    case 'N':
      return { N: numberText(inner, at) };
    case 'B':
      return { B: bytes(inner, at) };
    case 'SS':
      return {
        SS: list(inner, at).map((s, i) => {
          if (typeof s !== 'string') throw shapeError([...at, i], `must be a string; got ${describe(s)}.`);
          return s;
        }),
      };
    case 'NS':
      return { NS: list(inner, at).map((n, i) => numberText(n, [...at, i])) };
    case 'BS':
      return { BS: list(inner, at).map((b, i) => bytes(b, [...at, i])) };
    case 'M':
      return { M: toSdkMap(inner, at) };
    case 'L':
      return { L: list(inner, at).map((v, i) => toSdkValue(v, [...at, i])) };
    case 'NULL':
      if (inner !== null && inner !== true) throw shapeError(at, `must be null or true; got ${describe(inner)}.`);
      return { NULL: true };
    case 'BOOL':
      if (typeof inner !== 'boolean') throw shapeError(at, `must be a boolean; got ${describe(inner)}.`);
      return { BOOL: inner };
  }
}

/** A map of attribute name -> typed value (a key, an item, expressionValues). */
export function toSdkMap(value: unknown, path: Path): Record<string, AttributeValue> {
  if (!isRecord(value)) {
    throw shapeError(
      path,
      `must be a map of attribute names to typed values (util.dynamodb.toMapValues); got ${describe(value)}.`,
    );
  }
  const out: Record<string, AttributeValue> = {};
  for (const [name, v] of Object.entries(value)) out[name] = toSdkValue(v, [...path, name]);
  return out;
}

function base64(data: Uint8Array | undefined): string {
  return Buffer.from(data ?? new Uint8Array()).toString('base64');
}

/** A typed value as plain JSON, the way AppSync hands results to the response handler. */
export function fromSdkValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromSdkMap(value.M);
  if (value.L !== undefined) return value.L.map(fromSdkValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return base64(value.B);
  if (value.BS !== undefined) return value.BS.map(base64);
  return null;
}

export function fromSdkMap(map: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) out[name] = fromSdkValue(value);
  return out;
}

/** An SDK value back in AppSync's typed JSON (binary as base64), e.g. for pagination tokens. */
export function toTypedJson(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) {
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toTypedJson(v)])) };
  }
  if (value.L !== undefined) return { L: value.L.map(toTypedJson) };
  if (value.NULL !== undefined) return { NULL: true };
  return { ...value };
}

function numberKey(text: string): string {
  const n = Number(text);
  return Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER ? String(n) : text.trim();
}

/** A canonical string of a value: equal values give equal strings (sets compare unordered). */
export function canonical(value: AttributeValue): string {
  if (value.S !== undefined) return `S${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N${numberKey(value.N)}`;
  if (value.BOOL !== undefined) return `BOOL${value.BOOL}`;
  if (value.NULL !== undefined) return 'NULL';
  if (value.B !== undefined) return `B${base64(value.B)}`;
  if (value.SS !== undefined) return `SS[${value.SS.map((s) => JSON.stringify(s)).sort().join(',')}]`;
  if (value.NS !== undefined) return `NS[${value.NS.map(numberKey).sort().join(',')}]`;
  if (value.BS !== undefined) return `BS[${value.BS.map(base64).sort().join(',')}]`;
  if (value.L !== undefined) return `L[${value.L.map(canonical).join(',')}]`;
  if (value.M !== undefined) return `M{${canonicalMap(value.M)}}`;
  return '?';
}

export function canonicalMap(map: Record<string, AttributeValue>, only?: readonly string[]): string {
  const names = (only ?? Object.keys(map)).slice().sort();
  return names.map((n) => `${JSON.stringify(n)}:${map[n] ? canonical(map[n]) : '-'}`).join(',');
}
