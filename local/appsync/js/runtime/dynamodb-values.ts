// util.dynamodb: JS values to DynamoDB typed values. Numbers stay JSON numbers ({"N": 3}), and
// lists are always "L", never sets (verified against AWS EvaluateCode recordings).
import { definedEntries, isMap, strictParse } from './values.ts';

export type AttributeValue = Record<string, unknown>;

export function toDynamoDB(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (isMap(value)) {
    const json = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
    if (!isMap(json)) return toDynamoDB(json);
    return { M: toMapValues(json) };
  }
  return { S: String(value) };
}

export function toMapValues(value: unknown): Record<string, AttributeValue> {
  if (!isMap(value)) return value as never;
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of definedEntries(value)) out[k] = toDynamoDB(v);
  return out;
}

const orNull = <T>(value: unknown, make: () => T): T | null => (value === null || value === undefined ? null : make());

export const dynamodbUtils = {
  toDynamoDB,
  toMapValues,
  toString: (s: unknown) => orNull(s, () => ({ S: String(s) })),
  toStringSet: (list: unknown) => orNull(list, () => ({ SS: list })),
  toNumber: (n: unknown) => orNull(n, () => ({ N: n })),
  toNumberSet: (list: unknown) => orNull(list, () => ({ NS: list })),
  toBinary: (b: unknown) => orNull(b, () => ({ B: b })),
  toBinarySet: (list: unknown) => orNull(list, () => ({ BS: list })),
  toBoolean: (b: unknown) => orNull(b, () => ({ BOOL: b })),
  toNull: () => ({ NULL: null }),
  toList: (list: unknown) => (Array.isArray(list) ? { L: list.map(toDynamoDB) } : null),
  toMap: (map: unknown) => (isMap(map) ? { M: toMapValues(map) } : null),
  toS3Object(key: string, bucket: string, region: string, version?: string) {
    const s3: Record<string, string> = { key, bucket, region };
    if (version !== undefined && version !== null) s3.version = version;
    // AWS renders the embedded JSON compactly: {"s3":{"key":"foo","bucket":"bar","region":"baz"}}
    return { S: JSON.stringify({ s3 }) };
  },
  fromS3ObjectJson(s3ObjectString: unknown) {
    const text = isMap(s3ObjectString) && typeof s3ObjectString.S === 'string' ? s3ObjectString.S : s3ObjectString;
    if (typeof text !== 'string') return null;
    const parsed = strictParse(text);
    return isMap(parsed) && isMap(parsed.s3) ? parsed.s3 : null;
  },
};
