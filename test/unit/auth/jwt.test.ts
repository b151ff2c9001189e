import { createPrivateKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authSettingsFromEnv, cognitoIssuer } from '../../../local/appsync/auth/config.ts';
import {
  decodeToken,
  getSigningKey,
  jwks,
  JwtError,
  signToken,
  subjectFor,
  verifyToken,
  type JwtErrorCode,
} from '../../../local/appsync/auth/jwt.ts';
import { cleanupTempDirs, tempDir, testSettings } from './helpers.ts';

afterAll(cleanupTempDirs);

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function errorCode(fn: () => unknown): JwtErrorCode | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof JwtError) return error.code;
    throw error;
  }
}

describe('signToken → verifyToken', () => {
  const settings = testSettings();

  it('round-trips a Cognito-style ID token with the standard claims', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signToken({ user: 'alice', groups: ['experimenters', 'viewers'], email: 'alice@example.com', now, expiresInSeconds: 600 }, settings);
    expect(token.split('.')).toHaveLength(3);
    const { header } = decodeToken(token);
    expect(header).toEqual({ kid: getSigningKey(settings).kid, alg: 'RS256' });

    const claims = verifyToken(token, settings);
    expect(claims.iss).toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool');
    expect(claims.iss).toBe(settings.cognito.issuer);
    expect(claims['cognito:username']).toBe('alice');
    expect(claims['cognito:groups']).toEqual(['experimenters', 'viewers']);
    expect(claims.email).toBe('alice@example.com');
    expect(claims.email_verified).toBe(true);
    expect(claims.token_use).toBe('id');
    expect(claims.aud).toBe(settings.cognito.clientId);
    expect(claims.iat).toBe(now);
    expect(claims.auth_time).toBe(now);
    expect(claims.exp).toBe(now + 600);
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(claims.sub).toBe(subjectFor('alice', settings.cognito));
    expect(typeof claims.jti).toBe('string');
  });

  it('defaults to a one-hour lifetime, omits cognito:groups and email when not given', () => {
    const now = 1_700_000_000;
    const claims = verifyToken(signToken({ user: 'bob', now }, settings), settings, { now: now + 1 });
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims).not.toHaveProperty('cognito:groups');
    expect(claims).not.toHaveProperty('email');
  });

  it('keeps a UUID user as the sub and signs access tokens too', () => {
    const id = '7d8ca528-4931-4254-9273-ea5ee853f271';
    expect(verifyToken(signToken({ user: id }, settings), settings).sub).toBe(id);
    const access = verifyToken(signToken({ user: 'carol', tokenUse: 'access', groups: ['g'] }, settings), settings);
    expect(access.token_use).toBe('access');
    expect(access.client_id).toBe(settings.cognito.clientId);
    expect(access.username).toBe('carol');
    expect(access).not.toHaveProperty('aud');
  });

  it('rejects an expired token', () => {
    const now = 1_700_000_000;
    const token = signToken({ user: 'alice', now, expiresInSeconds: 60 }, settings);
    expect(errorCode(() => verifyToken(token, settings, { now: now + 59 }))).toBe('no error');
    expect(errorCode(() => verifyToken(token, settings, { now: now + 60 }))).toBe('expired');
    // And with the real clock: issued two hours ago for one hour.
    const old = signToken({ user: 'alice', now: Math.floor(Date.now() / 1000) - 7200 }, settings);
    expect(errorCode(() => verifyToken(old, settings))).toBe('expired');
  });

  it('rejects a tampered payload (extra group) and a tampered signature', () => {
    const token = signToken({ user: 'mallory', groups: ['viewers'] }, settings);
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims['cognito:groups'] = ['experimenters'];
    expect(errorCode(() => verifyToken(`${h}.${b64(claims)}.${s}`, settings))).toBe('invalid_signature');
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    expect(errorCode(() => verifyToken(`${h}.${p}.${flipped}`, settings))).toBe('invalid_signature');
  });

  it('rejects a token signed by another key, even one claiming our kid', () => {
    const other = testSettings();
    const foreign = signToken({ user: 'alice' }, other);
    expect(getSigningKey(other).kid).not.toBe(getSigningKey(settings).kid);
    expect(errorCode(() => verifyToken(foreign, settings))).toBe('invalid_signature');

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ kid: getSigningKey(settings).kid, alg: 'RS256' })}.${b64({
      sub: 'x', iss: settings.cognito.issuer, token_use: 'id', exp: now + 60, iat: now,
    })}`;
    const forged = `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect(errorCode(() => verifyToken(forged, settings))).toBe('invalid_signature');
  });

  it('rejects alg "none" and HS256', () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = b64({ sub: 'x', iss: settings.cognito.issuer, token_use: 'id', exp: now + 60, iat: now });
    expect(errorCode(() => verifyToken(`${b64({ alg: 'none' })}.${payload}.`, settings))).toBe('malformed');
    expect(errorCode(() => verifyToken(`${b64({ alg: 'none' })}.${payload}.AAAA`, settings))).toBe('unsupported_alg');
    expect(errorCode(() => verifyToken(`${b64({ alg: 'HS256', kid: getSigningKey(settings).kid })}.${payload}.AAAA`, settings))).toBe('unsupported_alg');
  });

  it('rejects a token of another user pool (same key, other issuer)', () => {
    const otherPool = { cognito: { ...settings.cognito, userPoolId: 'us-east-1_other', issuer: cognitoIssuer('us-east-1', 'us-east-1_other') } };
    const token = signToken({ user: 'alice' }, otherPool);
    expect(errorCode(() => verifyToken(token, otherPool))).toBe('no error');
    expect(errorCode(() => verifyToken(token, settings))).toBe('wrong_issuer');
  });

  it('rejects garbage', () => {
    expect(errorCode(() => verifyToken('not-a-jwt', settings))).toBe('malformed');
    expect(errorCode(() => verifyToken('a.b.c', settings))).toBe('malformed');
    expect(errorCode(() => verifyToken(`Bearer ${signToken({ user: 'a' }, settings)}`, settings))).toBe('malformed');
  });

  it('applies appIdClientRegex to aud', () => {
    const strict = { cognito: { ...settings.cognito, appIdClientRegex: 'other-client' } };
    expect(errorCode(() => verifyToken(signToken({ user: 'a' }, settings), strict))).toBe('invalid_claims');
    const loose = { cognito: { ...settings.cognito, appIdClientRegex: 'localapp.*' } };
    expect(errorCode(() => verifyToken(signToken({ user: 'a' }, settings), loose))).toBe('no error');
  });
});

describe('signing key', () => {
  it('is an RSA key persisted under the data dir on first use and reused afterwards', () => {
    const dir = tempDir();
    const env = {};
    const a = authSettingsFromEnv(env, { dataDir: dir });
    const keyFile = join(dir, 'jwt-key.pem');
    expect(a.cognito.keyFile).toBe(keyFile);
    const token = signToken({ user: 'alice' }, a);
    const pem = readFileSync(keyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const fromFile = createPrivateKey(pem);
    expect(fromFile.asymmetricKeyType).toBe('rsa');
    expect(fromFile.asymmetricKeyDetails?.modulusLength).toBe(2048);

    // A second settings object (as a second process builds it) verifies with the same file.
    const b = authSettingsFromEnv(env, { dataDir: dir });
    expect(verifyToken(token, b)['cognito:username']).toBe('alice');
    expect(readFileSync(keyFile, 'utf8')).toBe(pem);
  });

  it('publishes the public key as a JWKS with the token kid', () => {
    const settings = testSettings();
    const set = jwks(settings);
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB', kid: getSigningKey(settings).kid });
    expect(set.keys[0]).not.toHaveProperty('d');
    expect(decodeToken(signToken({ user: 'x' }, settings)).header.kid).toBe(set.keys[0]!.kid);
  });
});
