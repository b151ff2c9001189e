// Calls the GraphQL API as this function's IAM role (SigV4, service "appsync"), as AppSync expects
// of callers of @aws_iam fields such as publishCounts.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { MissingSettingError, type LambdaConfig } from './config.ts';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; errorType?: string }[];
}

/** Well under the aggregator's function timeout: a slow API must not turn a committed batch into a retried one. */
const REQUEST_TIMEOUT_MS = 5_000;

/** `config`: the calling Lambda's (its handler context's), for the URL, region and credentials. */
export async function callGraphql<T>(config: LambdaConfig | undefined, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  if (!config?.graphqlUrl) throw new MissingSettingError('GRAPHQL_URL');
  if (!config.credentials) throw new MissingSettingError('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY');
  const url = new URL(config.graphqlUrl);
  const body = JSON.stringify({ query, variables });
  const signer = new SignatureV4({
    service: 'appsync',
    region: config.region,
    sha256: Sha256,
    credentials: config.credentials,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: signed.headers as Record<string, string>,
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return (await response.json()) as GraphQLResponse<T>;
}
