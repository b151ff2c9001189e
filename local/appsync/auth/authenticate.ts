// Request authentication, as AppSync does it before any resolver runs: pick the authorization mode
// from the credential the request carries, check that the mode is enabled on the API, verify the
// credential, and build the `ctx.identity` object resolvers see. Failures are `UnauthorizedError`s that
// the HTTP layer turns into `{errors: [{errorType, message}]}` with the error's status code.
import type { AuthSettings } from './config.ts';
import { INVALID_AUTH_HEADER_MESSAGE, NOT_AUTHORIZED_MESSAGE, UnauthorizedError } from './errors.ts';
import type { CognitoClaims } from './jwt.ts';
import { apiKeyPrincipal } from './providers/api-key.ts';
import { iamPrincipal } from './providers/iam.ts';
import { userPoolPrincipal } from './providers/user-pools.ts';
import { isSigV4Authorization, type Body } from './sigv4.ts';

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

  // One file per mode under providers/; the precedence between them is AppSync's and lives here.
  if (authorization !== undefined) {
    if (isSigV4Authorization(authorization)) return iamPrincipal(headers, request, settings, ips, options);
    return userPoolPrincipal(authorization, settings, ips, options);
  }
  const apiKey = header(headers, 'x-api-key');
  if (apiKey !== undefined) return apiKeyPrincipal(apiKey, settings);

  throw new UnauthorizedError(missingCredentialMessage(settings), 'missing_credentials');
}
