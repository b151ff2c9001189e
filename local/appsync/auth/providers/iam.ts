// AWS_IAM: a SigV4-signed request, verified against the local credentials; ctx.identity as AppSync
// builds it for an IAM user.
import { isModeEnabled, type AuthSettings } from '../config.ts';
import { NOT_AUTHORIZED_MESSAGE } from '../errors.ts';
import type { AuthenticateOptions, Principal, RequestHeaders, RequestInfo } from '../authenticate.ts';
import { verifySigV4 } from '../sigv4.ts';
import { notEnabled } from './shared.ts';

export async function iamPrincipal(
  headers: RequestHeaders,
  request: RequestInfo,
  settings: AuthSettings,
  sourceIp: string[],
  options: AuthenticateOptions,
): Promise<Principal> {
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
      sourceIp,
      username: verified.accessKeyId,
      userArn: settings.iam.userArn,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    },
  };
}
