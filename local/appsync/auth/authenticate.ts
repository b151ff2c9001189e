// Request authentication, as AppSync does it before any resolver runs: pick the authorization mode
// from the credential the request carries, check that the mode is enabled on the API, verify the
// credential, and build the `ctx.identity` object resolvers see. Failures are `UnauthorizedError`s that
// the HTTP layer turns into `{errors: [{errorType, message}]}` with the error's status code.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isModeEnabled, type AuthMode, type AuthSettings } from './config.ts';
import {
  EXPIRED_JWT_MESSAGE,
  INVALID_AUTH_HEADER_MESSAGE,
  NOT_AUTHORIZED_MESSAGE,
  UNPARSABLE_JWT_MESSAGE,
  UnauthorizedError,
} from './errors.ts';
import { JwtError, verifyToken, type CognitoClaims } from './jwt.ts';
import { isSigV4Authorization, verifySigV4, type Body } from './sigv4.ts';

export { UnauthorizedError, unauthorizedResponse, type UnauthorizedResponse } from './errors.ts';

/** `ctx.identity` for AMAZON_COGNITO_USER_POOLS. */
export interface CognitoIdentity {
  sub: string;
  issuer: string;
  username: string;
  claims: CognitoClaims;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW' | 'DENY';
  groups: string[] | null;
}

/** `ctx.identity` for AWS_IAM. */
export interface IamIdentity {
  accountId: string;
  cognitoIdentityPoolId: string | null;
  cognitoIdentityId: string | null;
  sourceIp: string[];
  username: string;
  userArn: string;
  cognitoIdentityAuthType: string | null;
  cognitoIdentityAuthProvider: string | null;
}

export type Principal =
  | { mode: 'API_KEY'; identity: null }
  | { mode: 'AWS_IAM'; identity: IamIdentity }
  | { mode: 'AMAZON_COGNITO_USER_POOLS'; identity: CognitoIdentity };

export type AppSyncIdentity = Principal['identity'];

export interface RequestInfo {
  method: string;
  /** Request target as received (path and optional query string). */
  path: string;
  /** Raw body as received; SigV4 signs these exact bytes. */
  body?: Body;
  /** The peer address; defaults to the first `x-forwarded-for` entry, else 127.0.0.1. */
  sourceIp?: string;
}

export interface AuthenticateOptions {
  /** Clock for token expiry and signature dates (tests). */
  now?: Date;
}

export type RequestHeaders = Record<string, string | string[] | undefined>;

function header(headers: RequestHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text.trim() !== '') return text;
  }
  return undefined;
}

function sourceIps(headers: RequestHeaders, request: RequestInfo): string[] {
  if (request.sourceIp) return [request.sourceIp.replace(/^::ffff:/, '')];
  const forwarded = header(headers, 'x-forwarded-for');
  const first = forwarded?.split(',')[0]?.trim();
  return [first && first.length > 0 ? first : '127.0.0.1'];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function apiKeyMatches(candidate: string, keys: readonly string[]): boolean {
  const d = digest(candidate);
  let found = false;
  for (const key of keys) if (timingSafeEqual(d, digest(key))) found = true;
  return found;
}

function notEnabled(mode: AuthMode, message: string): UnauthorizedError {
  return new UnauthorizedError(message, 'mode_not_enabled', { cause: `${mode} is not enabled on this API` });
}

function jwtFailure(error: JwtError): UnauthorizedError {
  switch (error.code) {
    case 'malformed':
      return new UnauthorizedError(UNPARSABLE_JWT_MESSAGE, 'malformed_token', { cause: error });
    case 'expired':
      return new UnauthorizedError(EXPIRED_JWT_MESSAGE, 'token_expired', { cause: error });
    case 'wrong_issuer':
      return new UnauthorizedError(INVALID_AUTH_HEADER_MESSAGE, 'wrong_issuer', { cause: error });
    default:
      return new UnauthorizedError(INVALID_AUTH_HEADER_MESSAGE, 'invalid_token', { cause: error });
  }
}

/** The message AppSync gives a request without any credential, by the API's default mode. */
function missingCredentialMessage(settings: AuthSettings): string {
  return settings.defaultMode === 'API_KEY' || settings.defaultMode === 'AWS_IAM' ? NOT_AUTHORIZED_MESSAGE : INVALID_AUTH_HEADER_MESSAGE;
}

/**
 * Authenticates one request (an HTTP POST, or the decoded `header` of a realtime connection / start
 * message). Precedence: an `Authorization` header starting with AWS4-HMAC-SHA256 is IAM; any other
 * `Authorization` value is a user pool JWT (bare, as Amplify sends it; a "Bearer " prefix is rejected,
 * as AppSync does); otherwise `x-api-key` is the API key.
 */
export async function authenticate(
  headers: RequestHeaders,
  request: RequestInfo,
  settings: AuthSettings,
  options: AuthenticateOptions = {},
): Promise<Principal> {
  const authorization = header(headers, 'authorization');
  const ips = sourceIps(headers, request);

  if (authorization !== undefined) {
    if (isSigV4Authorization(authorization)) {
      if (!isModeEnabled(settings, 'AWS_IAM')) throw notEnabled('AWS_IAM', NOT_AUTHORIZED_MESSAGE);
      const verified = await verifySigV4(
        { method: request.method, path: request.path, headers, body: request.body },
        settings.iam,
        options.now ? { now: options.now } : {},
      );
      return {
        mode: 'AWS_IAM',
        identity: {
          accountId: settings.iam.accountId,
          cognitoIdentityPoolId: null,
          cognitoIdentityId: null,
          sourceIp: ips,
          username: verified.accessKeyId,
          userArn: settings.iam.userArn,
          cognitoIdentityAuthType: null,
          cognitoIdentityAuthProvider: null,
        },
      };
    }
    if (!isModeEnabled(settings, 'AMAZON_COGNITO_USER_POOLS')) {
      throw notEnabled('AMAZON_COGNITO_USER_POOLS', INVALID_AUTH_HEADER_MESSAGE);
    }
    let claims: CognitoClaims;
    try {
      claims = verifyToken(authorization.trim(), settings, options.now ? { now: Math.floor(options.now.getTime() / 1000) } : {});
    } catch (error) {
      if (error instanceof JwtError) throw jwtFailure(error);
      throw error;
    }
    const groups = claims['cognito:groups'];
    const username = claims['cognito:username'] ?? claims.username ?? claims.sub;
    return {
      mode: 'AMAZON_COGNITO_USER_POOLS',
      identity: {
        sub: claims.sub,
        issuer: claims.iss,
        username: String(username),
        claims,
        sourceIp: ips,
        defaultAuthStrategy: settings.cognito.defaultAction,
        groups: Array.isArray(groups) ? [...groups] : null,
      },
    };
  }

  const apiKey = header(headers, 'x-api-key');
  if (apiKey !== undefined) {
    if (!isModeEnabled(settings, 'API_KEY')) throw notEnabled('API_KEY', NOT_AUTHORIZED_MESSAGE);
    if (!apiKeyMatches(apiKey.trim(), settings.apiKeys)) {
      throw new UnauthorizedError(NOT_AUTHORIZED_MESSAGE, 'invalid_api_key');
    }
    return { mode: 'API_KEY', identity: null };
  }

  throw new UnauthorizedError(missingCredentialMessage(settings), 'missing_credentials');
}
