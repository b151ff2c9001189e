// The `util` object of APPSYNC_JS (see @aws-appsync/utils lib/index.d.ts for the surface).
import { inferAuthType, normalizeAuthType } from './auth.ts';
import { dynamodbUtils } from './dynamodb-values.ts';
import { base64Decode, base64Encode, escapeJavaScript, urlDecode, urlEncode } from './encoding.ts';
import { autoId, autoKsuid, autoUlid } from './ids.ts';
import { log } from './logging.ts';
import { Signal, errorDetail, state } from './state.ts';
import { time } from './time.ts';
import { toDynamoDBFilterExpression } from './transform-filter.ts';
import { toElasticsearchQueryDSL } from './transform-opensearch.ts';
import { toSubscriptionFilter } from './transform-subscription.ts';
import { toJsonString, toMap } from './xml.ts';
import { isMap } from './values.ts';

function info(): Record<string, unknown> {
  const i = state().ctx.info;
  return isMap(i) ? i : {};
}

/** Java's Pattern.matches: the whole value must match. */
function matches(pattern: unknown, value: unknown): boolean {
  const source = `^(?:${String(pattern)})$`;
  let re: RegExp;
  try {
    re = new RegExp(source, 'u');
  } catch {
    re = new RegExp(source);
  }
  return re.test(String(value));
}

// Headers AppSync will not copy to a downstream HTTP request (util.http.copyHeaders).
const RESTRICTED_HEADERS = /^(authorization|host|content-length|connection|expect|keep-alive|proxy-authenticate|proxy-authorization|te|trailer|transfer-encoding|upgrade|via|x-amz-.*|x-amzn-.*|x-api-key|cloudfront-.*|x-forwarded-.*)$/i;

function notSupported(name: string): () => never {
  return () => {
    throw new Error(`${name} is not supported by the local APPSYNC_JS runtime`);
  };
}

export const util = {
  error(message?: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): never {
    throw new Signal('error', errorDetail(message, errorType, data, errorInfo), undefined, null);
  },
  appendError(message?: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): void {
    state().appendedErrors.push(errorDetail(message, errorType, data, errorInfo));
  },
  unauthorized(): never {
    const i = info();
    const message = `Not Authorized to access ${String(i.fieldName)} on type ${String(i.parentTypeName)}`;
    throw new Signal('error', errorDetail(message, 'Unauthorized'), undefined, null);
  },
  authType(): string {
    const s = state();
    return s.authType ? normalizeAuthType(s.authType) : inferAuthType(s.ctx.identity);
  },
  matches,
  autoId,
  autoUlid: () => autoUlid(),
  autoKsuid: () => autoKsuid(),
  escapeJavaScript,
  urlEncode,
  urlDecode,
  base64Encode,
  base64Decode,
  time,
  dynamodb: dynamodbUtils,
  transform: {
    toDynamoDBFilterExpression,
    // Recorded AWS output is byte-identical for both entry points.
    toDynamoDBConditionExpression: toDynamoDBFilterExpression,
    toSubscriptionFilter,
    toElasticsearchQueryDSL,
  },
  math: {
    roundNum: (n: number) => Math.round(n),
    minVal: (a: number, b: number) => Math.min(a, b),
    maxVal: (a: number, b: number) => Math.max(a, b),
    randomDouble: () => Math.random(),
    randomWithinRange: (start: number, end: number) => start + Math.floor(Math.random() * (end - start)),
  },
  str: {
    normalize: (value: string, form: string) => String(value).normalize(String(form).toUpperCase()),
  },
  http: {
    copyHeaders(headers: unknown): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      if (isMap(headers)) for (const [k, v] of Object.entries(headers)) if (!RESTRICTED_HEADERS.test(k)) out[k] = v;
      return out;
    },
    addResponseHeader(name: string, value: unknown): void {
      const s = state().extensions;
      s.responseHeaders = { ...(isMap(s.responseHeaders) ? s.responseHeaders : {}), [String(name)]: value };
    },
    addResponseHeaders(headers: unknown): void {
      if (isMap(headers)) for (const [k, v] of Object.entries(headers)) util.http.addResponseHeader(k, v);
    },
  },
  log,
  xml: { toMap, toJsonString },
  rds: { toJsonObject: notSupported('util.rds.toJsonObject') },
};
