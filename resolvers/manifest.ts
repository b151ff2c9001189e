// The single source of truth of which field is resolved by what. infra/ loops over it to create the
// CDK resolvers; local/ loops over it to wire the local runtime. Plain data only.
import type { Manifest, ResolverDefinition } from './manifest-types.ts';

const EXPERIMENTERS_ADMIN = ['createExperiment', 'updateExperiment', 'startExperiment', 'pauseExperiment', 'stopExperiment'];
const RECORDERS = ['recordInvite', 'recordClick', 'recordSignup', 'recordConversion'];
const REWARD_MOVES = ['fulfillReward', 'revokeReward'];

// Lambda-backed fields go through one small JS resolver rather than a direct Lambda resolver: direct
// resolvers report every thrown error as `Lambda:Unhandled`, and clients need our errorTypes.
const lambdaField = (typeName: string, fieldName: string, dataSource: string): ResolverDefinition => ({
  typeName,
  fieldName,
  kind: 'UNIT',
  dataSource,
  code: 'resolvers/invokeLambda.ts',
});

export const manifest: Manifest = {
  auth: {
    defaultMode: 'API_KEY',
    additionalModes: ['AWS_IAM', 'AMAZON_COGNITO_USER_POOLS'],
    userPoolGroups: [{ name: 'experimenters', description: 'May create, run and read experiments' }],
  },
  // The deepest operation in schema/operations is 5 levels; every resolver is a Query or Mutation
  // field, so a request runs as many resolvers as it has top-level fields.
  api: { queryDepthLimit: 10, resolverCountLimit: 100 },
  tables: [
    {
      id: 'main',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      globalSecondaryIndexes: [
        // experiments by status, newest first: gsi1pk = STATUS#<status>, gsi1sk = <createdAt>#<id>
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: 'S' },
          sortKey: { name: 'gsi1sk', type: 'S' },
        },
      ],
      timeToLiveAttribute: 'expiresAt',
      stream: 'NEW_AND_OLD_IMAGES',
    },
  ],
  apiEnvironment: { MAIN_TABLE_NAME: { table: 'main' } },
  lambdas: [
    {
      id: 'admin',
      entry: 'lambdas/admin/handler.ts',
      description: 'Experiment administration: create, update, start, pause, stop',
      tables: [{ table: 'main', access: 'readwrite' }],
      reservedConcurrency: 10,
    },
    {
      id: 'assign',
      entry: 'lambdas/assign/handler.ts',
      description: 'Deterministic, sticky variant assignment',
      tables: [{ table: 'main', access: 'readwrite' }],
      // public (API key): capped so that a flood cannot take the account's whole concurrency
      reservedConcurrency: 100,
    },
    {
      id: 'events',
      entry: 'lambdas/events/handler.ts',
      description: 'Referral events: invites, clicks, signups, conversions (idempotent by eventId)',
      tables: [{ table: 'main', access: 'readwrite' }],
      // public (API key): capped like assign
      reservedConcurrency: 100,
    },
    {
      id: 'results',
      entry: 'lambdas/results/handler.ts',
      description: 'Per-variant metrics and statistics from the aggregate items',
      tables: [{ table: 'main', access: 'read' }],
      memorySize: 512,
      reservedConcurrency: 20,
    },
    {
      id: 'aggregate',
      entry: 'lambdas/aggregate/handler.ts',
      description: 'Folds stream batches into per-variant totals and publishes live counts',
      tables: [{ table: 'main', access: 'readwrite' }],
      callsApi: true,
      apiMutations: ['publishCounts'],
      timeoutSeconds: 60,
      // one concurrent batch per stream shard: kept free of the API's bursts
      reservedConcurrency: 10,
      streamSource: {
        table: 'main',
        batchSize: 500,
        maxBatchingWindowSeconds: 1,
        retryAttempts: 10,
        // Partial batch responses instead of bisecting: every record is idempotent (exactlyOnce.ts),
        // and a retry resumes at the first record that could not be committed.
        bisectBatchOnError: false,
        reportBatchItemFailures: true,
      },
    },
    {
      id: 'analysis',
      entry: 'lambdas/analysis/handler.ts',
      description: 'Scheduled analysis: results snapshots, alerts and auto-stop of running experiments',
      tables: [{ table: 'main', access: 'readwrite' }],
      callsApi: true,
      apiMutations: ['publishAlert'],
      publishesAlerts: true,
      // one run at a time: a slow run delays the next instead of racing it
      reservedConcurrency: 1,
      memorySize: 512,
      // bounded work per run (see lambdas/analysis/run.ts): it stops taking experiments well before this
      timeoutSeconds: 120,
    },
  ],
  schedules: [
    {
      id: 'analysis',
      lambda: 'analysis',
      rateMinutes: 15,
      description: 'Snapshots, alerts and auto-stop of every running experiment',
      retryAttempts: 2,
    },
  ],
  dataSources: [
    { name: 'MainTable', type: 'AMAZON_DYNAMODB', table: 'main' },
    { name: 'AdminLambda', type: 'AWS_LAMBDA', lambda: 'admin' },
    { name: 'AssignLambda', type: 'AWS_LAMBDA', lambda: 'assign' },
    { name: 'EventsLambda', type: 'AWS_LAMBDA', lambda: 'events' },
    { name: 'ResultsLambda', type: 'AWS_LAMBDA', lambda: 'results' },
    { name: 'None', type: 'NONE' },
  ],
  functions: [
    { name: 'getAssignment', dataSource: 'MainTable', code: 'resolvers/functions/getAssignment.ts' },
    { name: 'createReferralCode', dataSource: 'MainTable', code: 'resolvers/functions/createReferralCode.ts' },
    { name: 'getExperimentMeta', dataSource: 'MainTable', code: 'resolvers/functions/getExperimentMeta.ts' },
    { name: 'querySnapshots', dataSource: 'MainTable', code: 'resolvers/functions/querySnapshots.ts' },
  ],
  resolvers: [
    { typeName: 'Query', fieldName: 'experiment', kind: 'UNIT', dataSource: 'MainTable', code: 'resolvers/Query.experiment.ts' },
    { typeName: 'Query', fieldName: 'experiments', kind: 'UNIT', dataSource: 'MainTable', code: 'resolvers/Query.experiments.ts' },
    { typeName: 'Query', fieldName: 'assignment', kind: 'UNIT', dataSource: 'MainTable', code: 'resolvers/Query.assignment.ts' },
    {
      typeName: 'Query',
      fieldName: 'referralCode',
      kind: 'PIPELINE',
      code: 'resolvers/Query.referralCode/index.ts',
      // the second createReferralCode is the retry after a code collision; it returns early otherwise
      functions: ['getAssignment', 'createReferralCode', 'createReferralCode'],
    },
    lambdaField('Query', 'results', 'ResultsLambda'),
    { typeName: 'Query', fieldName: 'liveCounts', kind: 'UNIT', dataSource: 'MainTable', code: 'resolvers/Query.liveCounts.ts' },
    {
      typeName: 'Query',
      fieldName: 'resultsHistory',
      kind: 'PIPELINE',
      code: 'resolvers/Query.resultsHistory/index.ts',
      functions: ['getExperimentMeta', 'querySnapshots'],
    },
    { typeName: 'Query', fieldName: 'alerts', kind: 'UNIT', dataSource: 'MainTable', code: 'resolvers/Query.alerts.ts' },
    ...EXPERIMENTERS_ADMIN.map((f) => lambdaField('Mutation', f, 'AdminLambda')),
    lambdaField('Mutation', 'assign', 'AssignLambda'),
    ...RECORDERS.map((f) => lambdaField('Mutation', f, 'EventsLambda')),
    lambdaField('Query', 'referral', 'EventsLambda'),
    ...REWARD_MOVES.map((f) => lambdaField('Mutation', f, 'EventsLambda')),
    { typeName: 'Query', fieldName: 'rewards', kind: 'UNIT', dataSource: 'MainTable', code: 'resolvers/Query.rewards.ts' },
    { typeName: 'Mutation', fieldName: 'publishRewardEarned', kind: 'UNIT', dataSource: 'None', code: 'resolvers/Mutation.publishRewardEarned.ts' },
    { typeName: 'Subscription', fieldName: 'onRewardEarned', kind: 'UNIT', dataSource: 'None', code: 'resolvers/Subscription.onRewardEarned.ts' },
    { typeName: 'Mutation', fieldName: 'publishCounts', kind: 'UNIT', dataSource: 'None', code: 'resolvers/Mutation.publishCounts.ts' },
    { typeName: 'Mutation', fieldName: 'publishAlert', kind: 'UNIT', dataSource: 'None', code: 'resolvers/Mutation.publishAlert.ts' },
    {
      typeName: 'Subscription',
      fieldName: 'onExperimentAlert',
      kind: 'UNIT',
      dataSource: 'None',
      code: 'resolvers/Subscription.onExperimentAlert.ts',
    },
    {
      typeName: 'Subscription',
      fieldName: 'onCountsChanged',
      kind: 'UNIT',
      dataSource: 'None',
      code: 'resolvers/Subscription.onCountsChanged.ts',
    },
  ],
};
