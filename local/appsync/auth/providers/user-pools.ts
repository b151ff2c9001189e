// AMAZON_COGNITO_USER_POOLS: a bare `Authorization: <jwt>` (as Amplify sends it), verified against
// the local pool's key; failures get AppSync's messages (unparsable, expired, invalid).
import { isModeEnabled, type AuthSettings } from '../config.ts';
import { EXPIRED_JWT_MESSAGE, INVALID_AUTH_HEADER_MESSAGE, UNPARSABLE_JWT_MESSAGE, UnauthorizedError } from '../errors.ts';
import { JwtError, verifyToken, type CognitoClaims } from '../jwt.ts';
import type { AuthenticateOptions, Principal } from '../authenticate.ts';
import { notEnabled } from './shared.ts';

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

export function userPoolPrincipal(authorization: string, settings: AuthSettings, sourceIp: string[], options: AuthenticateOptions): Principal {
  if (!isModeEnabled(settings, 'AMAZON_COGNITO_USER_POOLS')) throw notEnabled('AMAZON_COGNITO_USER_POOLS', INVALID_AUTH_HEADER_MESSAGE);
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
      sourceIp,
      defaultAuthStrategy: settings.cognito.defaultAction,
      groups: Array.isArray(groups) ? [...groups] : null,
    },
  };
}
