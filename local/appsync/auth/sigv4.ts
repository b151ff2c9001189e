// AWS Signature Version 4 for the local API (service `appsync`): verification of received requests by
// recomputing the signature with @smithy/signature-v4 over exactly what was received, and a signing
// helper for clients, tests and local Lambdas.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IamSettings } from './config.ts';
import { lowerHeaders } from '../../values.ts';
import { UnauthorizedError } from './errors.ts';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const APPSYNC_SERVICE = 'appsync';
/** Largest accepted difference between the request's `x-amz-date` and the server clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The header set AppSync's IAM auth signs (the realtime handshake sends exactly these, plus host/date). */
export const APPSYNC_IAM_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

export type Body = string | Uint8Array | undefined;

export interface ReceivedRequest {
  method: string;
  /** The request target as received: path plus optional `?query`, still percent-encoded. */
  path: string;
  /** Header names in any case. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes (or their UTF-8 text) exactly as received. */
  body?: Body;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

export interface SigV4Verified {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signingDate: Date;
}

export interface VerifySigV4Options {
  now?: Date;
  maxSkewMs?: number;
  service?: string;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
}

export interface SignRequestInput {
  /** Full URL of the endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  method?: string;
  body?: string;
  /** Headers to send and sign. Default: AppSync's IAM set (accept, content-encoding, content-type). */
  headers?: Record<string, string>;
  signingDate?: Date;
  service?: string;
}

function incomplete(message: string): UnauthorizedError {
  return new UnauthorizedError(message, 'incomplete_signature', { errorType: 'IncompleteSignatureException', statusCode: 400 });
}

function invalidSignature(message: string, reason: 'invalid_signature' | 'signature_expired' = 'invalid_signature'): UnauthorizedError {
  return new UnauthorizedError(message, reason, { errorType: 'InvalidSignatureException', statusCode: 403 });
}

export function isSigV4Authorization(value: string | undefined): boolean {
  return typeof value === 'string' && value.trimStart().startsWith(SIGV4_ALGORITHM);
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/appsync/aws4_request, SignedHeaders=a;b, Signature=hex` */
export function parseAuthorizationHeader(value: string): ParsedAuthorization {
  const trimmed = value.trim();
  if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) throw incomplete(`Authorization header must start with ${SIGV4_ALGORITHM}.`);
  const params = new Map<string, string>();
  for (const part of trimmed.slice(SIGV4_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((p) => !params.get(p));
  if (missing.length > 0) {
    throw incomplete(`Authorization header requires ${missing.map((m) => `'${m}'`).join(', ')} parameter${missing.length > 1 ? 's' : ''}. Authorization=${trimmed}`);
  }
  const credential = params.get('Credential')!.split('/');
  if (credential.length !== 5 || credential.some((c) => c.length === 0)) {
    throw incomplete(`Credential should be a 5-part slash-separated value: <access key id>/<date>/<region>/<service>/aws4_request.`);
  }
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  const signature = params.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete('Signature must be 64 lowercase hex characters.');
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: params.get('SignedHeaders')!.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0),
    signature,
  };
}

/** `20240102T030405Z` → Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function splitTarget(target: string): { path: string; query: Record<string, string | string[]> } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const pair of target.slice(q + 1).split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
      let key: string;
      let value: string;
      try {
        key = decodeURIComponent(rawKey);
        value = decodeURIComponent(rawValue);
      } catch {
        key = rawKey;
        value = rawValue;
      }
      const existing = query[key];
      if (existing === undefined) query[key] = value;
      else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  return { path: path.length > 0 ? path : '/', query };
}

function sha256Hex(body: Body): string {
  return createHash('sha256').update(body ?? '').digest('hex');
}

function safeEqualHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Verifies a SigV4-signed request against the local IAM credentials. Throws an `UnauthorizedError`
 * (IncompleteSignatureException 400, UnrecognizedClientException / InvalidSignatureException 403).
 */
export async function verifySigV4(request: ReceivedRequest, iam: IamSettings, options: VerifySigV4Options = {}): Promise<SigV4Verified> {
  const headers = new Map(Object.entries(lowerHeaders(request.headers)));
  const authorization = headers.get('authorization');
  if (!authorization) throw incomplete('Authorization header is missing.');
  const parsed = parseAuthorizationHeader(authorization);
  const service = options.service ?? APPSYNC_SERVICE;

  if (parsed.accessKeyId !== iam.accessKeyId) {
    throw new UnauthorizedError('The security token included in the request is invalid.', 'unknown_access_key', {
      errorType: 'UnrecognizedClientException',
      statusCode: 403,
    });
  }
  if (parsed.terminator !== 'aws4_request') throw invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.terminator}'.`);
  if (parsed.service !== service) throw invalidSignature(`Credential should be scoped to correct service: '${service}'.`);
  if (parsed.region !== iam.region) throw invalidSignature(`Credential should be scoped to a valid region, not '${parsed.region}'.`);

  const dateHeader = headers.get('x-amz-date');
  if (!dateHeader) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signingDate = parseAmzDate(dateHeader.trim());
  if (!signingDate) throw incomplete(`X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z', got '${dateHeader}'.`);
  if (!parsed.signedHeaders.includes('host')) throw invalidSignature("'Host' must be a signed header.");
  if (!parsed.signedHeaders.includes('x-amz-date')) throw invalidSignature("'X-Amz-Date' must be a signed header.");
  if (parsed.date !== amzDate(signingDate).slice(0, 8)) {
    throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate(signingDate).slice(0, 8)}', from '${dateHeader}'.`);
  }

  const now = options.now ?? new Date();
  const skew = options.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
  const minutes = Math.round(skew / 60000);
  if (signingDate.getTime() < now.getTime() - skew) {
    throw invalidSignature(
      `Signature expired: ${amzDate(signingDate)} is now earlier than ${amzDate(new Date(now.getTime() - skew))} (${amzDate(now)} - ${minutes} min.)`,
      'signature_expired',
    );
  }
  if (signingDate.getTime() > now.getTime() + skew) {
    throw invalidSignature(
      `Signature not yet current: ${amzDate(signingDate)} is still later than ${amzDate(new Date(now.getTime() + skew))} (${amzDate(now)} + ${minutes} min.)`,
      'signature_expired',
    );
  }

  // The signer trusts x-amz-content-sha256 when present, so check it against the body received.
  const declaredHash = headers.get('x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash.trim() !== sha256Hex(request.body)) {
    throw invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const signedHeaders: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headers.get(name);
    if (value === undefined) throw invalidSignature(`Header '${name}' is listed in SignedHeaders but missing from the request.`);
    signedHeaders[name] = value;
  }
  const target = splitTarget(request.path);
  const signer = new SignatureV4({
    service,
    region: iam.region,
    credentials: { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  });
  const recomputed = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: 'https:',
      hostname: signedHeaders.host ?? '',
      path: target.path,
      query: target.query,
      headers: signedHeaders,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(parsed.signedHeaders) },
  );
  const expected = parseAuthorizationHeader(String(recomputed.headers.authorization));
  const sameHeaders = expected.signedHeaders.join(';') === parsed.signedHeaders.slice().sort().join(';');
  if (!sameHeaders || !safeEqualHex(expected.signature, parsed.signature)) {
    throw invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId: parsed.accessKeyId, region: parsed.region, service: parsed.service, signedHeaders: parsed.signedHeaders, signingDate };
}

/**
 * Signs a request to the local endpoint and returns every header to send (including `host`,
 * `x-amz-date`, `authorization` and, with temporary credentials, `x-amz-security-token`). With the
 * default headers this is also the header set of AppSync's realtime IAM handshake.
 */
export async function signRequest(input: SignRequestInput, credentials: SigningCredentials): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const headers: Record<string, string> = { ...(input.headers ?? APPSYNC_IAM_HEADERS), host: url.host };
  const signer = new SignatureV4({
    service: input.service ?? APPSYNC_SERVICE,
    region: credentials.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: (input.method ?? 'POST').toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers,
      body: input.body,
    },
    input.signingDate ? { signingDate: input.signingDate } : {},
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) out[name] = String(value);
  return out;
}
