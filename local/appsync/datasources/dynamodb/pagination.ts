// nextToken: AppSync hands out an opaque string and accepts it back. Locally it is the base64 of
// the LastEvaluatedKey in typed JSON, so it survives a trip through a GraphQL client unchanged.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { shapeError } from './errors.ts';
import { toSdkMap, toTypedJson } from './typed-values.ts';

const PREFIX = 'v1:';

export function encodeNextToken(lastEvaluatedKey: Record<string, AttributeValue> | undefined): string | null {
  if (!lastEvaluatedKey || Object.keys(lastEvaluatedKey).length === 0) return null;
  const typed = Object.fromEntries(Object.entries(lastEvaluatedKey).map(([k, v]) => [k, toTypedJson(v)]));
  return Buffer.from(PREFIX + JSON.stringify(typed), 'utf8').toString('base64');
}

export function decodeNextToken(token: unknown): Record<string, AttributeValue> | undefined {
  if (token === undefined || token === null) return undefined;
  const invalid = () =>
    shapeError(['nextToken'], 'is not a pagination token this data source issued. Pass back the nextToken of a previous result unchanged, or null to start over.');
  if (typeof token !== 'string' || token === '') throw invalid();
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(PREFIX)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(PREFIX.length));
  } catch {
    throw invalid();
  }
  try {
    return toSdkMap(parsed, ['nextToken']);
  } catch {
    throw invalid();
  }
}
