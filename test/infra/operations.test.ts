// Running it on AWS for real (issue 15): alarms, dashboard, capacity, guardrails and cdk-nag, on the
// app exactly as infra/app.ts builds it. Lambda bundling is skipped (the stack test bundles): only
// the templates matter here.
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { readSettings } from '../../infra/settings.ts';
import { LAKE_TABLES } from '../../lambdas/lake/schema.ts';
import { manifest } from '../../resolvers/manifest.ts';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function build(context: Record<string, unknown>, region: string) {
  const app = new App({ context: { ...NO_BUNDLING, ...context } });
  const built = buildApp(app, { account: '123456789012', region });
  // Synthesis runs cdk-nag: an unacknowledged finding throws here.
  const template = Template.fromStack(built.stack);
  return { app, ...built, template };
}

let standard: ReturnType<typeof build>;
let tuned: ReturnType<typeof build>;
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c';
const EDGE_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/splitloop/1234';

beforeAll(() => {
  // defaults, deployed outside us-east-1: the dashboard's web ACL lives in the SplitloopEdge stack
  standard = build({}, 'eu-west-1');
  // every switch turned
  tuned = build(
    {
      capacity: 'provisioned',
      minReadCapacity: '3',
      maxReadCapacity: '50',
      minWriteCapacity: '4',
      maxWriteCapacity: '60',
      targetUtilization: '65',
      introspection: 'true',
      fieldLogLevel: 'ALL',
      logLevel: 'DEBUG',
      alarmEmail: 'oncall@example.com',
      reservedConcurrency: 'false',
      enhancedMetrics: 'false',
      wafRateLimit: '500',
      dashboardDomain: 'growth.example.com',
      dashboardCertificateArn: CERT,
      cloudFrontWebAclArn: EDGE_ACL,
    },
    'us-east-1',
  );
}, 240_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are untyped JSON
type Props = Record<string, any>;
const resources = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, { Properties: Props }][];
const queues = (t: Template) => resources(t, 'AWS::SQS::Queue');
const byDescription = (t: Template, text: string) => resources(t, 'AWS::CloudWatch::Alarm').filter(([, a]) => String(a.Properties.AlarmDescription).includes(text));
/** The manifest's functions (not CDK's helpers), by manifest id. */
const functionsByDescription = (t: Template) =>
  new Map(
    resources(t, 'AWS::Lambda::Function').flatMap(([id, f]) => {
      const def = manifest.lambdas.find((l) => l.description === f.Properties.Description);
      return def ? [[def.id, { id, f }] as const] : [];
    }),
  );

describe('alarms', () => {
  it('has per-Lambda errors, throttles and p99 duration, AppSync, DynamoDB, iterator age and queue alarms, all to one topic', () => {
    const t = standard.template;
    const streamFns = manifest.lambdas.filter((l) => l.streamSource).length;
    const lake = LAKE_TABLES.length * 3; /* the event lake: conversion, delivery, staleness per delivery stream */
    const expected = manifest.lambdas.length * 3 + streamFns + 1 /* InternalErrors */ + 2 /* AppSync */ + manifest.tables.length * 2 + queues(t).length + lake;
    t.resourceCountIs('AWS::CloudWatch::Alarm', expected);
    t.resourceCountIs('AWS::SNS::Topic', resources(t, 'AWS::SNS::Topic').length);
    const [topicId] = resources(t, 'AWS::SNS::Topic').find(([, r]) => r.Properties.DisplayName === 'splitloop alarms')!;
    for (const [, a] of resources(t, 'AWS::CloudWatch::Alarm')) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    tuned.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('alarms on p99 duration at 80% of each function\'s timeout, on errors and throttles from the first one', () => {
    for (const l of manifest.lambdas) {
      const [[, duration]] = byDescription(standard.template, `${l.id}: p99 duration`);
      expect(duration!.Properties).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: (l.timeoutSeconds ?? 10) * 800 });
      expect(byDescription(standard.template, `${l.id}: the function failed`)[0]![1].Properties).toMatchObject({ MetricName: 'Errors', Threshold: 1 });
      expect(byDescription(standard.template, `${l.id}: invocations throttled`)[0]![1].Properties).toMatchObject({ MetricName: 'Throttles', Threshold: 1 });
    }
    const stream = manifest.lambdas.find((l) => l.streamSource)!;
    expect(byDescription(standard.template, `${stream.id}: the stream is`)[0]![1].Properties).toMatchObject({ MetricName: 'IteratorAge', Statistic: 'Maximum' });
    expect(byDescription(standard.template, 'InternalError')[0]![1].Properties).toMatchObject({ Namespace: 'Splitloop', MetricName: 'InternalErrors' });
  });

  it('alarms on AppSync 5XX and p99 latency, DynamoDB throttles and system errors', () => {
    const t = standard.template;
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/AppSync', MetricName: '5XXError', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/AppSync', MetricName: 'Latency', ExtendedStatistic: 'p99' });
    const throttles = byDescription(t, 'requests throttled on the table')[0]![1].Properties;
    const names = (throttles.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(names.sort()).toEqual(['ReadThrottleEvents', 'ReadThrottleEvents', 'WriteThrottleEvents', 'WriteThrottleEvents']);
    const systemErrors = byDescription(t, 'server errors')[0]![1].Properties;
    expect(JSON.stringify(systemErrors.Metrics)).toContain('SystemErrors');
    expect((systemErrors.Metrics as unknown[]).length).toBeLessThanOrEqual(10 + 1); // CloudWatch: at most 10 metrics per alarm
  });

  it('alarms on any message in every queue (stream failures, scheduled runs\' dead letters)', () => {
    const t = standard.template;
    expect(queues(t).length).toBeGreaterThan(0);
    for (const [queueId] of queues(t)) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('has one composite "splitloop unhealthy" alarm over every alarm, notifying the topic', () => {
    const t = standard.template;
    const [[, composite]] = resources(t, 'AWS::CloudWatch::CompositeAlarm');
    expect(composite!.Properties.AlarmName).toContain('splitloop-unhealthy');
    const rule = JSON.stringify(composite!.Properties.AlarmRule);
    for (const [id] of resources(t, 'AWS::CloudWatch::Alarm')) expect(rule).toContain(id);
    expect(composite!.Properties.AlarmActions).toHaveLength(1);
  });

  it('names every alarm after its row in docs/operations.md', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
    for (const t of [standard.template, tuned.template]) {
      for (const [, a] of resources(t, 'AWS::CloudWatch::Alarm')) {
        const name = String(a.Properties.AlarmName);
        expect(name.startsWith('Splitloop-'), name).toBe(true);
        const short = name.slice('Splitloop-'.length);
        const documented = [
          short,
          short.replace(/^Lambda-[^-]+-(Errors|Throttles|Duration)$/, 'Lambda-<id>-$1'),
          short.replace(/^Capacity-main-.+-(Read|Write)$/, 'Capacity-main-<table or index>-<Read/Write>'),
          short.replace(/^Queue-Schedules-Failures-.+$/, 'Queue-Schedules-Failures-<id>'),
          short.replace(/^Lake-[^-]+-(ConversionFailures|DeliveryFailures|DeliveryStale)$/, 'Lake-<table>-$1'),
        ];
        expect(documented.some((d) => docs.includes(`| \`${d}\``)), `${short} is documented`).toBe(true);
      }
    }
  });

  it('in provisioned mode alarms on consumed vs provisioned capacity for the table and each index', () => {
    const capacity = byDescription(tuned.template, 'capacity at 90% of provisioned');
    expect(capacity).toHaveLength(manifest.tables.reduce((n, d) => n + 2 * (1 + d.globalSecondaryIndexes.length), 0));
    expect(JSON.stringify(capacity.map(([, a]) => a.Properties.Metrics))).toContain('ProvisionedWriteCapacityUnits');
    expect(byDescription(standard.template, 'capacity at 90% of provisioned')).toHaveLength(0);
  });
});

describe('dashboard', () => {
  it('shows requests and errors per field, Lambda duration, consumed capacity, iterator age and business metrics', () => {
    const [[, dashboard]] = resources(standard.template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const name of ['Requests per field', 'GraphQLError', 'ClientErrors', 'Duration', 'ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'IteratorAge', 'AssignmentsNew', 'AssignmentsReturning', 'EventsCounted', 'EventsDuplicate', 'EventsRejected', 'StreamBatchSize', 'StreamLag', 'ColdStart', 'AnalysisRunDuration']) {
      expect(body, name).toContain(name);
    }
  });
});

describe('capacity and concurrency', () => {
  it('is on-demand by default; provisioned mode auto-scales table and index with the context bounds and target', () => {
    standard.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { BillingMode: 'PAY_PER_REQUEST' });
    const [[, table]] = resources(tuned.template, 'AWS::DynamoDB::GlobalTable');
    expect(table!.Properties.BillingMode).toBe('PROVISIONED');
    expect(table!.Properties.WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings).toMatchObject({
      MinCapacity: 4,
      MaxCapacity: 60,
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 65 },
    });
    const replica = table!.Properties.Replicas[0];
    expect(replica.ReadProvisionedThroughputSettings.ReadCapacityAutoScalingSettings).toMatchObject({ MinCapacity: 3, MaxCapacity: 50 });
    const gsi = replica.GlobalSecondaryIndexes?.[0] ?? table!.Properties.GlobalSecondaryIndexes[0];
    expect(JSON.stringify(gsi)).toContain('"TargetValue":65');
  });

  it('reserves concurrency from the manifest (the aggregator and the public functions), unless switched off', () => {
    const fns = functionsByDescription(standard.template);
    for (const l of manifest.lambdas.filter((x) => x.reservedConcurrency)) {
      expect(fns.get(l.id)!.f.Properties.ReservedConcurrentExecutions, l.id).toBe(l.reservedConcurrency);
    }
    expect(manifest.lambdas.find((l) => l.streamSource)!.reservedConcurrency).toBeGreaterThan(0);
    for (const { f } of functionsByDescription(tuned.template).values()) expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('guardrails', () => {
  it('puts a regional WAF web ACL on the API: a rate limit per IP and the AWS common rule set', () => {
    for (const [t, limit] of [[standard.template, 2000], [tuned.template, 500]] as const) {
      t.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: limit, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }) } }),
        ]),
      });
      const [[aclId]] = resources(t, 'AWS::WAFv2::WebACL');
      const [[apiId]] = resources(t, 'AWS::AppSync::GraphQLApi');
      t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { 'Fn::GetAtt': [apiId, 'Arn'] }, WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] } });
    }
  });

  it('protects CloudFront with a CLOUDFRONT-scope web ACL in us-east-1, or the one given by context', () => {
    expect(standard.edge?.region).toBe('us-east-1');
    const edge = Template.fromStack(standard.edge!);
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) } })]),
    });
    const [[, distribution]] = resources(standard.template, 'AWS::CloudFront::Distribution');
    expect(distribution!.Properties.DistributionConfig.WebACLId).toBeDefined();
    expect(tuned.edge).toBeUndefined();
    tuned.template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ WebACLId: EDGE_ACL }) });
  });

  it('limits query depth and resolver count from the manifest; introspection off unless allowed; field log level from context', () => {
    standard.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      QueryDepthLimit: manifest.api!.queryDepthLimit,
      ResolverCountLimit: manifest.api!.resolverCountLimit,
      IntrospectionConfig: 'DISABLED',
      LogConfig: Match.objectLike({ FieldLogLevel: 'ERROR' }),
      EnhancedMetricsConfig: Match.objectLike({ ResolverLevelMetricsBehavior: 'FULL_REQUEST_RESOLVER_METRICS' }),
    });
    tuned.template.hasResourceProperties('AWS::AppSync::GraphQLApi', { IntrospectionConfig: 'ENABLED', LogConfig: Match.objectLike({ FieldLogLevel: 'ALL' }) });
  });

  it('grants the aggregator Mutation.publishCounts only', () => {
    const aggregate = manifest.lambdas.find((l) => l.streamSource)!;
    const policies = resources(standard.template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`Fn${aggregate.id}`));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const graphql = statements.filter((s) => [s.Action].flat().includes('appsync:GraphQL'));
    expect(graphql).toHaveLength(1);
    const resource = JSON.stringify(graphql[0]!.Resource);
    expect(resource).toContain('/types/Mutation/fields/publishCounts');
    expect(resource).not.toMatch(/Mutation\/\*|fields\/record/);
  });

  it('protects the table from deletion and starts the stream mapping at TRIM_HORIZON', () => {
    standard.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] });
    standard.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { StartingPosition: 'TRIM_HORIZON' });
    for (const [, q] of queues(standard.template)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('makes the CloudFront TLS policy effective: TLSv1.2_2021 with a custom certificate, and no ignored-setting warning', () => {
    tuned.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['growth.example.com'],
        ViewerCertificate: { AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    for (const built of [standard, tuned]) {
      const warnings = Annotations.fromStack(built.stack).findWarning('*', Match.stringLikeRegexp('minimumProtocolVersion'));
      expect(warnings).toEqual([]);
    }
  });

  it('gives every function the Powertools settings (service, namespace, level)', () => {
    for (const { f } of functionsByDescription(tuned.template).values()) {
      expect(f.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'splitloop', POWERTOOLS_METRICS_NAMESPACE: 'Splitloop', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    }
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  const acknowledged = (root: IConstruct) =>
    root.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

  it('reports no unacknowledged finding in either configuration', () => {
    for (const built of [standard, tuned]) {
      const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
      expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });

  it('gives every acknowledged finding a one-line reason', () => {
    const acks = acknowledged(standard.app).filter(([id]) => id.includes('AwsSolutions'));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(reason.length, id).toBeGreaterThan(20);
      expect(reason, id).not.toContain('\n');
    }
  });

  it('fails the synth on a finding nobody acknowledged', async () => {
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    const app = new App({ context: NO_BUNDLING });
    const { stack } = buildApp(app, { account: '123456789012', region: 'us-east-1' });
    new Queue(stack, 'Unreviewed');
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});

describe('deploy settings', () => {
  const settings = (context: Record<string, unknown>) => readSettings(new App({ context }));

  it('defaults to on-demand, introspection off, ERROR field logs, reserved concurrency on', () => {
    expect(settings({})).toMatchObject({ capacity: 'on-demand', introspection: false, fieldLogLevel: 'ERROR', reservedConcurrency: true, wafRateLimit: 2000 });
  });

  it('rejects bad values with the name of the switch and what it expects', () => {
    expect(() => settings({ capacity: 'lots' })).toThrow(/capacity="lots" is invalid: expected on-demand \| provisioned/);
    expect(() => settings({ minReadCapacity: '90', maxReadCapacity: '10' })).toThrow(/minReadCapacity/);
    expect(() => settings({ alarmEmail: 'nobody' })).toThrow(/alarmEmail/);
    expect(() => settings({ dashboardDomain: 'x.example.com' })).toThrow(/dashboardCertificateArn/);
  });
});
