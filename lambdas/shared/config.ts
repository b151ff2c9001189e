// What a Lambda needs of its environment, read from the environment it is given. The entry points
// (`handler = handlerFor(process.env)` in each lambdas/<name>/handler.ts) are the only readers of
// the real process environment; the local host calls `handlerFor` with each Lambda's own
// variables (the manifest's lambdaEnvironment) and never writes into process.env.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tracer } from './observability.ts';

/** A Lambda's environment variables. */
export type LambdaEnv = Readonly<Record<string, string | undefined>>;

export interface LambdaConfig {
  tableName: string;
  region: string;
  /** Only set locally: DynamoDB Local's URL. In AWS the SDK finds the regional endpoint itself. */
  dynamoDbEndpoint?: string;
  /** The GraphQL endpoint, for functions that publish through the API (IAM-signed). */
  graphqlUrl?: string;
  /** The function's credentials, for the requests it signs itself (GraphQL, SNS). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The SNS topic alerts also go to (AWS only). */
  alertsTopicArn?: string;
}

export class MissingSettingError extends Error {
  constructor(name: string) {
    super(`Environment variable ${name} is required but not set`);
    this.name = 'MissingSettingError';
  }
}

// Read on each call (a few property reads) rather than cached, so a handler built on an
// environment sees it as it is when invoked.
export function getConfig(env: LambdaEnv): LambdaConfig {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new MissingSettingError('TABLE_NAME');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  return {
    tableName,
    region: env.AWS_REGION ?? 'us-east-1',
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    graphqlUrl: env.GRAPHQL_URL || undefined,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined } : undefined,
    alertsTopicArn: env.ALERTS_TOPIC_ARN || undefined,
  };
}

const clients = new Map<string, DynamoDBClient>();

/** One client per region and endpoint, shared by every handler of the process. */
export function getDynamoDb(config: Pick<LambdaConfig, 'region' | 'dynamoDbEndpoint'>): DynamoDBClient {
  const key = `${config.region}|${config.dynamoDbEndpoint ?? ''}`;
  const existing = clients.get(key);
  if (existing) return existing;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint
      ? { endpoint: config.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  clients.set(key, tracer.captureAWSv3Client(client));
  return client;
}
