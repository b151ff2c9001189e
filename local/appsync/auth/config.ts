// Authorization settings of the local AppSync emulator: which modes the API enables (AppSync's default
// authorization type plus its additional authorization providers) and the local credentials each mode
// accepts. Generic: nothing here knows which app runs on the emulator.
import { join, resolve } from 'node:path';
import type { AuthDefinition, AuthMode } from '../../../resolvers/manifest-types.ts';

export type { AuthMode };

export const AUTH_MODES: readonly AuthMode[] = [
  'API_KEY',
  'AWS_IAM',
  'AMAZON_COGNITO_USER_POOLS',
  'OPENID_CONNECT',
  'AWS_LAMBDA',
];

export interface IamSettings {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  accountId: string;
  /** The caller's ARN reported in `ctx.identity.userArn`. */
  userArn: string;
}

export interface CognitoSettings {
  userPoolId: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`; tokens with another `iss` are rejected. */
  issuer: string;
  /** The app client id: `aud` of ID tokens, `client_id` of access tokens. */
  clientId: string;
  /**
   * PEM file of the RSA key that signs local tokens, created on first use. Without it a key is made per
   * process (so tokens from one process are not accepted by another).
   */
  keyFile?: string;
  /** AppSync's `userPoolConfig.defaultAction`; only meaningful when Cognito is the only mode. */
  defaultAction: 'ALLOW' | 'DENY';
  /** AppSync's `userPoolConfig.appIdClientRegex`: when set, the token's client id must match. */
  appIdClientRegex?: string;
}

export interface AuthSettings {
  defaultMode: AuthMode;
  additionalModes: AuthMode[];
  apiKeys: string[];
  iam: IamSettings;
  cognito: CognitoSettings;
}

export const DEFAULT_API_KEY = 'da2-localdevkey000000000000';
export const DEFAULT_ACCESS_KEY_ID = 'AKIALOCALSPLITLOOP00';
export const DEFAULT_SECRET_ACCESS_KEY = 'local-secret';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_CLIENT_ID = 'localappclient0000000000000';
export const DEFAULT_DATA_DIR = '.splitloop';
export const JWT_KEY_FILE_NAME = 'jwt-key.pem';

export interface AuthSettingsOptions {
  /** Where the JWT signing key lives (`<dataDir>/jwt-key.pem`). Default: `SPLITLOOP_DATA_DIR` or `./.splitloop`. */
  dataDir?: string;
  /** Overrides `SPLITLOOP_AUTH_DEFAULT_MODE` (e.g. from the app's infrastructure definition). */
  defaultMode?: AuthMode;
  /** Overrides `SPLITLOOP_AUTH_ADDITIONAL_MODES`. */
  additionalModes?: AuthMode[];
  /**
   * The modes the app declares (its manifest's `auth`), used when the environment sets none. Without
   * it: API_KEY, with AWS_IAM and AMAZON_COGNITO_USER_POOLS (for tools run without an app).
   */
  appModes?: Pick<AuthDefinition, 'defaultMode' | 'additionalModes'>;
  /** Base for a relative data dir. Default: `process.cwd()`. */
  cwd?: string;
}

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

export function isAuthMode(value: string): value is AuthMode {
  return (AUTH_MODES as readonly string[]).includes(value);
}

function parseMode(value: string, variable: string): AuthMode {
  const mode = value.trim().toUpperCase();
  if (!isAuthMode(mode)) {
    throw new AuthConfigError(`${variable}: unknown authorization mode "${value}" (expected one of ${AUTH_MODES.join(', ')})`);
  }
  return mode;
}

function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** Every mode the API accepts: the default one first. */
export function enabledModes(settings: Pick<AuthSettings, 'defaultMode' | 'additionalModes'>): AuthMode[] {
  return [settings.defaultMode, ...settings.additionalModes.filter((m) => m !== settings.defaultMode)];
}

export function isModeEnabled(settings: Pick<AuthSettings, 'defaultMode' | 'additionalModes'>, mode: AuthMode): boolean {
  return settings.defaultMode === mode || settings.additionalModes.includes(mode);
}

/**
 * Reads the local credentials from the environment:
 *
 * | variable | default |
 * | --- | --- |
 * | `SPLITLOOP_API_KEY` (comma-separated for several) | `da2-localdevkey000000000000` |
 * | `SPLITLOOP_ACCESS_KEY_ID` / `SPLITLOOP_SECRET_ACCESS_KEY` | `AKIALOCALSPLITLOOP00` / `local-secret` |
 * | `SPLITLOOP_REGION` | `us-east-1` |
 * | `SPLITLOOP_ACCOUNT_ID` | `000000000000` |
 * | `SPLITLOOP_USER_POOL_ID` | `<region>_localpool` |
 * | `SPLITLOOP_USER_POOL_CLIENT_ID` | `localappclient0000000000000` |
 * | `SPLITLOOP_AUTH_DEFAULT_MODE` | the app's `auth.defaultMode`, else `API_KEY` |
 * | `SPLITLOOP_AUTH_ADDITIONAL_MODES` (comma-separated) | the app's `auth.additionalModes`, else `AWS_IAM,AMAZON_COGNITO_USER_POOLS` |
 * | `SPLITLOOP_USER_POOL_DEFAULT_ACTION` | `ALLOW` |
 * | `SPLITLOOP_DATA_DIR` | `.splitloop` (JWT key in `<dir>/jwt-key.pem`) |
 */
export function authSettingsFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: AuthSettingsOptions = {},
): AuthSettings {
  const region = nonEmpty(env.SPLITLOOP_REGION) ?? DEFAULT_REGION;
  const accountId = nonEmpty(env.SPLITLOOP_ACCOUNT_ID) ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) throw new AuthConfigError(`SPLITLOOP_ACCOUNT_ID must be 12 digits, got "${accountId}"`);

  const defaultMode =
    options.defaultMode ??
    (nonEmpty(env.SPLITLOOP_AUTH_DEFAULT_MODE)
      ? parseMode(env.SPLITLOOP_AUTH_DEFAULT_MODE as string, 'SPLITLOOP_AUTH_DEFAULT_MODE')
      : (options.appModes?.defaultMode ?? 'API_KEY'));
  const additionalRaw =
    options.additionalModes ??
    (env.SPLITLOOP_AUTH_ADDITIONAL_MODES !== undefined
      ? parseList(env.SPLITLOOP_AUTH_ADDITIONAL_MODES).map((m) => parseMode(m, 'SPLITLOOP_AUTH_ADDITIONAL_MODES'))
      : (options.appModes?.additionalModes ?? (['AWS_IAM', 'AMAZON_COGNITO_USER_POOLS'] as AuthMode[])));
  const additionalModes = [...new Set(additionalRaw)].filter((m) => m !== defaultMode);

  const apiKeys = env.SPLITLOOP_API_KEY !== undefined ? parseList(env.SPLITLOOP_API_KEY) : [DEFAULT_API_KEY];
  if (apiKeys.length === 0) apiKeys.push(DEFAULT_API_KEY);

  const userPoolId = nonEmpty(env.SPLITLOOP_USER_POOL_ID) ?? `${region}_localpool`;
  const defaultActionRaw = (nonEmpty(env.SPLITLOOP_USER_POOL_DEFAULT_ACTION) ?? 'ALLOW').toUpperCase();
  if (defaultActionRaw !== 'ALLOW' && defaultActionRaw !== 'DENY') {
    throw new AuthConfigError(`SPLITLOOP_USER_POOL_DEFAULT_ACTION must be ALLOW or DENY, got "${defaultActionRaw}"`);
  }

  const dataDir = resolve(options.cwd ?? process.cwd(), options.dataDir ?? nonEmpty(env.SPLITLOOP_DATA_DIR) ?? DEFAULT_DATA_DIR);

  return {
    defaultMode,
    additionalModes,
    apiKeys,
    iam: {
      accessKeyId: nonEmpty(env.SPLITLOOP_ACCESS_KEY_ID) ?? DEFAULT_ACCESS_KEY_ID,
      secretAccessKey: nonEmpty(env.SPLITLOOP_SECRET_ACCESS_KEY) ?? DEFAULT_SECRET_ACCESS_KEY,
      region,
      accountId,
      userArn: `arn:aws:iam::${accountId}:user/local`,
    },
    cognito: {
      userPoolId,
      issuer: cognitoIssuer(region, userPoolId),
      clientId: nonEmpty(env.SPLITLOOP_USER_POOL_CLIENT_ID) ?? DEFAULT_CLIENT_ID,
      keyFile: join(dataDir, JWT_KEY_FILE_NAME),
      defaultAction: defaultActionRaw,
    },
  };
}
