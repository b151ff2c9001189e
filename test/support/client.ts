// A small GraphQL client for tests: real HTTP to the local API with each of AppSync's auth modes.
import { signRequest, signToken, type AuthSettings } from '../../local/appsync/auth/index.ts';

export type As = { apiKey: true } | { user: string; groups?: string[] } | { iam: true } | { none: true };

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: { message: string; errorType: string | null; errorInfo?: unknown; path?: unknown }[];
}

export function createClient(graphqlUrl: string, auth: AuthSettings) {
  async function headersFor(as: As, body: string): Promise<Record<string, string>> {
    const base = { 'content-type': 'application/json' };
    if ('apiKey' in as) return { ...base, 'x-api-key': auth.apiKeys[0]! };
    if ('user' in as) return { ...base, authorization: signToken({ user: as.user, groups: as.groups ?? [] }, auth) };
    if ('iam' in as) {
      return signRequest(
        { url: graphqlUrl, body, method: 'POST', headers: base },
        { accessKeyId: auth.iam.accessKeyId, secretAccessKey: auth.iam.secretAccessKey, region: auth.iam.region },
      );
    }
    return base;
  }

  return async function gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, as: As = { apiKey: true }): Promise<GqlResult<T>> {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(graphqlUrl, { method: 'POST', headers: await headersFor(as, body), body });
    const json = (await response.json()) as Omit<GqlResult<T>, 'status'>;
    return { status: response.status, data: json.data ?? null, errors: json.errors };
  };
}

export const experimenter: As = { user: 'growth-lead', groups: ['experimenters'] };
