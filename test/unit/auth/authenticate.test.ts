import { afterAll, describe, expect, it } from 'vitest';
import { authenticate, UnauthorizedError, unauthorizedResponse, type Principal } from '../../../local/appsync/auth/authenticate.ts';
import { signToken } from '../../../local/appsync/auth/jwt.ts';
import { signRequest } from '../../../local/appsync/auth/sigv4.ts';
import { cleanupTempDirs, testSettings } from './helpers.ts';

afterAll(cleanupTempDirs);

const settings = testSettings(); // API_KEY default; AWS_IAM and AMAZON_COGNITO_USER_POOLS additional
const BODY = JSON.stringify({ query: '{ liveCounts(experimentId: "x") { experimentId } }' });
const REQ = { method: 'POST', path: '/graphql', body: BODY };

async function rejection(promise: Promise<Principal>): Promise<UnauthorizedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnauthorizedError) return error;
    throw error;
  }
  throw new Error('expected an UnauthorizedError');
}

describe('authenticate: API key', () => {
  it('accepts the configured key (default da2-localdevkey000000000000) with a null identity', async () => {
    expect(settings.apiKeys).toEqual(['da2-localdevkey000000000000']);
    await expect(authenticate({ 'x-api-key': 'da2-localdevkey000000000000' }, REQ, settings)).resolves.toEqual({ mode: 'API_KEY', identity: null });
    await expect(authenticate({ 'X-Api-Key': 'da2-localdevkey000000000000' }, REQ, settings)).resolves.toEqual({ mode: 'API_KEY', identity: null });
  });

  it('rejects a wrong key with a 401 UnauthorizedException', async () => {
    const err = await rejection(authenticate({ 'x-api-key': 'da2-wrong' }, REQ, settings));
    expect(err.reason).toBe('invalid_api_key');
    expect(unauthorizedResponse(err)).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-amzn-ErrorType': 'UnauthorizedException' },
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
    });
  });

  it('rejects an API key when API_KEY is not an enabled mode', async () => {
    const cognitoOnly = testSettings({ defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: [] });
    const err = await rejection(authenticate({ 'x-api-key': 'da2-localdevkey000000000000' }, REQ, cognitoOnly));
    expect(err.reason).toBe('mode_not_enabled');
    expect(err.statusCode).toBe(401);
  });

  it('reads several keys from SPLITLOOP_API_KEY', async () => {
    const s = testSettings({}, { SPLITLOOP_API_KEY: 'da2-one,da2-two' });
    await expect(authenticate({ 'x-api-key': 'da2-two' }, REQ, s)).resolves.toMatchObject({ mode: 'API_KEY' });
    expect((await rejection(authenticate({ 'x-api-key': 'da2-localdevkey000000000000' }, REQ, s))).reason).toBe('invalid_api_key');
  });
});

describe('authenticate: no credential', () => {
  it('answers 401 with the API-key wording on an API_KEY-default API', async () => {
    const err = await rejection(authenticate({ 'content-type': 'application/json' }, REQ, settings));
    expect(err.reason).toBe('missing_credentials');
    expect(err.toResponse().body).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
  });

  it('answers "Valid authorization header not provided." on a Cognito-default API', async () => {
    const cognito = testSettings({ defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: ['API_KEY'] });
    const err = await rejection(authenticate({ authorization: '' }, REQ, cognito));
    expect(err.message).toBe('Valid authorization header not provided.');
    expect(err.statusCode).toBe(401);
  });
});

describe('authenticate: Cognito user pool JWT', () => {
  it("builds AppSync's Cognito identity from a bare Authorization token", async () => {
    const token = signToken({ user: 'alice', groups: ['experimenters'], email: 'alice@example.com' }, settings);
    const principal = await authenticate({ authorization: token, 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }, REQ, settings);
    expect(principal.mode).toBe('AMAZON_COGNITO_USER_POOLS');
    if (principal.mode !== 'AMAZON_COGNITO_USER_POOLS') throw new Error('unreachable');
    expect(principal.identity).toEqual({
      sub: principal.identity.claims.sub,
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool',
      username: 'alice',
      claims: expect.objectContaining({ 'cognito:username': 'alice', 'cognito:groups': ['experimenters'], email: 'alice@example.com' }),
      sourceIp: ['203.0.113.7'],
      defaultAuthStrategy: 'ALLOW',
      groups: ['experimenters'],
    });
    expect(principal.identity.sub).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports groups as null for a user in no group, and uses the peer address as sourceIp', async () => {
    const token = signToken({ user: 'bob' }, settings);
    const principal = await authenticate({ Authorization: token }, { ...REQ, sourceIp: '::ffff:192.0.2.1' }, settings);
    expect(principal).toMatchObject({ mode: 'AMAZON_COGNITO_USER_POOLS', identity: { username: 'bob', groups: null, sourceIp: ['192.0.2.1'] } });
  });

  it('takes the Authorization header before x-api-key', async () => {
    const token = signToken({ user: 'alice' }, settings);
    await expect(authenticate({ authorization: token, 'x-api-key': 'da2-wrong' }, REQ, settings)).resolves.toMatchObject({ mode: 'AMAZON_COGNITO_USER_POOLS' });
    const err = await rejection(authenticate({ authorization: 'garbage', 'x-api-key': 'da2-localdevkey000000000000' }, REQ, settings));
    expect(err.reason).toBe('malformed_token');
  });

  it('rejects "Bearer <token>" (AppSync wants the bare token), expired, forged and foreign tokens', async () => {
    const token = signToken({ user: 'alice' }, settings);
    const bearer = await rejection(authenticate({ authorization: `Bearer ${token}` }, REQ, settings));
    expect(bearer.message).toBe('Unable to parse JWT token.');

    const expired = signToken({ user: 'alice', now: Math.floor(Date.now() / 1000) - 4000 }, settings);
    const e = await rejection(authenticate({ authorization: expired }, REQ, settings));
    expect(e.reason).toBe('token_expired');
    expect(e.toResponse()).toMatchObject({ statusCode: 401, body: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] } });

    const foreign = signToken({ user: 'alice' }, testSettings());
    const f = await rejection(authenticate({ authorization: foreign }, REQ, settings));
    expect(f.reason).toBe('invalid_token');
    expect(f.message).toBe('Valid authorization header not provided.');

    const otherPool = testSettings({}, { SPLITLOOP_USER_POOL_ID: 'us-east-1_other' });
    const wrongIssuer = signToken({ user: 'alice' }, { cognito: { ...otherPool.cognito, keyFile: settings.cognito.keyFile } });
    expect((await rejection(authenticate({ authorization: wrongIssuer }, REQ, settings))).reason).toBe('wrong_issuer');
  });

  it('rejects a JWT when the user pool mode is not enabled', async () => {
    const apiKeyOnly = testSettings({ additionalModes: [] });
    const token = signToken({ user: 'alice' }, apiKeyOnly);
    const err = await rejection(authenticate({ authorization: token }, REQ, apiKeyOnly));
    expect(err.reason).toBe('mode_not_enabled');
  });

  it('reports the DENY default action in defaultAuthStrategy', async () => {
    const deny = testSettings({ defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: [] }, { SPLITLOOP_USER_POOL_DEFAULT_ACTION: 'DENY' });
    const principal = await authenticate({ authorization: signToken({ user: 'a' }, deny) }, REQ, deny);
    expect(principal).toMatchObject({ identity: { defaultAuthStrategy: 'DENY' } });
  });
});

describe('authenticate: IAM (SigV4)', () => {
  it("round-trips signRequest → authenticate into AppSync's IAM identity", async () => {
    const headers = await signRequest({ url: 'http://localhost:4000/graphql', body: BODY }, settings.iam);
    const principal = await authenticate(headers, { ...REQ, sourceIp: '127.0.0.1' }, settings);
    expect(principal).toEqual({
      mode: 'AWS_IAM',
      identity: {
        accountId: '000000000000',
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: ['127.0.0.1'],
        username: 'AKIALOCALSPLITLOOP00',
        userArn: 'arn:aws:iam::000000000000:user/local',
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    });
  });

  it('rejects a tampered body, a wrong secret and a stale date', async () => {
    const headers = await signRequest({ url: 'http://localhost:4000/graphql', body: BODY }, settings.iam);
    const tampered = await rejection(authenticate(headers, { ...REQ, body: BODY.replace('liveCounts', 'experiments') }, settings));
    expect(tampered.toResponse()).toMatchObject({ statusCode: 403, body: { errors: [{ errorType: 'InvalidSignatureException' }] } });

    const wrongSecret = await signRequest({ url: 'http://localhost:4000/graphql', body: BODY }, { ...settings.iam, secretAccessKey: 'nope' });
    expect((await rejection(authenticate(wrongSecret, REQ, settings))).reason).toBe('invalid_signature');

    const stale = await signRequest({ url: 'http://localhost:4000/graphql', body: BODY, signingDate: new Date(Date.now() - 10 * 60_000) }, settings.iam);
    expect((await rejection(authenticate(stale, REQ, settings))).reason).toBe('signature_expired');
  });

  it('uses SPLITLOOP_ACCESS_KEY_ID / SPLITLOOP_SECRET_ACCESS_KEY', async () => {
    const custom = testSettings({}, { SPLITLOOP_ACCESS_KEY_ID: 'AKIACUSTOM0000000000', SPLITLOOP_SECRET_ACCESS_KEY: 's3cr3t', SPLITLOOP_ACCOUNT_ID: '123456789012' });
    const headers = await signRequest({ url: 'http://localhost:4000/graphql', body: BODY }, custom.iam);
    await expect(authenticate(headers, REQ, custom)).resolves.toMatchObject({
      mode: 'AWS_IAM',
      identity: { username: 'AKIACUSTOM0000000000', accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:user/local' },
    });
    expect((await rejection(authenticate(headers, REQ, settings))).errorType).toBe('UnrecognizedClientException');
  });

  it('rejects SigV4 when AWS_IAM is not an enabled mode', async () => {
    const noIam = testSettings({ additionalModes: ['AMAZON_COGNITO_USER_POOLS'] });
    const headers = await signRequest({ url: 'http://localhost:4000/graphql', body: BODY }, noIam.iam);
    const err = await rejection(authenticate(headers, REQ, noIam));
    expect(err.reason).toBe('mode_not_enabled');
    expect(err.toResponse().body.errors[0]).toEqual({ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' });
  });
});
