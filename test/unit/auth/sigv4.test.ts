import { createHash, createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { IamSettings } from '../../../local/appsync/auth/config.ts';
import { UnauthorizedError } from '../../../local/appsync/auth/errors.ts';
import {
  APPSYNC_IAM_HEADERS,
  parseAuthorizationHeader,
  signRequest,
  verifySigV4,
} from '../../../local/appsync/auth/sigv4.ts';
import { cleanupTempDirs, testSettings } from './helpers.ts';

afterAll(cleanupTempDirs);

const iam: IamSettings = testSettings().iam;
const URL_ = 'http://localhost:4000/graphql';
const BODY = JSON.stringify({ query: 'mutation { recordSignup(input: {eventId: "e1"}) { eventId } }', variables: {} });

async function rejection(promise: Promise<unknown>): Promise<UnauthorizedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnauthorizedError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** An independent SigV4 implementation (straight from the spec) to check the signer against. */
function referenceSignature(opts: {
  method: string; path: string; query: string; headers: Record<string, string>; body: string;
  secret: string; date: string; region: string; service: string;
}): string {
  const names = Object.keys(opts.headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(opts.headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]));
  const canonical = [
    opts.method, opts.path, opts.query,
    names.map((n) => `${n}:${lower[n]}`).join('\n') + '\n',
    names.join(';'),
    createHash('sha256').update(opts.body).digest('hex'),
  ].join('\n');
  const scope = `${opts.date.slice(0, 8)}/${opts.region}/${opts.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', opts.date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${opts.secret}`, opts.date.slice(0, 8)), opts.region), opts.service), 'aws4_request');
  return createHmac('sha256', kSigning).update(toSign).digest('hex');
}

describe('signRequest', () => {
  it("produces AppSync's IAM header set with a signature matching an independent SigV4 implementation", async () => {
    const signingDate = new Date('2024-05-06T07:08:09Z');
    const headers = await signRequest({ url: URL_, body: BODY, signingDate }, iam);
    expect(headers).toMatchObject({
      accept: 'application/json, text/javascript',
      'content-encoding': 'amz-1.0',
      'content-type': 'application/json; charset=UTF-8',
      host: 'localhost:4000',
      'x-amz-date': '20240506T070809Z',
    });
    const auth = parseAuthorizationHeader(headers.authorization!);
    expect(auth).toMatchObject({
      accessKeyId: 'AKIALOCALSPLITLOOP00',
      date: '20240506',
      region: 'us-east-1',
      service: 'appsync',
      terminator: 'aws4_request',
      signedHeaders: ['accept', 'content-encoding', 'content-type', 'host', 'x-amz-date'],
    });
    const expected = referenceSignature({
      method: 'POST', path: '/graphql', query: '', body: BODY, secret: 'local-secret', date: '20240506T070809Z',
      region: 'us-east-1', service: 'appsync',
      headers: { ...APPSYNC_IAM_HEADERS, host: 'localhost:4000', 'x-amz-date': '20240506T070809Z' },
    });
    expect(auth.signature).toBe(expected);
  });

  it('adds x-amz-security-token for temporary credentials and signs it', async () => {
    const headers = await signRequest({ url: URL_, body: BODY }, { ...iam, sessionToken: 'session-abc' });
    expect(headers['x-amz-security-token']).toBe('session-abc');
    expect(parseAuthorizationHeader(headers.authorization!).signedHeaders).toContain('x-amz-security-token');
  });
});

describe('verifySigV4', () => {
  it('accepts what signRequest signs, including a query string and a realtime connect path', async () => {
    const headers = await signRequest({ url: URL_, body: BODY }, iam);
    const ok = await verifySigV4({ method: 'POST', path: '/graphql', headers, body: BODY }, iam);
    expect(ok.accessKeyId).toBe('AKIALOCALSPLITLOOP00');
    expect(ok.service).toBe('appsync');

    const q = await signRequest({ url: `${URL_}?a=1&b=x%20y&a=0`, body: BODY }, iam);
    await expect(verifySigV4({ method: 'POST', path: '/graphql?a=1&b=x%20y&a=0', headers: q, body: BODY }, iam)).resolves.toBeTruthy();

    const connect = await signRequest({ url: 'https://localhost:4000/graphql/connect', body: '{}' }, iam);
    await expect(verifySigV4({ method: 'POST', path: '/graphql/connect', headers: connect, body: '{}' }, iam)).resolves.toBeTruthy();
    // Header names arrive in any case (the realtime header JSON uses "Authorization").
    const mixed = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k === 'authorization' ? 'Authorization' : k.toUpperCase(), v]));
    await expect(verifySigV4({ method: 'POST', path: '/graphql', headers: mixed, body: Buffer.from(BODY) }, iam)).resolves.toBeTruthy();
  });

  it("verifies AWS's published example request (IAM ListUsers, 2015-08-30)", async () => {
    const example: IamSettings = { ...iam, accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };
    const headers = {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      Host: 'iam.amazonaws.com',
      'X-Amz-Date': '20150830T123600Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    };
    const ok = await verifySigV4(
      { method: 'GET', path: '/?Action=ListUsers&Version=2010-05-08', headers, body: '' },
      example,
      { service: 'iam', now: new Date('2015-08-30T12:36:00Z') },
    );
    expect(ok.signedHeaders).toEqual(['content-type', 'host', 'x-amz-date']);
  });

  it('rejects a tampered body', async () => {
    const headers = await signRequest({ url: URL_, body: BODY }, iam);
    const err = await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers, body: BODY.replace('e1', 'e2') }, iam));
    expect(err.errorType).toBe('InvalidSignatureException');
    expect(err.statusCode).toBe(403);
    expect(err.reason).toBe('invalid_signature');
    expect(err.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
  });

  it('rejects a tampered signed header, path or method', async () => {
    const headers = await signRequest({ url: URL_, body: BODY }, iam);
    expect((await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers: { ...headers, 'content-type': 'text/plain' }, body: BODY }, iam))).reason).toBe('invalid_signature');
    expect((await rejection(verifySigV4({ method: 'POST', path: '/other', headers, body: BODY }, iam))).reason).toBe('invalid_signature');
    expect((await rejection(verifySigV4({ method: 'PUT', path: '/graphql', headers, body: BODY }, iam))).reason).toBe('invalid_signature');
    const noHost = { ...headers } as Record<string, string>;
    delete noHost.host;
    expect((await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers: noHost, body: BODY }, iam))).reason).toBe('invalid_signature');
  });

  it('rejects an x-amz-content-sha256 that does not match the body', async () => {
    const fakeHash = createHash('sha256').update('other').digest('hex');
    const headers = await signRequest({ url: URL_, body: 'other', headers: { ...APPSYNC_IAM_HEADERS, 'x-amz-content-sha256': fakeHash } }, iam);
    await expect(verifySigV4({ method: 'POST', path: '/graphql', headers, body: 'other' }, iam)).resolves.toBeTruthy();
    const err = await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers, body: BODY }, iam));
    expect(err.reason).toBe('invalid_signature');
    expect(err.message).toContain('x-amz-content-sha256');
  });

  it('rejects a signature made with the wrong secret', async () => {
    const headers = await signRequest({ url: URL_, body: BODY }, { ...iam, secretAccessKey: 'not-the-secret' });
    const err = await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers, body: BODY }, iam));
    expect(err.errorType).toBe('InvalidSignatureException');
    expect(err.reason).toBe('invalid_signature');
  });

  it('rejects an unknown access key', async () => {
    const headers = await signRequest({ url: URL_, body: BODY }, { ...iam, accessKeyId: 'AKIAUNKNOWN000000000' });
    const err = await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers, body: BODY }, iam));
    expect(err.errorType).toBe('UnrecognizedClientException');
    expect(err.message).toBe('The security token included in the request is invalid.');
    expect(err.statusCode).toBe(403);
  });

  it('rejects a date more than 5 minutes off, and accepts one within', async () => {
    const now = new Date('2024-05-06T12:00:00Z');
    const sign = (offsetMs: number) => signRequest({ url: URL_, body: BODY, signingDate: new Date(now.getTime() + offsetMs) }, iam);
    const verify = async (offsetMs: number) =>
      verifySigV4({ method: 'POST', path: '/graphql', headers: await sign(offsetMs), body: BODY }, iam, { now });

    await expect(verify(-4 * 60_000)).resolves.toBeTruthy();
    await expect(verify(4 * 60_000)).resolves.toBeTruthy();
    const stale = await rejection(verify(-6 * 60_000));
    expect(stale.reason).toBe('signature_expired');
    expect(stale.message).toBe('Signature expired: 20240506T115400Z is now earlier than 20240506T115500Z (20240506T120000Z - 5 min.)');
    const future = await rejection(verify(6 * 60_000));
    expect(future.reason).toBe('signature_expired');
    expect(future.message).toMatch(/^Signature not yet current/);
  });

  it('rejects the wrong service or region scope and incomplete headers', async () => {
    const s3 = await signRequest({ url: URL_, body: BODY, service: 's3' }, iam);
    expect((await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers: s3, body: BODY }, iam))).message).toBe(
      "Credential should be scoped to correct service: 'appsync'.",
    );
    const eu = await signRequest({ url: URL_, body: BODY }, { ...iam, region: 'eu-west-1' });
    expect((await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers: eu, body: BODY }, iam))).reason).toBe('invalid_signature');

    const partial = await rejection(
      verifySigV4({ method: 'POST', path: '/graphql', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIALOCALSPLITLOOP00/20240506/us-east-1/appsync/aws4_request' }, body: BODY }, iam),
    );
    expect(partial.errorType).toBe('IncompleteSignatureException');
    expect(partial.statusCode).toBe(400);

    const headers = await signRequest({ url: URL_, body: BODY }, iam);
    const noDate = { ...headers } as Record<string, string>;
    delete noDate['x-amz-date'];
    expect((await rejection(verifySigV4({ method: 'POST', path: '/graphql', headers: noDate, body: BODY }, iam))).errorType).toBe('IncompleteSignatureException');
  });
});
