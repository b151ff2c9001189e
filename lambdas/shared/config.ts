// The one place a Lambda reads its environment. Read lazily so that the local runtime can set the
// environment before the first invocation, and once per process after that.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tracer } from './observability.ts';

export interface LambdaConfig {
  tableName: string;
  region: string;
  /** Only set locally: DynamoDB Local's URL. In AWS the SDK finds the regional endpoint itself. */
  dynamoDbEndpoint?: string;
  /** The GraphQL endpoint, for functions that publish through the API (IAM-signed). */
  graphqlUrl?: string;
}

export class MissingSettingError extends Error {
  constructor(name: string) {
    super(`Environment variable ${name} is required but not set`);
    this.name = 'MissingSettingError';
  }
}

// Settings are re-read on each call (a few property reads) rather than cached: the local runtime may
// host several APIs in one process over its lifetime, each with its own DynamoDB Local.
export function getConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new MissingSettingError('TABLE_NAME');
  return {
    tableName,
    region: env.AWS_REGION ?? 'us-east-1',
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    graphqlUrl: env.GRAPHQL_URL || undefined,
  };
}

const clients = new Map<string, DynamoDBClient>();

export function getDynamoDb(): DynamoDBClient {
  const config = getConfig();
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
