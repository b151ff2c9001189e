// The shape of the manifest: plain data that infra/ turns into CDK constructs and local/ turns into a
// running API. Nothing here may import aws-cdk-lib or local/: both sides read it.

export type KeyType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}

export interface GlobalSecondaryIndex {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name; the physical name comes from the environment (CDK or local runtime). */
  id: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalSecondaryIndexes: GlobalSecondaryIndex[];
  timeToLiveAttribute?: string;
  stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
}

/** AppSync's authorization types (`authenticationType` / `additionalAuthenticationProviders`). */
export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

/** How the API authorizes callers: infra/ configures AppSync and Cognito from it, local/ its emulator. */
export interface AuthDefinition {
  defaultMode: AuthMode;
  additionalModes: AuthMode[];
  /** Cognito user pool groups the schema's `@aws_cognito_user_pools(cognito_groups: [...])` names. */
  userPoolGroups: { name: string; description: string }[];
}

/** A Lambda function. `entry` exports `handler`. `tables` lists tables it may touch and how. */
export interface LambdaDefinition {
  id: string;
  entry: string;
  description: string;
  tables: { table: string; access: 'read' | 'readwrite' }[];
  /** True when the function calls the GraphQL API itself (signed with IAM). */
  callsApi?: boolean;
  /** The only mutations it may call (IAM grant); absent: every mutation. */
  apiMutations?: string[];
  memorySize?: number;
  timeoutSeconds?: number;
  /** The function publishes notifications to the stack's alerts topic (SNS; env ALERTS_TOPIC_ARN). */
  publishesAlerts?: boolean;
  /**
   * Reserved concurrency on AWS: capacity the function always has and a cap it never exceeds (a
   * public-facing function cannot starve the others; the aggregator is never throttled by a burst).
   */
  reservedConcurrency?: number;
  /** A DynamoDB stream event source, with the batching settings both CDK and the local poller use. */
  streamSource?: {
    table: string;
    batchSize: number;
    maxBatchingWindowSeconds: number;
    retryAttempts: number;
    bisectBatchOnError: boolean;
    /** The handler returns `{ batchItemFailures }` (Lambda's ReportBatchItemFailures). */
    reportBatchItemFailures?: boolean;
  };
}

/**
 * A Lambda run on a fixed rate: on AWS an EventBridge Scheduler schedule (retries, dead-letter
 * queue); locally a timer, whose rate SPLITLOOP_SCHEDULE_RATE may override (e.g. `2s`).
 */
export interface ScheduleDefinition {
  id: string;
  lambda: string;
  rateMinutes: number;
  description: string;
  /** Attempts after a failed invocation before the event goes to the dead-letter queue. */
  retryAttempts: number;
}

export type DataSourceDefinition =
  | { name: string; type: 'AMAZON_DYNAMODB'; table: string }
  | { name: string; type: 'AWS_LAMBDA'; lambda: string }
  | { name: string; type: 'NONE' };

/** An AppSync function of a pipeline resolver. */
export interface FunctionDefinition {
  name: string;
  dataSource: string;
  /** Path of the APPSYNC_JS source, relative to the repository root. */
  code: string;
}

export type ResolverDefinition =
  | { typeName: string; fieldName: string; kind: 'UNIT'; dataSource: string; code: string }
  | { typeName: string; fieldName: string; kind: 'PIPELINE'; code: string; functions: string[] }
  /** A direct Lambda resolver: no code, AppSync sends its standard event to the function. */
  | { typeName: string; fieldName: string; kind: 'LAMBDA'; dataSource: string };

/**
 * AppSync API-level limits (CDK GraphqlApi props of the same names). infra/ sets them on the AWS API;
 * the local runtime enforces them. queryDepthLimit: 1..75 nested levels (0/absent: none);
 * resolverCountLimit: 1..10000 resolver invocations per request (0/absent: AppSync's 10000).
 */
export interface ApiLimits {
  queryDepthLimit?: number;
  resolverCountLimit?: number;
}

export interface Manifest {
  auth: AuthDefinition;
  /** API-level settings. */
  api?: ApiLimits;
  tables: TableDefinition[];
  /** The API's environment variables (`ctx.env` in resolvers), each naming a table's physical name. */
  apiEnvironment: Record<string, { table: string }>;
  lambdas: LambdaDefinition[];
  /** Absent: nothing runs on a schedule. */
  schedules?: ScheduleDefinition[];
  dataSources: DataSourceDefinition[];
  functions: FunctionDefinition[];
  resolvers: ResolverDefinition[];
}

/** The variable that names a Lambda's table, and the one that names the API (for `callsApi` Lambdas). */
export const TABLE_NAME_VARIABLE = 'TABLE_NAME';
export const GRAPHQL_URL_VARIABLE = 'GRAPHQL_URL';

/**
 * The app-level environment of a Lambda, the same in AWS (infra/stack.ts) and locally
 * (local/appsync/host.ts): TABLE_NAME is the physical name of the first table it lists, GRAPHQL_URL
 * the API's URL when it calls the API. The hosts add their own (region, credentials, endpoints).
 */
export function lambdaEnvironment(
  def: LambdaDefinition,
  physical: { tableName(id: string): string; graphqlUrl: string },
): Record<string, string> {
  const first = def.tables[0];
  return {
    ...(first ? { [TABLE_NAME_VARIABLE]: physical.tableName(first.table) } : {}),
    ...(def.callsApi ? { [GRAPHQL_URL_VARIABLE]: physical.graphqlUrl } : {}),
  };
}
