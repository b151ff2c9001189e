import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, authSettingsFromEnv, enabledModes, isModeEnabled } from '../../../local/appsync/auth/config.ts';

describe('authSettingsFromEnv', () => {
  it("uses CONTRACT.md's defaults", () => {
    const s = authSettingsFromEnv({}, { cwd: '/srv/app' });
    expect(s).toEqual({
      defaultMode: 'API_KEY',
      additionalModes: ['AWS_IAM', 'AMAZON_COGNITO_USER_POOLS'],
      apiKeys: ['da2-localdevkey000000000000'],
      iam: {
        accessKeyId: 'AKIALOCALSPLITLOOP00',
        secretAccessKey: 'local-secret',
        region: 'us-east-1',
        accountId: '000000000000',
        userArn: 'arn:aws:iam::000000000000:user/local',
      },
      cognito: {
        userPoolId: 'us-east-1_localpool',
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool',
        clientId: 'localappclient0000000000000',
        keyFile: resolve('/srv/app/.splitloop/jwt-key.pem'),
        defaultAction: 'ALLOW',
      },
    });
    expect(enabledModes(s)).toEqual(['API_KEY', 'AWS_IAM', 'AMAZON_COGNITO_USER_POOLS']);
  });

  it('reads the environment', () => {
    const s = authSettingsFromEnv({
      SPLITLOOP_API_KEY: 'da2-a, da2-b',
      SPLITLOOP_ACCESS_KEY_ID: 'AKIAX',
      SPLITLOOP_SECRET_ACCESS_KEY: 'sec',
      SPLITLOOP_REGION: 'eu-west-1',
      SPLITLOOP_USER_POOL_ID: 'eu-west-1_abc',
      SPLITLOOP_AUTH_DEFAULT_MODE: 'amazon_cognito_user_pools',
      SPLITLOOP_AUTH_ADDITIONAL_MODES: 'API_KEY,AMAZON_COGNITO_USER_POOLS',
      SPLITLOOP_DATA_DIR: '/var/data',
    });
    expect(s.apiKeys).toEqual(['da2-a', 'da2-b']);
    expect(s.iam).toMatchObject({ accessKeyId: 'AKIAX', secretAccessKey: 'sec', region: 'eu-west-1' });
    expect(s.cognito.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc');
    expect(s.cognito.keyFile).toBe(resolve('/var/data/jwt-key.pem'));
    expect(s.defaultMode).toBe('AMAZON_COGNITO_USER_POOLS');
    expect(s.additionalModes).toEqual(['API_KEY']);
    expect(isModeEnabled(s, 'AWS_IAM')).toBe(false);
  });

  it('lets the caller set the modes and the data dir', () => {
    const s = authSettingsFromEnv({ SPLITLOOP_AUTH_DEFAULT_MODE: 'AWS_IAM' }, { defaultMode: 'API_KEY', additionalModes: [], dataDir: '/tmp/x' });
    expect(enabledModes(s)).toEqual(['API_KEY']);
    expect(s.cognito.keyFile).toBe(resolve('/tmp/x/jwt-key.pem'));
  });

  it("takes the app's declared modes when the environment sets none, and lets the environment override them", () => {
    const app = { defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: ['AWS_IAM'] } as const;
    expect(enabledModes(authSettingsFromEnv({}, { appModes: { ...app, additionalModes: [...app.additionalModes] }, dataDir: '/tmp/x' }))).toEqual([
      'AMAZON_COGNITO_USER_POOLS',
      'AWS_IAM',
    ]);
    const s = authSettingsFromEnv({ SPLITLOOP_AUTH_DEFAULT_MODE: 'API_KEY', SPLITLOOP_AUTH_ADDITIONAL_MODES: '' }, { appModes: { ...app, additionalModes: [] }, dataDir: '/tmp/x' });
    expect(enabledModes(s)).toEqual(['API_KEY']);
  });

  it('rejects unknown modes and malformed values', () => {
    expect(() => authSettingsFromEnv({ SPLITLOOP_AUTH_DEFAULT_MODE: 'BASIC' })).toThrow(AuthConfigError);
    expect(() => authSettingsFromEnv({ SPLITLOOP_AUTH_ADDITIONAL_MODES: 'API_KEY,NOPE' })).toThrow(/unknown authorization mode "NOPE"/);
    expect(() => authSettingsFromEnv({ SPLITLOOP_ACCOUNT_ID: '42' })).toThrow(/12 digits/);
    expect(() => authSettingsFromEnv({ SPLITLOOP_USER_POOL_DEFAULT_ACTION: 'MAYBE' })).toThrow(/ALLOW or DENY/);
  });
});
