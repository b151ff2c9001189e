// The AWS stack, built by looping over resolvers/manifest.ts: nothing here names a GraphQL field.
import { CfnOutput, Duration, Expiration, Stack, type StackProps } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { manifest as defaultManifest } from '../resolvers/manifest.ts';
import { lambdaEnvironment, type AuthMode, type Manifest } from '../resolvers/manifest-types.ts';
import { METRICS_NAMESPACE, SERVICE } from '../lambdas/shared/observability-names.ts';
import { bundleResolvers, ROOT } from '../scripts/bundle-resolvers.ts';
import { tableBilling } from './capacity.ts';
import { DashboardSite } from './dashboard.ts';
import { Schedules } from './schedules.ts';
import { ApiFirewall, apiGuardrailProps } from './guardrails.ts';
import { EventLake } from './lake.ts';
import { Monitoring } from './monitoring.ts';
import { suppressNagFindings } from './nag.ts';
import { readSettings } from './settings.ts';
import { tableFromDefinition } from './table.ts';

export interface SplitloopStackProps extends StackProps {
  manifest?: Manifest;
  /** A CLOUDFRONT-scope web ACL for the dashboard (infra/app.ts passes the SplitloopEdge stack's). */
  cloudFrontWebAclArn?: string;
}

export class SplitloopStack extends Stack {
  readonly api: appsync.GraphqlApi;
  readonly tables = new Map<string, TableV2>();
  readonly functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, props: SplitloopStackProps = {}) {
    super(scope, id, props);
    const manifest = props.manifest ?? defaultManifest;
    const settings = readSettings(this);

    for (const def of manifest.tables) this.tables.set(def.id, tableFromDefinition(this, def, tableBilling(settings)));
    const table = (tableId: string) => {
      const t = this.tables.get(tableId);
      if (!t) throw new Error(`manifest names unknown table ${tableId}`);
      return t;
    };

    const userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
    });
    for (const g of manifest.auth.userPoolGroups) {
      // 'ExperimentersGroup' keeps the id of the first round so a deployed group is not replaced
      new cognito.CfnUserPoolGroup(this, g.name === 'experimenters' ? 'ExperimentersGroup' : `Group-${g.name}`, {
        userPoolId: userPool.userPoolId,
        groupName: g.name,
        description: g.description,
      });
    }
    const authMode = (mode: AuthMode): appsync.AuthorizationMode => {
      switch (mode) {
        case 'API_KEY':
          return { authorizationType: appsync.AuthorizationType.API_KEY, apiKeyConfig: { expires: Expiration.after(Duration.days(365)) } };
        case 'AWS_IAM':
          return { authorizationType: appsync.AuthorizationType.IAM };
        case 'AMAZON_COGNITO_USER_POOLS':
          return { authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool } };
        default:
          throw new Error(`auth mode ${String(mode)} is not wired in infra/stack.ts`);
      }
    };

    const guardrails = apiGuardrailProps(manifest, settings);
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: 'splitloop',
      queryDepthLimit: guardrails.queryDepthLimit,
      resolverCountLimit: guardrails.resolverCountLimit,
      introspectionConfig: guardrails.introspectionConfig,
      enhancedMetricsConfig: guardrails.enhancedMetricsConfig,
      definition: appsync.Definition.fromFile(join(ROOT, 'schema', 'schema.graphql')),
      authorizationConfig: {
        defaultAuthorization: authMode(manifest.auth.defaultMode),
        additionalAuthorizationModes: manifest.auth.additionalModes.map(authMode),
      },
      xrayEnabled: true,
      logConfig: { fieldLogLevel: guardrails.fieldLogLevel, retention: RetentionDays.ONE_MONTH },
      environmentVariables: Object.fromEntries(
        Object.entries(manifest.apiEnvironment).map(([name, v]) => [name, table(v.table).tableName]),
      ),
    });

    for (const def of manifest.lambdas) {
      const fn = new NodejsFunction(this, `Fn-${def.id}`, {
        entry: join(ROOT, def.entry),
        handler: 'handler',
        description: def.description,
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: def.memorySize ?? 256,
        timeout: Duration.seconds(def.timeoutSeconds ?? 10),
        tracing: Tracing.ACTIVE,
        logGroup: new LogGroup(this, `Logs-${def.id}`, { retention: RetentionDays.ONE_MONTH }),
        reservedConcurrentExecutions: settings.reservedConcurrency ? def.reservedConcurrency : undefined,
        environment: {
          ...lambdaEnvironment(def, { tableName: (id) => table(id).tableName, graphqlUrl: this.api.graphqlUrl }),
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: SERVICE,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          // Powertools filters by level itself (not Lambda's log-level controls, which would drop EMF lines below INFO)
          POWERTOOLS_LOG_LEVEL: settings.logLevel,
        },
        bundling: { format: OutputFormat.ESM, minify: true, sourceMap: true, target: 'node22' },
      });
      for (const access of def.tables) {
        if (access.access === 'read') table(access.table).grantReadData(fn);
        else table(access.table).grantReadWriteData(fn);
      }
      if (def.callsApi) this.api.grantMutation(fn, ...(def.apiMutations ?? []));
      if (def.streamSource) {
        const s = def.streamSource;
        fn.addEventSource(
          new DynamoEventSource(table(s.table), {
            // from the oldest record kept: a new or re-created mapping loses no change
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: s.batchSize,
            maxBatchingWindow: Duration.seconds(s.maxBatchingWindowSeconds),
            retryAttempts: s.retryAttempts,
            bisectBatchOnError: s.bisectBatchOnError,
            reportBatchItemFailures: s.reportBatchItemFailures ?? false,
            onFailure: new SqsDlq(
              new Queue(this, `StreamFailures-${def.id}`, { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true }),
            ),
          }),
        );
      }
      this.functions.set(def.id, fn);
    }

    new Schedules(this, 'Schedules', { manifest, functions: this.functions });

    const dataSources = new Map<string, appsync.BaseDataSource>();
    for (const ds of manifest.dataSources) {
      if (ds.type === 'AMAZON_DYNAMODB') dataSources.set(ds.name, this.api.addDynamoDbDataSource(ds.name, table(ds.table)));
      else if (ds.type === 'AWS_LAMBDA') {
        const fn = this.functions.get(ds.lambda);
        if (!fn) throw new Error(`data source ${ds.name} names unknown lambda ${ds.lambda}`);
        dataSources.set(ds.name, this.api.addLambdaDataSource(ds.name, fn));
      } else dataSources.set(ds.name, this.api.addNoneDataSource(ds.name));
    }
    const dataSource = (name: string) => {
      const ds = dataSources.get(name);
      if (!ds) throw new Error(`manifest names unknown data source ${name}`);
      return ds;
    };

    const bundles = bundleResolvers(manifest);
    const code = (source: string) => appsync.Code.fromInline(bundles.get(source)!.code);
    const runtime = appsync.FunctionRuntime.JS_1_0_0;

    const functions = new Map<string, appsync.AppsyncFunction>();
    for (const f of manifest.functions) {
      functions.set(
        f.name,
        new appsync.AppsyncFunction(this, `Function-${f.name}`, {
          name: f.name,
          api: this.api,
          dataSource: dataSource(f.dataSource),
          code: code(f.code),
          runtime,
        }),
      );
    }

    for (const r of manifest.resolvers) {
      const id = `Resolver-${r.typeName}-${r.fieldName}`;
      const base = { typeName: r.typeName, fieldName: r.fieldName };
      if (r.kind === 'LAMBDA') this.api.createResolver(id, { ...base, dataSource: dataSource(r.dataSource) });
      else if (r.kind === 'UNIT') this.api.createResolver(id, { ...base, dataSource: dataSource(r.dataSource), code: code(r.code), runtime });
      else {
        const pipelineConfig = r.functions.map((name) => {
          const fn = functions.get(name);
          if (!fn) throw new Error(`resolver ${r.typeName}.${r.fieldName} names unknown function ${name}`);
          return fn;
        });
        this.api.createResolver(id, { ...base, pipelineConfig, code: code(r.code), runtime });
      }
    }

    new CfnOutput(this, 'GraphqlUrl', { value: this.api.graphqlUrl });
    new CfnOutput(this, 'ApiKey', { value: this.api.apiKey ?? '' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new DashboardSite(this, 'Dashboard', {
      api: this.api,
      userPool,
      webAclArn: settings.cloudFrontWebAclArn ?? props.cloudFrontWebAclArn,
      domain: settings.dashboardDomain ? { name: settings.dashboardDomain, certificateArn: settings.dashboardCertificateArn! } : undefined,
    });

    const lake = new EventLake(this, 'Lake', { table: table('main') });

    // Operations (docs/operations.md). Monitoring stays last: it alarms on every queue built above.
    new ApiFirewall(this, 'ApiFirewall', { api: this.api, settings });
    new Monitoring(this, 'Monitoring', { manifest, settings, api: this.api, functions: this.functions, tables: this.tables, alarms: lake.alarms });
    suppressNagFindings(this);
  }
}
