// Cognito-style JWTs signed by a local RSA key (RS256 with a `kid`, like a user pool's JWKS keys), so
// that clients written for Cognito user pools (Amplify sends the ID token as a bare `Authorization`
// header) run unchanged against the local API.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign as cryptoSign,
  verify as cryptoVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuthSettings, CognitoSettings } from './config.ts';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface SignTokenInput {
  /** `cognito:username` (ID token) / `username` (access token). */
  user: string;
  groups?: string[];
  email?: string;
  expiresInSeconds?: number;
  /** Defaults to `user` when that is a UUID, else a UUID derived from the pool id and `user`. */
  sub?: string;
  /** `id` (default, what Amplify sends to AppSync) or `access`. */
  tokenUse?: 'id' | 'access';
  /** Issue time in epoch seconds (tests). Default: now. */
  now?: number;
  /** More claims (custom attributes like `custom:tenant`); cannot override the standard ones. */
  extraClaims?: Record<string, unknown>;
}

export interface CognitoClaims {
  sub: string;
  iss: string;
  token_use: 'id' | 'access';
  exp: number;
  iat: number;
  auth_time?: number;
  aud?: string;
  client_id?: string;
  'cognito:username'?: string;
  username?: string;
  'cognito:groups'?: string[];
  email?: string;
  email_verified?: boolean;
  jti?: string;
  [claim: string]: unknown;
}

export type JwtErrorCode = 'malformed' | 'unsupported_alg' | 'invalid_signature' | 'wrong_issuer' | 'expired' | 'invalid_claims';

export class JwtError extends Error {
  readonly code: JwtErrorCode;
  constructor(code: JwtErrorCode, message: string) {
    super(message);
    this.name = 'JwtError';
    this.code = code;
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------------------------------
// Signing key: one RSA key pair per key file, created on first use and cached per process.

const keyCache = new Map<string, SigningKey>();
let ephemeralKey: SigningKey | undefined;

function toSigningKey(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  // RFC 7638 thumbprint: a stable kid derived from the public key.
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }))
    .digest('base64url');
  return { kid: thumbprint, privateKey, publicKey };
}

function generatePem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
}

function loadOrCreateKeyFile(keyFile: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(keyFile), { recursive: true });
    // Write a temporary file, then hard-link it into place: atomic, and the first of several racing
    // processes (server and `splitloop token`) wins while the others read its key.
    const tmp = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, generatePem(), { mode: 0o600 });
    try {
      linkSync(tmp, keyFile);
    } catch (linkError) {
      if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
    } finally {
      unlinkSync(tmp);
    }
    pem = readFileSync(keyFile, 'utf8');
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${keyFile}: expected an RSA private key`);
  return toSigningKey(privateKey);
}

/** The key that signs and verifies local tokens for these settings. */
export function getSigningKey(settings: Pick<AuthSettings, 'cognito'>): SigningKey {
  const keyFile = settings.cognito.keyFile;
  if (!keyFile) {
    ephemeralKey ??= toSigningKey(createPrivateKey(generatePem()));
    return ephemeralKey;
  }
  let key = keyCache.get(keyFile);
  if (!key) {
    key = loadOrCreateKeyFile(keyFile);
    keyCache.set(keyFile, key);
  }
  return key;
}

/** The JWKS document a user pool publishes at `<issuer>/.well-known/jwks.json`. */
export function jwks(settings: Pick<AuthSettings, 'cognito'>): { keys: JsonWebKey[] } {
  const key = getSigningKey(settings);
  const jwk = key.publicKey.export({ format: 'jwk' }) as JsonWebKey;
  return { keys: [{ alg: 'RS256', e: jwk.e, kid: key.kid, kty: 'RSA', n: jwk.n, use: 'sig' }] };
}

// ---------------------------------------------------------------------------------------------------

/** Cognito's `sub` is a UUID; derive a stable one from the username when none is given. */
export function subjectFor(user: string, cognito: Pick<CognitoSettings, 'userPoolId'>): string {
  if (UUID_RE.test(user)) return user.toLowerCase();
  const h = createHash('sha256').update(`${cognito.userPoolId}:${user}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs a Cognito-style ID token (or access token) for `input.user`. */
export function signToken(input: SignTokenInput, settings: Pick<AuthSettings, 'cognito'>): string {
  if (typeof input.user !== 'string' || input.user.length === 0) throw new TypeError('signToken: user is required');
  const lifetime = input.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isFinite(lifetime)) throw new TypeError('signToken: expiresInSeconds must be a finite number');
  const now = Math.floor(input.now ?? Date.now() / 1000);
  const tokenUse = input.tokenUse ?? 'id';
  const { cognito } = settings;
  const groups = input.groups?.filter((g) => g.length > 0) ?? [];
  const sub = input.sub ?? subjectFor(input.user, cognito);

  const standard: Record<string, unknown> = { sub };
  if (groups.length > 0) standard['cognito:groups'] = groups;
  if (tokenUse === 'id') {
    if (input.email !== undefined) {
      standard.email_verified = true;
    }
    Object.assign(standard, {
      iss: cognito.issuer,
      'cognito:username': input.user,
      aud: cognito.clientId,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: now,
      exp: now + lifetime,
      iat: now,
      jti: randomUUID(),
    });
    if (input.email !== undefined) standard.email = input.email;
  } else {
    Object.assign(standard, {
      iss: cognito.issuer,
      client_id: cognito.clientId,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      exp: now + lifetime,
      iat: now,
      jti: randomUUID(),
      username: input.user,
    });
  }
  const claims = { ...(input.extraClaims ?? {}), ...standard };

  const key = getSigningKey(settings);
  const signingInput = `${b64url({ kid: key.kid, alg: 'RS256' })}.${b64url(claims)}`;
  const signature = cryptoSign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

const B64URL_RE = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string): Record<string, unknown> {
  if (!B64URL_RE.test(segment) || segment.length === 0) throw new JwtError('malformed', 'token segment is not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed', 'token segment is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JwtError('malformed', 'token segment is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Parses a JWT without checking it (for logs and debugging). */
export function decodeToken(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'a JWT has three dot-separated segments');
  return { header: decodeSegment(parts[0]!), claims: decodeSegment(parts[1]!) };
}

export interface VerifyTokenOptions {
  /** Epoch seconds (tests). Default: now. */
  now?: number;
}

/**
 * Checks a token the way AppSync checks a user pool token: RS256 signature by the pool's key, `iss` of
 * the pool, `token_use` id or access, not expired, and (when configured) the app client id.
 */
export function verifyToken(token: string, settings: Pick<AuthSettings, 'cognito'>, options: VerifyTokenOptions = {}): CognitoClaims {
  if (typeof token !== 'string') throw new JwtError('malformed', 'token is not a string');
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'a JWT has three dot-separated segments');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeSegment(headerPart);
  const claims = decodeSegment(payloadPart);
  if (!B64URL_RE.test(signaturePart) || signaturePart.length === 0) throw new JwtError('malformed', 'signature is not base64url');

  if (header.alg !== 'RS256') throw new JwtError('unsupported_alg', `unsupported JWT algorithm ${JSON.stringify(header.alg)}`);
  const key = getSigningKey(settings);
  if (header.kid !== key.kid) throw new JwtError('invalid_signature', 'token was not signed by a key of this user pool');
  const valid = cryptoVerify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    key.publicKey,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!valid) throw new JwtError('invalid_signature', 'token signature is invalid');

  const { cognito } = settings;
  if (claims.iss !== cognito.issuer) {
    throw new JwtError('wrong_issuer', `token issuer ${JSON.stringify(claims.iss)} is not ${cognito.issuer}`);
  }
  if (claims.token_use !== 'id' && claims.token_use !== 'access') {
    throw new JwtError('invalid_claims', 'token_use must be "id" or "access"');
  }
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new JwtError('invalid_claims', 'token has no sub');
  if (typeof claims.exp !== 'number') throw new JwtError('invalid_claims', 'token has no exp');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now >= claims.exp) throw new JwtError('expired', 'token has expired');
  if (cognito.appIdClientRegex !== undefined) {
    const clientId = claims.token_use === 'id' ? claims.aud : claims.client_id;
    if (typeof clientId !== 'string' || !new RegExp(`^(?:${cognito.appIdClientRegex})$`).test(clientId)) {
      throw new JwtError('invalid_claims', 'token client id does not match appIdClientRegex');
    }
  }
  const groups = claims['cognito:groups'];
  if (groups !== undefined && (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))) {
    throw new JwtError('invalid_claims', 'cognito:groups must be a list of strings');
  }
  return claims as CognitoClaims;
}
