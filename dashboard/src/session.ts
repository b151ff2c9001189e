// The signed-in experimenter: a Cognito-style ID token for the API's `Authorization` header, kept
// fresh. Locally the token comes from /config.json (fetched again near expiry); in AWS from the
// Cognito user pool (USER_PASSWORD_AUTH, refreshed with the refresh token).
import { loadConfig, type CognitoConfig } from './config.ts';

export interface Session {
  /** `cognito:username` of the token. */
  readonly user: string;
  /** A token valid for at least another minute. */
  token(): Promise<string>;
  /** A new token (after the API rejected the current one). */
  refresh(): Promise<string>;
  signOut?(): void;
}

export function decodeJwt(token: string): { exp?: number; 'cognito:username'?: string; username?: string; 'cognito:groups'?: string[] } {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as ReturnType<typeof decodeJwt>;
  } catch {
    return {};
  }
}

const freshFor = (token: string, seconds: number) => (decodeJwt(token).exp ?? 0) * 1000 - Date.now() > seconds * 1000;
const userOf = (token: string) => decodeJwt(token)['cognito:username'] ?? decodeJwt(token).username ?? 'experimenter';

/** Local development: the loopback server hands out tokens in /config.json. */
export function localSession(initial: string): Session {
  let current = initial;
  let pending: Promise<string> | undefined;
  const refresh = () =>
    (pending ??= loadConfig()
      .then((cfg) => {
        if (!cfg.token) throw new Error('config.json no longer carries a token');
        current = cfg.token;
        return current;
      })
      .finally(() => {
        pending = undefined;
      }));
  return {
    user: userOf(initial),
    token: async () => (freshFor(current, 60) ? current : refresh()),
    refresh,
  };
}

// --- Cognito user pool (AWS) ----------------------------------------------------------------

interface CognitoTokens {
  idToken: string;
  refreshToken: string;
}

const STORAGE_KEY = 'splitloop.cognito';

export type SignInResult = { ok: true; session: Session } | { ok: false; challenge: 'NEW_PASSWORD_REQUIRED'; challengeSession: string };

async function cognitoCall(cfg: CognitoConfig, target: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`https://cognito-idp.${cfg.region}.amazonaws.com/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const type = String(json.__type ?? 'Error').split('#').pop();
    throw new Error(`${String(json.message ?? json.Message ?? `sign-in failed (HTTP ${response.status})`)} (${type})`);
  }
  return json;
}

function cognitoSession(cfg: CognitoConfig, tokens: CognitoTokens): Session {
  let current = tokens;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
  const refresh = async () => {
    const out = await cognitoCall(cfg, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: cfg.clientId,
      AuthParameters: { REFRESH_TOKEN: current.refreshToken },
    });
    const result = out.AuthenticationResult as { IdToken: string } | undefined;
    if (!result?.IdToken) throw new Error('the session expired: sign in again');
    current = { ...current, idToken: result.IdToken };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
    return current.idToken;
  };
  return {
    user: userOf(tokens.idToken),
    token: async () => (freshFor(current.idToken, 60) ? current.idToken : refresh()),
    refresh,
    signOut() {
      sessionStorage.removeItem(STORAGE_KEY);
      location.hash = '#/';
      location.reload();
    },
  };
}

/** A session kept in sessionStorage from an earlier sign-in in this tab, if any. */
export function storedCognitoSession(cfg: CognitoConfig): Session | null {
  try {
    const tokens = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as CognitoTokens | null;
    return tokens?.idToken && tokens.refreshToken ? cognitoSession(cfg, tokens) : null;
  } catch {
    return null;
  }
}

function sessionFrom(cfg: CognitoConfig, out: Record<string, unknown>): SignInResult {
  const result = out.AuthenticationResult as { IdToken?: string; RefreshToken?: string } | undefined;
  if (result?.IdToken && result.RefreshToken) return { ok: true, session: cognitoSession(cfg, { idToken: result.IdToken, refreshToken: result.RefreshToken }) };
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED') return { ok: false, challenge: 'NEW_PASSWORD_REQUIRED', challengeSession: String(out.Session) };
  throw new Error(`unsupported sign-in step ${String(out.ChallengeName ?? 'without tokens')}`);
}

export async function cognitoSignIn(cfg: CognitoConfig, username: string, password: string): Promise<SignInResult> {
  const out = await cognitoCall(cfg, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: cfg.clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return sessionFrom(cfg, out);
}

export async function cognitoNewPassword(cfg: CognitoConfig, username: string, newPassword: string, challengeSession: string): Promise<SignInResult> {
  const out = await cognitoCall(cfg, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: cfg.clientId,
    Session: challengeSession,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
  });
  return sessionFrom(cfg, out);
}
