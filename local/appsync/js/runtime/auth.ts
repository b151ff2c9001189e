// util.authType(): the host passes the request's auth mode; without one (EvaluateCode) the mode
// is read back from the identity's shape, as AWS does (recorded in localstack/appsync-utils
// __tests__/__snapshots__/authType.test.js.snap): an identity must carry every key of one mode
// and no key of another, else it counts as an API key request.
import { isMap } from './values.ts';

export const AUTH_TYPES = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
} as const;

const IAM_KEYS = ['accountId', 'cognitoIdentityPoolId', 'cognitoIdentityId', 'sourceIp', 'username', 'userArn', 'cognitoIdentityAuthType', 'cognitoIdentityAuthProvider'];
const USER_POOL_KEYS = ['sourceIp', 'username', 'sub', 'issuer', 'claims', 'defaultAuthStrategy'];
const OIDC_KEYS = ['sub', 'issuer', 'claims'];

function hasExactly(identity: Record<string, unknown>, required: string[], optional: string[] = []): boolean {
  const keys = Object.keys(identity);
  return required.every((k) => keys.includes(k)) && keys.every((k) => required.includes(k) || optional.includes(k));
}

export function inferAuthType(identity: unknown): string {
  if (!isMap(identity)) return AUTH_TYPES.API_KEY;
  const keys = Object.keys(identity);
  if (keys.every((k) => k === 'resolverContext' || k === 'handlerContext')) return AUTH_TYPES.AWS_LAMBDA;
  if (hasExactly(identity, IAM_KEYS) && Array.isArray(identity.sourceIp)) return AUTH_TYPES.AWS_IAM;
  if (hasExactly(identity, USER_POOL_KEYS, ['groups']) && Array.isArray(identity.sourceIp)) return AUTH_TYPES.AMAZON_COGNITO_USER_POOLS;
  if (hasExactly(identity, OIDC_KEYS)) return AUTH_TYPES.OPENID_CONNECT;
  return AUTH_TYPES.API_KEY;
}

/** Accepts either the display string or the AppSync mode name (e.g. "AWS_IAM"). */
export function normalizeAuthType(mode: string): string {
  return (AUTH_TYPES as Record<string, string>)[mode] ?? mode;
}
