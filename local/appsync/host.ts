// The local AppSync: reads a manifest and a schema, and serves them over HTTP (and, where a
// realtime layer is attached, WebSocket) with in-process Lambdas and DynamoDB Local behind. It
// knows nothing of the app it serves.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lambdaEnvironment, TABLE_NAME_VARIABLE, type Manifest } from '../../resolvers/manifest-types.ts';
import { bundleResolvers } from '../../scripts/bundle-resolvers.ts';
import {
  authenticate,
  buildAuthRules,
  isAllowed,
  isUnauthorizedError,
  unauthorizedResponse,
  type AuthSettings,
  type Principal,
} from './auth/index.ts';
import { isConnectionFailure, SERVICE_UNAVAILABLE } from '../dynamodb/unavailable.ts';
import { createDynamoDbDataSource } from './datasources/dynamodb.ts';
import { LeanDynamoDbClient } from './datasources/dynamodb/lean-client.ts';
import { createLambdaDataSource, type LambdaHandler } from './datasources/lambda.ts';
import { noneDataSource } from './datasources/none.ts';
import { createExecutor, type Caller, type GraphQLRequest } from './execute.ts';
import { createHttpServer, type Route } from './http.ts';
import { createJsEngine } from './js-engine.ts';
import { createRealtimeServer, createSubscriptionResolverRunner, invalidationsFromExtensions } from './realtime/index.ts';
import { checkManifest } from './manifest-check.ts';
import type { RequestLimits } from './limits.ts';
import { originPolicyFromEnv, type OriginPolicy } from './origin-policy.ts';
import type { DataSourceInvoker, ResolverRuntime } from './run-resolver.ts';
import { installAppSyncScalars } from './scalars.ts';
import { loadSchema } from './schema.ts';
import { lowerHeaders } from '../values.ts';

export interface LocalAppSyncOptions {
  root: string;
  manifest: Manifest;
  schemaFile: string;
  appsyncFile: string;
  dynamoDbEndpoint: string;
  region?: string;
  /** Physical table name of each manifest table id. */
  tableNames: Record<string, string>;
  auth: AuthSettings;
  port?: number;
  host?: string;
  staticDir?: string;
  routes?: Record<string, Route>;
  /** Hosts and browser origins accepted besides loopback (default: SPLITLOOP_ALLOWED_HOSTS / _ORIGINS). */
  origins?: OriginPolicy;
  /** Local budgets (aliases, fields, variable bytes); AppSync's own limits come from `manifest.api`. */
  limits?: Partial<Omit<RequestLimits, 'queryDepthLimit' | 'resolverCountLimit'>>;
  /** Log resolver console output (default: only errors). */
  logResolverOutput?: boolean;
}

export interface LocalAppSync {
  url: string;
  graphqlUrl: string;
  realtimeUrl: string;
  port: number;
  /** How many DynamoDB requests the JS resolvers made, for tests and benchmarks. */
  stats: { dynamoDbRequests: number };
  realtime: ReturnType<typeof createRealtimeServer>;
  /** A Lambda's environment (manifest id), for the hosts of its stream and schedule triggers. */
  lambdaEnvironment(lambdaId: string): Record<string, string>;
  close(): Promise<void>;
}

/**
 * A Lambda entry module. The host calls `handlerFor` with the Lambda's own environment (nothing is
 * written into process.env); a module with only `handler` gets the process environment as on AWS.
 */
export interface LambdaModule {
  handlerFor?: (env: Record<string, string>) => LambdaHandler;
  handler?: LambdaHandler;
}

/** The handler of a loaded entry module, on `env`. */
export function lambdaHandlerOf(module: LambdaModule, entry: string, env: Record<string, string>): LambdaHandler {
  const handler = module.handlerFor ? module.handlerFor(env) : module.handler;
  if (typeof handler !== 'function') throw new Error(`${entry} exports neither handlerFor(env) nor handler`);
  return handler;
}

const AUTH_TYPE: Record<Principal['mode'], string> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
};

/**
 * The environment an in-process Lambda gets: its manifest variables (as the CDK stack gives them
 * in AWS) plus what a local host adds (DynamoDB Local, the local credentials). Each Lambda has its
 * own, passed to its handler, as separate functions have on AWS.
 */
function localLambdaEnvironment(options: LocalAppSyncOptions, lambdaId: string, graphqlUrl: string): Record<string, string> {
  const def = options.manifest.lambdas.find((l) => l.id === lambdaId);
  if (!def) throw new Error(`No Lambda ${lambdaId} in the manifest`);
  return {
    [TABLE_NAME_VARIABLE]: '',
    ...lambdaEnvironment(def, { tableName: (id) => options.tableNames[id]!, graphqlUrl }),
    DYNAMODB_ENDPOINT: options.dynamoDbEndpoint,
    AWS_REGION: options.region ?? options.auth.iam.region,
    AWS_ACCESS_KEY_ID: options.auth.iam.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.auth.iam.secretAccessKey,
  };
}

export async function startLocalAppSync(options: LocalAppSyncOptions): Promise<LocalAppSync> {
  const schema = loadSchema(options.schemaFile, options.appsyncFile);
  installAppSyncScalars(schema);
  const problems = checkManifest(options.manifest, schema, { root: options.root });
  if (problems.length) throw new Error(`The manifest does not match the schema:\n- ${problems.join('\n- ')}`);

  const bundles = bundleResolvers(options.manifest);
  const rules = buildAuthRules(schema, options.auth);
  // DynamoDB's JSON protocol over keep-alive HTTP, not the AWS SDK: the SDK was a quarter of the CPU per request.
  const client = new LeanDynamoDbClient({ region: options.region ?? 'us-east-1', endpoint: options.dynamoDbEndpoint, accessKeyId: 'local' });
  const stats = { dynamoDbRequests: 0 };
  // Known once listening; Lambdas are loaded on their first invocation, after that.
  let graphqlUrl = '';
  const tables = new Map(options.manifest.tables.map((t) => [t.id, options.tableNames[t.id]!]));
  const dataSources = new Map<string, DataSourceInvoker>();
  for (const ds of options.manifest.dataSources) {
    if (ds.type === 'AMAZON_DYNAMODB') {
      const invoke = createDynamoDbDataSource({ client, tableName: tables.get(ds.table)!, tableNames: Object.fromEntries(tables) });
      dataSources.set(ds.name, async (request, ctx) => {
        stats.dynamoDbRequests += 1;
        const outcome = await invoke(request, ctx);
        // DynamoDB Local down (crashed, restarting): a clean, retryable error, not the socket's.
        if (!outcome.ok && isConnectionFailure(outcome.error.message)) return { ok: false, error: { ...SERVICE_UNAVAILABLE } };
        return outcome;
      });
    } else if (ds.type === 'AWS_LAMBDA') {
      const def = options.manifest.lambdas.find((l) => l.id === ds.lambda)!;
      const load = async () =>
        lambdaHandlerOf((await import(pathToFileURL(join(options.root, def.entry)).href)) as LambdaModule, def.entry, localLambdaEnvironment(options, def.id, graphqlUrl));
      dataSources.set(ds.name, createLambdaDataSource(def.id, load));
    } else dataSources.set(ds.name, noneDataSource);
  }

  const env = Object.fromEntries(Object.entries(options.manifest.apiEnvironment).map(([k, v]) => [k, tables.get(v.table)!]));
  const runtime: ResolverRuntime = {
    engine: createJsEngine(),
    code: (source) => bundles.get(source)!.code,
    dataSource: (name) => dataSources.get(name)!,
    functionDef: (name) => options.manifest.functions.find((f) => f.name === name)!,
    onLog: options.logResolverOutput ? (lines) => lines.forEach((l) => console.log(l)) : undefined,
  };
  const realtime = createRealtimeServer({
    schema,
    limits: options.limits,
    authenticate: (headers, request) => authenticate(headers, request, options.auth),
    allowed: (principal, typeName, fieldName) => isAllowed(rules, typeName, fieldName, principal),
    runSubscriptionResolver: createSubscriptionResolverRunner({
      resolvers: options.manifest.resolvers,
      runtime,
      env,
      authType: (p) => AUTH_TYPE[p.mode],
      subscriptionTypeName: schema.getSubscriptionType()?.name,
    }),
  });
  const executor = createExecutor({
    schema,
    resolvers: options.manifest.resolvers,
    env,
    runtime,
    limits: {
      ...options.limits,
      queryDepthLimit: options.manifest.api?.queryDepthLimit ?? 0,
      resolverCountLimit: options.manifest.api?.resolverCountLimit ?? 0,
    },
    onMutationResult(fieldName, value, document, extensions) {
      realtime.publish(fieldName, value, document);
      for (const i of invalidationsFromExtensions(extensions)) realtime.invalidate(i.subscriptionField, i.payload);
    },
  });

  const server = createHttpServer({
    upgrade: (req, socket, head) => realtime.handleUpgrade(req, socket, head),
    staticDir: options.staticDir,
    routes: options.routes,
    origins: options.origins ?? originPolicyFromEnv(),
    async graphql(req, body) {
      const headers = lowerHeaders(req.headers);
      let principal: Principal;
      try {
        principal = await authenticate(req.headers, { method: 'POST', path: req.url ?? '/graphql', body, sourceIp: req.socket.remoteAddress }, options.auth);
      } catch (error) {
        if (!isUnauthorizedError(error)) throw error;
        const r = unauthorizedResponse(error);
        return { status: r.statusCode, headers: r.headers, body: r.body };
      }
      let request: GraphQLRequest;
      try {
        request = JSON.parse(body.toString('utf8')) as GraphQLRequest;
        if (typeof request.query !== 'string') throw new Error('missing query');
      } catch {
        return { status: 400, body: { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Body must be JSON: {"query": "...", "variables": {...}}' }] } };
      }
      const caller: Caller = {
        identity: principal.identity,
        authType: AUTH_TYPE[principal.mode],
        allowed: (typeName, fieldName) => isAllowed(rules, typeName, fieldName, principal),
      };
      // The variables' size as sent, without re-encoding them: the body less the query text.
      const variablesBytes = request.variables ? Math.max(0, body.length - request.query.length) : 0;
      return { status: 200, body: await executor(request, caller, headers, variablesBytes) };
    },
  });

  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} is already in use: stop the program using it, or choose another port (PORT=...)`)
          : error,
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => done());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  graphqlUrl = `${url}/graphql`;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    realtimeUrl: `ws://127.0.0.1:${port}/graphql/realtime`,
    port,
    stats,
    realtime,
    lambdaEnvironment: (lambdaId) => localLambdaEnvironment(options, lambdaId, graphqlUrl),
    async close() {
      // Upgraded sockets are not HTTP connections: close them first or server.close() waits on them.
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      client.destroy();
    },
  };
}
